"""``ctkg serve`` as a user runs it: a subprocess, a query over HTTP, Ctrl-C, a clean exit."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ctkg.store.server import free_port
from tests import serving

FIXTURES = Path(__file__).parent / "fixtures"


def project(tmp_path: Path) -> Path:
    """A project root whose build is fixture release 1."""
    kg = tmp_path / "project" / "data" / "kg"
    kg.mkdir(parents=True)
    shutil.copy(FIXTURES / "release1.trig", kg / "ctkg.trig")
    shutil.copy(FIXTURES / "release1.manifest.json", kg / "manifest.json")
    return kg.parents[1]


def start_serve(root: Path, port: int, tmpdir: Path, *extra: str) -> tuple[subprocess.Popen[str],
                                                                           str]:
    """The endpoint alone (``--no-site``): these tests are about the SPARQL server."""
    return serving.start_serve(root, port, tmpdir, "--no-site", *extra)


def sparql(url: str, query: str, *, update: bool = False) -> dict:
    """One SPARQL request (query or update) over HTTP."""
    if update:
        req = urllib.request.Request(url, data=query.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(req, timeout=10):
            return {}
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def port_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C, then the exit code and stderr (bounded wait)."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, err


@pytest.mark.server
def test_serve_read_only_answers_queries_and_stops_cleanly(tmp_path: Path) -> None:
    root, port, tmpdir = project(tmp_path), free_port(), tmp_path / "tmp"
    tmpdir.mkdir()
    proc, url = start_serve(root, port, tmpdir)
    try:
        assert url == f"http://127.0.0.1:{port}/query"
        # Union default graph: no GRAPH clause needed.
        rows = sparql(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) == 58
        with pytest.raises(urllib.error.HTTPError) as err:
            sparql(f"http://127.0.0.1:{port}/update", "CLEAR ALL", update=True)
        assert err.value.code == 403
        assert list(tmpdir.iterdir())  # the temporary store exists while serving
    finally:
        code, stderr = stop(proc)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert port_closed(port)
    assert not list(tmpdir.iterdir())  # and is removed afterwards


@pytest.mark.server
def test_serve_writable_accepts_updates(tmp_path: Path) -> None:
    root, port, tmpdir = project(tmp_path), free_port(), tmp_path / "tmp"
    tmpdir.mkdir()
    proc, url = start_serve(root, port, tmpdir, "--writable")
    try:
        sparql(f"http://127.0.0.1:{port}/update",
               "INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> 1 } }",
               update=True)
        rows = sparql(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) == 59
    finally:
        code, stderr = stop(proc)
    assert code == 0, stderr
    assert port_closed(port)


def test_serve_refuses_a_missing_build(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ctkg", "serve", "--root", str(tmp_path),
                           "--port", str(free_port())], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert "build missing/stale: run python build.py" in proc.stderr


# -- issue 13, finding 3: no query takes ctkg serve down -------------------------------------

def post_query(url: str, query: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body of one query (an error status is an answer here, not an exception)."""
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data,
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count_all(url: str) -> int:
    status, body = post_query(url, COUNT_ALL)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.server
def test_serve_survives_a_query_of_ten_thousand_nested_braces(tmp_path: Path) -> None:
    """A 40 KB query of 10,000 nested groups overflowed the stack of the Oxigraph server
    behind ctkg serve (the process aborted); now it is refused with a clear 400 and the next
    query is answered."""
    root, port, tmpdir = project(tmp_path), free_port(), tmp_path / "tmp"
    tmpdir.mkdir()
    proc, url = start_serve(root, port, tmpdir)
    try:
        nested = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
        status, body = post_query(url, nested)
        assert status == 400 and b"refused before parsing" in body, body[:200]
        # under the size limit, and still deep enough to abort Oxigraph (3,000 did here)
        status, body = post_query(url, "SELECT * WHERE " + "{" * 3_000 + "}" * 3_000)
        assert status == 400 and b"nests" in body and b"over the limit" in body, body[:200]
        # the same query as a GET and as application/sparql-query is refused as well
        get = f"{url}?{urllib.parse.urlencode({'query': nested})}"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(get, timeout=30)
        assert err.value.code == 400
        req = urllib.request.Request(url, data=nested.encode(),
                                     headers={"Content-Type": "application/sparql-query"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code == 400
        assert count_all(url) == 58
    finally:
        code, stderr = stop(proc)
    assert code == 0, stderr
    assert "refused" in stderr and "nests" in stderr  # said in its log


@pytest.mark.server
def test_serve_cancels_a_query_at_its_timeout(tmp_path: Path) -> None:
    """A query without end kept a core busy long after its client gave up; with --timeout
    the server cancels it, and answers the next query at once."""
    root, port, tmpdir = project(tmp_path), free_port(), tmp_path / "tmp"
    tmpdir.mkdir()
    proc, url = start_serve(root, port, tmpdir, "--timeout", "1")
    try:
        endless = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                   "?j ?k ?l . ?m ?o ?p . ?q ?r ?s }")  # 58^6 rows
        t0 = time.monotonic()
        status, body = post_query(url, endless)
        assert time.monotonic() - t0 < 8
        # Oxigraph cancels it itself (200, cut short with its message), or, inside a join
        # where it does not look at the clock, ctkg serve stops and restarts it (503).
        assert (status, b"cancelled" in body) == (200, True) or status == 503, body[:200]
        t0 = time.monotonic()
        assert count_all(url) == 58
        assert time.monotonic() - t0 < 10
    finally:
        code, stderr = stop(proc)
    assert code == 0, stderr
    assert "cancelled" in stderr or "stopping Oxigraph to end it" in stderr, stderr


@pytest.mark.server
def test_serve_restarts_oxigraph_when_it_dies(tmp_path: Path) -> None:
    """Whatever else may abort the Oxigraph process, ctkg serve starts it again on the same
    store and says so; clients wait for it rather than fail."""
    root, port, tmpdir = project(tmp_path), free_port(), tmp_path / "tmp"
    tmpdir.mkdir()
    proc, url = start_serve(root, port, tmpdir)
    try:
        assert proc.stderr is not None
        line = ""
        while "(pid " not in line:  # logged before the endpoint line on stdout
            line = proc.stderr.readline()
            assert line, "no pid in the log of ctkg serve"
        pid = int(line.split("(pid ")[1].split(")")[0])
        os.kill(pid, signal.SIGKILL)
        assert count_all(url) == 58
    finally:
        code, stderr = stop(proc)
    assert code == 0, stderr
    assert "stopped unexpectedly (exit code -9); starting it again" in stderr
