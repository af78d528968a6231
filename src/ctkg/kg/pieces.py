"""Each named graph's share of the dumps, rendered once, where the graph is made.

Every dump is a concatenation of per-graph pieces (docs/design.md, "Build outputs"): TriG
and JSON-LD hold one block per graph in natural graph order, Turtle the same blocks without
the graph wrapper, N-Quads each graph's lines byte-sorted, graphs in code-point order. So a
document's piece depends only on its own graph (and the prefixes), is rendered in the worker
that compiled it, travels and is cached with its compilation, and an incremental build
re-renders only the edited document's piece. Assembly is concatenation.

The one whole-build decision is the prefix header: a prefix is declared when the data uses
it and no IRI it abbreviates needs an escape (:func:`resolve`). A piece carries the
*signatures* of its IRIs (which namespaces match each, and whether the rest is a clean
local name), so the header is decided from the pieces alone; a piece rendered with other
prefixes than the build's for the namespaces it touches is rendered again (:func:`fits`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from operator import attrgetter

import pyoxigraph as ox

from ctkg.kg.graphstats import GraphStats
from ctkg.kg.spool import Blob, Spool
from ctkg.rdf.terms import LOCAL_STARTS, natural_key

_CLEAN_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
Signature = tuple[tuple[str, bool], ...]  # (prefix, local name clean?) per matching namespace


def clean_local(local: str) -> bool:
    """Whether a local name can be written after a prefix without an escape."""
    return _CLEAN_LOCAL.match(local) is not None


@dataclass(frozen=True)
class Piece:
    """One named graph's bytes in every dump, and what its prefixes were decided from."""

    graph: str  # the graph's IRI
    # the bytes, in memory or in the build's spool (:mod:`ctkg.kg.spool`)
    trig: Blob  # ``<graph> { … }`` block, without the prefix header
    ttl: Blob  # its triples as Turtle, without the prefix header
    nq: Blob  # its N-Quads lines, byte-sorted
    jsonld: Blob  # its graph object as it stands (depth 2) in ctkg.jsonld
    signatures: frozenset[Signature]
    prefixes: tuple[tuple[str, str], ...]  # those it was rendered with, relevant ones only
    # its figures for void.ttl, the report and the manifest (None once the build has
    # folded them into the dataset's: ctkg.kg.outputs.dataset_figures)
    stats: GraphStats | None


def spooled(piece: Piece, spool: Spool) -> Piece:
    """``piece`` with its bytes moved to ``spool`` (its figures and signatures stay)."""
    return replace(piece, trig=spool.put(piece.trig), ttl=spool.put(piece.ttl),
                   nq=spool.put(piece.nq), jsonld=spool.put(piece.jsonld))


class Namespaces:
    """The dump prefixes, longest namespace first: an IRI -> its :data:`Signature`."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self.order = sorted(((ns, p) for p, ns in prefixes.items()),
                            key=lambda x: (-len(x[0]), x[1]))
        self.signature = lru_cache(maxsize=1 << 16)(self._signature)
        # the starts of document-local IRIs that no namespace overlaps (neither starts the
        # other): such an IRI has the empty signature. They are most IRIs of a document,
        # each in one document only, so they would only churn the cache
        self.unprefixed = tuple(start for start in LOCAL_STARTS if not any(
            ns.startswith(start) or start.startswith(ns) for ns, _p in self.order))

    def _signature(self, iri: str) -> Signature:
        return tuple((p, clean_local(iri[len(ns):])) for ns, p in self.order
                     if iri.startswith(ns))

    def signatures(self, iris: Iterable[str]) -> frozenset[Signature]:
        skip = self.unprefixed
        return frozenset(s for s in map(self.signature, (i for i in iris
                                                         if not i.startswith(skip))) if s)


def resolve(signatures: Iterable[Signature], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes to declare: those some IRI is abbreviated by, and under which none
    needs an escape. An IRI takes its longest kept namespace; a prefix with one unclean
    local name is dropped and its IRIs fall to the next-longest, checked in turn."""
    sigs = set(signatures)
    kept = set(prefixes)
    while True:
        used: set[str] = set()
        unclean: set[str] = set()
        for sig in sigs:
            for prefix, clean in sig:
                if prefix in kept:
                    (used if clean else unclean).add(prefix)
                    break
        if not unclean:
            return {p: prefixes[p] for p in sorted(kept) if p in used}
        kept -= unclean


