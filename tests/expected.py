"""Expected-output files: compared by the tests, rewritten by ``pytest --update-expected``.

One mechanism for every golden file (query results, compiled fixture graphs, ...), so a
deliberate change is accepted by rerunning the tests with the option and reviewing the diff
with ``git diff``, never by a separate generator script.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from ctkg.atomic import write_bytes_atomic


class Expected:
    """Compare an actual output with its expected file, or (when updating) rewrite it."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: bytes,
              same: Callable[[bytes, bytes], bool] | None = None) -> None:
        """Assert that ``actual`` matches ``path`` (bytes equal, or ``same(expected, actual)``);
        with ``--update-expected`` write ``actual`` there instead when they differ."""
        old = path.read_bytes() if path.is_file() else None
        matches = old is not None and (old == actual if same is None else same(old, actual))
        if matches:
            return
        if self.update:
            write_bytes_atomic(path, actual)
            return
        if old is None:
            raise AssertionError(f"{path} does not exist: run pytest --update-expected")
        diff = "".join(difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(keepends=True),
            actual.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"{path} (expected)", tofile="actual", n=1))
        raise AssertionError(f"{path} differs (if intended: pytest --update-expected)\n"
                             f"{diff[:4000]}")

    def check_text(self, path: Path, actual: str) -> None:
        self.check(path, actual.encode("utf-8"))
