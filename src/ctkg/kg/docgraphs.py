"""Each document's graph as the build keeps it: its dump pieces and a summary, not its quads.

Why: the build held every document's quads as pyoxigraph objects from compilation to
serialization (1.5 GB at 10,000 documents), and an incremental build unpacked every cached
compilation (10 s) for whole-build checks that read only a small part of each document:
its triples about nodes it does not mint (the shared SHACL units, the places), the
``rdf:type`` of its own nodes those triples point to, the nodes it names (the key of its own
SHACL unit), and its claims about event times. The worker that compiles a document
summarizes it (:func:`summarize`); the summary travels and is cached with the compilation.
A document's quads are read back from its N-Quads piece only where they are needed: to
build the SHACL unit of an edited document, or to place a violation.

A summary comes as an object or pickled (a :class:`ctkg.kg.spool.Blob`: the cache entry's
run, :mod:`ctkg.kg.entries`), unpickled when it is first asked for: an incremental build
that takes an unchanged document from the build's merged entry (:mod:`ctkg.kg.compilecache`)
does not read its summary unless a check asks for it.

Exact in every case: a graph that types another document's nodes carries those triples in
its summary, and a node that another document's triples point to has its types read from
its own document's quads (:meth:`DocGraphs.local_types`).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import pyoxigraph as ox

from ctkg.kg.pieces import Piece
from ctkg.kg.spool import Blob
from ctkg.rdf.terms import RDF_TYPE, ctkg, local_starts
from ctkg.validate.event_times import Claim, claims
from ctkg.validate.partition import is_local, local_doc

_CONTAINED_IN = ctkg("containedInPlace").value
_TYPE = RDF_TYPE.value
Claims = dict[tuple[str, str], list[Claim]]


@dataclass(frozen=True)
class DocSummary:
    """What the whole-build checks read of one document's graph."""

    outward: bytes = b""  # N-Triples: the triples whose subject is no document's own node
    types: bytes = b""  # N-Triples: rdf:type of the nodes in ``pointed``, and of any other
    #                     document's node this graph types
    pointed: frozenset[str] = frozenset()  # own nodes that the outward triples point to
    terms: frozenset[object] = frozenset()  # every subject and object that is not a local node
    places: bytes = b""  # N-Triples: containedInPlace of local nodes (none so far)
    claims: Claims = field(default_factory=dict)  # event-time claims (validate.event_times)


def decoded(summary: DocSummary | Blob) -> DocSummary:
    """A summary as an object (unpickled if it came pickled)."""
    if isinstance(summary, DocSummary):
        return summary
    found = pickle.loads(bytes(summary))
    if not isinstance(found, DocSummary):
        raise pickle.UnpicklingError("a document's summary expected")
    return found


def _triples(data: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if data else []


def joined_triples(parts: Iterable[bytes]) -> list[ox.Triple]:
    """The triples of many summaries' N-Triples, in their order: parsed as one document
    (one call per summary cost 1 s at 10,000 documents). The same as parsing each part:
    pyoxigraph keeps a blank node's label as written either way."""
    return _triples(b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts if p))


