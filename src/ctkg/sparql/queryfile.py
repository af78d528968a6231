"""Query files: the comment block that describes a query, finding one, binding its params.

A query file starts with a comment block of ``# key: value`` lines. Bundled queries
``queries/NAME.rq`` use ``title``, ``question``, ``row``, ``network``, ``param``, ``params``
and ``example``: they say what the query answers and which ``--param`` values it takes, so
that a value is checked against its declared type before anything runs. The quality checks
``queries/qc/*.rq`` use ``title``, ``severity`` and ``description``. One reader,
:func:`header_fields`, serves both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.paths import Layout
from ctkg.sparql.lexer import scan
from ctkg.sparql.params import PARAM_TYPES, ParamError, Term, parse_term


def fail(message: str, file: str | Path = "ctkg query", line: int | None = None) -> CTKGError:
    """A one-line error of ``ctkg query``, naming the query file (and line) when known."""
    return CTKGError([Problem(display_path(file) if isinstance(file, Path) else file, line,
                              " ".join(message.split()))])


# --- the comment block of a query file -------------------------------------------------------

@dataclass(frozen=True)
class ParamDecl:
    """One ``# param: name (TYPE, required|optional) — what it means`` line."""

    name: str
    kind: str
    required: bool
    doc: str


@dataclass
class QueryInfo:
    """A query file with what its comment block says about it."""

    name: str
    path: Path
    text: str
    title: str = ""
    question: str = ""
    row: str = ""
    network: bool = False
    params: dict[str, ParamDecl] = field(default_factory=dict)
    declared: bool = False  # has `# param:` or `# params: none` lines
    examples: dict[str, str] = field(default_factory=dict)


_PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>[A-Za-z]+)\s*(?:,\s*(?P<req>required|optional))?"
    r"\s*\)\s*(?:[—–-]+\s*(?P<doc>.*))?$"
)


_FIELD = re.compile(r"#\s*([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)")


@dataclass(frozen=True)
class HeaderField:
    """One ``# key: value`` line of a query file's leading comment block."""

    line: int
    key: str  # lower-cased
    value: str


def header_fields(text: str) -> list[HeaderField]:
    """The ``# key: value`` lines of the leading comment block, in order.

    The block ends at the first line that is neither blank nor a comment; comment lines
    that are not ``key: value`` (continuations, prose) are skipped.
    """
    fields: list[HeaderField] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _FIELD.fullmatch(stripped)
        if m:
            fields.append(HeaderField(lineno, m.group(1).lower(), m.group(2).strip()))
    return fields


def pages_by_keys(text: str) -> bool:
    """Whether the query declares ``# paging: keys``: its page is chosen by a key sub-select
    (see :mod:`ctkg.sparql.paging`), where its parameters are bound too."""
    return any(f.key == "paging" and f.value.lower() == "keys" for f in header_fields(text))


def read_text(path: Path) -> str:
    """A query file's text; a one-line error if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the query: {exc.__class__.__name__}", path) from None


def _param_decl(value: str, path: Path, line: int) -> ParamDecl:
    m = _PARAM_LINE.match(value)
    if not m or m["kind"] not in PARAM_TYPES:
        raise fail("a param line must read `# param: NAME (TYPE[, required|optional])"
                   f" — meaning` with TYPE one of {', '.join(PARAM_TYPES)}", path, line)
    return ParamDecl(m["name"], m["kind"], m["req"] != "optional", (m["doc"] or "").strip())


def read_query(path: Path, name: str | None = None) -> QueryInfo:
    """Read a query file and its leading comment block (title, question, params, …)."""
    info = QueryInfo(name or path.stem, path, read_text(path))
    for f in header_fields(info.text):
        if f.key == "title":
            info.title = f.value
        elif f.key == "question":
            info.question = (info.question + " " + f.value).strip()
        elif f.key == "row":
            info.row = f.value
        elif f.key == "network":
            info.network = f.value.lower() == "required"
        elif f.key == "params" and f.value.lower() == "none":
            info.declared = True
        elif f.key == "example":
            pname, eq, pvalue = f.value.partition("=")
            if eq:
                info.examples[pname.strip()] = pvalue.strip()
        elif f.key == "param":
            decl = _param_decl(f.value, path, f.line)
            info.declared = True
            info.params[decl.name] = decl
    return info


def bundled_queries(root: Path) -> list[tuple[str, Path, str]]:
    """The bundled queries ``queries/*.rq``: (name, path, title), sorted by name."""
    folder = Layout(Path(root)).queries
    return [(p.stem, p, read_query(p).title) for p in sorted(folder.glob("*.rq"))]


def resolve_query(root: Path, name: str) -> QueryInfo:
    """A bundled query by name, or a query file by path; unknown names get suggestions."""
    candidate = Path(name)
    if candidate.suffix == ".rq" or "/" in name or candidate.is_file():
        if not candidate.is_file():
            raise fail(f"no such query file: {name}")
        return read_query(candidate)
    path = Layout(Path(root)).queries / f"{name}.rq"
    if path.is_file():
        return read_query(path, name)
    names = [n for n, _p, _t in bundled_queries(root)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see ctkg query --list"
    raise fail(f"unknown query {name!r}{hint}")


# --- parameters -------------------------------------------------------------------------------

def bind_params(info: QueryInfo, raw: Sequence[str]) -> dict[str, Term]:
    """``NAME=VALUE`` arguments as terms, checked against the query's declarations."""
    values: dict[str, Term] = {}
    for item in raw:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise fail(f"--param {item!r}: write NAME=VALUE")
        if name in values:
            raise fail(f"--param {name} given twice")
        decl = info.params.get(name)
        if info.declared and decl is None:
            known = ", ".join(info.params) or "none"
            raise fail(f"query {info.name} has no parameter {name!r} (parameters: {known})")
        if not info.declared and not _mentions_variable(info.text, name):
            raise fail(f"query {info.name} has no variable ?{name} to bind")
        try:
            values[name] = parse_term(value, decl.kind if decl else None)
        except ParamError as exc:
            raise fail(f"--param {name}: {exc}") from None
    missing = [p.name for p in info.params.values() if p.required and p.name not in values]
    if missing:
        decl = info.params[missing[0]]
        raise fail(f"query {info.name} needs --param {decl.name}=… ({decl.kind}: {decl.doc})")
    return values


def _mentions_variable(text: str, name: str) -> bool:
    return any(t.kind == "var" and t.text[1:] == name for t in scan(text))


def list_queries(root: Path) -> str:
    """``ctkg query --list``: name, title, parameters, network marker."""
    infos = [read_query(p, n) for n, p, _t in bundled_queries(root)]
    if not infos:
        return "no bundled queries in queries/\n"
    width = max(len(i.name) for i in infos)
    lines = []
    for info in infos:
        params = " ".join(f"{p.name}=" + ("" if p.required else "?")
                          for p in info.params.values())
        extra = " [network: needs --allow-network]" if info.network else ""
        lines.append(f"{info.name.ljust(width)}  {info.title}{extra}"
                     + (f"  (params: {params})" if params else ""))
    return "\n".join(lines) + "\n"
