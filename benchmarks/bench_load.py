"""Load throughput of ``ctkg load`` into a real local Oxigraph server (triples/s, median of runs).

    python benchmarks/bench_load.py                      # data/kg/ctkg.trig
    python benchmarks/bench_load.py --trig big.trig      # e.g. the scale issue's synthetic graph
    python benchmarks/bench_load.py --synthetic 200000   # generate a TriG of that many triples
    python benchmarks/bench_load.py --endpoint http://127.0.0.1:8890/sparql   # a running store

Each run loads into a fresh Oxigraph server (so every run does the same work), or with
``--endpoint`` reloads a store you started (e.g. Virtuoso: every reload replaces the release).
The time excludes reading the TriG, which is printed separately. A TriG without a
manifest.json beside it gets one computed in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from ctkg.paths import find_root
from ctkg.store.load import load_release
from ctkg.store.release import read_release, sha256_file
from ctkg.store.server import start


def synthetic_trig(path: Path, triples: int, per_graph: int = 1000) -> None:
    """Document-like graphs of mentions with selectors and quotes (no blank nodes)."""
    base = "https://w3id.org/ctkg/"
    with path.open("w", encoding="utf-8") as f:
        for d in range(max(1, triples // per_graph)):
            doc = f"{d:03d}_synthetic{d:08x}"
            f.write(f"<{base}graph/{doc}> {{\n")
            for t in range(per_graph // 4):
                m = f"<{base}id/mention/{doc}/T{t}>"
                f.write(f"{m} a <{base}ontology#Mention> .\n"
                        f'{m} <{base}ontology#annotationId> "T{t}" .\n'
                        f"{m} <http://www.w3.org/ns/oa#hasSource> <{base}id/document/{doc}> .\n"
                        f'{m} <http://www.w3.org/ns/oa#exact> "mention {t} of document {d}" .\n')
            f.write("}\n")


def build_folder(trig: Path, tmp: Path) -> Path:
    """A folder ctkg ``load`` accepts: the TriG's own if it has a current manifest."""
    if (trig.parent / "manifest.json").is_file() and trig.name == "ctkg.trig":
        return trig.parent
    folder = tmp / "kg"
    folder.mkdir()
    shutil.copy(trig, folder / "ctkg.trig")
    quads = set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    counts = Counter(q.graph_name.value for q in quads)
    manifest = {"version": "benchmark", "graphs": {g: {"triples": n} for g, n in counts.items()},
                "files": {"ctkg.trig": sha256_file(folder / "ctkg.trig")}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trig", type=Path, default=None,
                        help="TriG to load (default data/kg/ctkg.trig)")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="generate a synthetic TriG of about N triples instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--protocol", choices=["auto", "update", "staged"], default="auto")
    parser.add_argument("--endpoint", default=None,
                        help="query URL of a running store to reload instead of a fresh "
                             "Oxigraph per run")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ctkg-bench-") as tmpname:
        tmp = Path(tmpname)
        if args.synthetic:
            trig = tmp / "synthetic.trig"
            synthetic_trig(trig, args.synthetic)
        else:
            trig = args.trig or find_root() / "data" / "kg" / "ctkg.trig"
        if not trig.is_file():
            print(f"no TriG at {trig.name}: build first or pass --trig/--synthetic",
                  file=sys.stderr)
            return 1
        folder = build_folder(trig, tmp)
        t0 = time.perf_counter()
        release = read_release(folder)
        parse_s = time.perf_counter() - t0
        print(f"{trig.name}: {release.total} triples in {len(release.graphs)} graphs; "
              f"read+checked in {parse_s:.2f} s ({release.total / parse_s:,.0f} triples/s)")
        rates: list[float] = []
        for i in range(args.runs):
            if args.endpoint:
                report = load_release(folder, args.endpoint, protocol=args.protocol)
            else:
                with start(tmp / f"store{i}") as server:
                    report = load_release(folder, server.query_url, protocol=args.protocol)
            rates.append(report.throughput)
            print(f"  run {i + 1}: {report.seconds:.2f} s, {report.throughput:,.0f} triples/s "
                  f"({report.method}, {report.requests} requests)")
        print(f"median load throughput: {statistics.median(rates):,.0f} triples/s "
              f"over {args.runs} runs ({args.protocol})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
