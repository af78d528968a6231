"""How fast the build writes its outputs, and how long one edited document takes.

Prints, as medians of N runs on a project (e.g. ``benchmarks/synth.py --docs 1000``):
the compile and serialize stages in seconds, serialization in quads per second, the peak
resident memory of this process, and (``--incremental``) a cached rebuild after appending
a sentence to one document (the text's end: no annotation offset moves).

    .venv/bin/python benchmarks/bench_serialize.py --root PROJECT [-n 3] [--incremental]

The serialize figures skip validation and QC (they do not touch the outputs): read,
compile, load the store the tables query, then render every file. Since the dumps are
rendered per graph where each graph is compiled (ctkg.kg.pieces), their rendering is in the
compile figure (in one process here) and serialize is the assembly plus the derived files.
Builds run on a temporary copy, so the project's ``data/kg`` is never written.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import pyoxigraph as ox  # noqa: E402

from ctkg.annotations.brief import DocBrief  # noqa: E402
from ctkg.kg import parallel  # noqa: E402
from ctkg.kg import pipeline as p  # noqa: E402
from ctkg.kg.compiled import compile_build  # noqa: E402
from ctkg.kg.outputs import render_files  # noqa: E402
from ctkg.paths import Layout  # noqa: E402


def serialize_once(layout: Layout) -> tuple[float, float, int]:
    """(compile seconds, serialize seconds, quads) of one build without validation/QC."""
    warnings: list[p.Problem] = []
    read = p._read_inputs(layout, warnings)
    start = time.perf_counter()
    compiled = compile_build(read, 1, parallel.Cache(None), False, warnings)
    compile_s = time.perf_counter() - start
    store = ox.Store()
    compiled.load(store)
    start = time.perf_counter()
    render_files(layout, store, compiled.pieces, compiled.ctx,
                 [DocBrief.of(d) for d in read.docs], warnings,
                 [], compiled.stats, store)
    return compile_s, time.perf_counter() - start, len(store)


def incremental(layout: Layout, runs: int, cache: Path) -> list[float]:
    """Seconds of each cached rebuild after appending a sentence to one document."""
    p.build(layout, jobs=2, cache_dir=cache)  # fills the cache
    text = sorted(layout.corpus.glob("*.txt"))[0]
    out = []
    for i in range(runs):
        with text.open("a", encoding="utf-8") as f:
            f.write(f" Edit {i}.")
        start = time.perf_counter()
        p.build(layout, jobs=2, cache_dir=cache)
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="project to copy")
    parser.add_argument("-n", type=int, default=3, help="runs (median)")
    parser.add_argument("--incremental", action="store_true",
                        help="also time cached rebuilds after editing one document")
    args = parser.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory(prefix="ctkg-bench-") as tmp:
        root = Path(tmp) / "proj"
        shutil.copytree(args.root, root, ignore=shutil.ignore_patterns("kg", ".cache"))
        layout = Layout(root)
        runs = [serialize_once(layout) for _ in range(args.n)]
        quads = runs[0][2]
        ser = med(r[1] for r in runs)
        print(f"{quads} quads; median of {args.n} runs")
        print(f"compile        {med(r[0] for r in runs):7.2f} s")
        print(f"serialize      {ser:7.2f} s  ({quads / ser:,.0f} quads/s)")
        print(f"peak RSS       {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f}"
              " MiB")
        if args.incremental:
            times = incremental(layout, args.n, Path(tmp) / "cache")
            print(f"incremental    {med(times):7.2f} s  (runs: "
                  f"{', '.join(f'{t:.2f}' for t in times)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
