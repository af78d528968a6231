"""brat's own loader rules: each one that brat enforces, ``ctkg check`` reports at its line,
and brat's real loader (``server/src/annotation.py``, see brat_loader.py) refuses the same
small document; and brat opens every document of the collection as it is.

Every case is the clean fixture with one defect. The brat function that enforces the rule is
named beside it; the ``ctkg`` side runs without brat, the brat side skips without it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ctkg.annotations.brat import collection_documents
from ctkg.annotations.check import check_corpus
from ctkg.paths import Layout
from tests.annotations.brat_loader import brat_opens
from tests.annotations.project import FIXTURES, fixture_project
from tests.paths import ROOT

CLEAN = FIXTURES / "clean"


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # as brat reads: UTF-8, newlines as stored


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(ann: str) -> str:
        assert old in ann, old
        return ann.replace(old, new, 1)
    return edit


def _append(*lines: str) -> Callable[[str], str]:
    return lambda ann: ann + "".join(f"{line}\n" for line in lines)


# case -> (the edit of the clean doc.ann, the line ctkg reports, a phrase of its message);
# BRAT_SAYS[case]: a phrase of what brat's loader reports for it
RULES: dict[str, tuple[Callable[[str], str], int, str]] = {
    # Annotations._sanity: TriggerReferenceError (a non-event references a trigger)
    "normalization_on_trigger": (
        _replace("N5\tReference E1 CTKG:hlc-2018", "N5\tReference T4 CTKG:hlc-2018"), 11,
        "N5: normalization attached to T4, the trigger of E1: brat refuses to open the "
        "document (TriggerReferenceError"),
    "note_on_trigger": (
        _append("#2\tAnnotatorNotes T11\tnote=planned"), 33,
        "#2: note attached to T11, the trigger of E3: brat refuses"),
    "attribute_on_trigger": (
        _append("A3\tNegation T4"), 33, "A3: target T4 is the trigger of E1: refer to the "
                                        "event E1"),
    # Annotations._sanity: EventWithoutTriggerError, EventWithNonTriggerError
    "event_without_trigger": (
        _append("E9\tMeeting:T99"), 33, "E9: trigger T99 is not a T annotation"),
    "event_with_non_trigger": (
        _append("E9\tMeeting:T4"), 33, "E9: trigger T4 has type 'HighLevelConference', the "
                                       "event is 'Meeting'"),
    # Annotations._sanity: "ID ... not defined, referenced from annotation ..."
    "undefined_reference": (
        _append("R9\tpartOf Arg1:E1 Arg2:E77"), 33, "R9: Arg2 E77 does not exist"),
    # Annotations._parse_ann_lines: DuplicateAnnotationIdError
    "duplicate_id": (
        _append("T5\tPlace 107 115\tNew York"), 33, "duplicate id T5 (first defined at line 12)"),
    # Annotations._parse_ann_lines: a line without TAB, an empty line
    "no_tab": (_append("T9 Place 107 115 New York"), 33, "expected a TAB after the id"),
    "empty_line": (_replace("R1\tholdsPost", "\nR1\tholdsPost"), 6,
                   "empty line: brat's loader cannot parse it"),
    # Annotations._parse_ann_lines: an id that does not split (InvalidIdError aborts reading)
    "invalid_id": (_append("12\tPlace 107 115\tNew York"), 33, "unknown annotation kind '1'"),
    # str.splitlines (brat's readlines) breaks a line at U+2028
    "line_separator": (_append("#2\tAnnotatorNotes T5\tnote=a\u2028b"), 33, "U+2028"),
    # TextAnnotations._parse_textbound_annotation: offsets past the text, overlapping
    # fragments, a stored text that is not the span's
    "span_past_text": (_replace("T5\tPlace 107 115", "T5\tPlace 107 915"), 12,
                       "span 107 915 is outside the text"),
    "fragments_overlap": (_append("T9\tPlace 107 112;110 115\tNew Y York"), 33,
                          "fragment 2 (110 115) is out of order or overlaps"),
    "span_text": (_replace("T5\tPlace 107 115\tNew York", "T5\tPlace 107 115\tNew Yorx"), 12,
                  "stored text 'New Yorx' differs"),
    # Annotations._parse_relation_annotation: exactly two arguments
    "relation_one_argument": (_append("R9\tpartOf Arg1:E1"), 33, "an R line is"),
}


BRAT_SAYS = {
    "normalization_on_trigger": "TriggerReferenceError",
    "note_on_trigger": "TriggerReferenceError",
    "attribute_on_trigger": "TriggerReferenceError",
    "event_without_trigger": "EventWithoutTriggerError",
    "event_with_non_trigger": "EventWithNonTriggerError",
    "undefined_reference": "ID E77 not defined",
    "duplicate_id": "cannot parse line 33",
    "no_tab": "cannot parse line 33",
    "empty_line": "cannot parse line 6",
    "invalid_id": "InvalidIdError",
    "line_separator": "cannot parse line 34",
    "span_past_text": "offset exceeds text length",
    "fragments_overlap": "spans overlap",
    "span_text": "does not match marked span",
    "relation_one_argument": "must have exactly two arguments",
}


def _defective(case: str, folder: Path) -> Path:
    shutil.copytree(CLEAN, folder)
    edit = RULES[case][0]
    ann = folder / "doc.ann"
    ann.write_bytes(edit(_read(ann)).encode("utf-8"))
    return folder


def test_brat_opens_the_clean_fixture() -> None:
    assert brat_opens(_read(CLEAN / "doc.txt"), _read(CLEAN / "doc.ann")) == []


@pytest.mark.parametrize("case", sorted(RULES))
def test_ctkg_check_reports_each_rule_of_brats_loader(case: str, tmp_path: Path) -> None:
    folder = _defective(case, tmp_path / "corpus")
    with tempfile.TemporaryDirectory() as root:
        problems = check_corpus(fixture_project(folder, Path(root)), folder)
    _, line, phrase = RULES[case]
    hits = [p for p in problems if p.file.endswith("doc.ann") and p.line == line
            and p.severity == "error" and phrase in p.message]
    assert hits, [str(p) for p in problems]


@pytest.mark.parametrize("case", sorted(RULES))
def test_brats_loader_refuses_each_case(case: str, tmp_path: Path) -> None:
    """The other half of the rule: brat itself refuses the same document, so the rule is
    brat's and not a reading of it."""
    folder = _defective(case, tmp_path / "corpus")
    said = brat_opens(_read(folder / "doc.txt"), _read(folder / "doc.ann"))
    assert any(BRAT_SAYS[case] in m for m in said), said


@pytest.mark.parametrize("txt", collection_documents(Layout(ROOT).corpus), ids=lambda p: p.stem)
def test_brat_opens_every_document_of_the_collection(txt: Path) -> None:
    assert brat_opens(_read(txt), _read(txt.with_suffix(".ann"))) == []
