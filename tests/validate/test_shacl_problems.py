"""SHACL results as problems located at the annotations behind them."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.rdf.sources import Source
from ctkg.rdf.terms import RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, ctkg, graph_of, ident
from ctkg.validate.shacl import ShaclResult
from ctkg.validate.shacl_problems import assertion_index, shacl_problems

G = graph_of("d1")
EVENT, PERSON = ident("event/e"), ident("person/p")
A = ident("assertion/d1/E1-place-T3")
QUADS = [ox.Quad(A, RDF_SUBJECT, EVENT, G), ox.Quad(A, RDF_PREDICATE, ctkg("place"), G),
         ox.Quad(A, RDF_OBJECT, PERSON, G)]
SOURCES = {A.value: Source("d1.ann", 7, "E1 Place:T3"),
           EVENT.value: Source("data/registry.toml", 12, "e")}


def result(value: str | None, severity: str = "Violation") -> ShaclResult:
    return ShaclResult(severity, "shapes#EventPlaceShape", "_:b0", "ctkgid:event/e",
                       "ctkg:place", "ctkgid:person/p", "not a place",
                       focus_iri=EVENT.value, path_iri=ctkg("place").value, value_term=value)


def test_index() -> None:
    assert assertion_index(QUADS) == {(EVENT.value, ctkg("place").value):
                                      [(str(PERSON), A.value)]}


def test_located_at_the_assertion_then_the_focus_node() -> None:
    [p] = shacl_problems([result(str(PERSON)), result(str(PERSON))], SOURCES, QUADS)
    assert (p.file, p.line, p.severity) == ("d1.ann", 7, "error")
    assert p.message.endswith("— from E1 Place:T3")
    [p] = shacl_problems([result(str(ident("place/x")), "Warning")], SOURCES, QUADS)
    assert (p.file, p.line, p.severity) == ("data/registry.toml", 12, "warning")
