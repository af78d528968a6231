"""Rendering the dumps per named graph (:mod:`ctkg.kg.pieces`) and assembling them.

pyoxigraph writes each graph's TriG, Turtle and N-Quads (its serializers give the canonical
bytes once the quads are in readable order); JSON-LD is written node by node
(:mod:`ctkg.kg.jsonld`). The same quads give the same bytes whether a graph is rendered in
a worker, taken from the cache, or rendered here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ctkg.kg.dumps import DUMP_PREFIXES, readable_order
from ctkg.kg.graphstats import graph_stats
from ctkg.kg.jsonld import Compactor, graph_object
from ctkg.kg.pieces import (
    Namespaces,
    Piece,
    by_graph,
    fits,
    iris_of,
    jsonld_chunks,
    nq_chunks,
    relevant,
    resolve,
    strip_header,
    trig_chunks,
    ttl_chunks,
)
from ctkg.kg.spool import Blob

_NAMESPACES: dict[tuple[tuple[str, str], ...], Namespaces] = {}


def namespaces(prefixes: Mapping[str, str] = DUMP_PREFIXES) -> Namespaces:
    """One :class:`Namespaces` per prefix table and process (its signature cache is kept)."""
    key = tuple(sorted(prefixes.items()))
    if key not in _NAMESPACES:
        _NAMESPACES[key] = Namespaces(prefixes)
    return _NAMESPACES[key]


_COMPACTOR: list[tuple[Mapping[str, object], Compactor]] = []


def _compactor(ctx: Mapping[str, object]) -> Compactor:
    """The compactor of ``ctx``, kept while the same context object is used (a worker
    renders every document with one): its IRI cache then serves every document."""
    if not _COMPACTOR or _COMPACTOR[0][0] is not ctx:
        _COMPACTOR[:] = [(ctx, Compactor(ctx))]
    comp = _COMPACTOR[0][1]
    comp.trim(200_000)  # per-document IRIs seldom repeat across documents
    return comp


def render_piece(graph: str, quads: Sequence[ox.Quad], ctx: Mapping[str, object],
                 prefixes: Mapping[str, str] | None = None) -> Piece:
    """One graph's piece; ``prefixes``: the build's, if known (else decided from this graph
    alone, which is what the whole build decides unless another graph has an IRI that needs
    an escape under one of them: :func:`ctkg.kg.pieces.fits` tells)."""
    ns = namespaces()
    sigs = ns.signatures(iris_of(quads))
    used = resolve(sigs, ns.prefixes) if prefixes is None else dict(prefixes)
    ordered = readable_order(quads, ns.prefixes)
    trig = strip_header(ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=used) or b"")
    ttl = unwrapped(trig)
    if ttl is None:
        ttl = strip_header(ox.serialize([q.triple for q in ordered], format=ox.RdfFormat.TURTLE,
                                        prefixes=used) or b"")
    lines = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines(keepends=True)
    jsonld = graph_object(_compactor(ctx), graph, ordered).encode()
    return Piece(graph, trig, ttl, b"".join(sorted(set(lines))), jsonld, sigs,
                 relevant(sigs, used), graph_stats(ordered, graph))


def unwrapped(trig: bytes) -> bytes | None:
    """The Turtle of a one-graph TriG block: pyoxigraph writes the same lines, each
    indented by one tab inside ``<graph> {`` and ``}`` (None if the block is not so: the
    caller writes the Turtle). Cheaper than a second serialization of the triples."""
    lines = trig.split(b"\n")
    body = lines[1:-2]
    if len(lines) < 3 or not lines[0].endswith(b" {") or lines[-2:] != [b"}", b""] \
            or not all(line[:1] == b"\t" for line in body):
        return None
    return b"".join(line[1:] + b"\n" for line in body)


def render_pieces(quads: Iterable[ox.Quad], ctx: Mapping[str, object],
                  prefixes: Mapping[str, str] | None = None) -> list[Piece]:
    """Every graph's piece (the quads in any order; duplicates count once)."""
    grouped: dict[str, set[ox.Quad]] = {}
    for g, qs in by_graph(quads).items():
        grouped.setdefault(g, set()).update(qs)
    return [render_piece(g, list(qs), ctx, prefixes) for g, qs in sorted(grouped.items())]


def build_prefixes(pieces: Iterable[Piece]) -> dict[str, str]:
    """The prefixes the dumps declare, from every piece's signatures."""
    return resolve((s for p in pieces for s in p.signatures), DUMP_PREFIXES)


def assemble(pieces: Sequence[Piece], ctx: Mapping[str, object],
             quads: Iterable[ox.Quad] | None = None) -> dict[str, list[Blob]]:
    """The four dumps as chunks, from the pieces; a piece rendered under other prefixes than
    the build's is rendered again from its graph's ``quads`` (read only then)."""
    prefixes = build_prefixes(pieces)
    unfit = {p.graph for p in pieces if not fits(p, prefixes)}
    if unfit and quads is None:
        raise ValueError(f"the pieces of {', '.join(sorted(unfit))} need their quads to be "
                         "rendered again")
    quads_of = by_graph(q for q in quads or () if isinstance(q.graph_name, ox.NamedNode)
                        and q.graph_name.value in unfit) if unfit else {}
    final = [render_piece(p.graph, quads_of[p.graph], ctx, prefixes) if p.graph in unfit
             else p for p in pieces]
    return {"ctkg.trig": trig_chunks(final, prefixes),
            "ctkg.ttl": ttl_chunks(final, prefixes),
            "ctkg.nq": nq_chunks(final),
            "ctkg.jsonld": jsonld_chunks(final, ctx)}


def render_dumps(quads: Iterable[ox.Quad], ctx: Mapping[str, object]) -> dict[str, bytes]:
    """The four dumps of ``quads`` in one call (what the build assembles from its pieces)."""
    distinct = list(set(quads))
    return {name: b"".join(map(bytes, chunks)) for name, chunks in assemble(
        render_pieces(distinct, ctx), ctx, distinct).items()}
