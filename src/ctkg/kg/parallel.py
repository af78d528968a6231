"""Parallel and incremental parts of the build: compiling documents and validating units.

Why processes: compiling a document and validating a unit are pure Python (the GIL), and
each depends only on its inputs, so a ProcessPoolExecutor spreads them over the cores.
Why a cache: both are deterministic functions of their inputs, so their results are stored
under a hash of exactly those inputs (and of the code), and an edit to one document
recompiles and revalidates only what that edit changed. The union-level steps (the
annotation checker, registry consistency, QC, serialization) always run.
Why a fork server: workers forked from the build process shared its memory (gigabytes of
quads by the time validation starts), counted all of it, and copied what they touched; a
fork server's workers start from the imported modules alone. As with Python's ``spawn``, a
script that calls the build with ``jobs`` > 1 needs an ``if __name__ == "__main__":`` guard.
Why an executor parameter: the same map runs on any ``concurrent.futures.Executor``, such
as a Dask cluster's (:mod:`ctkg.kg.distributed`); its workers are not started by us, so
they get their context (registry, shapes) with each chunk of tasks and keep it per digest.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import multiprocessing.context
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from tqdm import tqdm

from ctkg.annotations import brat
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import CatalogueEntry
from ctkg.inputs.registry import Registry
from ctkg.kg.cache import Cache as Cache  # the stages use it as parallel.Cache
from ctkg.kg.cache import put_pickled
from ctkg.kg.compile import compile_document
from ctkg.kg.docgraphs import DocSummary, summarize
from ctkg.kg.entries import Run
from ctkg.kg.entries import dumps as dump_entry
from ctkg.kg.entries import load as load_entry
from ctkg.kg.entries import loads as load_entry_bytes
from ctkg.kg.pieces import Piece
from ctkg.kg.render import render_pieces
from ctkg.kg.sourcemap import Packed, pack
from ctkg.kg.spool import Blob
from ctkg.rdf.sources import Sources
from ctkg.validate.partition import Unit, init_worker, run_unit
from ctkg.validate.shacl import ShaclResult

CACHE_VERSION = "4"
T = TypeVar("T")
# a compiled document: where its nodes come from, its problems, its graph's share of each
# dump (rendered where it was compiled: :mod:`ctkg.kg.pieces`; its N-Quads piece is how its
# quads are read back) and its summary for the whole-build checks (:mod:`ctkg.kg.docgraphs`),
# pickled: the sources and the summary are runs of its cache entry (:class:`Run`), which
# the build's merged entry refers to by place (:mod:`ctkg.kg.compilecache`)
Compiled = tuple[Packed, list[Problem], list[Piece], DocSummary | Blob]
# makes the executor of a remote map (e.g. a Dask cluster's); shutting it down ends the map,
# not the cluster
ExecutorFactory = Callable[[], Executor]


@functools.cache
def code_version() -> str:
    """A hash of the ctkg package's source: a code change invalidates the cache. Once per
    process (a build asks for it at each cached stage; the code it runs does not change)."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(str(len(data)).encode() + b":" + data)
    return h.hexdigest()


def progress(items: Iterable[T], total: int, label: str, enabled: bool) -> Iterator[T]:
    """``items`` with a progress bar on stderr when ``enabled`` and stderr is a terminal."""
    yield from tqdm(items, total=total, desc=label, file=sys.stderr, leave=False,
                    disable=not (enabled and sys.stderr.isatty()))


