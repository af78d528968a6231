"""Checks of one document that the fixture table of test_check.py does not hold: an empty
``.ann`` and values of AnnotatorNotes that the compiler turns into IRIs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ctkg.annotations.check import check_corpus
from ctkg.errors import Problem
from tests.annotations.project import FIXTURES, fixture_project


def check(folder: Path) -> list[Problem]:
    with tempfile.TemporaryDirectory() as root:
        return check_corpus(fixture_project(folder, Path(root)), folder)


def _clean(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "clean", folder)
    return folder


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_an_empty_ann_says_the_document_has_no_annotations(tmp_path: Path,
                                                           content: bytes) -> None:
    """Before, an empty .ann was reported only through its consequences ("registry entry
    used by no mention")."""
    folder = _clean(tmp_path)
    (folder / "doc.ann").write_bytes(content)
    problems = [p for p in check(folder) if p.file.endswith("doc.ann")]
    [problem] = [p for p in problems if not p.message.startswith("empty line")]
    assert (problem.line, problem.severity) == (1, "error")
    assert problem.message.startswith("no annotations: the document has no T line")
    # brat's loader cannot parse an empty or blank line: each is reported as well
    assert [p.line for p in problems if p.message.startswith("empty line")] == \
        ([1, 2, 3] if content else [])


def test_a_note_with_only_other_lines_has_no_mentions(tmp_path: Path) -> None:
    folder = _clean(tmp_path)
    (folder / "doc.ann").write_text("#1\tAnnotatorNotes T1\tnote=nothing yet\n", "utf-8")
    messages = [p.message for p in check(folder) if p.file.endswith("doc.ann")]
    assert any(m.startswith("no annotations") for m in messages), messages


@pytest.mark.parametrize("value", ["a>b", "x}", 'q"', "a|b", "doc^2", "é"])
def test_an_evidence_that_cannot_be_a_document_id_is_an_error(tmp_path: Path,
                                                               value: str) -> None:
    """``evidence=`` becomes the IRI ``id/document/<value>`` (a time's ctkg:evidence)."""
    folder = _clean(tmp_path)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text("utf-8").replace(
        "anchor=2018-06-28 note=", f"anchor=2018-06-28 rule=today evidence={value} note="),
        "utf-8")
    [problem] = [p for p in check(folder) if p.file.endswith("doc.ann")]
    assert (problem.line, problem.severity) == (16, "error"), problem
    assert f"evidence {value!r} is not a document id" in problem.message


def test_an_evidence_that_is_not_a_document_of_the_collection_is_an_error(
        tmp_path: Path) -> None:
    """It was a warning; the build then named ``id/document/<value>`` as a time's evidence,
    a node with no type, and failed its QC with no line to fix (found by the gate fuzz)."""
    folder = _clean(tmp_path)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text("utf-8").replace(
        "anchor=2018-06-28 note=", "anchor=2018-06-28 rule=today evidence=999_elsewhere note="),
        "utf-8")
    [problem] = check(folder)
    assert (problem.line, problem.severity) == (16, "error")
    assert "evidence '999_elsewhere' is not a document of the collection" in problem.message


def test_a_tab_inside_a_note_is_part_of_its_text(tmp_path: Path) -> None:
    """brat's note text is everything after the second TAB; the reader kept only the field
    before the next TAB, so ``evidence=9<TAB>00_fixture`` was read as ``evidence=9``."""
    folder = _clean(tmp_path)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text("utf-8").replace(
        "anchor=2018-06-28 note=", "anchor=2018-06-28 rule=today evidence=d\toc note="),
        "utf-8")
    messages = [p.message for p in check(folder) if p.line == 16 and p.severity == "error"]
    assert any("'oc' is not key=value" in m for m in messages), messages
