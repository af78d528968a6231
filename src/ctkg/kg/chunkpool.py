"""A cold build's chunks (:mod:`ctkg.kg.chunked`) on worker processes, one chunk each.

Why: in the building process a chunk's QC ran in one thread while another made its table
rows and loaded the next chunk. Oxigraph lets go of the GIL as it loads and evaluates, but
the rows are made in Python, so the two threads waited on each other: at 10,000 documents
the ten chunks took 33 s and 48-52 s of CPU, where QC, tables and load of a chunk take
3.8 s of CPU one after the other. A chunk's results depend on its documents' graphs and
the shared graphs only, so each worker loads one chunk's store from the same parts in the
same order (:meth:`ctkg.kg.compiled.Compiled.load_parts`), runs QC then the tables, and
hands back the rows; the building process holds no chunk's store. At most ``jobs`` chunks
are in flight, so memory holds ``jobs`` stores (500 documents each, half the size of a
chunk in the building process). On two workers the chunks took 25.2-25.5 s instead of
29.8-34.4 s, with the same rows (``benchmarks/RESULTS.md``, "Eighth round of issue 12").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pyoxigraph as ox

from ctkg.kg.compiled import Compiled, load_part
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.parallel import windowed_map, worker_context
from ctkg.kg.tablerows import DocRows, SharedRows, document_rows
from ctkg.rdf.namespaces import GRAPH_NS
from ctkg.validate.qc import QCQuery
from ctkg.validate.qc_corpus import Rows
from ctkg.validate.qc_scope import prime

# a chunk's parts: a shared graph by IRI (its quads are the worker's), or documents' N-Quads
Part = str | bytes
Made = tuple[Rows, dict[str, DocRows]]  # a chunk's QC rows, and its documents' table rows

_WORKER: dict[str, Any] = {}


def run(compiled: Compiled, queries: Sequence[QCQuery], chunks: list[dict[str, str]],
        shared: Sequence[str], lookups: Sequence[str], rows: SharedRows, jobs: int,
        leave_out: Sequence[str]) -> Iterator[Made]:
    """Each chunk's QC rows and table rows, in order, made on ``jobs`` processes; a chunk's
    store holds its documents' graphs and the shared graphs but ``leave_out``."""
    graphs = compiled.shared_graphs(leave_out)
    nquads = ox.serialize([q for quads in graphs.values() for q in quads],
                          format=ox.RdfFormat.N_QUADS) or b""
    tasks = _tasks(compiled, chunks, leave_out)
    with ProcessPoolExecutor(jobs, mp_context=worker_context(), initializer=_init,
                             initargs=(nquads, list(queries), list(shared), list(lookups),
                                       rows)) as pool:
        yield from windowed_map(pool, _run_chunk, tasks, window=jobs)


def _tasks(compiled: Compiled, chunks: list[dict[str, str]], leave_out: Sequence[str]
           ) -> Iterator[tuple[dict[str, str], list[Part]]]:
    """Each chunk with its parts, made as the pool asks for them (one chunk's N-Quads at a
    time beyond those in flight)."""
    for chunk in chunks:
        parts: list[Part] = []
        for part in compiled.load_parts({g.removeprefix(GRAPH_NS) for g in chunk},
                                        leave_out=leave_out):
            if isinstance(part, bytes):
                parts.append(part)
            else:  # a shared graph, named by its IRI
                graph = part[0].graph_name
                assert isinstance(graph, ox.NamedNode)
                parts.append(graph.value)
        yield chunk, parts


def _init(nquads: bytes, queries: list[QCQuery], shared: list[str], lookups: list[str],
          rows: SharedRows) -> None:
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(q.graph_name.value, []).append(q)
    _WORKER.update(graphs=by_graph, queries=queries, shared=shared, lookups=lookups,
                   rows=rows)


def _run_chunk(task: tuple[dict[str, str], list[Part]]) -> Made:
    """One chunk: its store loaded, QC then the tables (one after the other: no thread)."""
    chunk, parts = task
    w = _WORKER
    with gc_paused():  # many small rows and terms, no cycle among them
        store = ox.Store()
        for part in parts:
            load_part(store, w["graphs"][part] if isinstance(part, str) else part)
        fresh: Rows = {}
        prime(store, w["queries"], chunk, w["shared"], w["lookups"], fresh)
        made = document_rows(store, sorted(chunk), w["rows"], {}, True)
    return fresh, made
