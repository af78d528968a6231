"""``ctkg build`` and ``ctkg validate``: read, compile, validate, QC, then write atomically.

Every stage reports all its problems at once, naming the file and line (or offsets and brat
id) they come from. Nothing is written unless every check passed, and each output file is
replaced atomically, so a failed build leaves ``data/kg`` exactly as it was.

``--jobs N`` compiles documents and validates SHACL units (:mod:`ctkg.validate.partition`) in N
processes; ``--cache DIR`` keeps each document's compilation and each unit's validation
under a hash of its inputs (:mod:`ctkg.build.parallel`), so an edit recompiles and revalidates
only what it touches. Either gives byte-identical output to the plain build
(tests/test_scale.py). Every build validates in units (one pySHACL run on the union graph
grows quadratically: > 8 minutes at 1,000 synthetic documents); the union graph is
validated whole only when the shapes use targets the split does not cover.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.annotations.check import check_corpus
from ctkg.build import parallel as pipeline
from ctkg.build import serialize
from ctkg.build import shared as graphs
from ctkg.build.compile import Quad, Source
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import load_catalogue
from ctkg.inputs.links import load_links
from ctkg.inputs.registry import load_registry
from ctkg.paths import Layout
from ctkg.rdf.turtle import parse_turtle
from ctkg.validate import partition
from ctkg.validate.qc import run_qc
from ctkg.validate.shacl import validate_graph
from ctkg.wikidata.check import check_links

MANIFEST = "manifest.json"
_IRI_RE = re.compile(r"https://w3id\.org/ctkg/id/[^\s,<>\"]+")


@dataclass
class BuildResult:
    """A build rendered in memory: the files, and what the build found on the way."""

    quads: list[Quad]
    files: dict[str, bytes]
    documents: list[str]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)  # KiB after each stage (Linux)

    @property
    def quad_count(self) -> int:
        return len(self.quads)

    @property
    def graph_count(self) -> int:
        return len({q[0] for q in self.quads})


def _stop_on_errors(problems: list[Problem]) -> list[Problem]:
    """Raise the errors among ``problems``; return the warnings."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CTKGError(errors)
    return [p for p in problems if p.severity != "error"]


def input_files(layout: Layout) -> list[Path]:
    """Every file the build reads (its hash goes into the manifest)."""
    files = [p for p in layout.corpus.glob("*") if p.is_file()]
    files += sorted(layout.ontology_dir.glob("*.ttl")) + sorted(layout.qc_queries.glob("*.rq"))
    files += [p for p in (layout.registry, layout.catalogue, layout.links,
                          layout.wikidata_cache) if p.is_file()]
    return sorted(set(files))


def _peak_rss() -> int:
    """Peak resident memory so far of this process plus its largest finished worker."""
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _shared_key(layout: Layout) -> str:
    """The inputs every document's compilation depends on (and the code, and the cwd,
    which the reported paths are relative to)."""
    files = [*layout.ontology_files(), layout.registry, layout.links, layout.wikidata_cache]
    return pipeline.digest(pipeline.code_version(), os.getcwd(), str(layout.root.resolve()),
                           *(p.read_bytes() if p.is_file() else b"-" for p in files))


