"""Reading RDF files with errors that name the file and the line.

:func:`parse_turtle` gives an rdflib Graph, for the one place of the build that needs
rdflib: pySHACL's shapes graph. Why two parsers: pyoxigraph's ``SyntaxError`` carries the
line (``lineno``) and column as attributes, so it locates an error reliably and fast;
rdflib's ``BadSyntax`` only has the line inside its message text ("at line N of <>"). We
check the syntax with pyoxigraph first, then build the rdflib graph; if rdflib still rejects
the file (it is stricter in a few corners), the line is taken from its message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ctkg.errors import CTKGError

_OX_PREFIX_RE = re.compile(r"^Parser error (?:at|between) line \d+[^:]*:\s*")
_OX_COLUMN_RE = re.compile(r"column (\d+)")
_RDFLIB_LINE_RE = re.compile(r"at line (\d+)")
_RDFLIB_REASON_RE = re.compile(r"Bad syntax \((.*?)\) at \^")


def _oxigraph_error(path: Path, exc: SyntaxError, data: bytes) -> CTKGError:
    """A CTKGError from pyoxigraph's SyntaxError: line from ``lineno``, short message.

    An error at the end of the file ("unexpected end") is located by pyoxigraph after the
    last newline; we report the last line with content, where the unfinished statement is.
    """
    raw = exc.msg or str(exc)
    reason = _OX_PREFIX_RE.sub("", raw).strip()
    column = _OX_COLUMN_RE.search(raw)
    line = exc.lineno
    lines = data.decode("utf-8", errors="replace").splitlines()
    last = max((i for i, text in enumerate(lines, 1) if text.strip()), default=1)
    if line is not None and line > last:
        line, column = last, None
    where = f" (column {column.group(1)})" if column else ""
    return CTKGError.single(path, line, f"Turtle syntax error: {reason}{where}")


def _rdflib_error(path: Path, exc: Exception) -> CTKGError:
    """A CTKGError from an rdflib parse error, the line fished out of its message."""
    text = str(exc)
    line = _RDFLIB_LINE_RE.search(text)
    reason = _RDFLIB_REASON_RE.search(text)
    message = reason.group(1) if reason else text.splitlines()[0] if text else type(exc).__name__
    return CTKGError.single(path, int(line.group(1)) if line else None,
                            f"Turtle syntax error: {message}")


def parse_turtle(path: str | Path) -> Graph:
    """Parse a Turtle file into an rdflib Graph; a syntax error raises CTKGError with its line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CTKGError.single(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        for _ in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        raise _oxigraph_error(path, exc, data) from exc
    graph = Graph()
    try:
        graph.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated exception types here
        raise _rdflib_error(path, exc) from exc
    return graph
