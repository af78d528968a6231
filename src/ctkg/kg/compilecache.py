"""The compile stage's merged cache entry: what every unchanged document contributes, in one
file.

Why: an incremental build found each of 10,000 documents' compilations in its own cache
entry, opened and unpickled them all (2.6 s) and folded their figures into the dataset's
(0.9 s), to change one. The merged entry (kind ``compile-merged``, one per build, named by
the shared inputs, the code and the JSON-LD context) holds, per document, its compile key
and where its sources, pieces and summary are in its own entry (offsets, not bytes), and
the :class:`ctkg.kg.graphstats.Tally` of every document's figures, from which an edited
document's old figures are taken out and its new ones added.

The per-document entries stay the truth: a record is used only for the document's current
compile key, and only if its entry is still there with the size and time of writing it had;
the pieces, sources and summary are read from that entry (spans of it), and the entry is
kept by the build.
The tally takes out the figures of an edited or removed document by reading its old entry
(still there: the cache is pruned at the end of the build); if that fails, or many
documents changed, or the merged entry does not load or its checksum does not match, the
build reads every document's entry, as without it, and writes the merged entry anew.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ctkg.kg import parallel
from ctkg.kg.entries import load as load_entry
from ctkg.kg.graphstats import Combiner, GraphStats, Tally
from ctkg.kg.pieces import Piece, Signature
from ctkg.kg.sourcemap import Packed
from ctkg.kg.spool import Blob, FileSpan
from ctkg.rdf.sources import Sources

KIND = "compile-merged"
_FORMAT = "2"
# inline bytes, or (offset, length) of a run of the document's own entry
Place = bytes | tuple[int, int]
_PieceMeta = tuple[str, tuple[Place, ...], frozenset[Signature], tuple[tuple[str, str], ...]]
# compile key, (size, mtime) of its entry, sources (place, others), pieces, summary's place
Record = tuple[str, tuple[int, int], Place, Sources, tuple[_PieceMeta, ...], Place]
_BLOBS = ("trig", "ttl", "nq", "jsonld")


@dataclass
class Merged:
    """The records of the documents taken whole from the cache, and the tally of every
    document's figures with the compile key each was counted under (``counted``)."""

    records: dict[str, Record] = field(default_factory=dict)
    counted: dict[str, str] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)


def name(shared_key: str, ctx_repr: str) -> str:
    """The merged entry's name: what every compilation depends on but its own files."""
    return parallel.digest(KIND, _FORMAT, shared_key, ctx_repr)


def load(cache: parallel.Cache, entry_name: str) -> Merged:
    """The build's merged entry, or an empty one if there is none, or it does not load, or
    its checksum does not match (damaged: not trusted)."""
    found = cache.get(KIND, entry_name)
    try:
        check, payload = found  # type: ignore[misc]
        if hashlib.sha256(payload).hexdigest() != check:
            return Merged()
        merged = pickle.loads(payload)
    except Exception:  # whatever is wrong with it, it is not used
        return Merged()
    return merged if isinstance(merged, Merged) else Merged()


def save(cache: parallel.Cache, entry_name: str, merged: Merged) -> None:
    payload = pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL)
    cache.put(KIND, entry_name, (hashlib.sha256(payload).hexdigest(), payload))


def entry_path(cache: parallel.Cache, key: str) -> str:
    """Where a document's compilation is cached (as :meth:`parallel.Cache.entry` says)."""
    return os.path.join(str(cache.folder), "compile", f"{key}.pickle")


def old_stats(cache: parallel.Cache, key: str) -> list[tuple[str, GraphStats]] | None:
    """The figures an entry's pieces were counted with (None if it does not load); read
    without marking the entry used, so that it is pruned at the end of the build."""
    try:
        _packed, _problems, pieces, _summary = load_entry(Path(entry_path(cache, key)))
    except Exception:  # a missing or damaged entry: counted anew
        return None
    out = [(p.graph, p.stats) for p in pieces if p.stats is not None]
    return out if len(out) == len(pieces) else None


def _stamp(path: str) -> tuple[int, int] | None:
    """An entry's size and time of writing (an entry written again, as after it was lost,
    may hold its runs elsewhere)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def usable(cache: parallel.Cache, record: Record) -> str | None:
    """The path of a record's entry, if it is there as it was when recorded."""
    path = entry_path(cache, record[0])
    return path if _stamp(path) == record[1] else None


def _place(blob: Blob, path: str) -> Place | None:
    if isinstance(blob, FileSpan):
        return (blob.offset, blob.length) if blob.path == path else None
    return bytes(blob) if len(blob) < 4096 and isinstance(blob, bytes) else None


