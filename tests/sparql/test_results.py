"""Result formats: SPARQL 1.1 CSV, TSV, JSON by pyoxigraph's serializers, and the table."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from ctkg.sparql.results import render
from tests.sparql.helpers import GUTERRES, XSD


def answer() -> ox.QuerySolutions:
    """Two solutions with an IRI, an escaped language string, an integer, an unbound
    variable and a blank node, as an endpoint would answer them."""
    doc = {"head": {"vars": ["s", "label", "n"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": GUTERRES},
         "label": {"type": "literal", "value": 'says "hi",\n\tthen', "xml:lang": "en"},
         "n": {"type": "literal", "value": "3", "datatype": XSD + "integer"}},
        {"s": {"type": "uri", "value": "https://w3id.org/ctkg/ontology#Person"},
         "n": {"type": "bnode", "value": "b0"}}]}}
    parsed = ox.parse_query_results(json.dumps(doc), ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def test_csv_is_sparql_csv() -> None:
    text = render(answer(), "csv")
    assert text.startswith("s,label,n\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [GUTERRES, 'says "hi",\n\tthen', "3"]
    assert rows[2] == ["https://w3id.org/ctkg/ontology#Person", "", "_:b0"]


def test_tsv_is_sparql_tsv() -> None:
    lines = render(answer(), "tsv").split("\n")
    assert lines[0] == "?s\t?label\t?n"
    # Turtle forms: the integer is written as a number
    assert lines[1].split("\t") == [f"<{GUTERRES}>", '"says \\"hi\\",\\n\\tthen"@en', "3"]
    assert lines[2].split("\t") == ["<https://w3id.org/ctkg/ontology#Person>", "", "_:b0"]


def test_json_is_sparql_json() -> None:
    doc = json.loads(render(answer(), "json"))
    assert doc["head"]["vars"] == ["s", "label", "n"]
    first, second = doc["results"]["bindings"]
    assert first["s"] == {"type": "uri", "value": GUTERRES}
    assert first["label"] == {"type": "literal", "value": 'says "hi",\n\tthen', "xml:lang": "en"}
    assert first["n"]["datatype"] == XSD + "integer"
    assert "label" not in second and second["n"] == {"type": "bnode", "value": "b0"}


def test_table_uses_prefixed_names() -> None:
    text = render(answer(), "table")
    assert "ctkgid:person/antonio-guterres" in text and "ctkg:Person" in text
    assert text.rstrip().endswith("(2 rows)")
