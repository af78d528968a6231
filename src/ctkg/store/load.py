"""``ctkg load``: put the current build into a SPARQL 1.1 store, all of it or nothing.

Two ways, chosen by the store (``method="auto"``): the whole release in one SPARQL Update
request (:mod:`ctkg.store.swap`; Oxigraph, Fuseki, GraphDB), or staging graphs moved onto the
live graphs in one short request (:mod:`ctkg.store.staged`; Virtuoso, which refuses large
updates). Both check the build before any network, check the live counts afterwards, and end
every failure with one true statement about the live graphs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ctkg.errors import CTKGError
from ctkg.http import Deadline, credentials, scrub_url
from ctkg.store.protocol import SparqlClient, derive_endpoints
from ctkg.store.release import read_release
from ctkg.store.staged import DEFAULT_CHUNK, StagedLoader
from ctkg.store.swap import Hook, Loader, PayloadFilter

#: Stores that get the staged load by default (they refuse a release in one request).
STAGED_BY_DEFAULT = frozenset({"Virtuoso"})


@dataclass
class LoadReport:
    """What a load did, for the summary and for callers (tests, benchmarks)."""

    endpoint: str
    method: str
    version: str
    counts: dict[str, int]
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0
    note: str = ""  # e.g. how a swap whose answer was lost was found applied

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def throughput(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0


def load_release(folder: Path, endpoint: str, *, update: str | None = None,
                 graph_store: str | None = None, timeout: float = 60.0, retries: int = 3,
                 deadline: float = 600.0, base_delay: float = 0.5, protocol: str = "auto",
                 chunk_triples: int = DEFAULT_CHUNK, on_event: Hook | None = None,
                 payload_filter: PayloadFilter | None = None,
                 out: TextIO | None = None) -> LoadReport:
    """Load the build in ``folder`` into the store at ``endpoint``, atomically.

    ``timeout`` bounds each HTTP request as a whole, ``deadline`` the whole load (retries and
    waits included). ``protocol``: "update" (the whole release in one SPARQL Update request),
    "staged" (staging graphs by Graph Store PUT, or by ``INSERT DATA`` chunks of
    ``chunk_triples`` when no Graph Store URL is known, then one request of ``MOVE``s) or
    "auto" (staged for :data:`STAGED_BY_DEFAULT`, else update). ``on_event(event, graph)``
    is called as each graph is prepared or staged and before the swap ("swap");
    ``payload_filter`` may rewrite a graph's triples. Both exist for tests that must fail or
    slow a load; leave them None."""
    if protocol not in ("auto", "update", "staged"):
        raise CTKGError.single("ctkg load", None, f"method {protocol!r}: choose auto, update "
                                                  "or staged")
    if deadline <= 0 or chunk_triples < 1:
        raise CTKGError.single("ctkg load", None, "--deadline must be > 0 and "
                                                  "--chunk-triples >= 1")
    release = read_release(folder)  # before any network: a bad build never reaches the store
    eps = derive_endpoints(endpoint, update, graph_store)
    staged = protocol == "staged" or (protocol == "auto" and eps.store in STAGED_BY_DEFAULT)
    client = SparqlClient(eps, timeout=timeout, retries=retries, base_delay=base_delay,
                          auth=credentials(), deadline=Deadline.after(deadline))
    loader = (StagedLoader if staged else Loader)(
        client, release, on_event=on_event, payload_filter=payload_filter)
    if isinstance(loader, StagedLoader):
        loader.chunk_triples = chunk_triples
    t0 = time.perf_counter()
    removed = loader.run()
    method = "update"
    if isinstance(loader, StagedLoader):
        method = ("staged (Graph Store PUT)" if eps.graph_store
                  else f"staged (INSERT DATA, {loader.chunk_triples} triples a chunk)")
    report = LoadReport(endpoint=eps.query, method=method, version=release.version,
                        counts=dict(release.counts), removed=removed,
                        seconds=time.perf_counter() - t0, requests=client.requests,
                        note=loader.note)
    if out is not None:
        print_summary(report, out)
    return report


def print_summary(report: LoadReport, out: TextIO) -> None:
    """Graphs, triples per graph, total, time and throughput."""
    how = ("one SPARQL Update request: atomic on a transactional store"
           if report.method == "update" else
           f"{report.method}, staging counts checked, then moved onto the live graphs in one "
           "request")
    print(f"loaded CTKG {report.version} into {scrub_url(report.endpoint)} ({how}); live "
          "triple counts checked", file=out)
    if report.note:
        print(f"  note: {report.note}", file=out)
    width = max((len(g) for g in report.counts), default=10)
    for g, n in report.counts.items():
        print(f"  {g:<{width}}  {n:>9}", file=out)
    for g in report.removed:
        print(f"  removed {g}", file=out)
    print(f"{len(report.counts)} graphs, {report.total} triples in {report.seconds:.2f} s "
          f"({report.throughput:,.0f} triples/s, {report.requests} requests)", file=out)
