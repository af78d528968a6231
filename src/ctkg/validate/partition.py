"""SHACL validation split into independent units, so that it can run in parallel and be
cached per document.

Why the split is sound for ``ontology/shapes.ttl``. Every node of the build is either
*document-local* (``id/mention/<doc>/…``, ``id/statement/<doc>/…``,
``id/assertion/<doc>/…``, ``id/quantity/<doc>/…``: all their triples are in
``graph/<doc>``) or *shared* (registry
entities, events, concepts, source documents, ontology terms: described in graph/registry,
catalogue, ontology and wikidata, and also the subject of plain facts in document graphs,
e.g. ``event ctkg:organizer org`` or ``person gaf:denotedBy mention``). The shapes look at a
focus node's own triples, at the rdf:type (with the ontology's rdfs:subClassOf hierarchy) of
the nodes it points to (``sh:class``), and MentionShape's SPARQL goes one hop further, to the
mention's selectors (local) and its document's ``ctkg:characterCount`` (catalogue). So:

- a *document unit* validates the local nodes of some documents (``focus``) on those
  documents' triples plus, for every other node they mention, its description in the
  non-document graphs, plus the class hierarchy;
- a *shared unit* validates some shared nodes on all their triples from every graph (a
  registry event with its participants from every document: cardinalities count all of
  them), plus the same one-hop descriptions of what they point to (the rdf:type of a
  document-local node included), plus the class hierarchy.

Every focus node is in exactly one unit, and each unit holds every triple a shape reads for
its focus nodes, so the union of the units' results is the result of validating the union
graph. Shapes that target nodes by ``sh:targetNode`` or ``sh:targetObjectsOf`` (a node need
not be a subject) are not covered: :func:`ctkg.validate.shacl.partitionable` says so and
the build then validates the union as one unit. tests/kg/test_parallel.py checks that
plain and split validation find the same violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import Graph

from ctkg.rdf.namespaces import ID_NS
from ctkg.rdf.terms import (
    LOCAL_STARTS,
    RDF_TYPE,
    RDFS_SUBCLASS_OF,
    iri_of,
    local_document,
)
from ctkg.validate.shacl import ShaclResult, parse_shapes, validate_triples
from ctkg.validate.shacl_rust import RustShapes, compile_shapes, validate_ntriples

SHARED_GRAPHS = ("ontology", "registry", "catalogue", "wikidata")


@dataclass(frozen=True)
class Unit:
    """A piece of validation: the data and the nodes (IRIs) to validate.

    The data travels as N-Quads whose graph names do not count (pyoxigraph writes and reads
    it much faster than pickle handles term objects): sorted canonical N-Triples where a
    cache key hashes it (:func:`plan`, the shared units), else the documents' own N-Quads
    lines as the build holds them (:func:`documents_unit`: parsing them into terms to write
    them again cost more than validating them).
    """

    data: bytes
    focus: tuple[str, ...]
    # the classes (with their superclasses) and predicates of the focus nodes in ``data``,
    # where the unit's maker knows them: the engine then skips the shapes that target none
    # (ctkg.validate.shacl_rust.variant)
    seen: frozenset[str] | None = None

    def triples(self) -> list[ox.Triple]:
        return [q.triple for q in ox.parse(self.data, format=ox.RdfFormat.N_QUADS)]


def local_doc(term: object) -> str | None:
    """The document a document-local node belongs to (None for a shared node or a literal)."""
    return local_document(term.value) if isinstance(term, ox.NamedNode) else None


def is_local(term: object) -> bool:
    """``local_doc(term) is not None``, without slicing the document's id: the partition
    asks it of every subject and object of the build (3 µs a call with a regex, a third of
    planning)."""
    return isinstance(term, ox.NamedNode) and is_local_iri(term.value)


def is_local_iri(value: str) -> bool:
    """:func:`is_local` of the IRI ``value``."""
    if not value.startswith(LOCAL_STARTS):
        return False
    at = value.index("/", len(ID_NS)) + 1  # after the kind
    slash = value.find("/", at)
    return slash > at


class SharedIndex:
    """Descriptions (subject -> triples) of the non-document graphs, and the hierarchy."""

    def __init__(self, shared_quads: Iterable[ox.Quad]) -> None:
        self.desc: dict[object, list[ox.Triple]] = {}
        hierarchy: set[ox.Triple] = set()
        for q in shared_quads:
            t = q.triple
            self.desc.setdefault(q.subject, []).append(t)
            if q.predicate == RDFS_SUBCLASS_OF:
                hierarchy.add(t)
        self.hierarchy = hierarchy
        self._nt: dict[object, bytes] = {}
        self.hierarchy_nt = _nt(hierarchy)

    def neighbourhood(self, terms: Iterable[object], out: set[ox.Triple]) -> None:
        """Add the shared description of each IRI term to ``out``."""
        desc = self.desc
        for t in terms:
            d = desc.get(t)
            if d:
                out.update(d)

    def described(self, terms: Iterable[object]) -> bytes:
        """The shared descriptions of ``terms`` (those described) as N-Triples, each
        serialized once per build."""
        cached, desc = self._nt, self.desc
        parts = []
        for t in terms:
            d = cached.get(t)
            if d is None:
                if t not in desc:
                    continue
                d = cached[t] = _nt(set(desc[t]))
            parts.append(d)
        return b"".join(parts)


def _nt(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


_SUBJECT = re.compile(rb"\n<([^>]*)> ")  # a literal start: 3x faster than ^ with re.M


def local_subjects(nquads: bytes) -> set[str]:
    """The document-local IRIs that are subjects of N-Quads lines: the focus nodes of a
    document's unit (the same as :func:`document_unit` takes from its quads)."""
    return {iri for iri in map(bytes.decode, set(_SUBJECT.findall(b"\n" + nquads)))
            if is_local_iri(iri)}


