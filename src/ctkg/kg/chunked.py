"""A cold build's QC and tables, a chunk of documents at a time: memory bounded by a chunk.

Why: a build with many documents to run (a cold cache, or none) loaded every quad into one
store for QC and the tables, and that store was most of the build's peak: 1,114 MiB of
2,179 MiB at 10,000 synthetic documents (3.4 M quads). Yet what QC and the tables need
of a document is its own: its rows of each document-scoped QC query, its corpus facts,
its answers about its own nodes (:mod:`ctkg.validate.qc_scope`) and its table rows
(:mod:`ctkg.kg.tablerows`) depend on its graph and the shared graphs only, which is why an
incremental build can take them from the cache. So here a chunk of :data:`CHUNK`
documents is loaded with the shared graphs their runs read (not the catalogue, which holds
every document's length), those results are made (QC's and the tables' side by side, as
on the whole store) and kept, and the chunk's store is dropped. The build then goes on as
an incremental build whose cache holds everything (:func:`ctkg.kg.back.to_run`): a small
store of the shared graphs and the few documents the corpus QC still needs, or the whole
store when that says so (a row set that reads another graph, many documents still to
load). The rows are the same either way (``tests/kg/test_chunked.py`` compares the files
with the whole store's). With ``--jobs`` above one the chunks run on that many worker
processes (:mod:`ctkg.kg.chunkpool`), else here, QC beside a thread for the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from ctkg.kg import chunkpool
from ctkg.kg.compiled import Compiled
from ctkg.kg.tablecache import TablePlan, row_key, shared_key_of
from ctkg.kg.tablerows import DocRows, SharedRows, document_rows, shared_rows
from ctkg.rdf.namespaces import GRAPH_NS
from ctkg.rdf.terms import graph_of
from ctkg.validate.qc import QCQuery
from ctkg.validate.qc_corpus import Rows, plan_of
from ctkg.validate.qc_scope import prime

# documents per chunk: a chunk's store held about 110 MiB at 1,000 synthetic documents
CHUNK = 1000
_CATALOGUE = graph_of("catalogue").value


def applies(documents: dict[str, str], queries: Sequence[QCQuery]) -> bool:
    """Whether a build that would load the whole store runs chunks instead: more documents
    than one chunk, and no corpus QC query without a plan (it reads the whole build)."""
    return len(documents) > CHUNK and not any(
        q.scope == "corpus" and plan_of(q) is None for q in queries)


def keyed(documents: dict[str, str]) -> dict[str, str]:
    """Each document with a key, for a build without a cache (whose documents have none):
    its graph's name, which keys its results in this build's tables only (as the document
    ids do in the validation of such a build)."""
    return {g: k or g for g, k in documents.items()}


def run_chunks(compiled: Compiled, queries: Sequence[QCQuery], documents: dict[str, str],
               shared: Sequence[str], plan: TablePlan, stored: Rows, jobs: int = 1) -> bool:
    """Make every document's QC results (into ``stored``) and table rows (into ``plan``),
    a chunk at a time (on ``jobs`` worker processes when more than one); False (nothing
    made) when the shared graphs' table rows read document nodes, which only the whole
    store can answer."""
    base = ox.Store()
    compiled.load(base, set())  # the shared graphs: their table rows and labels
    rows = shared_rows(base, shared, {})
    del base
    if rows.cross:
        return False
    if plan.shared_key:
        plan.stored[shared_key_of(plan.shared_key)] = rows
    lookups = [g for g in shared if g != _CATALOGUE]
    graphs = sorted(documents)
    # on workers, half a chunk each: every worker holds a store (at 10,000 documents the
    # process tree's peak was 220 MiB lower with 500 documents a chunk, in the same time)
    size = max(1, CHUNK // 2) if jobs > 1 else CHUNK
    chunks = [{g: documents[g] for g in graphs[i:i + size]}
              for i in range(0, len(graphs), size)]
    if jobs > 1 and len(chunks) > 1:
        pooled = chunkpool.run(compiled, queries, chunks, shared, lookups, rows, jobs,
                               [_CATALOGUE])
        for chunk, (fresh, tabled) in zip(chunks, pooled, strict=True):
            stored.update(fresh)
            for graph, mine in tabled.items():
                plan.stored[row_key(chunk[graph])] = mine
        return True
    # QC runs here while a thread makes the chunk's table rows, then loads the next chunk
    # (two stores at a time at most). Loading it in a third thread cost more CPU than it
    # saved on two cores: the chunks took 36.9 s against 33.4 s at 10,000 documents.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctkg-chunk-tables") as pool:
        store = _load(compiled, chunks[0])
        for i, chunk in enumerate(chunks):
            following = chunks[i + 1] if i + 1 < len(chunks) else None
            side = pool.submit(_tables_then_load, compiled, store, chunk, rows, following)
            try:
                prime(store, queries, chunk, shared, lookups, stored)
            finally:
                made, loaded = side.result()
            for graph, doc_rows in made.items():
                plan.stored[row_key(chunk[graph])] = doc_rows
            store = loaded  # the chunk's own store let go
    return True


def _tables_then_load(compiled: Compiled, store: ox.Store, chunk: dict[str, str],
                      rows: SharedRows, following: dict[str, str] | None
                      ) -> tuple[dict[str, DocRows], ox.Store]:
    """The chunk's table rows, then the next chunk's store (an empty one after the last)."""
    made = document_rows(store, sorted(chunk), rows, {}, True)
    return made, _load(compiled, following) if following is not None else ox.Store()


def _load(compiled: Compiled, documents: dict[str, str]) -> ox.Store:
    """A chunk's store: its document graphs and the shared graphs but the catalogue."""
    store = ox.Store()
    compiled.load(store, {g.removeprefix(GRAPH_NS) for g in documents}, leave_out=[_CATALOGUE])
    return store
