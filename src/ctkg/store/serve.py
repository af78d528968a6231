"""``ctkg serve``: the current build behind a local Oxigraph SPARQL endpoint, for trying queries.

The store lives in a temporary folder that is removed on exit, so serving never touches the
build. It is filled by ``oxigraph load`` in a child process: as fast as pyoxigraph's
``bulk_load`` (about 2.9 s vs 2.6 s for 300k triples here) and the store's lock is surely
released before the server opens it. The server runs read-only unless ``--writable``, with the
union default graph so that bundled queries need no ``GRAPH`` clauses.

No query may take the endpoint down: Oxigraph listens on an internal loopback port
and cancels a query after ``--timeout`` seconds (a client that gives up does not stop a query
by itself); the public port is :mod:`ctkg.store.guard`'s, which refuses what would crash the
parser; and should Oxigraph stop anyway, it is started again on the same store. Each of
these events is one line on stderr.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pyoxigraph as ox

from ctkg.errors import CTKGError, display_path
from ctkg.kg.report import MANIFEST
from ctkg.paths import Layout
from ctkg.site.downloads import DOWNLOADS
from ctkg.site.generate import write_site
from ctkg.site.paths import INDEX
from ctkg.store.guard import GuardServer
from ctkg.store.release import check_build
from ctkg.store.server import OxigraphServer, free_port, oxigraph_binary, start
from ctkg.store.website import Website

MAX_RESTARTS = 5  # in a row without a minute of calm: something is wrong beyond one query


def fill_store(trig: Path, location: Path) -> None:
    """Bulk-load a TriG file into a new on-disk store (one child process, atomic)."""
    proc = subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(trig)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CTKGError.single(trig, None, "oxigraph load failed: "
                               + (lines[-1][:300] if lines else f"exit {proc.returncode}"))


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    """SIGINT/SIGTERM: stop the server and clean up."""
    raise KeyboardInterrupt


def log(message: str) -> None:
    """One line of ``ctkg serve``'s log (stderr)."""
    print(f"ctkg serve: {message}", file=sys.stderr, flush=True)


def site_is_current(layout: Layout, folder: Path) -> bool:
    """Whether ``folder`` holds a site of the current build: its index exists and the
    release it offers for download is the build's (same manifest, byte for byte)."""
    offered = folder / DOWNLOADS / MANIFEST
    return ((folder / INDEX).is_file() and offered.is_file()
            and offered.read_bytes() == (layout.kg / MANIFEST).read_bytes())


def ensure_site(layout: Layout, folder: Path) -> None:
    """Generate the site (``ctkg site``) when it is missing or from another build."""
    if site_is_current(layout, folder):
        return
    log(f"writing the site into {display_path(folder)} (missing or not of this build)")
    report = write_site(layout, folder)
    log(f"site: {report.pages} pages in {report.seconds:.1f} s")


