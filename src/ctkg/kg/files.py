"""A build's output files, by name: small ones as bytes, the dumps as the chunks they are
assembled from (:mod:`ctkg.kg.pieces`), joined only when someone asks for the bytes.

Writing and checking go chunk by chunk, so the build never holds a second, joined copy of
the dumps (at 10,000 documents about 2 GB); reading ``files[name]`` still gives the bytes.
A chunk may be a :class:`ctkg.kg.spool.Span`, read back from its spool as it is reached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ctkg.kg.spool import Blob

Content = bytes | tuple[Blob, ...]


class Files(MutableMapping[str, bytes]):
    """Output name -> bytes, where a value may be kept as chunks (:meth:`set_chunks`) or
    made when first asked for (:meth:`set_later`)."""

    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self._data: dict[str, Content] = dict(files or {})
        self._sha256: dict[str, str] = {}  # hashed once: VoID, the manifest, SHA256SUMS
        self._later: dict[str, Callable[[], bytes]] = {}

    def __getitem__(self, name: str) -> bytes:
        value = self._value(name)
        return value if isinstance(value, bytes) else b"".join(map(bytes, value))

    def __setitem__(self, name: str, value: bytes) -> None:
        self._later.pop(name, None)
        self._data[name] = value
        self._sha256.pop(name, None)

    def __delitem__(self, name: str) -> None:
        self._later.pop(name, None)
        del self._data[name]
        self._sha256.pop(name, None)

    def set_later(self, name: str, make: Callable[[], bytes]) -> None:
        """``name``'s bytes are ``make()``, called when first asked for: the files made from
        the others' hashes (VoID, the manifest, ``SHA256SUMS``), so that a writer that
        hashes the dumps as it writes them can note their hashes first
        (:meth:`note_sha256`) and the dumps are read once."""
        self._data[name] = b""  # its place in the order of names
        self._sha256.pop(name, None)
        self._later[name] = make

    def later(self) -> set[str]:
        """The names whose bytes are not made yet."""
        return set(self._later)

    def note_sha256(self, digests: Mapping[str, str]) -> None:
        """The SHA-256 of files whose bytes were hashed elsewhere (as they were written)."""
        self._sha256.update((n, d) for n, d in digests.items()
                            if n in self._data and n not in self._later)

    def _value(self, name: str) -> Content:
        make = self._later.pop(name, None)
        if make is not None:
            self._data[name] = make()
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Files({sorted(self._data)})"

    def set_chunks(self, name: str, chunks: Iterable[Blob]) -> None:
        self._data[name] = tuple(c for c in chunks if c)
        self._sha256.pop(name, None)

    def sha256(self, name: str) -> str:
        """The file's SHA-256 (hex), hashed chunk by chunk the first time it is asked for."""
        found = self._sha256.get(name)
        if found is None:
            found = self._sha256[name] = self._digest(name)[1]
        return found

    def hash_all(self, names: Iterable[str], threads: int = 2) -> None:
        """Hash ``names`` side by side, each in a thread of its own: ``hashlib`` and the
        reads of spooled chunks let go of the GIL, and the four dumps of 10,000 documents
        are 1.3 GB (2.3 s hashed one after another)."""
        todo = [n for n in names if n in self._data and n not in self._sha256]
        if len(todo) < 2 or threads < 2:
            for name in todo:
                self.sha256(name)
            return
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ctkg-hash") as pool:
            digests = pool.map(self._digest, sorted(todo, key=self._size, reverse=True))
            self._sha256.update(digests)

    def _digest(self, name: str) -> tuple[str, str]:
        h = hashlib.sha256()
        for chunk in self.chunks(name):
            h.update(bytes(chunk))
        return name, h.hexdigest()

    def _size(self, name: str) -> int:
        return sum(map(len, self.chunks(name)))

    def chunks(self, name: str) -> Sequence[Blob]:
        value = self._value(name)
        return (value,) if isinstance(value, bytes) else value

    def contents(self) -> dict[str, Content]:
        """Every file as bytes or chunks, for a writer (:func:`ctkg.atomic.replace_folder`)."""
        return {name: self._value(name) for name in list(self._data)}


def chunks_of(files: Mapping[str, bytes], name: str) -> Sequence[Blob]:
    """A file's chunks, from a :class:`Files` or any mapping of bytes."""
    return files.chunks(name) if isinstance(files, Files) else (files[name],)


def size_of(files: Mapping[str, bytes], name: str) -> int:
    """A file's size in bytes, without joining its chunks."""
    return sum(map(len, chunks_of(files, name)))


def sha256_of(files: Mapping[str, bytes], name: str) -> str:
    """A file's SHA-256 (hex), chunk by chunk: the manifest, ``SHA256SUMS`` and VoID each
    hash every dump, which would otherwise be joined into one more copy each time (a
    :class:`Files` hashes each file once)."""
    if isinstance(files, Files):
        return files.sha256(name)
    h = hashlib.sha256()
    for chunk in chunks_of(files, name):
        h.update(bytes(chunk))
    return h.hexdigest()


def same_as_file(path: Path, chunks: Sequence[Blob]) -> bool:
    """Whether the file at ``path`` holds exactly the chunks, read piece by piece."""
    if not path.is_file() or path.stat().st_size != sum(map(len, chunks)):
        return False
    with open(path, "rb") as fh:
        return all(fh.read(len(c)) == bytes(c) for c in chunks)
