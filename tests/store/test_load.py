"""``ctkg load`` against a real Oxigraph server: exact content, idempotence, atomic replacement,
failures midway, bad inputs, retries.

Every server here listens on 127.0.0.1 only; the fixture releases live in fixtures/ beside
these tests.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import CTKGError
from ctkg.http import EndpointError
from ctkg.store.load import GRAPH_PREFIX, STAGING_PREFIX, load_release
from ctkg.store.server import OxigraphServer, free_port, start
from tests.loopback import loopback_http
from tests.store.helpers import FIXTURES, kg_folder

FAST = {"retries": 1, "base_delay": 0.01, "timeout": 10.0}


def local_graphs(release: int) -> dict[str, set[ox.Triple]]:
    """The fixture's triples per graph, parsed independently of the loader."""
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in ox.parse(path=str(FIXTURES / f"release{release}.trig"), format=ox.RdfFormat.TRIG):
        graphs[q.graph_name.value].add(q.triple)
    return dict(graphs)


def graph_names(server: OxigraphServer) -> set[str]:
    """Every named graph on the server."""
    body = urllib.parse.urlencode({"query": "SELECT ?g { GRAPH ?g { } }"}).encode()
    req = urllib.request.Request(server.query_url, data=body,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        rows = json.load(resp)["results"]["bindings"]
    return {r["g"]["value"] for r in rows}


def server_graph(server: OxigraphServer, graph: str) -> set[ox.Triple]:
    """One graph's triples as the server returns them over GSP GET."""
    url = f"{server.store_url}?{urllib.parse.urlencode({'graph': graph})}"
    req = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        data = resp.read()
    return {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def assert_release_live(server: OxigraphServer, release: int) -> None:
    """The CTKG graphs on the server are exactly the release's, triple for triple, and no
    staging graph is left."""
    want = local_graphs(release)
    names = graph_names(server)
    assert {g for g in names if g.startswith(GRAPH_PREFIX)} == set(want)
    assert not {g for g in names if g.startswith(STAGING_PREFIX)}
    for g, triples in want.items():
        assert server_graph(server, g) == triples, g


def put_foreign(server: OxigraphServer) -> dict[str, set[ox.Triple]]:
    """Graphs that are not CTKG's (another dataset beside ours), including a look-alike IRI."""
    foreign = {
        "http://example.org/their-dataset": b"<http://example.org/a> <http://example.org/b> "
                                            b"\"theirs\" .\n",
        "https://w3id.org/ctkg/graphical": b"<http://example.org/c> <http://example.org/d> "
                                           b"<http://example.org/e> .\n",
    }
    for g, nt in foreign.items():
        url = f"{server.store_url}?{urllib.parse.urlencode({'graph': g})}"
        req = urllib.request.Request(url, data=nt, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(req, timeout=10).close()
    return {g: {q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
            for g, nt in foreign.items()}


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _drain(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)

    def _answer(self, code: int, ctype: str, body: bytes, drain: bool = True) -> None:
        if drain:
            self._drain()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# -- happy paths -----------------------------------------------------------------------------

@pytest.mark.server
def test_release_loads_exactly_and_reload_is_idempotent(
        oxigraph_server: OxigraphServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = kg_folder(tmp_path, 1)
    report = load_release(folder, oxigraph_server.query_url, out=sys.stdout, **FAST)
    assert report.method == "gsp"
    assert report.total == sum(len(t) for t in local_graphs(1).values())
    assert_release_live(oxigraph_server, 1)
    out = capsys.readouterr().out
    assert "triples/s" in out and f"{report.total} triples" in out

    again = load_release(folder, oxigraph_server.query_url, **FAST)
    assert again.counts == report.counts and not again.removed
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_release2_replaces_release1_and_leaves_other_graphs(
        oxigraph_server: OxigraphServer, tmp_path: Path, protocol: str) -> None:
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, protocol=protocol, **FAST)
    foreign = put_foreign(oxigraph_server)
    report = load_release(kg_folder(tmp_path, 2), oxigraph_server.query_url,
                          protocol=protocol, **FAST)
    assert report.removed == [GRAPH_PREFIX + "002_7cdbb82168648201"]
    assert_release_live(oxigraph_server, 2)
    for g, triples in foreign.items():
        assert server_graph(oxigraph_server, g) == triples


@pytest.mark.server
def test_update_protocol_chunks_large_graphs(oxigraph_server: OxigraphServer,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setattr("ctkg.store.load.CHUNK_BYTES", 300)  # many INSERT DATA requests per graph
    report = load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url,
                          protocol="update", **FAST)
    assert report.requests > 2 * len(report.counts)
    assert_release_live(oxigraph_server, 1)


# -- failures midway -------------------------------------------------------------------------

@pytest.mark.server
def test_rejected_payload_keeps_previous_release(oxigraph_server: OxigraphServer,
                                                 tmp_path: Path) -> None:
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    staged: list[str] = []

    def corrupt(graph: str, body: bytes) -> bytes:
        # The real server parses this and answers 400, after other graphs were staged.
        return body + b"<http://example.org/unterminated" if graph.endswith("registry") else body

    with pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 2), oxigraph_server.query_url, payload_filter=corrupt,
                     on_event=lambda ev, g: staged.append(g), **FAST)
    assert err.value.status == 400
    assert "live graphs were not changed" in str(err.value) and "\n" not in str(err.value)
    assert len(staged) == 5  # 000, 001, 003, catalogue, ontology were staged before
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
def test_server_dying_midway_keeps_previous_release(tmp_path: Path) -> None:
    location = tmp_path / "store"
    server = start(location)
    try:
        load_release(kg_folder(tmp_path, 1), server.query_url, **FAST)

        def kill_after_two(event: str, graph: str) -> None:
            if event == "staged" and graph.endswith("001_e7a55351cc1b0881"):
                server.stop()

        with pytest.raises(EndpointError) as err:
            load_release(kg_folder(tmp_path, 2), server.query_url, on_event=kill_after_two,
                         **FAST)
        message = str(err.value)
        assert "cannot connect" in message and "next ctkg load removes them" in message
    finally:
        server.stop()

    server = start(location)  # the same store, restarted
    try:
        names = graph_names(server)
        # The two graphs staged before the crash are still on disk, outside graph/ ...
        assert len({g for g in names if g.startswith(STAGING_PREFIX)}) == 2
        # ... and the live release is untouched.
        assert {g for g in names if g.startswith(GRAPH_PREFIX)} == set(local_graphs(1))
        for g, triples in local_graphs(1).items():
            assert server_graph(server, g) == triples
        # The next load removes the leftovers first and swaps release 2 in.
        load_release(kg_folder(tmp_path, 2), server.query_url, **FAST)
        assert_release_live(server, 2)
    finally:
        server.stop()


# -- bad inputs ------------------------------------------------------------------------------

def test_unreachable_endpoint(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match=r"cannot connect \(connection refused\) "
                                            r"\(after 2 attempts\)"):
        load_release(kg_folder(tmp_path, 1), url, **FAST)


def test_silent_server_times_out(tmp_path: Path) -> None:
    class Silent(_Quiet):
        def do_POST(self) -> None:
            time.sleep(2)

    t0 = time.monotonic()
    with loopback_http(Silent) as base, pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 1), base + "/query", retries=1, base_delay=0.01,
                     timeout=0.3)
    assert "no answer within 0.3 s (timeout) (after 2 attempts)" in str(err.value)
    assert time.monotonic() - t0 < 5


