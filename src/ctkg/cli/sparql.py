"""Command-line adapter of the SPARQL stage: ``ctkg query``."""

from __future__ import annotations

import argparse
import sys

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("query", run_query, "run a bundled or given SPARQL query")
    p.add_argument("name", nargs="?", help="bundled query name or a .rq file")
    p.add_argument("--list", action="store_true", help="list the bundled queries")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a query variable (repeatable)")
    p.add_argument("--endpoint", help="a SPARQL 1.1 query endpoint instead of the build")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument("--allow-network", action="store_true",
                   help="allow SERVICE, remote FROM and LOAD")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds the query may take, on the build or the endpoint")
    p.add_argument("--retries", type=int, default=2,
                   help="retries of a transient endpoint failure (endpoint only)")
    p.add_argument("--no-cache", action="store_true",
                   help="evaluate on the build's store, neither reading nor writing the "
                        "kept listings (.ctkg-cache/query-results: a paged query's whole "
                        "ordered listing, up to 100,000 rows, kept by its first ask so "
                        "that later pages are read from it)")


def run_query(args: argparse.Namespace) -> int:
    from ctkg.sparql import query, queryfile

    root = layout_of(args).root
    if args.list:
        sys.stdout.write(queryfile.list_queries(root))
        return 0
    if not args.name:
        raise queryfile.fail("give a bundled query name or a .rq file (or --list)")
    sys.stdout.write(query.run_named(root, args.name, args.param, fmt=args.format,
                                     endpoint=args.endpoint, allow_network=args.allow_network,
                                     timeout=args.timeout, retries=args.retries,
                                     cache=not args.no_cache))
    return 0
