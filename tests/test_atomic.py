"""A release folder is all old or all new after any single failure (issue 13, finding 6).

The finding: when one rename failed while the seven outputs were moved into ``data/kg/`` one by
one, the build stopped after replacing 4 of the 7 files. ``replace_folder`` writes the new
release beside the old one and switches folders; these tests make every file-system step fail
in turn and check what a reader finds then, and after the next run's recovery.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ctkg import atomic
from ctkg.atomic import recover_folder, replace_folder
from ctkg.errors import CTKGError

OLD = {"a.ttl": b"old a\n", "b.nq": b"old b\n", "manifest.json": b"{\"v\": 1}\n"}
NEW = {"a.ttl": b"new a\n", "b.nq": b"new b\n", "c.jsonld": b"new c\n",
       "manifest.json": b"{\"v\": 2}\n"}
OWNED = set(OLD) | set(NEW)


def _content(folder: Path) -> dict[str, bytes] | None:
    if not folder.is_dir():
        return None
    return {p.name: p.read_bytes() for p in folder.iterdir()}


class Faults:
    """Count the file-system calls of one replace_folder; make call number ``fail_at`` fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
        self.calls, self.fail_at = 0, fail_at
        for owner, name in ((os, "rename"), (os, "fsync"), (shutil, "rmtree"),
                            (Path, "mkdir")):
            monkeypatch.setattr(owner, name, self._wrap(getattr(owner, name)))
        monkeypatch.setattr(atomic, "open", self._wrap(open), raising=False)

    def _wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(f"injected fault in {real.__name__}")
            return real(*args, **kwargs)
        return call


def _count_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    folder = tmp_path / "count" / "kg"
    replace_folder(folder, OLD, owned=OWNED)
    with monkeypatch.context() as m:
        faults = Faults(m, fail_at=0)
        replace_folder(folder, NEW, owned=OWNED)
    return faults.calls


def test_every_step_failing_in_turn_leaves_all_old_or_all_new(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = _count_steps(tmp_path, monkeypatch)
    assert steps >= 8  # mkdir, a write and fsync per file, two renames, cleanup
    seen = set()
    for k in range(1, steps + 1):
        folder = tmp_path / f"run{k}" / "kg"
        replace_folder(folder, OLD, owned=OWNED)
        with monkeypatch.context() as m:
            Faults(m, fail_at=k)
            with contextlib.suppress(OSError):
                replace_folder(folder, NEW, owned=OWNED)
        now = _content(folder)
        assert now in (OLD, NEW, None), f"step {k}: a mixed release {now}"
        recover_folder(folder)
        after = _content(folder)
        assert after in (OLD, NEW), f"step {k}: after recovery {after}"
        seen.add("old" if after == OLD else "new")
        replace_folder(folder, NEW, owned=OWNED)  # the next run completes the release
        assert _content(folder) == NEW
        assert sorted(p.name for p in folder.parent.iterdir()) == ["kg"]
    assert seen == {"old", "new"}  # failures before and after the switch were both hit


def test_a_directory_where_a_file_was_is_replaced_whole(tmp_path: Path) -> None:
    """The finding's case: ``void.ttl`` was a directory, so one rename failed midway."""
    folder = tmp_path / "kg"
    replace_folder(folder, OLD, owned=OWNED | {"void.ttl"})
    (folder / "void.ttl").mkdir()
    replace_folder(folder, NEW, owned=OWNED | {"void.ttl"})
    assert _content(folder) == NEW


def test_a_folder_holding_foreign_files_is_refused_not_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(CTKGError, match=r"holds files the build does not write \(notes.txt\)"):
        replace_folder(folder, NEW, owned=OWNED)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_recovery_puts_back_the_old_release_after_a_crash_between_the_renames(
        tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    replace_folder(folder, OLD, owned=OWNED)
    os.rename(folder, tmp_path / ".kg.old")  # as if the process died right here
    (tmp_path / ".kg.new").mkdir()
    recover_folder(folder)
    assert _content(folder) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]
