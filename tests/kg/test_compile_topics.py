"""Topics that are places and events (issue 16): a statement's About may be a Place, an
event's Topic role compiles to ctkg:topic, both reified and supported by their mentions."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from ctkg.annotations import brat
from ctkg.kg.compile import compile_document
from ctkg.rdf.convert import from_ox
from tests.kg.conftest import FIXTURE

CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"


def test_place_topic_of_statement_and_topic_of_event(setup: tuple, tmp_path: Path) -> None:
    src = FIXTURE / "data" / "corpus"
    (tmp_path / "900_fixture.txt").write_text((src / "900_fixture.txt").read_text("utf-8"),
                                              encoding="utf-8")
    ann = (src / "900_fixture.ann").read_text("utf-8")
    ann = ann.replace("E2\tStatement:T7 Speaker:T9 Occasion:E1 About:T8",
                      "E2\tStatement:T7 Speaker:T9 Occasion:E1 About:T8 About2:T5")
    ann = ann.replace("E4\tRegionalConference:T15 Place:T17 Time:T16",
                      "E4\tRegionalConference:T15 Place:T17 Time:T16 Topic:T14")
    (tmp_path / "900_fixture.ann").write_text(ann, encoding="utf-8")
    doc = brat.read_document(tmp_path / "900_fixture.txt")
    registry, catalogue, iris = setup
    g = Graph()
    for q in compile_document(doc, registry, catalogue["900_fixture"], iris=iris):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    about, topic = URIRef(CTKG + "about"), URIRef(CTKG + "topic")
    new_york = URIRef(f"{ID}place/new-york")
    assert (URIRef(f"{ID}statement/900_fixture/E2"), about, new_york) in g
    threat = URIRef(f"{ID}threat/terrorist-use-of-internet")
    assert (URIRef(f"{ID}event/regional-conference-2019"), topic, threat) in g
    assertion = URIRef(f"{ID}assertion/900_fixture/E4-topic-T14")
    support = set(g.objects(assertion, URIRef(CTKG + "supportedBy")))
    assert support == {URIRef(f"{ID}mention/900_fixture/T15"),
                       URIRef(f"{ID}mention/900_fixture/T14")}
