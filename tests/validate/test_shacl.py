"""pySHACL on pyoxigraph triples: results with their nodes unabbreviated, focus nodes."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.rdf.terms import RDF_TYPE, ctkg, ident, lit
from ctkg.validate.shacl import parse_shapes, partitionable, validate_triples

SHAPES = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ctkg: <https://w3id.org/ctkg/ontology#> .
<http://x/PersonShape> a sh:NodeShape ; sh:targetClass ctkg:Person ;
    sh:property [ sh:path ctkg:age ; sh:maxCount 1 ] .
"""


def test_results_and_focus() -> None:
    a, b = ident("person/a"), ident("person/b")
    triples = [ox.Triple(a, RDF_TYPE, ctkg("Person")), ox.Triple(a, ctkg("age"), lit(1)),
               ox.Triple(a, ctkg("age"), lit(2)), ox.Triple(b, RDF_TYPE, ctkg("Person")),
               ox.Triple(b, ctkg("age"), lit(3)), ox.Triple(b, ctkg("age"), lit(4))]
    shapes = parse_shapes(SHAPES)
    results = validate_triples(triples, shapes)
    assert {r.focus_iri for r in results} == {a.value, b.value}
    r = results[0]
    assert r.shape == "http://x/PersonShape" and r.severity == "Violation"
    assert r.path_iri == ctkg("age").value
    only_b = validate_triples(triples, shapes, focus=[b.value])
    assert [r.focus_iri for r in only_b] == [b.value]
    assert validate_triples(triples, shapes, focus=[]) == []


def test_partitionable() -> None:
    assert partitionable(parse_shapes(SHAPES))
    assert not partitionable(parse_shapes(
        SHAPES + b"<http://x/S> <http://www.w3.org/ns/shacl#targetNode> <http://x/n> .\n"))
