"""The benchmark scripts still start: their imports follow the package as it moves.

They print figures and are run by hand (benchmarks/RESULTS.md), so nothing else would notice
when a refactoring moves a name they import; ``--help`` loads every import at the top of a
script and stops before any work.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.paths import ROOT

SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_script_starts(script: str) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--help"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "usage:" in proc.stdout
