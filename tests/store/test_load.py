"""``ctkg load`` against a real Oxigraph server: exact content, idempotence, atomic replacement,
failures midway, bad inputs, retries.

Every server here listens on 127.0.0.1 only; the fixture releases live in fixtures/ beside
these tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.http import EndpointError
from ctkg.store.load import load_release
from ctkg.store.release import GRAPH_PREFIX
from ctkg.store.server import OxigraphServer, free_port, start
from ctkg.store.swap import STAGING_PREFIX
from tests.loopback import loopback_http
from tests.store.helpers import (
    Quiet,
    assert_release_live,
    graph_names,
    kg_folder,
    local_graphs,
    proxy_handler,
    put_foreign,
    server_graph,
)

FAST = {"retries": 1, "base_delay": 0.01, "timeout": 10.0}


# -- happy paths -----------------------------------------------------------------------------

@pytest.mark.server
def test_release_loads_exactly_and_reload_is_idempotent(
        oxigraph_server: OxigraphServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = kg_folder(tmp_path, 1)
    report = load_release(folder, oxigraph_server.query_url, out=sys.stdout, **FAST)
    assert report.method == "update"
    assert report.total == sum(len(t) for t in local_graphs(1).values())
    assert_release_live(oxigraph_server, 1)
    out = capsys.readouterr().out
    assert "triples/s" in out and f"{report.total} triples" in out

    again = load_release(folder, oxigraph_server.query_url, **FAST)
    assert again.counts == report.counts and not again.removed
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
def test_release2_replaces_release1_and_leaves_other_graphs(
        oxigraph_server: OxigraphServer, tmp_path: Path) -> None:
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    foreign = put_foreign(oxigraph_server)
    report = load_release(kg_folder(tmp_path, 2), oxigraph_server.query_url, **FAST)
    assert report.removed == [GRAPH_PREFIX + "002_7cdbb82168648201"]
    assert_release_live(oxigraph_server, 2)
    for g, triples in foreign.items():
        assert server_graph(oxigraph_server, g) == triples


@pytest.mark.server
def test_the_release_travels_in_one_update_request(oxigraph_server: OxigraphServer,
                                                   tmp_path: Path) -> None:
    """Nothing is written before the swap, and the swap is one request: the only write
    that names a live graph, and no graph upload (GSP) at all."""
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    writes: list[bytes] = []

    def record(_n: int, method: str, body: bytes) -> str:
        if method != "GET" and b"query=" not in body[:6]:
            writes.append(body)
        return "forward"

    with loopback_http(proxy_handler(oxigraph_server.base, record)) as base:
        load_release(kg_folder(tmp_path, 2), base + "/query", **FAST)
    live = [w for w in writes if b"<https://w3id.org/ctkg/graph/" in w]
    assert len(live) == 1 and len(writes) == 2  # the preflight's no-op, then the swap
    assert live[0].count(b"INSERT DATA") == 1
    assert_release_live(oxigraph_server, 2)
    with pytest.raises(CTKGError, match="choose auto, update or staged"):
        load_release(kg_folder(tmp_path, 2), base + "/query", protocol="gsp", **FAST)


# -- failures midway -------------------------------------------------------------------------

@pytest.mark.server
def test_rejected_payload_keeps_previous_release(oxigraph_server: OxigraphServer,
                                                 tmp_path: Path) -> None:
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    prepared: list[str] = []

    def corrupt(graph: str, body: bytes) -> bytes:
        # The real server parses the swap request and answers 400, in the middle of it.
        return body + b"<http://example.org/unterminated" if graph.endswith("registry") else body

    with pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 2), oxigraph_server.query_url, payload_filter=corrupt,
                     on_event=lambda ev, g: prepared.append(g), **FAST)
    assert err.value.status == 400
    message = str(err.value)
    assert message.endswith("the store refused the swap, so the live graphs were not changed")
    assert "\n" not in message
    assert len(prepared) == 8  # the seven graphs of release 2, then the swap
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
def test_server_dying_midway_keeps_previous_release(tmp_path: Path) -> None:
    location = tmp_path / "store"
    server = start(location)
    try:
        load_release(kg_folder(tmp_path, 1), server.query_url, **FAST)
        # what an interrupted load of an older version left: a staging graph
        put_foreign(server, {STAGING_PREFIX + "20250101T000000Z-0/registry":
                             b"<http://example.org/a> <http://example.org/b> \"x\" .\n"})

        def kill_before_swap(event: str, _graph: str) -> None:
            if event == "swap":
                server.stop()

        with pytest.raises(EndpointError) as err:
            load_release(kg_folder(tmp_path, 2), server.query_url, on_event=kill_before_swap,
                         **FAST)
        message = str(err.value)
        assert "connection refused" in message and "live graphs were not changed" in message
        assert "unknown" not in message
    finally:
        server.stop()

    server = start(location)  # the same store, restarted
    try:
        names = graph_names(server)
        assert {g for g in names if g.startswith(GRAPH_PREFIX)} == set(local_graphs(1))
        for g, triples in local_graphs(1).items():
            assert server_graph(server, g) == triples
        # The next load removes the leftover and swaps release 2 in.
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
    class Silent(Quiet):
        def do_POST(self) -> None:
            time.sleep(2)

    t0 = time.monotonic()
    with loopback_http(Silent) as base, pytest.raises(EndpointError) as err:
        load_release(kg_folder(tmp_path, 1), base + "/query", retries=1, base_delay=0.01,
                     timeout=0.3)
    assert str(err.value).endswith("no answer within 0.3 s (timeout) (after 2 attempts); "
                                   "the live graphs were not changed")
    assert time.monotonic() - t0 < 5


def test_html_page_is_a_wrong_url(tmp_path: Path) -> None:
    class Html(Quiet):
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

    class Unauthorized(Quiet):
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
    assert len(failed) >= 3 and report.total == 58
    assert_release_live(oxigraph_server, 1)


@pytest.mark.server
@pytest.mark.parametrize("retries", [0, 1])
def test_lost_answer_to_the_swap_is_recognised(oxigraph_server: OxigraphServer,
                                               tmp_path: Path, retries: int) -> None:
    """The store applies the swap but the connection drops before the answer. With a retry,
    the swap is simply sent again (it is idempotent); without, the live counts, which moved
    from release 1's to release 2's, show that it was applied."""
    load_release(kg_folder(tmp_path, 1), oxigraph_server.query_url, **FAST)
    dropped: list[int] = []

    def drop_first_swap(n: int, method: str, body: bytes) -> str:
        if method == "POST" and b"<https://w3id.org/ctkg/graph/" in body and not dropped:
            dropped.append(n)
            return "drop"
        return "forward"

    with loopback_http(proxy_handler(oxigraph_server.base, drop_first_swap)) as base:
        report = load_release(kg_folder(tmp_path, 2), base + "/query", retries=retries,
                              base_delay=0.01, timeout=10)
    assert dropped and report.removed == [GRAPH_PREFIX + "002_7cdbb82168648201"]
    assert ("answer to the swap was lost" in report.note) == (retries == 0)
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
