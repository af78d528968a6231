"""Parallel, incremental and plain builds agree (no timing assertions).

On a 12-document synthetic corpus (:mod:`ctkg.synth`): ``--jobs 2`` and ``--cache`` give
byte-identical files to the plain build, also after editing a document or the registry; the
cache is invalidated by a change of the shapes; violations planted in the annotations, and
SHACL defects planted in the compiled graph, are reported the same way by the plain (union
graph) and the split (ctkg.validate.partition) validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import CTKGError
from ctkg.kg.docgraphs import decoded
from ctkg.kg.entries import loads as load_entry
from ctkg.kg.pipeline import build
from ctkg.kg.sharedpieces import Blocks
from ctkg.paths import Layout
from ctkg.rdf.terms import ctkg, graph_of, lit, oa
from ctkg.rdf.turtle import parse_turtle
from ctkg.validate import partition as units
from ctkg.validate.shacl import ShaclResult, validate_triples
from tests.kg.conftest import SYNTH_DOCS

N_DOCS = SYNTH_DOCS
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def plain_files(synth12: Path) -> dict[str, bytes]:
    return build(Layout(synth12)).files


def _problems(root: Path, **kwargs: object) -> set[str]:
    with pytest.raises(CTKGError) as exc:
        build(Layout(root), **kwargs)  # type: ignore[arg-type]
    return {str(p) for p in exc.value.problems}


def test_parallel_and_cached_builds_are_byte_identical(synth12: Path, tmp_path: Path,
                                                       plain_files: dict[str, bytes]) -> None:
    assert build(Layout(synth12), jobs=2).files == plain_files
    cache = tmp_path / "cache"
    assert build(Layout(synth12), cache_dir=cache).files == plain_files
    assert any(cache.glob("compile/*.pickle")) and any(cache.glob("validate/*.pickle"))
    assert build(Layout(synth12), jobs=2, cache_dir=cache).files == plain_files  # all hits


def test_incremental_after_editing_a_document_and_the_registry(
        synth12_copy: Path, tmp_path: Path, plain_files: dict[str, bytes]) -> None:
    cache = tmp_path / "cache"
    build(Layout(synth12_copy), jobs=2, cache_dir=cache)
    before = {p.name for p in cache.glob("compile/*.pickle")}
    shared = _shared_entries(cache)
    assert len(shared) == 3  # ontology, registry, catalogue (no Wikidata cache here)
    txt = sorted((synth12_copy / "data" / "corpus").glob("*.txt"))[3]
    original = txt.read_bytes()
    txt.write_text(txt.read_text(encoding="utf-8") + "One more sentence.\n", encoding="utf-8")
    incremental = build(Layout(synth12_copy), jobs=2, cache_dir=cache)
    after = {p.name for p in cache.glob("compile/*.pickle")}
    assert len(after - before) == 1  # only the edited document was recompiled
    # the text's length is in the catalogue: that shared graph's entry alone changes, and
    # in it the block of the edited text's subject alone
    now = _shared_entries(cache)
    changed = [n for n in now if now[n] != shared.get(n)]
    assert now.keys() == shared.keys() and len(changed) == 1
    old, new = load_entry(shared[changed[0]]), load_entry(now[changed[0]])
    assert isinstance(new, Blocks) and isinstance(old, Blocks)
    assert {s for s in new.blocks if new.blocks[s] != old.blocks.get(s)} == {
        f"https://w3id.org/ctkg/id/document/{txt.stem}"}
    assert incremental.files == build(Layout(synth12_copy)).files
    assert incremental.files["ctkg.nq"] != plain_files["ctkg.nq"]  # the edit shows
    txt.write_bytes(original)  # reverted: every piece from the cache, today's bytes again
    assert build(Layout(synth12_copy), jobs=2, cache_dir=cache).files == plain_files

    registry = synth12_copy / "data" / "registry.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('label = "Synthetic Publisher"',
                                     'label = "Synthetic Publisher"\nalt_labels = ["SP"]'),
                        encoding="utf-8")
    incremental = build(Layout(synth12_copy), cache_dir=cache)
    assert incremental.files == build(Layout(synth12_copy)).files
    assert b'"SP"@en' in incremental.files["ctkg.nq"]


def test_a_catalogue_field_added_recompiles_its_document_only(
        synth12_copy: Path, tmp_path: Path) -> None:
    """A line added to one catalogue entry moves every later entry's line, which no
    compilation reads: only that entry's document is compiled again (regression: the
    compile key held the whole entry, its line too), with a plain build's files."""
    cache = tmp_path / "cache"
    build(Layout(synth12_copy), jobs=2, cache_dir=cache)
    before = {p.name for p in cache.glob("compile/*.pickle")}
    catalogue = synth12_copy / "data" / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    first = text.index('title = "Synthetic report 0"')
    catalogue.write_text(text[:first] + 'note = "A field added."\n' + text[first:],
                         encoding="utf-8")
    incremental = build(Layout(synth12_copy), jobs=2, cache_dir=cache)
    assert len({p.name for p in cache.glob("compile/*.pickle")} - before) == 1
    assert incremental.files == build(Layout(synth12_copy)).files


