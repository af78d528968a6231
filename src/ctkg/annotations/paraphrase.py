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


def check_paraphrases(docs: Sequence[Document],
                      catalogue: Mapping[str, CatalogueEntry]) -> list[Problem]:
    """Every statement of a rewrite is a Paraphrase of statements of the document it
    rewrites; only a rewrite has paraphrases; only a paraphrase names an original."""
    by_id = {d.doc_id: d for d in docs}
    out: list[Problem] = []
    for doc in docs:
        entry = catalogue.get(doc.doc_id)
        source = entry.derived_from if entry is not None else None
        for ev in doc.events.values():
            if ev.type == STATEMENT:
                out += _check_statement(doc, ev.id, ev.line, source, by_id)
    return out


def _check_statement(doc: Document, ann_id: str, line: int | None, source: str | None,
                     by_id: Mapping[str, Document]) -> list[Problem]:
    where = display_path(doc.ann_path)
    kind = doc.attrs_of(ann_id).get("SpeechKind")
    originals = paraphrased(doc, ann_id)
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


def _check_original(original: str, source: str, by_id: Mapping[str, Document], where: str,
                    ann_id: str, line: int | None) -> list[Problem]:
    doc_id, _, event_id = original.partition("/")
    if doc_id != source:
        return [Problem(where, line, f"{ann_id}: paraphraseOf={original}: the document is "
                                     f"not {source}, the one this document rewrites")]
    target = by_id.get(doc_id)
    event = target.events.get(event_id) if target is not None else None
    if event is None or event.type != STATEMENT:
        return [Problem(where, line, f"{ann_id}: paraphraseOf={original}: {event_id} is not "
                                     f"a Statement of {doc_id}")]
    return []
