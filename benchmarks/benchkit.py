"""Helpers of benchmarks/bench.py: the child processes it times, the process-tree memory
sampler, the long-document corpus. Figures come from child processes so that each build
starts cold and its memory is its own.

Run as a script, it measures any command the same way (wall time, and the peak of the
summed RSS of the command and all its descendants):

    python benchmarks/benchkit.py -- ctkg build --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")

# one build in a child: the options the build accepts (inspect.signature), so the benchmark
# runs on main and on branches that add options (shacl_engine) or change BuildResult.files
CHILD_BUILD = r"""
import inspect, json, resource, sys, time
from contextlib import ExitStack
from pathlib import Path
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
opts = json.loads(sys.argv[1])
root = Path(opts["root"])
kwargs = {"jobs": opts["jobs"], "cache_dir": Path(opts["cache"]) if opts["cache"] else None}
accepted = inspect.signature(build).parameters
for name in ("shacl_engine",):
    if opts.get(name) and name in accepted:
        kwargs[name] = opts[name]
with ExitStack() as stack:
    if opts.get("scheduler"):
        from ctkg.kg.distributed import cluster
        kwargs["executor"] = stack.enter_context(cluster(opts["scheduler"]))
    t = time.perf_counter()
    r = build(Layout(root), **kwargs)
    wall = time.perf_counter() - t
files = getattr(r, "files", None)
from collections.abc import Mapping
if isinstance(files, Mapping):  # a dict, or ctkg.kg.files.Files (the dumps as chunks)
    from ctkg.kg.outputs import write_outputs
    write_outputs(files, root / "data" / "kg")
quads = getattr(r, "quad_count", None)
print(json.dumps({"wall": wall, "quads": quads if quads is not None else len(r.quads),
                  "timings": r.timings, "rss": getattr(r, "peak_rss", {}),
                  "options": sorted(k for k in kwargs if k != "executor"),
                  "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

# the library floor of our I/O: pyoxigraph parses our TriG and writes TriG and N-Quads
CHILD_OX = r"""
import json, sys, time
import pyoxigraph as ox
t = time.perf_counter()
quads = list(ox.parse(path=sys.argv[1], format=ox.RdfFormat.TRIG))
parse = time.perf_counter() - t
t = time.perf_counter()
ox.serialize(quads, format=ox.RdfFormat.TRIG)
trig = time.perf_counter() - t
t = time.perf_counter()
ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
nq = time.perf_counter() - t
print(json.dumps({"parse": parse, "trig": trig, "nquads": nq, "quads": len(quads)}))
"""

# a SHACL engine on the union of the build (data + ontology as one graph), our shapes
CHILD_SHACL = r"""
import json, sys, time, tempfile, os
import pyoxigraph as ox
engine, trig, shapes = sys.argv[1:4]
t0 = time.perf_counter()
triples = {q.triple for q in ox.parse(path=trig, format=ox.RdfFormat.TRIG)}
nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
if engine == "rust":
    try:
        import shacl
    except ImportError:
        print(json.dumps({"missing": True})); sys.exit(0)
    fd, path = tempfile.mkstemp(suffix=".nt"); os.write(fd, nt); os.close(fd)
    compiled = shacl.Shapes.from_file(shapes)
    t = time.perf_counter()
    report = compiled.validate_file(path, inference="none")
    took = time.perf_counter() - t
    os.unlink(path)
    print(json.dumps({"load": t - t0, "validate": took, "conforms": bool(report.conforms),
                      "version": shacl.__version__, "triples": len(triples)}))
    sys.exit(0)
if engine == "turbo":
    try:
        from pyshacl_turbo import validate
    except ImportError:
        print(json.dumps({"missing": True})); sys.exit(0)
else:
    from pyshacl import validate
from rdflib import Graph
g = Graph(); g.parse(data=nt, format="nt")
s = Graph(); s.parse(shapes, format="turtle")
t = time.perf_counter()
conforms, _r, _t = validate(g, shacl_graph=s, inference="none", advanced=True)
print(json.dumps({"load": t - t0, "validate": time.perf_counter() - t, "conforms": conforms,
                  "triples": len(triples)}))
"""


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler:
    """The largest sum of the RSS of a process and all its descendants, sampled from /proc
    every ``interval`` seconds while it runs (a peak between samples can be missed)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak, self.samples = pid, interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_rss(p) for p in _tree(self.pid))
            self.peak = max(self.peak, total)
            self.samples += 1
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_json(cmd: list[str], timeout: float | None = None) -> dict | None:
    """A child's last stdout line as JSON, with the peak RSS of its process tree (``tree``,
    bytes) and its wall time (``outer``); None on timeout; exits on failure."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    sampler = TreeSampler(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the child and its workers: its own session
        proc.communicate()
        sampler.stop()
        return None
    peak = sampler.stop()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:3])}...\n{err[-3000:]}")
    data: dict = json.loads(out.strip().splitlines()[-1])
    data.update(tree=peak, outer=time.perf_counter() - t)
    return data


def synth(n: int, root: Path) -> None:
    subprocess.run([PY, str(REPO / "benchmarks" / "synth.py"), "--docs", str(n), "--seed", "1",
                    "--out", str(root)], check=True, capture_output=True)


def add_mentions(root: Path, count: int) -> None:
    """Append ``count`` valid mentions to the first document: the sentence "NAME was
    present." each, NAME a Person mention normalized like the document's first person."""
    ann = sorted((root / "data" / "corpus").glob("*.ann"))[0]
    txt = ann.with_suffix(".txt")
    lines = ann.read_text(encoding="utf-8").splitlines()
    person = next(ln for ln in lines if re.match(r"T\d+\tPerson ", ln))
    pid, name = person.split("\t")[0], person.split("\t")[2]
    norm = next(ln.split("\t")[1].split()[2] for ln in lines
                if ln.startswith("N") and ln.split("\t")[1].split()[1] == pid)
    text = txt.read_text(encoding="utf-8")
    t_next = 1 + max(int(ln.split("\t")[0][1:]) for ln in lines if ln.startswith("T"))
    n_next = 1 + max(int(ln.split("\t")[0][1:]) for ln in lines if ln.startswith("N"))
    for i in range(count):
        start = len(text)
        text += f"{name} was present.\n"
        lines.append(f"T{t_next + i}\tPerson {start} {start + len(name)}\t{name}")
        lines.append(f"N{n_next + i}\tReference T{t_next + i} {norm}\t{name}")
    txt.write_text(text, encoding="utf-8")
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_one(root: Path) -> None:
    """Append a sentence to the last document's text (offsets before it stay right)."""
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[-1]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="wall time and peak process-tree memory "
                                                 "of a command")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    t = time.perf_counter()
    proc = subprocess.Popen(command)
    sampler = TreeSampler(proc.pid)
    code = proc.wait()
    peak = sampler.stop()
    print(f"exit {code}; wall {time.perf_counter() - t:.2f} s; peak memory of the process "
          f"tree {peak / 2**20:,.0f} MiB ({sampler.samples} samples)", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
