"""Terms of the build: IRIs, literals, sort keys."""

from __future__ import annotations

import pickle

import pyoxigraph as ox
import pytest

from ctkg.rdf.namespaces import ID_NS
from ctkg.rdf.terms import (
    RDF_TYPE,
    XSD_INTEGER,
    XSD_STRING,
    ctkg,
    graph_of,
    ident,
    iri_of,
    lit,
    local_document,
    named,
    natural_key,
    quad_key,
)


def test_literals() -> None:
    assert lit("x") == ox.Literal("x") == lit("x", XSD_STRING)
    assert lit(3) == ox.Literal("3", datatype=XSD_INTEGER)
    assert str(lit(True)) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert lit("Bonjour", lang="FR").language == "fr"


def test_iris() -> None:
    assert ctkg("Person").value == "https://w3id.org/ctkg/ontology#Person"
    assert ident("person/a").value == "https://w3id.org/ctkg/id/person/a"
    assert graph_of("registry").value == "https://w3id.org/ctkg/graph/registry"
    assert iri_of(ident("x")) == "https://w3id.org/ctkg/id/x"
    with pytest.raises(TypeError):
        iri_of(lit("x"))
    for bad in ("", "no-scheme", "http://a b", "http://a<b>"):
        with pytest.raises(ValueError):
            named(bad)


def test_natural_key() -> None:
    names = ["T10", "T9", "E2", "E10", "T1", "E02"]
    assert sorted(names, key=natural_key) == ["E02", "E2", "E10", "T1", "T9", "T10"]


def test_quads_pickle_and_sort_by_canonical_form() -> None:
    q = ox.Quad(ident("b"), RDF_TYPE, lit('a "quoted"\nline'), graph_of("g"))
    assert pickle.loads(pickle.dumps(q)) == q
    assert quad_key(q) == ('<https://w3id.org/ctkg/graph/g> <https://w3id.org/ctkg/id/b> '
                           '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                           '"a \\"quoted\\"\\nline"')


def test_local_document_reads_the_document_from_a_local_iri() -> None:
    assert local_document(f"{ID_NS}mention/001_a/T1") == "001_a"
    assert local_document(f"{ID_NS}assertion/002_b/R3") == "002_b"
    assert local_document(f"{ID_NS}person/someone") is None  # a registry entity
    assert local_document(f"{ID_NS}mention/001_a") is None  # no node part
    assert local_document(f"{ID_NS}mention//T1") is None  # no document
