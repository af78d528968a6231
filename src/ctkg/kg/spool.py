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
from dataclasses import dataclass, field
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


Blob = bytes | Span  # what a piece's dump bytes are: in memory, or in a spool


class Spool:
    """An append-only temporary file of byte runs."""

    def __init__(self) -> None:
        # open for the spool's life, closed with it (or when its last span goes)
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ctkg-spool-")  # noqa: SIM115
        self._end = 0
        self._lock = threading.Lock()  # the tables are spooled from a thread of their own

    def fileno(self) -> int:
        return self._file.fileno()

    def put(self, data: Blob) -> Blob:
        """``data`` appended to the spool (kept as it is when small, or spooled already)."""
        if isinstance(data, Span) or len(data) < SMALL:
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
