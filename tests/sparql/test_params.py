"""The ``--param`` grammar: one RDF term of a declared type, or an error."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.sparql.params import ParamError, parse_term
from tests.sparql.helpers import GUTERRES, INJECTION, XSD, iri, lit


@pytest.mark.parametrize(("text", "kind", "expected"), [
    (f"<{GUTERRES}>", "IRI", iri(GUTERRES)),
    ("ctkgid:person/antonio-guterres", "IRI", iri(GUTERRES)),
    ('"António"@en', "literal", lit("António", lang="en")),
    ('"a \\"quoted\\" \\\\ word\\n"', "literal", lit('a "quoted" \\ word\n')),
    ('"5"^^xsd:integer', "integer", lit("5", XSD + "integer")),
    ("2018", "integer", lit("2018", XSD + "integer")),
    ("-07", None, lit("-7", XSD + "integer")),
    ("2018-06-28", "date", lit("2018-06-28", XSD + "date")),
    ("2018-06", "date", lit("2018-06", XSD + "gYearMonth")),
    ("2018", "date", lit("2018", XSD + "gYear")),
    (INJECTION.replace('"x"', '"x\\"'), None, None),  # an unterminated string: error
])
def test_parse_term(text: str, kind: str | None,
                    expected: ox.NamedNode | ox.Literal | None) -> None:
    if expected is None:
        with pytest.raises(ParamError):
            parse_term(text, kind)
    else:
        assert parse_term(text, kind) == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("<http://x> } ; DROP ALL ; SELECT * { ?s ?p ?o >", "IRI"),
    ("<http://x>y>", "IRI"),
    ("<http://a b>", "IRI"),
    ("<relative/path>", "IRI"),
    ("nope:person/x", "IRI"),
    ("2018", "IRI"),
    (INJECTION, "literal"),
    ('"x"@', "literal"),
    ('"bad \\q escape"', "literal"),
    ("2018-02-30", "date"),
    ("2018-13", "date"),
    ('"x"', "integer"),
    ("twenty", None),
])
def test_parse_term_rejects(text: str, kind: str | None) -> None:
    with pytest.raises(ParamError):
        parse_term(text, kind)
