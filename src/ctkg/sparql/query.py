"""``ctkg query``: run a bundled or given SPARQL query on the build or on an endpoint.

The build is loaded into an embedded Oxigraph store whose default graph is the union of
all graphs, so a query without GRAPH sees everything and ``GRAPH ?g`` still tells where a
triple comes from. Parameters are bound as RDF terms (never pasted into the text) and a
query is checked before it runs so that it cannot reach the network unless allowed.

Query files are read by :mod:`ctkg.sparql.queryfile`, run by :mod:`ctkg.sparql.execute` and
rendered by :mod:`ctkg.sparql.results`; this module puts them together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ctkg.paths import Layout
from ctkg.sparql.execute import as_term, run_endpoint, run_store
from ctkg.sparql.queryfile import bind_params, fail, resolve_query
from ctkg.sparql.results import Result, Row, render, rows_of
from ctkg.sparql.safety import network_problems


def load_store(root: Path) -> ox.Store:
    """The build ``data/kg/ctkg.trig`` in an in-memory Oxigraph store."""
    trig = Layout(Path(root)).kg / "ctkg.trig"
    if not trig.is_file():
        raise fail("build missing: run python build.py", trig)
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


def execute(query_text: str, *, store: ox.Store | None = None, endpoint: str | None = None,
            params: Mapping[str, object] | None = None, allow_network: bool = False,
            timeout: float = 30, retries: int = 2, source: str | Path = "query") -> Result:
    """Run a query after the safety check; pyoxigraph's answer, not yet read.

    ``params`` maps variable names to terms or ``--param`` text; ``retries`` applies to an
    endpoint only (transient failures, see :mod:`ctkg.http`).
    """
    _refuse_unsafe(query_text, allow_network, source)
    terms = {name: as_term(value) for name, value in (params or {}).items()}
    if endpoint:
        return run_endpoint(query_text, endpoint, terms, timeout=timeout, source=source,
                            allow_network=allow_network, retries=retries)
    if store is None:
        raise ValueError("run_query needs a store or an endpoint")
    return run_store(query_text, store, terms, source)


def run_query(query_text: str, *, store: ox.Store | None = None, endpoint: str | None = None,
              params: Mapping[str, object] | None = None, allow_network: bool = False,
              timeout: float = 30, retries: int = 2,
              source: str | Path = "query") -> tuple[list[str], list[Row]]:
    """Run a query; return (variables, rows) of pyoxigraph terms (None where unbound).

    ASK gives ``([], [[]])`` for true and ``([], [])`` for false (one empty solution or
    none); CONSTRUCT/DESCRIBE give subject, predicate, object rows.
    """
    return rows_of(execute(query_text, store=store, endpoint=endpoint, params=params,
                           allow_network=allow_network, timeout=timeout, retries=retries,
                           source=source))


def run_named(root: Path, name: str, raw_params: Sequence[str], *, fmt: str = "table",
              endpoint: str | None = None, allow_network: bool = False,
              timeout: float = 30, retries: int = 2) -> str:
    """Run a bundled query (or a ``.rq`` file) with ``NAME=VALUE`` parameters on the build
    or an endpoint; the results rendered in ``fmt``."""
    info = resolve_query(root, name)
    if info.network and not allow_network:
        raise fail(f"query {info.name} needs the network (it calls a remote SPARQL service);"
                   " pass --allow-network to run it", info.path)
    params = bind_params(info, raw_params)
    # refuse before loading anything (execute checks again, for API callers)
    _refuse_unsafe(info.text, allow_network, info.path)
    store = None if endpoint else load_store(root)
    result = execute(info.text, store=store, endpoint=endpoint, params=params,
                     allow_network=allow_network, timeout=timeout, retries=retries,
                     source=info.path)
    return render(result, fmt)
