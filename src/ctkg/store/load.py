"""``ctkg load``: put the current build into a SPARQL 1.1 store, all of it or nothing.

Why staging + one swap: users query the store while we load and often keep other datasets in
it. Every graph is first uploaded beside the live ones (``https://w3id.org/ctkg/staging/<run>/…``),
its triple count is checked, and only then a single SPARQL Update request ``MOVE``s each staging
graph onto its live graph and drops live CTKG graphs the release no longer has. Stores that
apply one update request as a transaction (Oxigraph, Fuseki/TDB2, GraphDB) therefore go from
the old release to the new one at once; a failure before the swap leaves the old release as it
was. Graphs outside ``https://w3id.org/ctkg/graph/`` are never touched.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ctkg.errors import CTKGError
from ctkg.http import EndpointError, credentials, scrub_url
from ctkg.store.protocol import SparqlClient, derive_endpoints
from ctkg.store.release import GRAPH_PREFIX, Release, read_release, sha256_file

# read_release and sha256_file: reading a build is part of a load's API (benchmarks, tests)
__all__ = ["GRAPH_PREFIX", "STAGING_PREFIX", "LoadReport", "Loader", "load_release",
           "print_summary", "read_release", "sha256_file"]

STAGING_PREFIX = "https://w3id.org/ctkg/staging/"
CHUNK_BYTES = 512 * 1024  # one INSERT DATA request, well under common body limits

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

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def throughput(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0


def staging_iri(run_id: str, live: str) -> str:
    """The staging graph of ``live`` for one run (same local part, CTKG's own namespace)."""
    return f"{STAGING_PREFIX}{run_id}/{live[len(GRAPH_PREFIX):]}"


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus randomness."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(4)


def _insert_chunks(graph: str, ntriples: bytes, limit: int = CHUNK_BYTES) -> list[str]:
    """``INSERT DATA`` requests of at most ~``limit`` bytes (N-Triples lines are valid SPARQL
    triples; re-sending a chunk is harmless since a graph is a set)."""
    head, tail = f"INSERT DATA {{ GRAPH <{graph}> {{\n", "\n} }"
    chunks: list[str] = []
    lines: list[str] = []
    size = 0
    for line in ntriples.decode("utf-8").splitlines():
        if lines and size + len(line) > limit:
            chunks.append(head + "\n".join(lines) + tail)
            lines, size = [], 0
        lines.append(line)
        size += len(line) + 1
    if lines:
        chunks.append(head + "\n".join(lines) + tail)
    return chunks


class Loader:
    """One load run: staging uploads, count checks, the swap, and cleanup on failure."""

    def __init__(self, client: SparqlClient, release: Release, *, method: str,
                 on_event: Hook | None = None, payload_filter: PayloadFilter | None = None
                 ) -> None:
        self.client = client
        self.release = release
        self.method = method
        self.on_event = on_event or (lambda _event, _graph: None)
        self.payload_filter = payload_filter
        self.run_id = new_run_id()
        self.staging = {g: staging_iri(self.run_id, g) for g in release.graphs}

    def preflight(self) -> None:
        """Prove the store answers SPARQL, accepts our credentials and takes updates, before
        anything is written: remove staging graphs that interrupted runs left (ours only,
        under ``staging/``) in an update request that is harmless when there are none."""
        leftovers = sorted(self.client.list_graphs(STAGING_PREFIX))
        probe = f"{STAGING_PREFIX}{self.run_id}/probe"
        ops = [f"DROP SILENT GRAPH <{g}>" for g in [*leftovers, probe]]
        try:
            self.client.update(" ;\n".join(ops))
        except EndpointError as exc:
            if exc.status in (401, 403, 404, 405, 501):
                raise exc.with_message(
                    f"the endpoint rejects updates ({exc.message}): it is read-only, the "
                    "credentials may not write, or --update is wrong") from None
            raise

    def upload(self, live: str) -> None:
        """Write one graph into its staging graph (GSP PUT, or INSERT DATA chunks)."""
        body = self.release.graphs[live]
        if self.payload_filter:
            body = self.payload_filter(live, body)
        target = self.staging[live]
        if self.method == "gsp":
            try:
                self.client.put_graph(target, body)
                return
            except EndpointError as exc:
                # A derived GSP URL that the store does not serve: fall back to Update.
                if exc.status in (404, 405, 501) and not self.client.endpoints.graph_store_given:
                    self.method = "update"
                else:
                    raise
        self.client.update(f"DROP SILENT GRAPH <{target}>")
        for chunk in _insert_chunks(target, body):
            self.client.update(chunk)

    def verify(self, names: dict[str, str], what: str) -> None:
        """Triple counts on the server equal the local ones (``names``: live -> server IRI)."""
        got = self.client.count_graphs(names.values())
        for live, iri in sorted(names.items()):
            want = self.release.counts[live]
            if got.get(iri, 0) != want:
                raise CTKGError.single(
                    self.client.endpoints.query, None,
                    f"{what} graph {iri} has {got.get(iri, 0)} triples, expected {want}")

    def swap(self) -> list[str]:
        """One update request: MOVE every staging graph onto its live graph, drop live CTKG
        graphs the release does not have. Returns the dropped graphs."""
        live_now = self.client.list_graphs(GRAPH_PREFIX)
        removed = sorted(live_now - set(self.release.graphs))
        ops = [f"MOVE <{self.staging[g]}> TO <{g}>" for g in sorted(self.release.graphs)]
        ops += [f"DROP SILENT GRAPH <{g}>" for g in removed]
        try:
            self.client.update(" ;\n".join(ops))
        except EndpointError as exc:
            # The answer may have been lost after the store applied the swap: if every
            # staging graph is gone, it did (the live counts are checked next).
            if not exc.transient:
                raise
            try:
                still = self.client.list_graphs(f"{STAGING_PREFIX}{self.run_id}/")
            except EndpointError:
                raise exc.with_message(
                    f"{exc.message}; the swap's outcome is unknown (it is atomic: the store "
                    "holds either the old or the new release): run ctkg load again") from None
            if still:
                raise exc from None
        return removed

    def cleanup(self) -> bool:
        """Drop this run's staging graphs (best effort, a few quick tries). True if done."""
        ops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in self.staging.values())
        if not ops:
            return True
        http = self.client.http
        saved = http.policy
        http.policy = dataclasses.replace(saved, retries=min(saved.retries, 2))
        try:
            self.client.update(ops)
            return True
        except CTKGError:
            return False
        finally:
            http.policy = saved

    def run(self) -> list[str]:
        """Preflight, stage, verify, swap, verify; on any failure before the swap the live
        graphs are untouched and the staging graphs are removed."""
        self.preflight()
        swapped = False
        try:
            for live in sorted(self.release.graphs):
                self.upload(live)
                self.on_event("staged", live)
            self.verify(self.staging, "staging")
            self.on_event("swap", "")
            removed = self.swap()
            swapped = True
            self.verify({g: g for g in self.release.graphs}, "live")
            return removed
        except CTKGError as exc:
            if swapped:
                raise
            note = "; the live graphs were not changed"
            if not self.cleanup():
                note += (f"; staging graphs under {STAGING_PREFIX}{self.run_id}/ are left on "
                         "the store, the next ctkg load removes them")
            if isinstance(exc, EndpointError):
                raise exc.with_message(exc.message + note) from None
            p = exc.problems[0]
            raise CTKGError.single(p.file, p.line, p.message + note) from None
        except BaseException:
            if not swapped:
                self.cleanup()
            raise


