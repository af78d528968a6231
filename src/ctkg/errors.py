"""Errors that name the file, the line and what is wrong.

Every user-facing failure in CTKG is a :class:`Problem` (one finding) or a
:class:`CTKGError` carrying one or more of them, so that the CLI can print them
all at once and exit non-zero without a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is and what is wrong."""

    file: str
    line: int | None
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class CTKGError(Exception):
    """A failure with one or more problems; the CLI prints each and exits 1."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def single(cls, file: str | Path, line: int | None, message: str) -> CTKGError:
        return cls([Problem(display_path(file), line, message)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def display_path(path: str | Path) -> str:
    """A path relative to the working directory when possible (never an absolute home path);
    a URL (an endpoint that failed) is shown as it is, not squeezed through ``Path``."""
    if isinstance(path, str) and "://" in path:
        return path
    return _display_file(str(path), os.getcwd())


@lru_cache(maxsize=1 << 16)
def _display_file(path: str, cwd: str) -> str:
    """:func:`display_path`, cached: a document's files are named by several checks, and
    making the ``Path`` of each again took a quarter of the checker's time."""
    p = Path(path)
    if p.name in ("", ".", ".."):
        return _display(str(p), cwd)
    folder = _display(str(p.parent), cwd)
    return p.name if folder == "." else f"{folder}/{p.name}"


@lru_cache(maxsize=1 << 12)
def _display(path: str, cwd: str) -> str:
    """A folder (or a bare name) relative to ``cwd``, cached: ``resolve`` asks the file
    system for every part of the path, and the build names thousands of files in a few
    folders (9 calls per document took 6 s at 1,000 documents); the file itself is named
    as given."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(p)
