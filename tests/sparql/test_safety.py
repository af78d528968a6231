"""A query never reaches the network unless --allow-network: proven with a loopback listener.

The listener records every request it receives; refused queries must leave it untouched,
and the allowed SERVICE call must reach it (so a silent listener means something).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.sparql.query import run_query
from ctkg.sparql.safety import inject_values, network_problems, values_block
from tests.loopback import Listener
from tests.paths import ROOT


def _network_queries(base: str) -> dict[str, str]:
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        "service-silent": f"SELECT * WHERE {{ SERVICE SILENT <{base}/sparql> {{ ?s ?p ?o }} }}",
        "service-lowercase": f"select * {{ service <{base}/sparql> {{ ?s ?p ?o }} }}",
        "service-variable":
            f"SELECT * {{ VALUES ?e {{ <{base}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "service-comment-between":
            f"SELECT * {{ SERVICE # sneaky\n <{base}/sparql> {{ ?s ?p ?o }} }}",
        # Oxigraph rejects this, but engines that expand \u escapes first (SPARQL 1.1 §19.2)
        # would see SERVICE: refused all the same
        "service-unicode-escape": f"SELECT * {{ \\u0053ERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        "service-prefixed": f"PREFIX r: <{base}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        "from": f"SELECT * FROM <{base}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "from-named": f"SELECT * FROM NAMED <{base}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-relative": f"BASE <{base}/> SELECT * FROM <data.ttl> WHERE {{ ?s ?p ?o }}",
        "load": f"LOAD <{base}/data.ttl>",
        "load-into": f"LOAD SILENT <{base}/data.ttl> INTO GRAPH <urn:x>",
    }


@pytest.mark.parametrize("case", list(_network_queries("http://127.0.0.1:1")))
def test_embedded_refuses_before_running(case: str, listener: Listener, store: ox.Store) -> None:
    query = _network_queries(listener.base)[case]
    before = len(store)
    with pytest.raises(CTKGError, match="refused before running"):
        run_query(query, store=store)
    assert listener.requests == []
    assert len(store) == before


@pytest.mark.parametrize("case", ["service", "from", "load"])
def test_endpoint_refuses_before_sending(case: str, listener: Listener) -> None:
    query = _network_queries(listener.base)[case]
    with pytest.raises(CTKGError, match="refused before running"):
        run_query(query, endpoint=f"{listener.base}/query")
    assert listener.requests == []


def test_cli_refuses_with_one_line(listener: Listener, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    q = tmp_path / "fed.rq"
    q.write_text(_network_queries(listener.base)["service"], encoding="utf-8")
    assert main(["query", str(q), "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "SERVICE" in err and "--allow-network" in err
    assert listener.requests == []


def test_updates_refused_even_with_network_allowed(listener: Listener, store: ox.Store) -> None:
    for update in [f"LOAD <{listener.base}/data.ttl>", "DROP ALL", "CLEAR DEFAULT",
                   "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]:
        with pytest.raises(CTKGError, match="SPARQL Update"):
            run_query(update, store=store, allow_network=True)
    assert listener.requests == []


@pytest.mark.parametrize("query", [
    "# SERVICE <http://127.0.0.1:1/sparql> in a comment\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/> FROM <http://x/>" }',
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "PREFIX ex: <urn:ex:> SELECT ?s WHERE { ?s ex:SERVICE ?o }",
    "SELECT ?s FROM <https://w3id.org/ctkg/graph/registry> WHERE { ?s ?p ?o } LIMIT 1",
    "PREFIX ctkgg: <https://w3id.org/ctkg/graph/> "
    "SELECT ?s FROM NAMED ctkgg:registry WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
    'SELECT ?s WHERE { ?s ?p """LOAD <x> ; DROP ALL""" }',
])
def test_harmless_lookalikes_are_not_refused(query: str) -> None:
    assert network_problems(query) == []


def test_service_runs_when_network_is_allowed(listener: Listener, store: ox.Store) -> None:
    query = _network_queries(listener.base)["service"]
    _v, rows = run_query(query, store=store, allow_network=True)
    assert rows == []
    assert len(listener.requests) >= 1
    assert listener.requests[0].endswith("/sparql")


def test_bundled_network_query_needs_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    root = ROOT
    assert main(["query", "wikidata-federated", "--root", str(root)]) == 1
    assert "--allow-network" in capsys.readouterr().err


# --- parameters as a VALUES block (endpoint mode) ----------------------------------------

def test_values_block_accepts_only_single_terms() -> None:
    assert values_block({"a": "<urn:x>"}) == " VALUES (?a) { (<urn:x>) } "
    for bad in ["<urn:x> } ; DROP ALL ; { ", '"x" } # ', "?other", '"x"^^<urn:y> <urn:z>']:
        with pytest.raises(ValueError):
            values_block({"a": bad})
    with pytest.raises(ValueError):
        values_block({"a) { } #": "<urn:x>"})


def test_values_go_to_the_where_pattern_past_comments_and_strings() -> None:
    query = ('# a { brace in a comment\nPREFIX p: <urn:{}>\n'
             'SELECT ?s ("{" AS ?b) WHERE { ?s ?p ?o }')
    injected = inject_values(query, {"s": "<urn:s>"})
    assert injected.endswith("WHERE { VALUES (?s) { (<urn:s>) }  ?s ?p ?o }")
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(construct, {"s": "<urn:s>"}).startswith(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES")


def test_values_go_into_the_key_subselect_of_a_key_paged_query() -> None:
    """There they choose the page's keys; outside they would filter the corpus' first keys."""
    query = ("# paging: keys\nSELECT ?s ?o WHERE { { SELECT ?s WHERE { ?s ?p ?x } "
             "ORDER BY ?s LIMIT 2 } ?s ?p ?o } ORDER BY ?s ?o LIMIT 2")
    injected = inject_values(query, {"s": "<urn:s>"})
    assert "{ SELECT ?s WHERE { VALUES (?s) { (<urn:s>) }  ?s ?p ?x }" in injected
    plain = query.replace("# paging: keys\n", "")
    assert inject_values(plain, {"s": "<urn:s>"}).startswith(
        "SELECT ?s ?o WHERE { VALUES (?s) { (<urn:s>) }  { SELECT")
    store = ox.Store()
    for s in ("urn:a", "urn:b", "urn:s"):
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    assert [r["s"].value for r in store.query(injected)] == ["urn:s"]  # type: ignore[index,union-attr]
    assert list(store.query(inject_values(plain, {"s": "<urn:s>"}))) == []
