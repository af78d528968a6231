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
  to another document); it runs once on the union, and its header says why.

Many documents to run (a cold cache) are run in one pass instead: the query over the whole
build with ``?graph`` projected, its rows split by graph (the same rows, by the scope rule).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

import pyoxigraph as ox

from ctkg.sparql.lexer import tokenize
from ctkg.validate.qc import QCQuery, QCResult, run_query, solution_rows, term_text

GRAPH_VAR = "graph"
# From this many documents to run, one pass over the whole build beats one run each.
BATCH_FROM = 64


class RowCache(Protocol):
    """Where a document's rows of a query are kept (``kg.parallel.Cache`` has this shape)."""

    def get(self, kind: str, key: str) -> object | None: ...

    def put(self, kind: str, key: str, value: object) -> None: ...


def row_key(document_key: str, query: QCQuery) -> str:
    """A document's rows of a query: its compile key (inputs, shared inputs, code) plus the
    query's text."""
    return hashlib.sha256(f"{document_key}\n{query.text}".encode()).hexdigest()


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


def document_rows(store: ox.Store, query: QCQuery, documents: dict[str, str],
                  shared: Sequence[str], cache: RowCache | None,
                  lookups: Sequence[str] | None = None, shared_key: str = "") -> list[str]:
    """A document-scoped query's rows: the shared graphs' run, then each document's rows
    from the cache or a run (``documents``: graph IRI -> document key, '' for none).

    A document's run reads that graph and ``lookups`` (default: the shared graphs); the
    build passes the shared graphs whose inputs its document keys cover. The shared graphs'
    rows are cached under ``shared_key`` (a digest of their quads) when one is given."""
    lookups = list(shared if lookups is None else lookups)
    rows: set[str] = set()
    hit = cache.get("qc", row_key("shared:" + shared_key, query)) \
        if cache is not None and shared_key else None
    if isinstance(hit, list):
        rows.update(hit)
    else:
        mine = sorted(set(run_in(store, query, shared, [])))
        rows.update(mine)
        if cache is not None and shared_key:
            cache.put("qc", row_key("shared:" + shared_key, query), mine)
    todo: list[str] = []
    for graph, key in documents.items():
        hit = cache.get("qc", row_key(key, query)) if cache is not None and key else None
        if isinstance(hit, list):
            rows.update(hit)
        else:
            todo.append(graph)
    found = _by_graph(store, query) if len(todo) >= BATCH_FROM else {
        g: run_in(store, query, [g], lookups) for g in todo}
    for graph in todo:
        mine = sorted(set(found.get(graph, [])))
        rows.update(mine)
        if cache is not None and documents[graph]:
            cache.put("qc", row_key(documents[graph], query), mine)
    return sorted(rows)


def run_scoped(store: ox.Store, queries: Iterable[QCQuery], documents: dict[str, str],
               shared: Sequence[str], cache: RowCache | None = None,
               lookups: Sequence[str] | None = None, shared_key: str = "") -> list[QCResult]:
    """Every QC query on one store loaded once: document-scoped ones per document (cached),
    corpus ones on the union. One result per query, rows = offences."""
    out = []
    for q in queries:
        rows = (document_rows(store, q, documents, shared, cache, lookups, shared_key)
                if q.scope == "document" else run_query(store, q))
        out.append(QCResult(q.name, q.severity, rows, q.title))
    return out
