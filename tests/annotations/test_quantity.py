"""Quantities (issue 16): the note of a Quantity span, and the thing it counts."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.brat import Document, read_document
from ctkg.annotations.quantity import Quantity, check_quantity, read_quantity

TEXT = "The Council has 15 members."


def _doc(tmp_path: Path, extra: str) -> Document:
    (tmp_path / "d.txt").write_text(TEXT, encoding="utf-8")
    ann = ("T1\tOrganization 4 11\tCouncil\nT2\tQuantity 16 26\t15 members\n" + extra)
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    return read_document(tmp_path / "d.txt")


def _messages(doc: Document) -> list[str]:
    return [p.message for p in check_quantity(doc, doc.textbounds["T2"], "d.ann")]


def test_complete_quantity_passes(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "R1\tmemberCount Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T2\tvalue=15 "
                         "qualifier=exact counts=MemberState unit=members\n")
    assert _messages(doc) == []
    assert read_quantity(doc, doc.textbounds["T2"]) == (
        Quantity(15, "Exact", "MemberState", "members"), [])


def test_each_missing_or_wrong_part_is_named(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "#1\tAnnotatorNotes T2\tvalue=fifteen qualifier=roughly "
                         "counts=Council\n")
    text = " | ".join(_messages(doc))
    assert "value='fifteen' is not a whole number" in text
    assert "qualifier='roughly' is not one of approximately|atLeast|atMost|exact" in text
    assert "counts='Council' is not one of" in text
    assert "unit= (the text's word for what it counts) is missing" in text
    assert "needs exactly one attendeeCount/memberCount relation" in text


def test_a_quantity_counts_exactly_one_thing(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "R1\tmemberCount Arg1:T1 Arg2:T2\nR2\tmemberCount Arg1:T1 Arg2:T2\n"
                         "#1\tAnnotatorNotes T2\tvalue=15 qualifier=exact counts=MemberState "
                         "unit=members\n")
    assert _messages(doc) == ["T2: Quantity: needs exactly one attendeeCount/memberCount "
                              "relation to the thing it counts, found 2 (note: value=<digits> "
                              "qualifier=<q> counts=<class> unit=<word>)"]
