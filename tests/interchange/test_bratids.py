"""The bratIds feature: every id and attachment a round trip must keep."""

from __future__ import annotations

import pytest

from ctkg.interchange.bratids import BratIds


def test_render_and_parse_agree() -> None:
    ids = BratIds(own=["T7", "E2"], norms={"CTKG": ("N5", "E2"), "Wikidata": ("N9", "T7")},
                  note=("#3", "T7"), attrs={"SpeechKind": ("A1", "E2")})
    text = ids.render()
    assert text == "T7 E2 N5:CTKG@E2 N9:Wikidata@T7 #3@T7 A1:SpeechKind@E2"
    assert BratIds.parse(text) == ids
    assert ids.own_of("E") == "E2" and ids.own_of("R") is None


def test_empty_is_a_new_annotation() -> None:
    assert BratIds.parse(None) == BratIds.parse("") == BratIds()


@pytest.mark.parametrize("bad", ["X1", "N1:CTKG", "#1", "A1@E2", "T1x", "N1:CTKG@Q1"])
def test_a_token_of_no_form_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="bratIds token"):
        BratIds.parse(f"T1 {bad}")
