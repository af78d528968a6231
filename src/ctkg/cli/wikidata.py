"""Command-line adapter of the Wikidata stage: ``ctkg link --refresh | --suggest | --check``.

The links themselves are curated by people in ``data/wikidata/links.toml`` (design.md); CTKG
never writes that file. ``--refresh`` fetches what Wikidata says about each linked item into
``data/wikidata/cache.ttl`` so that builds and checks run offline, ``--check`` checks each
link against that cache, ``--suggest`` prints candidates for a person to judge.
"""

from __future__ import annotations

import argparse
import sys

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("link", run_link, "Wikidata links: refresh the offline cache, suggest IDs")
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


def run_link(args: argparse.Namespace) -> int:
    from ctkg.errors import CTKGError

    layout = layout_of(args)
    if args.limit < 1:
        raise CTKGError.single("ctkg link", None, "--limit must be at least 1")
    if args.timeout <= 0:
        raise CTKGError.single("ctkg link", None, "--timeout must be positive")
    if args.refresh:
        from ctkg.inputs.wikidata_cache import CACHE_META_NAME
        from ctkg.wikidata.check import rel_path
        from ctkg.wikidata.refresh import refresh

        result = refresh(layout, args.endpoint, args.timeout)
        print(f"wrote {rel_path(layout, layout.wikidata_cache)}: {result.triples} triples for "
              f"{len(result.qids)} QIDs (and {CACHE_META_NAME})")
        for qid in result.missing:
            print(f"warning: {qid}: Wikidata returned nothing (deleted or wrong ID?)",
                  file=sys.stderr)
        for old, new in result.redirects.items():
            print(f"warning: {old} redirects to {new}: update links.toml", file=sys.stderr)
        return 0
    if args.suggest:
        from ctkg.wikidata.suggest import suggest

        suggest(layout, args.endpoint, args.timeout, args.limit)
        return 0
    from ctkg.wikidata.check import check_links

    problems = check_links(layout)
    for p in problems:
        print(p, file=sys.stderr)
    errors = sum(p.severity == "error" for p in problems)
    print(f"link check: {errors} errors, {len(problems) - errors} warnings")
    return 1 if errors else 0
