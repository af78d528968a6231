"""Command-line adapters of the build: ``ctkg build`` and ``ctkg validate``."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from ctkg.cli.common import Commands, layout_of

if TYPE_CHECKING:
    from ctkg.kg.pipeline import BuildResult


def register(commands: Commands) -> None:
    p = commands.add("build", run_build, "compile, validate and write the knowledge graph")
    p.add_argument("--check", action="store_true",
                   help="rebuild in memory and fail if the committed build differs")
    p.add_argument("--out", type=Path, default=None, help="output folder (default data/kg)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="compile and validate documents in N processes")
    p.add_argument("--cache", type=Path, default=None,
                   help="incremental build cache folder (off by default)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="compile and validate documents on a Dask cluster: tcp://host:port of "
                        "a running `dask scheduler`, or local:N for N local worker processes "
                        "(needs the distributed extra; see docs/scaling.md)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    _engine_option(p)
    p = commands.add("validate", run_validate, "run every check of the build, write nothing")
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    _engine_option(p)


def _engine_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shacl-engine", choices=("rust", "pyshacl"), default="rust",
                   help="SHACL engine: the Rust one (default, fast) or pySHACL (the "
                   "reference); both give the same verdicts")


def _summary(result: BuildResult, seconds: float, verb: str) -> str:
    return (f"{verb}: {len(result.documents)} documents, {result.quad_count} quads in "
            f"{result.graph_count} graphs, 0 violations, {len(result.warnings)} warnings, "
            f"{seconds:.2f} s")


def run_build(args: argparse.Namespace) -> int:
    """Build, then write (or, with ``--check``, compare) the output folder."""
    from ctkg.errors import display_path
    from ctkg.kg.outputs import stale_outputs, write_outputs
    from ctkg.kg.pipeline import build

    start = time.perf_counter()
    layout = layout_of(args)
    out = args.out or layout.kg
    with ExitStack() as stack:
        executor = None
        if args.scheduler:
            from ctkg.kg.distributed import cluster

            executor = stack.enter_context(cluster(args.scheduler))
        result = build(layout, jobs=max(1, args.jobs), cache_dir=args.cache,
                       progress=not args.quiet, shacl_engine=args.shacl_engine,
                       executor=executor)
    if args.check:
        stale = stale_outputs(result.files, out)
        if stale:
            print(f"{display_path(out)} is not current: rebuild with `python build.py`; "
                  f"differs: {', '.join(stale)}", file=sys.stderr)
            return 1
        if not args.quiet:
            seconds = time.perf_counter() - start
            print(_summary(result, seconds, f"{display_path(out)} is current"))
        return 0
    write_outputs(result.files, out)
    if not args.quiet:
        for w in result.warnings:
            print(w, file=sys.stderr)
        print(_summary(result, time.perf_counter() - start, f"built {display_path(out)}"))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Every check of the build; writes nothing."""
    from ctkg.kg.pipeline import build

    start = time.perf_counter()
    result = build(layout_of(args), shacl_engine=args.shacl_engine)
    if not args.quiet:
        for w in result.warnings:
            print(w, file=sys.stderr)
        print(_summary(result, time.perf_counter() - start, "valid"))
    return 0