def test_html_page_is_a_wrong_url(tmp_path: Path) -> None:
    class Html(_Quiet):
        def do_GET(self) -> None:
            self._answer(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html>hi</html>")

        do_POST = do_GET

    with loopback_http(Html) as base, pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 1), base + "/query", **FAST)
    assert "not a SPARQL query endpoint" in str(err.value)
    assert "text/html" in str(err.value)


def test_refused_credentials_are_never_shown(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class Unauthorized(_Quiet):
        def do_POST(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            self._answer(401, "text/plain", b"no")

    monkeypatch.setenv("CTKG_ENDPOINT_USER", "alice")
    monkeypatch.setenv("CTKG_ENDPOINT_PASSWORD", "s3cret-pw")
    with loopback_http(Unauthorized) as base, pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 1), base + "/query?api_key=s3cret-key", **FAST)
    message = str(err.value)
    assert "authentication refused (HTTP 401)" in message
    assert "s3cret" not in message and "alice" not in message
    assert seen == ["Basic YWxpY2U6czNjcmV0LXB3"]  # sent once: 401 is not retried

    monkeypatch.setenv("CTKG_ENDPOINT_TOKEN", "tok-123")
    with loopback_http(Unauthorized) as base, pytest.raises(EndpointError):
        load_release(kg_folder(tmp_path, 1), base + "/query", **FAST)
    assert seen[-1] == "Bearer tok-123"

    with pytest.raises(CTKGError) as err2:
        load_release(kg_folder(tmp_path, 1), "http://bob:pw-in-url@127.0.0.1:9/query", **FAST)
    assert "credentials in URLs are not accepted" in str(err2.value)
    assert "pw-in-url" not in str(err2.value) and "bob" not in str(err2.value)


