"""How long each derived output of the build takes: the dumps, the tables, void.ttl, the
report and the manifest, as medians of N renders of the same quads.

    .venv/bin/python benchmarks/bench_outputs.py --root PROJECT [-n 3] [--out DIR]

Reads and compiles the project once (no validation or QC: they do not touch the outputs),
loads the store the tables query, then runs ``render_files`` N times with every function
it calls from the other ``ctkg.kg`` modules timed (wrapped in place, so the figures are
the ones of the real build path, whatever its functions are called). ``--out DIR`` writes
the rendered files there, to compare two versions byte for byte (``cmp``, ``sha256sum``).
The project's ``data/kg`` is never written.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import pyoxigraph as ox  # noqa: E402

from ctkg.annotations.brief import DocBrief  # noqa: E402
from ctkg.kg import outputs, parallel  # noqa: E402
from ctkg.kg import pipeline as p  # noqa: E402
from ctkg.kg.compiled import compile_build  # noqa: E402
from ctkg.paths import Layout  # noqa: E402

Seconds = dict[str, list[float]]


def _timed(name: str, fn: Callable[..., Any], seconds: Seconds) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[name].append(time.perf_counter() - start)
            seconds[name + " (cpu)"].append(time.process_time() - cpu)
    return wrapper


def instrument(seconds: Seconds) -> None:
    """Time every function ``render_files`` calls from another ``ctkg.kg`` module."""
    for name, value in list(vars(outputs).items()):
        module = getattr(value, "__module__", "") or ""
        if (callable(value) and not isinstance(value, type)
                and module.startswith("ctkg.kg.") and module != "ctkg.kg.outputs"):
            setattr(outputs, name, _timed(name, value, seconds))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="project (read only)")
    parser.add_argument("-n", type=int, default=3, help="renders (median)")
    parser.add_argument("--out", type=Path, help="write the rendered files here")
    args = parser.parse_args()
    layout = Layout(args.root)
    warnings: list[p.Problem] = []
    read = p._read_inputs(layout, warnings)
    compiled = compile_build(read, 1, parallel.Cache(None), False, warnings)
    store = ox.Store()
    compiled.load(store)
    seconds: Seconds = defaultdict(list)
    instrument(seconds)
    totals: list[float] = []
    cpus: list[float] = []
    per_render: Seconds = defaultdict(list)  # name -> its seconds in each render
    files: dict[str, bytes] = {}
    for _ in range(args.n):
        seconds.clear()
        start, cpu = time.perf_counter(), time.process_time()
        files = outputs.render_files(layout, store, compiled.pieces, compiled.ctx,
                                     [DocBrief.of(d) for d in read.docs], warnings, [],
                                     compiled.stats, store)
        totals.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        for name, times in seconds.items():
            per_render[name].append(sum(times))
    med = statistics.median
    print(f"{len(store)} quads, {len(read.docs)} documents; median of {args.n} "
          "renders, seconds of wall clock and of this process's CPU")
    print(f"  {'function':24} {'wall':>7} {'cpu':>7}")
    for name, times in sorted(per_render.items(), key=lambda kv: -med(kv[1])):
        if not name.endswith(" (cpu)"):
            print(f"  {name:24} {med(times):7.3f} {med(per_render[name + ' (cpu)']):7.3f}")
    print(f"  {'render_files (total)':24} {med(totals):7.3f} {med(cpus):7.3f}")
    if args.out:
        for name, data in files.items():
            path = args.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        print(f"{len(files)} files written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