def relevant(signatures: Iterable[Signature], prefixes: Mapping[str, str]
             ) -> tuple[tuple[str, str], ...]:
    """The entries of ``prefixes`` whose namespace some IRI of the signatures lies in."""
    touched = {p for sig in signatures for p, _ in sig}
    return tuple((p, ns) for p, ns in sorted(prefixes.items()) if p in touched)


def fits(piece: Piece, prefixes: Mapping[str, str]) -> bool:
    """Whether ``piece`` reads the same under the build's ``prefixes``."""
    return piece.prefixes == relevant(piece.signatures, prefixes)


def iris_of(items: Sequence[ox.Quad] | Sequence[ox.Triple]) -> set[str]:
    """Every IRI of the quads (or triples): terms and literal datatypes."""
    terms: set[object] = set()
    for part in ("subject", "predicate", "object", "graph_name"):
        if items and hasattr(items[0], part):
            terms.update(map(attrgetter(part), items))
    out = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    out.update(t.datatype.value for t in terms if isinstance(t, ox.Literal))
    return out


def strip_header(data: bytes) -> bytes:
    """pyoxigraph's output without its ``@prefix`` lines."""
    at = 0
    while data.startswith(b"@prefix ", at):
        at = data.index(b"\n", at) + 1
    return data[at:]


def header(prefixes: Mapping[str, str]) -> bytes:
    """The ``@prefix`` lines of a dump, sorted (as pyoxigraph writes each)."""
    return b"".join(sorted(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in prefixes.items()))


# -- assembly --------------------------------------------------------------------------------

def _natural(piece: Piece) -> tuple[object, ...]:
    return natural_key(piece.graph)


def trig_chunks(pieces: Sequence[Piece], prefixes: Mapping[str, str]) -> list[Blob]:
    """``ctkg.trig`` in chunks: the header, then each graph's block in natural order."""
    return [header(prefixes), *(p.trig for p in sorted(pieces, key=_natural))]


def ttl_chunks(pieces: Sequence[Piece], prefixes: Mapping[str, str]) -> list[Blob]:
    """``ctkg.ttl``: the union of the graphs, each graph's triples under a comment naming
    it (a triple stated in two graphs is written twice; a Turtle reader keeps one)."""
    out: list[Blob] = [header(prefixes)]
    for p in sorted(pieces, key=_natural):
        if p.ttl:
            out += [f"\n# graph <{p.graph}>\n".encode(), p.ttl]
    return out


def nq_chunks(pieces: Sequence[Piece]) -> list[Blob]:
    """``ctkg.nq``: graphs in code-point order of their N-Quads form (``<iri>``, the order
    of the build's quad keys), each graph's lines byte-sorted."""
    return [p.nq for p in sorted(pieces, key=lambda p: f"<{p.graph}>")]


def jsonld_chunks(pieces: Sequence[Piece], ctx: Mapping[str, object]) -> list[Blob]:
    """``ctkg.jsonld``: the context, then each graph object in natural graph order: the
    bytes of ``json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)``."""
    head = json.dumps({"@context": dict(ctx)}, ensure_ascii=False, indent=1, sort_keys=True)
    ordered = sorted(pieces, key=_natural)
    if not ordered:
        return [(head[:-2] + ',\n "@graph": []\n}\n').encode()]
    out: list[Blob] = [(head[:-2] + ',\n "@graph": [\n  ').encode()]
    for i, p in enumerate(ordered):
        out += [p.jsonld] if i == 0 else [b",\n  ", p.jsonld]
    out.append(b"\n ]\n}\n")
    return out


def by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Quads grouped by their (named) graph's IRI."""
    out: dict[str, list[ox.Quad]] = {}
    for g, run in groupby(quads, key=attrgetter("graph_name")):
        assert isinstance(g, ox.NamedNode), f"a build's quads are in named graphs: {g}"
        out.setdefault(g.value, []).extend(run)
    return out
