"""A SPARQL lexer: the tokens of query text, after its ``\\uXXXX`` escapes are expanded.

A regular expression over raw query text is fooled by comments, strings and IRIs
(``# SERVICE``, ``"FROM <x>"``) and by SPARQL's ``\\uXXXX`` escapes, which the grammar
expands over the whole text *before* parsing (§19.2). Engines differ there (Oxigraph expands
them only inside strings and IRIs), so :func:`decode_query` expands them once and the
caller hands that same text to the engine: then there is only one reading of where a string,
an IRI or a comment ends. Questions about a query (its form, its keywords, where its WHERE
pattern starts) are answered on tokens only."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:\\[^\s]|%[0-9A-Fa-f]{2}|[\w:.%-])*)
  | (?P<bnode>_:[\w.-]*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<word>[^\W\d][\w]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of SPARQL text: its kind, its text and where it starts."""

    kind: str
    text: str
    start: int


class EscapeError(ValueError):
    """A codepoint escape that names no character, or one that makes another escape."""


def _codepoint(m: re.Match[str]) -> str:
    value = int(m.group(1) or m.group(2), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise EscapeError(f"{m.group()} is not a Unicode character")
    return chr(value)


def unescape_codepoints(text: str) -> str:
    """Expand ``\\uXXXX`` / ``\\UXXXXXXXX`` once, over the whole text (SPARQL 1.1 §19.2).

    Raises EscapeError for an escape of a surrogate or past U+10FFFF.
    """
    return _UNICODE_ESCAPE.sub(_codepoint, text)


def decode_query(text: str) -> str:
    """The query as every parser must read it: codepoint escapes expanded, once.

    This text, not the raw one, is what the network check reads and what the engine is
    given, so the two cannot disagree on where a string or an IRI ends (Oxigraph, unlike
    the grammar, expands escapes only inside strings and IRIs: ``'\\u0027'`` is one quote
    for it, but the opening of a long string by §19.2). An escape whose expansion makes
    another escape (``\\u005Cu0027``) is refused, as an engine would expand that one again.
    """
    decoded = unescape_codepoints(text)
    left = _UNICODE_ESCAPE.search(decoded)
    if left is not None:
        raise EscapeError(f"a codepoint escape expands to another escape ({left.group()})")
    return decoded


def tokenize(text: str) -> list[Token]:
    """Tokens of (already unescaped) SPARQL text, without whitespace and comments."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the punct branch matches any character
            break
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            # a word directly followed by ':' was already taken as a prefixed name
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tokens


def scan(text: str) -> list[Token]:
    """Tokens of raw query text: unescaped first, as the engine does, then tokenized."""
    return tokenize(unescape_codepoints(text))


def keywords(tokens: list[Token]) -> list[str]:
    """The upper-cased bare words (SPARQL keywords) among the tokens."""
    return [t.text.upper() for t in tokens if t.kind == "word"]


def has_order_by(text: str) -> bool:
    """Whether the query sorts its rows (decides whether row order is meaningful)."""
    toks = scan(text)
    return any(
        a.kind == "word" and a.text.upper() == "ORDER" and b.kind == "word"
        and b.text.upper() == "BY"
        for a, b in itertools.pairwise(toks)
    )


def uses_service(text: str) -> bool:
    return "SERVICE" in keywords(scan(text))


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's first form keyword (SELECT if none)."""
    for t in scan(text):
        if t.kind == "word" and t.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return t.text.upper()
    return "SELECT"


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE pattern (-1 if none)."""
    tokens = tokenize(text)
    depth = 0
    form_seen = False
    for i, t in enumerate(tokens):
        up = t.text.upper() if t.kind == "word" else ""
        if up in ("SELECT", "ASK", "DESCRIBE", "CONSTRUCT") and depth == 0 and not form_seen:
            form_seen = True
            if up == "CONSTRUCT" and not (i + 1 < len(tokens)
                                          and tokens[i + 1].text.upper() == "WHERE"):
                # CONSTRUCT { template } WHERE { ... }: skip to the WHERE keyword
                for k in range(i + 1, len(tokens)):
                    if tokens[k].kind == "word" and tokens[k].text.upper() == "WHERE":
                        return _next_brace(tokens, k)
                return -1
            return _next_brace(tokens, i)
    return -1


@dataclass(frozen=True)
class KeySelect:
    """The key sub-select of a query paged by its keys: where its WHERE pattern opens (just
    after the ``{``) and where its closing ``LIMIT n`` clause starts and ends."""

    where: int
    limit_start: int
    limit_end: int


def key_subselect(text: str) -> KeySelect | None:
    """The first sub-select (a SELECT nested in braces) whose last clause is ``LIMIT n``, in
    (already unescaped) text; None if there is none. Found on tokens, so a comment or a
    string that reads ``LIMIT`` is never taken for one."""
    tokens = tokenize(text)
    depth = 0
    for i, t in enumerate(tokens):
        if t.kind == "punct" and t.text in "{}":
            depth += 1 if t.text == "{" else -1
        elif t.kind == "word" and t.text.upper() == "SELECT" and depth > 0:
            found = _limited_subselect(tokens, i, depth)
            if found is not None:
                return found
    return None


def _limited_subselect(tokens: list[Token], i: int, depth: int) -> KeySelect | None:
    """The sub-select whose SELECT is ``tokens[i]`` (inside ``depth`` braces), if it ends
    with ``LIMIT n``."""
    level, where = depth, -1
    for k in range(i + 1, len(tokens)):
        t = tokens[k]
        if t.kind != "punct" or t.text not in "{}":
            continue
        if t.text == "{":
            level += 1
            if where < 0:
                where = t.start + 1
            continue
        level -= 1
        if level == depth - 1:  # the brace that closes the sub-select
            last = tokens[k - 2:k]
            if (where >= 0 and len(last) == 2 and last[0].kind == "word"
                    and last[0].text.upper() == "LIMIT" and last[1].kind == "number"
                    and last[1].text.isdigit()):
                return KeySelect(where, last[0].start, last[1].start + len(last[1].text))
            return None
    return None


def _next_brace(tokens: list[Token], i: int) -> int:
    for t in tokens[i + 1:]:
        if t.kind == "punct" and t.text == "{":
            return t.start + 1
    return -1
