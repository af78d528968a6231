"""Content negotiation of ``ctkg serve`` on the project's build, as an RDF client sees it:
``/id/...`` answers parseable Turtle, N-Triples and JSON-LD with the right triples and their
provenance, HTML to a browser, 406 and 404 where it must (requests + pyoxigraph, no browser)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from tests.browser.conftest import Served

VORONKOV = ox.NamedNode("https://w3id.org/ctkg/id/person/vladimir-voronkov")
CTKG = "https://w3id.org/ctkg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}


def fetch(served: Served, path: str, accept: str | None) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(served.base + path, headers=headers, timeout=30)


@pytest.mark.parametrize("media", sorted(FORMATS))
def test_rdf_of_a_person(served: Served, media: str) -> None:
    resp = fetch(served, "/id/person/vladimir-voronkov", media)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == media
    assert resp.headers["Vary"] == "Accept"
    graph = {q.triple for q in ox.parse(resp.content, format=FORMATS[media])}
    post = ox.NamedNode("https://w3id.org/ctkg/id/post/usg-unoct")
    assert ox.Triple(VORONKOV, ox.NamedNode(CTKG + "holdsPost"), post) in graph
    # as object too: the statements he made name him as speaker
    spoken = {t.subject for t in graph if t.predicate.value == CTKG + "speaker"
              and t.object == VORONKOV}
    assert any(s.value.startswith("https://w3id.org/ctkg/id/statement/") for s in spoken)
    # provenance: each assertion about him with its document and the mention's offsets
    assertions = {t.subject for t in graph if t.predicate.value == RDF + "subject"
                  and t.object == VORONKOV}
    derived = {t.subject for t in graph
               if t.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}
    assert assertions and assertions <= derived
    starts = [t for t in graph if t.predicate.value == "http://www.w3.org/ns/oa#start"]
    assert starts


def test_html_to_a_browser(served: Served) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = fetch(served, "/id/person/vladimir-voronkov", accept)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers["Vary"] == "Accept"
    assert resp.content == (served.site / "id" / "person" / "vladimir-voronkov.html"
                            ).read_bytes()


def test_q_values_choose(served: Served) -> None:
    resp = fetch(served, "/id/event/hlc-2018", "text/turtle;q=0.2, application/n-triples;q=0.8")
    assert resp.headers["Content-Type"] == "application/n-triples"
    graph = {q.triple for q in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)}
    assert ox.Triple(ox.NamedNode("https://w3id.org/ctkg/id/event/hlc-2018"),
                     ox.NamedNode(CTKG + "startTime"),
                     ox.Literal("2018-06-28", datatype=ox.NamedNode(
                         "http://www.w3.org/2001/XMLSchema#date"))) in graph


def test_unknown_and_unacceptable(served: Served) -> None:
    assert fetch(served, "/id/person/vladimir-voronkov", "image/png").status_code == 406
    assert fetch(served, "/id/person/nobody-at-all", "text/turtle").status_code == 404
    assert fetch(served, "/id/person/nobody-at-all", "text/html").status_code == 404
    outside = requests.get(served.base + "/%2e%2e/%2e%2e/etc/passwd", timeout=10)
    assert outside.status_code == 404 and b"root:" not in outside.content


def test_sparql_endpoint_still_answers(served: Served) -> None:
    resp = requests.post(served.base + "/query", timeout=30, data={
        "query": "ASK { <https://w3id.org/ctkg/id/person/vladimir-voronkov> ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def test_void_names_the_served_endpoint(served: Served) -> None:
    resp = requests.get(served.base + "/.well-known/void", timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/turtle")
    void = {q.triple for q in ox.parse(resp.content, format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode("https://w3id.org/ctkg/id/void/dataset"),
                     ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"),
                     ox.NamedNode(served.base + "/query")) in void
    endpoint = requests.post(served.base + "/query", data={"query": "ASK {}"}, timeout=30,
                             headers={"Accept": "application/sparql-results+json"})
    assert endpoint.json()["boolean"] is True
