"""The build's output folder ``data/kg``: rendering every file, checking and writing them,
and reading a committed build back (docs/design.md, "Build outputs")."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg import __version__
from ctkg.annotations.brief import DocBrief
from ctkg.atomic import replace_folder
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.kg.files import Files, chunks_of, same_as_file, size_of
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.graphstats import DatasetStats
from ctkg.kg.jsonld import render_context
from ctkg.kg.pieces import Piece
from ctkg.kg.render import assemble
from ctkg.kg.report import (
    CHECKSUMS,
    MANIFEST,
    inputs_sha256,
    render_checksums,
    render_manifest,
    render_report,
)
from ctkg.kg.spool import Blob, Spool
from ctkg.kg.tablemeta import render_tables
from ctkg.kg.void import render_void
from ctkg.paths import Layout


def input_files(layout: Layout) -> list[str]:
    """Every file the build reads (its hash goes into the manifest), as path strings. The
    corpus folder is listed with ``os.scandir``, whose entries know their type and path: a
    ``glob`` and an ``is_file`` per file took 1-2 s at 10,000 documents, and making,
    hashing and sorting a ``Path`` per file another second."""
    files: list[str] = []
    if layout.corpus.is_dir():
        with os.scandir(layout.corpus) as entries:
            files = [e.path for e in entries if e.is_file()]
    files += map(str, sorted(layout.ontology_dir.glob("*.ttl")))
    files += map(str, sorted(layout.qc_queries.glob("*.rq")))
    files += [str(p) for p in (layout.registry, layout.catalogue, layout.links,
                               layout.wikidata_cache) if p.is_file()]
    return sorted(set(files))


def render_files(layout: Layout, quads: Iterable[ox.Quad], pieces: Sequence[Piece],
                 ctx: Mapping[str, object], docs: Sequence[DocBrief],
                 warnings: list[Problem], notes: list[str], stats: DatasetStats,
                 store: ox.Store | None = None, spool: Spool | None = None,
                 tables: Mapping[str, Blob] | None = None) -> Files:
    """Every output file's bytes: the dumps assembled from each graph's piece
    (:mod:`ctkg.kg.pieces`), then the files derived from the quads (the manifest hashes the
    others, and ``SHA256SUMS`` all of them, the manifest included, for ``sha256sum -c``).
    ``stats``: the build's figures (:attr:`ctkg.kg.compiled.Compiled.stats`); ``store``: the
    build's store, holding ``quads`` (else one is made for the tables); ``spool``: where the
    tables go as they are made (else they stay in memory); ``tables``: the tables' files if
    they were made already (:func:`ctkg.kg.tablemeta.render_tables`)."""
    files = Files()
    for name, chunks in assemble(pieces, ctx, quads).items():
        files.set_chunks(name, chunks)
    files["context.jsonld"] = render_context(ctx)
    if tables is None:
        tables = render_tables(quads, store, spool)
    for name, data in tables.items():
        files.set_chunks(name, [data])
    # VoID, the manifest and SHA256SUMS hold the others' hashes: made when first asked for,
    # after write_outputs has hashed the dumps as it wrote them (else they are hashed then)
    doc_ids = [d.doc_id for d in docs]
    issued = release_date(layout.root / "CHANGELOG.md")
    files.set_later("void.ttl", lambda: render_void(stats, doc_ids, _hashed(files),
                                                    issued=issued))
    shown_warnings = [str(w) for w in root_relative(layout.root, warnings)]
    files["build-report.md"] = render_report(stats, docs, shown_warnings, notes)
    read = {str(path): digest for d in docs
            for path, digest in ((d.txt_path, d.txt_sha256), (d.ann_path, d.ann_sha256))
            if digest}  # the corpus files, hashed as they were read
    inputs = inputs_sha256(layout.root, input_files(layout), read)
    listed = sorted(files)  # the manifest lists these, SHA256SUMS these and the manifest
    files.set_later(MANIFEST, lambda: render_manifest(inputs, stats.graph_counts,
                                                      _hashed(files), listed))
    files.set_later(CHECKSUMS, lambda: render_checksums(_hashed(files), [*listed, MANIFEST]))
    return files


def _hashed(files: Files) -> Files:
    """``files`` with the dumps hashed (side by side, those not hashed yet)."""
    files.hash_all(name for name in files if name.startswith("ctkg."))
    return files


def release_date(changelog: Path) -> str | None:
    """The date of this version's section in the CHANGELOG (``## [0.1.0] - 2026-11-23``),
    or None while it is unreleased. Only that line counts, so editing *Unreleased* never
    makes the build stale."""
    if not changelog.is_file():
        return None
    head = f"## [{__version__}] - "
    for line in changelog.read_text(encoding="utf-8").splitlines():
        if line.startswith(head) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", line[len(head):]):
            return line[len(head):]
    return None


def root_relative(root: Path, problems: Iterable[Problem]) -> list[Problem]:
    """Problems named relative to the project root and sorted by file and line: the report
    says the same, byte for byte, from whatever working directory the build runs."""
    base = root.resolve()
    shown_root = display_path(root)  # how paths inside messages name the root from here
    prefix = f"{shown_root}/" if shown_root != "." else ""

    def relative(problem: Problem) -> Problem:
        message = problem.message.replace(prefix, "") if prefix else problem.message
        try:
            shown = (Path.cwd() / problem.file).resolve().relative_to(base).as_posix()
        except ValueError:
            shown = problem.file
        return replace(problem, file=shown, message=message)

    return sorted({relative(p) for p in problems},
                  key=lambda p: (p.file, p.line or 0, p.message, p.severity))


def stale_outputs(files: Mapping[str, bytes], out: Path) -> list[str]:
    """The output files in ``out`` that differ from (or are missing in) a build's files
    (compared chunk by chunk: :mod:`ctkg.kg.files`)."""
    return [name for name in sorted(files)
            if not same_as_file(out / name, chunks_of(files, name))]


BIG = 1 << 20  # files of this size or more are written two at a time


def write_outputs(files: Mapping[str, bytes], out: Path) -> None:
    """Replace the release in ``out`` by a build's files, all at once: after any single
    failure ``out`` holds the old release or the new one, never a mix (:mod:`ctkg.atomic`).
    The dumps are written chunk by chunk, never joined, and hashed as they are written:
    VoID, the manifest and ``SHA256SUMS``, made from those hashes, are made then."""
    with gc_paused():  # the build's objects are many: a collection here walks them all
        _write_outputs(files, out)


def _write_outputs(files: Mapping[str, bytes], out: Path) -> None:
    owned = set(files) | {n.split("/")[0] for n in files}
    if not isinstance(files, Files):
        replace_folder(out, dict(files), owned=owned)
        return
    later = files.later()  # made from the hashes of the others, noted as they are written
    first = {name: files.chunks(name) for name in files if name not in later}

    def then(digests: dict[str, str]) -> dict[str, Sequence[Blob]]:
        files.note_sha256(digests)
        return {name: files.chunks(name) for name in sorted(later)}

    big = sorted((n for n in first if size_of(files, n) >= BIG), key=lambda n: (
        -size_of(files, n), n))  # the dumps: two at a time, largest first
    replace_folder(out, first, owned=owned, then=then, together=big)


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
