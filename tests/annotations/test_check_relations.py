"""Relations whose shape the compiler cannot make meaningful: self-loops and cycles.

Each case was accepted silently before (0 errors) and written into the build: an event
``partOf`` itself, or two events each ``partOf`` the other.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ctkg.annotations.check import check_corpus
from ctkg.errors import Problem
from tests.annotations.project import FIXTURES, fixture_project


def check(folder: Path) -> list[Problem]:
    with tempfile.TemporaryDirectory() as root:
        return check_corpus(fixture_project(folder, Path(root)), folder)


def errors(folder: Path) -> list[tuple[str, int | None, str]]:
    return [(Path(p.file).name, p.line, p.message) for p in check(folder)
            if p.severity == "error"]


def test_self_loops_are_refused_at_their_line() -> None:
    got = errors(FIXTURES / "self_loops")
    assert [(f, line) for f, line, _ in got] == [("doc.ann", 33), ("doc.ann", 34),
                                                 ("doc.ann", 38)], got
    assert "R5: partOf from E1 to itself" in got[0][2]
    assert "R6: memberOf from T10 to itself" in got[1][2]
    # two annotations, one registry entry: the build would state hlc-2018 backToBackWith itself
    assert "R7: backToBackWith from E4 to E1" in got[2][2] and "hlc-2018" in got[2][2]


def test_cycles_are_refused_and_named() -> None:
    got = errors(FIXTURES / "cycles")
    assert len(got) == 2, got
    part_of = next(m for _, _, m in got if m.startswith("partOf cycle"))
    assert "hlc-2018 partOf follow-up-meeting-spain (doc.ann:33 R5)" in part_of
    assert "follow-up-meeting-spain partOf hlc-2018 (doc.ann:34 R6)" in part_of
    order = next(m for _, _, m in got if m.startswith("time-order cycle"))
    assert "doc.ann:32 R4" in order and "doc.ann:35 R7" in order
    assert {line for _, line, _ in got} == {33, 32}  # each at its first edge


def test_a_cycle_across_documents(tmp_path: Path) -> None:
    """Document graphs are unioned: a partOf b in one text, b partOf a in another."""
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "clean", folder)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text("utf-8") + "R5\tpartOf Arg1:E1 Arg2:E3\n", "utf-8")
    for suffix in (".txt", ".ann"):
        shutil.copy(folder / f"doc{suffix}", folder / f"doc2{suffix}")
    ann2 = folder / "doc2.ann"
    ann2.write_text(ann2.read_text("utf-8").replace("R5\tpartOf Arg1:E1 Arg2:E3",
                                                    "R5\tpartOf Arg1:E3 Arg2:E1"), "utf-8")
    cat = folder / "catalogue.toml"
    cat.write_text(cat.read_text("utf-8") + "\n" + cat.read_text("utf-8").replace(
        "[doc]", "[doc2]"), "utf-8")
    got = errors(folder)
    assert len(got) == 1, got
    assert "doc.ann:33 R5" in got[0][2] and "doc2.ann:33 R5" in got[0][2]


def test_a_negated_relation_is_no_edge(tmp_path: Path) -> None:
    """The compiler does not assert a negated relation, so it closes no cycle."""
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "cycles", folder)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text("utf-8") + "A3\tNegation R6\nA4\tNegation R7\n", "utf-8")
    assert errors(folder) == []
