"""A release folder is all old or all new after any single failure (issue 13, finding 6).

The finding: when one rename failed while the seven outputs were moved into ``data/kg/`` one by
one, the build stopped after replacing 4 of the 7 files. ``replace_folder`` writes the new
release beside the old one and switches folders; these tests make every file-system step fail
in turn and check what a reader finds then, and after the next run's recovery.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
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


def test_every_file_is_hashed_as_it_is_written(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashes come from the bytes written, chunk by chunk; files named ``together`` go
    two at a time, and more than a batch of chunks is written in order."""
    monkeypatch.setattr(atomic, "BATCH", 10)
    files: dict[str, bytes | list[bytes]] = {
        "a.ttl": [b"0123456789" * 3, b"", b"abc"] + [bytes([65 + i]) * i for i in range(40)],
        "b.nq": b"plain bytes\n", "c.jsonld": [b"{}\n"]}
    folder = tmp_path / "kg"
    digests = replace_folder(folder, files, owned=set(files), together=["a.ttl", "c.jsonld"])
    for name, data in files.items():
        joined = data if isinstance(data, bytes) else b"".join(data)
        assert (folder / name).read_bytes() == joined
        assert digests[name] == hashlib.sha256(joined).hexdigest()


def test_files_made_from_the_hashes_are_written_before_the_switch(tmp_path: Path) -> None:
    """``then`` gets every hash and its files go into the same release; if it fails, the
    old release stays."""
    folder = tmp_path / "kg"
    replace_folder(folder, OLD, owned=OWNED)
    first = {k: v for k, v in NEW.items() if k != "manifest.json"}

    def then(digests: dict[str, str]) -> dict[str, bytes]:
        assert set(digests) == set(first)
        return {"manifest.json": json.dumps(digests, sort_keys=True).encode()}

    digests = replace_folder(folder, first, owned=OWNED, then=then)
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest == {n: hashlib.sha256(d).hexdigest() for n, d in first.items()}
    assert set(digests) == set(first) | {"manifest.json"}

    def broken(_digests: dict[str, str]) -> dict[str, bytes]:
        raise OSError("injected: the manifest could not be made")

    before = _content(folder)
    with pytest.raises(OSError):
        replace_folder(folder, OLD, owned=OWNED, then=broken)
    assert _content(folder) == before
    recover_folder(folder)
    assert _content(folder) == before


def test_each_value_is_read_once_in_name_order(tmp_path: Path) -> None:
    """The site's pages are made as they are read, in name order (ctkg.site.parallel):
    each value is read once, when its file is written, in that order."""
    read: list[str] = []

    class Pages(dict[str, bytes]):
        def __getitem__(self, name: str) -> bytes:
            read.append(name)
            return super().__getitem__(name)

    pages = Pages({f"p{i}.html": b"<p>%d</p>" % i for i in (3, 1, 2)} | {"d/x.css": b""})
    replace_folder(tmp_path / "site", pages, owned=set(pages) | {"d"}, sync=False)
    assert read == sorted(pages)
