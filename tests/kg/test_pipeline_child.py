"""A --jobs build reads, compiles and validates in a child process (ctkg.kg.pipeline): the
same files and problems as in one process, and no temporary file left behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.kg import pipeline
from ctkg.kg.pipeline import build
from ctkg.paths import Layout


@pytest.fixture
def tmpdir_of_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the build's spool goes to, empty; and a child process for
    the first stages of a --jobs build of any size (the fixture has two texts)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setattr(pipeline, "CHILD_FROM", 1)
    return folder


def test_a_small_build_stays_in_one_process(fixture_project: Path) -> None:
    """Below CHILD_FROM texts the child costs more than it saves: no handover."""
    assert pipeline.CHILD_FROM > 2
    assert "handover" not in build(Layout(fixture_project), jobs=2).timings


def test_the_child_hands_back_every_stage(fixture_project: Path, tmpdir_of_build: Path
                                          ) -> None:
    result = build(Layout(fixture_project), jobs=2)
    assert {"read", "compile", "validate", "handover", "load", "qc", "tables",
            "serialize"} <= set(result.timings)
    assert result.documents and result.quad_count > 0
    assert result.files == build(Layout(fixture_project)).files
    assert not list(tmpdir_of_build.glob("ctkg-*"))  # the spool file removed (open here)


def test_an_error_in_the_child_comes_back_with_its_problems(
        fixture_project: Path, tmp_path: Path, tmpdir_of_build: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    ann = sorted((root / "data" / "corpus").glob("*.ann"))[0]
    ann.write_text(ann.read_text(encoding="utf-8") + "T999\tPerson 0\n", encoding="utf-8")
    with pytest.raises(CTKGError) as failed:
        build(Layout(root), jobs=2)
    assert any(p.file.endswith(ann.name) and "T999" in p.message
               for p in failed.value.problems)
    assert not list(tmpdir_of_build.glob("ctkg-*"))


def test_an_incremental_build_stays_in_one_process(fixture_project: Path, tmp_path: Path,
                                                   tmpdir_of_build: Path) -> None:
    """A cache holding most compilations (an incremental build) keeps the first stages in
    this process: handing them over would cost more than the child saves."""
    cache = tmp_path / "cache"
    assert "handover" in build(Layout(fixture_project), jobs=2, cache_dir=cache).timings
    again = build(Layout(fixture_project), jobs=2, cache_dir=cache)
    assert "handover" not in again.timings
    assert again.files == build(Layout(fixture_project)).files


def test_warm_counts_the_cached_compilations(tmp_path: Path) -> None:
    assert not pipeline._warm(None, 4)
    assert not pipeline._warm(tmp_path, 4)  # no compile entries at all
    (tmp_path / "compile").mkdir()
    for i in range(2):
        (tmp_path / "compile" / f"{i}.pickle").write_bytes(b"")
    assert pipeline._warm(tmp_path, 4) and not pipeline._warm(tmp_path, 5)
