"""Paraphrase provenance: a statement of a third-party rewrite is the rewrite's paraphrase.

A rewrite (catalogue ``derived_from``) puts words in the speaker's mouth that are its own: its
statements carry ``SpeechKind Paraphrase`` and a note ``paraphraseOf=<document>/<E id>``
naming the statement(s) of the original document they paraphrase (comma-separated when a
rewrite merges several). The link crosses documents, so it is checked here on the whole
collection (docs/annotation-guidelines.md, "Paraphrases"); the compiler turns it into
``ctkg:paraphraseOf``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ctkg.annotations.brat import Document
from ctkg.errors import Problem, display_path
from ctkg.inputs.catalogue import CatalogueEntry

STATEMENT = "Statement"


def paraphrased(doc: Document, event_id: str) -> list[str]:
    """The ``<document>/<E id>`` of the statements a paraphrase paraphrases: its notes'
    ``paraphraseOf=`` values, comma-separated (a rewrite may merge two statements)."""
    out: list[str] = []
    for note in doc.notes_of(event_id):
        out += [v for v in note.pairs.get("paraphraseOf", "").split(",") if v]
    return out


@dataclass(frozen=True)
class Said:
    """What the paraphrase check reads of one Statement: a document's share of it, which a
    build caches (ctkg.kg.readcache) so that the check runs without the documents."""

    ann_id: str
    line: int | None
    kind: str | None  # its SpeechKind
    originals: tuple[str, ...]  # its paraphraseOf= values


@dataclass(frozen=True)
class Statements:
    """One document's Statements: what it says (checked) and which exist (for the
    paraphrases of other documents that name them)."""

    where: str  # its .ann, as problems name it
    said: tuple[Said, ...]
    ids: frozenset[str]

    @classmethod
    def of(cls, doc: Document) -> Statements:
        said = tuple(Said(ev.id, ev.line, doc.attrs_of(ev.id).get("SpeechKind"),
                          tuple(paraphrased(doc, ev.id)))
                     for ev in doc.events.values() if ev.type == STATEMENT)
        return cls(display_path(doc.ann_path), said, frozenset(s.ann_id for s in said))


def check_paraphrases(docs: Sequence[Document],
                      catalogue: Mapping[str, CatalogueEntry]) -> list[Problem]:
    """Every statement of a rewrite is a Paraphrase of statements of the document it
    rewrites; only a rewrite has paraphrases; only a paraphrase names an original."""
    return paraphrase_problems({d.doc_id: Statements.of(d) for d in docs}, catalogue)


def paraphrase_problems(docs: Mapping[str, Statements],
                        catalogue: Mapping[str, CatalogueEntry]) -> list[Problem]:
    """:func:`check_paraphrases` from each document's :class:`Statements`, in order."""
    out: list[Problem] = []
    for doc_id, statements in docs.items():
        entry = catalogue.get(doc_id)
        source = entry.derived_from if entry is not None else None
        for said in statements.said:
            out += _check_statement(statements.where, said, source, docs)
    return out


def _check_statement(where: str, said: Said, source: str | None,
                     by_id: Mapping[str, Statements]) -> list[Problem]:
    ann_id, line, kind, originals = said.ann_id, said.line, said.kind, said.originals
    out: list[Problem] = []

    def bad(message: str) -> None:
        out.append(Problem(where, line, f"{ann_id}: {message}"))

    if kind != "Paraphrase":
        if source and kind:
            bad(f"a statement of a rewrite of {source} is the rewrite's paraphrase, "
                f"not the speaker's words: SpeechKind Paraphrase, not {kind}")
        if originals:
            bad("paraphraseOf= on a statement that is not a Paraphrase")
        return out
    if not source:
        bad("a Paraphrase in a document that rewrites none (catalogue derived_from)")
        return out
    if not originals:
        bad(f"a Paraphrase needs a note paraphraseOf={source}/<statement E id> "
            "naming the statement it paraphrases")
    for original in originals:
        out += _check_original(original, source, by_id, where, ann_id, line)
    return out


def _check_original(original: str, source: str, by_id: Mapping[str, Statements], where: str,
                    ann_id: str, line: int | None) -> list[Problem]:
    doc_id, _, event_id = original.partition("/")
    if doc_id != source:
        return [Problem(where, line, f"{ann_id}: paraphraseOf={original}: the document is "
                                     f"not {source}, the one this document rewrites")]
    target = by_id.get(doc_id)
    if target is None or event_id not in target.ids:
        return [Problem(where, line, f"{ann_id}: paraphraseOf={original}: {event_id} is not "
                                     f"a Statement of {doc_id}")]
    return []
