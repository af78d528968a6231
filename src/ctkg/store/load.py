"""``ctkg load``: put the current build into a SPARQL 1.1 store, all of it or nothing, so
that no reader ever sees half a release.

Why the whole release travels in one update request: people query the store while we load,
and the readers that matter most use the union default graph (every named graph is part of
their default graph; the README recommends it and ``ctkg serve`` uses it). Anything written
beside the live graphs before the swap is part of their answers: the staging graphs this
loader used to upload made 13,771 of 18,317 counts during one load match neither release.
So nothing is written before the swap. One SPARQL Update request drops each live
CTKG graph of the release and inserts its triples (``DROP SILENT GRAPH``, ``INSERT DATA``),
and drops the live CTKG graphs the release no longer has; a store that applies one update
request as one transaction (Oxigraph, verified by ``tests/store/test_readers.py``) goes from
the old release to the new one at once, for every reader. The request is idempotent, so a
retry after a lost answer is safe. The live triple counts are checked afterwards. Graphs
outside ``https://w3id.org/ctkg/graph/`` are never touched.

Every failure ends with exactly one of three statements about the live graphs: they were not
changed (nothing was sent that could change them, or the store refused the swap), the swap was
applied (and the counts say whether it holds the build), or the swap's outcome is unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ctkg.errors import CTKGError, Problem
from ctkg.http import Deadline, EndpointError, credentials, scrub_url
from ctkg.store.protocol import SparqlClient, derive_endpoints
from ctkg.store.release import GRAPH_PREFIX, Release, read_release

#: Where earlier versions of this loader staged graphs; what an interrupted load left there
#: is removed.
STAGING_PREFIX = "https://w3id.org/ctkg/staging/"
UNCHANGED = "the live graphs were not changed"
UNKNOWN = ("the swap's outcome is unknown (a store that applies an update request as one "
           "transaction holds either the old or the new release): check the store or run "
           "ctkg load again")

Hook = Callable[[str, str], None]
PayloadFilter = Callable[[str, bytes], bytes]


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


class Loader:
    """One load run: preflight, the one swap request, the count check, one true outcome."""

    def __init__(self, client: SparqlClient, release: Release, *, on_event: Hook | None = None,
                 payload_filter: PayloadFilter | None = None) -> None:
        self.client = client
        self.release = release
        self.on_event = on_event or (lambda _event, _graph: None)
        self.payload_filter = payload_filter
        self.note = ""

    def preflight(self) -> None:
        """Prove the store answers SPARQL, accepts our credentials and takes updates, before
        the swap: an update that changes no live graph (it drops a probe graph that does not
        exist, and what interrupted loads of older versions left under ``staging/``)."""
        leftovers = sorted(self.client.list_graphs(STAGING_PREFIX))
        probe = f"{STAGING_PREFIX}probe"
        try:
            self.client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>"
                                           for g in [*leftovers, probe]))
        except EndpointError as exc:
            if exc.status in (401, 403, 404, 405, 501):
                raise exc.with_message(
                    f"the endpoint rejects updates ({exc.message}): it is read-only, the "
                    "credentials may not write, or --update is wrong") from None
            raise

    def swap_request(self, removed: list[str]) -> str:
        """The one update that replaces the release: drop the release's graphs and the
        removed ones, insert every graph's triples (N-Triples lines are SPARQL triples)."""
        graphs = sorted(self.release.graphs)
        inserts = []
        for g in graphs:
            body = self.release.graphs[g]
            if self.payload_filter:
                body = self.payload_filter(g, body)
            inserts.append(f"GRAPH <{g}> {{\n{body.decode('utf-8')}}}")
            self.on_event("prepared", g)
        drops = [f"DROP SILENT GRAPH <{g}> ;" for g in [*graphs, *removed]]
        return "\n".join([*drops, "INSERT DATA {", *inserts, "}"])

    def expected(self, removed: list[str]) -> dict[str, int]:
        """Live counts once the release is in: the manifest's, and 0 for removed graphs."""
        return {**dict.fromkeys(removed, 0), **self.release.counts}

    def mismatch(self, want: dict[str, int]) -> str | None:
        """The first live graph whose triple count differs from ``want``, said in words."""
        got = self.client.count_graphs(want)
        for g in sorted(want):
            if got.get(g, 0) != want[g]:
                return f"live graph {g} has {got.get(g, 0)} triples, expected {want[g]}"
        return None

    def swap(self, request: str, before: dict[str, int], want: dict[str, int]) -> None:
        """Send the swap. A failure is reported as what it means for the live graphs: not
        changed if the request surely never arrived or the store refused it; else, when the
        answer was lost, applied if the live counts moved from ``before`` to ``want`` (counts
        that were already equal cannot tell), and unknown otherwise."""
        try:
            self.client.update(request)
            return
        except EndpointError as exc:
            if not exc.reached:
                raise exc.with_message(f"{exc.message}; {UNCHANGED}") from None
            if not exc.transient:
                raise exc.with_message(
                    f"{exc.message}: the store refused the swap, so {UNCHANGED}") from None
            error = exc
        try:
            applied = before != want and self.mismatch(want) is None
        except CTKGError:
            applied = False
        if not applied:
            raise error.with_message(f"{error.message}; {UNKNOWN}") from None
        self.note = (f"the answer to the swap was lost ({error.message}); the live counts "
                     "show it was applied")

    def run(self) -> list[str]:
        """Preflight, build the request, swap, check the live counts. Returns the live
        graphs the release no longer has (dropped)."""
        try:
            self.preflight()
            live = self.client.list_graphs(GRAPH_PREFIX)
            removed = sorted(live - set(self.release.graphs))
            want = self.expected(removed)
            before = self.client.count_graphs(want)
            request = self.swap_request(removed)
            self.on_event("swap", "")
        except EndpointError as exc:
            raise exc.with_message(f"{exc.message}; {UNCHANGED}") from None
        except CTKGError as exc:
            p = exc.problems[0]
            raise CTKGError([Problem(p.file, p.line, f"{p.message}; {UNCHANGED}")]) from None
        self.swap(request, before, want)
        try:
            wrong = self.mismatch(want)
        except EndpointError as exc:
            raise exc.with_message(f"{exc.message}: the swap was applied, but its triple "
                                   "counts could not be checked") from None
        if wrong:
            raise CTKGError([Problem(
                scrub_url(self.client.endpoints.query), None,
                f"the swap was applied, but {wrong}: the store does not hold the build as "
                "it is (another writer at the same time?); run ctkg load again")])
        return removed


