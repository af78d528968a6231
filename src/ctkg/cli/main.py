"""The ``ctkg`` command line: one subcommand per job, registered by each stage's adapter.

Adapters import their library modules inside the handler, so ``ctkg --help`` stays fast and
a command pays only for the libraries it uses; library modules never see ``argparse``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ctkg import __version__
from ctkg.cli import annotations as annotation_commands
from ctkg.cli import growth, interchange, kg, site, sparql, store, wikidata
from ctkg.cli.common import Commands
from ctkg.errors import CTKGError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctkg", description="CTKG: the counter-terrorism knowledge graph toolkit.")
    parser.add_argument("--version", action="version", version=f"ctkg {__version__}")
    commands = Commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    for stage in (kg, annotation_commands, growth, interchange, sparql, site, store, wikidata):
        stage.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except CTKGError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:  # e.g. an update added a dependency not installed yet
        print(f"ctkg {args.command}: the Python package {exc.name!r} is missing: install "
              "CTKG's dependencies with `pip install -e .` (see README)", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