@pytest.mark.server
def test_read_only_endpoint_is_refused_and_untouched(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with start(location) as server:
        load_release(kg_folder(tmp_path, 1), server.query_url, **FAST)
    with start(location, read_only=True) as server:
        with pytest.raises(EndpointError) as err:
            load_release(kg_folder(tmp_path, 2), server.query_url, **FAST)
        assert "rejects updates" in str(err.value) and "read-only" in str(err.value)
        assert_release_live(server, 1)


# -- retries ---------------------------------------------------------------------------------

def proxy_handler(backend: str, decide: Callable[[int, str, bytes], str]
                  ) -> type[http.server.BaseHTTPRequestHandler]:
    """A loopback proxy to ``backend``; ``decide(n, method, body)`` per request says
    "forward", "503" (answer 503 without forwarding) or "drop" (forward, then hang up without
    answering: the store applied it but the client never hears so)."""
    counter = {"n": 0}
    lock = threading.Lock()

    class Proxy(_Quiet):
        def _forward(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            with lock:
                counter["n"] += 1
                action = decide(counter["n"], self.command, body)
            if action == "503":
                self._answer(503, "text/plain", b"busy", drain=False)
                return
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("content-type", "accept")}
            req = urllib.request.Request(backend + self.path, data=body or None,
                                         method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    code, ctype, data = resp.status, resp.headers.get("Content-Type", ""), \
                        resp.read()
            except urllib.error.HTTPError as exc:
                code, ctype, data = exc.code, exc.headers.get("Content-Type", ""), exc.read()
            if action == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self._answer(code, ctype or "text/plain", data, drain=False)

        do_GET = do_POST = do_PUT = _forward

    return Proxy


@pytest.mark.server
def test_transient_503_is_retried_through_a_proxy(oxigraph_server: OxigraphServer,
                                                  tmp_path: Path) -> None:
    """Every third request answers 503; the load still succeeds, exactly."""
    failed: list[int] = []

    def every_third(n: int, _method: str, _body: bytes) -> str:
        if n % 3 == 1:
            failed.append(n)
            return "503"
        return "forward"

    with loopback_http(proxy_handler(oxigraph_server.base, every_third)) as base:
        report = load_release(kg_folder(tmp_path, 1), base + "/query", retries=2,
                              base_delay=0.01, timeout=10)
    assert len(failed) >= 5 and report.total == 58
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
def test_lost_answer_to_the_swap_is_recognised(oxigraph_server: OxigraphServer,
                                               tmp_path: Path) -> None:
    """The store applies the swap but the connection drops before the answer: the retried
    MOVE fails (staging graphs are gone), the loader sees that the swap happened and checks."""
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    dropped: list[int] = []

    def drop_first_swap(n: int, method: str, body: bytes) -> str:
        if method == "POST" and body.startswith(b"MOVE") and not dropped:
            dropped.append(n)
            return "drop"
        return "forward"

    with loopback_http(proxy_handler(oxigraph_server.base, drop_first_swap)) as base:
        report = load_release(kg_folder(tmp_path, 2), base + "/query", **FAST)
    assert dropped and report.removed == [GRAPH_PREFIX + "002_7cdbb82168648201"]
    assert_release_live(oxigraph_server, 2)


@pytest.mark.server
def test_cli_loads_and_fails_in_one_line(oxigraph_server: OxigraphServer,
                                         tmp_path: Path) -> None:
    kg_folder(tmp_path, 1, "data/kg")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTKG_ENDPOINT_")}
    cmd = [sys.executable, "-m", "ctkg", "load", "--root", str(tmp_path), "--retries", "0"]
    ok = subprocess.run([*cmd, "--endpoint", oxigraph_server.query_url], capture_output=True,
                        text=True, timeout=60, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "58 triples" in ok.stdout and "triples/s" in ok.stdout
    assert_release_live(oxigraph_server, 1)

    bad = subprocess.run([*cmd, "--endpoint", f"http://127.0.0.1:{free_port()}/query"],
                         capture_output=True, text=True, timeout=60, env=env)
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1 and "cannot connect" in bad.stderr
    assert "Traceback" not in bad.stderr
