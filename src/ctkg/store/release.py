"""A build as ``ctkg load`` and ``ctkg serve`` take it: present, current, and loadable.

Current means the sha256 of ``ctkg.trig`` equals the manifest's, so a hand-edited or
half-written build is never loaded or served. Loadable means what the swap of
:mod:`ctkg.store.load` relies on: every triple in a named graph under ``graph/`` and no blank
node, so that graphs can be moved and dropped by name.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.rdf.namespaces import GRAPH_NS

GRAPH_PREFIX = GRAPH_NS
STALE = "build missing/stale: run python build.py"


@dataclass
class Release:
    """A build read from disk: N-Triples per live graph IRI and the triple counts."""

    folder: Path
    version: str
    graphs: dict[str, bytes]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())



def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_build(folder: Path) -> dict[str, Any]:
    """The manifest of a present and current build, else a one-line 'missing/stale' error.

    Current means the sha256 of ``ctkg.trig`` equals the manifest's, so a hand-edited or
    half-written build is never loaded or served."""
    trig, manifest_path = folder / "ctkg.trig", folder / "manifest.json"
    for p in (trig, manifest_path):
        if not p.is_file():
            raise CTKGError.single(p, None, f"{STALE} ({p.name} not found)")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected = manifest["files"]["ctkg.trig"]
    except (ValueError, KeyError, TypeError):
        raise CTKGError.single(manifest_path, None,
                               f"{STALE} (manifest.json has no files.ctkg.trig sha256)") from None
    if sha256_file(trig) != expected:
        raise CTKGError.single(trig, None, f"{STALE} (its sha256 differs from manifest.json)")
    return manifest


def read_release(folder: Path) -> Release:
    """Check and parse a build folder (``ctkg.trig`` + ``manifest.json``) into per-graph
    N-Triples; refuse what the contract forbids (default-graph triples, blank nodes, graphs
    outside ``graph/``) since those could not be swapped or dropped safely later."""
    manifest = check_build(folder)
    trig = folder / "ctkg.trig"
    triples: dict[str, set[ox.Triple]] = defaultdict(set)
    try:
        for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
            g = quad.graph_name
            if isinstance(g, ox.DefaultGraph):
                raise CTKGError.single(trig, None, "triples in the default graph: every CTKG "
                                                   "triple belongs to a named graph")
            if not isinstance(g, ox.NamedNode) or not g.value.startswith(GRAPH_PREFIX):
                raise CTKGError.single(trig, None, f"graph {g} is not under {GRAPH_PREFIX}")
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                raise CTKGError.single(trig, None, f"blank node in graph {g.value}: the build "
                                                   "has none by contract (docs/design.md)")
            triples[g.value].add(quad.triple)
    except SyntaxError as exc:
        raise CTKGError.single(trig, None, f"does not parse: {str(exc)[:200]}") from None
    counts = {g: len(ts) for g, ts in sorted(triples.items())}
    listed = {g: int(v.get("triples", -1)) for g, v in manifest.get("graphs", {}).items()}
    wanted = {g: n for g, n in listed.items() if n}
    if counts != wanted:
        diff = sorted(set(counts.items()) ^ set(wanted.items()))[:1]
        raise CTKGError.single(trig, None, f"{STALE} (graphs or triple counts differ from "
                                           f"manifest.json, e.g. {diff[0][0]})")
    graphs = {g: ox.serialize(sorted(ts, key=str), format=ox.RdfFormat.N_TRIPLES) or b""
              for g, ts in sorted(triples.items())}
    return Release(folder, str(manifest.get("version", "?")), graphs, counts)
