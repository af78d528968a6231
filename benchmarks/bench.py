#!/usr/bin/env python3
"""Scale benchmark: the build on synthetic corpora, everything the scale issue asks in one run.

For each size (``--sizes``, default 100, 1,000 and 10,000) it generates a corpus with
benchmarks/synth.py (seed 1), builds it in a child process (``--jobs``, a fresh ``--cache``)
and prints: the wall time and the per-stage split; the peak memory of the whole process tree
(the RSS of the build process and all its descendants, sampled from /proc every 50 ms, the
largest sum), beside ``ru_maxrss`` of the process plus its largest worker; quads per second;
the growth ratio to the previous size; an incremental rebuild after editing one document
(same cache); the median time of every bundled non-network query on the embedded store; and
the floors measured in the same run on the same output with their ratios: pyoxigraph parse
of the TriG + write of TriG and N-Quads, the Rust SHACL engine ``shacl`` (if importable),
pySHACL alone (``--shacl-max``, ``--shacl-timeout``) and pyshacl-turbo (``--turbo-python``).
Then the long-document case: one document with ``--mentions`` added mentions (default
1,000, 2,000, 4,000) and the time ratio per 4x mentions. ``--scheduler local:2`` also times
the build on a Dask cluster (ctkg.kg.distributed) and checks its output is byte-identical.
Writes into the repo only with ``--results``.

    .venv/bin/python benchmarks/bench.py --sizes 100,1000 --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from benchkit import (  # noqa: E402
    CHILD_BUILD,
    CHILD_OX,
    CHILD_SHACL,
    PY,
    add_mentions,
    edit_one,
    run_json,
    synth,
)

from ctkg.sparql.params import parse_term  # noqa: E402
from ctkg.sparql.query import run_query  # noqa: E402
from ctkg.sparql.queryfile import bundled_queries, read_query  # noqa: E402

MIB = 1024 * 1024


def child_build(root: Path, args: argparse.Namespace, cache: Path | None,
                scheduler: str | None = None, timeout: float | None = None) -> dict | None:
    opts = {"root": str(root), "jobs": args.jobs, "cache": str(cache) if cache else "",
            "scheduler": scheduler, "shacl_engine": args.shacl_engine}
    return run_json([PY, "-c", CHILD_BUILD, json.dumps(opts)], timeout)


def outputs_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / "data" / "kg").rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


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


def floors(n: int, root: Path, args: argparse.Namespace) -> dict:
    trig = root / "data" / "kg" / "ctkg.trig"
    shapes = str(root / "ontology" / "shapes.ttl")
    rows: dict = {"ox": run_json([PY, "-c", CHILD_OX, str(trig)])}
    rows["rust"] = run_json([PY, "-c", CHILD_SHACL, "rust", str(trig), shapes],
                            args.shacl_timeout)
    if n <= args.shacl_max:
        rows["pyshacl"] = run_json([PY, "-c", CHILD_SHACL, "pyshacl", str(trig), shapes],
                                   args.shacl_timeout)
    if args.turbo_python:
        rows["turbo"] = run_json([args.turbo_python, "-c", CHILD_SHACL, "turbo", str(trig),
                                  shapes], args.shacl_timeout)
    return rows


def bench_size(n: int, args: argparse.Namespace, tmp: Path) -> dict:
    root = tmp / f"synth{n}"
    synth(n, root)
    cache = tmp / f"cache{n}"
    shutil.rmtree(cache, ignore_errors=True)
    full = child_build(root, args, cache)
    assert full is not None
    rows: dict = {"n": n, "full": full}
    if args.scheduler:
        local = outputs_digest(root)
        rows["distributed"] = child_build(root, args, None, args.scheduler)
        rows["distributed_identical"] = outputs_digest(root) == local
    rows["floors"] = floors(n, root, args)
    rows["queries"] = query_medians(root / "data" / "kg" / "ctkg.trig", args.query_runs)
    edit_one(root)
    rows["incremental"] = child_build(root, args, cache)
    print(json.dumps(rows), file=sys.stderr, flush=True)  # the raw figures
    return rows


def long_document(args: argparse.Namespace, tmp: Path) -> list[dict]:
    """One document (of a one-document corpus) with 1,000, 2,000, 4,000 added mentions."""
    out = []
    for m in (int(x) for x in args.mentions.split(",") if x):
        root = tmp / f"long{m}"
        synth(1, root)
        add_mentions(root, m)
        r = child_build(root, args, None, timeout=args.long_timeout)
        out.append({"mentions": m, "build": r})
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def _stages(b: dict) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in b["timings"].items())


def _shacl_line(name: str, v: dict | None, ours: float, timeout: float) -> str:
    if v is None:
        return f"- {name} on the same data and shapes: > {timeout:.0f} s (timeout)"
    if v.get("missing"):
        return f"- {name}: not installed"
    return (f"- {name} on the same data and shapes ({v['triples']:,} triples): validate "
            f"{v['validate']:.2f} s (+ load {v['load']:.2f} s), conforms {v['conforms']}; "
            f"our validate stage / it: {ours / v['validate']:.2f}x")


def fmt_size(r: dict, args: argparse.Namespace) -> list[str]:
    f = r["full"]
    t = f["timings"]
    lines = [f"## {r['n']:,} documents: {f['quads']:,} quads", "",
             "| stage | wall s | ru_maxrss after (main + largest worker), MiB |",
             "|---|---:|---:|"]
    for stage, secs in t.items():
        lines.append(f"| {stage} | {secs:.2f} | {f['rss'].get(stage, 0) / 1024:.0f} |")
    ru = (f["self_kb"] + f["children_kb"]) / 1024
    lines += [f"| **full build** | **{f['wall']:.2f}** | {ru:.0f} (main "
              f"{f['self_kb'] / 1024:.0f} + largest worker {f['children_kb'] / 1024:.0f}) |",
              "", f"- peak memory of the whole process tree (sampled): "
              f"**{f['tree'] / MIB:,.0f} MiB**; child process wall {f['outer']:.2f} s; "
              f"build options {', '.join(f.get('options', []))}",
              f"- quads/s: whole build {f['quads'] / f['wall']:,.0f}; serialization "
              f"{f['quads'] / max(t.get('serialize', 0), 1e-9):,.0f}"]
    inc = r.get("incremental")
    if inc:
        lines.append(f"- incremental rebuild after editing one document: {inc['wall']:.2f} s "
                     f"(tree peak {inc['tree'] / MIB:,.0f} MiB; {_stages(inc)})")
    d = r.get("distributed")
    if d:
        lines.append(f"- on Dask ({args.scheduler}, no cache): {d['wall']:.2f} s = "
                     f"{d['wall'] / f['wall']:.2f}x the local build; tree peak "
                     f"{d['tree'] / MIB:,.0f} MiB; outputs byte-identical to the local "
                     f"build: {r['distributed_identical']} ({_stages(d)})")
    fl = r["floors"]
    ox_ = fl["ox"]
    io = ox_["parse"] + ox_["trig"] + ox_["nquads"]
    lines.append(f"- floor, pyoxigraph: parse TriG {ox_['parse']:.2f} s, write TriG "
                 f"{ox_['trig']:.2f} s, write N-Quads {ox_['nquads']:.2f} s; our serialize "
                 f"stage / (parse + writes): {t.get('serialize', 0) / io:.1f}x")
    for key, name in (("rust", "`shacl` (Rust)"), ("pyshacl", "pySHACL alone"),
                      ("turbo", "pyshacl-turbo (Rust)")):
        if key in fl:
            lines.append(_shacl_line(name, fl[key], t.get("validate", 0), args.shacl_timeout))
    rust = fl.get("rust")
    if rust and not rust.get("missing"):
        floor = io + rust["validate"]
        lines.append(f"- whole build / floor (pyoxigraph parse + writes + `shacl` validate, "
                     f"{floor:.2f} s): {f['wall'] / floor:.1f}x")
    q = r["queries"]
    if q:
        worst = max(q, key=lambda k: q[k])
        over = sum(v > 100 for v in q.values())
        lines.append(f"- bundled queries ({len(q)}), median ms: " + ", ".join(
            f"{k} {v:.1f}" for k, v in sorted(q.items())) + f"; slowest {worst} "
            f"{q[worst]:.1f}; over 100 ms: {over}")
    return [*lines, ""]


def fmt_long(rows: list[dict], timeout: float) -> list[str]:
    lines = ["## Long document: one document with added mentions", "",
             "| added mentions | build s | validate s | ratio to the previous |",
             "|---:|---:|---:|---:|"]
    prev: dict | None = None
    prev_m = 0
    for row in rows:
        b = row["build"]
        if b is None:
            lines.append(f"| {row['mentions']:,} | > {timeout:.0f} (timeout) | | |")
            prev = None
            continue
        ratio = (f"{b['wall'] / prev['wall']:.2f}x for {row['mentions'] / prev_m:.0f}x "
                 "mentions") if prev else ""
        lines.append(f"| {row['mentions']:,} | {b['wall']:.2f} | "
                     f"{b['timings'].get('validate', 0):.2f} | {ratio} |")
        prev, prev_m = b, row["mentions"]
    ok = [r for r in rows if r["build"] is not None]
    if len(ok) >= 2:
        a, z = ok[0], ok[-1]
        lines.append(f"\n{z['mentions'] / a['mentions']:.0f}x mentions -> "
                     f"{z['build']['wall'] / a['build']['wall']:.2f}x time")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--query-runs", type=int, default=5)
    parser.add_argument("--shacl-max", type=int, default=1000,
                        help="run the pySHACL-alone floor up to this size")
    parser.add_argument("--shacl-timeout", type=float, default=300)
    parser.add_argument("--turbo-python", default=None,
                        help="a Python with pyshacl-turbo installed (the .[bench] extra)")
    parser.add_argument("--shacl-engine", default=None,
                        help="passed to build() if it accepts shacl_engine")
    parser.add_argument("--scheduler", default=None,
                        help="also build on this Dask scheduler (e.g. local:2)")
    parser.add_argument("--mentions", default="1000,2000,4000",
                        help="the long-document case ('' to skip)")
    parser.add_argument("--long-timeout", type=float, default=900)
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpora here")
    parser.add_argument("--results", type=Path, default=None, help="append markdown here")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="ctkg-scale-"))
    t0 = time.perf_counter()
    subprocess.run([PY, "-c", "import rdflib, pyshacl"], check=True)
    import_s = time.perf_counter() - t0
    out = [f"jobs {args.jobs}; {os.cpu_count()} cores; seed 1; load average before: "
           f"{os.getloadavg()[0]:.1f}; `python -c 'import rdflib, pyshacl'`: {import_s:.2f} s",
           ""]
    print(out[0], flush=True)
    prev: dict | None = None
    try:
        for n in sizes:
            r = bench_size(n, args, tmp)
            lines = fmt_size(r, args)
            if prev is not None:
                ratio = r["full"]["wall"] / prev["full"]["wall"]
                lines.append(f"- growth {prev['n']:,} -> {n:,} documents "
                             f"({n / prev['n']:.0f}x): {ratio:.1f}x time, "
                             f"{r['full']['tree'] / prev['full']['tree']:.1f}x tree memory")
                lines.append("")
            print("\n".join(lines), flush=True)
            out += lines
            prev = r
        if args.mentions:
            lines = fmt_long(long_document(args, tmp), args.long_timeout)
            print("\n".join(lines), flush=True)
            out += lines
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.results:
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
