"""How long the build takes, against the floor of importing its libraries.

Prints the median wall time of N builds (in-process, and as ``python build.py`` in a
subprocess), the median time of ``python -c "import rdflib, pyshacl"``, their ratio (the
target is build <= 2x that floor), and the in-process time per stage (read, compile,
validate, QC, serialize). Builds run on a temporary copy of the project (or of ``--root``),
so the repository's ``data/kg`` is never written.

    .venv/bin/python benchmarks/bench_build.py [-n 5] [--root DIR | --fixture]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ctkg.kg.pipeline import build  # noqa: E402
from ctkg.paths import Layout  # noqa: E402

STAGES = ("read", "compile", "validate", "qc", "serialize")


def copy_project(src: Path, dest: Path, data: Path | None = None) -> Path:
    """ontology/, queries/ and data/ (without data/kg) of ``src``; ``data`` replaces data/."""
    for name in ("ontology", "queries"):
        shutil.copytree(src / name, dest / name)
    shutil.copytree(data or src / "data", dest / "data", ignore=shutil.ignore_patterns("kg"))
    if data is not None:
        for conf in (src / "data" / "corpus").glob("*.conf"):
            shutil.copy(conf, dest / "data" / "corpus" / conf.name)
    return dest


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--root", type=Path, default=REPO, help="project to copy and build")
    parser.add_argument("--fixture", action="store_true",
                        help="build the compiler's test fixture instead of the corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ctkg-bench-") as tmp:
        data = REPO / "tests" / "kg" / "fixtures" / "data" if args.fixture else None
        root = copy_project(args.root.resolve(), Path(tmp) / "proj", data)
        layout = Layout(root)
        stages: dict[str, list[float]] = {s: [] for s in STAGES}
        inproc: list[float] = []
        for _ in range(args.n):
            start = time.perf_counter()
            result = build(layout)
            inproc.append(time.perf_counter() - start)
            for s in STAGES:
                stages[s].append(result.timings.get(s, 0.0))
        py = sys.executable
        sub = [timed([py, str(REPO / "build.py"), "--root", str(root), "--quiet"], root)
               for _ in range(args.n)]
        floor = [timed([py, "-c", "import rdflib, pyshacl"], root) for _ in range(args.n)]
    med = statistics.median
    print(f"corpus: {len(result.documents)} documents, {len(result.quads)} quads; "
          f"median of {args.n} runs")
    print(f"build in-process          {med(inproc):7.3f} s")
    print(f"python build.py           {med(sub):7.3f} s")
    print(f"import rdflib, pyshacl    {med(floor):7.3f} s")
    ratio = med(sub) / med(floor)
    print(f"ratio build / floor       {ratio:7.2f} x  (target <= 2.00: "
          f"{'met' if ratio <= 2 else 'NOT met'})")
    print("in-process stages:")
    for s in STAGES:
        print(f"  {s:<10} {med(stages[s]):7.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
