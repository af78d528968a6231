"""void.ttl: counts, licence and dumps, with IRIs for every partition."""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import VOID

from ctkg.kg.pipeline import BuildResult


def test_void_counts_and_no_blank_nodes(result: BuildResult) -> None:
    void = Graph().parse(data=result.files["void.ttl"], format="turtle")
    assert not any(isinstance(x, BNode) for t in void for x in t)
    ds = URIRef("https://w3id.org/ctkg/id/void/dataset")
    assert void.value(ds, VOID.triples).toPython() == len({q.triple for q in result.quads})
    part = URIRef("https://w3id.org/ctkg/id/void/class/Mention")
    assert void.value(part, VOID.entities).toPython() == 21
    assert len(set(void.objects(ds, VOID.dataDump))) == 4
    assert URIRef("https://creativecommons.org/licenses/by/4.0/") in set(
        void.objects(ds, URIRef("http://purl.org/dc/terms/license")))


def test_void_is_readable(result: BuildResult) -> None:
    text = result.files["void.ttl"].decode()
    assert "\\" not in text
    assert "classpartition:Mention void:class ctkg:Mention ;" in text


def _void(result: BuildResult) -> Graph:
    return Graph().parse(data=result.files["void.ttl"], format="turtle")


def test_void_has_a_subset_per_named_graph(result: BuildResult) -> None:
    void = _void(result)
    ds = URIRef("https://w3id.org/ctkg/id/void/dataset")
    sd_name = URIRef("http://www.w3.org/ns/sparql-service-description#name")
    subsets = {void.value(s, sd_name): s for s in void.objects(ds, VOID.subset)}
    graphs = {str(q.graph_name.value) for q in result.quads}
    assert {str(g) for g in subsets} == graphs
    for g, sub in subsets.items():
        triples = {q.triple for q in result.quads if q.graph_name.value == str(g)}
        assert void.value(sub, VOID.triples).toPython() == len(triples)
        assert void.value(sub, VOID.distinctSubjects).toPython() == len(
            {t.subject for t in triples})
    union = {q.triple for q in result.quads}
    assert void.value(ds, VOID.distinctObjects).toPython() == len({t.object for t in union})
    assert void.value(ds, VOID.properties).toPython() == len({t.predicate for t in union})


def test_void_distributions_carry_the_files_checksums(result: BuildResult) -> None:
    void = _void(result)
    dcat = "http://www.w3.org/ns/dcat#"
    spdx = "http://spdx.org/rdf/terms#"
    found = {}
    for dist in void.subjects(URIRef(dcat + "downloadURL"), None):
        url = str(void.value(dist, URIRef(dcat + "downloadURL")))
        check = void.value(dist, URIRef(spdx + "checksum"))
        found[url.removeprefix("https://w3id.org/ctkg/data/")] = str(
            void.value(check, URIRef(spdx + "checksumValue")))
    assert {"ctkg.trig", "ctkg.nq", "tables/entities.csv", "tables/datapackage.json"} <= set(
        found)
    for name, digest in found.items():
        assert hashlib.sha256(result.files[name]).hexdigest() == digest, name


def test_void_names_examples_creator_and_description(result: BuildResult) -> None:
    void = _void(result)
    ds = URIRef("https://w3id.org/ctkg/id/void/dataset")
    dct = "http://purl.org/dc/terms/"
    examples = set(void.objects(ds, VOID.exampleResource))
    assert examples and all(str(e).startswith("https://w3id.org/ctkg/id/") for e in examples)
    for prop in ("creator", "publisher", "description"):
        assert void.value(ds, URIRef(dct + prop)) is not None, prop