def _nt(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


def summarize(doc_id: str, quads: Iterable[ox.Quad]) -> DocSummary:
    """The summary of document ``doc_id``'s quads (in any order)."""
    quads = list(quads)
    own = local_starts(doc_id)
    outward: list[ox.Triple] = []
    own_types: dict[str, list[ox.Triple]] = {}
    other_types: list[ox.Triple] = []
    places: list[ox.Triple] = []
    pointed: set[str] = set()
    terms: set[object] = set()
    named = ox.NamedNode
    mine = own if doc_id else ()  # a node under them is local: is_local without the call
    for q in quads:  # each term read once: pyoxigraph makes a new object at each read
        s, o = q.subject, q.object
        o_local = isinstance(o, named) and (o.value.startswith(mine) or is_local(o))
        if isinstance(s, named) and (s.value.startswith(mine) or is_local(s)):
            p = q.predicate.value
            if p == _TYPE:
                if s.value.startswith(own):
                    own_types.setdefault(s.value, []).append(q.triple)
                else:
                    other_types.append(q.triple)
            elif p == _CONTAINED_IN:
                places.append(q.triple)
        else:
            outward.append(q.triple)
            terms.add(s)
            if o_local and o.value.startswith(own):  # type: ignore[union-attr]
                pointed.add(o.value)  # type: ignore[union-attr]
        if not o_local and not isinstance(o, ox.Literal):
            terms.add(o)
    types = other_types + [t for n in pointed for t in own_types.get(n, ())]
    return DocSummary(_nt(outward), _nt(types), frozenset(pointed), frozenset(terms),
                      _nt(places), claims(quads))


class DocGraphs(MutableMapping[str, list[ox.Quad]]):
    """Document id -> its quads, read back from its N-Quads pieces each time they are asked
    for (or as set: a test plants a defect so), with each document's summary."""

    def __init__(self) -> None:
        self._pieces: dict[str, list[Piece]] = {}
        self._summaries: dict[str, DocSummary | Blob] = {}  # unpickled when first asked for
        self._set: dict[str, list[ox.Quad]] = {}

    def add(self, doc_id: str, pieces: list[Piece], summary: DocSummary | Blob) -> None:
        self._pieces[doc_id] = pieces
        self._summaries[doc_id] = summary

    def __getitem__(self, doc_id: str) -> list[ox.Quad]:
        if doc_id in self._set:
            return self._set[doc_id]
        data = b"".join(bytes(p.nq) for p in self._pieces[doc_id])
        return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))

    def __setitem__(self, doc_id: str, quads: list[ox.Quad]) -> None:
        self._set[doc_id] = quads

    def __delitem__(self, doc_id: str) -> None:
        self._pieces.pop(doc_id, None)
        self._summaries.pop(doc_id, None)
        self._set.pop(doc_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._pieces.keys() | self._set.keys()))

    def __len__(self) -> int:
        return len(self._pieces.keys() | self._set.keys())

    def __contains__(self, doc_id: object) -> bool:  # without reading the quads
        return doc_id in self._pieces or doc_id in self._set

    def pieces(self, doc_id: str) -> list[Piece]:
        return self._pieces.get(doc_id, [])

    def summary(self, doc_id: str) -> DocSummary:
        """The document's summary (made from its quads when they were set)."""
        if doc_id in self._set:
            return summarize(doc_id, self._set[doc_id])
        found = self._summaries[doc_id]
        if not isinstance(found, DocSummary):
            found = self._summaries[doc_id] = decoded(found)
        return found

    def forget_summaries(self) -> None:
        """Let the summaries go (the whole-build checks are done); the quads stay readable."""
        self._summaries.clear()

    def summaries(self) -> Iterator[DocSummary]:
        return (self.summary(d) for d in self)

    def all_quads(self) -> Iterator[ox.Quad]:
        """Every document's quads, one document at a time."""
        for doc_id in self:
            yield from self[doc_id]

    def nquads(self, doc_id: str) -> Iterator[bytes]:
        """The document's quads as N-Quads, chunk by chunk (to load a store)."""
        if doc_id in self._set:
            yield ox.serialize(self._set[doc_id], format=ox.RdfFormat.N_QUADS) or b""
        else:
            yield from (bytes(p.nq) for p in self._pieces[doc_id])

    def local_types(self, outward: Iterable[ox.Triple], shared: Iterable[ox.Quad]
                    ) -> dict[object, list[ox.Triple]]:
        """Local node -> its rdf:type triples, for every local node that a shared or outward
        triple points to: from the summaries, and from the node's own document's quads
        when no summary carries them (another document points to it)."""
        out: dict[object, list[ox.Triple]] = {}
        covered: set[str] = set()
        types = []
        for summary in self.summaries():
            covered |= summary.pointed
            types.append(summary.types)
        for t in joined_triples(types):
            out.setdefault(t.subject, []).append(t)
        wanted: dict[str, set[object]] = {}
        for o in chain((t.object for t in outward), (q.object for q in shared)):
            if is_local(o) and o.value not in covered:  # type: ignore[union-attr]
                doc = local_doc(o)
                if doc is not None and doc in self:
                    wanted.setdefault(doc, set()).add(o)
        for doc, nodes in sorted(wanted.items()):
            for q in self[doc]:
                if q.predicate == RDF_TYPE and q.subject in nodes:
                    out.setdefault(q.subject, []).append(q.triple)
        return out
