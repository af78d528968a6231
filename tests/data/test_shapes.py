"""Every SHACL shape has a valid and an invalid fixture, and each behaves as declared.

A shape without a failing fixture could be dead (a typo in a path makes it accept anything),
so each invalid fixture must fail *because of its shape*, and only that shape.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from ctkg.validate.shacl import validate_graph
from tests.paths import ROOT

FIXTURES = Path(__file__).parent / "shapes"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = [ROOT / "ontology" / name for name in ("ctkg.ttl", "concepts.ttl", "alignment.ttl")]
SHAPES_NS = "https://w3id.org/ctkg/shapes#"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def targeted_shapes() -> list[str]:
    """Local names of the named shapes that select focus nodes (helper shapes have no target)."""
    g = _shapes()
    names = {str(s)[len(SHAPES_NS):] for t in TARGETS for s in g.subjects(t, None)
             if isinstance(s, URIRef) and str(s).startswith(SHAPES_NS)}
    return sorted(names)


SHAPE_NAMES = targeted_shapes()
EXPECTED: dict[str, list[str]] = tomllib.loads(
    (FIXTURES / "expected.toml").read_text(encoding="utf-8"))["invalid"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _shapes()


def test_shapes_found() -> None:
    assert len(SHAPE_NAMES) >= 20


def test_shapes_pass_meta_shacl() -> None:
    conforms, _graph, text = validate(_shapes(), meta_shacl=True, inference="none",
                                      advanced=True)
    assert conforms, text


def test_every_shape_documented(shapes: Graph) -> None:
    """Every named shape carries a label, a comment, a message and a severity."""
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        for prop in (URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                     URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
                     SH.message, SH.severity):
            assert shapes.value(shape, prop) is not None, f"{shape} lacks {prop}"
    for prop_shape in set(shapes.objects(None, SH.property)):
        assert shapes.value(prop_shape, SH.message) is not None, "property shape lacks sh:message"
        assert shapes.value(prop_shape, SH.severity) is not None, "property shape lacks sh:severity"


def test_every_fixture_belongs_to_a_shape() -> None:
    for kind in ("valid", "invalid"):
        stems = {p.stem for p in (FIXTURES / kind).glob("*.ttl")}
        assert stems == set(SHAPE_NAMES), f"{kind}: {stems ^ set(SHAPE_NAMES)}"
    assert set(EXPECTED) == set(SHAPE_NAMES)


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_fixture_first_line_says_what_it_tests(name: str) -> None:
    for kind in ("valid", "invalid"):
        first = (FIXTURES / kind / f"{name}.ttl").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"# Tests ctkg-shapes:{name}: "), first
        assert f"({kind})" in first or (kind == "invalid" and "(invalid" in first), first


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_valid_fixture_conforms(name: str, shapes: Graph) -> None:
    data = Graph().parse(FIXTURES / "valid" / f"{name}.ttl", format="turtle")
    conforms, results = validate_graph(data, shapes, ONTOLOGY)
    assert conforms, "\n".join(str(r) for r in results)


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_invalid_fixture_fails_on_its_shape(name: str, shapes: Graph) -> None:
    data = Graph().parse(FIXTURES / "invalid" / f"{name}.ttl", format="turtle")
    conforms, results = validate_graph(data, shapes, ONTOLOGY)
    assert not conforms
    assert {r.shape for r in results} == set(EXPECTED[name]), "\n".join(map(str, results))
    for r in results:
        assert r.message and r.focus_node and r.severity in {"Violation", "Warning"}


def test_validate_graph_accepts_datasets(shapes: Graph) -> None:
    """Cross-graph links resolve: a mention in one named graph, its document in another."""
    from rdflib import Dataset

    text = (FIXTURES / "valid" / "MentionShape.ttl").read_text(encoding="utf-8")
    flat = Graph().parse(data=text, format="turtle")
    ds = Dataset()
    doc_graph = ds.graph(URIRef("https://w3id.org/ctkg/graph/d1"))
    catalogue = ds.graph(URIRef("https://w3id.org/ctkg/graph/catalogue"))
    doc = URIRef("https://w3id.org/ctkg/id/document/d1")
    for triple in flat:
        (catalogue if triple[0] == doc else doc_graph).add(triple)
    conforms, results = validate_graph(ds, shapes, ONTOLOGY)
    assert conforms, "\n".join(map(str, results))
