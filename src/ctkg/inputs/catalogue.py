"""The source catalogue ``data/catalogue.toml``: one typed :class:`CatalogueEntry` per text.

A document's entry gives what the text itself cannot: its title, publisher, publication date
(with the evidence when the date is inferred), kind, language and derivation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.errors import CTKGError, Problem
from ctkg.inputs.timex import parse_iso
from ctkg.inputs.toml import read_toml
from ctkg.rdf.terms import named

DOCUMENT_KINDS = ("NewsArticle", "InterviewArticle", "SpeechTranscript", "ThirdPartyRewrite")
# a document id (a file stem, a catalogue table) is the last segment of the IRIs
# id/document/<id>, graph/<id>, id/mention/<id>/... : ASCII letters, digits, '_' and '-',
# with single dots between them (no '.' or '..' segment, no dot at an end)
DOC_ID_RE = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$")
DOC_ID_RULE = ("document id rule: ASCII letters, digits, '_' and '-', with single dots "
               "between them, e.g. 000_4f7ada5e30202a80")
_REQUIRED = ("title", "date", "kind", "language")
_OPTIONAL_TEXT = ("publisher", "date_evidence", "derived_from", "derivation_evidence",
                  "truncation_note", "url", "note")
_FLAGS = ("date_inferred", "truncated")


@dataclass(frozen=True)
class CatalogueEntry:
    """The description of one source document."""

    doc_id: str
    title: str
    date: str
    kind: str
    language: str
    publisher: str | None = None
    date_inferred: bool = False
    date_evidence: str | None = None
    derived_from: str | None = None
    derivation_evidence: str | None = None
    truncated: bool = False
    truncation_note: str | None = None
    url: str | None = None
    note: str | None = None
    line: int | None = None


def read_catalogue(path: Path) -> tuple[dict[str, CatalogueEntry], list[Problem]]:
    """Read ``catalogue.toml`` (one table per document id): every usable entry and every
    problem of the file."""
    toml = read_toml(path)
    problems = list(toml.problems)
    out: dict[str, CatalogueEntry] = {}
    for doc_id, table in toml.data.items():
        entry, found = _entry(toml.shown, toml.lines.header(doc_id), doc_id, table)
        problems += found
        if entry is not None:
            out[doc_id] = entry
    for doc_id, entry in out.items():
        if entry.derived_from and entry.derived_from not in out:
            problems.append(Problem(toml.shown, entry.line, f"{doc_id}: derived_from "
                                    f"{entry.derived_from!r} is not a catalogued document"))
    return out, problems


def load_catalogue(path: Path) -> dict[str, CatalogueEntry]:
    """:func:`read_catalogue`, strict: CTKGError with every problem if there is any."""
    catalogue, problems = read_catalogue(path)
    if problems:
        raise CTKGError(problems)
    return catalogue


def _entry(where: str, line: int | None, doc_id: str,
           table: Any) -> tuple[CatalogueEntry | None, list[Problem]]:
    """One ``[doc_id]`` table as a CatalogueEntry (None if unusable) and its problems."""
    def bad(message: str) -> Problem:
        return Problem(where, line, f"{doc_id}: {message}")

    if not isinstance(table, dict) or not DOC_ID_RE.match(doc_id):
        return None, [Problem(where, line, f"{doc_id!r}: expected a table per document id")]
    known = {*_REQUIRED, *_OPTIONAL_TEXT, *_FLAGS}
    problems = [bad(f"unknown key {key!r}") for key in sorted(set(table) - known)]
    for key in (*_REQUIRED, *_OPTIONAL_TEXT):
        value = table.get(key)
        if value is None or value == "":
            if key in _REQUIRED:
                problems.append(bad(f"missing {key!r}"))
        elif not isinstance(value, str):
            problems.append(bad(f"{key} must be a quoted string"))
    problems += [bad(f"{key} must be true or false") for key in _FLAGS
                 if not isinstance(table.get(key, False), bool)]
    date, kind = table.get("date"), table.get("kind")
    if isinstance(date, str) and date:
        try:
            parse_iso(date)
        except ValueError as exc:
            problems.append(bad(f"date: {exc}"))
    if isinstance(kind, str) and kind and kind not in DOCUMENT_KINDS:
        problems.append(bad(f"kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}"))
    problems += [bad(m) for m in _term_problems(table)]
    if problems:
        return None, problems
    return CatalogueEntry(doc_id=doc_id, line=line, **{k: table[k] for k in table}), []


def _term_problems(table: dict[str, Any]) -> list[str]:
    """What the build could not turn into an RDF term: the title's language tag
    (``dct:title "…"@<language>``) and the ``schema:url`` IRI. pyoxigraph, which makes the
    terms, is the judge, so that the reader refuses exactly what the build would."""
    out: list[str] = []
    language, url = table.get("language"), table.get("url")
    if isinstance(language, str) and language:
        try:
            ox.Literal("", language=language)
        except ValueError as exc:
            out.append(f"language {language!r} is not a BCP 47 language tag ({exc}), "
                       "e.g. \"en\" or \"fr-CA\"")
    if isinstance(url, str) and url:
        try:
            named(url)
        except ValueError:
            out.append(f"url {url!r} is not an IRI (an absolute http(s) address without "
                       "spaces, quotes or <>{}|^`\\)")
    return out
