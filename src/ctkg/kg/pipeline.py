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
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.annotations.brief import DocBrief
from ctkg.annotations.check import check_inputs
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs import read_inputs
from ctkg.kg import parallel
from ctkg.kg.compiled import Compiled, Read, compile_build
from ctkg.kg.dumps import sort_quads
from ctkg.kg.files import Files
from ctkg.kg.outputs import render_files
from ctkg.kg.spool import Spool, reopen
from ctkg.kg.tablecache import TablePlan, plan_tables
from ctkg.kg.tablemeta import render_tables
from ctkg.kg.validate_docs import validate_documents
from ctkg.paths import Layout
from ctkg.rdf.namespaces import ID_NS
from ctkg.rdf.terms import graph_of
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


def _read_inputs(layout: Layout, warnings: list[Problem]) -> Read:
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
    return Read(inputs, shapes, docs, lengths)


def _validate(read: Read, compiled: Compiled, jobs: int, cache: parallel.Cache,
              show: bool, engine: str = "rust",
              executor: parallel.ExecutorFactory | None = None) -> list[Problem]:
    """The registry's event summaries against the documents, and SHACL with ``engine`` (in
    units when the shapes allow it, on ``executor``'s workers when given, else on the union
    graph)."""
    registry = [q for q in compiled.shared if q.graph_name == _REGISTRY]
    docs = compiled.by_doc
    # what the whole-build checks read of the documents: their summaries (ctkg.kg.docgraphs)
    summaries = list(docs.summaries())
    outward = [t for summary in summaries for t in summary.outward_triples()]
    places = within(chain(compiled.shared, outward,
                          (t for summary in summaries for t in summary.place_triples())))
    problems = check_claims(read.inputs.registry, compiled.iris, registry,
                            merge_claims(s.claims for s in summaries), compiled.sources,
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
    return problems + shacl_problems(results, compiled.sources, docs.all_quads())


def _qc(layout: Layout, compiled: Compiled, store: ox.Store, cache: parallel.Cache,
        doc_ids: list[str], shared: tuple[list[str], str]) -> list[Problem]:
    """The QC queries on the build's store, loaded once (``store``: its quads): each
    document-scoped one per document graph, cached under the document's compile key
    (:mod:`ctkg.validate.qc_scope`), the others on the union. Each offending row a problem,
    located at the annotations of the IRIs it names."""
    if not any(layout.qc_queries.glob("*.rq")):
        return []
    shared_graphs, shared_digest = shared
    documents = {graph_of(d).value: compiled.keys.get(d, "") for d in doc_ids}
    # a document's run reads the shared graphs its document key covers (ontology, registry,
    # links, Wikidata cache); not the catalogue, which holds every document's length
    lookups = [g for g in shared_graphs if g != _CATALOGUE.value]
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


def _shared(compiled: Compiled, cache: parallel.Cache) -> tuple[list[str], str]:
    """The shared graphs (every graph but the documents') and, with a cache, a digest of
    their quads: the key of their QC rows and table rows."""
    graphs = sorted({q.graph_name.value for q in compiled.shared
                     if isinstance(q.graph_name, ox.NamedNode)})
    return graphs, parallel.digest(*(str(q) for q in compiled.shared)) if cache.folder else ""


def _table_plan(compiled: Compiled, cache: parallel.Cache, doc_ids: list[str],
                shared: tuple[list[str], str]) -> TablePlan | None:
    """With a cache, the tables' plan: each document's rows cached under its compile key
    (:mod:`ctkg.kg.tablecache`); without one, None (every row from the store)."""
    if not cache.folder:
        return None
    documents = {graph_of(d).value: compiled.keys.get(d, "") for d in doc_ids}
    return plan_tables(cache, documents, *shared)


_REGISTRY = graph_of("registry")
_CATALOGUE = graph_of("catalogue")


@dataclass
class _Front:
    """What the first stages (read, compile, validate) hand to the rest of the build."""

    compiled: Compiled
    briefs: list[DocBrief]  # the documents, without their annotations
    found: list[Problem]  # the validation's
    warnings: list[Problem]  # the reading's and compiling's
    cache: parallel.Cache  # with the entries these stages used
    timings: dict[str, float]
    peak_rss: dict[str, int]


def build(layout: Layout, jobs: int = 1, cache_dir: Path | None = None,
          progress: bool = False, shacl_engine: str = "rust",
          executor: parallel.ExecutorFactory | None = None) -> BuildResult:
    """Everything ``ctkg build`` does except writing; raises CTKGError on any error.

    ``jobs`` > 1 compiles and validates in that many processes, ``executor`` on a cluster's
    workers (:mod:`ctkg.kg.distributed`); ``cache_dir`` makes the build incremental;
    ``shacl_engine`` "pyshacl" validates with the reference engine instead of the Rust one
    (the same verdicts and messages). The output is the same either way.

    With ``jobs`` > 1 (and no ``executor``) on a corpus of :data:`CHILD_FROM` texts or more,
    reading, compiling and validating run in a child process, which hands their results
    back and exits: the garbage of those stages (about 0.4 GB at 10,000 documents, memory
    Python keeps but the store cannot reuse) goes with it before the store for QC and the
    tables is loaded. Starting the child and taking its results over costs about 0.5 s,
    more than a small build has to gain.
    """
    if shacl_engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: one of {', '.join(ENGINES)}")
    jobs = max(1, jobs or 1)
    if jobs > 1 and executor is None and _texts(layout) >= CHILD_FROM:
        start = time.perf_counter()
        front, spool = _front_in_child(layout, jobs, cache_dir, progress, shacl_engine)
        # starting the child and taking its results over, beyond its stages' own time
        front.timings["handover"] = (time.perf_counter() - start
                                     - sum(front.timings.values()))
    else:
        spool = Spool()  # the dumps' pieces, on disk until the outputs are written
        front = _front(layout, jobs, cache_dir, progress, shacl_engine, executor, spool)
    return _back(layout, front, spool)


CHILD_FROM = 5000  # texts in the corpus from which a --jobs build runs its first stages apart


def _texts(layout: Layout) -> int:
    return sum(1 for _ in layout.corpus.glob("*.txt")) if layout.corpus.is_dir() else 0


def _front(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
           shacl_engine: str, executor: parallel.ExecutorFactory | None,
           spool: Spool) -> _Front:
    """Read, compile and validate."""
    cache = parallel.Cache(cache_dir)
    warnings: list[Problem] = []
    result = BuildResult(ox.Store(), Files(), [])  # for its timings
    clock = _Clock(result)
    read = clock("read", lambda: _read_inputs(layout, warnings))
    compiled = clock("compile", lambda: compile_build(read, jobs, cache, progress, warnings,
                                                      executor, spool))
    # the parsed annotations are not read after compiling (0.3 GB at 10,000 documents)
    briefs = [DocBrief.of(d) for d in read.docs]
    read.docs = []
    found = clock("validate", lambda: _validate(read, compiled, jobs, cache, progress,
                                                shacl_engine, executor))
    compiled.by_doc.forget_summaries()  # read by the checks above only (0.4 GB at 10,000)
    return _Front(compiled, briefs, found, warnings, cache, result.timings, result.peak_rss)


def _front_child(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
                 shacl_engine: str, spool_path: Path) -> _Front:
    return _front(layout, jobs, cache_dir, progress, shacl_engine, None, Spool(spool_path))


def _front_in_child(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
                    shacl_engine: str) -> tuple[_Front, Spool]:
    """:func:`_front` in a child process (from the fork server, as the ``--jobs`` workers),
    its spool a named temporary file that this process reopens as it takes the result and
    then removes (it stays readable while open, and nothing is left behind)."""
    fd, name = tempfile.mkstemp(prefix="ctkg-spool-")
    os.close(fd)
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=parallel.worker_context()) as child:
            front = child.submit(_front_child, layout, jobs, cache_dir, progress, shacl_engine,
                                 Path(name)).result()
        spool = reopen(Path(name))  # the one the child's spans were unpickled with
    finally:
        os.unlink(name)
    return front, spool


