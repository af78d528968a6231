"""``python -m ctkg serve`` started as a user starts it, for the tests that need the server
(tests/store, tests/browser): one way to start it and wait for it, bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def start_serve(root: Path, port: int, tmpdir: Path, *extra: str,
                wait: float = 30) -> tuple[subprocess.Popen[str], str]:
    """Run ``ctkg serve`` on ``port`` and wait (at most ``wait`` s) for its endpoint line;
    returns the process and the SPARQL endpoint URL it printed."""
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    proc = subprocess.Popen([sys.executable, "-m", "ctkg", "serve", "--root", str(root),
                             "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=10)
            pytest.fail(f"ctkg serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        if line.startswith("SPARQL query endpoint: "):
            return proc, line.split(": ", 1)[1].strip()
    proc.kill()
    pytest.fail(f"ctkg serve printed no endpoint within {wait:g} s")
