"""Endpoint mode: one-line errors, retries by the HTTP policy, the same rows as embedded."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.sparql.lexer import has_order_by
from ctkg.sparql.params import parse_term
from ctkg.sparql.query import run_query
from ctkg.sparql.queryfile import bundled_queries, read_query
from ctkg.store.server import OxigraphServer
from tests.loopback import Listener
from tests.paths import ROOT
from tests.sparql.helpers import FIXTURE, GUTERRES, INJECTION, cli, iri, lit, one_line_error


def test_error_unreachable_endpoint(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ctkg.store.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    err = one_line_error(capsys, "timeline", "--root", str(mini_root), "--endpoint", url)
    assert "cannot reach endpoint" in err


@pytest.mark.parametrize(("status", "needle", "attempts"), [
    (500, "HTTP 500: boom (after 2 attempts)", 2), (503, "HTTP 503", 2), (400, "HTTP 400", 1),
    (403, "HTTP 403", 1), (404, "HTTP 404", 1)])
def test_error_endpoint_http_status(status: int, needle: str, attempts: int,
                                    listener: Listener, mini_root: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """One line naming the status; retried only when waiting can heal it."""
    listener.status, listener.body, listener.content_type = status, b"boom\nsecond", "text/plain"
    listener.extra_headers = {"Retry-After": "0"}
    err = one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query", "--retries", "1")
    assert needle in err
    assert len(listener.requests) == attempts


def test_error_endpoint_timeout(listener: Listener, mini_root: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    listener.delay = 3.0
    err = one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query", "--timeout", "0.5",
                          "--retries", "0")
    assert "did not answer within 0.5 s" in err
    assert len(listener.requests) == 1


def test_error_endpoint_not_sparql(listener: Listener, mini_root: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    listener.body, listener.content_type = b"<html>hello</html>", "text/html"
    err = one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query")
    assert "did not answer with SPARQL JSON results" in err



# --- the endpoint gives what the embedded store gives --------------------------------------

def _load_into(server: OxigraphServer) -> None:
    req = urllib.request.Request(server.store_url, data=FIXTURE.read_bytes(), method="POST",
                                 headers={"Content-Type": "application/trig"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status in (200, 201, 204)


def _count(server: OxigraphServer) -> str:
    body = urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).encode()
    req = urllib.request.Request(server.query_url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["results"]["bindings"][0]["n"]["value"]


@pytest.mark.server
def test_endpoint_matches_embedded(oxigraph_server: OxigraphServer, store: ox.Store,
                                   mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load_into(oxigraph_server)
    # Oxigraph's per-request option: the default graph is the union, as in the embedded store
    endpoint = oxigraph_server.query_url + "?union-default-graph"
    checked = 0
    for name, path, _title in bundled_queries(ROOT):
        info = read_query(path, name)
        if info.network:
            continue
        params = {k: parse_term(v, info.params[k].kind) for k, v in info.examples.items()}
        local = run_query(info.text, store=store, params=params)
        remote = run_query(info.text, endpoint=endpoint, params=params)
        assert remote[0] == local[0], name
        if has_order_by(info.text):
            assert remote[1] == local[1], name
        else:
            assert sorted(map(repr, remote[1])) == sorted(map(repr, local[1])), name
        checked += 1
    assert checked >= 14
    # and through the command line, with a parameter bound by VALUES
    code, out, err = cli(capsys, "entity-mentions", "--root", str(mini_root), "--endpoint",
                         endpoint, "--param", "entity=ctkgid:person/antonio-guterres",
                         "--format", "csv")
    assert code == 0, err
    _code, out2, _ = cli(capsys, "entity-mentions", "--root", str(mini_root),
                         "--param", "entity=ctkgid:person/antonio-guterres", "--format", "csv")
    assert out == out2 and out.count("\r\n") == 4


@pytest.mark.server
def test_endpoint_injection_is_harmless(oxigraph_server: OxigraphServer) -> None:
    _load_into(oxigraph_server)
    before = _count(oxigraph_server)
    endpoint = oxigraph_server.query_url + "?union-default-graph"
    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    for value in [lit(INJECTION), lit("x' } DROP ALL # \\ \n"),
                  lit('"""'), lit("x", lang="en")]:
        _v, rows = run_query(query, endpoint=endpoint, params={"label": value})
        assert rows == []
    _v, rows = run_query(query, endpoint=endpoint,
                         params={"label": lit("António Guterres", lang="en")})
    assert rows == [[iri(GUTERRES), lit("António Guterres", lang="en")]]
    assert _count(oxigraph_server) == before


@pytest.mark.server
def test_endpoint_ask_and_construct_match_embedded(oxigraph_server: OxigraphServer,
                                                   store: ox.Store) -> None:
    _load_into(oxigraph_server)
    endpoint = oxigraph_server.query_url + "?union-default-graph"
    construct = (f"CONSTRUCT {{ <{GUTERRES}> <urn:p> ?o }} WHERE {{ <{GUTERRES}> "
                 "<http://www.w3.org/2002/07/owl#sameAs> ?o }")
    for query in ["ASK { ?s ?p ?o }", "ASK { <urn:none> ?p ?o }", construct]:
        assert run_query(query, endpoint=endpoint) == run_query(query, store=store), query
