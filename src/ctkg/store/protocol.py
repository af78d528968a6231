"""SPARQL 1.1 Query and Update against one store, for ``ctkg load``.

Only the protocol lives here (which URL serves what, how a SELECT and an update are sent, how
a wrong URL is recognised from the answer); transport, time bounds, retries, credentials and
one-line errors are :mod:`ctkg.http`'s. The Graph Store Protocol only fills staging graphs
(:mod:`ctkg.store.staged`): it replaces one graph per request, and a release must replace all
of its live graphs at once.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.http import (
    ENV_PASSWORD,
    ENV_TOKEN,
    ENV_USER,
    Deadline,
    EndpointError,
    HttpClient,
    RetryPolicy,
    body_excerpt,
    scrub_url,
)
from ctkg.sparql.results import RESULTS_JSON


@dataclass(frozen=True)
class Endpoints:
    """Where to query, where to send updates, and the Graph Store Protocol URL (None when
    unknown); ``store`` names the store recognised from the query URL ("" if none was)."""

    query: str
    update: str
    graph_store: str | None = None
    store: str = ""


def _check_url(url: str) -> None:
    """An http(s) URL without credentials in it (they belong in the environment)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CTKGError.single("ctkg load", None, f"not an http(s) URL: {scrub_url(url)}")
    if "@" in parts.netloc:
        raise CTKGError.single(
            "ctkg load", None,
            f"credentials in URLs are not accepted ({scrub_url(url)}): set {ENV_USER} and "
            f"{ENV_PASSWORD}, or {ENV_TOKEN}")


#: The query URL paths of the stores we know: (store, pattern, update path, graph store path),
#: paths built from the pattern's group 1 (the part before the last segment).
KNOWN_STORES = (
    ("Oxigraph", r"()/query", "{0}/update", "{0}/store"),
    ("Virtuoso", r"()/sparql", "{0}/sparql", "{0}/sparql-graph-crud"),
    ("GraphDB/RDF4J", r"(.*/repositories/[^/]+)", "{0}/statements",
     "{0}/rdf-graphs/service"),
    ("Fuseki", r"(.*/[^/]+)/(?:sparql|query)", "{0}/update", "{0}/data"),
)
NOT_DERIVED = (
    "cannot tell which store serves {url}, so not where it takes updates: the query URLs "
    "known are Oxigraph .../query, Virtuoso .../sparql, Fuseki .../DATASET/sparql (or /query) "
    "and GraphDB/RDF4J .../repositories/REPO; for another store give --update URL (its SPARQL "
    "Update endpoint), and --graph-store URL too for --method staged")


def derive_endpoints(query: str, update: str | None = None,
                     graph_store: str | None = None) -> Endpoints:
    """Fill in the update and Graph Store URLs from the query URL for the stores we know
    (:data:`KNOWN_STORES`); URLs given explicitly win."""
    for url in (query, update, graph_store):
        if url is not None:
            _check_url(url)
    parts = urllib.parse.urlsplit(query)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    for store, pattern, update_path, store_path in KNOWN_STORES:
        if m := re.fullmatch(pattern, path):
            return Endpoints(query=query, update=update or at(update_path.format(m.group(1))),
                             graph_store=graph_store or at(store_path.format(m.group(1))),
                             store=store)
    if not update:
        raise CTKGError.single("ctkg load", None, NOT_DERIVED.format(url=scrub_url(query)))
    return Endpoints(query=query, update=update, graph_store=graph_store)


class SparqlClient:
    """Query and update against one store, with the time bounds and retries of
    :mod:`ctkg.http` (``deadline``: the whole task's, None for none)."""

    def __init__(self, endpoints: Endpoints, *, timeout: float = 60.0, retries: int = 3,
                 base_delay: float = 0.5, auth: str | None = None,
                 deadline: Deadline | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0 or retries < 0 or base_delay < 0:
            raise CTKGError.single("ctkg load", None,
                                   "--timeout must be > 0 and --retries >= 0")
        self.endpoints = endpoints
        self.http = HttpClient(timeout=timeout, auth=auth, sleep=sleep, deadline=deadline,
                               policy=RetryPolicy(retries=retries, base_delay=base_delay))

    @property
    def requests(self) -> int:
        """Requests sent so far (retries included)."""
        return self.http.requests

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """Run a SELECT; rows of variable -> term. A non-SPARQL answer (an HTML page, JSON of
        another kind) is an error that says the URL is probably wrong."""
        url = self.endpoints.query
        resp = self.http.request("POST", url, data={"query": sparql},
                                 headers={"Accept": RESULTS_JSON})
        ctype = resp.content_type.split(";")[0].strip().lower()
        wrong = (f"not a SPARQL query endpoint: it answered {ctype or 'no Content-Type'}"
                 f" ({body_excerpt(resp.body)}), not SPARQL JSON results; check --endpoint")
        if ctype not in (RESULTS_JSON, "application/json"):
            raise EndpointError(url, wrong)
        try:
            solutions = ox.parse_query_results(resp.body, ox.QueryResultsFormat.JSON)
            if not isinstance(solutions, ox.QuerySolutions):
                raise EndpointError(url, wrong)
            names = [v.value for v in solutions.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
        except SyntaxError:
            raise EndpointError(url, wrong) from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request (applied as one unit by transactional stores)."""
        self.http.request("POST", self.endpoints.update, data=sparql.encode("utf-8"),
                          headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with ``ntriples`` by a Graph Store Protocol PUT."""
        if not self.endpoints.graph_store:
            raise CTKGError.single("ctkg load", None, "no Graph Store Protocol URL: give "
                                                      "--graph-store URL")
        url = f"{self.endpoints.graph_store}?{urllib.parse.urlencode({'graph': graph})}"
        self.http.request("PUT", url, data=ntriples,
                          headers={"Content-Type": "application/n-triples; charset=utf-8"})

    def list_graphs(self, prefix: str) -> set[str]:
        """Names of the store's named graphs whose IRI starts with ``prefix``. ``GRAPH ?g { }``
        first (no scan of the triples); Virtuoso answers it with no row at all (verified on
        7.2), so an empty answer is asked again naming the graphs by their triples."""
        rows: list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]] = []
        for pattern in ("", "?s ?p ?o"):
            rows = rows or self.select(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} "
                f"FILTER(STRSTARTS(STR(?g), {json.dumps(prefix)})) }}")
        return {r["g"].value for r in rows if "g" in r}

    def count_graphs(self, graphs: Iterable[str], batch: int = 200) -> dict[str, int]:
        """Triples per graph (0 for absent graphs), a few graphs per request, bound by VALUES.
        Virtuoso's plans for that are a lottery (7.2, measured here: 50 graphs of 1,000
        triples took 7.5 s through VALUES and 0.2 s through FILTER IN, 200 graphs 0.6 s and
        over 60 s), while one graph named as a constant takes 0.01 s: there, one request per
        graph."""
        names = sorted(set(graphs))
        counts = dict.fromkeys(names, 0)
        if self.endpoints.store == "Virtuoso":
            for g in names:
                rows = self.select(
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
                counts[g] = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
            return counts
        for i in range(0, len(names), batch):
            values = " ".join(f"<{g}>" for g in names[i:i + batch])
            rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            for r in rows:
                if "g" in r and r["g"].value in counts:
                    counts[r["g"].value] = int(r["n"].value)
        return counts
