"""The build's cache: content-addressed entries under ``folder/<kind>/``, one build's worth.

Split from :mod:`ctkg.kg.parallel`, whose stages look entries up by the hash of exactly
their inputs (:func:`ctkg.kg.parallel.digest`); a compilation's entry keeps its dump pieces
in the file (:mod:`ctkg.kg.entries`).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from ctkg.atomic import write_files_atomically
from ctkg.kg.entries import dumps as dump_entry
from ctkg.kg.entries import load as load_entry


class Cache:
    """Content-addressed pickles under ``folder/<kind>/``; entries unused by a build are
    removed at its end (``prune``), so the cache holds one build's worth."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()
        self.kept: set[str] = set()  # entries used, as paths in text (:meth:`keep`)

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        path = self._path(kind, key)
        self.used.add(path)
        try:  # a compilation's dump pieces come back as spans of the file (ctkg.kg.entries)
            return load_entry(path)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry is there (it may still fail to load: :meth:`get` says None)."""
        return self.folder is not None and self._path(kind, key).is_file()

    def put(self, kind: str, key: str, value: object) -> None:
        if self.folder is None:
            return
        path = self._path(kind, key)
        put_pickled(path, dump_entry(value))
        self.used.add(path)

    def put_streamed(self, kind: str, key: str, value: object) -> None:
        """As :meth:`put`, for a value without dump pieces, pickled straight into its file
        (atomically, not fsynced): the tables' entry of 10,000 documents is 150 MB, which
        :meth:`put` holds as bytes beside the value."""
        if self.folder is None:
            return
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(name, 0o644)
            os.replace(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
        self.used.add(path)

    def entry(self, kind: str, key: str) -> Path | None:
        """Where an entry is kept (None without a cache): for a worker that writes it
        itself (:func:`put_pickled`); the entry counts as used by this build."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        self.used.add(path)
        return path

    def keep(self, paths: Iterable[str]) -> None:
        """Count these entries (their paths as text) as used by this build, without a
        :class:`Path` each (10,000 of them took 0.1 s)."""
        self.kept.update(paths)

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*.pickle"):
            if path not in self.used and str(path) not in self.kept:
                path.unlink(missing_ok=True)


def put_pickled(path: Path, data: bytes) -> None:
    """A cache entry's pickle, written atomically but not fsynced: an entry lost to a power
    cut is a miss (it fails to unpickle), and an fsync per entry cost 13 ms each, minutes
    for a cold cache."""
    write_files_atomically({path: data}, sync=False)


V = TypeVar("V")


class Table(Generic[V]):
    """Values under keys that fix them (a document's compile key fixes its validation
    results, its contribution to the shared units, its facts), in one cache entry for the
    whole build: one read, and one write when the keys changed. 10,000 entries of a few
    bytes each took about 1.5 s to open and read in an incremental build. The values asked
    for by this build are written; the others go."""

    def __init__(self, cache: Cache, kind: str, name: str) -> None:
        self.cache, self.kind, self.name = cache, kind, name
        stored = cache.get(kind, name)
        self.stored: dict[str, V] = stored if isinstance(stored, dict) else {}
        self.fresh: dict[str, V] = {}

    def get(self, key: str) -> V | None:
        """The value kept under ``key`` (kept for the next build too), or None."""
        if key not in self.stored:
            return None
        value = self.fresh[key] = self.stored[key]
        return value

    def put(self, key: str, value: V) -> None:
        self.fresh[key] = value

    def setdefault(self, key: str, make: Callable[[], V]) -> V:
        """The value kept under ``key``, else ``make()``'s (kept from now on)."""
        value = self.stored[key] if key in self.stored else make()
        self.fresh[key] = value
        return value

    def save(self) -> None:
        """Write the entry if this build's keys are not those read."""
        if self.fresh.keys() != self.stored.keys():
            self.cache.put(self.kind, self.name, self.fresh)
