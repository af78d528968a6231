"""Lexical analysis of SPARQL text: what a query may reach, and safe parameter injection.

A regular expression over raw query text is fooled by comments, strings and IRIs
(``# SERVICE``, ``"FROM <x>"``) and by SPARQL's ``\\uXXXX`` escapes, which the engine
expands *before* parsing. So the text is first unescaped exactly as the engine does and
then cut into tokens; decisions are made on keyword tokens only. As a second,
independent opinion rdflib's parser is asked for SERVICE patterns and dataset clauses
whenever it understands the query.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ctkg.namespaces import PREFIXES

# Graphs named in FROM / FROM NAMED that are part of the build, so never fetched.
LOCAL_IRI_PREFIX = "https://w3id.org/ctkg/"

UPDATE_KEYWORDS = frozenset(
    {"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"}
)

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


def unescape_codepoints(text: str) -> str:
    """Expand ``\\uXXXX`` / ``\\UXXXXXXXX`` as SPARQL engines do before parsing (§19.2)."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


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


def keywords(tokens: list[Token]) -> list[str]:
    """The upper-cased bare words (SPARQL keywords) among the tokens."""
    return [t.text.upper() for t in tokens if t.kind == "word"]


def has_order_by(text: str) -> bool:
    """Whether the query sorts its rows (decides whether row order is meaningful)."""
    toks = tokenize(unescape_codepoints(text))
    return any(
        a.kind == "word" and a.text.upper() == "ORDER" and b.kind == "word"
        and b.text.upper() == "BY"
        for a, b in itertools.pairwise(toks)
    )


def uses_service(text: str) -> bool:
    return "SERVICE" in keywords(tokenize(unescape_codepoints(text)))


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
    reasons.extend(r for r in _rdflib_opinion(clear) if r not in reasons)
    return reasons


def _rdflib_opinion(text: str) -> list[str]:
    """A second check from rdflib's parse tree; silent when rdflib cannot parse the text."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        tree = parseQuery(text)
    except Exception:  # rdflib's grammar is narrower than Oxigraph's: no opinion
        return []
    reasons: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                reasons.append("SERVICE calls another endpoint over the network; "
                               "pass --allow-network to permit it")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(list(tree))
    return reasons


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


def _next_brace(tokens: list[Token], i: int) -> int:
    for t in tokens[i + 1:]:
        if t.kind == "punct" and t.text == "{":
            return t.start + 1
    return -1


# One serialized RDF term: an IRI, or a string with an optional language tag or datatype.
_TERM_TEXT = re.compile(
    r'<[^<>"{}|^`\\\x00-\x20]*>'
    r'|"(?:[^"\\\n\r]|\\[tbnrf"\'\\])*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*'
    r'|\^\^<[^<>"{}|^`\\\x00-\x20]*>)?'
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
    """The query with a VALUES block at the top of its WHERE pattern."""
    if not bindings:
        return text
    at = where_brace(text)  # on the text as given: unescaping could alter its strings
    if at < 0:
        raise ValueError("the query has no WHERE pattern to bind parameters in")
    return text[:at] + values_block(bindings) + text[at:]


def known_prefixes() -> dict[str, str]:
    """The project's prefixes (namespaces.PREFIXES), usable in ``--param`` values."""
    return dict(PREFIXES)


# --- RDF terms independent of the engine -------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term as SPARQL results carry it, equal whichever engine produced it.

    ``kind`` is ``uri``, ``literal`` or ``bnode`` (the JSON results names); simple
    strings and language-tagged strings have ``datatype`` None, language tags are
    lower-cased (RDF compares them case-insensitively).
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype in (XSD_STRING, RDF_LANGSTRING):
            datatype = None
        return cls("literal", value, datatype, None)

    @classmethod
    def from_oxigraph(cls, term: object) -> Term:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return cls.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, ox.Literal):
            return cls.literal(term.value, term.datatype.value, term.language)
        raise TypeError(f"unsupported term {term!r}")

    @classmethod
    def from_json(cls, binding: dict[str, str]) -> Term:
        """From one SPARQL 1.1 JSON results binding."""
        kind = binding["type"]
        if kind == "uri":
            return cls.iri(binding["value"])
        if kind == "bnode":
            return cls("bnode", binding["value"])
        if kind in ("literal", "typed-literal"):
            return cls.literal(binding["value"], binding.get("datatype"),
                               binding.get("xml:lang"))
        raise ValueError(f"unsupported binding type {kind!r}")

    def to_oxigraph(self) -> object:
        import pyoxigraph as ox

        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(self.value)
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        if self.datatype:
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(self.value)

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """N-Triples form, escaped so the text is always exactly one term."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = (self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b")
                .replace("\f", "\\f"))
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'

    def csv(self) -> str:
        """SPARQL 1.1 CSV form: IRIs plain, literals by lexical form."""
        return f"_:{self.value}" if self.kind == "bnode" else self.value


# --- the --param grammar ---------------------------------------------------------------------

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
