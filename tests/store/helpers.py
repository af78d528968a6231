"""Shared by the store stage tests: build folders holding the fixture releases, what a
server holds, and a loopback proxy that can fail chosen requests."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ctkg.store.release import GRAPH_PREFIX
from ctkg.store.server import OxigraphServer
from ctkg.store.swap import STAGING_PREFIX

FIXTURES = Path(__file__).parent / "fixtures"


def kg_folder(tmp_path: Path, release: int, name: str | None = None) -> Path:
    """A build folder (ctkg.trig + manifest.json) holding fixture release ``release``."""
    folder = tmp_path / (name or f"release{release}")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / f"release{release}.trig", folder / "ctkg.trig")
    shutil.copy(FIXTURES / f"release{release}.manifest.json", folder / "manifest.json")
    return folder


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


def put_foreign(server: OxigraphServer, graphs: dict[str, bytes] | None = None
                ) -> dict[str, set[ox.Triple]]:
    """Put ``graphs`` (N-Triples) on the server over GSP; by default graphs that are not
    CTKG's (another dataset beside ours), including a look-alike IRI."""
    foreign = graphs or {
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


class Quiet(http.server.BaseHTTPRequestHandler):
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


def proxy_handler(backend: str, decide: Callable[[int, str, bytes], str]
                  ) -> type[http.server.BaseHTTPRequestHandler]:
    """A loopback proxy to ``backend``; ``decide(n, method, body)`` per request says
    "forward", a status such as "503" (answer it without forwarding) or "drop" (forward,
    then hang up without answering: the store applied it but the client never hears so)."""
    counter = {"n": 0}
    lock = threading.Lock()

    class Proxy(Quiet):
        def _forward(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            with lock:
                counter["n"] += 1
                action = decide(counter["n"], self.command, body)
            if action.isdigit():  # answer with this status, without forwarding
                self._answer(int(action), "text/plain", b"busy" if action == "503"
                             else b"refused by the test proxy", drain=False)
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