def load_release(folder: Path, endpoint: str, *, update: str | None = None,
                 timeout: float = 60.0, retries: int = 3, deadline: float = 600.0,
                 base_delay: float = 0.5, protocol: str = "auto",
                 on_event: Hook | None = None, payload_filter: PayloadFilter | None = None,
                 out: TextIO | None = None) -> LoadReport:
    """Load the build in ``folder`` into the store at ``endpoint``, atomically.

    ``timeout`` bounds each HTTP request as a whole, ``deadline`` the whole load (retries and
    waits included). ``protocol``: "auto" or "update" (one SPARQL Update request; the Graph
    Store Protocol cannot replace several graphs at once, so "gsp" is refused).
    ``on_event(event, graph)`` is called as each graph is added to the swap request
    ("prepared") and before the swap is sent ("swap"); ``payload_filter`` may rewrite a
    graph's triples. Both exist for tests that must fail or slow a load; leave them None."""
    if protocol not in ("auto", "update"):
        raise CTKGError.single("ctkg load", None, f"protocol {protocol!r}: a release is sent "
                               "as one SPARQL Update request (the Graph Store Protocol "
                               "cannot replace several graphs at once)")
    if deadline <= 0:
        raise CTKGError.single("ctkg load", None, "--deadline must be > 0")
    release = read_release(folder)  # before any network: a bad build never reaches the store
    eps = derive_endpoints(endpoint, update)
    client = SparqlClient(eps, timeout=timeout, retries=retries, base_delay=base_delay,
                          auth=credentials(), deadline=Deadline.after(deadline))
    loader = Loader(client, release, on_event=on_event, payload_filter=payload_filter)
    t0 = time.perf_counter()
    removed = loader.run()
    report = LoadReport(endpoint=eps.query, method="update", version=release.version,
                        counts=dict(release.counts), removed=removed,
                        seconds=time.perf_counter() - t0, requests=client.requests,
                        note=loader.note)
    if out is not None:
        print_summary(report, out)
    return report


def print_summary(report: LoadReport, out: TextIO) -> None:
    """Graphs, triples per graph, total, time and throughput."""
    print(f"loaded CTKG {report.version} into {scrub_url(report.endpoint)} (one SPARQL Update "
          "request: atomic on a transactional store); live triple counts checked", file=out)
    if report.note:
        print(f"  note: {report.note}", file=out)
    width = max((len(g) for g in report.counts), default=10)
    for g, n in report.counts.items():
        print(f"  {g:<{width}}  {n:>9}", file=out)
    for g in report.removed:
        print(f"  removed {g}", file=out)
    print(f"{len(report.counts)} graphs, {report.total} triples in {report.seconds:.2f} s "
          f"({report.throughput:,.0f} triples/s, {report.requests} requests)", file=out)