def _shared_entries(cache: Path) -> dict[str, bytes]:
    """The shared graphs' cache entries (whole pieces, or blocks per subject)."""
    return {p.name: p.read_bytes() for kind in ("shared-piece", "shared-blocks")
            for p in cache.glob(f"{kind}/*.pickle")}


def test_cache_is_invalidated_by_the_shapes(synth12_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(Layout(synth12_copy), cache_dir=cache)
    before = {p.name for p in cache.glob("validate/*.pickle")}
    shapes = synth12_copy / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace(
        "Exactly one non-empty oa:exact string.", "Exactly one non-empty oa:exact text."),
        encoding="utf-8")
    result = build(Layout(synth12_copy), cache_dir=cache)
    after = {p.name for p in cache.glob("validate/*.pickle")}
    assert not before & after  # every unit revalidated
    assert result.files == build(Layout(synth12_copy)).files


def _plant(root: Path) -> None:
    """Three defects: a statement without a speaker, a mention beyond its text, and an
    event (in the registry) that ends before it starts."""
    corpus = root / "data" / "corpus"
    first = sorted(corpus.glob("*.ann"))[0]
    lines = first.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace(" Speaker:", " Occasion2:") if "\tStatement:" in ln else ln
             for ln in lines]
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = sorted(corpus.glob("*.ann"))[1]
    lines = second.read_text(encoding="utf-8").splitlines()
    tid, body, text = lines[0].split("\t")
    type_, _start, _end = body.split(" ")
    lines[0] = f"{tid}\t{type_} 100000 100010\t{text}"
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = root / "data" / "registry.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('granularity = "day"', 'end = "2001"\ngranularity = "day"',
                                     1), encoding="utf-8")


def test_planted_annotation_defects_are_reported_alike(synth12_copy: Path, tmp_path: Path) -> None:
    _plant(synth12_copy)
    plain = _problems(synth12_copy)
    assert any("Speaker" in p for p in plain)
    assert any("100000" in p for p in plain)
    assert any("end 2001 is before start" in p for p in plain)
    assert _problems(synth12_copy, jobs=2) == plain
    assert _problems(synth12_copy, jobs=2, cache_dir=tmp_path / "cache") == plain


def _split(quads: list[ox.Quad]) -> tuple[dict[str, list[ox.Quad]], list[ox.Quad]]:
    shared = {graph_of(g) for g in units.SHARED_GRAPHS}
    by_doc: dict[str, list[ox.Quad]] = {}
    rest: list[ox.Quad] = []
    for q in quads:
        if q.graph_name in shared:
            rest.append(q)
        else:
            by_doc.setdefault(str(q.graph_name), []).append(q)
    return by_doc, rest


def _key(results: list[ShaclResult]) -> set[tuple[object, ...]]:
    return {(r.severity, r.shape, r.focus_node, r.path, r.value, r.message) for r in results}


