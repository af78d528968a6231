"""Command-line adapters of the store stage: ``ctkg load`` and ``ctkg serve``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("load", run_load, "load the build into a SPARQL 1.1 store, atomically")
    p.add_argument("--endpoint", required=True, help="SPARQL query endpoint URL")
    p.add_argument("--update", help="SPARQL Update URL (default: derived from --endpoint)")
    p.add_argument("--graph-store", help="Graph Store Protocol URL for --method staged "
                                         "(default: derived from --endpoint)")
    p.add_argument("--method", choices=["auto", "update", "staged"], default="auto",
                   help="update: the release in one SPARQL Update request; staged: staging "
                        "graphs moved onto the live ones in one request (auto: staged for "
                        "Virtuoso, else update)")
    p.add_argument("--chunk-triples", type=int, default=1000,
                   help="triples per INSERT DATA when staging without a Graph Store URL; "
                        "halved when the store refuses a chunk (default: 1000)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one HTTP request may take as a whole (default: 60)")
    p.add_argument("--retries", type=int, default=3,
                   help="retries of a request that failed in a way that can heal (default: 3)")
    p.add_argument("--deadline", type=float, default=600.0,
                   help="seconds the whole load may take, retries included (default: 600)")
    p = commands.add("owl", run_owl, "write the build for OWL 2 DL reasoners such as HermiT "
                                     "(one graph, dates as strings)")
    p.add_argument("--out", type=Path, required=True, help="N-Triples file to write")
    p = commands.add("serve", run_serve, "serve the site, the graph's IRIs and a SPARQL endpoint")
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--writable", action="store_true", help="allow SPARQL Update")
    p.add_argument("--timeout", type=int, default=30,
                   help="seconds after which the server cancels a query (default: 30)")
    p.add_argument("--site", type=Path, default=None,
                   help="the site folder to serve (default: <root>/site, written by "
                        "`ctkg site` if missing or not of this build)")
    p.add_argument("--no-site", action="store_true",
                   help="serve the SPARQL endpoint only, as before")


def run_load(args: argparse.Namespace) -> int:
    """Load ``data/kg`` into ``--endpoint``."""
    from ctkg.errors import CTKGError, display_path
    from ctkg.store.load import load_release

    folder = layout_of(args).kg
    try:
        load_release(folder, args.endpoint, update=args.update, graph_store=args.graph_store,
                     protocol=args.method, chunk_triples=args.chunk_triples,
                     timeout=args.timeout, retries=args.retries, deadline=args.deadline,
                     out=sys.stdout)
    except OSError as exc:  # e.g. an unreadable build file
        raise CTKGError.single(display_path(folder), None, f"cannot read the build: "
                                                           f"{exc.strerror or exc}") from None
    return 0


def run_owl(args: argparse.Namespace) -> int:
    """Write the DL-safe variant of ``data/kg`` to ``--out``."""
    from ctkg.store.owl import write_dl_safe

    n = write_dl_safe(layout_of(args).kg, args.out)
    print(f"wrote {n} triples to {args.out} (xsd:date, gYear, gYearMonth as xsd:string)")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve the build on 127.0.0.1 until interrupted."""
    from ctkg.store.serve import serve

    layout = layout_of(args)
    site = None if args.no_site else (args.site or layout.root / "site")
    serve(layout, args.port, writable=args.writable, timeout=args.timeout, site=site)
    return 0
