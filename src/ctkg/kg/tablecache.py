"""The tables from cached row sets: each document's rows under its compile key, the shared
graphs' under a digest of their quads, in one cache entry for the whole build (as
``ctkg.validate.qc_scope`` keeps QC's rows: one read, and a write when they changed), with
the few row sets made since it in a second, small one; a build queries only the documents
whose rows are not there (:mod:`ctkg.kg.tablerows` says why that is exact).

For the pipeline: :func:`plan_tables` reads the entries before any store is loaded and
says which document graphs must be queried (:attr:`TablePlan.todo`) and whether the tables
need the whole store anyway (:attr:`TablePlan.needs_whole`). Then either
``ctkg.kg.tablemeta.render_tables_partly(small, plan)``, ``small`` a store of the shared
graphs and the graphs of ``plan.todo``, which says None when that store is not enough
(rows made with other labels, or rows that read another graph: then load the whole store),
or ``render_tables(store, store, spool, stop, plan)`` on the whole store, which is always
answered (from the union, as without a plan, when the row sets cannot be used).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from ctkg.kg import tables as t
from ctkg.kg.parallel import code_version, digest
from ctkg.kg.tablerows import (
    PER_DOCUMENT,
    DocRows,
    SharedRows,
    document_rows,
    entity_lines,
    merge,
    shared_rows,
)
from ctkg.validate.qc_scope import BATCH_FROM, RowCache

KIND = "tables"
# the entry is rewritten once the row sets made since it are this share of the build's:
# till then a build writes the few it made (the entry of 2,000 synthetic documents: 30 MB)
DELTA_SHARE = 1 / 16


def entry_names() -> tuple[str, str]:
    """The names of the entry of every row set (rewritten when many changed) and of the
    row sets made since (while they are few); of this code's, whose classes they pickle."""
    version = code_version()
    return digest("tables-rows", version), digest("tables-rows-delta", version)


def row_key(document_key: str) -> str:
    """A document's rows: its compile key (its inputs, the shared inputs, the code)."""
    return digest("tables", document_key) if document_key else ""


def shared_key_of(shared_key: str) -> str:
    """The shared graphs' rows: the digest of their quads ('' for none: not kept)."""
    return digest("tables-shared", shared_key) if shared_key else ""


@dataclass
class TablePlan:
    """The tables of one build: its documents (graph IRI -> compile key, '' for none), its
    shared graphs (and the digest of their quads, '' for none), and the last build's rows."""

    documents: dict[str, str]
    shared_graphs: list[str]
    shared_key: str = ""
    cache: RowCache | None = None
    base: dict[str, object] = field(default_factory=dict)  # the entry as read
    delta: dict[str, object] = field(default_factory=dict)  # the row sets since, as read
    fresh: dict[str, object] = field(default_factory=dict)  # the rows this build used
    runs: int = 0  # document graphs queried (tests count them)

    @cached_property
    def stored(self) -> dict[str, object]:
        """The last build's row sets: the entry, updated by those made since."""
        return {**self.base, **self.delta}

    @cached_property
    def row_keys(self) -> dict[str, str]:
        """Each document graph's :func:`row_key` ('' for none), digested once a build."""
        return {g: row_key(k) for g, k in self.documents.items()}

    @property
    def todo(self) -> list[str]:
        """The document graphs whose rows are not in the cache: the store must hold them."""
        stored = self.stored
        return [g for g, k in self.row_keys.items() if not isinstance(stored.get(k), DocRows)]

    @property
    def needs_whole(self) -> bool:
        """Whether a cached row set says it reads another graph (then only the whole
        store makes the tables)."""
        return any(isinstance(v, DocRows | SharedRows) and v.cross
                   for v in self.stored.values())


def plan_tables(cache: RowCache | None, documents: Mapping[str, str],
                shared_graphs: Sequence[str], shared_key: str = "") -> TablePlan:
    """The plan of a build's tables, the cache entries read once."""
    entry, since = entry_names()
    base, delta = (cache.get(KIND, entry), cache.get(KIND, since)) if cache is not None \
        else (None, None)
    return TablePlan(dict(documents), list(shared_graphs), shared_key, cache,
                     base if isinstance(base, dict) else {},
                     delta if isinstance(delta, dict) else {})