def documents_unit(nquads: Iterable[bytes], terms: Iterable[object], index: SharedIndex,
                   focus: Iterable[str]) -> Unit:
    """:func:`document_unit` of one or more documents from their N-Quads lines (the graph
    names do not count), ``terms`` (the shared nodes they name: their descriptions are
    taken in) and ``focus`` (their :func:`local_subjects`), without reading a term of it."""
    data = b"".join([index.hierarchy_nt, index.described(terms), *nquads])
    return Unit(data, tuple(sorted(focus)))


def _unit(triples: set[ox.Triple], focus: Iterable[object]) -> Unit:
    return Unit(_nt(triples), tuple(sorted({iri_of(f) for f in focus})))


def document_unit(doc_quads: Iterable[ox.Quad], index: SharedIndex) -> Unit:
    """The unit of one or more documents' local nodes."""
    triples: set[ox.Triple] = set(index.hierarchy)
    focus: set[object] = set()
    others: set[object] = set()
    for q in doc_quads:
        triples.add(q.triple)
        s, o = q.subject, q.object
        if is_local(s):
            focus.add(s)
        else:
            others.add(s)
        if isinstance(o, ox.NamedNode) and not is_local(o):
            others.add(o)
    index.neighbourhood(others, triples)
    return _unit(triples, focus)


def shared_units(doc_quads: Iterable[ox.Quad], index: SharedIndex, chunks: int) -> list[Unit]:
    """The units of the shared nodes, in ``chunks`` groups of subjects."""
    outward: list[ox.Triple] = []
    local_types: dict[object, list[ox.Triple]] = {}
    for q in doc_quads:
        if not is_local(q.subject):
            outward.append(q.triple)
        elif q.predicate == RDF_TYPE:
            local_types.setdefault(q.subject, []).append(q.triple)
    return shared_units_of(outward, local_types, index, chunks)


def shared_units_of(outward: Iterable[ox.Triple], local_types: dict[object, list[ox.Triple]],
                    index: SharedIndex, chunks: int) -> list[Unit]:
    """:func:`shared_units` from the documents' triples about non-local nodes (``outward``)
    and the rdf:type triples of local nodes (those that such triples point to suffice)."""
    by_subject = {s: list(d) for s, d in index.desc.items()}
    for t in outward:
        by_subject.setdefault(t.subject, []).append(t)
    subjects = sorted(by_subject, key=iri_of)
    n = max(1, chunks)
    return [shared_unit(subjects[i::n], by_subject, local_types, index)
            for i in range(n) if subjects[i::n]]


