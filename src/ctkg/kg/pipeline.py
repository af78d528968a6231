"""``ctkg build`` and ``ctkg validate``: read, compile, validate, QC, then render.

Every stage reports all its problems at once, naming the file and line (or offsets and brat
id) they come from. Nothing is written unless every check passed, and each output file is
replaced atomically, so a failed build leaves ``data/kg`` exactly as it was.

``--jobs N`` compiles documents and validates SHACL units (:mod:`ctkg.validate.partition`) in N
processes; ``--cache DIR`` keeps each document's compilation and each unit's validation
under a hash of its inputs (:mod:`ctkg.kg.parallel`), and what reading and checking found of
each document (:mod:`ctkg.kg.readcache`), so an edit reads, checks, recompiles and
revalidates only what it touches. Either gives byte-identical output to the plain build.
Every build validates in units (one pySHACL run on the union graph grows quadratically:
> 8 minutes at 1,000 synthetic documents), with the Rust engine unless
``shacl_engine="pyshacl"`` (the reference; the same results); the union graph is validated
whole only when the shapes use targets the split does not cover.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.annotations.brief import DocBrief
from ctkg.annotations.check import check_inputs
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs import read_inputs
from ctkg.kg import parallel
from ctkg.kg.back import back
from ctkg.kg.compiled import Compiled, Read, compile_build
from ctkg.kg.docfacts import document_facts
from ctkg.kg.docgraphs import joined_triples
from ctkg.kg.event_checks import check_event_claims
from ctkg.kg.files import Files
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.readcache import cached_inputs, read_corpus
from ctkg.kg.result import BuildResult as BuildResult
from ctkg.kg.result import Clock, Front, stop_on_errors
from ctkg.kg.spool import Spool, reopen
from ctkg.kg.validate_docs import validate_documents
from ctkg.paths import Layout
from ctkg.rdf.terms import graph_of
from ctkg.validate.event_times import within
from ctkg.validate.shacl import Shapes, partitionable, read_shapes, validate_triples
from ctkg.validate.shacl_problems import shacl_problems
from ctkg.validate.shacl_result import ENGINES
from ctkg.validate.shacl_rust import compile_shapes, validate_ntriples
from ctkg.wikidata.check import check_inputs as check_links


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _read_inputs(layout: Layout, warnings: list[Problem],
                 cache: parallel.Cache | None = None) -> Read:
    """Read and check every input (syntax, registry, catalogue, links, annotations); with a
    cache, only the documents that changed (:mod:`ctkg.kg.readcache`)."""
    cached = cache is not None and cache.folder is not None
    inputs = cached_inputs(layout, cache) if cache is not None and cached else read_inputs(layout)
    onto = {display_path(p) for p in layout.ontology_files()}
    syntax = [p for p in inputs.problems if p.file in onto]
    shapes: Shapes | None = None
    try:
        shapes = read_shapes(layout.shapes)
    except CTKGError as exc:
        syntax += exc.problems
    warnings += stop_on_errors(syntax)
    assert shapes is not None
    # the annotation checker after the syntax checks (which name the line of a Turtle
    # error); each input was read once, above and here, and is checked as read
    if cache is not None and cached:
        corpus = read_corpus(layout, inputs, cache)
        docs, lengths = corpus.docs, corpus.lengths
        problems = _unique([*corpus.pairing, *inputs.problems, *corpus.reading,
                            *corpus.checked, *check_links(inputs)])
    else:
        docs, pairing = brat.read_collection(layout.corpus)
        texts = {p.stem for p in layout.corpus.glob("*.txt")}
        problems = _unique([*pairing, *inputs.problems, *(p for d in docs for p in d.problems),
                            *check_inputs(inputs, docs, texts=texts, conf_folder=layout.corpus),
                            *check_links(inputs)])
        lengths = {d.doc_id: len(d.text) for d in docs}
    warnings += stop_on_errors([p for p in problems if p not in syntax])
    return Read(inputs, shapes, docs, lengths)


def _validate(read: Read, compiled: Compiled, jobs: int, cache: parallel.Cache,
              show: bool, engine: str = "rust",
              executor: parallel.ExecutorFactory | None = None) -> list[Problem]:
    """The registry's event summaries against the documents, and SHACL with ``engine`` (in
    units when the shapes allow it, on ``executor``'s workers when given, else on the union
    graph)."""
    registry = [q for q in compiled.shared if q.graph_name == _REGISTRY]
    docs = compiled.by_doc
    # what the whole-build checks read of the documents' summaries (ctkg.kg.docgraphs), kept
    # by document key (ctkg.kg.docfacts); the claims of the documents an edit concerns
    doc_keys = compiled.keys if cache.folder else None
    facts = document_facts(docs, doc_keys, cache)
    places = within(chain(compiled.shared,
                          joined_triples(f.containment for f in facts.values()
                                         if f.containment is not None),
                          joined_triples(f.places for f in facts.values())))
    problems = check_event_claims(read.inputs.registry, compiled.iris, registry,
                                  [(d, f.events) for d, f in facts.items()], docs.summary,
                                  doc_keys, compiled.sources, places, cache)
    if partitionable(read.shapes):  # without a cache, the documents' ids stand for keys
        keys = compiled.keys if cache.folder else {d: d for d in docs}
        results = validate_documents(docs, compiled.shared, keys,
                                     read.inputs.layout.shapes.read_bytes(), jobs, cache,
                                     show, engine, executor)
    elif engine == "rust":
        results = validate_ntriples(
            ox.serialize([q.triple for q in compiled.all_quads()],
                         format=ox.RdfFormat.N_TRIPLES) or b"",
            compile_shapes(read.inputs.layout.shapes.read_bytes()))
    else:
        results = validate_triples((q.triple for q in compiled.all_quads()), read.shapes)
    return problems + shacl_problems(results, compiled.sources, docs.all_quads())


_REGISTRY = graph_of("registry")


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
    more than a small build has to gain, and 3.5 s at 10,000: an incremental build (a cache
    that holds most compilations: :func:`_warm`) runs them in this process.
    """
    if shacl_engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: one of {', '.join(ENGINES)}")
    jobs = max(1, jobs or 1)
    with gc_paused() if shacl_engine == "rust" else nullcontext():
        return _build(layout, jobs, cache_dir, progress, shacl_engine, executor)


