"""``ctkg load`` against a real Virtuoso 7: found from the query URL alone, staged and moved
into place, reloaded, refused cleanly, and a failed load leaves the live graphs as they were.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.http import EndpointError
from ctkg.store.load import load_release
from ctkg.store.protocol import Endpoints, SparqlClient
from ctkg.store.release import GRAPH_PREFIX, read_release
from ctkg.store.staged import StagedLoader
from ctkg.store.swap import STAGING_PREFIX, UNCHANGED
from tests.loopback import loopback_http
from tests.store.helpers import kg_folder, local_graphs, proxy_handler
from tests.virtuoso import Virtuoso

pytestmark = pytest.mark.virtuoso
FAST = {"retries": 1, "base_delay": 0.01, "timeout": 30.0}


@pytest.fixture
def virtuoso(virtuoso_server: Virtuoso) -> Virtuoso:
    """The session's Virtuoso with no CTKG graph, updates granted."""
    virtuoso_server.grant_update()
    virtuoso_server.drop_graphs()
    return virtuoso_server


def live(server: Virtuoso) -> dict[str, set[ox.Triple]]:
    """The CTKG graphs (live and staging) on the server, triple for triple."""
    graphs: dict[str, set[ox.Triple]] = {}
    for q in server.quads():
        graphs.setdefault(q.graph_name.value, set()).add(q.triple)
    return graphs


def test_load_finds_virtuoso_s_endpoints_and_reloads(virtuoso: Virtuoso,
                                                     tmp_path: Path) -> None:
    """From ``/sparql`` alone: staged by Graph Store PUT, moved into place; a second release
    replaces the first (a removed document's graph is dropped) and no staging graph is left."""
    first = load_release(kg_folder(tmp_path, 1), virtuoso.query_url, **FAST)
    assert first.method == "staged (Graph Store PUT)"
    assert live(virtuoso) == local_graphs(1)
    second = load_release(kg_folder(tmp_path, 2), virtuoso.query_url, **FAST)
    assert live(virtuoso) == local_graphs(2)
    assert set(second.removed) == set(local_graphs(1)) - set(local_graphs(2))


def test_ctkg_load_needs_only_the_query_url(virtuoso: Virtuoso, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The command a Virtuoso user types: ``--endpoint .../sparql`` and nothing else."""
    kg_folder(tmp_path, 1, "data/kg")
    assert main(["load", "--root", str(tmp_path), "--endpoint", virtuoso.query_url]) == 0
    out = capsys.readouterr().out
    assert "staged (Graph Store PUT)" in out and "live triple counts checked" in out
    assert live(virtuoso) == local_graphs(1)


def test_a_failed_load_leaves_the_live_graphs_as_they_were(virtuoso: Virtuoso,
                                                           tmp_path: Path) -> None:
    """A payload Virtuoso refuses, and a staging graph whose count is wrong: each stops the
    load before the swap, the staging graphs are dropped, release 1 is live as it was."""
    load_release(kg_folder(tmp_path, 1), virtuoso.query_url, **FAST)
    victim = sorted(local_graphs(2))[-1]

    def corrupt(graph: str, body: bytes) -> bytes:
        return body + b"<http://example.org/broken" if graph == victim else body

    def short(graph: str, body: bytes) -> bytes:
        return b"".join(body.splitlines(keepends=True)[1:]) if graph == victim else body

    for payload_filter, says in ((corrupt, "HTTP"), (short, "staging graph")):
        with pytest.raises(CTKGError) as err:
            load_release(kg_folder(tmp_path, 2), virtuoso.query_url,
                         payload_filter=payload_filter, **FAST)
        assert says in str(err.value) and UNCHANGED in str(err.value)
        assert live(virtuoso) == local_graphs(1)  # no staging graph either


def test_chunks_halve_until_virtuoso_takes_them(virtuoso: Virtuoso, tmp_path: Path) -> None:
    """Without a Graph Store URL the staging graphs are filled by INSERT DATA; Virtuoso's
    compiler refuses 6,000 triples in one (SP030, HTTP 400), so the chunk is halved."""
    folder = big_release(tmp_path / "big", 6000)
    eps = Endpoints(virtuoso.query_url, virtuoso.query_url, None, "Virtuoso")
    loader = StagedLoader(SparqlClient(eps, **FAST), read_release(folder))
    loader.chunk_triples = 6000
    loader.run()
    assert loader.chunk_triples < 6000
    assert {g: len(t) for g, t in live(virtuoso).items()} == {f"{GRAPH_PREFIX}big": 6000}


def test_update_not_granted_names_the_fix_and_is_not_retried(virtuoso: Virtuoso,
                                                             tmp_path: Path) -> None:
    """Without SPARQL_UPDATE Virtuoso answers 500 (SR186) to an update and 403 to a Graph
    Store PUT: neither heals by waiting, so one attempt, and the message names the grant."""
    sent: list[str] = []

    def record(_n: int, method: str, _body: bytes) -> str:
        sent.append(method)
        return "forward"

    virtuoso.grant_update(False)
    try:
        with loopback_http(proxy_handler(f"http://127.0.0.1:{virtuoso.http_port}", record)
                           ) as base, pytest.raises(EndpointError) as err:
            load_release(kg_folder(tmp_path, 1), base + "/sparql", protocol="update",
                         retries=3, base_delay=0.5, timeout=30.0)
        assert 'GRANT SPARQL_UPDATE TO "SPARQL"' in str(err.value)
        assert UNCHANGED in str(err.value) and sent.count("POST") <= 3  # SELECTs + 1 update
        with pytest.raises(EndpointError, match="403") as err:
            load_release(kg_folder(tmp_path, 1), virtuoso.query_url, **FAST)
        assert 'GRANT SPARQL_UPDATE TO "SPARQL"' in str(err.value)
    finally:
        virtuoso.grant_update()
    assert not live(virtuoso)


def test_the_build_loads_and_reads_back_quad_for_quad(virtuoso: Virtuoso) -> None:
    """The whole build, staged and moved: what Virtuoso gives back is the build."""
    build = Path(__file__).parents[2] / "data" / "kg"
    if not (build / "ctkg.trig").is_file():
        pytest.skip("no build: run python build.py")
    load_release(build, virtuoso.query_url, **FAST)
    want = {q for q in ox.parse(path=str(build / "ctkg.trig"), format=ox.RdfFormat.TRIG)}
    assert virtuoso.quads() == want
    assert not virtuoso.quads(STAGING_PREFIX)


def big_release(folder: Path, n: int) -> Path:
    """A build folder with one graph of ``n`` triples (and the manifest that makes it
    current), larger than Virtuoso takes in one INSERT DATA."""
    folder.mkdir(parents=True)
    graph = ox.NamedNode(f"{GRAPH_PREFIX}big")
    quads = [ox.Quad(ox.NamedNode(f"https://w3id.org/ctkg/id/thing/t{i}"),
                     ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal(f"thing number {i}", language="en"), graph) for i in range(n)]
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG) or b""
    (folder / "ctkg.trig").write_bytes(trig)
    (folder / "manifest.json").write_text(json.dumps({
        "version": "big", "graphs": {graph.value: {"triples": n}},
        "files": {"ctkg.trig": hashlib.sha256(trig).hexdigest()}}), encoding="utf-8")
    return folder
