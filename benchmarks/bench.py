#!/usr/bin/env python3
"""Scale benchmark: the build on synthetic corpora of 10 to 10,000 documents.

For each size (``--sizes``) it generates a corpus with benchmarks/synth.py (seed 1), builds
it in a child process (``--jobs``) and prints the wall time and peak RSS of the build and of
each stage, triples per second, the median time of every bundled non-network query on the
embedded store, the growth ratio to the previous size, an incremental rebuild after editing
one document (``--cache``), and the library floor on the same output: pyoxigraph parse +
serialize of the TriG, pySHACL alone on the same data and shapes, and (if importable by
``--turbo-python``) the Rust engine pyshacl-turbo (``pip install .[bench]`` in a separate
environment; never a runtime dependency). Peak RSS is ``ru_maxrss`` of the build process
plus that of its largest worker (an upper bound of the tree's peak). Writes into the repo
only with ``--results``.

    .venv/bin/python benchmarks/bench.py --sizes 10,100,1000,10000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ctkg.sparql.params import parse_term  # noqa: E402
from ctkg.sparql.query import run_query  # noqa: E402
from ctkg.sparql.queryfile import bundled_queries, read_query  # noqa: E402

PY = sys.executable
STAGES = ("read", "compile", "validate", "qc", "serialize")  # read includes the checks

_CHILD_BUILD = r"""
import json, resource, sys, time
from pathlib import Path
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
root, jobs, cache = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
r = build(Layout(root), jobs=jobs, cache_dir=Path(cache) if cache != "-" else None)
wall = time.perf_counter() - t
from ctkg.kg.outputs import write_outputs
write_outputs(r.files, root / "data" / "kg")
print(json.dumps({"wall": wall, "quads": len(r.quads), "timings": r.timings,
                  "rss": r.peak_rss,
                  "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

_CHILD_FLOOR = r"""
import json, sys, time
import pyoxigraph as ox
trig = sys.argv[1]
t = time.perf_counter()
quads = list(ox.parse(path=trig, format=ox.RdfFormat.TRIG))
parse = time.perf_counter() - t
t = time.perf_counter()
ox.serialize(quads, format=ox.RdfFormat.TRIG)
ser = time.perf_counter() - t
print(json.dumps({"parse": parse, "serialize": ser, "quads": len(quads)}))
"""

_CHILD_SHACL = r"""
import json, sys, time
import pyoxigraph as ox
engine, trig, shapes = sys.argv[1:4]
t0 = time.perf_counter()
nt = ox.serialize([ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(path=trig, format=ox.RdfFormat.TRIG)],
                  format=ox.RdfFormat.N_TRIPLES)
if engine == "turbo":
    from pyshacl_turbo import validate
else:
    from pyshacl import validate
from rdflib import Graph
g = Graph(); g.parse(data=nt, format="nt")
s = Graph(); s.parse(shapes, format="turtle")
t = time.perf_counter()
conforms, _r, _t = validate(g, shacl_graph=s, inference="none", advanced=True)
print(json.dumps({"load": t - t0, "validate": time.perf_counter() - t, "conforms": conforms}))
"""


def run_json(cmd: list[str], timeout: float | None = None) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              check=False)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:3])}...\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def query_medians(trig: Path, runs: int) -> dict[str, float]:
    """Median ms of every bundled non-network query (ctkg.sparql.query.run_query) on the build."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    out: dict[str, float] = {}
    for name, path, _title in bundled_queries(REPO):
        info = read_query(path, name)
        if info.network:
            continue
        params = {k: parse_term(v, info.params[k].kind) for k, v in info.examples.items()}
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            run_query(info.text, store=store, params=params)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(times)
    return out


def edit_one(root: Path) -> None:
    """Append a sentence to the last document's text (offsets before it stay right)."""
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[-1]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")


def bench_size(n: int, args: argparse.Namespace, tmp: Path) -> dict:
    root = tmp / f"synth{n}"
    subprocess.run([PY, str(REPO / "benchmarks" / "synth.py"), "--docs", str(n), "--seed", "1",
                    "--out", str(root)], check=True, capture_output=True)
    cache = tmp / f"cache{n}"
    t = time.perf_counter()
    full = run_json([PY, "-c", _CHILD_BUILD, str(root), str(args.jobs), str(cache)])
    assert full is not None
    full["outer_wall"] = time.perf_counter() - t
    rows = {"n": n, "full": full}
    edit_one(root)
    rows["incremental"] = run_json([PY, "-c", _CHILD_BUILD, str(root), str(args.jobs),
                                    str(cache)])
    trig = root / "data" / "kg" / "ctkg.trig"
    rows["floor_ox"] = run_json([PY, "-c", _CHILD_FLOOR, str(trig)])
    shapes = str(root / "ontology" / "shapes.ttl")
    if n <= args.shacl_max:
        rows["pyshacl"] = run_json([PY, "-c", _CHILD_SHACL, "pyshacl", str(trig), shapes],
                                   args.shacl_timeout)
        if args.turbo_python:
            rows["turbo"] = run_json([args.turbo_python, "-c", _CHILD_SHACL, "turbo",
                                      str(trig), shapes], args.shacl_timeout)
    print(json.dumps(rows), file=sys.stderr, flush=True)  # the raw figures, before queries
    rows["queries"] = query_medians(trig, args.query_runs)
    return rows


