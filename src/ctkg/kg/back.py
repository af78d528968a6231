"""The build's second half: the store that QC and the tables read, QC and the tables side by
side, then the files.

Split from :mod:`ctkg.kg.pipeline`, which runs the first stages (read, compile, validate).

**Which store.** A build with a cache whose QC rows and facts and table rows are cached for
all but a few documents (an incremental build: :func:`to_run`) loads a *small* store: the
shared graphs and the graphs of those few documents. The other documents' QC rows and
facts (:mod:`ctkg.validate.qc_scope`) and table rows (:mod:`ctkg.kg.tablecache`) come from
the cache, and both give the rows the whole store gives. Loading every quad took 10 s of a
54 s incremental build at 10,000 documents, and the corpus QC and the tables read all of
them again (18 s). A build with more documents to run than a chunk (:mod:`ctkg.kg.chunked`:
a cold cache, or none) first makes every document's results a chunk of documents at a
time, then goes on the same way. Any other build loads the whole store, as does the rare
one whose rows say they read another document's graph; ``BuildResult.store`` loads it when
first asked.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.kg import chunked, parallel
from ctkg.kg.compiled import Compiled
from ctkg.kg.files import Files
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.outputs import render_files
from ctkg.kg.result import BuildResult, Clock, Front, split
from ctkg.kg.spool import Blob, Spool
from ctkg.kg.tablecache import TablePlan, plan_tables
from ctkg.kg.tablemeta import render_tables, render_tables_partly
from ctkg.paths import Layout
from ctkg.rdf.namespaces import GRAPH_NS, ID_NS
from ctkg.rdf.terms import graph_of
from ctkg.validate.qc import QCQuery, load_queries
from ctkg.validate.qc_corpus import Rows, plan_of
from ctkg.validate.qc_scope import BATCH_FROM, qc_todo, run_scoped, stored_rows

_IRI_RE = re.compile(re.escape(ID_NS) + r"[^\s,<>\"]+")  # instance IRIs in a QC row
_CATALOGUE = graph_of("catalogue")
# an incremental build loads a small store for fewer documents to run than this; from this
# many, one pass over the whole store beats one run per document (ctkg.validate.qc_scope)
SMALL_BELOW = BATCH_FROM


def back(layout: Layout, front: Front, spool: Spool) -> BuildResult:
    """Load the store, run QC and make the tables (side by side), then render the files;
    without the cyclic garbage collector (:mod:`ctkg.kg.gcpause`)."""
    with gc_paused():
        return _back(layout, front, spool)


def _back(layout: Layout, front: Front, spool: Spool) -> BuildResult:
    compiled, briefs, cache = front.compiled, front.briefs, front.cache
    result = BuildResult(Files(), [], graph_counts=compiled.stats.graph_counts,
                         loader=compiled.load)
    result.timings.update(front.timings)
    result.peak_rss.update(front.peak_rss)
    clock = Clock(result)
    found, warnings = front.found, front.warnings
    shared = _shared(compiled, cache)
    documents = {graph_of(d.doc_id).value: compiled.keys.get(d.doc_id, "") for d in briefs}
    queries = load_queries(layout.qc_queries) if any(layout.qc_queries.glob("*.rq")) else []
    plan = plan_tables(cache, documents, *shared) if cache.folder else None
    stored = stored_rows(cache if cache.folder else None, queries)  # the last build's QC
    todo = to_run(cache, queries, documents, plan, stored)
    if todo is None and chunked.applies(documents, queries) and not (plan and plan.needs_whole):
        # many to run: a chunk at a time, then as if incremental (ctkg.kg.chunked)
        documents = chunked.keyed(documents)
        plan = plan or plan_tables(None, documents, *shared)
        primed = clock("chunks", lambda: chunked.run_chunks(
            compiled, queries, documents, shared[0], plan, stored, front.jobs))
        todo = to_run(cache, queries, documents, plan, stored, primed) if primed else None
    store = clock("load", lambda: _store(result, compiled, todo))
    # the tables are made while QC runs: both are mostly Oxigraph evaluating queries, which
    # lets go of the GIL, so on two cores they overlap (timings: "tables" within "qc")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctkg-tables")
    stop = threading.Event()
    tables = pool.submit(clock.timed, "tables",
                         lambda: _tables(store, todo is not None, result, plan, spool, stop))
    try:
        found += clock("qc", lambda: _qc(layout, compiled, store, cache, documents, shared,
                                          queries, todo, stored))
        errors, more = split(found)
        if errors:
            raise CTKGError(sorted(errors))
        result.warnings = sorted(warnings + more)
        result.documents = sorted(d.doc_id for d in briefs)
        made = tables.result()
        result.files = clock("serialize", lambda: render_files(
            layout, _every_quad(result), compiled.pieces, compiled.ctx, briefs,
            result.warnings, result.notes, compiled.stats, None, spool, made))
    finally:
        stop.set()  # after an error, no more table is begun
        pool.shutdown(wait=False, cancel_futures=True)
    cache.prune()
    return result


def to_run(cache: parallel.Cache, queries: Sequence[QCQuery], documents: dict[str, str],
           plan: TablePlan | None, stored: Rows | None = None,
           primed: bool = False) -> list[str] | None:
    """The document graphs a small store must hold (those whose QC rows or facts or table
    rows are not cached, and those the cached facts name), asked of the cache before any
    store is loaded; None when the whole store is needed: no cache, every document or
    :data:`SMALL_BELOW` of them to run, table rows that read another graph, or a corpus QC
    query with no plan (no ``# reads:`` or ``# confirm:`` header: it reads the whole
    build). ``primed``: ``plan`` and ``stored`` hold every document's results
    (:mod:`ctkg.kg.chunked`), with a cache folder or without."""
    if not (cache.folder or primed) or plan is None or plan.needs_whole or any(
            q.scope == "corpus" and plan_of(q) is None for q in queries):
        return None  # (a corpus query with no plan reads the whole build)
    limit = min(SMALL_BELOW, len(documents))
    todo = set(plan.todo)
    if len(todo) < limit:
        todo.update(qc_todo(cache, queries, documents, stored))
    return sorted(todo) if len(todo) < limit else None


def _store(result: BuildResult, compiled: Compiled, todo: list[str] | None) -> ox.Store:
    """The store QC and the tables read: the whole build's (kept as ``result.store``), or
    the shared graphs and the ``todo`` document graphs only."""
    store = ox.Store()
    compiled.load(store, None if todo is None else _doc_ids(todo))
    if todo is None:
        result.whole = store
    return store


def _doc_ids(graphs: Collection[str]) -> set[str]:
    return {g.removeprefix(GRAPH_NS) for g in graphs}


def _tables(store: ox.Store, small: bool, result: BuildResult, plan: TablePlan | None,
            spool: Spool, stop: threading.Event) -> dict[str, Blob]:
    """The tables from ``store``; from a small one when the cached rows allow it, else from
    the whole store, loaded here (``result.store``)."""
    if small and plan is not None:
        made = render_tables_partly(store, plan, spool, stop)
        if made is not None:
            return made
        store = result.store
    return render_tables(store, store, spool, stop, plan)


def _qc(layout: Layout, compiled: Compiled, store: ox.Store, cache: parallel.Cache,
        documents: dict[str, str], shared: tuple[list[str], str], queries: list[QCQuery],
        loaded: list[str] | None, stored: Rows) -> list[Problem]:
    """The QC queries on ``store`` (the whole build, or the shared graphs and the document
    graphs ``loaded``; a document the run finds it needs besides is loaded into it): each
    document-scoped one per document graph and each corpus one from per-document facts,
    cached under the document's compile key (:mod:`ctkg.validate.qc_scope`). Each
    offending row a problem, located at the annotations of the IRIs it names."""
    if not queries:
        return []
    shared_graphs, shared_digest = shared
    # a document's run reads the shared graphs its document key covers (ontology, registry,
    # links, Wikidata cache); not the catalogue, which holds every document's length
    lookups = [g for g in shared_graphs if g != _CATALOGUE.value]

    def more(graphs: list[str]) -> None:
        compiled.load(store, _doc_ids(graphs), shared=False)

    problems: list[Problem] = []
    results = run_scoped(store, queries, documents, shared_graphs,
                         cache if cache.folder else None, lookups, shared_digest,
                         loaded=loaded, more=more if loaded is not None else None,
                         table=stored)
    for res in results:
        where = display_path(layout.qc_queries / f"{res.name}.rq")
        for row in res.rows:
            origin = "; ".join(str(compiled.sources[i]) for i in _IRI_RE.findall(row)
                               if i in compiled.sources)
            msg = f"QC {res.name}: {res.title}: {row}" + (f" [from {origin}]" if origin
                                                           else "")
            problems.append(Problem(where, None, msg,
                                    "error" if res.severity == "error" else "warning"))
    return problems


def _shared(compiled: Compiled, cache: parallel.Cache) -> tuple[list[str], str]:
    """The shared graphs (every graph but the documents') and, with a cache, a digest of
    their quads: the key of their QC rows and table rows."""
    graphs = sorted({q.graph_name.value for q in compiled.shared
                     if isinstance(q.graph_name, ox.NamedNode)})
    # their N-Quads in one call (a digest of each quad's text took 0.14 s at 10,000 documents)
    return graphs, parallel.digest(ox.serialize(compiled.shared, format=ox.RdfFormat.N_QUADS)
                                   or b"") if cache.folder else ""


def _every_quad(result: BuildResult) -> Iterator[ox.Quad]:
    """The build's quads, loaded only if iterated (a piece rendered again needs them)."""
    yield from result.store
