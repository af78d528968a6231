"""``ctkg build`` and ``ctkg validate``: read, compile, validate, QC, then render.

Every stage reports all its problems at once, naming the file and line (or offsets and brat
id) they come from. Nothing is written unless every check passed, and each output file is
replaced atomically, so a failed build leaves ``data/kg`` exactly as it was.

``--jobs N`` compiles documents and validates SHACL units (:mod:`ctkg.validate.partition`) in N
processes; ``--cache DIR`` keeps each document's compilation and each unit's validation
under a hash of its inputs (:mod:`ctkg.kg.parallel`), so an edit recompiles and revalidates
only what it touches. Either gives byte-identical output to the plain build. Every build
validates in units (one pySHACL run on the union graph grows quadratically: > 8 minutes at
1,000 synthetic documents), with the Rust engine unless ``shacl_engine="pyshacl"`` (the
reference; the same results); the union graph is validated whole only when the shapes use
targets the split does not cover.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.annotations.check import check_inputs
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs import Inputs, entity_iris, read_inputs
from ctkg.kg import parallel
from ctkg.kg.containment import wikidata_containment
from ctkg.kg.docgraphs import DocGraphs
from ctkg.kg.dumps import sort_quads
from ctkg.kg.files import Files
from ctkg.kg.graphs import catalogue_quads, registry_quads, to_quads
from ctkg.kg.jsonld import ctkg_terms, jsonld_context
from ctkg.kg.outputs import render_files
from ctkg.kg.pieces import Piece, spooled
from ctkg.kg.render import render_pieces
from ctkg.kg.spool import Spool
from ctkg.kg.validate_docs import validate_documents
from ctkg.paths import Layout
from ctkg.rdf.namespaces import ID_NS
from ctkg.rdf.sources import Source, Sources
from ctkg.rdf.terms import graph_of, ident
from ctkg.validate import partition
from ctkg.validate.event_times import check_claims, merge_claims, within
from ctkg.validate.qc import load_queries
from ctkg.validate.qc_scope import run_scoped
from ctkg.validate.shacl import Shapes, partitionable, read_shapes, validate_triples
from ctkg.validate.shacl_problems import shacl_problems
from ctkg.validate.shacl_result import ENGINES
from ctkg.validate.shacl_rust import compile_shapes, validate_ntriples
from ctkg.wikidata.check import check_inputs as check_links

_IRI_RE = re.compile(re.escape(ID_NS) + r"[^\s,<>\"]+")  # instance IRIs in a QC row
T = TypeVar("T")


@dataclass
class BuildResult:
    """A build rendered in memory: the files, and what the build found on the way."""

    store: ox.Store  # every quad of the build (the store its QC and tables were read from)
    files: Files  # name -> bytes (the dumps kept as chunks: ctkg.kg.files)
    documents: list[str]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)  # KiB after each stage (Linux)

    @cached_property
    def quads(self) -> list[ox.Quad]:
        """Distinct, in canonical N-Quads order: made from the store when first asked (the
        build drops its own list of pyoxigraph quads once the store holds them)."""
        return sort_quads(self.store)

    @property
    def quad_count(self) -> int:
        return len(self.store)

    @property
    def graph_count(self) -> int:
        return sum(1 for _ in self.store.named_graphs())


@dataclass
class _Read:
    """What the build reads: the inputs, the shapes and the annotated documents."""

    inputs: Inputs
    shapes: Shapes
    docs: list[brat.Document]
    lengths: dict[str, int]  # code points of every text, annotated or not


@dataclass
class _Compiled:
    """The build's graphs, and where each node comes from."""

    by_doc: DocGraphs  # each document's quads (read back from its pieces) and summary
    shared: list[ox.Quad]  # ontology, registry, catalogue, wikidata
    sources: Sources
    iris: dict[str, ox.NamedNode]
    pieces: list[Piece]  # each graph's share of the dumps
    ctx: dict[str, object]  # the JSON-LD context
    keys: dict[str, str]  # doc id -> its compile key (with a cache)

    @property
    def doc_quads(self) -> Iterator[ox.Quad]:
        """Every document's quads, read back one document at a time."""
        return self.by_doc.all_quads()

    def all_quads(self) -> Iterator[ox.Quad]:
        """The shared graphs' quads, then every document's (distinct within each part)."""
        yield from self.shared
        yield from self.by_doc.all_quads()

    def load(self, store: ox.Store) -> None:
        """Put every quad of the build into ``store``, graph by graph in the canonical order
        of the dumps (an order Oxigraph's queries depend on: with the shared graphs loaded
        first, QC's entity-without-type took 160 s instead of 6 at 10,000 documents); the
        documents' from their N-Quads pieces (parsed by pyoxigraph: no Python objects), in
        batches of about 32 MB."""
        shared: dict[str, list[ox.Quad]] = {}
        for q in self.shared:
            shared.setdefault(f"<{q.graph_name.value}>", []).append(q)  # type: ignore[union-attr]
        parts = [(g, "", quads) for g, quads in shared.items()]
        parts += [(f"<{graph_of(d).value}>", d, []) for d in self.by_doc]
        batch: list[bytes] = []

        def flush() -> None:
            if batch:
                store.bulk_load(input=b"".join(batch), format=ox.RdfFormat.N_QUADS)
                batch.clear()

        size = 0
        for _graph, doc_id, quads in sorted(parts, key=lambda part: part[0]):
            if quads:
                flush()
                store.bulk_extend(quads)
                continue
            for chunk in self.by_doc.nquads(doc_id):
                batch.append(chunk)
                size += len(chunk)
            if size > 1 << 25:
                flush()
                size = 0
        flush()