def fmt_size(r: dict) -> list[str]:
    f = r["full"]
    mb = lambda kb: kb / 1024  # noqa: E731 - ru_maxrss is in KiB on Linux
    lines = [f"## {r['n']} documents: {f['quads']} quads", "",
             "| stage | wall s | peak RSS after, MiB |", "|---|---:|---:|"]
    for s in STAGES:
        lines.append(f"| {s} | {f['timings'].get(s, 0):.2f} | {mb(f['rss'].get(s, 0)):.0f} |")
    tree = mb(f["self_kb"] + f["children_kb"])
    lines += [f"| **full build** | **{f['wall']:.2f}** | **{tree:.0f}** (main "
              f"{mb(f['self_kb']):.0f} + largest worker {mb(f['children_kb']):.0f}) |", ""]
    inc = r.get("incremental")
    lines.append(f"- triples/s (whole build): {f['quads'] / f['wall']:,.0f}; serialization: "
                 f"{f['quads'] / max(f['timings']['serialize'], 1e-9):,.0f} quads/s")
    if inc:
        lines.append(f"- incremental rebuild after editing one document: {inc['wall']:.2f} s "
                     f"(stages: " + ", ".join(f"{s} {inc['timings'].get(s, 0):.2f}"
                                             for s in STAGES) + ")")
    ox_ = r["floor_ox"]
    floor_s = ox_["parse"] + ox_["serialize"]
    lines.append(f"- floor, pyoxigraph TriG parse + serialize: {floor_s:.2f} s "
                 f"(our serialize stage / this: {f['timings']['serialize'] / floor_s:.1f}x)")
    for key, name in (("pyshacl", "pySHACL alone"), ("turbo", "pyshacl-turbo (Rust)")):
        if key in r:
            v = r[key]
            if v is None:
                lines.append(f"- {name} on the same data and shapes: > timeout")
            else:
                lines.append(f"- {name} on the same data and shapes: validate "
                             f"{v['validate']:.2f} s (+ load {v['load']:.2f} s); our validate "
                             f"stage / it: {f['timings']['validate'] / v['validate']:.2f}x")
    q = r["queries"]
    if q:
        worst = max(q, key=q.get)
        lines.append(f"- bundled queries ({len(q)}), median ms: " + ", ".join(
            f"{k} {v:.1f}" for k, v in sorted(q.items())) + f"; slowest {worst} {q[worst]:.1f}")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--query-runs", type=int, default=5)
    parser.add_argument("--shacl-max", type=int, default=1000,
                        help="run the pySHACL-alone floor up to this size")
    parser.add_argument("--shacl-timeout", type=float, default=900)
    parser.add_argument("--turbo-python", default=None,
                        help="a Python with pyshacl-turbo installed (the .[bench] extra)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpora here")
    parser.add_argument("--results", type=Path, default=None, help="append markdown here")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="ctkg-scale-"))
    out: list[str] = [f"jobs {args.jobs}; {os.cpu_count()} cores; seed 1", ""]
    floor = [time.perf_counter()]
    subprocess.run([PY, "-c", "import rdflib, pyshacl"], check=True)
    floor_s = time.perf_counter() - floor[0]
    out.append(f"`python -c 'import rdflib, pyshacl'`: {floor_s:.2f} s")
    prev: dict | None = None
    try:
        for n in sizes:
            r = bench_size(n, args, tmp)
            lines = fmt_size(r)
            if prev is not None:
                ratio = r["full"]["wall"] / prev["full"]["wall"]
                lines.append(f"- growth {prev['n']} -> {n} documents "
                             f"({n / prev['n']:.0f}x): {ratio:.1f}x time")
            lines.append(f"- build / import floor: {r['full']['outer_wall'] / floor_s:.1f}x")
            print("\n".join(lines), flush=True)
            out += lines
            prev = r
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.results:
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(out) + "\n")
    _ = resource  # ru_maxrss is read in the children
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
