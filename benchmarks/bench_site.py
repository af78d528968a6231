#!/usr/bin/env python3
"""Benchmark of ``ctkg site`` on synthetic corpora (benchmarks/synth.py, seed 1).

For each size it generates the corpus, builds it (in a child process, ``--jobs``), then
writes the site in a fresh child process (``--site-jobs``) and prints its wall time and peak
RSS, pages and bytes, and in another process the time of each step (the pass over the
N-Quads, the records, rendering every page). ``--work DIR`` keeps the built corpora there
and reuses them (the build of 10,000 documents takes hours on a busy 2-core machine; the
site is what is measured); ``--replicate K`` measures on K copies of each built corpus.

    .venv/bin/python benchmarks/bench_site.py --sizes 1000,10000 --jobs 2 --work DIR
    .venv/bin/python benchmarks/bench_site.py --sizes 1000 --replicate 10 --work DIR
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

_CHILD_BUILD = r"""
import sys
from pathlib import Path
from ctkg.kg.pipeline import build
from ctkg.kg.outputs import write_outputs
from ctkg.paths import Layout
root = Path(sys.argv[1])
r = build(Layout(root), jobs=int(sys.argv[2]))
write_outputs(r.files, root / "data" / "kg")
"""

_CHILD_SITE = r"""
import json, resource, sys, time
from pathlib import Path
from ctkg.paths import Layout
from ctkg.site import generate
t = time.perf_counter()
report = generate.write_site(Layout(Path(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3]))
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "pages": report.pages, "files": report.files,
                  "bytes": report.bytes,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

# the same work in steps, in another process (so the figures above are of one clean run)
_CHILD_STEPS = r"""
import json, sys, time
from pathlib import Path
from ctkg.paths import Layout
from ctkg.site import data, generate
from ctkg.site.read import read_quads
layout = Layout(Path(sys.argv[1]))
steps = {}
t = time.perf_counter()
raw = read_quads(layout.kg / "ctkg.nq")
steps["one pass over the N-Quads"] = time.perf_counter() - t
t = time.perf_counter()
g = data.read_graph(layout, raw)
steps["records, indexes + corpus texts"] = time.perf_counter() - t
del raw, g
files = generate.render_site(layout)
t = time.perf_counter()
size = sum(len(files[n]) for n in files if n.endswith(".html"))
steps["render every page (discarded)"] = time.perf_counter() - t
print(json.dumps({"steps": steps}))
"""


def run(cmd: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:4])}\n{proc.stderr[-3000:]}")
    return proc.stdout


def ensure_built(n: int, work: Path, jobs: int) -> Path:
    """A synthetic project of ``n`` documents with its build, made once per ``work``."""
    root = work / f"synth{n}"
    if (root / "data" / "kg" / "ctkg.nq").is_file():
        return root
    run([PY, str(REPO / "benchmarks" / "synth.py"), "--docs", str(n), "--seed", "1",
         "--out", str(root)])
    t = time.perf_counter()
    run([PY, "-c", _CHILD_BUILD, str(root), str(jobs)])
    print(f"  (built {n} documents in {time.perf_counter() - t:.0f} s)", file=sys.stderr)
    return root


_DOC = re.compile(r"\b(\d{5})_synth\b")


def replicate(root: Path, copies: int, out: Path) -> Path:
    """A release of ``copies`` x the documents of ``root``'s build, without building it.

    Every document graph, catalogue entry and corpus text is copied under new document ids
    (``00042_synth`` -> ``01042_synth`` in the second copy); the registry and ontology
    graphs once. The things (people, events, concepts) stay those of the smaller world, so
    each has ``copies`` times the facts and mentions. Only ``ctkg.nq`` and the corpus are
    made: the other dumps are the smaller build's (the downloads are therefore smaller).
    """
    n = len(list((root / "data" / "corpus").glob("*.txt")))
    if (out / "data" / "kg" / "ctkg.nq").is_file():
        return out
    shutil.copytree(root, out, ignore=shutil.ignore_patterns("ctkg.nq", "*.txt", "*.ann"))
    corpus = out / "data" / "corpus"
    for c in range(copies):
        def rename(m: re.Match[str], c: int = c) -> str:
            return f"{c * n + int(m[1]):05d}_synth"
        for txt in sorted((root / "data" / "corpus").glob("*.txt")):
            shutil.copyfile(txt, corpus / (_DOC.sub(rename, txt.stem) + ".txt"))
    with (root / "data" / "kg" / "ctkg.nq").open(encoding="utf-8") as src, \
            (out / "data" / "kg" / "ctkg.nq").open("w", encoding="utf-8") as dst:
        lines = src.readlines()
        for c in range(copies):
            def rename_line(m: re.Match[str], c: int = c) -> str:
                return f"{c * n + int(m[1]):05d}_synth"
            for line in lines:
                if _DOC.search(line):
                    dst.write(_DOC.sub(rename_line, line))
                elif c == 0:
                    dst.write(line)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated document counts")
    parser.add_argument("--jobs", type=int, default=2, help="build processes")
    parser.add_argument("--replicate", type=int, default=1,
                        help="measure on K copies of each size's documents (see replicate())")
    parser.add_argument("--site-jobs", type=int, default=2, help="ctkg site --jobs")
    parser.add_argument("--work", type=Path, help="keep built corpora here (reused)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in (int(s) for s in args.sizes.split(",")):
            root = ensure_built(n, work, args.jobs)
            if args.replicate > 1:
                root = replicate(root, args.replicate, work / f"synth{n}x{args.replicate}")
                n *= args.replicate
            out = Path(tmp) / f"site{n}"
            r = json.loads(run([PY, "-c", _CHILD_SITE, str(root), str(out),
                                str(args.site_jobs)]).splitlines()[-1])
            print(f"## {n} documents" + (f" ({args.replicate} copies)" if args.replicate > 1
                                             else ""))
            print(f"ctkg site --jobs {args.site_jobs}: {r['wall']:.1f} s wall, peak RSS "
                  f"{r['rss_mib']:.0f} MiB (largest worker {r['worker_mib']:.0f} MiB), "
                  f"{r['pages']} pages, {r['files']} files, {r['bytes'] / 2**20:.0f} MiB")
            steps = json.loads(run([PY, "-c", _CHILD_STEPS, str(root)]).splitlines()[-1])
            for step, sec in steps["steps"].items():
                print(f"  {step}: {sec:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
