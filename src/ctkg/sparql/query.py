"""``ctkg query``: run a bundled or given SPARQL query on the build or on an endpoint.

The build is loaded into an embedded Oxigraph store whose default graph is the union of
all graphs, so a query without GRAPH sees everything and ``GRAPH ?g`` still tells where a
triple comes from. Parameters are bound as RDF terms (never pasted into the text) and a
query is checked before it runs so that it cannot reach the network unless allowed.

This module is the command and the API (:func:`run_query`, :func:`load_store`); query files
are :mod:`ctkg.sparql.queryfile`', running :mod:`ctkg.sparql.execute`'s, output :mod:`ctkg.sparql.results`'.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctkg.paths import Layout, find_root
from ctkg.sparql.execute import USER_AGENT, as_term, run_endpoint, run_store
from ctkg.sparql.lexer import query_form
from ctkg.sparql.queryfile import (
    ParamDecl,
    QueryInfo,
    bind_params,
    bundled_queries,
    fail,
    list_queries,
    read_query,
    resolve_query,
)
from ctkg.sparql.results import Row, render, to_csv, to_json, to_table, to_tsv
from ctkg.sparql.safety import network_problems
from ctkg.sparql.terms import XSD, Term

__all__ = ["USER_AGENT", "XSD", "ParamDecl", "QueryInfo", "Row", "Term", "bind_params",
           "bundled_queries", "list_queries", "load_store", "read_query", "render",
           "resolve_query", "run", "run_query", "to_csv", "to_json", "to_table", "to_tsv"]


def load_store(root: Path) -> Any:
    """The build ``data/kg/ctkg.trig`` in an in-memory Oxigraph store."""
    layout = Layout(Path(root))
    trig = layout.kg / "ctkg.trig"
    if not trig.is_file():
        raise fail("build missing: run python build.py", trig)
    try:
        from ctkg.build.pipeline import load_dataset
    except ImportError:
        load_dataset = None
    if load_dataset is not None:
        return load_dataset(layout)
    import pyoxigraph as ox

    store = ox.Store()
    try:
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError) as exc:
        raise fail(f"cannot load the build: {exc}", trig) from None
    return store


def _refuse_unsafe(text: str, allow_network: bool, source: str | Path) -> None:
    """Raise before anything runs if the query updates or reaches the network unallowed."""
    reasons = network_problems(text, allow_network=allow_network)
    if reasons:
        raise fail("refused before running: " + "; ".join(reasons), source)


def run_query(query_text: str, *, store: Any = None, endpoint: str | None = None,
              params: Mapping[str, Any] | None = None, allow_network: bool = False,
              timeout: float = 30, source: str | Path = "query") -> tuple[list[str], list[Row]]:
    """Run a query; return (variables, rows) of engine-independent :class:`Term`s.

    ASK gives ``([], [[]])`` for true and ``([], [])`` for false (one empty solution or
    none); CONSTRUCT/DESCRIBE give subject, predicate, object rows.
    """
    _refuse_unsafe(query_text, allow_network, source)
    terms = {name: as_term(value) for name, value in (params or {}).items()}
    if endpoint:
        return run_endpoint(query_text, endpoint, terms, timeout, source, allow_network)
    if store is None:
        store = load_store(find_root())
    return run_store(query_text, store, terms, source)


def run(args: Any) -> int:
    """Entry point of ``ctkg query`` (arguments wired in ctkg.cli.main)."""
    root = Path(args.root)
    if args.list:
        sys.stdout.write(list_queries(root))
        return 0
    if not args.name:
        raise fail("give a bundled query name or a .rq file (or --list)")
    info = resolve_query(root, args.name)
    if info.network and not args.allow_network:
        raise fail(f"query {info.name} needs the network (it calls a remote SPARQL service);"
                   " pass --allow-network to run it", info.path)
    params = bind_params(info, args.param)
    # refuse before loading anything (run_query checks again, for API callers)
    _refuse_unsafe(info.text, args.allow_network, info.path)
    store = None if args.endpoint else load_store(root)
    variables, rows = run_query(info.text, store=store, endpoint=args.endpoint, params=params,
                                allow_network=args.allow_network, timeout=args.timeout,
                                source=info.path)
    ask = query_form(info.text) == "ASK"
    sys.stdout.write(render(variables, rows, args.format, ask=ask))
    return 0
