"""Writing a release: the output folder is replaced whole, never file by file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.kg.outputs import stale_outputs, write_outputs
from ctkg.kg.pipeline import BuildResult, build
from ctkg.paths import Layout


def test_a_release_is_written_and_then_current(result: BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "kg"
    write_outputs(result.files, out)
    assert stale_outputs(result.files, out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]  # no staging left behind


def test_a_failed_rename_midway_leaves_the_old_release(result: BuildResult, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 13, finding 6): a directory where ``void.ttl`` was made one rename
    fail after 4 of the 7 files had been replaced. Now the folder is switched whole: the
    directory goes with the old release, and a failing switch keeps the old release."""
    out = tmp_path / "kg"
    old = {name: b"old " + name.encode() for name in result.files}
    write_outputs(old, out)
    (out / "void.ttl").unlink()
    (out / "void.ttl").mkdir()
    snapshot = {p.name: p.is_dir() for p in out.iterdir()}

    def fail(*_args: object) -> None:
        raise OSError("injected: rename failed")

    with monkeypatch.context() as m:
        m.setattr("os.rename", fail)
        with pytest.raises(OSError):
            write_outputs(result.files, out)
    assert {p.name: p.is_dir() for p in out.iterdir()} == snapshot
    assert (out / "ctkg.nq").read_bytes() == old["ctkg.nq"]
    write_outputs(result.files, out)
    assert stale_outputs(result.files, out) == []
    shutil.rmtree(out)


def test_foreign_files_in_the_output_folder_are_not_deleted(result: BuildResult,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "kg"
    out.mkdir()
    (out / "mine.txt").write_text("keep\n", encoding="utf-8")
    with pytest.raises(CTKGError, match="holds files the build does not write"):
        write_outputs(result.files, out)
    assert (out / "mine.txt").is_file()


def test_the_checksums_written_are_those_of_the_files_written(fixture_project: Path,
                                                              tmp_path: Path) -> None:
    """A fresh build written at once (VoID, the manifest and SHA256SUMS made from the hashes
    taken as the others were written) gives the bytes of one whose files were all made
    first (every hash taken from the files in memory)."""
    written, made = build(Layout(fixture_project)), build(Layout(fixture_project))
    assert written.files.later() == {"void.ttl", "manifest.json", "SHA256SUMS"}
    eager = {name: made.files[name] for name in made.files}
    out = tmp_path / "kg"
    write_outputs(written.files, out)
    assert {p.relative_to(out).as_posix(): p.read_bytes()
            for p in out.rglob("*") if p.is_file()} == eager
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
