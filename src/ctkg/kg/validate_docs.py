"""Incremental SHACL validation: a document's unit is looked up by what it is made of.

A document unit (:func:`ctkg.validate.partition.document_unit`) holds the document's triples,
the class hierarchy and the shared description (registry, catalogue, ontology, Wikidata) of
every shared node the document names. Its results are therefore a function of the
document's compile key (its files, the shared inputs, the code), the shapes and engine, and
the descriptions of those shared nodes; this key is computed without building the unit, so
an incremental build builds and validates only the units of edited documents (and of
documents whose shared neighbours changed, e.g. a catalogue entry). Building every unit to
hash it took most of an incremental validation (20 of 24 s at 1,000 documents).
The shared units need every document's facts about shared nodes: with a cache they are
looked up by what they are made of (:mod:`ctkg.kg.shared_units`: each document's
contribution under its compile key, and the shared descriptions), and only those an edit
changes are built, from the documents that contribute to them; a document's key then takes
the shared nodes it names from its contribution too, without reading a term. Without a
cache, or when a document's outward triples name another document's nodes, they are built
from every document's summary (:mod:`ctkg.kg.docgraphs`), not its quads, and cached by
their data (:class:`ctkg.kg.parallel.CachedUnits`).

Documents are cached one by one (in one entry for the build) but validated
``DOCS_PER_UNIT`` to a unit: each engine run,
pyoxigraph store and SPARQL query has a cost of its own, and documents that name the same
registry entities share their descriptions. Their results are told apart by focus node
(a document's own nodes). Validating them together gives each the results it gets alone,
for the reason the partition is sound (:mod:`ctkg.validate.partition`): a unit holds every
triple that a shape reads for its focus nodes, and more triples (other documents', also in
the union graph) change no result about them. A unit is made of the documents' N-Quads
lines as the build holds them (:func:`ctkg.validate.partition.documents_unit`): parsing
them into terms and serializing them again took 1.3 ms a document, more than validating it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from itertools import chain

import pyoxigraph as ox

from ctkg.kg import parallel
from ctkg.kg.cache import Table
from ctkg.kg.docgraphs import DocGraphs, joined_triples
from ctkg.kg.shared_units import Contributions, KeyedSharedUnits, SharedSide
from ctkg.rdf.terms import graph_of
from ctkg.validate.partition import (
    SharedIndex,
    Unit,
    document_unit,
    documents_unit,
    is_local,
    local_subjects,
    shared_units_of,
)
from ctkg.validate.shacl import ShaclResult

DOCS_PER_UNIT = 16  # documents validated together (the module docstring says why)


class _Neighbours:
    """A digest of each shared node's description, computed once per build."""

    def __init__(self, index: SharedIndex) -> None:
        self.index = index
        self.digests: dict[object, str] = {}
        # a shared graph that describes a document's own node (none does so far) makes
        # local terms count: then a document's terms are read from its quads
        self.local_keys = any(is_local(t) for t in index.desc)

    def key(self, terms: Iterable[object]) -> list[str]:
        """The digests of the shared descriptions a document's unit takes in (``terms``:
        the subjects and objects of its quads)."""
        desc = self.index.desc
        out = []
        for t in set(terms) & desc.keys():
            d = self.digests.get(t)
            if d is None:
                d = self.digests[t] = parallel.digest(*sorted(map(str, desc[t])))
            out.append(d)
        return sorted(out)

    def terms(self, docs: DocGraphs, doc_id: str) -> Iterable[object]:
        if self.local_keys:
            quads = docs[doc_id]
            return {q.subject for q in quads} | {q.object for q in quads}
        return docs.summary(doc_id).terms


class _Plan:
    """How a build's units are found: the shared units and each document's key."""

    def __init__(self, docs: DocGraphs, shared: list[ox.Quad], doc_keys: Mapping[str, str],
                 shapes_ttl: bytes, engine: str, shape_key: str, cache: parallel.Cache,
                 chunks: int) -> None:
        self.docs, self.doc_keys, self.shape_key = docs, doc_keys, shape_key
        self.shared = shared
        self.keyed = _keyed(docs, shared, doc_keys, shape_key, cache, chunks)
        self.shared_units: KeyedSharedUnits | parallel.CachedUnits
        if self.keyed is not None:
            self.local_keys = False
            self._index: SharedIndex | None = None
            self.shared_units = self.keyed
            return
        self._index = index = SharedIndex(shared)
        self.neighbours = _Neighbours(index)
        self.local_keys = self.neighbours.local_keys
        outward = joined_triples(summary.outward for summary in docs.summaries())
        units = shared_units_of(outward, docs.local_types(outward, shared), index, chunks)
        self.shared_units = parallel.CachedUnits(units, shapes_ttl, engine, cache)

    def key(self, doc_id: str) -> str:
        """The key of a document's results: its compile key, and the descriptions of the
        shared nodes it names (from its contribution's terms when keyed: no term read)."""
        if self.keyed is None:
            neighbours = self.neighbours
            return parallel.digest(self.shape_key, self.doc_keys[doc_id],
                                   *neighbours.key(neighbours.terms(self.docs, doc_id)))
        digests = self.keyed.side.digests
        described = b"".join(map(digests.__getitem__, self.keyed.found[doc_id].terms))
        return hashlib.sha256(b"%s\0keyed\0%s\0%s" % (
            self.shape_key.encode(), self.doc_keys[doc_id].encode(), described)).hexdigest()

    def index(self, todo: Iterable[str]) -> SharedIndex:
        """The shared descriptions the units to build take in (when keyed, those of the
        nodes the ``todo`` documents name and of the shared units to build only)."""
        if self._index is None:
            assert self.keyed is not None
            found = self.keyed.found
            side = self.keyed.side
            # a cold build (most chunks to build) needs every description: indexed from
            # the quads, without parsing their lines
            self._index = SharedIndex(self.shared) \
                if 2 * len(self.keyed.missing) > len(self.keyed.keys) \
                else side.index(self.keyed.needs().union(*(found[d].terms for d in todo)))
            self.keyed.build(self._index)
        return self._index


