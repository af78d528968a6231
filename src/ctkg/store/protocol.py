"""SPARQL 1.1 Query and Update against one store, for ``ctkg load``.

Only the protocol lives here (which URL serves what, how a SELECT and an update are sent, how
a wrong URL is recognised from the answer); transport, time bounds, retries, credentials and
one-line errors are :mod:`ctkg.http`'s. The Graph Store Protocol is not used: it replaces one
graph per request, and a release must replace all of its graphs at once.
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
    """Where to query and where to send updates."""

    query: str
    update: str


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


def derive_endpoints(query: str, update: str | None = None) -> Endpoints:
    """Fill in the update URL from the query URL for the stores we know.

    Oxigraph ``/query`` -> ``/update``; Fuseki ``/ds/sparql`` or ``/ds/query`` ->
    ``/ds/update``; GraphDB/RDF4J ``/repositories/X`` -> ``/repositories/X/statements``.
    """
    for url in (query, update):
        if url is not None:
            _check_url(url)
    parts = urllib.parse.urlsplit(query)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    derived_update = None
    if path == "/query":  # Oxigraph
        derived_update = at("/update")
    elif re.search(r"/repositories/[^/]+$", path):  # GraphDB, RDF4J
        derived_update = at(path + "/statements")
    elif m := re.fullmatch(r"(.*/[^/]+)/(sparql|query)", path):  # Fuseki
        derived_update = at(m.group(1) + "/update")
    final_update = update or derived_update
    if not final_update:
        raise CTKGError.single(
            "ctkg load", None,
            f"cannot derive the SPARQL Update URL from {scrub_url(query)}: give --update")
    return Endpoints(query=query, update=final_update)


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

    def list_graphs(self, prefix: str) -> set[str]:
        """Names of the store's named graphs whose IRI starts with ``prefix``."""
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } "
            f"FILTER(STRSTARTS(STR(?g), {json.dumps(prefix)})) }}")
        return {r["g"].value for r in rows if "g" in r}

    def count_graphs(self, graphs: Iterable[str], batch: int = 200) -> dict[str, int]:
        """Triples per graph (0 for absent graphs), a few graphs per request."""
        names = sorted(set(graphs))
        counts = dict.fromkeys(names, 0)
        for i in range(0, len(names), batch):
            values = " ".join(f"<{g}>" for g in names[i:i + batch])
            rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            for r in rows:
                if "g" in r and r["g"].value in counts:
                    counts[r["g"].value] = int(r["n"].value)
        return counts
