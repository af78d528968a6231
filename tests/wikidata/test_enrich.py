"""The federated enrich queries, with WDQS replaced by the loopback fixture server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.store.server import OxigraphServer
from tests.paths import ROOT
from tests.wikidata.test_client import load_fixture

ID = "https://w3id.org/ctkg/id/"
WD = "http://www.wikidata.org/entity/"
CTKG = "https://w3id.org/ctkg/ontology#"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.mark.server
def test_enrich_queries_against_the_fixture(oxigraph_server: OxigraphServer) -> None:
    load_fixture(oxigraph_server)
    g = ox.NamedNode("https://w3id.org/ctkg/graph/registry")
    store = ox.Store()
    for slug, kind, cls, label, qid in [
        ("alma-testperson", "person", "Person", "Alma Testperson", "Q98765401"),
        ("ecto", "org", "GovernmentAgency", "Example Counter-Terrorism Office", "Q98765402"),
        ("testland", "org", "MemberState", "Testland", "Q98765404"),
    ]:
        s = ox.NamedNode(f"{ID}{kind}/{slug}")
        store.add(ox.Quad(s, LABEL, ox.Literal(label), g))
        store.add(ox.Quad(s, TYPE, ox.NamedNode(CTKG + cls), g))
        store.add(ox.Quad(s, SAME_AS, ox.NamedNode(WD + qid), g))
    queries = ROOT / "queries"

    def run(name: str) -> list[dict[str, str]]:
        text = (queries / name).read_text("utf-8")
        assert "# network: required" in text and "# params: none" in text
        text = text.replace("https://query.wikidata.org/sparql", oxigraph_server.query_url)
        assert "query.wikidata.org" not in text
        result = store.query(text)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]

    [person] = run("wikidata-enrich-people.rq")
    assert person["wd"] == WD + "Q98765401"
    assert person["position"] == WD + "Q98765405"
    assert person["positionLabel"] == "Secretary-General of Testland"
    assert person["start"] == "2019-01-01T00:00:00Z" and "end" not in person

    rows = run("wikidata-enrich-organizations.rq")
    assert [r["wd"] for r in rows] == [WD + "Q98765402"]  # the State is not listed
    [org] = rows
    assert org["headquartersLabel"] == "Fixtureville"
    assert org["inception"] == "2017-06-15T00:00:00Z"
    assert org["website"] == "https://example.org/ecto"