def tables_todo(cache: RowCache | None, documents: Mapping[str, str],
                shared_graphs: Sequence[str] = ()) -> list[str]:
    """The document graphs whose rows a build must query (see :class:`TablePlan`)."""
    return plan_tables(cache, documents, shared_graphs).todo


def table_data(store: ox.Store, plan: TablePlan, whole: bool = True,
               keys: t.NaturalKeys | None = None) -> dict[str, bytes] | None:
    """Each table's CSV lines (no header) by name, from the cache and ``store`` (``whole``:
    every graph of the build; else the shared graphs and :attr:`TablePlan.todo`'s). None
    when the rows need graphs the store does not hold, or the whole store's union (a row
    set that reads another graph): then the caller makes the tables from the whole store.
    The cache entry is written when its rows changed."""
    keys = {} if keys is None else keys
    skey = shared_key_of(plan.shared_key)
    shared = plan.stored.get(skey) if skey else None
    if not isinstance(shared, SharedRows):
        shared = shared_rows(store, plan.shared_graphs, keys)
    if skey:
        plan.fresh[skey] = shared
    if shared.cross:
        _save(plan)  # the next build's plan says so before loading a store
        return None
    rows: dict[str, DocRows] = {}
    todo = []
    for graph, key in plan.row_keys.items():
        hit = plan.stored.get(key) if key else None
        if isinstance(hit, DocRows) and hit.labels_digest == shared.labels_digest:
            rows[graph] = hit
        else:
            todo.append(graph)
    if not whole and not set(todo) <= set(plan.todo):
        return None
    plan.runs += len(todo)
    rows.update(document_rows(store, todo, shared, keys, batch=_batch(len(todo), plan, whole)))
    for graph, key in plan.row_keys.items():
        if key:
            plan.fresh[key] = rows[graph]
    _save(plan)
    if any(r.cross for r in rows.values()):
        return None
    ordered = [rows[g] for g in sorted(rows)]
    out = {"documents": shared.documents, "events": shared.events,
           "entities": entity_lines(shared, ordered, t.Labels(found=shared.labels), keys)}
    for name in PER_DOCUMENT:
        out[name] = merge((r.blocks[name] for r in ordered), keys)
    return out


def _batch(todo: int, plan: TablePlan, whole: bool) -> bool:
    """Whether to query every graph in one pass: on a small store, from two documents (the
    pass reads little more than their graphs); on the whole store, from a quarter of the
    documents (at 2,000 synthetic documents, a pass took as long as 8 ms per document for
    about 600 of them) and never for fewer than ``qc_scope.BATCH_FROM``."""
    return todo >= 2 if not whole else todo >= max(BATCH_FROM, len(plan.documents) // 4)


def _save(plan: TablePlan) -> None:
    """The row sets this build used, written when they changed: those not in the entry
    alone while they are few (:data:`DELTA_SHARE`), else all of them as the new entry."""
    if plan.cache is None or not plan.fresh:
        return
    delta = {k: v for k, v in plan.fresh.items() if plan.base.get(k) is not v}
    if delta.keys() == plan.delta.keys() and all(plan.delta[k] is v for k, v in delta.items()):
        return  # as read
    entry, since = entry_names()
    if plan.base and len(delta) <= DELTA_SHARE * len(plan.fresh):
        plan.cache.put(KIND, since, delta)
    else:
        _put(plan.cache, entry, plan.fresh)
        plan.cache.put(KIND, since, {})


def _put(cache: RowCache, key: str, value: object) -> None:
    """The whole build's row sets, streamed to the cache when it can (150 MB at 10,000
    documents: as bytes too, they were that much more memory at the build's peak)."""
    streamed = getattr(cache, "put_streamed", None)
    if streamed is not None:
        streamed(KIND, key, value)
    else:
        cache.put(KIND, key, value)
