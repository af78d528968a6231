"""``ctkg query``: run a bundled or given SPARQL query on the build or on an endpoint.

The build is loaded into an embedded Oxigraph store whose default graph is the union of
all graphs, so a query without GRAPH sees everything and ``GRAPH ?g`` still tells where a
triple comes from. Parameters are bound as RDF terms (never pasted into the text) and a
query is checked before it runs (:func:`ctkg.sparql.safety.checked_text`: size and nesting
limits, then updates and network access) so that it cannot reach the network unless
allowed; the checked text is the text that runs. On the embedded store a query runs under a
deadline (``timeout``), as it does on an endpoint.

Query files are read by :mod:`ctkg.sparql.queryfile`, run by :mod:`ctkg.sparql.execute` and
rendered by :mod:`ctkg.sparql.results`; this module puts them together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ctkg.paths import Layout
from ctkg.sparql.bounded import DEFAULT_TIMEOUT
from ctkg.sparql.execute import as_term, run_endpoint, run_store
from ctkg.sparql.listing_cache import answer, plan
from ctkg.sparql.paging import apply_paging
from ctkg.sparql.queryfile import bind_params, fail, resolve_query
from ctkg.sparql.results import Result, Row, render, rows_of
from ctkg.sparql.safety import checked_text
from ctkg.sparql.store_cache import cached_store


def load_store(root: Path, reuse: bool = True) -> ox.Store:
    """The build in an Oxigraph store: the persistent one of :mod:`ctkg.sparql.store_cache`
    when ``reuse`` and the manifest names the N-Quads digest, else ``data/kg/ctkg.trig``
    loaded into memory."""
    if reuse and (cached := cached_store(root)) is not None:
        return cached
    trig = Layout(Path(root)).kg / "ctkg.trig"
    if not trig.is_file():
        raise fail("build missing: run python build.py", trig)
    store = ox.Store()
    try:
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError) as exc:
        raise fail(f"cannot load the build: {exc}", trig) from None
    return store


def execute(query_text: str, *, store: ox.Store | None = None, endpoint: str | None = None,
            params: Mapping[str, object] | None = None, allow_network: bool = False,
            timeout: float = DEFAULT_TIMEOUT, retries: int = 2,
            source: str | Path = "query") -> Result:
    """Run a query after the safety check; pyoxigraph's answer.

    ``params`` maps variable names to terms or ``--param`` text; ``timeout`` bounds the
    embedded store's work or the endpoint's answer (seconds); ``retries`` applies to an
    endpoint only (transient failures, see :mod:`ctkg.http`).
    """
    text = checked_text(query_text, allow_network=allow_network, source=source)
    terms = {name: as_term(value) for name, value in (params or {}).items()}
    if endpoint:
        return run_endpoint(text, endpoint, terms, timeout=timeout, source=source,
                            retries=retries)
    if store is None:
        raise ValueError("run_query needs a store or an endpoint")
    return run_store(text, store, terms, source, timeout)


def run_query(query_text: str, *, store: ox.Store | None = None, endpoint: str | None = None,
              params: Mapping[str, object] | None = None, allow_network: bool = False,
              timeout: float = DEFAULT_TIMEOUT, retries: int = 2,
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
              timeout: float = DEFAULT_TIMEOUT, retries: int = 2, cache: bool = True) -> str:
    """Run a bundled query (or a ``.rq`` file) with ``NAME=VALUE`` parameters on the build
    or an endpoint; the results rendered in ``fmt``.

    A paged SELECT on the persistent store is answered from its kept listing
    (:mod:`ctkg.sparql.listing_cache`) unless ``cache`` is false."""
    info = resolve_query(root, name)
    if info.network and not allow_network:
        raise fail(f"query {info.name} needs the network (it calls a remote SPARQL service);"
                   " pass --allow-network to run it", info.path)
    # refuse before reading parameters or loading anything (execute checks again, for API
    # callers; the check is idempotent on its own output)
    checked_text(info.text, allow_network=allow_network, source=info.path)
    terms = bind_params(info, raw_params)
    text, params = apply_paging(info.text, terms, info.params)
    opened: list[ox.Store] = []

    def store() -> ox.Store:  # opened at most once, and not at all for a kept page
        if not opened:
            opened.append(load_store(root))
        return opened[0]

    listing = None if endpoint or not cache else plan(root, info, terms, text,
                                                      allow_network=allow_network)
    result = answer(listing, store, timeout=timeout, source=info.path) if listing else None
    if result is None:
        result = execute(text, store=None if endpoint else store(), endpoint=endpoint,
                         params=params, allow_network=allow_network, timeout=timeout,
                         retries=retries, source=info.path)
    return render(result, fmt)
