"""Paraphrase provenance across documents: a rewrite's statements name their originals."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.brat import Document, read_document
from ctkg.annotations.paraphrase import check_paraphrases, paraphrased
from ctkg.inputs.catalogue import CatalogueEntry

ORIGINAL = ("T1\tPerson 0 3\tAnn\nT2\tStatement 9 24\tcooperation is vital\n"
            "E1\tStatement:T2 Speaker:T1\nA1\tSpeechKind E1 ReportedSpeech\n")
ORIGINAL_TEXT = "Ann said cooperation is vital."


def _doc(tmp_path: Path, doc_id: str, text: str, ann: str) -> Document:
    (tmp_path / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (tmp_path / f"{doc_id}.ann").write_text(ann, encoding="utf-8")
    return read_document(tmp_path / f"{doc_id}.txt")


def _entry(doc_id: str, derived_from: str | None = None) -> CatalogueEntry:
    kind = "ThirdPartyRewrite" if derived_from else "NewsArticle"
    return CatalogueEntry(doc_id, "t", "2018-06", kind, "en", derived_from=derived_from)


def _rewrite(tmp_path: Path, kind: str, note: str) -> Document:
    text = "Ann said cooperation is very important."
    ann = ("T1\tPerson 0 3\tAnn\nT2\tStatement 9 38\tcooperation is very important\n"
           f"E1\tStatement:T2 Speaker:T1\nA1\tSpeechKind E1 {kind}\n{note}")
    return _doc(tmp_path, "r", text, ann)


def _problems(tmp_path: Path, kind: str, note: str) -> list[str]:
    docs = [_doc(tmp_path, "o", ORIGINAL_TEXT, ORIGINAL), _rewrite(tmp_path, kind, note)]
    catalogue = {"o": _entry("o"), "r": _entry("r", "o")}
    return [p.message for p in check_paraphrases(docs, catalogue)]


def test_paraphrase_with_its_original_passes(tmp_path: Path) -> None:
    assert _problems(tmp_path, "Paraphrase", "#1\tAnnotatorNotes E1\tparaphraseOf=o/E1\n") == []


def test_paraphrased_splits_commas(tmp_path: Path) -> None:
    doc = _rewrite(tmp_path, "Paraphrase", "#1\tAnnotatorNotes E1\tparaphraseOf=o/E1,o/E2 "
                                           "note=x=y\n")
    assert paraphrased(doc, "E1") == ["o/E1", "o/E2"]


def test_rewrite_statement_as_speakers_words_fails(tmp_path: Path) -> None:
    [msg] = _problems(tmp_path, "ReportedSpeech", "")
    assert "SpeechKind Paraphrase, not ReportedSpeech" in msg


def test_paraphrase_without_original_fails(tmp_path: Path) -> None:
    [msg] = _problems(tmp_path, "Paraphrase", "")
    assert "needs a note paraphraseOf=o/<statement E id>" in msg


def test_original_must_be_a_statement_of_the_source(tmp_path: Path) -> None:
    msgs = _problems(tmp_path, "Paraphrase", "#1\tAnnotatorNotes E1\tparaphraseOf=o/E9,x/E1\n")
    assert any("E9 is not a Statement of o" in m for m in msgs)
    assert any("the document is not o" in m for m in msgs)
    assert len(msgs) == 2


def test_paraphrase_outside_a_rewrite_fails(tmp_path: Path) -> None:
    docs = [_doc(tmp_path, "o", ORIGINAL_TEXT, ORIGINAL.replace("ReportedSpeech", "Paraphrase"))]
    [problem] = check_paraphrases(docs, {"o": _entry("o")})
    assert "rewrites none" in problem.message
