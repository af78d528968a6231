"""The build's compile stage: every document's graph (in parallel, cached) and the shared
graphs, kept as dump pieces and summaries (:mod:`ctkg.kg.docgraphs`), not as quads. With a
cache, the unchanged documents come from one merged entry (:mod:`ctkg.kg.compilecache`)
and the shared graphs' pieces from per-subject blocks (:mod:`ctkg.kg.sharedpieces`).

Split from :mod:`ctkg.kg.pipeline`, which runs the stages in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs import Inputs, entity_iris
from ctkg.kg import compilecache, parallel
from ctkg.kg.containment import wikidata_containment
from ctkg.kg.docgraphs import DocGraphs, DocSummary
from ctkg.kg.graphs import catalogue_quads, registry_quads, to_quads
from ctkg.kg.graphstats import Combiner, DatasetStats, dataset_stats
from ctkg.kg.jsonld import ctkg_terms, jsonld_context
from ctkg.kg.pieces import Piece, spooled
from ctkg.kg.render import render_pieces
from ctkg.kg.sharedpieces import shared_pieces
from ctkg.kg.sourcemap import SourceMap
from ctkg.kg.spool import Blob, Spool
from ctkg.paths import Layout
from ctkg.rdf.sources import Source
from ctkg.rdf.terms import graph_of, ident
from ctkg.validate.shacl import Shapes


@dataclass
class Read:
    """What the build reads: the inputs, the shapes and the annotated documents."""

    inputs: Inputs
    shapes: Shapes
    docs: list[brat.Document]
    lengths: dict[str, int]  # code points of every text, annotated or not


@dataclass
class Compiled:
    """The build's graphs, and where each node comes from."""

    by_doc: DocGraphs  # each document's quads (read back from its pieces) and summary
    shared: list[ox.Quad]  # ontology, registry, catalogue, wikidata
    sources: SourceMap  # node IRI -> where it comes from (each document's read when asked)
    iris: dict[str, ox.NamedNode]
    pieces: list[Piece]  # each graph's share of the dumps
    ctx: dict[str, object]  # the JSON-LD context
    keys: dict[str, str]  # doc id -> its compile key (with a cache)
    stats: DatasetStats  # the figures of void.ttl, the report and the manifest
    # the shared quads by graph IRI, made once (:meth:`shared_graphs`; not pickled)
    _by_graph: dict[str, list[ox.Quad]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickled with the shared graphs as N-Quads (a ``--jobs`` build's child process
        hands its compilation back: one pyoxigraph object per quad pickled 6x slower)."""
        state = dict(vars(self))
        state["shared"] = ox.serialize(self.shared, format=ox.RdfFormat.N_QUADS) or b""
        state["_by_graph"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        shared = state["shared"]
        assert isinstance(shared, bytes)
        vars(self).update(state, shared=list(ox.parse(shared, format=ox.RdfFormat.N_QUADS)))

    def all_quads(self) -> Iterator[ox.Quad]:
        """The shared graphs' quads, then every document's (distinct within each part)."""
        yield from self.shared
        yield from self.by_doc.all_quads()

    def load(self, store: ox.Store, only: Collection[str] | None = None,
             shared: bool = True, leave_out: Collection[str] = ()) -> None:
        """Put every quad of the build into ``store`` (``only``: the shared graphs, unless not
        ``shared``, and these documents' graphs; ``leave_out``: shared graphs, by IRI, not
        to load), graph by graph in the canonical order
        of the dumps (an order Oxigraph's queries depend on: with the shared graphs loaded
        first, QC's entity-without-type took 160 s instead of 6 at 10,000 documents); the
        documents' from their N-Quads pieces (parsed by pyoxigraph: no Python objects), in
        batches of about 4 MB, each in one transaction (``Store.load``: at 10,000 documents
        10.8 s and a peak of 1,095 MiB, against 16.0 s and 1,113 MiB with ``bulk_load``,
        whose loader also holds a batch's quads besides the store: 14.6 s and 1,214 MiB
        with 32 MB batches)."""
        for part in self.load_parts(only, shared, leave_out):
            load_part(store, part)

    def shared_graphs(self, leave_out: Collection[str] = ()) -> dict[str, list[ox.Quad]]:
        """The shared graphs' quads by graph IRI, but those of ``leave_out``. Grouped once:
        a cold build loads them with every chunk (0.05 s each at 10,000 documents)."""
        if self._by_graph is None:
            grouped: dict[str, list[ox.Quad]] = {}
            for q in self.shared:
                grouped.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
            self._by_graph = grouped
        return {g: qs for g, qs in self._by_graph.items() if g not in leave_out}

    def load_parts(self, only: Collection[str] | None = None, shared: bool = True,
                   leave_out: Collection[str] = ()) -> Iterator[list[ox.Quad] | bytes]:
        """What :meth:`load` puts into a store, in its order: a shared graph's quads, or a
        batch of documents' N-Quads (a worker can load the same store from them)."""
        graphs = self.shared_graphs(leave_out) if shared else {}
        parts = [(f"<{g}>", "", quads) for g, quads in graphs.items()]
        parts += [(f"<{graph_of(d).value}>", d, []) for d in self.by_doc
                  if only is None or d in only]
        batch: list[bytes] = []
        size = 0
        for _graph, doc_id, quads in sorted(parts, key=lambda part: part[0]):
            if quads:
                if batch:
                    yield b"".join(batch)
                    batch, size = [], 0
                yield quads
                continue
            for chunk in self.by_doc.nquads(doc_id):
                batch.append(chunk)
                size += len(chunk)
            if size > _BATCH:
                yield b"".join(batch)
                batch, size = [], 0
        if batch:
            yield b"".join(batch)


def load_part(store: ox.Store, part: list[ox.Quad] | bytes) -> None:
    """One of :meth:`Compiled.load_parts` into ``store``."""
    if isinstance(part, bytes):
        store.load(input=part, format=ox.RdfFormat.N_QUADS)
    else:
        store.extend(part)


_BATCH = 1 << 22  # bytes of N-Quads per bulk load


def _shared_key(layout: Layout) -> str:
    """The inputs every document's compilation depends on (and the code, and the cwd,
    which the reported paths are relative to)."""
    files = [*layout.ontology_files(), layout.registry, layout.links, layout.wikidata_cache]
    return parallel.digest(parallel.code_version(), os.getcwd(), str(layout.root.resolve()),
                           *(p.read_bytes() if p.is_file() else b"-" for p in files))


def compile_build(read: Read, jobs: int, cache: parallel.Cache, show: bool,
                  warnings: list[Problem], executor: parallel.ExecutorFactory | None = None,
                  spool: Spool | None = None) -> Compiled:
    """Every document's graph (in parallel, cached) and the shared graphs; each graph's
    piece of the dumps is moved to ``spool`` as it arrives (kept in memory without one)."""
    inputs, layout = read.inputs, read.inputs.layout
    iris = {slug: ox.NamedNode(iri) for slug, iri in entity_iris(inputs).items()}
    sources = SourceMap(spool)
    figures = _Figures()
    docs = DocGraphs()
    pieces: list[Piece] = []
    problems: list[Problem] = []
    shared_key = _shared_key(layout) if cache.folder else ""
    ctx = jsonld_context(ctkg_terms(inputs.ontology.triples))
    ctx_repr = repr(ctx)
    # each document's compile key, read once: the compile, validation and QC caches use it
    keys = {d.doc_id: parallel.document_key(d, inputs.catalogue, shared_key)
            for d in read.docs} if cache.folder else {}
    merged = compilecache.Incremental(
        cache, compilecache.name(shared_key, ctx_repr) if cache.folder else "",
        {d: parallel.compile_key(k, ctx_repr) for d, k in keys.items()})
    order = sorted(read.docs, key=lambda d: d.doc_id)
    fresh = parallel.compile_all(
        [d for d in order if d.doc_id not in merged.hits], inputs.registry, inputs.catalogue,
        iris, jobs, cache, shared_key, show, executor, ctx, keys if cache.folder else None)
    graphs: list[str] = []  # the documents' graphs, in the order they came
    summary: DocSummary | Blob
    for d in order:
        hit = merged.hit(d.doc_id)
        if hit is not None:
            found, mine, summary = hit
        else:
            doc_id, found, trouble, mine, summary = next(fresh)
            assert doc_id == d.doc_id
            problems += trouble
            mine = merged.fresh(doc_id, found, mine, summary)
            if spool is not None:
                mine = [spooled(p, spool) for p in mine]
        sources.add_packed(d.doc_id, found)
        docs.add(d.doc_id, mine, summary)
        graphs += (p.graph for p in mine)
        pieces += mine
    if problems:
        raise CTKGError(problems)
    figures.combined = merged.finish(graphs)
    _entry_sources(read.inputs, iris, sources)
    if not layout.wikidata_cache.is_file():
        warnings.append(Problem(display_path(layout.wikidata_cache), None, "no offline "
                                "Wikidata cache: graph/wikidata left empty", "warning"))
    shared = [*to_quads(inputs.ontology.triples, "ontology"),
              *registry_quads(inputs.registry, iris, inputs.links),
              *catalogue_quads(inputs.catalogue, iris, read.lengths, layout.catalogue),
              *to_quads(inputs.wikidata_cache, "wikidata"),
              *wikidata_containment(inputs.registry, inputs.links, inputs.wikidata_cache, iris)]
    mine = shared_pieces(shared, ctx, cache)
    if spool is not None:
        mine = [spooled(p, spool) for p in mine]
    pieces = _whole_pieces(pieces, mine, shared, docs, ctx)
    pieces = figures.fold(pieces)
    stats = figures.result(lambda: chain(shared, docs.all_quads()))
    return Compiled(docs, shared, sources, iris, pieces, ctx, keys, stats)


class _Figures:
    """Each graph's figures folded into the dataset's as its piece arrives, the piece then
    kept without them (the graphs' sets of terms took 0.3 GB at 10,000 documents); the
    documents' are the merged entry's tally (:mod:`ctkg.kg.compilecache`), the shared
    graphs' are folded into its combiner. They are counted again from the quads when they
    cannot be combined: a graph that comes twice (stated by several parts, it is rendered
    again whole: :func:`_whole_pieces`) or names another document's nodes
    (:class:`ctkg.kg.graphstats.Combiner`)."""

    def __init__(self) -> None:
        self.combined = Combiner()

    def fold(self, pieces: list[Piece]) -> list[Piece]:
        out: list[Piece] = []
        for piece in pieces:
            if piece.stats is not None:
                self.combined.add(piece.graph, piece.stats)
                piece = replace(piece, stats=None)
            out.append(piece)
        return out

    def result(self, quads: Callable[[], Iterable[ox.Quad]]) -> DatasetStats:
        try:
            return self.combined.result()
        except ValueError:
            return dataset_stats(quads())


def _whole_pieces(pieces: list[Piece], shared_pieces: list[Piece], shared: list[ox.Quad],
                  docs: DocGraphs, ctx: dict[str, object]) -> list[Piece]:
    """The documents' pieces and the shared graphs'; a graph that more than one part states
    is rendered again from all of its quads."""
    pieces = pieces + shared_pieces
    seen: dict[str, int] = {}
    for p in pieces:
        seen[p.graph] = seen.get(p.graph, 0) + 1
    split = {g for g, n in seen.items() if n > 1}
    if not split:
        return pieces
    parts = [q for q in shared if q.graph_name.value in split]  # type: ignore[union-attr]
    for doc_id in docs:
        if any(p.graph in split for p in docs.pieces(doc_id)):
            parts += [q for q in docs[doc_id]
                      if q.graph_name.value in split]  # type: ignore[union-attr]
    return [p for p in pieces if p.graph not in split] + render_pieces(parts, ctx)


def _entry_sources(inputs: Inputs, iris: dict[str, ox.NamedNode], sources: SourceMap
                   ) -> None:
    """Registry entities and catalogued documents come from their entries."""
    reg_where = display_path(inputs.layout.registry)
    cat_where = display_path(inputs.layout.catalogue)
    for slug, entry in inputs.registry.entries.items():
        if slug in iris:
            sources.setdefault(iris[slug].value, Source(reg_where, entry.line, slug))
    for doc_id, centry in inputs.catalogue.items():
        sources.setdefault(ident(f"document/{doc_id}").value,
                           Source(cat_where, centry.line, doc_id))