def serve(layout: Layout, port: int, *, writable: bool = False, timeout: int = 30,
          site: Path | None = None) -> None:
    """Load the build into a temporary store and serve it on 127.0.0.1 until interrupted
    (read-only unless ``writable``; a query is cancelled after ``timeout`` s), with the
    site in ``site`` (generated if missing or stale), the graph's IRIs resolved under
    ``/id/`` and the query page at ``/sparql``."""
    kg = layout.kg
    manifest = check_build(kg)
    if not 0 < port < 65536:
        raise CTKGError.single("ctkg serve", None, f"--port {port}: not a TCP port")
    if timeout < 1:
        raise CTKGError.single("ctkg serve", None, f"--timeout {timeout}: at least 1 second")
    if not _port_free(port):
        raise CTKGError.single("ctkg serve", None,
                               f"port {port} on 127.0.0.1 is in use: pick another with --port")
    if site is not None:
        ensure_site(layout, site)
    tmp = Path(tempfile.mkdtemp(prefix="ctkg-serve-"))
    # Ctrl-C and SIGTERM both stop cleanly, even when started with SIGINT ignored (``cmd &``).
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    servers: list[OxigraphServer] = []
    guard = None
    try:
        t0 = time.perf_counter()
        fill_store(kg / "ctkg.trig", tmp / "store")
        loaded = time.perf_counter() - t0
        internal = free_port()

        def launch() -> OxigraphServer:
            server = start(tmp / "store", internal, read_only=not writable,
                           union_default_graph=True, query_timeout=timeout, stderr=None)
            servers.append(server)
            log(f"Oxigraph (pid {server.process.pid}) answers on internal port {internal}, "
                f"cancelling queries after {timeout} s")
            return server

        server = launch()
        website = None
        if site is not None:
            memory = ox.Store()  # the build, for /id/: index lookups, no query on disk
            memory.bulk_load(path=str(kg / "ctkg.trig"), format=ox.RdfFormat.TRIG)
            website = Website(site, memory, layout.root, f"http://127.0.0.1:{internal}/query",
                              timeout, public=f"http://127.0.0.1:{port}")
        guard = GuardServer(port, internal, query_timeout=timeout, log=log,
                            website=website).start()
        log(f"the guard on port {port} refuses SPARQL over the size and nesting limits")
        _greet(manifest, port, loaded, writable, site is not None)
        _supervise(server, launch, guard, timeout)
    except KeyboardInterrupt:
        print("stopping the server", file=sys.stderr)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if guard is not None:
            guard.stop()
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _greet(manifest: dict[str, Any], port: int, loaded: float, writable: bool,
           site: bool) -> None:
    """What is served, where, and queries to paste."""
    graphs = manifest.get("graphs", {})
    triples = sum(int(v.get("triples", 0)) for v in graphs.values())
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/query"
    mode = "read-write" if writable else "read-only"
    print(f"CTKG {manifest.get('version', '?')}: {triples} triples in {len(graphs)} graphs, "
          f"loaded in {loaded:.1f} s; serving {mode}, union default graph")
    if site:
        print(f"Site: {base}/  (the graph's IRIs resolve under {base}/id/)")
        print(f"Query page: {base}/sparql")
    print(f"SPARQL query endpoint: {url}")
    if writable:
        print(f"SPARQL update endpoint: {base}/update")
        print(f"Graph Store endpoint: {base}/store")
    print("Try:")
    print(f"  curl -s {url} -H 'Accept: text/csv' --data-urlencode "
          "'query=SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'")
    print(f"  ctkg query timeline --endpoint {url}")
    print("Press Ctrl-C to stop.", flush=True)


def _supervise(server: OxigraphServer, launch: Callable[[], OxigraphServer],
               guard: GuardServer, timeout: int) -> None:
    """Keep Oxigraph answering until Ctrl-C: start it again if it stops by itself (the store
    on disk is intact: a crash loses no committed transaction), and stop and restart it when
    a query runs far past its time limit (Oxigraph does not always notice its timeout inside
    a large join, and only stopping the process frees the core)."""
    restarts, calm_since = 0, time.monotonic()
    overdue = timeout + max(3, timeout)
    while True:
        while server.process.poll() is None:
            if guard.overdue(overdue):
                log(f"a query ran past {overdue} s (its limit is {timeout} s): stopping "
                    "Oxigraph to end it, queries running now fail")
                guard.stopping()
                server.process.kill()
                server.process.wait(timeout=10)
                server = launch()
            time.sleep(0.2)
        code = server.process.returncode
        if code in (-signal.SIGINT, -signal.SIGTERM, 130):
            raise KeyboardInterrupt  # Ctrl-C in a terminal reaches the server first
        restarts = 1 if time.monotonic() - calm_since > 60 else restarts + 1
        if restarts > MAX_RESTARTS:
            raise CTKGError.single("oxigraph", None, f"the server stopped {MAX_RESTARTS + 1} "
                                   f"times within a minute (last exit code {code}); giving up")
        log(f"Oxigraph stopped unexpectedly (exit code {code}); starting it again")
        server, calm_since = launch(), time.monotonic()
