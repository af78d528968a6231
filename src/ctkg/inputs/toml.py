"""Reading TOML with the line of every top-level table, so that errors name ``file:line``.

The standard library's :mod:`tomllib` does not report where a table starts; the line of each
``[name]`` header is found by scanning the text. Every TOML input of CTKG (registry,
catalogue, links) is read here, once.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ctkg.errors import CTKGError

_HEADER_RE = re.compile(r'^\s*\[\s*("?)([^\]"]+)\1\s*\]\s*(?:#.*)?$')


def header_lines(text: str) -> dict[str, int]:
    """Map every table name (``[name]``, ``["name"]``, ``[a.b]``) to its 1-based line."""
    lines: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER_RE.match(line)
        if m and not line.lstrip().startswith("[["):
            lines.setdefault(m.group(2).strip(), lineno)
    return lines


def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse a TOML file; a syntax or encoding error becomes a CTKGError naming the line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CTKGError.single(path, None, "file not found") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CTKGError.single(path, line, f"not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise CTKGError.single(path, line, f"TOML syntax error: {exc}") from None
    return data, header_lines(text)
