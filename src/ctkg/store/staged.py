"""The staged load, for stores that cannot take a release in one SPARQL Update request.

Virtuoso 7 refuses a large ``INSERT DATA`` (its SPARQL compiler runs out of memory at a few
thousand triples, or the generated SQL exceeds 10,000 lines), and it applies the operations of
one update request one after another with no rollback when one fails (both verified on 7.2).
So there the release is first written beside the live graphs, one staging graph per live
graph (by Graph Store Protocol PUT, or by ``INSERT DATA`` chunks that halve when the store
refuses them), the staging counts are checked, and only then one short request moves every
staging graph onto its live graph (``MOVE``) and drops the graphs the release no longer has.
A failure before that request drops the staging graphs and leaves the live graphs as they
were; the swap itself is a few ``MOVE`` operations, as atomic as the store makes one request.

What this costs: while the staging graphs exist, readers of a default graph that is the union
of all graphs (Virtuoso's, without ``FROM``) see the new release's triples beside the old.
"""

from __future__ import annotations

import contextlib
import uuid

from ctkg.errors import CTKGError, Problem
from ctkg.http import EndpointError, scrub_url
from ctkg.store.release import GRAPH_PREFIX
from ctkg.store.swap import STAGING_PREFIX, UNCHANGED, Loader

#: Triples per ``INSERT DATA`` chunk to start with (Virtuoso 7.2 took 4,500 and refused
#: 5,000 of the build's); a refused chunk is halved down to one triple.
DEFAULT_CHUNK = 1000


class StagedLoader(Loader):
    """Stage every graph, check the staging counts, move them onto the live graphs at once."""

    chunk_triples: int = DEFAULT_CHUNK
    staging: dict[str, str]

    def preflight(self) -> None:
        """The update probe of :class:`Loader`, and a Graph Store PUT of an empty probe graph
        when that is how graphs will be staged, so a refusal comes before anything is written."""
        if self.client.endpoints.graph_store:
            try:
                self.client.put_graph(f"{STAGING_PREFIX}probe", b"")
            except EndpointError as exc:
                if exc.status in (401, 403, 404, 405):
                    raise exc.with_message(
                        f"the Graph Store endpoint refuses writes ({exc.message}): on "
                        "Virtuoso grant them as dba in isql, GRANT SPARQL_UPDATE TO "
                        "\"SPARQL\"; elsewhere check --graph-store and the credentials"
                    ) from None
                raise
        super().preflight()

    def stage(self) -> None:
        """Write each graph of the release into its own fresh staging graph."""
        run = uuid.uuid4().hex[:12]
        self.staging = {g: f"{STAGING_PREFIX}{run}/{g.removeprefix(GRAPH_PREFIX)}"
                        for g in sorted(self.release.graphs)}
        for g, target in self.staging.items():
            body = self.release.graphs[g]
            if self.payload_filter:
                body = self.payload_filter(g, body)
            if self.client.endpoints.graph_store:
                self.client.put_graph(target, body)
            else:
                self.insert_chunks(target, body.decode("utf-8").splitlines(keepends=True))
            self.on_event("staged", g)

    def insert_chunks(self, graph: str, lines: list[str]) -> None:
        """``INSERT DATA`` of ``lines`` (N-Triples) in chunks; a chunk the store refuses
        (other than for permission) is sent again in halves. INSERT DATA adds a set of
        triples, so a chunk sent twice leaves the same graph."""
        i = 0
        size = max(1, self.chunk_triples)
        while i < len(lines):
            chunk = lines[i:i + size]
            try:
                self.client.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{''.join(chunk)}}} }}")
            except EndpointError as exc:
                if exc.transient or not exc.reached or size == 1 or exc.status in (401, 403) \
                        or b"SR186" in exc.message.encode():
                    raise
                size = max(1, size // 2)
                continue
            i += len(chunk)
        self.chunk_triples = size

    def check_staging(self) -> None:
        """Every staging graph holds exactly its live graph's triple count of the build."""
        got = self.client.count_graphs(self.staging.values())
        for g, target in self.staging.items():
            if got.get(target, 0) != self.release.counts[g]:
                raise CTKGError.single(
                    scrub_url(self.client.endpoints.query), None,
                    f"staging graph {target} has {got.get(target, 0)} triples, expected "
                    f"{self.release.counts[g]} (graph {g})")

    def move_request(self, removed: list[str]) -> str:
        """One short request: drop the removed graphs, move each staging graph onto its
        live graph (``MOVE`` drops the live graph first)."""
        ops = [f"DROP SILENT GRAPH <{g}>" for g in removed]
        ops += [f"MOVE SILENT GRAPH <{s}> TO GRAPH <{g}>" for g, s in self.staging.items()]
        return " ;\n".join(ops)

    def drop_staging(self) -> None:
        """Remove what this run staged; a failure here is not the user's news."""
        staged = getattr(self, "staging", {})
        if staged:
            with contextlib.suppress(CTKGError):
                self.client.update(" ;\n".join(f"DROP SILENT GRAPH <{s}>"
                                               for s in staged.values()))

    def run(self) -> list[str]:
        """Preflight, stage, check staging, swap by MOVE, check the live counts."""
        try:
            self.preflight()
            live = self.client.list_graphs(GRAPH_PREFIX)
            removed = sorted(live - set(self.release.graphs))
            want = self.expected(removed)
            before = self.client.count_graphs(want)
            self.stage()
            self.check_staging()
            request = self.move_request(removed)
            self.on_event("swap", "")
        except CTKGError as exc:
            dropped = "staging graphs dropped, " if getattr(self, "staging", None) else ""
            self.drop_staging()
            p = exc.problems[0]
            message = f"{p.message}; {dropped}{UNCHANGED}"
            if isinstance(exc, EndpointError):
                raise exc.with_message(message) from None
            raise CTKGError([Problem(p.file, p.line, message)]) from None
        self.swap_moves(request, before, want)
        self.verify_live(want)
        return removed

    def swap_moves(self, request: str, before: dict[str, int], want: dict[str, int]) -> None:
        """Send the move request. The store may have applied part of a request it then
        refused (Virtuoso does not roll back), so a failure is judged by the live counts."""
        try:
            self.client.update(request)
            return
        except EndpointError as exc:
            error = exc
        try:
            now = self.client.count_graphs(want)
        except CTKGError:
            now = None
        if now == want and before != want:
            self.note = (f"the answer to the swap was lost ({error.message}); the live counts "
                         "show it was applied")
            return
        self.drop_staging()
        if now == before:
            outcome = "the live counts are still the old release's: the live graphs were " \
                      "not changed; run ctkg load again"
        else:
            outcome = "the swap was applied in part (the store does not roll back a failed " \
                      "request): run ctkg load again to finish it"
        raise error.with_message(f"{error.message}; {outcome}") from None
