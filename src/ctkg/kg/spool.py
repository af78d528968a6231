"""Bytes kept in a temporary file until they are written: the dumps' pieces of a build.

Why: each named graph's share of the four dumps is rendered where the graph is compiled
(:mod:`ctkg.kg.pieces`) and only concatenated when the outputs are written, at the end of
the build. Held in memory, the pieces of 10,000 documents were 1.3 GB, as large as the
dumps. A :class:`Spool` appends each piece to an anonymous temporary file as it arrives and
hands back a :class:`Span` (file, offset, length); the writers, hashers and comparers of
:mod:`ctkg.kg.files` read a span back only when they reach it, so memory holds one chunk at
a time. The file lives as long as a span refers to it and leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

SMALL = 4096  # bytes kept in memory: a span of a few lines costs more than the lines


@dataclass(frozen=True, slots=True)
class Span:
    """A run of a spool's bytes; ``bytes(span)`` reads it back."""

    spool: Spool = field(repr=False, compare=False)
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length

    def __bytes__(self) -> bytes:
        return os.pread(self.spool.fileno(), self.length, self.offset)


@dataclass(frozen=True, slots=True)
class FileSpan:
    """A run of a file's bytes that the build reads but does not own (a cache entry:
    :mod:`ctkg.kg.entries`); ``bytes(span)`` opens the file and reads the run."""

    path: str
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length

    def __bytes__(self) -> bytes:
        with open(self.path, "rb") as fh:
            data = os.pread(fh.fileno(), self.length, self.offset)
        if len(data) != self.length:
            raise OSError(f"{self.path}: {self.length} bytes expected at {self.offset}, "
                          f"{len(data)} read (the cache changed during the build?)")
        return data


Blob = bytes | Span | FileSpan  # a piece's dump bytes: in memory, spooled, or in the cache


class Spool:
    """An append-only temporary file of byte runs.

    Anonymous by default. Given a ``path`` (a file its creator removes once every process
    that writes or reads it has it open), it can be pickled: the spans a child process
    spooled are read back by its parent (:func:`ctkg.kg.pipeline.build`), which reopens
    the file by its path when it unpickles them."""

    def __init__(self, path: Path | None = None) -> None:
        # open for the spool's life, closed with it (or when its last span goes)
        self.path = path
        if path is None:
            self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ctkg-spool-")  # noqa: SIM115
        else:
            self._file = open(path, "r+b")  # noqa: SIM115
        self._end = os.fstat(self._file.fileno()).st_size
        self._lock = threading.Lock()  # the tables are spooled from a thread of their own

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        if self.path is None:
            raise TypeError("an anonymous spool cannot leave its process")
        return reopen, (Path(self.path),)

    def fileno(self) -> int:
        return self._file.fileno()

    def put(self, data: Blob) -> Blob:
        """``data`` appended to the spool (kept as it is when small, or spooled already)."""
        if isinstance(data, Span | FileSpan) or len(data) < SMALL:
            return data
        with self._lock:
            offset, view = self._end, memoryview(data)
            while view:  # pwrite may write less than asked
                done = os.pwrite(self.fileno(), view, self._end)
                self._end += done
                view = view[done:]
        return Span(self, offset, len(data))

    def close(self) -> None:
        self._file.close()


# one Spool per file in this process, however many pickles bring its spans; let go with them
_OPEN: weakref.WeakValueDictionary[str, Spool] = weakref.WeakValueDictionary()


def reopen(path: Path) -> Spool:
    """The spool of the file at ``path`` in this process (opened once: the spans of a
    pickled build all come back as spans of one spool)."""
    found = _OPEN.get(str(path))
    if found is None or found._file.closed:
        found = _OPEN[str(path)] = Spool(path)
    return found
