"""Normalizations of events, on their E id: checked against the type of the event's trigger,
as a mention's are against its own type."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ctkg.annotations.check import check_corpus
from tests.annotations.project import FIXTURES, fixture_project


def errors_after(tmp_path: Path, old: str, new: str) -> list[tuple[int | None, str]]:
    """The errors of doc.ann in the clean fixture with one line changed."""
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "clean", folder)
    ann = folder / "doc.ann"
    text = ann.read_text(encoding="utf-8")
    assert old in text
    ann.write_text(text.replace(old, new, 1), encoding="utf-8")
    with tempfile.TemporaryDirectory() as root:
        problems = check_corpus(fixture_project(folder, Path(root)), folder)
    return [(p.line, p.message) for p in problems
            if p.severity == "error" and p.file.endswith("doc.ann")]


@pytest.mark.parametrize(("new", "phrase"), [
    ("N5\tReference E1 CTKG:antonio-guterres", "N5: E1 is a HighLevelConference mention but "
                                               "registry entry 'antonio-guterres' has type "
                                               "Person"),
    ("N5\tReference E1 ISO8601:2018-06-28", "N5: ISO8601 normalizes TimeExpressions only; E1 "
                                            "is a HighLevelConference"),
    ("N5\tReference E2 CTKG:hlc-2018", "N5: a Statement is not normalized to the registry"),
])
def test_an_events_normalization_is_checked_against_its_trigger_type(
        tmp_path: Path, new: str, phrase: str) -> None:
    errors = errors_after(tmp_path, "N5\tReference E1 CTKG:hlc-2018", new)
    assert any(line == 11 and phrase in message for line, message in errors), errors


def test_a_wikidata_line_on_an_event_agrees_with_links_toml(tmp_path: Path) -> None:
    """links.toml has no qid for hlc-2018 in the fixture: a Wikidata line on E1 says so."""
    errors = errors_after(tmp_path, "N5\tReference E1 CTKG:hlc-2018\thigh-level conference",
                          "N5\tReference E1 CTKG:hlc-2018\thigh-level conference\n"
                          "N20\tReference E1 Wikidata:Q1\thigh-level conference")
    assert any(line == 12 and "Wikidata:Q1 but" in message and "no qid for 'hlc-2018'" in message
               for line, message in errors), errors


@pytest.mark.parametrize("value", ["four", "0", "-1", "4.0"])
def test_a_series_ordinal_must_be_a_positive_integer(tmp_path: Path, value: str) -> None:
    errors = errors_after(tmp_path, "#1\tAnnotatorNotes T6\tanchor=2018-06-28",
                          f"#1\tAnnotatorNotes T6\tanchor=2018-06-28 ordinal={value}")
    assert any(line == 16 and "ordinal must be a positive integer" in message
               and repr(value) in message for line, message in errors), errors
    assert errors_after(tmp_path / "ok", "#1\tAnnotatorNotes T6\tanchor=2018-06-28",
                        "#1\tAnnotatorNotes T6\tanchor=2018-06-28 ordinal=4") == []