def _split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings)."""
    return ([p for p in problems if p.severity == "error"],
            [p for p in problems if p.severity != "error"])


def _stop_on_errors(problems: list[Problem]) -> list[Problem]:
    """Raise the errors among ``problems``; return the warnings."""
    errors, warnings = _split(problems)
    if errors:
        raise CTKGError(errors)
    return warnings


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _peak_rss() -> int:
    """Peak resident memory so far of this process plus its largest finished worker."""
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _read_inputs(layout: Layout, warnings: list[Problem]) -> _Read:
    """Read and check every input (syntax, registry, catalogue, links, annotations)."""
    inputs = read_inputs(layout)
    onto = {display_path(p) for p in layout.ontology_files()}
    syntax = [p for p in inputs.problems if p.file in onto]
    shapes: Shapes | None = None
    try:
        shapes = read_shapes(layout.shapes)
    except CTKGError as exc:
        syntax += exc.problems
    warnings += _stop_on_errors(syntax)
    assert shapes is not None
    # the annotation checker after the syntax checks (which name the line of a Turtle
    # error); each input was read once, above and here, and is checked as read
    docs, pairing = brat.read_collection(layout.corpus)
    texts = {p.stem for p in layout.corpus.glob("*.txt")}
    problems = _unique([*pairing, *inputs.problems, *(p for d in docs for p in d.problems),
                        *check_inputs(inputs, docs, texts=texts, conf_folder=layout.corpus),
                        *check_links(inputs)])
    warnings += _stop_on_errors([p for p in problems if p not in syntax])
    lengths = {d.doc_id: len(d.text) for d in docs}
    return _Read(inputs, shapes, docs, lengths)


def _shared_key(layout: Layout) -> str:
    """The inputs every document's compilation depends on (and the code, and the cwd,
    which the reported paths are relative to)."""
    files = [*layout.ontology_files(), layout.registry, layout.links, layout.wikidata_cache]
    return parallel.digest(parallel.code_version(), os.getcwd(), str(layout.root.resolve()),
                           *(p.read_bytes() if p.is_file() else b"-" for p in files))


def _compile(read: _Read, jobs: int, cache: parallel.Cache, show: bool,
             warnings: list[Problem], executor: parallel.ExecutorFactory | None = None,
             spool: Spool | None = None) -> _Compiled:
    """Every document's graph (in parallel, cached) and the shared graphs; each graph's
    piece of the dumps is moved to ``spool`` as it arrives (kept in memory without one)."""
    inputs, layout = read.inputs, read.inputs.layout
    iris = {slug: ox.NamedNode(iri) for slug, iri in entity_iris(inputs).items()}
    sources: Sources = {}
    docs = DocGraphs()
    pieces: list[Piece] = []
    problems: list[Problem] = []
    shared_key = _shared_key(layout) if cache.folder else ""
    ctx = jsonld_context(ctkg_terms(inputs.ontology.triples))
    # each document's compile key, read once: the compile, validation and QC caches use it
    keys = {d.doc_id: parallel.document_key(d, inputs.catalogue, shared_key)
            for d in read.docs} if cache.folder else {}
    for doc_id, found, trouble, mine, summary in parallel.compile_all(
            read.docs, inputs.registry, inputs.catalogue, iris, jobs, cache, shared_key, show,
            executor, ctx, keys if cache.folder else None):
        problems += trouble
        sources.update(found)
        if spool is not None:
            mine = [spooled(p, spool) for p in mine]
        docs.add(doc_id, mine, summary)
        pieces += mine
    if problems:
        raise CTKGError(problems)
    _entry_sources(read.inputs, iris, sources)
    if not layout.wikidata_cache.is_file():
        warnings.append(Problem(display_path(layout.wikidata_cache), None, "no offline "
                                "Wikidata cache: graph/wikidata left empty", "warning"))
    shared = [*to_quads(inputs.ontology.triples, "ontology"),
              *registry_quads(inputs.registry, iris, inputs.links),
              *catalogue_quads(inputs.catalogue, iris, read.lengths, layout.catalogue),
              *to_quads(inputs.wikidata_cache, "wikidata"),
              *wikidata_containment(inputs.registry, inputs.links, inputs.wikidata_cache, iris)]
    mine = _shared_pieces(shared, ctx, cache)
    if spool is not None:
        mine = [spooled(p, spool) for p in mine]
    pieces = _whole_pieces(pieces, mine, shared, docs, ctx)
    return _Compiled(docs, shared, sources, iris, pieces, ctx, keys)


def _shared_pieces(shared: list[ox.Quad], ctx: dict[str, object], cache: parallel.Cache
                   ) -> list[Piece]:
    """The shared graphs' pieces, each cached under a digest of its quads (an edit to a
    document's annotations leaves them all as they were; rendering them took 4-7 s at
    10,000 documents, most of it the catalogue)."""
    if not cache.folder:
        return render_pieces(shared, ctx)
    graphs: dict[str, list[ox.Quad]] = {}
    for q in shared:
        graphs.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
    out: list[Piece] = []
    code = parallel.code_version()
    for graph, quads in sorted(graphs.items()):
        lines = sorted(set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
                           .splitlines()))
        key = parallel.digest(code, repr(ctx), graph, *lines)
        hit = cache.get("shared-piece", key)
        if not isinstance(hit, list):
            hit = render_pieces(quads, ctx)
            cache.put("shared-piece", key, hit)
        out += hit
    return out


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


def _entry_sources(inputs: Inputs, iris: dict[str, ox.NamedNode], sources: Sources) -> None:
    """Registry entities and catalogued documents come from their entries."""
    reg_where = display_path(inputs.layout.registry)
    cat_where = display_path(inputs.layout.catalogue)
    for slug, entry in inputs.registry.entries.items():
        if slug in iris:
            sources.setdefault(iris[slug].value, Source(reg_where, entry.line, slug))
    for doc_id, centry in inputs.catalogue.items():
        sources.setdefault(ident(f"document/{doc_id}").value,
                           Source(cat_where, centry.line, doc_id))


def _validate(read: _Read, compiled: _Compiled, jobs: int, cache: parallel.Cache,
              show: bool, engine: str = "rust",
              executor: parallel.ExecutorFactory | None = None) -> list[Problem]:
    """The registry's event summaries against the documents, and SHACL with ``engine`` (in
    units when the shapes allow it, on ``executor``'s workers when given, else on the union
    graph)."""
    registry = [q for q in compiled.shared if q.graph_name == _REGISTRY]
    docs = compiled.by_doc
    # what the whole-build checks read of the documents: their summaries (ctkg.kg.docgraphs)
    outward = [t for summary in docs.summaries() for t in summary.outward_triples()]
    places = within(chain(compiled.shared, outward,
                          (t for summary in docs.summaries() for t in summary.place_triples())))
    problems = check_claims(read.inputs.registry, compiled.iris, registry,
                            merge_claims(s.claims for s in docs.summaries()), compiled.sources,
                            places)
    if partitionable(read.shapes) and cache.folder:
        results = validate_documents(docs, compiled.shared, compiled.keys,
                                     read.inputs.layout.shapes.read_bytes(), jobs, cache,
                                     show, engine, executor, outward=outward)
    elif partitionable(read.shapes):
        plan = partition.plan(docs, compiled.shared, docs_per_unit=25,
                              shared_chunks=4 * jobs)
        shapes_ttl = read.inputs.layout.shapes.read_bytes()
        results = parallel.validate_units(plan, shapes_ttl, jobs, cache, show, engine,
                                          executor)
    elif engine == "rust":
        results = validate_ntriples(
            ox.serialize([q.triple for q in compiled.all_quads()],
                         format=ox.RdfFormat.N_TRIPLES) or b"",
            compile_shapes(read.inputs.layout.shapes.read_bytes()))
    else:
        results = validate_triples((q.triple for q in compiled.all_quads()), read.shapes)
    return problems + shacl_problems(results, compiled.sources, compiled.doc_quads)


def _qc(read: _Read, compiled: _Compiled, store: ox.Store,
        cache: parallel.Cache) -> list[Problem]:
    """The QC queries on the build's store, loaded once (``store``: its quads): each
    document-scoped one per document graph, cached under the document's compile key
    (:mod:`ctkg.validate.qc_scope`), the others on the union. Each offending row a problem,
    located at the annotations of the IRIs it names."""
    layout = read.inputs.layout
    if not any(layout.qc_queries.glob("*.rq")):
        return []
    shared_graphs = sorted({q.graph_name.value for q in compiled.shared
                            if isinstance(q.graph_name, ox.NamedNode)})
    documents = {graph_of(d.doc_id).value: compiled.keys.get(d.doc_id, "") for d in read.docs}
    # a document's run reads the shared graphs its document key covers (ontology, registry,
    # links, Wikidata cache); not the catalogue, which holds every document's length
    lookups = [g for g in shared_graphs if g != _CATALOGUE.value]
    shared_digest = parallel.digest(*(str(q) for q in compiled.shared)) if cache.folder else ""
    problems: list[Problem] = []
    results = run_scoped(store, load_queries(layout.qc_queries), documents, shared_graphs,
                         cache if cache.folder else None, lookups, shared_digest)
    for res in results:
        where = display_path(layout.qc_queries / f"{res.name}.rq")
        for row in res.rows:
            origin = "; ".join(str(compiled.sources[i]) for i in _IRI_RE.findall(row)
                               if i in compiled.sources)
            msg = f"QC {res.name}: {res.title}: {row}" + (f" [from {origin}]" if origin
                                                           else "")
            problems.append(Problem(where, None, msg,
                                    "error" if res.severity == "error" else "warning"))
    return problems


_REGISTRY = graph_of("registry")
_CATALOGUE = graph_of("catalogue")


def build(layout: Layout, jobs: int = 1, cache_dir: Path | None = None,
          progress: bool = False, shacl_engine: str = "rust",
          executor: parallel.ExecutorFactory | None = None) -> BuildResult:
    """Everything ``ctkg build`` does except writing; raises CTKGError on any error.

    ``jobs`` > 1 compiles and validates in that many processes, ``executor`` on a cluster's
    workers (:mod:`ctkg.kg.distributed`); ``cache_dir`` makes the build incremental;
    ``shacl_engine`` "pyshacl" validates with the reference engine instead of the Rust one
    (the same verdicts and messages). The output is the same either way.
    """
    if shacl_engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: one of {', '.join(ENGINES)}")
    jobs = max(1, jobs or 1)
    cache = parallel.Cache(cache_dir)
    warnings: list[Problem] = []
    result = BuildResult(ox.Store(), Files(), [])
    clock = _Clock(result)
    read = clock("read", lambda: _read_inputs(layout, warnings))
    spool = Spool()  # the dumps' pieces, on disk until the outputs are written
    compiled = clock("compile", lambda: _compile(read, jobs, cache, progress, warnings,
                                                 executor, spool))
    found = clock("validate", lambda: _validate(read, compiled, jobs, cache, progress,
                                                shacl_engine, executor))
    compiled.by_doc.forget_summaries()  # read by the checks above only (0.4 GB at 10,000)
    store = result.store  # the whole build, for the QC queries and the tables
    compiled.load(store)
    found += clock("qc", lambda: _qc(read, compiled, store, cache))
    errors, more = _split(found)
    if errors:
        raise CTKGError(sorted(errors))
    result.warnings = sorted(warnings + more)
    result.documents = sorted(d.doc_id for d in read.docs)
    result.files = clock("serialize", lambda: render_files(
        layout, store, compiled.pieces, compiled.ctx, read.docs, result.warnings,
        result.notes, store))
    cache.prune()
    return result


class _Clock:
    """Runs a stage, noting its time and the peak memory after it in a BuildResult."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result

    def __call__(self, stage: str, run: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = run()
        self.result.timings[stage] = time.perf_counter() - start
        self.result.peak_rss[stage] = _peak_rss()
        return value