def validate_documents(docs: DocGraphs, shared: list[ox.Quad], doc_keys: Mapping[str, str],
                       shapes_ttl: bytes, jobs: int, cache: parallel.Cache, show: bool,
                       engine: str, executor: parallel.ExecutorFactory | None = None,
                       shared_chunks: int = 64) -> list[ShaclResult]:
    """Every unit's results: the shared units, then each document's, looked up under its
    key (:meth:`_Plan.key`) before its unit is built (and its quads read), the documents
    not found validated ``DOCS_PER_UNIT`` to a unit. With a cache, the shared units are
    looked up by what they are made of (:mod:`ctkg.kg.shared_units`) and only those not
    found are built; else (or when the build is not plain) they are built from the
    documents' summaries and cached by their data."""
    shape_key = parallel.digest(shapes_ttl, engine, parallel.code_version())
    plan = _Plan(docs, shared, doc_keys, shapes_ttl, engine, shape_key, cache,
                 max(1, shared_chunks))
    found: dict[str, list[ShaclResult]] = {}
    keys: dict[str, str] = {}
    todo: list[str] = []
    table = _results(cache, shape_key)
    for doc_id in docs:
        keys[doc_id] = plan.key(doc_id)
        hit = table.get(keys[doc_id])
        if hit is not None:
            found[doc_id] = hit
        else:
            todo.append(doc_id)
    index = plan.index(todo)
    shared_units = plan.shared_units
    batches = [todo[i:i + DOCS_PER_UNIT] for i in range(0, len(todo), DOCS_PER_UNIT)]
    focus: dict[str, set[str]] = {}  # each document's focus nodes, to tell its results apart
    fresh_units = (_unit(docs, batch, index, plan.local_keys, focus)
                   for batch in batches)  # built as the workers go
    todo_shared = shared_units.todo()
    total = len(todo_shared) + len(batches)
    # one pool of workers for both (starting one takes about half a second: a few units, as
    # after an edit, are validated here)
    fresh = parallel.validate_per_unit(chain(todo_shared, fresh_units), shapes_ttl,
                                       jobs if total > 2 * jobs else 1, show, engine,
                                       executor, total=total, window=4 * jobs)
    shared_units.store(fresh[:len(todo_shared)])
    results = shared_units.results()
    for batch, res in zip(batches, fresh[len(todo_shared):], strict=True):
        for doc_id in batch:
            own = focus.pop(doc_id)
            found[doc_id] = [r for r in res if r.focus_iri in own]
            table.put(keys[doc_id], found[doc_id])
    table.save()
    return results + [r for d in sorted(found) for r in found[d]]


def _keyed(docs: DocGraphs, shared: list[ox.Quad], doc_keys: Mapping[str, str],
           shape_key: str, cache: parallel.Cache, n: int) -> KeyedSharedUnits | None:
    """The shared units by their inputs' keys, when the build has a cache and is plain;
    else None."""
    if cache.folder is None:
        return None
    table = Contributions(cache, n)
    found = table.of(docs, doc_keys)
    table.save()
    side = SharedSide(shared, n)
    plain = {d: c for d, c in found.items() if c is not None}
    if not side.plain or len(plain) != len(found):
        return None
    return KeyedSharedUnits(docs, side, plain, shape_key, cache)


def _results(cache: parallel.Cache, shape_key: str) -> Table[list[ShaclResult]]:
    """Each document's results under its key, in one cache entry for the whole build
    (``validate-docs``, named by the shapes, engine and code; results are a function of
    their key)."""
    return Table(cache, "validate-docs", parallel.digest("validate-docs", shape_key))


def _unit(docs: DocGraphs, batch: list[str], index: SharedIndex, local_keys: bool,
          focus: dict[str, set[str]]) -> Unit:
    """One unit for the documents of ``batch`` (each one's focus nodes noted in ``focus``),
    made of their N-Quads lines and the shared descriptions that their keys count."""
    if local_keys:  # a shared graph describes local nodes: read from the quads
        quads = [q for d in batch for q in docs[d]]
        for d in batch:
            focus[d] = {q.subject.value for q in docs[d]  # type: ignore[union-attr]
                        if is_local(q.subject)}
        return document_unit(quads, index)
    # as N-Triples (the engines read them faster): every line of a document's N-Quads ends
    # with its graph, where it was compiled
    lines = [b"".join(docs.nquads(d)).replace(b" <%s> .\n" % graph_of(d).value.encode(),
                                               b" .\n") for d in batch]
    for d, data in zip(batch, lines, strict=True):
        focus[d] = local_subjects(data)
    terms = set().union(*(docs.summary(d).terms for d in batch))
    return documents_unit(lines, sorted(terms, key=str), index,
                          set().union(*(focus[d] for d in batch)))
