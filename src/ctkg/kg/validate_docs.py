"""Incremental SHACL validation: a document's unit is looked up by what it is made of.

A document unit (:func:`ctkg.validate.partition.document_unit`) holds the document's triples,
the class hierarchy and the shared description (registry, catalogue, ontology, Wikidata) of
every shared node the document names. Its results are therefore a function of the
document's compile key (its files, the shared inputs, the code), the shapes and engine, and
the descriptions of those shared nodes; this key is computed without building the unit, so
an incremental build builds and validates only the units of edited documents (and of
documents whose shared neighbours changed, e.g. a catalogue entry). Building every unit to
hash it took most of an incremental validation (20 of 24 s at 1,000 documents).
The shared units need every document's facts about shared nodes; they are always built
and cached by their data (:func:`ctkg.kg.parallel.validate_units`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ctkg.kg import parallel
from ctkg.validate.partition import SharedIndex, document_unit, shared_units
from ctkg.validate.shacl import ShaclResult


class _Neighbours:
    """A digest of each shared node's description, computed once per build."""

    def __init__(self, index: SharedIndex) -> None:
        self.index = index
        self.digests: dict[object, str] = {}

    def key(self, quads: list[ox.Quad]) -> list[str]:
        """The digests of the shared descriptions a document's unit takes in."""
        desc = self.index.desc
        terms = {q.subject for q in quads} | {q.object for q in quads}
        out = []
        for t in terms & desc.keys():
            d = self.digests.get(t)
            if d is None:
                d = self.digests[t] = parallel.digest(*sorted(map(str, desc[t])))
            out.append(d)
        return sorted(out)


def validate_documents(by_doc: Mapping[str, list[ox.Quad]], shared: list[ox.Quad],
                       doc_keys: Mapping[str, str], shapes_ttl: bytes, jobs: int,
                       cache: parallel.Cache, show: bool, engine: str,
                       executor: parallel.ExecutorFactory | None = None,
                       shared_chunks: int = 64) -> list[ShaclResult]:
    """Every unit's results: the shared units (cached by their data), then one unit per
    document, looked up under :class:`_Neighbours` keys before it is built."""
    index = SharedIndex(shared)
    shape_key = parallel.digest(shapes_ttl, engine, parallel.code_version())
    neighbours = _Neighbours(index)
    all_doc = (q for quads in by_doc.values() for q in quads)
    results = parallel.validate_units(shared_units(all_doc, index, shared_chunks), shapes_ttl,
                                      jobs, cache, show, engine, executor)
    found: dict[str, list[ShaclResult]] = {}
    keys: dict[str, str] = {}
    todo: list[str] = []
    for doc_id in sorted(by_doc):
        quads = by_doc[doc_id]
        keys[doc_id] = parallel.digest(shape_key, doc_keys[doc_id], *neighbours.key(quads))
        hit = cache.get("validate-doc", keys[doc_id])
        if hit is not None:
            found[doc_id] = hit
        else:
            todo.append(doc_id)
    units = (document_unit(by_doc[d], index) for d in todo)  # built as the workers go
    fresh = parallel.validate_per_unit(units, shapes_ttl, jobs, show, engine, executor,
                                       total=len(todo))
    for doc_id, res in zip(todo, fresh, strict=True):
        cache.put("validate-doc", keys[doc_id], res)
        found[doc_id] = res
    return results + [r for d in sorted(found) for r in found[d]]
