#!/usr/bin/env python3
"""The build's validate stage with each SHACL engine, and its growth with documents and with
the mentions of one document.

Per size (synthetic corpora of 100 and 1,000 documents; one document of a 10-document
corpus given 1,000, 2,000 and 4,000 extra valid Person mentions) it prints the median time
of the validate stage (its units made as the engine goes) with the Rust engine and with
pySHACL, their ratio, and the growth ratio from the previous size of the same series.
Each measurement runs the build's own read, compile and validate steps in a child process
(jobs=1, no cache) and times the stage in CPU seconds by default (``--clock wall`` for
wall time); pySHACL is given up after ``--timeout`` seconds of wall time ("timeout"), and a
pySHACL size slower than 30 s is run once.

    .venv/bin/python benchmarks/bench_validate.py [-n 3] [--docs 100 1000]
        [--mentions 1000 2000 4000] [--timeout 120]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ctkg.synth import generate  # noqa: E402

ENGINES = ("rust", "pyshacl")
CLOCK = ["cpu"]


def add_mentions(root: Path, doc_id: str, n: int) -> None:
    """Append ``n`` valid Person mentions (the document's first person, normalized to the
    same registry entry) to one document of a synthetic project."""
    corpus = root / "data" / "corpus"
    txt, ann = corpus / f"{doc_id}.txt", corpus / f"{doc_id}.ann"
    text, lines = txt.read_text(encoding="utf-8"), ann.read_text(encoding="utf-8").splitlines()
    t_line = next(line for line in lines if line.split("\t")[1].startswith("Person "))
    t_id, name = t_line.split("\t")[0], t_line.split("\t")[2]
    norm = next(line.split("\t")[1].split()[2] for line in lines
                if line.startswith("N") and line.split("\t")[1].split()[1] == t_id)
    t_next = 1 + max(int(line.split("\t")[0][1:]) for line in lines if line.startswith("T"))
    n_next = 1 + max((int(line.split("\t")[0][1:]) for line in lines if line.startswith("N")),
                     default=0)
    for i in range(n):
        text += "\n" if i % 20 == 0 else " "
        start = len(text)
        text += name
        lines.append(f"T{t_next + i}\tPerson {start} {start + len(name)}\t{name}")
        lines.append(f"N{n_next + i}\tReference T{t_next + i} {norm}\t{name}")
    txt.write_text(text + "\n", encoding="utf-8")
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")


def child(root: Path, engine: str, cpu: bool) -> None:
    """One measurement, printed as JSON: the validate stage."""
    from ctkg.errors import Problem
    from ctkg.kg import parallel, pipeline
    from ctkg.kg.compiled import compile_build
    from ctkg.paths import Layout

    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(root), warnings)
    compiled = compile_build(read, 1, parallel.Cache(None), False, warnings)
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    problems = pipeline._validate(read, compiled, 1, parallel.Cache(None), False, engine)
    validate = clock() - start
    errors = [str(p) for p in problems if p.severity == "error"]
    quads = sum(len(q) for q in compiled.by_doc.values()) + len(compiled.shared)
    print(json.dumps({"validate": validate, "errors": errors[:3],
                      "quads": quads}))


def measure(root: Path, engine: str, repeat: int, timeout: float) -> dict[str, object]:
    """Median validate seconds of up to ``repeat`` child runs."""
    runs: list[dict[str, object]] = []
    for _ in range(repeat):
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", str(root), engine,
                                   CLOCK[0]],
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"timeout": True}
        if proc.returncode != 0:
            sys.exit(f"failed ({engine}, {root}):\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if engine == "pyshacl" and float(runs[-1]["validate"]) > 30:  # type: ignore[arg-type]
            break
    if any(r["errors"] for r in runs):
        sys.exit(f"the corpus is not valid ({engine}): {runs[0]['errors']}")
    return {"validate": statistics.median(float(r["validate"]) for r in runs),  # type: ignore[arg-type]
            "quads": runs[0]["quads"], "n": len(runs)}


def _fmt(m: dict[str, object], key: str = "validate") -> str:
    return "timeout" if m.get("timeout") else f"{float(m[key]):.2f} s"  # type: ignore[arg-type]


def report(label: str, series: list[tuple[str, Path]], repeat: int, timeout: float) -> None:
    print(f"\n{label}")
    print(f"{'size':>16} {'quads':>9} {'rust':>9} {'pyshacl':>10} "
          f"{'py/rust':>8} {'rust growth':>12} {'py growth':>10}")
    prev: dict[str, dict[str, object]] = {}
    for size, root in series:
        m = {e: measure(root, e, repeat, timeout) for e in ENGINES}
        rust, py = m["rust"], m["pyshacl"]
        ratio = "-" if py.get("timeout") else \
            f"{float(py['validate']) / float(rust['validate']):.1f}x"  # type: ignore[arg-type]
        growth = {e: "-" if e not in prev or prev[e].get("timeout") or m[e].get("timeout")
                  else f"{float(m[e]['validate']) / float(prev[e]['validate']):.2f}x"  # type: ignore[arg-type]
                  for e in ENGINES}
        runs = "" if py.get("timeout") else f" (pyshacl n={py['n']})"
        print(f"{size:>16} {rust['quads']!s:>9} {_fmt(rust):>9} "
              f"{_fmt(py):>10} {ratio:>8} {growth['rust']:>12} {growth['pyshacl']:>10}{runs}",
              flush=True)
        prev = m


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "cpu")
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--docs", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--mentions", type=int, nargs="*", default=[1000, 2000, 4000])
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="CPU seconds of the (single-process) stage, steadier than wall "
                        "time on a shared machine (default), or wall seconds")
    args = parser.parse_args(argv)
    CLOCK[0] = args.clock
    with tempfile.TemporaryDirectory(prefix="ctkg-bench-validate-") as tmp:
        docs = []
        for n in args.docs:
            generate(n, 1, Path(tmp) / f"docs-{n}", REPO)
            docs.append((f"{n} docs", Path(tmp) / f"docs-{n}"))
        long = []
        for n in args.mentions:
            root = Path(tmp) / f"mentions-{n}"
            generate(10, 1, root, REPO)
            add_mentions(root, "00000_synth", n)
            long.append((f"+{n} mentions", root))
        print(f"validate stage (jobs=1, no cache), {args.clock} seconds, median of {args.n}; "
              f"pySHACL given up after {args.timeout:.0f} s of wall time")
        if docs:
            report("documents", docs, args.n, args.timeout)
        if long:
            report("mentions in one document (10-document corpus)", long, args.n,
                   args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
