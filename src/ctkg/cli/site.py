"""Command-line adapter of the site stage: ``ctkg site``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("site", run_site,
                     "write the static site (a page per thing, with its evidence) from the build")
    p.add_argument("--out", type=Path, default=None,
                   help="folder to write (default: site/ in the project root); replaced whole")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes rendering pages (default: 2 where there are 2 cores; "
                        "the output is the same)")


def run_site(args: argparse.Namespace) -> int:
    """Write the site atomically and say where."""
    from ctkg.site.generate import write_site

    report = write_site(layout_of(args), args.out, jobs=max(1, args.jobs))
    print(f"wrote {report.pages} pages ({report.files} files, {report.bytes / 1e6:.1f} MB) "
          f"to {report.out} in {report.seconds:.1f} s")
    return 0
