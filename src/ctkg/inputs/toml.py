"""Reading TOML with the line of every table and key, so that problems name ``file:line``.

The standard library's :mod:`tomllib` does not report positions; :class:`TomlLines` finds
the line of each ``[table]`` header (dotted ones too: ``[concept.x]``) and of each key by
scanning the text. Every TOML input of CTKG (registry, catalogue, links) is read here, and
reading never raises: an unreadable file is an empty document plus its problems, so a
lenient caller can go on and a strict one can raise them all at once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctkg.errors import Problem, display_path
from ctkg.inputs.encoding import decode_utf8

_HEADER_RE = re.compile(r"^\s*\[(?!\[)\s*(.+?)\s*\]\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\-"' ]+?)\s*=""")
_PART_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)')


def split_dotted(key: str) -> tuple[str, ...]:
    """``a."b.c".d`` -> ``("a", "b.c", "d")``: a TOML dotted key or table name."""
    return tuple(next((p for p in groups if p), "") for groups in _PART_RE.findall(key))


@dataclass
class TomlLines:
    """Line numbers of table headers and of keys (by their full dotted path)."""

    headers: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> TomlLines:
        found = cls()
        current: tuple[str, ...] = ()
        # lines end at LF only, as tomllib counts them (str.splitlines also breaks at
        # U+2028, U+0085 and others, which may stand inside a TOML string)
        for number, line in enumerate(text.split("\n"), start=1):
            if m := _HEADER_RE.match(line):
                current = split_dotted(m.group(1))
                found.headers.setdefault(current, number)
            elif m := _KEY_RE.match(line):
                path = current + split_dotted(m.group(1))
                found.keys.setdefault(path, number)
                if len(path) > 1:  # a dotted key `a.b = …` also opens the table a
                    found.headers.setdefault(path[:-1], number)
        return found

    def header(self, *path: str) -> int | None:
        """The line of table ``path`` (or of the dotted key that opened it)."""
        return self.headers.get(path) or self.keys.get(path)

    def key(self, *path: str) -> int | None:
        """The line of key ``path``, else of its table."""
        return self.keys.get(path) or self.header(*path[:-1])


@dataclass
class TomlFile:
    """A TOML file as read: its data (empty if unreadable), where things are, what is wrong."""

    path: Path
    shown: str  # the path as problems name it
    data: dict[str, Any]
    lines: TomlLines
    problems: list[Problem]
    readable: bool  # found, decoded and parsed

    def problem(self, line: int | None, message: str, severity: str = "error") -> Problem:
        return Problem(self.shown, line, message, severity)


def read_toml(path: Path, *, missing_ok: bool = False, shown: str | None = None) -> TomlFile:
    """Read and parse a TOML file; never raises. A missing file is a problem unless
    ``missing_ok``; a non-UTF-8 byte or a syntax error is a problem naming its line."""
    where = shown or display_path(path)

    def failed(line: int | None, message: str, lines: TomlLines | None = None) -> TomlFile:
        return TomlFile(path, where, {}, lines or TomlLines(), [Problem(where, line, message)],
                        False)

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return TomlFile(path, where, {}, TomlLines(), [], False)
        return failed(None, "file not found")
    except OSError as exc:
        return failed(None, f"cannot read: {exc.strerror or exc}")
    text, bad = decode_utf8(raw)
    if bad is not None:
        return failed(bad.line, bad.message)
    lines = TomlLines.scan(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return failed(int(m.group(1)) if m else None, f"not valid TOML: {message}", lines)
    return TomlFile(path, where, data, lines, [], True)
