"""The ``--param`` grammar: a value on the command line as one RDF term of a declared type.

Parameters are bound as terms, never pasted into query text, so the grammar is strict:
``<absolute-IRI>``, a project prefixed name, a quoted string with a language tag or
datatype, an integer or a date.
"""

from __future__ import annotations

import re

from ctkg.rdf.namespaces import PREFIXES
from ctkg.sparql.terms import XSD, Term

PARAM_TYPES = ("IRI", "literal", "integer", "date")

_IRIREF = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_PNAME = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_./#-]*)")
_STRING = re.compile(r'"((?:[^"\\\n\r]|\\.)*)"')
_LANG = re.compile(r"@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}


class ParamError(ValueError):
    """A --param value that does not follow the grammar or its declared type."""


def known_prefixes() -> dict[str, str]:
    """The project's prefixes (namespaces.PREFIXES), usable in ``--param`` values."""
    return dict(PREFIXES)


def _parse_iri(text: str) -> str | None:
    m = _IRIREF.fullmatch(text)
    if m:
        if not _ABSOLUTE.match(m.group(1)):
            raise ParamError(f"{text} is not an absolute IRI")
        return m.group(1)
    m = _PNAME.fullmatch(text)
    if m:
        prefixes = known_prefixes()
        if m.group(1) not in prefixes:
            raise ParamError(f"unknown prefix {m.group(1)}: (known: {', '.join(prefixes)})")
        return prefixes[m.group(1)] + m.group(2)
    return None


def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise ParamError(f"unknown escape \\{nxt} in a string")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _check_date(year: str, month: str | None, day: str | None) -> Term:
    import datetime

    try:
        if day:
            datetime.date(int(year), int(month or 0), int(day))
            return Term.literal(f"{year}-{month}-{day}", XSD + "date")
        if month:
            datetime.date(int(year), int(month), 1)
            return Term.literal(f"{year}-{month}", XSD + "gYearMonth")
    except ValueError as exc:
        raise ParamError(f"not a calendar date: {exc}") from None
    return Term.literal(year, XSD + "gYear")


def parse_term(text: str, kind: str | None = None) -> Term:
    """One --param value as an RDF term, checked against the declared type ``kind``.

    Grammar: ``<absolute-IRI>`` | ``prefix:local`` (project prefixes) |
    ``"string"`` [``@lang`` | ``^^<IRI>`` | ``^^prefix:local``] | integer | date
    (``YYYY-MM-DD``, ``YYYY-MM``; a bare ``YYYY`` is a year only where a date is declared).
    """
    text = text.strip()
    term: Term | None = None
    iri = _parse_iri(text)
    if iri is not None:
        term = Term.iri(iri)
    elif text.startswith('"'):
        m = _STRING.match(text)
        if not m:
            raise ParamError(f"unterminated or ill-formed string {text!r}")
        value, rest = _unescape(m.group(1)), text[m.end():]
        if not rest:
            term = Term.literal(value)
        elif _LANG.fullmatch(rest):
            term = Term.literal(value, lang=rest[1:])
        elif rest.startswith("^^") and (dt := _parse_iri(rest[2:])) is not None:
            term = Term.literal(value, dt)
        else:
            raise ParamError(f"unexpected {rest!r} after the string (want @lang or ^^datatype)")
    elif kind == "date" and (m := _DATE.fullmatch(text)):
        term = _check_date(*m.groups())
    elif _INTEGER.fullmatch(text):
        term = Term.literal(str(int(text)), XSD + "integer")
    elif m := _DATE.fullmatch(text):
        term = _check_date(*m.groups())
    if term is None:
        raise ParamError(f"cannot read {text!r}: write <IRI>, prefix:local, \"text\"@lang, "
                         "an integer or a date")
    _check_kind(term, kind, text)
    return term


def _check_kind(term: Term, kind: str | None, text: str) -> None:
    if kind is None:
        return
    ok = {
        "IRI": term.kind == "uri",
        "literal": term.kind == "literal",
        "integer": term.kind == "literal" and term.datatype == XSD + "integer",
        "date": term.kind == "literal" and term.datatype in
        (XSD + "date", XSD + "gYearMonth", XSD + "gYear"),
    }.get(kind)
    if ok is None:
        raise ParamError(f"unknown parameter type {kind!r} (known: {', '.join(PARAM_TYPES)})")
    if not ok:
        example = {"IRI": "<https://w3id.org/ctkg/id/person/x> or ctkgid:person/x",
                   "literal": '"text"@en', "integer": "2018",
                   "date": "2018-06-28, 2018-06 or 2018"}[kind]
        raise ParamError(f"{text!r} is not of type {kind} (e.g. {example})")
