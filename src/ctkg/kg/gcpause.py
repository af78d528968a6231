"""Pausing Python's cyclic garbage collector around the build's bulk statistics and tables.

Why: those steps make hundreds of thousands of small sets, rows and terms that form no
reference cycles (reference counting frees them), while the build holds millions of tracked
objects; every full collection they trigger walks all of them for nothing. Measured: about
30% of the tables' time at 1,000 synthetic documents, more at 10,000 (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; the previous setting is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
