"""What a SPARQL query may reach, and safe parameter injection into its text.

Decisions are made on keyword tokens of :mod:`ctkg.sparql.lexer` (never on raw text, which
comments, strings and ``\\uXXXX`` escapes can disguise). :func:`checked_text` is the gate every
path goes through: it refuses an over-limit query before any parser sees it, expands the
codepoint escapes once, checks that text, and returns it; the caller hands exactly that
text to the engine, so what is checked is what runs.

(An earlier version also asked rdflib's parser for a second opinion. It parsed a different
text from the one the engine ran, so it could not close the gap a disagreement opens, and
its parse is superlinear: it is gone.)
"""

from __future__ import annotations

import re
from pathlib import Path

from ctkg.sparql.lexer import (
    EscapeError,
    Token,
    decode_query,
    key_subselect,
    keywords,
    tokenize,
    unescape_codepoints,
    where_brace,
)
from ctkg.sparql.limits import check_limits
from ctkg.sparql.queryfile import fail, pages_by_keys

# Graphs named in FROM / FROM NAMED that are part of the build, so never fetched.
LOCAL_IRI_PREFIX = "https://w3id.org/ctkg/"

UPDATE_KEYWORDS = frozenset(
    {"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"}
)


def _prefix_map(tokens: list[Token]) -> tuple[dict[str, str], str | None]:
    prefixes: dict[str, str] = {}
    base: str | None = None
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text.upper() == "PREFIX" and i + 2 < len(tokens):
            name, iri = tokens[i + 1], tokens[i + 2]
            if name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text[:-1]] = iri.text[1:-1]
        elif (t.kind == "word" and t.text.upper() == "BASE" and i + 1 < len(tokens)
              and tokens[i + 1].kind == "iri"):
            base = tokens[i + 1].text[1:-1]
    return prefixes, base


def _resolve(tok: Token, prefixes: dict[str, str], base: str | None) -> str:
    if tok.kind == "iri":
        iri = tok.text[1:-1]
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            from urllib.parse import urljoin

            iri = urljoin(base or "", iri)
        return iri
    prefix, _, local = tok.text.partition(":")
    return prefixes.get(prefix, f"<undeclared prefix {prefix}:>") + local


def network_problems(text: str, *, allow_network: bool = False) -> list[str]:
    """Why this query must not run: updates always, network access unless allowed.

    Returns plain-language reasons (empty when the query is safe to execute).
    """
    clear = unescape_codepoints(text)
    tokens = tokenize(clear)
    words = keywords(tokens)
    reasons: list[str] = []
    updates = sorted(set(words) & UPDATE_KEYWORDS)
    if updates:
        what = "LOAD fetches a URL and " if "LOAD" in updates else ""
        reasons.append(f"SPARQL Update ({', '.join(updates)}) is refused: {what}"
                       "ctkg query only reads")
    if allow_network:
        return reasons
    if "SERVICE" in words:
        reasons.append("SERVICE calls another endpoint over the network; "
                       "pass --allow-network to permit it")
    prefixes, base = _prefix_map(tokens)
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text.upper() == "FROM":
            j = i + 1
            if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "NAMED":
                j += 1
            if j < len(tokens) and tokens[j].kind in ("iri", "pname"):
                iri = _resolve(tokens[j], prefixes, base)
                if not iri.startswith(LOCAL_IRI_PREFIX):
                    reasons.append(f"FROM <{iri}> is not a CTKG graph and may be fetched "
                                   "over the network; pass --allow-network to permit it")
    return reasons


def checked_text(text: str, *, allow_network: bool = False,
                 source: str | Path = "query") -> str:
    """The text to run, or a one-line CTKGError naming ``source`` if it must not run.

    In order: the size and nesting limits on the raw text (before any parser), the
    codepoint escapes expanded once (:func:`~ctkg.sparql.lexer.decode_query`), the limits
    again (``\\u007B`` is a brace once expanded), then updates and network access. Give the
    engine the returned text and nothing else.
    """
    check_limits(text, str(source))
    try:
        text.encode("utf-8")
        clear = decode_query(text)
    except EscapeError as exc:
        raise fail(f"refused before parsing: {exc}", source) from None
    except UnicodeEncodeError:
        raise fail("refused before parsing: the query is not valid Unicode "
                   "(a lone surrogate)", source) from None
    check_limits(clear, str(source))
    reasons = network_problems(clear, allow_network=allow_network)
    if reasons:
        raise fail("refused before running: " + "; ".join(reasons), source)
    return clear


# One serialized RDF term as pyoxigraph writes it (N-Triples): an IRI, or a string with an
# optional language tag or datatype. The only \u escapes allowed are of control characters
# (pyoxigraph's), since engines expand \u escapes before reading the query (SPARQL 1.1
# §19.2) and an escaped quote or brace would end the string there.
_TERM_TEXT = re.compile(
    r'<[^<>"{}|^`\\\x00-\x20]*>'
    r'|"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|\\u00[01][0-9A-Fa-f]|\\u007[Ff])*"'
    r'(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\\x00-\x20]*>)?'
)


def values_block(bindings: dict[str, str]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` from variable names and serialized terms.

    Every term text is re-checked to be exactly one RDF term, so a value can never
    close a brace, start a comment or add a clause.
    """
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"bad variable name {name!r}")
        if not _TERM_TEXT.fullmatch(term):
            raise ValueError(f"not a single RDF term: {term!r}")
    names = " ".join(f"?{n}" for n in bindings)
    terms = " ".join(bindings.values())
    return f" VALUES ({names}) {{ ({terms}) }} "


def inject_values(text: str, bindings: dict[str, str]) -> str:
    """The query with a VALUES block at the top of its WHERE pattern, or of its key
    sub-select's when it declares ``# paging: keys`` (the page's keys are those of the bound
    values: a VALUES block outside would only filter the first keys of the whole corpus)."""
    if not bindings:
        return text
    keys = key_subselect(text) if pages_by_keys(text) else None
    # on the text as given: unescaping could alter its strings
    at = keys.where if keys is not None else where_brace(text)
    if at < 0:
        raise ValueError("the query has no WHERE pattern to bind parameters in")
    return text[:at] + values_block(bindings) + text[at:]
