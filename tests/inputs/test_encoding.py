"""Where a file stops being UTF-8: the line and column of the first bad byte."""

from __future__ import annotations

import pytest

from ctkg.inputs.encoding import decode_utf8


@pytest.mark.parametrize(("raw", "line", "column"), [
    (b"\xff", 1, 1),
    (b"ok\nab\xe9cd\n", 2, 3),
    ("é€\n".encode() + "x→".encode() + b"\x80", 2, 3),  # columns count characters
    (b"a\n\n\nabc\xc3(\n", 4, 4),  # a truncated sequence: its first byte
])
def test_the_first_bad_byte_by_line_and_column(raw: bytes, line: int, column: int) -> None:
    text, problem = decode_utf8(raw)
    assert problem is not None
    assert (problem.line, problem.column, problem.offset) == (line, column, raw.index(
        raw[problem.offset:problem.offset + 1]))
    assert problem.message.startswith(f"not UTF-8 at line {line}, column {column} "
                                      f"(byte {problem.offset} of the file): "
                                      f"0x{raw[problem.offset]:02x}")
    assert "\ufffd" in text  # the rest is still readable


def test_utf8_has_no_problem() -> None:
    assert decode_utf8("Genève “quoted”\n".encode()) == ("Genève “quoted”\n", None)
