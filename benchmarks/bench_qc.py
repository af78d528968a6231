#!/usr/bin/env python3
"""Time the QC stage on a build: each QC query as the build runs it, and the whole stage.

Not a test: it prints figures to compare before and after a change of the QC queries or of
:mod:`ctkg.validate.qc_scope`. The build's N-Quads (or a TriG file) are loaded into one
in-memory store, as the build does; then, ``--runs`` times each:

- every query in the form the build uses on a cold cache: a document-scoped one as one
  pass over the union with ``?graph`` projected (:func:`qc_scope._by_graph`), a corpus one
  on the union (:func:`qc.run_query`);
- the whole QC stage as the build runs it on a cold cache (:func:`qc_scope.run_scoped`),
  and, with ``--per-document``, with every document run on its own (a warm cache after
  editing every document: the incremental path's cost per document).

Usage::

    python benchmarks/bench_qc.py --root PROJECT [--runs 3] [--trig FILE] [--only NAME ...]
        [--queries DIR]

``--queries`` times another folder of QC queries (e.g. an older version's, exported with
``git archive``) on the same data, for a before/after comparison on one machine state.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import pyoxigraph as ox  # noqa: E402

from ctkg.rdf.terms import graph_of  # noqa: E402
from ctkg.validate import qc_scope  # noqa: E402
from ctkg.validate.qc import load_queries, run_query  # noqa: E402

SHARED = [graph_of(n).value for n in ("ontology", "registry", "catalogue", "wikidata")]
LOOKUPS = [g for g in SHARED if g != graph_of("catalogue").value]  # as the build passes


def _median(runs: int, job: Callable[[], object]) -> tuple[float, object]:
    """Median wall time of ``runs`` calls (seconds) and the last call's value."""
    times, value = [], None
    for _ in range(runs):
        t = time.perf_counter()
        value = job()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def _load(path: Path) -> ox.Store:
    store = ox.Store()
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    store.bulk_load(path=str(path), format=fmt)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="a built project")
    parser.add_argument("--trig", type=Path, help="a TriG or N-Quads file instead of the build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="time only this query (repeatable); skips the whole stage")
    parser.add_argument("--queries", type=Path, default=REPO / "queries" / "qc",
                        help="the folder of QC queries to time (default: this checkout's)")
    parser.add_argument("--per-document", action="store_true",
                        help="also time the stage with every document run on its own")
    args = parser.parse_args()
    data = args.trig or args.root / "data" / "kg" / "ctkg.nq"
    t = time.perf_counter()
    store = _load(data)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    shared = [g for g in SHARED if g in graphs]
    documents = {g: "" for g in graphs if g not in SHARED}
    print(f"loaded {len(store):,} quads in {len(graphs)} graphs ({len(documents)} documents) "
          f"in {time.perf_counter() - t:.1f} s; median of {args.runs} runs")
    queries = [q for q in load_queries(args.queries)
               if not args.only or q.name in args.only]
    total = 0.0
    for q in queries:
        if q.scope == "document":
            secs, found = _median(args.runs, partial(qc_scope._by_graph, store, q))
            rows = sum(len(r) for r in found.values()) if isinstance(found, dict) else 0
        else:
            secs, found = _median(args.runs, partial(run_query, store, q))
            rows = len(found) if isinstance(found, list) else 0
        total += secs
        print(f"  {q.name:42} {q.scope:8} {secs * 1000:10.1f} ms  {rows} rows")
    print(f"  {'sum of the queries':42} {'':8} {total * 1000:10.1f} ms")
    if args.only:
        return 0
    lookups = [g for g in LOOKUPS if g in shared]
    secs, _ = _median(args.runs, lambda: qc_scope.run_scoped(
        store, queries, documents, shared, None, lookups))
    print(f"whole QC stage (run_scoped, cold cache): {secs:.2f} s")
    if args.per_document:
        batch = qc_scope.BATCH_FROM
        qc_scope.BATCH_FROM = len(documents) + 1
        try:
            secs, _ = _median(args.runs, lambda: qc_scope.run_scoped(
                store, queries, documents, shared, None, lookups))
        finally:
            qc_scope.BATCH_FROM = batch
        print(f"whole QC stage, every document on its own: {secs:.2f} s "
              f"({secs / max(1, len(documents)) * 1000:.1f} ms a document)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
