"""``ctkg serve``: the current build behind a local Oxigraph SPARQL endpoint, for trying queries.

The store lives in a temporary folder that is removed on exit, so serving never touches the
build. It is filled by ``oxigraph load`` in a child process: as fast as pyoxigraph's
``bulk_load`` (about 2.9 s vs 2.6 s for 300k triples here) and the store's lock is surely
released before the server opens it. The server runs read-only unless ``--writable``, with the
union default graph so that bundled queries need no ``GRAPH`` clauses.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from ctkg.errors import CTKGError
from ctkg.store.release import check_build
from ctkg.store.server import oxigraph_binary, start


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


def serve(kg: Path, port: int, *, writable: bool = False) -> None:
    """Load the build in ``kg`` into a temporary store, serve it on 127.0.0.1 until
    interrupted (read-only unless ``writable``)."""
    manifest = check_build(kg)
    if not 0 < port < 65536:
        raise CTKGError.single("ctkg serve", None, f"--port {port}: not a TCP port")
    if not _port_free(port):
        raise CTKGError.single("ctkg serve", None,
                               f"port {port} on 127.0.0.1 is in use: pick another with --port")
    tmp = Path(tempfile.mkdtemp(prefix="ctkg-serve-"))
    # Ctrl-C and SIGTERM both stop cleanly, even when started with SIGINT ignored (``cmd &``).
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = None
    try:
        t0 = time.perf_counter()
        fill_store(kg / "ctkg.trig", tmp / "store")
        loaded = time.perf_counter() - t0
        server = start(tmp / "store", port, read_only=not writable,
                       union_default_graph=True, stderr=None)
        graphs = manifest.get("graphs", {})
        triples = sum(int(v.get("triples", 0)) for v in graphs.values())
        url = server.query_url
        mode = "read-write" if writable else "read-only"
        print(f"CTKG {manifest.get('version', '?')}: {triples} triples in {len(graphs)} graphs, "
              f"loaded in {loaded:.1f} s; serving {mode}, union default graph")
        print(f"SPARQL query endpoint: {url}")
        if writable:
            print(f"SPARQL update endpoint: {server.update_url}")
            print(f"Graph Store endpoint: {server.store_url}")
        print("Try:")
        print(f"  curl -s {url} -H 'Accept: text/csv' --data-urlencode "
              "'query=SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'")
        print(f"  ctkg query timeline --endpoint {url}")
        print("Press Ctrl-C to stop.", flush=True)
        while server.process.poll() is None:
            time.sleep(0.2)
        if server.process.returncode in (-signal.SIGINT, -signal.SIGTERM, 130):
            raise KeyboardInterrupt  # Ctrl-C in a terminal reaches the server first
        raise CTKGError.single("oxigraph", None, "the server stopped unexpectedly "
                                                 f"(exit code {server.process.returncode})")
    except KeyboardInterrupt:
        print("stopping the server", file=sys.stderr)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
