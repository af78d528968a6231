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
    """Run ``python -m ctkg serve`` and wait (bounded) for its endpoint line."""
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    proc = subprocess.Popen([sys.executable, "-m", "ctkg", "serve", "--root", str(root),
                             "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=10)
            pytest.fail(f"ctkg serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        if line.startswith("SPARQL query endpoint: "):
            return proc, line.split(": ", 1)[1].strip()
    proc.kill()
    pytest.fail("ctkg serve printed no endpoint within 30 s")


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
