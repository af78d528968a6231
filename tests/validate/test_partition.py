"""Validation units: each focus node in exactly one unit, with what its shapes read."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.rdf.terms import RDF_TYPE, RDFS_SUBCLASS_OF, ctkg, graph_of, ident, lit, oa
from ctkg.validate.partition import (
    SharedIndex,
    document_unit,
    documents_unit,
    is_local,
    local_doc,
    local_subjects,
    plan,
)

M = ident("mention/d1/T1")
SEL = ident("mention/d1/T1/position")
PERSON = ident("person/p")


def test_local_doc() -> None:
    assert local_doc(M) == "d1" and local_doc(ident("assertion/d2/R1")) == "d2"
    assert local_doc(PERSON) is None and local_doc(lit("x")) is None


def test_every_focus_node_in_one_unit() -> None:
    g, reg, onto = graph_of("d1"), graph_of("registry"), graph_of("ontology")
    by_doc = {"d1": [ox.Quad(M, RDF_TYPE, ctkg("Mention"), g),
                     ox.Quad(M, oa("hasSelector"), SEL, g),
                     ox.Quad(SEL, oa("start"), lit(0), g),
                     ox.Quad(PERSON, ox.NamedNode("http://groundedannotationframework.org/gaf#"
                                                  "denotedBy"), M, g)]}
    shared = [ox.Quad(PERSON, RDF_TYPE, ctkg("Person"), reg),
              ox.Quad(ctkg("Person"), RDFS_SUBCLASS_OF, ctkg("Actor"), onto)]
    units = plan(by_doc, shared, docs_per_unit=1, shared_chunks=2)
    focus = [f for u in units for f in u.focus]
    assert sorted(focus) == sorted({M.value, SEL.value, PERSON.value, ctkg("Person").value})
    assert len(focus) == len(set(focus))
    doc_unit = next(u for u in units if M.value in u.focus)
    assert ox.Triple(PERSON, RDF_TYPE, ctkg("Person")) in doc_unit.triples()  # what M points to
    person_unit = next(u for u in units if PERSON.value in u.focus)
    assert ox.Triple(M, RDF_TYPE, ctkg("Mention")) in person_unit.triples()
    assert all(ox.Triple(ctkg("Person"), RDFS_SUBCLASS_OF, ctkg("Actor")) in u.triples()
               for u in units)
    assert doc_unit.data.endswith(b" .\n")


def test_is_local_agrees_with_local_doc() -> None:
    terms = [M, PERSON, lit("x"), ident("assertion/d2/R1"), ident("mention/d1"),
             ident("mention//T1"), ident("mention/"), ident("quantity/d/Q1"),
             ident("statementx/d/S1"), ident("event/mention/d/T1")]
    for t in terms:
        assert is_local(t) == (local_doc(t) is not None), t


def test_documents_unit_from_bytes_is_the_document_unit() -> None:
    """A unit made of a document's N-Quads lines holds the same triples and focus nodes as
    one made of its quads."""
    g, reg = graph_of("d1"), graph_of("registry")
    other = ident("statement/d2/E1")  # another document's node, typed here
    quads = [ox.Quad(M, RDF_TYPE, ctkg("Mention"), g), ox.Quad(M, oa("hasSelector"), SEL, g),
             ox.Quad(SEL, oa("start"), lit(0), g), ox.Quad(other, RDF_TYPE, ctkg("Statement"), g),
             ox.Quad(PERSON, ox.NamedNode("http://groundedannotationframework.org/gaf#"
                                          "denotedBy"), M, g)]
    index = SharedIndex([ox.Quad(PERSON, RDF_TYPE, ctkg("Person"), reg),
                         ox.Quad(ident("person/q"), RDF_TYPE, ctkg("Person"), reg),
                         ox.Quad(ctkg("Person"), RDFS_SUBCLASS_OF, ctkg("Actor"), reg)])
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    focus = local_subjects(nquads)
    terms = {PERSON, ctkg("Mention"), ctkg("Statement"), oa("hasSelector")}
    unit = documents_unit([nquads], terms, index, focus)
    expected = document_unit(quads, index)
    assert unit.focus == expected.focus == tuple(sorted({M.value, SEL.value, other.value}))
    assert sorted(unit.triples(), key=str) == sorted(expected.triples(), key=str)


def test_shared_units_say_what_their_focus_nodes_are() -> None:
    """A shared unit's ``seen``: its focus nodes' classes with every superclass, and their
    predicates; not the classes of the document nodes whose types it holds."""
    g, reg = graph_of("d1"), graph_of("registry")
    shared = [ox.Quad(PERSON, RDF_TYPE, ctkg("Person"), reg),
              ox.Quad(ctkg("Person"), RDFS_SUBCLASS_OF, ctkg("Actor"), reg),
              ox.Quad(ctkg("Actor"), RDFS_SUBCLASS_OF, ctkg("Agent"), reg)]
    by_doc = {"d1": [ox.Quad(M, RDF_TYPE, ctkg("Mention"), g),
                     ox.Quad(PERSON, ctkg("denotedBy"), M, g)]}
    (unit,) = [u for u in plan(by_doc, shared, shared_chunks=1) if PERSON.value in u.focus]
    assert ox.Triple(M, RDF_TYPE, ctkg("Mention")) in unit.triples()
    assert unit.seen == {ctkg(c).value for c in ("Person", "Actor", "Agent", "denotedBy")} \
        | {RDF_TYPE.value, RDFS_SUBCLASS_OF.value}