def test_planted_shacl_defects_are_found_alike(synth12: Path) -> None:
    quads = list(build(Layout(synth12)).quads)
    doc0 = sorted(str(q.graph_name) for q in quads if "/graph/000" in str(q.graph_name))[0]
    statement = next(q.subject for q in quads if str(q.graph_name) == doc0
                     and q.predicate == ctkg("speaker") and "/statement/" in str(q.subject))
    event = next(q.subject for q in quads if q.predicate == ctkg("startTime")
                 and q.graph_name == graph_of("registry"))
    position = next(q for q in quads if q.predicate == oa("end"))
    quads = [q for q in quads if not (q.subject == statement and q.predicate == ctkg("speaker"))
             and q != position]
    quads += [
        ox.Quad(position.subject, position.predicate, lit(999999),
                position.graph_name),  # beyond the text
        ox.Quad(event, ctkg("endTime"), lit("2001", ox.NamedNode(XSD + "gYear")),
                graph_of("registry")),  # ends before it starts
    ]
    shapes = parse_turtle(Layout(synth12).shapes)
    plain = validate_triples((q.triple for q in quads), shapes)
    by_doc, shared = _split(quads)
    for per_unit, chunks in ((1, 3), (5, 2)):
        plan = units.plan(by_doc, shared, docs_per_unit=per_unit, shared_chunks=chunks)
        split = units.run_units(plan, Layout(synth12).shapes.read_bytes())
        assert _key(split) == _key(plain)
    shown = {r.shape.rsplit("#", 1)[-1] for r in plain}
    assert {"StatementShape", "MentionShape", "EventTimeOrderShape"} <= shown


def _square(x: int) -> int:
    return x * x


def test_windowed_map_keeps_order_and_a_bounded_window() -> None:
    """The validation map builds units as the workers go: never more than the window ahead."""
    from concurrent.futures import ProcessPoolExecutor

    from ctkg.kg.parallel import windowed_map

    made: list[int] = []

    def items() -> Iterator[int]:
        for i in range(50):
            made.append(i)
            yield i

    with ProcessPoolExecutor(2) as pool:
        out = []
        for n, r in enumerate(windowed_map(pool, _square, items(), window=4)):
            assert len(made) <= n + 4  # items taken from the generator so far
            out.append(r)
    assert out == [i * i for i in range(50)]


def test_workers_start_from_a_fork_server_not_from_the_build(synth12: Path) -> None:
    """The pools' workers come from a fork server, so they hold none of the build's memory
    (forked, they counted and copied it); the command line still builds with them."""
    import subprocess
    import sys

    from ctkg.kg.parallel import worker_context

    assert worker_context().get_start_method() in ("forkserver", "spawn")
    done = subprocess.run([sys.executable, "-m", "ctkg", "build", "--root", str(synth12),
                           "--jobs", "2", "--check"], capture_output=True, text=True,
                          timeout=300)
    # --check on a corpus never written: one "not current" verdict, printed once
    assert done.returncode != 0 and done.stderr.count("is not current") == 1, done.stderr


def test_workers_write_the_cache_entries_the_build_would(synth12: Path, tmp_path: Path,
                                                         plain_files: dict[str, bytes]) -> None:
    """With ``--jobs``, each worker writes its documents' compile entries itself: the same
    entries as a build in one process writes, read back by the next build (all hits, none
    written again)."""
    one, two = tmp_path / "one", tmp_path / "two"
    build(Layout(synth12), cache_dir=one)
    assert build(Layout(synth12), jobs=2, cache_dir=two).files == plain_files
    entries = sorted(p.name for p in (two / "compile").glob("*.pickle"))
    assert len(entries) == N_DOCS
    assert entries == sorted(p.name for p in (one / "compile").glob("*.pickle"))
    for name in entries:  # a summary is pickled (its sets in the order of its process)
        *mine, summary = load_entry((two / "compile" / name).read_bytes())
        *theirs, their_summary = load_entry((one / "compile" / name).read_bytes())
        assert mine == theirs and decoded(summary) == decoded(their_summary), name
    written = {p: p.stat().st_mtime_ns for p in (two / "compile").glob("*.pickle")}
    assert build(Layout(synth12), cache_dir=two).files == plain_files
    assert {p: p.stat().st_mtime_ns for p in (two / "compile").glob("*.pickle")} == written
