"""QC by scope: a document-scoped query runs per document graph and its rows are cached.

A QC query says its scope in its header (``# scope: document`` or ``# scope: corpus``).

- **document**: the rows come from one graph at a time: the query's candidate pattern is
  written inside ``GRAPH ?graph { … }``, and everything else it looks up is in that graph or
  in the shared graphs whose inputs the document's key covers (ontology, registry, Wikidata;
  not the catalogue, which holds every document's length). Run per document graph
  (``named_graphs`` = that graph, default graph = that graph + those), a document's rows
  depend on nothing else, so they are cached under the document's key; an incremental
  build reruns the query for the edited document only. The shared graphs' own rows come
  from one more run over the shared graphs, cached under a digest of their quads. The union
  of these runs equals the query over the whole build (``tests/validate/test_qc_scope.py``
  checks it on the build and on a synthetic corpus with planted defects).
- **corpus**: the query needs the whole build (a cycle, a duplicate across entities, a link
  to another document), and its header says why. Its rows come from per-document facts
  kept in the same cache entry and a confirmation against the other documents
  (:mod:`ctkg.validate.qc_corpus`, driven by the ``# reads:`` / ``# confirm:`` headers), so
  they can be found on a *small store*: the shared graphs and the documents
  :func:`qc_todo` names (those whose rows or facts the cache lacks, and those its facts
  point to), with ``more`` loading any other document the confirmation asks for. The rows
  equal the query's on the whole build (``tests/validate/test_qc_corpus.py``); load the
  small store's graphs in the whole store's order (N-Quads order): duplicate-qid's
  ``GROUP_CONCAT`` lists its entities in the order the engine meets them.

Many documents to run (a cold cache) are run in one pass instead: the query over the whole
build with ``?graph`` projected, its rows split by graph (the same rows, by the scope rule).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import pyoxigraph as ox

from ctkg.sparql.lexer import tokenize
from ctkg.validate.qc import QCQuery, QCResult, solution_rows, term_text
from ctkg.validate.qc_corpus import GUARDED, TYPED, Rows, owner, plan_of
from ctkg.validate.qc_facts import (
    Facts,
    Loader,
    cached_answers,
    corpus_digest,
    decode,
    fact_of,
    record_key,
)

GRAPH_VAR = "graph"
# From this many documents to run, one pass over the whole build beats one run each.
BATCH_FROM = 64


class RowCache(Protocol):
    """Where a document's rows of a query are kept (``kg.parallel.Cache`` has this shape)."""

    def get(self, kind: str, key: str) -> object | None: ...

    def put(self, kind: str, key: str, value: object) -> None: ...


def row_key(document_key: str, query: QCQuery) -> str:
    """A document's rows of a query: its compile key (inputs, shared inputs, code) plus the
    query's text (hashed once per text: a build asks for every document and query, 180,000
    keys at 10,000 documents, which took 1.5 s when each hashed the whole text). Each key
    is digested once a process (:data:`_ROW_KEYS`): a build asks for it three times (what
    to load, what is missing, the rows)."""
    pair = (document_key, query.text)
    key = _ROW_KEYS.get(pair)
    if key is None:
        if len(_ROW_KEYS) >= _ROW_KEYS_MAX:
            _ROW_KEYS.clear()
        key = _ROW_KEYS[pair] = hashlib.sha256(
            f"{document_key}\n{_text_digest(query.text)}".encode()).hexdigest()
    return key


_ROW_KEYS: dict[tuple[str, str], str] = {}
_ROW_KEYS_MAX = 1 << 18  # keys kept (20 MB); more documents x queries digest again


@lru_cache(maxsize=256)
def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def with_graph_column(text: str) -> str:
    """The query with ``?graph`` projected first (``SELECT [DISTINCT] ?graph …``)."""
    tokens = tokenize(text)
    for i, tok in enumerate(tokens):
        if tok.kind == "word" and tok.text.upper() == "SELECT":
            nxt = tokens[i + 1]
            at = tokens[i + 2] if nxt.text.upper() in ("DISTINCT", "REDUCED") else nxt
            return f"{text[:at.start]}?{GRAPH_VAR} {text[at.start:]}"
    raise ValueError("not a SELECT query")