def record(key: str, path: str, packed: Packed, pieces: list[Piece], summary: object
           ) -> Record | None:
    """A document's record, if its sources, pieces and summary are spans of its entry at
    ``path`` (or small); else None (its entry is read again by the next build)."""
    sources = _place(packed[0], path)
    told = _place(summary, path) if isinstance(summary, bytes | FileSpan) else None
    metas: list[_PieceMeta] = []
    for p in pieces:
        places = tuple(_place(getattr(p, b), path) for b in _BLOBS)
        if any(x is None for x in places):
            return None
        metas.append((p.graph, places, p.signatures, p.prefixes))  # type: ignore[arg-type]
    stamp = _stamp(path)
    if sources is None or told is None or stamp is None:
        return None
    return (key, stamp, sources, packed[1], tuple(metas), told)


def _blob(place: Place, path: str) -> Blob:
    return place if isinstance(place, bytes) else FileSpan(path, place[0], place[1])


def unpack(record: Record, path: str) -> tuple[Packed, list[Piece], Blob]:
    """A record's sources, pieces (without figures: the tally holds them) and summary."""
    _key, _size, sources, others, metas, summary = record
    pieces = []
    for graph, places, sigs, prefixes in metas:
        trig, ttl, nq, jsonld = (_blob(p, path) for p in places)
        pieces.append(Piece(graph, trig, ttl, nq, jsonld, sigs, prefixes, None))
    return (_blob(sources, path), others), pieces, _blob(summary, path)


_CANON: dict[object, object] = {}  # one object per distinct value: pickled once


def _canon(value: object) -> object:
    if len(_CANON) > 4096:
        _CANON.clear()
    return _CANON.setdefault(value, value)


class Incremental:
    """The merged entry during one build: which documents it gives whole (:meth:`hit`),
    the others' results noted as they come (:meth:`fresh`), and the dataset's figures
    (:meth:`finish`). ``keys``: each document's compile key (without a cache, the
    documents are all fresh and only the tally is used)."""

    def __init__(self, cache: parallel.Cache, entry_name: str, keys: dict[str, str]) -> None:
        self.cache, self.name, self.keys = cache, entry_name, keys
        self.merged = load(cache, entry_name) if cache.folder else Merged()
        self.changed = False
        if not self._take_out_stale():
            self.merged, self.changed = Merged(), True
        counted = self.merged.counted
        self.hits: dict[str, str] = {}
        for doc_id, rec in self.merged.records.items():
            if keys.get(doc_id) == rec[0] == counted.get(doc_id):
                path = usable(cache, rec)
                if path is not None:
                    self.hits[doc_id] = path
        cache.keep(self.hits.values())  # their entries are this build's too: not pruned

    def _take_out_stale(self) -> bool:
        """Take the figures of the documents counted under another key, or gone, out of
        the tally; False if that cannot be done (start anew)."""
        merged = self.merged
        stale = [(d, k) for d, k in merged.counted.items() if self.keys.get(d) != k]
        if 4 * len(stale) > len(merged.counted):  # many: reading every entry costs as much
            return not stale
        for doc_id, key in stale:
            found = old_stats(self.cache, key)
            if found is None:
                return False
            try:
                for graph, stats in found:
                    merged.tally.remove(graph, stats)
            except KeyError:
                return False
            del merged.counted[doc_id]
            self.changed = True
        return True

    def hit(self, doc_id: str) -> tuple[Packed, list[Piece], Blob] | None:
        path = self.hits.get(doc_id)
        return None if path is None else unpack(self.merged.records[doc_id], path)

    def fresh(self, doc_id: str, packed: Packed, pieces: list[Piece], summary: object
              ) -> list[Piece]:
        """Note a document that was not a hit (compiled, or read from its own entry); its
        pieces come back without their figures, which the tally now holds."""
        merged, key = self.merged, self.keys.get(doc_id, doc_id)
        if merged.counted.get(doc_id) != key:
            for p in pieces:
                if p.stats is not None:
                    merged.tally.add(p.graph, p.stats)
            merged.counted[doc_id] = key
            self.changed = True
        rec = record(key, entry_path(self.cache, key), packed, pieces, summary) \
            if self.cache.folder else None
        if rec is not None:
            _k, stamp, src, others, metas, told = rec
            metas = tuple((g, places, _canon(sigs), _canon(prefixes))  # type: ignore[misc]
                          for g, places, sigs, prefixes in metas)
            merged.records[doc_id] = (_k, stamp, src, others, metas, told)
            self.changed = True
        elif merged.records.pop(doc_id, None) is not None:
            self.changed = True
        return [replace(p, stats=None) if p.stats is not None else p for p in pieces]

    def finish(self, order: Iterable[str]) -> Combiner:
        """The dataset's figures so far (the documents'), as a :class:`Combiner` with
        the graphs in ``order``; the merged entry saved if it changed."""
        merged = self.merged
        combiner = merged.tally.combiner(order)
        gone = [d for d in merged.records if d not in self.keys]
        for doc_id in gone:
            del merged.records[doc_id]
        if self.cache.folder and (self.changed or gone):
            if combiner._again is not None:  # a graph in two parts: its figures not kept
                merged = Merged()
            save(self.cache, self.name, merged)
        return combiner
