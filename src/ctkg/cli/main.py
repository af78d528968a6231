"""The ``ctkg`` command line: one subcommand per job, each implemented in its own module.

Subcommand modules are imported lazily so that ``ctkg --help`` stays fast and a
command only pays for the libraries it uses.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from ctkg import __version__
from ctkg.errors import CTKGError

# subcommand -> (module, function, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("ctkg.build.pipeline", "run", "compile, validate and write the knowledge graph"),
    "validate": ("ctkg.build.pipeline", "run_validate", "run every check of the build, write nothing"),
    "check": ("ctkg.annotations.check", "run", "check the brat annotations against texts, scheme, registry"),
    "anchor": ("ctkg.annotations.anchor", "run", "re-anchor annotation offsets from their quoted text"),
    "stats": ("ctkg.annotations.stats", "run", "mentions, relations and events per document"),
    "conf": ("ctkg.annotations.conf", "run", "regenerate brat's annotation.conf etc. from the ontology"),
    "query": ("ctkg.sparql.query", "run", "run a bundled or given SPARQL query"),
    "load": ("ctkg.store.load", "run", "load the build into a SPARQL 1.1 store, atomically"),
    "serve": ("ctkg.store.serve", "run", "serve the build with a local Oxigraph SPARQL server"),
    "link": ("ctkg.cli.wikidata", "run", "Wikidata links: refresh the offline cache, suggest IDs"),
    "wikidata-norms": ("ctkg.annotations.wikidata_norms", "run",
                       "write the Wikidata normalizations of the annotations from links.toml"),
}


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=None,
                   help="project root (default: found from the working directory)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctkg",
        description="CTKG: the counter-terrorism knowledge graph toolkit.",
    )
    parser.add_argument("--version", action="version", version=f"ctkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, (_mod, _fn, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        _add_common(p)
        configure = _CONFIGURE.get(name)
        if configure:
            configure(p)
    return parser


def _conf_build(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="rebuild in memory and fail if the committed build differs")
    p.add_argument("--out", type=Path, default=None, help="output folder (default data/kg)")
    p.add_argument("--jobs", "-j", type=int, default=1,
                   help="compile and validate documents in N processes")
    p.add_argument("--cache", type=Path, default=None,
                   help="incremental build cache folder (off by default)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")


def _conf_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")


def _conf_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", nargs="?", type=Path, default=None,
                   help="collection folder (default data/corpus)")


def _conf_anchor(p: argparse.ArgumentParser) -> None:
    p.add_argument("ann", nargs="+", type=Path, help=".ann files to re-anchor")
    p.add_argument("--write", action="store_true",
                   help="rewrite the files (default: only report what would change)")


def _conf_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")


def _conf_conf(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="fail if the collection's conf files differ from the ontology's")


def _conf_query(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="bundled query name or a .rq file")
    p.add_argument("--list", action="store_true", help="list the bundled queries")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a query variable (repeatable)")
    p.add_argument("--endpoint", help="a SPARQL 1.1 query endpoint instead of the build")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument("--allow-network", action="store_true",
                   help="allow SERVICE, remote FROM and LOAD")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds (endpoint only)")


def _conf_load(p: argparse.ArgumentParser) -> None:
    p.add_argument("--endpoint", required=True, help="SPARQL query endpoint URL")
    p.add_argument("--graph-store", help="Graph Store Protocol URL (default: derived)")
    p.add_argument("--update", help="SPARQL Update URL (default: derived)")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--retries", type=int, default=3)


def _conf_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--writable", action="store_true", help="allow SPARQL Update")


def _conf_link(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--refresh", action="store_true",
                   help="fetch the offline cache of every linked ID")
    g.add_argument("--suggest", action="store_true",
                   help="print ranked candidate IDs for unlinked entities")
    g.add_argument("--check", action="store_true", help="run the link checks offline")
    p.add_argument("--endpoint", default="https://query.wikidata.org/sparql",
                   help="Wikidata Query Service endpoint")
    p.add_argument("--limit", type=int, default=5, help="candidates per entity")
    p.add_argument("--timeout", type=float, default=60.0)


def _conf_wikidata_norms(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="fail if the annotations' Wikidata lines differ from links.toml")


_CONFIGURE = {
    "wikidata-norms": _conf_wikidata_norms,
    "build": _conf_build,
    "validate": _conf_validate,
    "check": _conf_check,
    "anchor": _conf_anchor,
    "stats": _conf_stats,
    "conf": _conf_conf,
    "query": _conf_query,
    "load": _conf_load,
    "serve": _conf_serve,
    "link": _conf_link,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module_name, fn_name, _ = COMMANDS[args.command]
    if args.root is None:
        from ctkg.paths import find_root

        args.root = find_root()
    try:
        module = importlib.import_module(module_name)
        code = getattr(module, fn_name)(args)
    except CTKGError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
