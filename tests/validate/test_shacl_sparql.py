"""SPARQL constraints taken out of the Rust engine's shapes run set-at-a-time on pyoxigraph
with the results pySHACL gives; forms that cannot be rewritten stay with the Rust engine."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph

from ctkg.validate.shacl_rust import compile_shapes
from ctkg.validate.shacl_sparql import split_sparql
from tests.paths import ROOT
from tests.validate.test_shacl_rust import both, key

SHAPES = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:Long a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ;
  sh:sparql [ sh:prefixes ex:Prefixes ;
    sh:message "{$this} has a long {?path}: {?value} ({?n} characters)"@en ;
    sh:select \"\"\"SELECT $this ?path ?value ?n WHERE {
        $this ?path ?value . FILTER (isLiteral(?value))
        BIND (STRLEN(STR(?value)) AS ?n) FILTER (?n > 3) }\"\"\" ] .
ex:Lonely a sh:NodeShape ; sh:targetSubjectsOf ex:knows ;
  sh:message "Knows nobody typed."@en ;
  sh:sparql [ sh:prefixes ex:Prefixes ;
    sh:select \"\"\"SELECT $this WHERE {
        FILTER NOT EXISTS { $this ex:knows ?x . ?x a ?type } }\"\"\" ] .
ex:Implicit a sh:NodeShape, <http://www.w3.org/2000/01/rdf-schema#Class> ;
  sh:sparql [ sh:message "Implicit target."@en ;
    sh:select "SELECT $this WHERE { $this <http://example.org/label> ?l }" ] .
ex:Counted a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:prefixes ex:Prefixes ; sh:message "Too many ex:knows."@en ;
    sh:select \"\"\"SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:knows ?x }
        GROUP BY $this HAVING (COUNT(?x) > 1)\"\"\" ] .
"""
DATA = """@prefix ex: <http://example.org/> .
ex:a a ex:C ; ex:label "abcdef", "ab" ; ex:knows ex:b, ex:c .
ex:b a ex:D ; ex:label "long label" ; ex:knows ex:z .
ex:s a ex:Sub ; ex:label "wxyz" .
ex:i a ex:Implicit ; ex:label "i" .
ex:Sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:C .
"""


def test_project_constraints_are_taken_out() -> None:
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    rest, taken = split_sparql(shapes)
    assert {c.shape.rsplit("#", 1)[-1] for c in taken} == {
        "MentionShape", "EventTimeOrderShape", "EventTimeConsistencyShape", "EventStatusShape",
        "EventSeriesShape", "ContainedInPlaceShape"}
    assert len(rest) == len(shapes) - len(taken)


def test_rewritten_and_kept_constraints_agree_with_pyshacl() -> None:
    _rest, taken = split_sparql(Graph().parse(data=SHAPES, format="turtle"))
    assert {c.shape for c in taken} == {"http://example.org/Long",
                                        "http://example.org/Lonely"}  # GROUP BY, implicit
    # class target: left to the Rust engine
    assert len(compile_shapes(SHAPES).sparql) == 2
    reference, rust = both(Graph().parse(data=DATA, format="turtle"), SHAPES)
    assert Counter(map(key, rust)) == Counter(map(key, reference))
    shown = {(r.shape.rsplit("/", 1)[-1], r.focus_node, r.message) for r in rust}
    assert ("Long", "http://example.org/s", "http://example.org/s has a long "
            "http://example.org/label: wxyz (4 characters)") in shown  # via rdfs:subClassOf
    assert ("Lonely", "http://example.org/b", "Knows nobody typed.") in shown
    assert ("Counted", "http://example.org/a", "Too many ex:knows.") in shown
    assert ("Implicit", "http://example.org/i", "Implicit target.") in shown
    assert not any(r.focus_node == "http://example.org/b" and r.shape.endswith("Long")
                   for r in rust)  # ex:b is no ex:C
