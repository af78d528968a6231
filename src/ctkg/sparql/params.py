"""The ``--param`` grammar: a value on the command line as one RDF term of a declared type.

Parameters are bound as terms, never pasted into query text, so the grammar is strict:
``<absolute-IRI>``, a project prefixed name, a quoted string with a language tag or
datatype, an integer or a date.
"""

from __future__ import annotations

import datetime
import re

import pyoxigraph as ox

from ctkg.rdf.namespaces import PREFIXES
from ctkg.rdf.terms import ECHARS

XSD = PREFIXES["xsd"]
#: A term a parameter binds: pyoxigraph's, as the store and parsed endpoint results give them.
Term = ox.NamedNode | ox.Literal

PARAM_TYPES = ("IRI", "literal", "integer", "date")

_IRIREF = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_PNAME = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_./#-]*)")
_STRING = re.compile(r'"((?:[^"\\\n\r]|\\.)*)"')
_LANG = re.compile(r"@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")



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
            if nxt not in ECHARS:
                raise ParamError(f"unknown escape \\{nxt} in a string")
            out.append(ECHARS[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _typed(value: str, local: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + local))


def _check_date(year: str, month: str | None, day: str | None) -> ox.Literal:
    try:
        if day:
            datetime.date(int(year), int(month or 0), int(day))
            return _typed(f"{year}-{month}-{day}", "date")
        if month:
            datetime.date(int(year), int(month), 1)
            return _typed(f"{year}-{month}", "gYearMonth")
    except ValueError as exc:
        raise ParamError(f"not a calendar date: {exc}") from None
    return _typed(year, "gYear")


def _string(text: str) -> ox.Literal:
    """A quoted string with an optional ``@lang`` or ``^^datatype``."""
    m = _STRING.match(text)
    if not m:
        raise ParamError(f"unterminated or ill-formed string {text!r}")
    value, rest = _unescape(m.group(1)), text[m.end():]
    if not rest:
        return ox.Literal(value)
    if _LANG.fullmatch(rest):
        return ox.Literal(value, language=rest[1:].lower())
    if rest.startswith("^^") and (dt := _parse_iri(rest[2:])) is not None:
        return ox.Literal(value, datatype=ox.NamedNode(dt))
    raise ParamError(f"unexpected {rest!r} after the string (want @lang or ^^datatype)")


def parse_term(text: str, kind: str | None = None) -> Term:
    """One --param value as an RDF term, checked against the declared type ``kind``.

    Grammar: ``<absolute-IRI>`` | ``prefix:local`` (project prefixes) |
    ``"string"`` [``@lang`` | ``^^<IRI>`` | ``^^prefix:local``] | integer | date
    (``YYYY-MM-DD``, ``YYYY-MM``; a bare ``YYYY`` is a year only where a date is declared).
    """
    text = text.strip()
    term: Term | None = None
    try:
        iri = _parse_iri(text)
        if iri is not None:
            term = ox.NamedNode(iri)
        elif text.startswith('"'):
            term = _string(text)
        elif kind == "date" and (m := _DATE.fullmatch(text)):
            term = _check_date(*m.groups())
        elif _INTEGER.fullmatch(text):
            term = _typed(str(int(text)), "integer")
        elif m := _DATE.fullmatch(text):
            term = _check_date(*m.groups())
    except ValueError as exc:  # pyoxigraph refuses an IRI or a language tag
        raise ParamError(str(exc)) from None
    if term is None:
        raise ParamError(f"cannot read {text!r}: write <IRI>, prefix:local, \"text\"@lang, "
                         "an integer or a date")
    _check_kind(term, kind, text)
    return term


def _check_kind(term: Term, kind: str | None, text: str) -> None:
    if kind is None:
        return
    datatype = term.datatype.value if isinstance(term, ox.Literal) else None
    ok = {
        "IRI": isinstance(term, ox.NamedNode),
        "literal": isinstance(term, ox.Literal),
        "integer": datatype == XSD + "integer",
        "date": datatype in (XSD + "date", XSD + "gYearMonth", XSD + "gYear"),
    }.get(kind)
    if ok is None:
        raise ParamError(f"unknown parameter type {kind!r} (known: {', '.join(PARAM_TYPES)})")
    if not ok:
        example = {"IRI": "<https://w3id.org/ctkg/id/person/x> or ctkgid:person/x",
                   "literal": '"text"@en', "integer": "2018",
                   "date": "2018-06-28, 2018-06 or 2018"}[kind]
        raise ParamError(f"{text!r} is not of type {kind} (e.g. {example})")