def _back(layout: Layout, front: _Front, spool: Spool) -> BuildResult:
    """Load the store, run QC and make the tables (side by side), then render the files."""
    compiled, briefs, cache = front.compiled, front.briefs, front.cache
    result = BuildResult(ox.Store(), Files(), [])
    result.timings.update(front.timings)
    result.peak_rss.update(front.peak_rss)
    clock = _Clock(result)
    found, warnings = front.found, front.warnings
    store = result.store  # the whole build, for the QC queries and the tables
    clock("load", lambda: compiled.load(store))
    doc_ids = [d.doc_id for d in briefs]
    shared = _shared(compiled, cache)
    # the tables are made while QC runs: both are mostly Oxigraph evaluating queries, which
    # lets go of the GIL, so on two cores they overlap (timings: "tables" within "qc")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctkg-tables")
    stop = threading.Event()
    tables = pool.submit(clock.timed, "tables",
                         lambda: render_tables(store, store, spool, stop,
                                               _table_plan(compiled, cache, doc_ids, shared)))
    try:
        found += clock("qc", lambda: _qc(layout, compiled, store, cache, doc_ids, shared))
        errors, more = _split(found)
        if errors:
            raise CTKGError(sorted(errors))
        result.warnings = sorted(warnings + more)
        result.documents = sorted(d.doc_id for d in briefs)
        made = tables.result()
        result.files = clock("serialize", lambda: render_files(
            layout, store, compiled.pieces, compiled.ctx, briefs, result.warnings,
            result.notes, compiled.stats, store, spool, made))
    finally:
        stop.set()  # after an error, no more table is begun
        pool.shutdown(wait=False, cancel_futures=True)
    cache.prune()
    return result


class _Clock:
    """Runs a stage, noting its time and the peak memory after it in a BuildResult."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result

    def __call__(self, stage: str, run: Callable[[], T]) -> T:
        value = self.timed(stage, run)
        self.result.peak_rss[stage] = _peak_rss()
        return value

    def timed(self, stage: str, run: Callable[[], T]) -> T:
        """Run a stage and note its time only (it may run beside another)."""
        start = time.perf_counter()
        value = run()
        self.result.timings[stage] = time.perf_counter() - start
        return value