def run_in(store: ox.Store, query: QCQuery, graphs: Sequence[str],
           lookups: Sequence[str]) -> list[str]:
    """The query's rows whose candidates are in ``graphs``, looking up in ``graphs`` +
    ``lookups`` only."""
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in graphs]
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        *named, *(ox.NamedNode(g) for g in lookups)]
    return solution_rows(store.query(query.text, default_graph=default, named_graphs=named),
                         query)


def _by_graph(store: ox.Store, query: QCQuery) -> dict[str, list[str]]:
    """One pass over the whole build: each graph's rows."""
    results = store.query(with_graph_column(query.text), use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables if v.value != GRAPH_VAR]
    out: dict[str, list[str]] = {}
    for sol in results:
        graph = sol[GRAPH_VAR]
        if isinstance(graph, ox.NamedNode):
            out.setdefault(graph.value, []).append(
                ", ".join(f"{n}={term_text(sol[n])}" for n in names))
    return out


def _rows(table: Rows, fresh: Rows, key: str, run: Callable[[], list[str]]) -> list[str]:
    """``table[key]`` if there, else ``run()``; either way kept in ``fresh``."""
    rows = table.get(key)
    if rows is None:
        rows = sorted(set(run()))
    fresh[key] = rows
    return rows


def document_rows(store: ox.Store, query: QCQuery, documents: dict[str, str],
                  shared: Sequence[str], table: Rows, fresh: Rows,
                  lookups: Sequence[str] | None = None, shared_key: str = "") -> list[str]:
    """A document-scoped query's rows: the shared graphs' run, then each document's rows
    from ``table`` (the last build's) or a run (``documents``: graph IRI -> document key, ''
    for none); every row set used is put in ``fresh``.

    A document's run reads that graph and ``lookups`` (default: the shared graphs); the
    build passes the shared graphs whose inputs its document keys cover. The shared graphs'
    rows are kept under ``shared_key`` (a digest of their quads) when one is given."""
    lookups = list(shared if lookups is None else lookups)
    skey = row_key("shared:" + shared_key, query) if shared_key else ""
    rows = set(_rows(table, fresh, skey, lambda: run_in(store, query, shared, []))
               if skey else run_in(store, query, shared, []))
    keys = {g: row_key(k, query) if k else "" for g, k in documents.items()}
    todo = [g for g, k in keys.items() if not k or k not in table]
    found = _by_graph(store, query) if len(todo) >= BATCH_FROM else {
        g: run_in(store, query, [g], lookups) for g in todo}
    for graph, key in keys.items():
        mine = table[key] if graph not in found and key in table else \
            sorted(set(found.get(graph, [])))
        rows.update(mine)
        if key:
            fresh[key] = mine
    return sorted(rows)


def _missing(table: Rows, queries: Sequence[QCQuery], documents: dict[str, str],
             digest: str) -> set[str]:
    """The documents whose rows or corpus facts are not in ``table``."""
    local = [q for q in queries if q.scope == "document"]
    return {g for g, k in documents.items()
            if not k or record_key(k, digest, "facts") not in table
            or any(row_key(k, q) not in table for q in local)}


def _table_name(queries: Sequence[QCQuery]) -> str:
    return hashlib.sha256("\n".join(q.text for q in queries).encode()).hexdigest()


def stored_rows(cache: RowCache | None, queries: Sequence[QCQuery]) -> Rows:
    """The last build's QC entry for these queries (empty if none): read once by a build
    for :func:`qc_todo` and :func:`run_scoped` (6.7 MB at 10,000 documents)."""
    stored = cache.get("qc", _table_name(queries)) if cache is not None else None
    return stored if isinstance(stored, dict) else {}