def _build(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
           shacl_engine: str, executor: parallel.ExecutorFactory | None) -> BuildResult:
    texts = _texts(layout)
    if jobs > 1 and executor is None and texts >= CHILD_FROM and not _warm(cache_dir, texts):
        start = time.perf_counter()
        front, spool = _front_in_child(layout, jobs, cache_dir, progress, shacl_engine)
        # starting the child and taking its results over, beyond its stages' own time
        front.timings["handover"] = (time.perf_counter() - start
                                     - sum(front.timings.values()))
    else:
        spool = Spool()  # the dumps' pieces, on disk until the outputs are written
        front = _front(layout, jobs, cache_dir, progress, shacl_engine, executor, spool)
    return back(layout, front, spool)


CHILD_FROM = 5000  # texts in the corpus from which a --jobs build runs its first stages apart


def _texts(layout: Layout) -> int:
    return sum(1 for _ in layout.corpus.glob("*.txt")) if layout.corpus.is_dir() else 0


def _warm(cache_dir: Path | None, texts: int) -> bool:
    """Whether the cache holds a compilation for at least half the texts: an incremental
    build, whose first stages read the cache more than they compile (little garbage to
    leave in a child) and whose QC and tables need no whole store; handing the results
    over from a child took 3.5 s of a 54 s rebuild at 10,000 documents."""
    if cache_dir is None or not (cache_dir / "compile").is_dir():
        return False
    with os.scandir(cache_dir / "compile") as entries:
        return 2 * sum(1 for _ in entries) >= texts


def _front(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
           shacl_engine: str, executor: parallel.ExecutorFactory | None,
           spool: Spool) -> Front:
    """Read, compile and validate, without the cyclic garbage collector (:mod:`ctkg.kg.
    gcpause`), but for pySHACL's validation, whose rdflib graphs do make cycles."""
    cache = parallel.Cache(cache_dir)
    warnings: list[Problem] = []
    result = BuildResult(Files(), [])  # for its timings
    clock = Clock(result)
    # one pause throughout with the Rust engine: the collector's first pass after a pause
    # walks everything made meanwhile (at 10,000 documents, seconds each time)
    with gc_paused() if shacl_engine == "rust" else nullcontext():
        with gc_paused():
            read = clock("read", lambda: _read_inputs(layout, warnings, cache))
            compiled = clock("compile", lambda: compile_build(read, jobs, cache, progress,
                                                              warnings, executor, spool))
            # the parsed annotations are not read after compiling (0.3 GB at 10,000)
            briefs = [DocBrief.of(d) for d in read.docs]
            read.docs = []
        found = clock("validate", lambda: _validate(read, compiled, jobs, cache, progress,
                                                    shacl_engine, executor))
        compiled.by_doc.forget_summaries()  # read by the checks above only (0.4 GB at 10,000)
        return Front(compiled, briefs, found, warnings, cache, result.timings,
                     result.peak_rss, jobs)


def _front_child(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
                 shacl_engine: str, spool_path: Path) -> Front:
    return _front(layout, jobs, cache_dir, progress, shacl_engine, None, Spool(spool_path))


def _front_in_child(layout: Layout, jobs: int, cache_dir: Path | None, progress: bool,
                    shacl_engine: str) -> tuple[Front, Spool]:
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