def worker_context() -> multiprocessing.context.BaseContext:
    """Where the build's worker processes come from: a fork server, which imported the
    build's modules once and holds nothing else, rather than a fork of the build process.
    A forked worker shares the build's memory (at 10,000 documents the validation workers
    were forked from 4.6 GB of quads and statistics), counts all of it in its resident size,
    and copies each page whose objects it so much as reference-counts."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ctkg.kg.parallel"])
    return ctx


# -- compiling ---------------------------------------------------------------------------------

_CTX: dict[str, Any] = {}


def _init_compile(registry: Registry, catalogue: Mapping[str, CatalogueEntry],
                  iris: Mapping[str, ox.NamedNode], ctx: Mapping[str, object]) -> None:
    _CTX.update(registry=registry, catalogue=catalogue, iris=iris, ctx=ctx)


def _compile_one(doc: brat.Document) -> Compiled:
    sources: Sources = {}
    try:
        quads = compile_document(doc, _CTX["registry"], _CTX["catalogue"].get(doc.doc_id),
                                 iris=_CTX["iris"], sources=sources)
    except CTKGError as exc:
        return pack(doc.doc_id, {}), exc.problems, [], DocSummary()
    # distinct; no order needed: the pieces and the summary are the same in any order
    quads = list(dict.fromkeys(quads))
    # the sources pickled here: the build keeps them as bytes (ctkg.kg.sourcemap)
    own, other = pack(doc.doc_id, sources)
    summary = pickle.dumps(summarize(doc.doc_id, quads), protocol=pickle.HIGHEST_PROTOCOL)
    return (Run(own), other), [], render_pieces(quads, _CTX["ctx"]), Run(summary)


def _compile_pickled(task: tuple[brat.Document, Path | None]) -> bytes:
    """A document's compilation, pickled once here in the worker (:func:`ctkg.kg.entries.dumps`):
    written here as its cache entry when the task names one (and the document compiled
    without problems), which the build then reads with its pieces left in the file (empty
    bytes come back); else the bytes are what the build unpickles. The build re-pickled
    each result for the cache and wrote it (146 MB at 1,000 documents), on the one core it
    shares with the workers."""
    doc, entry = task
    done = _compile_one(doc)
    data = dump_entry(done)
    if entry is not None and not done[1]:
        put_pickled(entry, data)
        return b""
    return data


def document_key(doc: brat.Document, catalogue: Mapping[str, CatalogueEntry],
                 shared_key: str) -> str:
    """What one document's compilation depends on: its .txt, .ann, catalogue entry, and
    the shared inputs (ontology, registry, links, code). The entry without its line in
    ``catalogue.toml``, which no compilation reads: a field added to one entry moved every
    later entry's line and recompiled every later document."""
    entry = catalogue.get(doc.doc_id)
    # the hashes of the bytes the document was parsed from (read once), else the files'
    txt = doc.txt_sha256 or hashlib.sha256(doc.txt_path.read_bytes()).hexdigest()
    ann = doc.ann_sha256 or hashlib.sha256(doc.ann_path.read_bytes()).hexdigest()
    return digest(shared_key, doc.doc_id, txt, ann,
                  repr(replace(entry, line=None)) if entry else "-")


def compile_key(doc_key: str, ctx_repr: str) -> str:
    """A compilation's cache key: its :func:`document_key` and the JSON-LD context (as
    ``repr``, made once per build: 10,000 of them cost 0.3 s) its pieces are rendered with."""
    return digest(doc_key, ctx_repr)


def compile_all(docs: list[brat.Document], registry: Registry,
                catalogue: Mapping[str, CatalogueEntry], iris: Mapping[str, ox.NamedNode],
                jobs: int, cache: Cache, shared_key: str, show: bool,
                executor: ExecutorFactory | None, ctx: Mapping[str, object],
                doc_keys: Mapping[str, str] | None = None
                ) -> Iterator[tuple[str, Packed, list[Problem], list[Piece],
                                    DocSummary | Blob]]:
    """(doc id, sources, problems, pieces, summary) per document in doc-id order, yielded
    as they come (the caller spools each document's pieces before the next arrives); on
    ``executor``'s workers when given, else in ``jobs`` local processes. ``ctx``: the
    JSON-LD context the pieces are rendered with; ``doc_keys``: each document's
    :func:`document_key`, when the caller has them already."""
    docs = sorted(docs, key=lambda d: d.doc_id)
    ctx_repr = repr(ctx)
    keys = {d.doc_id: compile_key(doc_keys[d.doc_id] if doc_keys is not None
                                  else document_key(d, catalogue, shared_key), ctx_repr)
            for d in docs} if cache.folder else {}
    todo = [d for d in docs if not keys or not cache.has("compile", keys[d.doc_id])]
    entries = [cache.entry("compile", keys[d.doc_id]) if keys else None for d in todo]
    fresh = _compile_many(todo, registry, catalogue, iris, jobs, show, executor, ctx, entries)
    pending = {d.doc_id for d in todo}
    for d in docs:
        if d.doc_id in pending:
            done, written = next(fresh)
        else:
            hit = cache.get("compile", keys[d.doc_id])
            if hit is not None:
                yield (d.doc_id, *hit)
                continue
            # an entry that does not load (cut short, or of another version): compiled here
            done, written = next(_compile_many([d], registry, catalogue, iris, 1, False, None,
                                               ctx))
        if keys and not done[1] and not written:
            cache.put("compile", keys[d.doc_id], done)
        yield (d.doc_id, *done)


