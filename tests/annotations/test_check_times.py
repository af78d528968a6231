"""A normalized time attached to nothing is an error (issue 16): the fixture that drops
E1's Time role fails, the one that links a second TimeExpression to the used one by
``sameTimeAs=`` passes, and so do an Equiv and a foundingDate; a link between two different
values, or two unused times linked only to each other, fail."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ctkg.annotations.check import check_corpus
from tests.annotations.project import FIXTURES, fixture_project

SECOND = ("T20\tTimeExpression 119 131\t28 June 2018",
          "N20\tReference T20 ISO8601:2018-06-28\t28 June 2018")


def errors(folder: Path) -> list[tuple[str, int | None, str]]:
    with tempfile.TemporaryDirectory() as root:
        problems = check_corpus(fixture_project(folder, Path(root)), folder)
    return [(Path(p.file).name, p.line, p.message) for p in problems if p.severity == "error"]


def with_lines(tmp_path: Path, case: str, *lines: str) -> Path:
    folder = tmp_path / case
    shutil.copytree(FIXTURES / case, folder)
    with (folder / "doc.ann").open("a", encoding="utf-8", newline="\n") as ann:
        ann.write("".join(line + "\n" for line in lines))
    return folder


def test_a_time_no_role_uses_is_reported_on_its_normalization_line() -> None:
    found = errors(FIXTURES / "time_unattached")
    assert len(found) == 1, found
    name, line, message = found[0]
    assert (name, line) == ("doc.ann", 15)
    assert "N7: normalized time 2018-06-28 of T6 ('28 June 2018') is attached to nothing" \
        in message


def test_the_same_time_linked_to_a_used_one_is_attached() -> None:
    assert errors(FIXTURES / "time_same") == []


def test_an_equiv_to_a_used_time_attaches_it(tmp_path: Path) -> None:
    assert errors(with_lines(tmp_path, "clean", *SECOND, "*\tEquiv T6 T20")) == []


def test_two_unused_times_linked_to_each_other_stay_unused(tmp_path: Path) -> None:
    folder = with_lines(tmp_path, "time_unattached", *SECOND,
                        "#2\tAnnotatorNotes T20\tsameTimeAs=T6")
    assert sorted(line for _, line, m in errors(folder) if "attached to nothing" in m) == \
        [15, 34]


def test_a_link_between_different_values_is_an_error(tmp_path: Path) -> None:
    folder = with_lines(tmp_path, "clean", "T20\tTimeExpression 127 131\t2018",
                        "N20\tReference T20 ISO8601:2018\t2018",
                        "#2\tAnnotatorNotes T20\tsameTimeAs=T6")
    assert [(line, m) for _, line, m in errors(folder)] == [
        (35, "#2 sameTimeAs=T6: TimeExpressions with different values (2018, 2018-06-28) "
             "are not one time")]


def test_a_link_to_something_not_a_time_is_an_error(tmp_path: Path) -> None:
    folder = with_lines(tmp_path, "clean", "#2\tAnnotatorNotes T5\tsameTimeAs=T6")
    assert [(line, m) for _, line, m in errors(folder)] == [
        (33, "#2: sameTimeAs=T6 links two TimeExpressions of this file; T5 -> T6 is not that")]


def test_a_founding_date_attaches_a_time(tmp_path: Path) -> None:
    """The checker judges attachment, not truth: the fixture's text states no founding."""
    folder = with_lines(tmp_path, "time_unattached", "R9\tfoundingDate Arg1:T10 Arg2:T6")
    assert errors(folder) == []
