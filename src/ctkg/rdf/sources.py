"""Where a node of the output comes from, so that a finding about it names a file and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Where a node of the output comes from: a file, a line, and what is there."""

    file: str
    line: int | None
    what: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} ({self.what})"


Sources = dict[str, Source]  # node IRI -> where it comes from
