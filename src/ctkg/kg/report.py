"""``build-report.md`` (counts and the validation summary, for people), ``manifest.json``
(what ``ctkg load`` verifies and how staleness is detected) and writing a build."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from ctkg import __version__
from ctkg.annotations.brief import DocBrief
from ctkg.kg.files import sha256_of
from ctkg.kg.graphstats import DatasetStats, is_iri
from ctkg.rdf.terms import ctkg, graph_of, natural_key

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"  # every other file of the release, as ``sha256sum -c`` reads it


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_sha256(root: Path, files: Iterable[Path | str],
                  known: Mapping[Path, str] | Mapping[str, str] | None = None) -> str:
    """One hash over every input file: its path relative to the root, then its bytes'
    SHA-256 (taken from ``known``, by path, where the build hashed the bytes it read
    already). Paths go as strings: 20,000 ``Path`` objects to hash and sort cost 0.5 s."""
    given = {str(p): digest for p, digest in (known or {}).items()}
    h = hashlib.sha256()
    for rel, path in sorted((_relative(str(p), root), str(p)) for p in files):
        h.update(rel.encode() + b"\0")
        digest = given.get(path) or sha256(Path(path).read_bytes())
        h.update(digest.encode() + b"\n")
    return h.hexdigest()


def _relative(text: str, root: Path) -> str:
    """The path ``text`` relative to ``root``, POSIX style; by its string where it starts
    with the root's (``relative_to`` parsed each path again: 0.4 s for 20,000 files)."""
    start = str(root).rstrip("/") + "/"
    if text.startswith(start) and "/./" not in text and "/../" not in text and "\\" not in text:
        return text[len(start):]
    return Path(text).relative_to(root).as_posix()


def render_manifest(inputs: str, graph_counts: Mapping[str, int],
                    files: Mapping[str, bytes], names: Iterable[str] | None = None) -> bytes:
    """``manifest.json``: the inputs' hash, each graph's triples and the SHA-256 of the
    files ``names`` (default: every file of ``files``)."""
    manifest = {
        "version": __version__,
        "inputs_sha256": inputs,
        "graphs": {g: {"triples": n} for g, n in sorted(graph_counts.items())},
        "files": {name: sha256_of(files, name) for name in sorted(
            files if names is None else names)},
    }
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def render_checksums(files: Mapping[str, bytes], names: Iterable[str] | None = None
                     ) -> bytes:
    """``SHA256SUMS``: one ``<hash>  <path>`` line per file (GNU coreutils' text form) of
    ``names`` (default: every file of ``files``), but itself."""
    return "".join(f"{sha256_of(files, name)}  {name}\n" for name in sorted(
        files if names is None else names) if name != CHECKSUMS).encode()


_COUNTED = {ctkg(c).value: c for c in ("Mention", "Assertion", "Statement")}


def render_report(stats: DatasetStats, docs: Iterable[DocBrief], warnings: list[str],
                  notes: list[str]) -> bytes:
    """``build-report.md``: counts per graph, document and class (from ``stats``, the
    build's figures), and the validation summary."""
    counts = stats.graph_counts
    classes: Counter[str] = Counter()  # rdf:type triples of every graph, per class
    for graph in stats.graphs.values():
        for cls in graph.class_names:
            if is_iri(cls):
                classes[cls] += graph.members(cls)
    lines = ["# CTKG build report", "", f"Version {__version__}.", "", "## Graphs", "",
             "| graph | triples |", "|---|---:|"]
    lines += [f"| `{g}` | {n} |" for g, n in sorted(counts.items())]
    lines += ["", "## Documents", "",
              "| document | T | E | R | negated | mentions | statements | assertions |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for d in sorted(docs, key=lambda d: natural_key(d.doc_id)):
        found = stats.graphs.get(graph_of(d.doc_id).value)
        c = {kind: found.members(cls) if found else 0
             for cls, kind in _COUNTED.items()}
        lines.append(f"| {d.doc_id} | {d.textbounds} | {d.events} | "
                     f"{d.relations} | {d.negated} | {c['Mention']} | {c['Statement']} | "
                     f"{c['Assertion']} |")
    lines += ["", "## Instances per class (all graphs)", "", "| class | instances |",
              "|---|---:|"]
    lines += [f"| `{c}` | {n} |" for c, n in sorted(classes.items())]
    lines += ["", "## Validation", "",
              "Annotation checks, ontology and shapes syntax, registry event times, SHACL "
              "(no inference) and the QC queries passed with no error.", "",
              f"Warnings: {len(warnings)}."]
    lines += [f"- {w.replace('|', '&#124;')}" for w in warnings]
    if notes:
        lines += ["", "Steps skipped:"] + [f"- {n}" for n in notes]
    return ("\n".join(lines) + "\n").encode()
