"""Start and stop a real Oxigraph SPARQL server (the PyPI ``oxigraph`` CLI) on loopback.

Used by ``ctkg serve`` and by the tests, which must talk to a real server rather than a mock.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ctkg.errors import CTKGError
from ctkg.http import EndpointError, HttpClient, RetryPolicy


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: next to this interpreter first, then on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise CTKGError.single(
            "oxigraph", None,
            "the Oxigraph server is not installed: pip install -e '.[server]' "
            "(or 'oxigraph>=0.5.13')",
        )
    return found


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` process with its endpoint URLs."""

    process: subprocess.Popen[bytes]
    port: int
    location: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"

    def stop(self) -> None:
        """Terminate the server and wait for it, killing it if it does not stop."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(location: Path, port: int | None = None, *, read_only: bool = False,
          union_default_graph: bool = False, timeout: float = 20.0,
          query_timeout: int | None = None,
          stderr: int | IO[bytes] | None = subprocess.PIPE) -> OxigraphServer:
    """Start ``oxigraph serve`` on 127.0.0.1 and wait until it answers a query.

    ``query_timeout``: seconds after which the server cancels a query (``--timeout-s``; None:
    never). ``stderr``: where the server's messages go; the default pipe is only read if the
    server fails to start, so long-running servers should pass ``None`` (inherit) instead."""
    port = port or free_port()
    location.mkdir(parents=True, exist_ok=True)
    cmd = [oxigraph_binary(), "serve-read-only" if read_only else "serve",
           "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    if query_timeout is not None:
        cmd += ["--timeout-s", str(query_timeout)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
    server = OxigraphServer(proc, port, location)
    deadline = time.monotonic() + timeout
    probe = f"{server.query_url}?query=ASK%7B%7D"
    http = HttpClient(timeout=1.0, policy=RetryPolicy(retries=0))  # this loop is the retry
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                err = (proc.stderr.read().decode("utf-8", "replace").strip()
                       if proc.stderr else "see its messages above")
                raise CTKGError.single("oxigraph", None,
                                       f"server exited at start: {err[-300:]}")
            try:
                http.request("GET", probe)
                return server
            except EndpointError:
                time.sleep(0.1)
    except BaseException:  # e.g. Ctrl-C while waiting: never leave the server running
        server.stop()
        raise
    server.stop()
    raise CTKGError.single("oxigraph", None, f"server did not answer on port {port} "
                                             f"within {timeout:.0f} s")
