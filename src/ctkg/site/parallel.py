"""Pages rendered by worker processes ahead of the writer, in the order it writes them.

:func:`ctkg.atomic.replace_folder` reads the files of the site one by one in sorted order;
with ``jobs > 1`` forked workers (which share the parsed graph copy-on-write) render the
pages in that same order while the parent writes, so rendering uses both cores of a 2-core
machine and overlaps the disk writes. Each page depends only on the graph, so the bytes are
the same as with one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.pool import Pool

_FILES: Mapping[str, bytes] | None = None  # what a forked worker renders from


def _render(name: str) -> tuple[str, bytes]:
    assert _FILES is not None
    return name, _FILES[name]


class Ahead(Mapping[str, bytes]):
    """``files`` with its values made ahead by ``jobs`` processes; counts the bytes read."""

    def __init__(self, files: Mapping[str, bytes], jobs: int,
                 local: Callable[[str], bool]) -> None:
        global _FILES
        self.files, self.total, self._local = files, 0, local
        self._pool: Pool | None = None
        self._results: Iterator[tuple[str, bytes]] | None = None
        order = [n for n in sorted(files) if not local(n)]
        if jobs > 1 and len(order) > 64 and "fork" in multiprocessing.get_all_start_methods():
            _FILES = files
            self._pool = multiprocessing.get_context("fork").Pool(jobs)
            self._results = self._pool.imap(_render, order, chunksize=16)

    def __getitem__(self, name: str) -> bytes:
        if self._results is None or self._local(name):
            data = self.files[name]
        else:
            got, data = next(self._results)
            if got != name:  # read out of order: the writer changed; render here instead
                raise RuntimeError(f"site pages read out of order ({name}, made {got})")
        self.total += len(data)
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def close(self) -> None:
        global _FILES
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _FILES = None
