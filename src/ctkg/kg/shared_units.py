"""The shared SHACL units of a cached build, looked up by what they are made of.

Why: a shared unit (:mod:`ctkg.validate.partition`) holds the shared nodes of a chunk with
every document's triples about them, so keying it by its data meant building every unit
from every document's outward triples, and typing the local nodes they point to, at each
build (3.9 of an incremental build's 6.8 s profiled at 10,000 documents) to find them all
in the cache. Here a chunk's key is a digest of what its data is made of:

- each document's *contribution*: its outward N-Triples lines whose subject falls in the
  chunk and its summary's types (a function of its compile key: kept in one cache entry
  by that key, so an unchanged document is a lookup), and the shared descriptions of the
  IRIs its outward triples point to;
- the shared graphs' description of each subject in the chunk and of what it points to;
- the class hierarchy, the shapes, the engine and the code.

A subject's chunk is a hash of its IRI (not its place in the sorted subjects: a new
subject would move every later one), so an edit misses only the chunks whose inputs it
changes (a text edit: the chunk of its catalogue entry), and only those are built, from
the documents that contribute to them. Exact when every document's outward triples point
only to its own local nodes, which its summary types, no summary types another document's
node and no shared graph names a local node (*plain*); otherwise the units are built from
every document (:func:`ctkg.validate.partition.shared_units_of`) and keyed by their data.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping
from functools import partial
from itertools import chain
from typing import NamedTuple

import pyoxigraph as ox

from ctkg.kg import parallel
from ctkg.kg.cache import Table
from ctkg.kg.docgraphs import DocGraphs, DocSummary, joined_triples
from ctkg.rdf.terms import LOCAL_STARTS, local_starts
from ctkg.validate.partition import SharedIndex, Unit, is_local_iri, shared_unit
from ctkg.validate.shacl import ShaclResult

# N-Triples and N-Quads (in a named graph) lines: the line, its subject and object (a
# literal with a space is matched by the second branch, after the first failed)
_NT = re.compile(rb"^((\S+) \S+ (\S+|.*) \.)$", re.M)
_NQ = re.compile(rb"^((\S+) \S+ (\S+|.*) <[^>]*> \.)$", re.M)
_SUBCLASS = b" <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
_LOCAL = tuple(b"<" + start.encode() for start in LOCAL_STARTS)
_SIZE = 16  # bytes of a contribution's digest per chunk


def chunk_of(token: bytes, n: int) -> int:
    """The chunk of the subject written ``token`` (``<iri>``): stable across processes."""
    return zlib.crc32(token) % n


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _local(token: bytes) -> bool:
    return token.startswith(_LOCAL) and is_local_iri(token[1:-1].decode())


class Contribution(NamedTuple):
    """One document's share of the shared units' keys (and of its own unit's key), kept
    compact: 10,000 of them are read and written at each incremental build."""

    chunks: bytes  # the chunks its outward triples' subjects fall in, one byte each
    digests: bytes  # per chunk, _SIZE bytes: a digest of its lines there and its types
    objects: tuple[bytes, ...]  # the shared IRIs its outward triples point to, as <iri>
    terms: tuple[bytes, ...]  # the IRIs of its DocSummary.terms, as <iri>


def contribution(doc_id: str, summary: DocSummary, n: int,
                 intern: dict[bytes, bytes] | None = None) -> Contribution | None:
    """``doc_id``'s contribution from its summary, or None when it is not plain (see the
    module docstring); ``intern`` makes equal tokens one object (pickled once)."""
    assert n <= 256
    own = tuple(b"<" + start.encode() for start in local_starts(doc_id))
    types = summary.types
    for line in types.splitlines():
        if not line.startswith(own):
            return None
    outward = summary.outward
    if outward.startswith(b"_:") or b" _:" in outward or b"\n_:" in outward:
        return None  # a blank node (or a literal that looks like one): labels are the parser's
    found = _NT.findall(outward)
    if len(found) != outward.count(b"\n"):
        return None
    lines: dict[int, list[bytes]] = {}
    objects: set[bytes] = set()
    crc = zlib.crc32
    for line, s, o in found:
        lines.setdefault(crc(s) % n, []).append(line)
        if o.startswith(b"<") and not o.startswith(own):
            if _local(o):
                return None  # another document's node
            objects.add(o)
    head = _sha(types)
    chunks = sorted(lines)
    pool = {} if intern is None else intern
    intern_ = pool.setdefault
    # a blank node's term (_:label) names no shared description (the build is not plain)
    terms = sorted(map(str.encode, map(str, summary.terms)))
    return Contribution(bytes(chunks),
                        b"".join(_sha(head + b"\n".join(lines[c]))[:_SIZE] for c in chunks),
                        tuple(intern_(o, o) for o in sorted(objects)),
                        tuple(intern_(t, t) for t in terms))


class _Digests(dict[bytes, bytes]):
    """Subject token -> the digest of its shared description (b"" when it has none), each
    made when first asked for."""

    def __init__(self, lines: Mapping[bytes, list[bytes]]) -> None:
        super().__init__()
        self.lines = lines

    def __missing__(self, token: bytes) -> bytes:
        lines = self.lines.get(token)
        d = self[token] = _sha(b"\n".join(sorted(lines))) if lines else b""
        return d


class SharedSide:
    """The shared graphs' N-Quads lines by subject: a digest of each subject's description
    and each chunk's shared part of its key. Not plain when a shared graph names a local
    node or a blank node."""

    def __init__(self, shared: list[ox.Quad], n: int) -> None:
        data = ox.serialize(shared, format=ox.RdfFormat.N_QUADS) or b""
        found = _NQ.findall(data)
        self.lines: dict[bytes, list[bytes]] = {}
        self.points: dict[bytes, set[bytes]] = {}
        hierarchy: list[bytes] = []
        self.classes: set[bytes] = set()  # the subjects of the hierarchy's lines
        for line, s, o in found:
            self.lines.setdefault(s, []).append(line)
            if o.startswith((b"<", b"_:")):
                self.points.setdefault(s, set()).add(o)
            if _SUBCLASS in line:
                hierarchy.append(line)
                self.classes.add(s)
        pointed = set().union(*self.points.values())
        self.plain = len(found) == data.count(b"\n") and not any(
            t.startswith(b"_:") or _local(t) for t in chain(self.lines, pointed))
        self.n = n
        self.hierarchy = _sha(b"\n".join(sorted(hierarchy)))
        self.digests = _Digests(self.lines)

    def index(self, needs: Iterable[bytes]) -> SharedIndex:
        """A :class:`SharedIndex` of the descriptions of ``needs`` (those described), and
        of every node of the class hierarchy (whole, as any node's): what building the
        units of an edit takes in, without reading every shared quad (0.2 s at 10,000
        documents)."""
        wanted = set(needs) | self.classes
        data = b"\n".join(line for s in sorted(wanted) for line in self.lines.get(s, ()))
        return SharedIndex(ox.parse(data + b"\n", format=ox.RdfFormat.N_QUADS))

    def parts(self) -> list[list[bytes]]:
        """Each chunk's shared part: per subject, its description's digest and those of
        the IRIs it points to."""
        digest = self.digests.__getitem__
        out: list[list[bytes]] = [[] for _ in range(self.n)]
        for s in sorted(self.lines):
            out[chunk_of(s, self.n)].append(digest(s) + b"".join(
                sorted(map(digest, self.points.get(s, ())))))
        return out


class Contributions:
    """Each document's :class:`Contribution` under its compile key, in one cache entry for
    the whole build (``shared-contrib``, named by the code and the chunks; a contribution
    is a function of its document's compile: :class:`ctkg.kg.cache.Table`)."""

    KIND = "shared-contrib"

    def __init__(self, cache: parallel.Cache, n: int) -> None:
        self.n = n
        self.table: Table[Contribution | None] = Table(
            cache, self.KIND, parallel.digest(self.KIND, str(n), parallel.code_version()))
        self.intern: dict[bytes, bytes] = {}

    def of(self, docs: DocGraphs, doc_keys: Mapping[str, str]) -> dict[str, Contribution | None]:
        """Every document's contribution, by document id."""
        return {doc_id: self.table.setdefault(doc_keys[doc_id], partial(self._made, docs, doc_id))
                for doc_id in docs}

    def _made(self, docs: DocGraphs, doc_id: str) -> Contribution | None:
        return contribution(doc_id, docs.summary(doc_id), self.n, self.intern)

    def save(self) -> None:
        self.table.save()


class KeyedSharedUnits:
    """The shared units of a plain build under their input keys: those found in the cache,
    and the others built (from their contributing documents only) for the caller to
    validate with more work (the interface of :class:`ctkg.kg.parallel.CachedUnits`)."""

    KIND = "validate"  # as the units keyed by their data (parallel.CachedUnits)

    def __init__(self, docs: DocGraphs, side: SharedSide, found: Mapping[str, Contribution],
                 shape_key: str, cache: parallel.Cache) -> None:
        n, self.cache = side.n, cache
        self.docs, self.side, self.found = docs, side, found
        head = parallel.digest("shared-unit-inputs", shape_key, str(n)).encode() \
            + side.hierarchy
        parts = side.parts()
        digest = side.digests.__getitem__
        for con in found.values():
            seen = _sha(b"".join(map(digest, con.objects)))
            digests = con.digests
            for i, c in enumerate(con.chunks):
                parts[c].append(digests[i * _SIZE:(i + 1) * _SIZE] + seen)
        # a chunk without a subject has no unit
        self.keys = {c: hashlib.sha256(head + b"".join(parts[c])).hexdigest()
                     for c in range(n) if parts[c]}
        self.out: dict[int, list[ShaclResult]] = {}
        for c, key in self.keys.items():
            hit = cache.get(self.KIND, key)
            if isinstance(hit, list):
                self.out[c] = hit
        self.missing = [c for c in self.keys if c not in self.out]
        self.units: dict[int, Unit] = {}

    def needs(self) -> set[bytes]:
        """The shared nodes whose descriptions the units to build take in: their subjects
        and what these point to."""
        missing, n = set(self.missing), self.side.n
        if not missing:
            return set()
        out = {s for s in self.side.lines if chunk_of(s, n) in missing}
        out = out.union(*(self.side.points.get(s, ()) for s in out))
        return out.union(*(con.objects for con in self.found.values()
                           if not missing.isdisjoint(con.chunks)))

    def build(self, index: SharedIndex) -> None:
        """Build the units not found (``index``: with at least :meth:`needs`)."""
        if self.missing:
            self.units = _build(self.docs, self.found, set(self.missing), index, self.side.n)

    def todo(self) -> list[Unit]:
        return [self.units[c] for c in self.missing]

    def store(self, found: Iterable[list[ShaclResult]]) -> None:
        for c, res in zip(self.missing, found, strict=True):
            self.out[c] = res
            self.cache.put(self.KIND, self.keys[c], res)

    def results(self) -> list[ShaclResult]:
        return [r for c in self.keys for r in self.out[c]]


def _build(docs: DocGraphs, found: Mapping[str, Contribution], missing: set[int],
           index: SharedIndex, n: int) -> dict[int, Unit]:
    """The units of the ``missing`` chunks, from the documents that contribute to them."""
    todo = [d for d, con in found.items() if not missing.isdisjoint(con.chunks)]
    summaries = [docs.summary(d) for d in todo]
    chunk: dict[object, int] = {}

    def of(term: object) -> int:
        c = chunk.get(term)
        if c is None:
            c = chunk[term] = chunk_of(str(term).encode(), n)
        return c

    by_subject: dict[object, list[ox.Triple]] = {
        s: list(d) for s, d in index.desc.items() if of(s) in missing}
    every = all(missing.issuperset(found[d].chunks) for d in todo)  # a cold build
    for t in joined_triples(s.outward for s in summaries):
        if every or of(t.subject) in missing:
            by_subject.setdefault(t.subject, []).append(t)
    local_types: dict[object, list[ox.Triple]] = {}
    for t in joined_triples(s.types for s in summaries):
        local_types.setdefault(t.subject, []).append(t)
    parts: dict[int, list[object]] = {}
    for s in by_subject:
        parts.setdefault(of(s), []).append(s)
    return {c: shared_unit(parts[c], by_subject, local_types, index)
            for c in sorted(parts)}