def qc_todo(cache: RowCache | None, queries: Iterable[QCQuery], documents: dict[str, str],
            table: Rows | None = None) -> list[str]:
    """The document graphs a store for :func:`run_scoped` must hold, as far as the cache
    tells before any store is loaded: those whose rows or facts it lacks, and those its
    facts name (a document stating a triple a guarded query reads; the document of a node
    another document uses, which has not answered about it yet). The run may still ask for
    more (``more``), when an edited document raises a new question. ``table``: the entry,
    if read already (:func:`stored_rows`)."""
    queries = list(queries)
    table = stored_rows(cache, queries) if table is None else table
    digest = corpus_digest(queries)
    todo = _missing(table, queries, documents, digest)
    records = {g: decode(table[record_key(k, digest, "facts")])
               for g, k in documents.items() if g not in todo}
    for plan in (p for p in map(plan_of, queries) if p is not None):
        if plan.mode == GUARDED:
            todo.update(fact_of(records, plan, "reads"))
            continue
        fact = "candidates" if plan.mode == TYPED else "anchors"
        tag = f"{plan.query.name}:{'typed' if plan.mode == TYPED else 'about'}"
        for iri in (v for values in fact_of(records, plan, fact).values() for v in values):
            graph = owner(iri, documents)
            if graph is not None and graph not in todo and \
                    iri not in cached_answers(table, documents[graph], digest).get(tag, {}):
                todo.add(graph)
    return sorted(todo)


def run_scoped(store: ox.Store, queries: Iterable[QCQuery], documents: dict[str, str],
               shared: Sequence[str], cache: RowCache | None = None,
               lookups: Sequence[str] | None = None, shared_key: str = "",
               loaded: Collection[str] | None = None, more: Loader | None = None,
               table: Rows | None = None) -> list[QCResult]:
    """Every QC query on one store loaded once: document-scoped ones per document, their
    rows kept in one cache entry for the whole build (one write: a write per document and
    query cost 13 ms each on a busy disk), corpus ones from their per-document facts
    (:mod:`ctkg.validate.qc_corpus`), kept in the same entry. One result per query, rows =
    offences.

    ``store`` holds the shared graphs and the document graphs ``loaded`` (None: every
    document, the whole build). A small store must hold at least :func:`qc_todo`'s
    documents; a document the run needs beyond them is loaded by ``more`` (graph IRIs), or,
    without it, :class:`~ctkg.validate.qc_corpus.NeedGraphs` is raised (run again on the
    whole store). The rows are the same either way. ``table``: the cache's entry, if read
    already (:func:`stored_rows`)."""
    queries = list(queries)
    table = stored_rows(cache, queries) if table is None else table
    fresh: Rows = {}
    facts = Facts(store, queries, documents, shared, list(shared if lookups is None else lookups),
                  table, fresh, loaded, more)
    facts.need(_missing(table, queries, documents, facts.digest))
    out = []
    for q in queries:
        rows = (document_rows(store, q, documents, shared, table, fresh, lookups, shared_key)
                if q.scope == "document" else facts.rows(q))
        out.append(QCResult(q.name, q.severity, rows, q.title))
    facts.keep_answers()
    if cache is not None and fresh != table and fresh:
        cache.put("qc", _table_name(queries), fresh)
    return out


def prime(store: ox.Store, queries: Iterable[QCQuery], documents: dict[str, str],
          shared: Sequence[str], lookups: Sequence[str], table: Rows) -> None:
    """Put into ``table`` what :func:`run_scoped` keeps per document, for ``documents``
    (graph IRI -> document key, none empty), all of them in ``store`` with the ``lookups``
    graphs: each document-scoped query's rows, the corpus facts, and each document's
    answers about its own nodes as these documents ask them. A later :func:`run_scoped`
    given ``table`` then runs none of it again (a cold build makes it a chunk of documents
    at a time: :mod:`ctkg.kg.chunked`). The shared graphs' rows are not kept: ``store``
    need not hold every shared graph."""
    queries = list(queries)
    fresh: Rows = {}
    facts = Facts(store, queries, documents, shared, list(lookups), {}, fresh, None, None)
    for q in queries:
        if q.scope == "document":
            document_rows(store, q, documents, shared, {}, fresh, lookups)
        elif (plan := plan_of(q)) is not None and plan.mode != GUARDED:
            facts.rows(q)  # its rows are the chunk's only: wanted for the answers it asks
    facts.keep_answers()
    table.update(fresh)
