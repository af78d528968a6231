"""void.ttl: counts, licence and dumps, with IRIs for every partition."""

from __future__ import annotations

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
