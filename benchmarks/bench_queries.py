#!/usr/bin/env python3
"""Time every bundled query on the embedded store: load once, run each N times.

Not a test: it prints figures to compare before and after a change of the queries, the
build or pyoxigraph. Network queries are skipped. Usage::

    python benchmarks/bench_queries.py [--runs N] [--root DIR] [--trig FILE]
        [--param NAME=VALUE ...]

``--trig`` times against another dataset (e.g. tests/fixtures/mini.trig) instead of the build.
``--param`` overrides a query's example value for every query that declares NAME (e.g.
``entity=ctkgid:person/synth-person-0`` on a synthetic corpus, where the examples' people
do not occur). It also prints what ``ctkg query`` spends opening the build: loading it into
memory, building the persistent store (first command after a build) and reopening it.

With ``--store disk`` it also times the ``ctkg query`` path (:func:`run_named`, TSV output)
with the kept listings of :mod:`ctkg.sparql.listing_cache`, emptied first: the first ask
(the whole listing evaluated and written), then the median of ``--cache-runs`` asks of the
first page and of a deep page (``--deep-offset``, where the listing has that many rows),
read from the kept listing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.sparql.listing_cache import results_folder
from ctkg.sparql.params import parse_term
from ctkg.sparql.query import load_store, run_named, run_query
from ctkg.sparql.queryfile import bundled_queries, read_query
from ctkg.sparql.safety import inject_values
from ctkg.sparql.store_cache import cache_folder, cached_store


def _store_reuse(root: Path) -> None:
    """What ``ctkg query`` spends opening the build: the persistent store built, reopened."""
    shutil.rmtree(cache_folder(root), ignore_errors=True)
    t0 = time.perf_counter()
    built = cached_store(root)
    t1 = time.perf_counter()
    reopened = cached_store(root)
    t2 = time.perf_counter()
    if built is None or reopened is None:
        print("persistent store: none (the build has no manifest digest of ctkg.nq)")
        return
    print(f"persistent store: built in {(t1 - t0) * 1000:.1f} ms, reopened in "
          f"{(t2 - t1) * 1000:.1f} ms")


def _ms(ask: list[str], root: Path, name: str, runs: int, timeout: float) -> tuple[float, int]:
    """Median ms of ``runs`` asks of ``ctkg query NAME`` (TSV) and the rows of the last."""
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        out = run_named(root, name, ask, fmt="tsv", timeout=timeout)
        times.append((time.perf_counter() - t0) * 1000)
        rows = out.count("\n") - 1
    return statistics.median(times), rows


def _listing_asks(root: Path, name: str, given: dict[str, str], args: argparse.Namespace
                  ) -> str:
    """The ``ctkg query`` path with the kept listing: first ask, page 1, a deep page."""
    ask = [f"{k}={v}" for k, v in given.items()]
    try:
        first, _rows = _ms(ask, root, name, 1, args.timeout)
        page, _rows = _ms(ask, root, name, args.cache_runs, args.timeout)
        deep, rows = _ms([*ask, f"offset={args.deep_offset}"], root, name, args.cache_runs,
                         args.timeout)
    except CTKGError as exc:
        return f" | ctkg query failed: {str(exc).splitlines()[0]}"
    deep_text = f"{deep:>10.2f}" if rows else f"{'-':>10}"
    return f" {first:>11.1f} {page:>8.2f} {deep_text}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--trig", type=Path, help="a TriG file to load instead of the build")
    parser.add_argument("--store", choices=["memory", "disk"], default="memory",
                        help="query the build loaded in memory or the persistent store")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="abandon a query after this many seconds (default 30)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="time only this query (repeatable)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for every query declaring NAME (repeatable)")
    parser.add_argument("--cache-runs", type=int, default=20,
                        help="asks of each page read from a kept listing (--store disk)")
    parser.add_argument("--deep-offset", type=int, default=5000,
                        help="offset of the deep page read from a kept listing")
    args = parser.parse_args()
    listings = args.store == "disk" and not args.trig
    overrides = dict(p.split("=", 1) for p in args.param)

    if not args.trig:
        _store_reuse(args.root)
    started = time.perf_counter()
    try:
        if args.trig:
            store = ox.Store()
            store.bulk_load(path=str(args.trig), format=ox.RdfFormat.TRIG)
        else:
            store = load_store(args.root, reuse=args.store == "disk")
    except CTKGError as exc:
        print(exc, file=sys.stderr)
        return 1
    load_ms = (time.perf_counter() - started) * 1000
    print(f"load ({'TriG' if args.trig else args.store}): {load_ms:.1f} ms, {len(store)} quads")
    print("total = ctkg.sparql.query.run_query (safety checks included); "
          "engine = Store.query alone (parameters as a VALUES block)")
    if listings:
        shutil.rmtree(results_folder(args.root), ignore_errors=True)
        print("ctkg query (kept listings, TSV): first = first ask (whole listing evaluated "
              f"and written); page 1, offset {args.deep_offset} = median of "
              f"{args.cache_runs} asks read from it ('-': fewer rows)")
    print(f"{'query':<30} {'rows':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8} "
          f"{'engine median':>14}"
          + (f" {'first ms':>11} {'page 1':>8} {'deep page':>10}" if listings else ""))
    for name, path, _title in bundled_queries(args.root):
        if args.only and name not in args.only:
            continue
        info = read_query(path, name)
        if info.network:
            print(f"{name:<30} skipped (needs the network)")
            continue
        given = {**info.examples, **{k: v for k, v in overrides.items() if k in info.params}}
        params = {k: parse_term(v, info.params[k].kind) for k, v in given.items()}
        engine_text = inject_values(info.text, {k: str(t) for k, t in params.items()})
        times, engine, rows = [], [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            try:
                _variables, result = run_query(info.text, store=store, params=params,
                                               timeout=args.timeout)
            except CTKGError as exc:  # a timeout: say so and go on with the next query
                print(f"{name:<30} failed: {str(exc).splitlines()[0]}")
                break
            times.append((time.perf_counter() - t0) * 1000)
            rows = len(result)
            t0 = time.perf_counter()
            list(store.query(engine_text, use_default_graph_as_union=True))
            engine.append((time.perf_counter() - t0) * 1000)
        if len(times) < args.runs:
            continue
        print(f"{name:<30} {rows:>5} {statistics.median(times):>10.2f} {min(times):>8.2f} "
              f"{max(times):>8.2f} {statistics.median(engine):>14.2f}"
              + (_listing_asks(args.root, name, given, args) if listings else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
