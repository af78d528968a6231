"""Cache entries whose dump pieces stay in the file: read back as spans, not loaded.

Why: a document's compilation is cached with its share of the four dumps (about 124 KB of
its 146 KB). A build that found 10,000 entries read 1.4 GB of them, unpickled the pieces'
bytes and copied them to its spool, only to read them again when it loaded the store and
wrote the dumps. An entry is written as a header, the pickle, then each piece's large
byte runs; the pickle names a run by its place in the file, and loading it gives a
:class:`ctkg.kg.spool.FileSpan` that reads the run only when the run is needed. Other
values (a validation's results, a summary's N-Triples) pickle as usual, but a :class:`Run`
(a document's pickled sources and summary), which is kept after the pickle at any size, so
that a build can refer to it by its place (:mod:`ctkg.kg.compilecache`).
"""

from __future__ import annotations

import io
import os
import pickle
from dataclasses import fields
from pathlib import Path
from typing import Any

from ctkg.kg.pieces import Piece
from ctkg.kg.spool import SMALL, Blob, FileSpan

MAGIC = b"CTKGENT1"  # then the lengths of the pickle and the runs (8 bytes each, big-endian)
_HEAD = len(MAGIC) + 16
_FIELDS = ("trig", "ttl", "nq", "jsonld")


class Run(bytes):
    """Bytes an entry keeps after its pickle whatever their size: loaded from a file, a
    :class:`FileSpan` of it (plain bytes from :func:`loads`)."""

    __slots__ = ()


class _Pickler(pickle.Pickler):
    def __init__(self, out: io.BytesIO, runs: list[bytes]) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.runs = runs
        self.size = 0

    def _run(self, blob: bytes) -> tuple[int, int]:
        place = (self.size, len(blob))
        self.runs.append(bytes(blob))
        self.size += len(blob)
        return place

    def persistent_id(self, obj: object) -> object:
        if type(obj) is Run:
            return ("run", self._run(obj))
        if type(obj) is not Piece:
            return None
        places: list[object] = []
        for name in _FIELDS:
            blob: Blob = getattr(obj, name)
            if isinstance(blob, bytes) and len(blob) >= SMALL:
                places.append(self._run(blob))
            else:  # small, or spooled already: in the pickle as it is
                places.append(bytes(blob))
        rest = {f.name: getattr(obj, f.name) for f in fields(Piece) if f.name not in _FIELDS}
        return ("piece", rest, tuple(places))  # a Piece in it would come here again


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, runs: int, path: Path | None, whole: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.runs, self.path, self.whole = runs, path, whole
        self.where = str(path)  # one string for every span of the entry

    def _blob(self, place: bytes | tuple[int, int]) -> Any:
        if isinstance(place, bytes):
            return place
        offset, length = place
        start = self.runs + offset
        return (FileSpan(self.where, start, length) if self.path is not None
                else self.whole[start:start + length])

    def persistent_load(self, pid: Any) -> object:
        if pid[0] == "run":
            return self._blob(pid[1])
        kind, rest, places = pid
        if kind != "piece":
            raise pickle.UnpicklingError(f"unknown reference {kind!r} in a cache entry")
        blobs = {name: self._blob(place) for name, place in zip(_FIELDS, places, strict=True)}
        return Piece(**rest, **blobs)


def dumps(value: object) -> bytes:
    """``value`` as an entry: each :class:`Piece`'s large bytes after the pickle."""
    out, runs = io.BytesIO(), list[bytes]()
    _Pickler(out, runs).dump(value)
    data = out.getvalue()
    return b"".join([MAGIC, len(data).to_bytes(8, "big"), sum(map(len, runs)).to_bytes(8, "big"),
                     data, *runs])


def loads(data: bytes) -> Any:
    """An entry (or a plain pickle) from its bytes, the pieces' bytes copied out of them."""
    if not data.startswith(MAGIC):
        return pickle.loads(data)
    size, runs = _sizes(data[:_HEAD])
    if len(data) != _HEAD + size + runs:
        raise EOFError("a cache entry cut short")
    return _Unpickler(data[_HEAD:_HEAD + size], _HEAD + size, None, data).load()


def _sizes(head: bytes) -> tuple[int, int]:
    at = len(MAGIC)
    return int.from_bytes(head[at:at + 8], "big"), int.from_bytes(head[at + 8:at + 16], "big")


def load(path: Path) -> Any:
    """An entry from its file, reading the pickle only: the pieces' bytes come back as
    spans of the file, read when they are needed (a plain pickle is read whole)."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
        if not head.startswith(MAGIC):  # a plain pickle, read as it is unpickled
            fh.seek(0)
            return pickle.load(fh)
        size, runs = _sizes(head)
        data = fh.read(size)
        if len(head) != _HEAD or os.fstat(fh.fileno()).st_size != _HEAD + size + runs:
            raise EOFError(f"{path}: a cache entry cut short")
    return _Unpickler(data, _HEAD + size, path, b"").load()
