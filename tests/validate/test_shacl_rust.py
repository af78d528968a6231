"""The Rust SHACL engine against pySHACL (the reference) on every shape fixture, on paths and
messages the project's shapes do not use yet, and on the restriction to focus nodes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ctkg.validate import partition
from ctkg.validate.shacl import ShaclResult, validate_graph
from ctkg.validate.shacl_rust import compile_shapes, validate_ntriples, variant
from tests.paths import ROOT

FIXTURES = ROOT / "tests" / "data" / "shapes"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = [ROOT / "ontology" / name for name in ("ctkg.ttl", "concepts.ttl", "alignment.ttl")]
CASES = [(kind, p.stem) for kind in ("valid", "invalid")
         for p in sorted((FIXTURES / kind).glob("*.ttl"))]


def key(r: ShaclResult) -> tuple[object, ...]:
    """What must agree: a blank source shape (each engine labels it its own way) by its
    named shape and path."""
    source = r.source_shape if not r.source_shape.startswith("_:") else f"[] {r.path}"
    return (r.focus_node, r.focus_iri, r.path, r.path_iri, r.component, r.severity, r.shape,
            source, r.value, r.value_term, r.message)


def both(data: Graph, shapes_ttl: bytes, ontology: list[Path] | None = None
         ) -> tuple[list[ShaclResult], list[ShaclResult]]:
    """(pySHACL's results, the Rust engine's) on ``data`` plus ``ontology``."""
    shapes = Graph().parse(data=shapes_ttl, format="turtle")
    _conforms, reference = validate_graph(data, shapes, ontology)
    union = Graph()
    for part in [data, *(Graph().parse(p, format="turtle") for p in ontology or [])]:
        for triple in part:
            union.add(triple)
    rust = validate_ntriples(union.serialize(format="nt", encoding="utf-8"),
                             compile_shapes(shapes_ttl))
    return reference, rust


@pytest.fixture(scope="module")
def shapes_ttl() -> bytes:
    return SHAPES_FILE.read_bytes()


@pytest.mark.parametrize(("kind", "name"), CASES)
def test_fixture_same_results(kind: str, name: str, shapes_ttl: bytes) -> None:
    data = Graph().parse(FIXTURES / kind / f"{name}.ttl", format="turtle")
    reference, rust = both(data, shapes_ttl, ONTOLOGY)
    assert Counter(map(key, rust)) == Counter(map(key, reference))
    assert bool(rust) == (kind == "invalid")  # a check that cannot fail is a defect
    assert all(r.component for r in rust)


def test_rust_result_is_not_trivially_empty(shapes_ttl: bytes) -> None:
    """Regression: the mention beyond its document's end is found, with the message's
    variables filled in, and located at the mention."""
    data = Graph().parse(FIXTURES / "invalid" / "MentionShape.ttl", format="turtle")
    _reference, rust = both(data, shapes_ttl, ONTOLOGY)
    assert [(r.shape, r.component, r.focus_iri, r.message) for r in rust] == [(
        "https://w3id.org/ctkg/shapes#MentionShape", "SPARQLConstraintComponent",
        "https://w3id.org/ctkg/id/mention/d1/T1",
        "Mention fragment ends at 26, beyond the end of its document (20 characters).")]


PATH_SHAPES = b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 0 ] ;
  sh:property [ sh:path ( ex:a ex:b ) ; sh:maxCount 0 ] ;
  sh:property [ sh:path [ sh:zeroOrMorePath ex:z ] ; sh:maxCount 0 ] ;
  sh:property [ sh:path [ sh:oneOrMorePath ex:z ] ; sh:maxCount 0 ] ;
  sh:property [ sh:path [ sh:alternativePath ( ex:a [ sh:inversePath ex:p ] ) ] ;
                sh:maxCount 0 ] ;
  sh:property [ sh:path ex:d ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:d ; sh:minCount 3 ; sh:message "Three ex:d, please."@en ] ;
  sh:property [ sh:path ex:a ; sh:class ex:D ; sh:severity sh:Warning ] .
"""
PATH_DATA = """@prefix ex: <http://example.org/> .
ex:n a ex:C ; ex:a ex:m ; ex:z ex:n ; ex:d "x", "caf\\u00e9 \\"q\\"\\n"@fr .
ex:m ex:b ex:o . ex:q ex:p ex:n .
"""


def test_paths_and_messages_read_the_same() -> None:
    """Compound paths, shapes without sh:message (the message is built from the component,
    not taken from an engine) and values with escapes give identical results."""
    reference, rust = both(Graph().parse(data=PATH_DATA, format="turtle"), PATH_SHAPES)
    assert Counter(map(key, rust)) == Counter(map(key, reference))
    shown = {(r.path, r.message) for r in rust}
    assert ("^<http://example.org/p>", "fails sh:MaxCountConstraintComponent on "
            "^<http://example.org/p> (the shape has no sh:message)") in shown
    assert {r.path for r in rust} >= {"(<http://example.org/a>/<http://example.org/b>)",
                                      "(<http://example.org/z>)*", "(<http://example.org/z>)+",
                                      "(<http://example.org/a>|^<http://example.org/p>)"}
    assert {r.severity for r in rust} == {"Violation", "Warning"}
    assert ("http://example.org/d", "Three ex:d, please.") in shown


def test_focus_restriction() -> None:
    """Only results about the focus nodes are kept (the engine validates every target)."""
    data = Graph().parse(data=PATH_DATA + "ex:k a ex:C .\n", format="turtle")
    nt = data.serialize(format="nt", encoding="utf-8")
    shapes = compile_shapes(PATH_SHAPES)
    every = validate_ntriples(nt, shapes)
    assert {r.focus_iri for r in every} == {"http://example.org/n", "http://example.org/k"}
    only_k = validate_ntriples(nt, shapes, focus=["http://example.org/k"])
    assert only_k and {r.focus_iri for r in only_k} == {"http://example.org/k"}
    assert validate_ntriples(nt, shapes, focus=[]) == []


@pytest.mark.parametrize("name", [name for kind, name in CASES if kind == "invalid"])
def test_variant_keeps_every_result_about_the_focus(name: str, shapes_ttl: bytes) -> None:
    """Each node of an invalid fixture validated alone against the shapes that target it
    (a variant without the other targets) gives exactly its results on the full shapes."""
    data = Graph().parse(FIXTURES / "invalid" / f"{name}.ttl", format="turtle")
    for path in ONTOLOGY:
        data.parse(path, format="turtle")
    nt = data.serialize(format="nt", encoding="utf-8")
    shapes = compile_shapes(shapes_ttl)
    every = validate_ntriples(nt, shapes)
    triples = [q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
    for node in sorted({r.focus_iri for r in every if r.focus_iri}):
        seen = partition.seen_of(triples, {ox.NamedNode(node)})
        assert variant(shapes, seen) is not shapes.core  # some targets were dropped
        alone = validate_ntriples(nt, shapes, focus=[node], seen=seen)
        assert Counter(map(key, alone)) == Counter(map(key, (r for r in every
                                                             if r.focus_iri == node)))


def test_variant_is_compiled_once_per_set_of_targets(shapes_ttl: bytes) -> None:
    shapes = compile_shapes(shapes_ttl)
    mention = frozenset({"https://w3id.org/ctkg/ontology#Mention"})
    first = variant(shapes, mention)
    assert variant(shapes, mention) is first and first is not shapes.core
    everything = frozenset(t[2] for t in shapes.targets)
    assert variant(shapes, everything) is shapes.core
