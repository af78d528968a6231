"""The build's output folder ``data/kg``: rendering every file, checking and writing them,
and reading a committed build back (docs/design.md, "Build outputs")."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.build.dumps import (
    DUMP_PREFIXES,
    readable_order,
    render_nq,
    render_trig,
    render_ttl,
    union_triples,
)
from ctkg.build.jsonld import ctkg_terms, jsonld_context, render_context, render_jsonld
from ctkg.build.report import (
    MANIFEST,
    graph_counts,
    inputs_sha256,
    render_manifest,
    render_report,
    write_atomically,
)
from ctkg.build.void import render_void
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.paths import Layout


def input_files(layout: Layout) -> list[Path]:
    """Every file the build reads (its hash goes into the manifest)."""
    files = [p for p in layout.corpus.glob("*") if p.is_file()]
    files += sorted(layout.ontology_dir.glob("*.ttl")) + sorted(layout.qc_queries.glob("*.rq"))
    files += [p for p in (layout.registry, layout.catalogue, layout.links,
                          layout.wikidata_cache) if p.is_file()]
    return sorted(set(files))


def render_files(layout: Layout, quads: list[ox.Quad], ontology: Iterable[ox.Triple],
                 docs: list[brat.Document], warnings: list[Problem],
                 notes: list[str]) -> dict[str, bytes]:
    """Every output file's bytes (the manifest last: it hashes the others)."""
    ctx = jsonld_context(ctkg_terms(ontology))
    triples = union_triples(quads)
    ordered = readable_order(quads, DUMP_PREFIXES)  # JSON-LD takes the same order
    files = {
        "ctkg.trig": render_trig(ordered, ordered=True),
        "ctkg.ttl": render_ttl(triples),
        "ctkg.nq": render_nq(quads),
        "ctkg.jsonld": render_jsonld(ordered, ctx, ordered=True),
        "context.jsonld": render_context(ctx),
        "void.ttl": render_void(triples, (d.doc_id for d in docs)),
    }
    counts = graph_counts(quads)
    shown = display_path(layout.root)  # report paths relative to the root, wherever we run
    prefix = f"{shown}/" if shown != "." else ""
    shown_warnings = [str(w).replace(prefix, "") if prefix else str(w) for w in warnings]
    files["build-report.md"] = render_report(quads, counts, docs, shown_warnings, notes)
    files[MANIFEST] = render_manifest(inputs_sha256(layout.root, input_files(layout)),
                                      counts, files)
    return files


def stale_outputs(files: dict[str, bytes], out: Path) -> list[str]:
    """The output files in ``out`` that differ from (or are missing in) a build's files."""
    return [name for name, data in sorted(files.items())
            if not (out / name).is_file() or (out / name).read_bytes() != data]


def write_outputs(files: dict[str, bytes], out: Path) -> None:
    """Write a build's files into ``out`` atomically, the manifest last."""
    write_atomically(out, files, last=MANIFEST)


def load_dataset(layout: Layout) -> ox.Store:
    """The committed build (``data/kg/ctkg.trig``) in an in-memory Oxigraph store."""
    path = layout.kg / "ctkg.trig"
    if not path.is_file():
        raise CTKGError.single(path, None, "no build found: run `python build.py` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    except SyntaxError as exc:
        raise CTKGError.single(path, getattr(exc, "lineno", None), f"does not parse: {exc}"
                               ) from None
    return store


def read_manifest(layout: Layout) -> dict[str, Any]:
    """``data/kg/manifest.json`` as a dict (CTKGError if missing or malformed)."""
    path = layout.kg / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CTKGError.single(path, None, "no build manifest: run `python build.py` first"
                               ) from None
    except json.JSONDecodeError as exc:
        raise CTKGError.single(path, exc.lineno, f"malformed JSON: {exc.msg}") from None
    return data