def _compile_many(todo: list[brat.Document], registry: Registry,
                  catalogue: Mapping[str, CatalogueEntry], iris: Mapping[str, ox.NamedNode],
                  jobs: int, show: bool, executor: ExecutorFactory | None,
                  ctx: Mapping[str, object], entries: list[Path | None] | None = None
                  ) -> Iterator[tuple[Compiled, bool]]:
    """Each document's compilation, in order, as it is done, and whether its cache entry
    (``entries``: one path or None per document) was written by the worker (local workers
    do; a remote executor's may not share the cache's disk, nor does this process)."""
    if executor is not None and todo:
        context = pickle.dumps((registry, catalogue, iris, ctx),
                               protocol=pickle.HIGHEST_PROTOCOL)
        yield from ((done, False) for done in remote_map(
            executor, _compile_chunk, context, [_portable(d) for d in todo], "compile", show))
    elif jobs > 1 and len(todo) > 1:
        tasks = list(zip(todo, entries or [None] * len(todo), strict=True))
        with ProcessPoolExecutor(jobs, mp_context=worker_context(), initializer=_init_compile,
                                 initargs=(registry, catalogue, iris, ctx)) as pool:
            chunk = max(1, min(64, len(todo) // (jobs * 8)))
            results = pool.map(_compile_pickled, tasks, chunksize=chunk)
            for data, (_d, entry) in zip(progress(results, len(todo), "compile", show), tasks,
                                         strict=True):
                if data:
                    yield load_entry_bytes(data), False
                else:  # written by the worker: read back with its pieces left in the file
                    assert entry is not None
                    yield load_entry(entry), True
    else:  # in this process
        _init_compile(registry, catalogue, iris, ctx)
        yield from ((_compile_one(d), False)
                    for d in progress(todo, len(todo), "compile", show))


# -- validating units --------------------------------------------------------------------------

class CachedUnits:
    """Units and their results, those found in the cache and those validated since: the
    caller may validate the others along with more work, in one pool of workers."""

    def __init__(self, units: list[Unit], shapes_ttl: bytes, engine: str, cache: Cache
                 ) -> None:
        shape_key = digest(shapes_ttl, engine, code_version() if cache.folder else "")
        self.units, self.cache = units, cache
        self.keys = [digest(shape_key, u.data, "\n".join(u.focus)) for u in units] \
            if cache.folder else []
        self.out: dict[int, list[ShaclResult]] = {}
        for i in range(len(units)):
            hit = cache.get("validate", self.keys[i]) if self.keys else None
            if hit is not None:
                self.out[i] = hit
        self.missing = [i for i in range(len(units)) if i not in self.out]

    def todo(self) -> list[Unit]:
        """The units not found in the cache."""
        return [self.units[i] for i in self.missing]

    def store(self, found: Iterable[list[ShaclResult]]) -> None:
        """The results of :meth:`todo`'s units, in order, noted and cached."""
        for i, res in zip(self.missing, found, strict=True):
            self.out[i] = res
            if self.keys:
                self.cache.put("validate", self.keys[i], res)

    def results(self) -> list[ShaclResult]:
        return [r for i in range(len(self.units)) for r in self.out[i]]


def validate_per_unit(units: Iterable[Unit], shapes_ttl: bytes, jobs: int, show: bool,
                      engine: str = "rust", executor: ExecutorFactory | None = None,
                      total: int | None = None, window: int | None = None
                      ) -> list[list[ShaclResult]]:
    """Each unit's results, in order, uncached: on ``executor``'s workers when given, else
    in ``jobs`` processes when there is more than one unit. ``units`` may be a generator
    (``total`` of them): locally, only a ``window`` of them (64 per job unless given) is
    built and in flight at a time, so that memory holds a few units rather than every
    document's."""
    if executor is not None:
        items = list(units)
        return remote_map(executor, _validate_chunk, engine.encode() + b"\0" + shapes_ttl,
                          items, "validate", show) if items else []
    total = len(units) if isinstance(units, Sized) else total or 0
    if jobs > 1 and total > 1:
        with ProcessPoolExecutor(jobs, mp_context=worker_context(), initializer=init_worker,
                                 initargs=(shapes_ttl, engine)) as pool:
            results = windowed_map(pool, run_unit, units, window=window or 64 * jobs)
            return list(progress(results, total, "validate", show))
    init_worker(shapes_ttl, engine)
    return [run_unit(u) for u in progress(units, total, "validate", show)]


def windowed_map(pool: Executor, fn: Callable[[T], Any], items: Iterable[T],
                 window: int) -> Iterator[Any]:
    """``pool.map(fn, items)`` in order, with at most ``window`` items submitted and not yet
    returned (``Executor.map`` takes the whole iterable at once)."""
    pending: deque[Future[Any]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# -- on workers we did not start (an Executor's) --------------------------------------------

_REMOTE: dict[str, str] = {}  # task kind -> digest of the context this worker holds


def _with_context(kind: str, context: bytes, init: Callable[[bytes], None]) -> None:
    """Initialise this worker for ``kind`` unless it already holds ``context``."""
    key = digest(context)
    if _REMOTE.get(kind) != key:
        init(context)
        _REMOTE[kind] = key


def _portable(doc: brat.Document) -> brat.Document:
    """``doc`` with its paths as this process displays them (relative to the working
    directory where possible), so that a worker in another directory, or on another
    machine, names them the same way in the sources it returns."""
    return replace(doc, txt_path=Path(display_path(doc.txt_path)),
                   ann_path=Path(display_path(doc.ann_path)))


def _compile_chunk(context: bytes, docs: list[brat.Document]) -> list[Compiled]:
    _with_context("compile", context, lambda c: _init_compile(*pickle.loads(c)))
    return [_compile_one(d) for d in docs]


def _init_validate(context: bytes) -> None:
    """``context``: the engine's name, a NUL, the shapes' Turtle."""
    engine, _, shapes_ttl = context.partition(b"\0")
    init_worker(shapes_ttl, engine.decode())


def _validate_chunk(context: bytes, units: list[Unit]) -> list[list[ShaclResult]]:
    _with_context("validate", context, _init_validate)
    return [run_unit(u) for u in units]


def remote_map(executor: ExecutorFactory, task: Callable[[bytes, list[T]], list[Any]],
               context: bytes, items: list[T], label: str, show: bool) -> list[Any]:
    """``task(context, chunk)`` over chunks of ``items`` on ``executor``, results flattened
    in order. Each chunk carries the context (a worker may join late or be replaced); a
    failed task stops the build with a CTKGError naming it (nothing has been written)."""
    size = max(1, min(32, len(items) // 16))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    out: list[Any] = []
    pool = executor()
    try:
        results = pool.map(task, [context] * len(chunks), chunks)
        for r in progress(results, len(chunks), label, show):
            out += r
    except Exception as exc:  # from a worker: its own exception, re-raised here
        pool.shutdown(wait=False)  # cancels what is left on a Dask cluster
        raise CTKGError([Problem("(distributed)", None, f"a worker failed during {label} "
                                 f"({type(exc).__name__}: {exc}); nothing was written")]) \
            from exc
    pool.shutdown()
    return out
