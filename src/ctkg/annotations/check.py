"""The annotation checker: every defect of the corpus at once, each with file, line and what.

``check_corpus(layout)`` checks the project's real files (the build calls it first and stops
on errors); ``check_collection(...)`` takes explicit paths so that small fixtures can be
checked. Both return :class:`~ctkg.errors.Problem`s sorted by file and line; errors are real
defects (the build would compile something untrue or lose information), warnings are hints.
The scheme is :func:`ctkg.annotations.conf.build_scheme`'s, the same data ``annotation.conf`` is
generated from. This module reads the files and checks the corpus as a whole; each document
is checked by :mod:`ctkg.annotations.check_document` (whose names are re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ctkg.annotations.brat import Document, parse_ann
from ctkg.annotations.check_document import (
    Context,
    check_document,
)
from ctkg.annotations.conf import Ontology, build_scheme, load_ontology, render_all, stale_files
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import load_catalogue
from ctkg.inputs.registry import load_registry
from ctkg.inputs.toml import read_toml
from ctkg.rdf.namespaces import CONCEPT_KINDS


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By file, line and message: the order the checker reports in."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


# ---------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------

def decode(path: Path, problems: list[Problem]) -> str:
    """Decode strictly, reporting non-UTF-8, a byte-order mark and CR line endings by line."""
    raw = path.read_bytes()
    where = display_path(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(where, line, f"not UTF-8: byte {exc.start} "
                                             f"(0x{raw[exc.start]:02x}): {exc.reason}"))
        text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        problems.append(Problem(where, 1, "starts with a byte-order mark (U+FEFF): save as "
                                          "UTF-8 without BOM (it shifts every offset)"))
    if "\r" in text:
        first = text[:text.index("\r")].count("\n") + 1
        crlf = text.count("\r\n")
        kind = f"CRLF line endings ({crlf} lines)" if crlf else "a carriage return (CR)"
        problems.append(Problem(where, first, f"{kind}: use LF only (brat counts offsets "
                                              "on LF text)"))
    return text


def read_doc(txt: Path, ann: Path, problems: list[Problem]) -> Document:
    """One brat document (text and annotations), its reading problems added to ``problems``."""
    text = decode(txt, problems)
    ann_text = decode(ann, problems)
    doc = parse_ann(ann_text, doc_id=txt.stem, txt_path=txt, ann_path=ann, text=text)
    problems.extend(doc.problems)
    return doc


# ---------------------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------------------

def _load_registry(path: Path, onto: Ontology, problems: list[Problem]) \
        -> tuple[dict[str, dict[str, Any]] | None, dict[str, int]]:
    """The registry's tables even when some are malformed (their problems are reported)."""
    try:
        load_registry(path, class_names=onto.classes)
    except CTKGError as exc:
        problems.extend(exc.problems)
    toml = read_toml(path)
    if not toml.readable:
        return None, {}
    lines = {k: line for k in toml.data if (line := toml.lines.header(k))}
    return {k: v for k, v in toml.data.items() if isinstance(v, dict)}, lines


def check_collection(corpus: Path, registry: Path, *, ontology: Sequence[Path],
                     links: Path | None = None, catalogue: Path | None = None,
                     conf: bool = False) -> list[Problem]:
    """Check a brat collection against an ontology, a registry and (optionally) the
    Wikidata links and the catalogue; ``conf`` also checks the collection's conf files."""
    problems: list[Problem] = []
    onto = load_ontology(ontology)
    scheme, scheme_problems = build_scheme(onto, display_path(ontology[0]))
    problems += scheme_problems
    if conf:
        problems += stale_files(corpus, render_all(scheme))
    reg, reg_lines = _load_registry(registry, onto, problems)
    link_data: dict[str, dict[str, Any]] | None = None
    if links is not None and links.is_file():
        raw = read_toml(links)
        link_data = {k: v for k, v in raw.data.items() if isinstance(v, dict)}
        problems += raw.problems
    txts = {p.stem: p for p in corpus.glob("*.txt")}
    anns = {p.stem: p for p in corpus.glob("*.ann")}
    ctx = Context(scheme, onto, reg, reg_lines, display_path(registry), link_data,
                  set(txts), display_path(links) if links else "")
    for stem in sorted(set(anns) - set(txts)):
        problems.append(Problem(display_path(anns[stem]), None, f"{stem}.ann has no {stem}.txt"))
    for stem in sorted(set(txts) - set(anns)):
        problems.append(Problem(display_path(txts[stem]), None, f"{stem}.txt has no {stem}.ann"))
    for stem in sorted(set(txts) & set(anns)):
        doc = read_doc(txts[stem], anns[stem], problems)
        problems += check_document(doc, ctx)
    if catalogue is not None:
        problems += _check_catalogue(catalogue, set(txts), ctx)
    problems += _check_registry(ctx, onto)
    return sort_problems(problems)


def _check_catalogue(path: Path, doc_ids: set[str], ctx: Context) -> list[Problem]:
    out: list[Problem] = []
    try:
        cat = load_catalogue(path)
    except CTKGError as exc:
        return exc.problems
    where = display_path(path)
    for doc_id in sorted(doc_ids - set(cat)):
        out.append(Problem(where, None, f"document {doc_id} has no [{doc_id}] table"))
    for doc_id, entry in cat.items():
        if doc_id not in doc_ids:
            out.append(Problem(where, entry.line, f"{doc_id}: no such document in the corpus"))
        pub = entry.publisher
        if pub:
            ctx.used.add(pub)
            if ctx.registry is not None and pub not in ctx.registry:
                out.append(Problem(where, entry.line, f"{doc_id}: publisher {pub!r} is not a "
                                                      "registry slug"))
    return out


def _check_registry(ctx: Context, onto: Ontology) -> list[Problem]:
    out: list[Problem] = []
    if ctx.registry is None:
        return out
    for table in ctx.registry.values():
        if isinstance(table.get("place"), str):
            ctx.used.add(table["place"])
    for slug, table in ctx.registry.items():
        line = ctx.registry_lines.get(slug)
        if slug not in ctx.used and table.get("keep") is not True:
            out.append(Problem(ctx.registry_where, line, f"{slug}: used by no mention "
                                                         "(remove it or mark keep = true)"))
        rtype = table.get("type")
        if onto.concepts is None or not isinstance(rtype, str):
            continue
        for ctype, kind in CONCEPT_KINDS.items():
            if onto.is_subclass(rtype, ctype) and f"{kind}/{slug}" not in onto.concepts:
                out.append(Problem(ctx.registry_where, line, f"{slug}: {rtype} without a "
                                                             f"concept id/{kind}/{slug} in "
                                                             "ontology/concepts.ttl"))
    return out


def check_corpus(layout: Any, corpus: Path | None = None) -> list[Problem]:
    """Check the project's corpus (or another collection) against its real inputs."""
    folder = corpus or layout.corpus
    return check_collection(folder, layout.registry, ontology=layout.ontology_files(),
                            links=layout.links, catalogue=layout.catalogue,
                            conf=corpus is None or folder.resolve() == layout.corpus.resolve())
