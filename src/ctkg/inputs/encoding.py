"""Decoding an input file as UTF-8, and saying where it is not: line, column and byte.

Every text input of CTKG (the ``.txt`` and ``.ann`` of the corpus, ``registry.toml``,
``catalogue.toml``, ``links.toml``) must be UTF-8. A byte offset alone ("byte 358") sends a
person to a hex editor; the line and column of the first bad byte, counted as an editor
counts them (lines from 1 at LF, columns in characters from 1), send them to the place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EncodingProblem:
    """The first byte of a file that is not UTF-8, and where it is."""

    line: int  # from 1, counted at LF
    column: int  # from 1, in characters of the (valid) text before it on its line
    offset: int  # from 0, in bytes of the file
    byte: int
    reason: str  # the codec's, e.g. "invalid start byte"

    @property
    def message(self) -> str:
        return (f"not UTF-8 at line {self.line}, column {self.column} (byte {self.offset} of "
                f"the file): 0x{self.byte:02x}, {self.reason} (save the file as UTF-8)")


def decode_utf8(raw: bytes) -> tuple[str, EncodingProblem | None]:
    """The text (undecodable bytes as U+FFFD, so that a lenient reader can go on) and the
    first encoding problem, if any."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        before = raw[start:exc.start].decode("utf-8")  # valid: exc.start is the first error
        problem = EncodingProblem(line=raw.count(b"\n", 0, exc.start) + 1,
                                  column=len(before) + 1, offset=exc.start,
                                  byte=raw[exc.start], reason=exc.reason)
        return raw.decode("utf-8", "replace"), problem
