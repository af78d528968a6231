"""The one-request swap of ``ctkg load``: the whole release in one SPARQL Update request, so
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

from collections.abc import Callable

from ctkg.errors import CTKGError, Problem
from ctkg.http import EndpointError, scrub_url
from ctkg.store.protocol import SparqlClient
from ctkg.store.release import GRAPH_PREFIX, Release

#: Where earlier versions of this loader staged graphs; what an interrupted load left there
#: is removed.
STAGING_PREFIX = "https://w3id.org/ctkg/staging/"
UNCHANGED = "the live graphs were not changed"
UNKNOWN = ("the swap's outcome is unknown (a store that applies an update request as one "
           "transaction holds either the old or the new release): check the store or run "
           "ctkg load again")

Hook = Callable[[str, str], None]
PayloadFilter = Callable[[str, bytes], bytes]


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
            if b"SR186" in exc.message.encode():
                raise exc.with_message(
                    f"the store refuses SPARQL Update to this account ({exc.message}): on "
                    "Virtuoso grant it as dba in isql, GRANT SPARQL_UPDATE TO \"SPARQL\"; (or "
                    "load as a user who has it)") from None
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
        self.verify_live(want)
        return removed

    def verify_live(self, want: dict[str, int]) -> None:
        """After a swap: the live graphs must hold the build's counts. One check for every
        load method, since a failure here means the swap was applied and must say so."""
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
