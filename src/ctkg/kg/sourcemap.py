"""Where each node of a build comes from, kept per document as pickled bytes.

Why: a finding (a SHACL violation, a QC row, an event-time conflict) names the ``.ann`` line
of each node it is about, so the build must be able to say where any node comes from. Held
as one dict of :class:`ctkg.rdf.sources.Source` objects, the 570,000 nodes of 10,000
documents took about 240 MB for the whole build, while a build with findings looks up a
handful. A document-local node's IRI names its document (``ctkg.rdf.terms.LOCAL_KINDS``:
``…/mention/<doc>/T1``), so each document's map is pickled (into the build's spool when it
has one) and read back only when one of its nodes is looked up.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping

from ctkg.kg.spool import Blob, Spool
from ctkg.rdf.sources import Source, Sources
from ctkg.rdf.terms import local_document, local_starts

_KEEP = 4  # documents' maps kept decoded: a finding's nodes are mostly in one document


# a document's own nodes pickled (in memory, or a cache entry's run), and any other node's
Packed = tuple[Blob, Sources]


def pack(doc_id: str, sources: Sources) -> Packed:
    """A document's sources as the worker that compiled it hands them over: its own nodes'
    map pickled (the build keeps the bytes, never the objects), any other node's apart."""
    own_starts = local_starts(doc_id)
    if all(iri.startswith(own_starts) for iri in sources):
        own, other = sources, {}
    else:
        own = {iri: s for iri, s in sources.items() if iri.startswith(own_starts)}
        other = {iri: s for iri, s in sources.items() if not iri.startswith(own_starts)}
    return (pickle.dumps(own, protocol=pickle.HIGHEST_PROTOCOL) if own else b""), other


class SourceMap(Mapping[str, Source]):
    """Node IRI -> :class:`Source`: each document's nodes pickled per document, the others
    (registry entities, catalogued documents) in a plain dict."""

    def __init__(self, spool: Spool | None = None) -> None:
        self._spool = spool
        self._docs: dict[str, Blob] = {}  # doc id -> its pickled {IRI: Source}
        self._plain: Sources = {}
        self._decoded: dict[str, Sources] = {}

    def add_packed(self, doc_id: str, packed: Packed) -> None:
        """A document's nodes as :func:`pack` gave them (a later call for the same IRI
        wins, as ``dict.update``)."""
        data, other = packed
        for iri, source in other.items():  # not named after this document (none is today)
            self._plain[iri] = source
            self._drop(iri)
        if not data:
            return
        if doc_id in self._docs:  # the same document again: its later nodes win
            merged = {**self._load(doc_id), **pickle.loads(bytes(data))}
            data = pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL)
        self._decoded.pop(doc_id, None)
        self._docs[doc_id] = self._spool.put(data) if self._spool is not None else data

    def setdefault(self, iri: str, source: Source) -> Source:
        """``source`` unless ``iri`` has one already (as ``dict.setdefault``). Without the
        KeyError of a lookup that misses: the registry's and catalogue's 16,000 entries at
        10,000 documents took 1.2 s so, their tracebacks waking the garbage collector."""
        doc = local_document(iri)
        if doc is not None and doc in self._docs:
            found = self._load(doc).get(iri)
            if found is not None:
                return found
        return self._plain.setdefault(iri, source)

    def _drop(self, iri: str) -> None:
        doc = local_document(iri)
        if doc is not None and doc in self._docs and iri in self._load(doc):
            self._docs[doc] = pickle.dumps({k: v for k, v in self._load(doc).items()
                                            if k != iri}, protocol=pickle.HIGHEST_PROTOCOL)
            self._decoded.pop(doc, None)

    def _load(self, doc_id: str) -> Sources:
        found = self._decoded.get(doc_id)
        if found is None:
            found = pickle.loads(bytes(self._docs[doc_id]))
            if len(self._decoded) >= _KEEP:
                self._decoded.pop(next(iter(self._decoded)))
            self._decoded[doc_id] = found
        return found

    def __getitem__(self, iri: str) -> Source:
        doc = local_document(iri)
        if doc is not None and doc in self._docs:
            found = self._load(doc).get(iri)
            if found is not None:
                return found
        return self._plain[iri]

    def __contains__(self, iri: object) -> bool:
        if not isinstance(iri, str):
            return False
        try:
            self[iri]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        for doc in self._docs:
            yield from self._load(doc)
        yield from (iri for iri in self._plain if iri not in self._docs_of(iri))

    def _docs_of(self, iri: str) -> Mapping[str, Source]:
        doc = local_document(iri)
        return self._load(doc) if doc is not None and doc in self._docs else {}

    def __len__(self) -> int:
        return sum(1 for _ in self)
