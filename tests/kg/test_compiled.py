"""The compile stage's figures and sources (ctkg.kg.compiled): folded graph by graph as the
pieces arrive, equal to counting every quad of the build, and no piece keeps them."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import Problem
from ctkg.kg import parallel, pipeline
from ctkg.kg.compiled import Compiled, _Figures, compile_build
from ctkg.kg.graphstats import dataset_stats
from ctkg.kg.render import render_pieces
from ctkg.kg.sourcemap import SourceMap
from ctkg.kg.spool import Spool
from ctkg.paths import Layout
from ctkg.rdf.terms import graph_of


def _compiled(root: Path) -> Compiled:
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(root), warnings)
    return compile_build(read, 1, parallel.Cache(None), False, warnings, None, Spool())


def test_figures_folded_as_the_pieces_come_equal_a_count_of_every_quad(
        fixture_project: Path) -> None:
    compiled = _compiled(fixture_project)
    assert compiled.stats == dataset_stats(compiled.all_quads())
    assert all(p.stats is None for p in compiled.pieces)  # their sets let go
    for doc_id in compiled.by_doc:
        assert all(p.stats is None for p in compiled.by_doc.pieces(doc_id))


def test_a_graph_that_comes_twice_is_counted_again_from_the_quads(
        fixture_project: Path) -> None:
    """A graph stated by two parts (rendered again whole by the build) must not be folded
    twice: its figures come from the quads."""
    compiled = _compiled(fixture_project)
    doc = next(iter(compiled.by_doc))
    quads = compiled.by_doc[doc]
    half = len(quads) // 2
    figures = _Figures()
    for part in (quads[:half], quads[half:]):  # the same graph, in two pieces
        pieces = render_pieces(part, compiled.ctx)
        assert [p.graph for p in pieces] == [graph_of(doc).value]
        figures.fold(pieces)
    with pytest.raises(ValueError, match="came in two parts"):
        figures.combined.result()  # the repeat is seen where graphs are combined
    assert figures.result(lambda: quads) == dataset_stats(quads)
    assert figures.combined.graphs  # what was folded before the repeat is not used


def test_sources_name_the_annotation_line_of_each_local_node(fixture_project: Path) -> None:
    compiled = _compiled(fixture_project)
    assert isinstance(compiled.sources, SourceMap)
    mentions = [(doc, q.subject.value) for doc in compiled.by_doc
                for q in compiled.by_doc[doc]
                if "/mention/" in q.subject.value and q.predicate.value.endswith("#type")]
    assert len({doc for doc, _iri in mentions}) >= 2
    for doc, iri in mentions:
        source = compiled.sources[iri]
        assert source.file.endswith(f"{doc}.ann") and source.line


def test_a_compilation_travels_by_pickle_with_its_shared_graphs_in_order(
        fixture_project: Path, tmp_path: Path) -> None:
    """A --jobs build's child hands its compilation back by pickle (the shared graphs go as
    N-Quads): the same quads in the same order, and the same figures, keys and sources."""
    path = tmp_path / "spool"
    path.touch()
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(fixture_project), warnings)
    compiled = compile_build(read, 1, parallel.Cache(None), False, warnings, None,
                             Spool(path))
    back = pickle.loads(pickle.dumps(compiled))
    assert back.shared == compiled.shared and len(back.shared) > 100
    assert (back.stats, back.keys, back.ctx) == (compiled.stats, compiled.keys, compiled.ctx)
    assert dict(back.sources) == dict(compiled.sources)
    assert [bytes(p.nq) for p in back.pieces] == [bytes(p.nq) for p in compiled.pieces]


def test_load_leaves_out_the_shared_graphs_it_is_told_to(fixture_project: Path) -> None:
    """A cold build's chunks (ctkg.kg.chunked) are loaded without the catalogue: every other
    quad of the shared graphs and of the chosen documents is there, and nothing else."""
    compiled = _compiled(fixture_project)
    catalogue = graph_of("catalogue")
    doc = sorted(compiled.by_doc)[0]
    whole, chunk = ox.Store(), ox.Store()
    compiled.load(whole, {doc})
    compiled.load(chunk, {doc}, leave_out=[catalogue.value])
    left_out = set(whole.quads_for_pattern(None, None, None, catalogue))
    assert left_out and not set(chunk.quads_for_pattern(None, None, None, catalogue))
    assert set(chunk) == set(whole) - left_out
    assert set(chunk.quads_for_pattern(None, None, None, graph_of(doc)))