def load_release(folder: Path, endpoint: str, *, graph_store: str | None = None,
                 update: str | None = None, timeout: float = 60.0, retries: int = 3,
                 base_delay: float = 0.5, protocol: str = "auto",
                 on_event: Hook | None = None, payload_filter: PayloadFilter | None = None,
                 out: TextIO | None = None) -> LoadReport:
    """Load the build in ``folder`` into the store at ``endpoint``, atomically.

    ``protocol``: "auto" (GSP when a graph store URL is given or derivable, else Update),
    "gsp" or "update". ``on_event(event, graph)`` is called after each staging upload
    ("staged") and before the swap ("swap"); ``payload_filter`` may rewrite a graph's upload
    body. Both exist for tests that must fail a load midway; leave them None otherwise."""
    release = read_release(folder)  # before any network: a bad build never reaches the store
    eps = derive_endpoints(endpoint, graph_store, update)
    if protocol == "update":
        method = "update"
    elif protocol == "gsp":
        if not eps.graph_store:
            raise CTKGError.single("ctkg load", None, "no Graph Store URL: give --graph-store")
        method = "gsp"
    else:
        method = "gsp" if eps.graph_store else "update"
    client = SparqlClient(eps, timeout=timeout, retries=retries, base_delay=base_delay,
                          auth=credentials())
    loader = Loader(client, release, method=method, on_event=on_event,
                    payload_filter=payload_filter)
    t0 = time.perf_counter()
    removed = loader.run()
    report = LoadReport(endpoint=eps.query, method=loader.method, version=release.version,
                        counts=dict(release.counts), removed=removed,
                        seconds=time.perf_counter() - t0, requests=client.requests)
    if out is not None:
        print_summary(report, out)
    return report


def print_summary(report: LoadReport, out: TextIO) -> None:
    """Graphs, triples per graph, total, time and throughput."""
    how = "Graph Store Protocol PUT" if report.method == "gsp" else "SPARQL Update INSERT DATA"
    print(f"loaded CTKG {report.version} into {scrub_url(report.endpoint)} ({how}, "
          "one atomic swap)", file=out)
    width = max((len(g) for g in report.counts), default=10)
    for g, n in report.counts.items():
        print(f"  {g:<{width}}  {n:>9}", file=out)
    for g in report.removed:
        print(f"  removed {g}", file=out)
    print(f"{len(report.counts)} graphs, {report.total} triples in {report.seconds:.2f} s "
          f"({report.throughput:,.0f} triples/s, {report.requests} requests)", file=out)
