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
from collections.abc import Callable, Iterable, Sequence
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


Rows = dict[str, list[str]]  # row key -> rows: one table for the whole build's QC


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


def run_scoped(store: ox.Store, queries: Iterable[QCQuery], documents: dict[str, str],
               shared: Sequence[str], cache: RowCache | None = None,
               lookups: Sequence[str] | None = None, shared_key: str = "") -> list[QCResult]:
    """Every QC query on one store loaded once: document-scoped ones per document, their
    rows kept in one cache entry for the whole build (one write: a write per document and
    query cost 13 ms each on a busy disk), corpus ones on the union. One result per query,
    rows = offences."""
    queries = list(queries)
    name = hashlib.sha256("\n".join(q.text for q in queries
                                     if q.scope == "document").encode()).hexdigest()
    stored = cache.get("qc", name) if cache is not None else None
    table: Rows = stored if isinstance(stored, dict) else {}
    fresh: Rows = {}
    out = []
    for q in queries:
        rows = (document_rows(store, q, documents, shared, table, fresh, lookups, shared_key)
                if q.scope == "document" else run_query(store, q))
        out.append(QCResult(q.name, q.severity, rows, q.title))
    if cache is not None and (fresh != table or stored is None) and fresh:
        cache.put("qc", name, fresh)
    return out
