"""Parallel, incremental and plain builds agree (no timing assertions).

On a 12-document synthetic corpus (benchmarks/synth.py): ``--jobs 2`` and ``--cache`` give
byte-identical files to the plain build, also after editing a document or the registry; the
cache is invalidated by a change of the shapes; violations planted in the annotations, and
SHACL defects planted in the compiled graph, are reported the same way by the plain (union
graph) and the split (ctkg.validate.partition) validation.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from ctkg.build.compile import Quad
from ctkg.build.pipeline import build
from ctkg.errors import CTKGError
from ctkg.paths import Layout
from ctkg.rdf.turtle import parse_turtle
from ctkg.validate import partition as units
from ctkg.validate.shacl import validate_graph
from tests.paths import ROOT

REPO = ROOT
N_DOCS = 12


def _synth():
    spec = importlib.util.spec_from_file_location("synth", REPO / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("synth", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "proj"
    _synth().generate(N_DOCS, 1, root)
    return root


@pytest.fixture()
def project(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(corpus, root)
    return root


@pytest.fixture(scope="module")
def plain_files(corpus: Path) -> dict[str, bytes]:
    return build(Layout(corpus)).files


def _problems(root: Path, **kwargs: object) -> set[str]:
    with pytest.raises(CTKGError) as exc:
        build(Layout(root), **kwargs)  # type: ignore[arg-type]
    return {str(p) for p in exc.value.problems}


def test_parallel_and_cached_builds_are_byte_identical(corpus: Path, tmp_path: Path,
                                                       plain_files: dict[str, bytes]) -> None:
    assert build(Layout(corpus), jobs=2).files == plain_files
    cache = tmp_path / "cache"
    assert build(Layout(corpus), cache_dir=cache).files == plain_files
    assert any(cache.glob("compile/*.pickle")) and any(cache.glob("validate/*.pickle"))
    assert build(Layout(corpus), jobs=2, cache_dir=cache).files == plain_files  # all hits


def test_incremental_after_editing_a_document_and_the_registry(project: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(Layout(project), jobs=2, cache_dir=cache)
    before = {p.name for p in cache.glob("compile/*.pickle")}
    txt = sorted((project / "data" / "corpus").glob("*.txt"))[3]
    txt.write_text(txt.read_text(encoding="utf-8") + "One more sentence.\n", encoding="utf-8")
    incremental = build(Layout(project), jobs=2, cache_dir=cache)
    after = {p.name for p in cache.glob("compile/*.pickle")}
    assert len(after - before) == 1  # only the edited document was recompiled
    assert incremental.files == build(Layout(project)).files

    registry = project / "data" / "registry.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('label = "Synthetic Publisher"',
                                     'label = "Synthetic Publisher"\nalt_labels = ["SP"]'),
                        encoding="utf-8")
    incremental = build(Layout(project), cache_dir=cache)
    assert incremental.files == build(Layout(project)).files
    assert b'"SP"@en' in incremental.files["ctkg.nq"]


def test_cache_is_invalidated_by_the_shapes(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(Layout(project), cache_dir=cache)
    before = {p.name for p in cache.glob("validate/*.pickle")}
    shapes = project / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace(
        "Exactly one non-empty oa:exact string.", "Exactly one non-empty oa:exact text."),
        encoding="utf-8")
    result = build(Layout(project), cache_dir=cache)
    after = {p.name for p in cache.glob("validate/*.pickle")}
    assert not before & after  # every unit revalidated
    assert result.files == build(Layout(project)).files


def _plant(project: Path) -> None:
    """Three defects: a statement without a speaker, a mention beyond its text, and an
    event (in the registry) that ends before it starts."""
    corpus = project / "data" / "corpus"
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
    registry = project / "data" / "registry.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('granularity = "day"', 'end = "2001"\ngranularity = "day"',
                                     1), encoding="utf-8")


def test_planted_annotation_defects_are_reported_alike(project: Path, tmp_path: Path) -> None:
    _plant(project)
    plain = _problems(project)
    assert any("Speaker" in p for p in plain)
    assert any("100000" in p for p in plain)
    assert any("end 2001 is before start" in p for p in plain)
    assert _problems(project, jobs=2) == plain
    assert _problems(project, jobs=2, cache_dir=tmp_path / "cache") == plain


def _split(quads: list[Quad]) -> tuple[dict[str, list[Quad]], list[Quad]]:
    shared = {f"<https://w3id.org/ctkg/graph/{g}>" for g in units.SHARED_GRAPHS}
    by_doc: dict[str, list[Quad]] = {}
    rest: list[Quad] = []
    for q in quads:
        if q[0] in shared:
            rest.append(q)
        else:
            by_doc.setdefault(q[0], []).append(q)
    return by_doc, rest


def _key(results: list) -> set[tuple]:
    return {(r.severity, r.shape, r.focus_node, r.path, r.value, r.message) for r in results}


def test_planted_shacl_defects_are_found_alike(corpus: Path) -> None:
    from ctkg.build import shared as graphs

    quads = list(build(Layout(corpus)).quads)
    ct, oa = "https://w3id.org/ctkg/ontology#", "http://www.w3.org/ns/oa#"
    doc0 = sorted(q[0] for q in quads if "/graph/000" in q[0])[0]
    statement = next(q[1] for q in quads if q[0] == doc0 and q[2] == f"<{ct}speaker>"
                     and "/statement/" in q[1])
    event = next(q[1] for q in quads if q[2] == f"<{ct}startTime>"
                 and q[0].endswith("/registry>"))
    position = next(q for q in quads if q[2] == f"<{oa}end>")
    quads = [q for q in quads if not (q[1] == statement and q[2] == f"<{ct}speaker>")
             and q != position]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    quads += [
        (position[0], position[1], position[2], f'"999999"^^<{xsd}integer>'),  # beyond text
        ("<https://w3id.org/ctkg/graph/registry>", event, f"<{ct}endTime>",
         f'"2001"^^<{xsd}gYear>'),  # ends before it starts
    ]
    shapes = parse_turtle(Layout(corpus).shapes)
    _ok, plain = validate_graph(graphs.to_rdflib(quads), shapes)
    by_doc, shared = _split(quads)
    for per_unit, chunks in ((1, 3), (5, 2)):
        plan = units.plan(by_doc, shared, docs_per_unit=per_unit, shared_chunks=chunks)
        split = units.run_units(plan, Layout(corpus).shapes.read_bytes(), None)
        assert _key(split) == _key(plain)
    shown = {r.shape.rsplit("#", 1)[-1] for r in plain}
    assert {"StatementShape", "MentionShape", "EventTimeOrderShape"} <= shown