def shared_unit(part: Iterable[object], by_subject: Mapping[object, Iterable[ox.Triple]],
                local_types: Mapping[object, Iterable[ox.Triple]], index: SharedIndex
                ) -> Unit:
    """The unit of the shared nodes ``part``: their triples (``by_subject``: every graph's),
    the hierarchy, and the shared description and the rdf:type (``local_types``, of local
    nodes) of every IRI they point to."""
    part = list(part)
    triples: set[ox.Triple] = set(index.hierarchy)
    objects: set[object] = set()
    for s in part:
        for t in by_subject[s]:
            triples.add(t)
            if isinstance(t.object, ox.NamedNode):
                objects.add(t.object)
    index.neighbourhood(objects, triples)
    for o in objects:
        triples.update(local_types.get(o, ()))
    return replace(_unit(triples, part), seen=seen_of(triples, set(part)))


def seen_of(triples: Iterable[ox.Triple], focus: set[object]) -> frozenset[str]:
    """:attr:`Unit.seen` of ``triples`` for the ``focus`` nodes."""
    supers: dict[str, set[str]] = {}
    types: set[str] = set()
    predicates: set[str] = set()
    for t in triples:
        p = t.predicate
        if p == RDFS_SUBCLASS_OF and isinstance(t.object, ox.NamedNode):
            supers.setdefault(t.subject.value, set()).add(t.object.value)  # type: ignore[union-attr]
        if t.subject in focus:
            predicates.add(p.value)
            if p == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                types.add(t.object.value)
    todo = list(types)
    while todo:  # the superclasses, through any chain of rdfs:subClassOf
        for sup in supers.get(todo.pop(), ()):
            if sup not in types:
                types.add(sup)
                todo.append(sup)
    return frozenset(types | predicates)


def plan(quads_by_doc: Mapping[str, list[ox.Quad]], shared_quads: list[ox.Quad],
         docs_per_unit: int = 25, shared_chunks: int = 4) -> list[Unit]:
    """Every unit of a build: shared units first (the largest), then document groups."""
    index = SharedIndex(shared_quads)
    all_doc = (q for quads in quads_by_doc.values() for q in quads)
    units = shared_units(all_doc, index, shared_chunks)
    names = sorted(quads_by_doc)
    for i in range(0, len(names), docs_per_unit):
        group = names[i:i + docs_per_unit]
        units.append(document_unit((q for d in group for q in quads_by_doc[d]), index))
    return units


# -- running units -----------------------------------------------------------------------------

_SHAPES: dict[str, object] = {}  # this (worker) process's engine and shapes, prepared once


def init_worker(shapes_ttl: bytes, engine: str = "rust") -> None:
    """Prepare the shapes once per worker process (a ProcessPoolExecutor initializer):
    compiled for the Rust engine, parsed into rdflib for pySHACL."""
    _SHAPES.clear()
    _SHAPES["engine"] = engine
    _SHAPES["shapes"] = compile_shapes(shapes_ttl) if engine == "rust" \
        else parse_shapes(shapes_ttl)


def run_unit(unit: Unit) -> list[ShaclResult]:
    """Validate one unit (in a worker, with the engine and shapes of :func:`init_worker`)."""
    shapes = _SHAPES["shapes"]
    if _SHAPES["engine"] == "rust":
        assert isinstance(shapes, RustShapes)
        return validate_ntriples(unit.data, shapes, focus=unit.focus, seen=unit.seen)
    assert isinstance(shapes, Graph)
    return validate_triples(unit.triples(), shapes, focus=unit.focus)


def run_units(units: list[Unit], shapes_ttl: bytes, engine: str = "rust") -> list[ShaclResult]:
    """Every unit's results, in this process."""
    init_worker(shapes_ttl, engine)
    return [r for u in units for r in run_unit(u)]
