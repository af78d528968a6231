"""The namespaces: plain strings, one prefix per instance kind, no clash."""

from __future__ import annotations

from ctkg.rdf.namespaces import ID_NS, KIND_PREFIXES, PREFIXES, entity_iri


def test_kind_prefixes_do_not_clash_with_the_vocabulary() -> None:
    assert not set(KIND_PREFIXES) & set(PREFIXES)
    assert KIND_PREFIXES["ctkgorg"] == f"{ID_NS}org/"
    assert all(ns.startswith(ID_NS) and ns.endswith("/") for ns in KIND_PREFIXES.values())


def test_rdflib_names_for_rdflib_graphs() -> None:
    from rdflib import URIRef

    from ctkg.rdf import namespaces

    assert str(namespaces.CTKG.Person) == PREFIXES["ctkg"] + "Person"
    assert entity_iri("person", "a") == URIRef(f"{ID_NS}person/a")