def build(layout: Layout, jobs: int = 1, cache_dir: Path | None = None,
          progress: bool = False) -> BuildResult:
    """Everything ``ctkg build`` does except writing; raises CTKGError on any error.

    ``jobs`` > 1 compiles and validates in that many processes; ``cache_dir`` makes the
    build incremental. The output is the same either way.
    """
    jobs = max(1, jobs or 1)
    cache = pipeline.Cache(cache_dir)
    bar = pipeline.Progress(progress)
    timings: dict[str, float] = {}
    rss: dict[str, int] = {}
    notes: list[str] = []
    warnings: list[Problem] = []
    t = time.perf_counter()

    # -- read ---------------------------------------------------------------------------------
    onto_files = layout.ontology_files()
    if not onto_files:
        raise CTKGError.single(layout.ontology, None, "no ontology file found")
    problems: list[Problem] = []
    onto_triples: list[tuple[str, str, str]] = []
    for path in onto_files:
        try:
            triples = graphs.graph_triples(parse_turtle(path))
        except CTKGError as exc:
            problems += exc.problems
            continue
        if any(x.startswith("<file:") for t in triples for x in t):  # a relative IRI
            problems.append(Problem(display_path(path), None, "relative IRI resolved against "
                                    "the file's location: write absolute IRIs"))
        onto_triples += triples
    try:
        shapes = parse_turtle(layout.shapes)
    except CTKGError as exc:
        problems += exc.problems
    if problems:
        raise CTKGError(problems)
    # the annotation checker after the syntax checks: rdfio names the line of a Turtle error
    t_check = time.perf_counter()
    warnings += _stop_on_errors(check_corpus(layout))
    timings["check"] = time.perf_counter() - t_check
    rss["check"] = _peak_rss()
    ancestors = graphs.class_ancestors(onto_triples)
    registry = load_registry(layout.registry, class_names=set(ancestors))
    catalogue = load_catalogue(layout.catalogue)
    links = load_links(layout.links)
    warnings += _stop_on_errors(check_links(layout))
    docs: list[brat.Document] = []
    lengths: dict[str, int] = {}
    for txt in brat.collection_documents(layout.corpus):
        lengths[txt.stem] = len(brat.read_text(txt))
        if not txt.with_suffix(".ann").is_file():
            warnings.append(Problem(display_path(txt), None, "no .ann file: not compiled",
                                    "warning"))
            continue
        docs.append(brat.read_document(txt))
    _stop_on_errors([p for d in docs for p in d.problems])
    timings["read"] = time.perf_counter() - t - timings.get("check", 0.0)
    rss["read"] = _peak_rss()

    # -- compile ------------------------------------------------------------------------------
    t = time.perf_counter()
    iris = graphs.entity_iris(registry, ancestors)
    sources: dict[str, Source] = {}
    doc_quads: list[Quad] = []
    by_doc: dict[str, list[Quad]] = {}
    problems = []
    shared_key = _shared_key(layout) if cache_dir else ""
    for doc_id, dq, dsources, dproblems in pipeline.compile_all(
            docs, registry, catalogue, iris, jobs, cache, shared_key, bar):
        problems += dproblems
        sources.update(dsources)
        by_doc[doc_id] = dq
        doc_quads += dq
    if problems:
        raise CTKGError(problems)
    reg_where = display_path(layout.registry)
    cat_where = display_path(layout.catalogue)
    for slug, entry in registry.entries.items():
        sources.setdefault(iris[slug], Source(reg_where, entry.line, slug))
    for doc_id, centry in catalogue.items():
        sources.setdefault(f"https://w3id.org/ctkg/id/document/{doc_id}",
                           Source(cat_where, centry.line, doc_id))
    wd_quads, wd_notes = graphs.wikidata_quads(layout.wikidata_cache)
    warnings += wd_notes
    shared_quads = [
        *graphs.to_quads(onto_triples, "ontology"),
        *graphs.registry_quads(registry, iris, links),
        *graphs.catalogue_quads(catalogue, iris, lengths, layout.catalogue),
        *wd_quads,
    ]
    quads = serialize.sort_quads([*doc_quads, *shared_quads])
    timings["compile"] = time.perf_counter() - t
    rss["compile"] = _peak_rss()

    # -- validate -----------------------------------------------------------------------------
    t = time.perf_counter()
    errors = []
    for p in graphs.check_event_times(registry, iris, doc_quads, sources):
        (errors if p.severity == "error" else warnings).append(p)
    if partition.partitionable(shapes):  # else the union graph in one pySHACL run
        plan = partition.plan(by_doc, shared_quads,
                              docs_per_unit=1 if cache_dir else 25,
                              shared_chunks=64 if cache_dir else 4 * jobs)
        results = pipeline.validate_units(plan, layout.shapes.read_bytes(), jobs, cache, bar)
    else:
        _conforms, results = validate_graph(graphs.to_rdflib(quads), shapes)
    index = assertion_index(doc_quads) if results else {}
    # a focus node can be reported by several SPARQL rows or units: one problem each
    for problem in sorted({_shacl_problem(r, sources, index) for r in results}):
        (errors if problem.severity == "error" else warnings).append(problem)
    timings["validate"] = time.perf_counter() - t
    rss["validate"] = _peak_rss()
    t = time.perf_counter()
    oxquads = serialize.oxigraph_quads(quads)
    if any(layout.qc_queries.glob("*.rq")):
        store = ox.Store()
        store.bulk_extend(oxquads)
        for res in run_qc(store, layout.qc_queries):
            for row in res.rows:
                where = display_path(layout.qc_queries / f"{res.name}.rq")
                origin = "; ".join(str(sources[i]) for i in _IRI_RE.findall(row) if i in sources)
                msg = f"QC {res.name}: {res.title}: {row}" + (f" [from {origin}]" if origin
                                                               else "")
                sev = "error" if res.severity == "error" else "warning"
                (errors if sev == "error" else warnings).append(Problem(where, None, msg, sev))
    timings["qc"] = time.perf_counter() - t
    rss["qc"] = _peak_rss()
    if errors:
        raise CTKGError(sorted(errors))

    # -- serialize ----------------------------------------------------------------------------
    t = time.perf_counter()
    doc_ids = sorted(d.doc_id for d in docs)
    files = render_files(layout, quads, oxquads, onto_triples, doc_ids, docs,
                         sorted(warnings), notes)
    timings["serialize"] = time.perf_counter() - t
    rss["serialize"] = _peak_rss()
    cache.prune()
    return BuildResult(quads, files, doc_ids, sorted(warnings), notes, timings, rss)


