"""How fast ``ctkg serve`` answers a person's page: the HTML page, its Turtle by content
negotiation, and the query page running a bundled query (median and spread of N requests).

    python benchmarks/bench_serve.py                 # the project's build, 200 requests each
    python benchmarks/bench_serve.py --requests 50 --path /id/event/hlc-2018

The server is started once (``ctkg serve`` on a free loopback port, its site in a temporary
folder); the first request of each kind is a warm-up and is not counted. Target (issue 14):
an entity page in under 100 ms.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from ctkg.paths import find_root
from ctkg.store.server import free_port


def timed(session: requests.Session, url: str, accept: str, n: int) -> list[float]:
    session.get(url, headers={"Accept": accept}, timeout=60).raise_for_status()  # warm-up
    times = []
    for _ in range(n):
        start = time.perf_counter()
        resp = session.get(url, headers={"Accept": accept}, timeout=60)
        resp.raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--path", default="/id/person/vladimir-voronkov")
    args = parser.parse_args()
    root = find_root(Path.cwd())
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ctkg-bench-serve-") as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "ctkg", "serve", "--root", str(root),
                                 "--port", str(port), "--site", str(Path(tmp) / "site")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SPARQL query endpoint: "):
                break
        base = f"http://127.0.0.1:{port}"
        try:
            session = requests.Session()
            cases = [("HTML page", base + args.path, "text/html", args.requests),
                     ("Turtle by Accept", base + args.path, "text/turtle", args.requests),
                     ("query page: timeline", base + "/sparql?name=timeline", "text/html",
                      max(5, args.requests // 10))]
            for label, url, accept, n in cases:
                ms = timed(session, url, accept, n)
                q = statistics.quantiles(ms, n=20)
                print(f"{label:24} {args.path if 'sparql' not in url else '':32} n={n:4} "
                      f"median {statistics.median(ms):7.1f} ms  p5 {q[0]:6.1f}  "
                      f"p95 {q[-1]:6.1f}  max {max(ms):6.1f}")
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