def render_files(layout: Layout, quads: list[Quad], oxquads: list[ox.Quad],
                 onto_triples: list[tuple[str, str, str]], doc_ids: list[str],
                 docs: list[brat.Document], warnings: list[Problem],
                 notes: list[str]) -> dict[str, bytes]:
    """Every output file's bytes (the manifest last: it hashes the others)."""
    ctkg_ns = "<https://w3id.org/ctkg/ontology#"
    terms = {x[len(ctkg_ns):-1] for t in onto_triples for x in t if x.startswith(ctkg_ns)}
    ctx = serialize.jsonld_context(terms)
    triples = serialize.union_triples(quads)
    files = {
        "ctkg.trig": serialize.render_trig(oxquads),
        "ctkg.ttl": serialize.render_ttl(triples),
        "ctkg.nq": serialize.render_nq(quads),
        "ctkg.jsonld": serialize.render_jsonld(quads, ctx),
        "context.jsonld": serialize.render_context(ctx),
        "void.ttl": serialize.render_void(triples, doc_ids),
    }
    counts: dict[str, int] = {}
    for g, *_ in quads:
        counts[g[1:-1]] = counts.get(g[1:-1], 0) + 1
    shown = display_path(layout.root)  # report paths relative to the root, wherever we run
    strip = (lambda t: t.replace(f"{shown}/", "")) if shown != "." else (lambda t: t)
    files["build-report.md"] = serialize.render_report(
        quads, counts, docs, [strip(str(w)) for w in warnings], notes)
    files[MANIFEST] = serialize.render_manifest(
        serialize.inputs_sha256(layout.root, input_files(layout)), counts, files)
    return files


def stale_outputs(result: BuildResult, out: Path) -> list[str]:
    """The output files in ``out`` that differ from (or are missing in) a build."""
    return [name for name, data in sorted(result.files.items())
            if not (out / name).is_file() or (out / name).read_bytes() != data]


def write_outputs(result: BuildResult, out: Path) -> None:
    """Write a build's files into ``out`` atomically, the manifest last."""
    serialize.write_atomically(out, result.files, last=MANIFEST)


def _expand(label: str | None) -> str | None:
    """pySHACL's readable node label (``<iri>``, ``prefix:local`` or a lexical form) -> IRI."""
    if label is None:
        return None
    if label.startswith("<") and label.endswith(">"):
        return label[1:-1]
    if ":" in label and not label.startswith(("http:", "https:")):
        from rdflib import Graph

        try:
            return str(Graph().namespace_manager.expand_curie(label))
        except (ValueError, TypeError):
            return label
    return label


def assertion_index(quads: list[Quad]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(subject, predicate) -> [(object, assertion IRI)] over every reified fact."""
    parts: dict[str, dict[str, str]] = {}
    for _g, a, p, o in quads:
        if p in _REIF:
            parts.setdefault(a, {})[_REIF[p]] = o
    index: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a, spo in parts.items():
        if len(spo) == 3:
            index.setdefault((spo["s"], spo["p"]), []).append((spo["o"], a[1:-1]))
    return index


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_REIF = {f"<{_RDF}subject>": "s", f"<{_RDF}predicate>": "p", f"<{_RDF}object>": "o"}


def _shacl_problem(r: Any, sources: dict[str, Source],
                   index: dict[tuple[str, str], list[tuple[str, str]]]) -> Problem:
    """A SHACL result as a Problem located at the annotation (or entry) behind it: the
    assertions that produced focus-path-value if any, else the focus node's own source."""
    focus, path = _expand(r.focus_node), _expand(r.path)
    origins: list[Source] = []
    if focus and path:
        for o, a in index.get((f"<{focus}>", f"<{path}>"), []):
            value_ok = r.value is None or o == f"<{_expand(r.value)}>" \
                or o.startswith(f'"{r.value}"')
            if value_ok and a in sources:
                origins.append(sources[a])
    src = sources.get(focus or "")
    where = origins[0] if origins else src
    text = f"SHACL {r.severity}: {r.focus_node}"
    text += f" {r.path}" if r.path else ""
    text += f" (value {r.value})" if r.value is not None else ""
    text += f": {r.message} [{r.shape}]"
    if where is not None:
        text += f" — from {where.what}"
    if len(origins) > 1:
        text += "; also " + "; ".join(str(o) for o in sorted(set(origins[1:]), key=str))
    return Problem(where.file if where else "<graph>", where.line if where else None, text,
                   "error" if r.severity == "Violation" else "warning")


def load_dataset(layout: Layout) -> ox.Store:
    """The committed build (``data/kg/ctkg.trig``) in an in-memory Oxigraph store."""
    path = layout.kg / "ctkg.trig"
    if not path.is_file():
        raise CTKGError.single(path, None, "no build found: run `python build.py` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    except SyntaxError as exc:
        raise CTKGError.single(path, getattr(exc, "lineno", None), f"does not parse: {exc}"
                               ) from None
    return store


def read_manifest(layout: Layout) -> dict[str, Any]:
    """``data/kg/manifest.json`` as a dict (CTKGError if missing or malformed)."""
    path = layout.kg / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CTKGError.single(path, None, "no build manifest: run `python build.py` first"
                               ) from None
    except json.JSONDecodeError as exc:
        raise CTKGError.single(path, exc.lineno, f"malformed JSON: {exc.msg}") from None
