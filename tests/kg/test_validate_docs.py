"""Incremental validation (ctkg.kg.validate_docs): a document's unit is found in the cache
by its compile key and the descriptions of the shared nodes it names, so a change to one
of those descriptions revalidates it even when the document's own files did not change."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import parallel
from ctkg.kg.docgraphs import DocGraphs
from ctkg.kg.entries import loads as load_entry
from ctkg.kg.pipeline import build
from ctkg.kg.validate_docs import DOCS_PER_UNIT, validate_documents
from ctkg.paths import Layout
from ctkg.rdf.namespaces import GRAPH_NS
from ctkg.rdf.terms import ctkg, graph_of, lit
from ctkg.rdf.turtle import parse_turtle
from ctkg.synth import generate
from ctkg.validate import partition
from ctkg.validate.shacl import ShaclResult, validate_triples
from tests.paths import ROOT


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "proj"
    generate(4, 1, root, ROOT)
    return root


def _split(quads: list[ox.Quad]) -> tuple[DocGraphs, list[ox.Quad]]:
    shared = {graph_of(g) for g in partition.SHARED_GRAPHS}
    by_doc = DocGraphs()
    for q in quads:
        if q.graph_name not in shared:
            assert isinstance(q.graph_name, ox.NamedNode)
            doc = q.graph_name.value.removeprefix(GRAPH_NS)
            by_doc[doc] = [*by_doc.get(doc, []), q]
    return by_doc, [q for q in quads if q.graph_name in shared]


def _table(tmp_path: Path) -> dict[str, list[ShaclResult]]:
    """The cache's one entry of every document's results (key -> results)."""
    [path] = (tmp_path / "cache" / "validate-docs").iterdir()
    table = load_entry(path.read_bytes())
    assert isinstance(table, dict)
    return table


def _key(results: list[ShaclResult]) -> set[tuple[object, ...]]:
    return {(r.severity, r.shape, r.focus_node, r.path, r.value, r.message) for r in results}


def test_a_changed_shared_neighbour_revalidates_an_unchanged_document(
        corpus: Path, tmp_path: Path) -> None:
    quads = list(build(Layout(corpus)).quads)
    by_doc, shared = _split(quads)
    keys = {d: f"compile-key-of-{d}" for d in by_doc}  # the documents' files do not change
    shapes_ttl = Layout(corpus).shapes.read_bytes()
    cache = parallel.Cache(tmp_path / "cache")

    def run() -> list[ShaclResult]:
        return validate_documents(by_doc, shared, keys, shapes_ttl, 1, cache, False, "rust")

    assert run() == []
    entries = _table(tmp_path)
    assert len(entries) == len(by_doc)
    assert run() == [] and _table(tmp_path) == entries

    # the catalogue now says the first document is 5 characters long: its mentions end
    # beyond its text (MentionShape), though its compile key is the same
    count = ctkg("characterCount")
    first = sorted((q for q in shared if q.predicate == count), key=str)[0]
    shared = [q for q in shared if q != first] + [
        ox.Quad(first.subject, count, lit(5), first.graph_name)]
    found = run()
    plain = validate_triples((q.triple for q in shared + [q for d in by_doc.values()
                                                            for q in d]),
                             parse_turtle(Layout(corpus).shapes))
    assert found and _key(found) == _key(plain)
    assert {r.shape.rsplit("#", 1)[-1] for r in found} == {"MentionShape"}
    new = _table(tmp_path).keys() - entries.keys()
    assert len(new) == 1  # that document's unit only


def test_documents_validated_together_keep_their_own_results(corpus: Path,
                                                             tmp_path: Path) -> None:
    """Documents share a unit (DOCS_PER_UNIT): defects planted in two of them are found as
    on the union graph, and each document's cache entry holds its own results only."""
    quads = list(build(Layout(corpus)).quads)
    by_doc, shared = _split(quads)
    annotation_id = ctkg("annotationId")
    docs = sorted(by_doc)[:3:2]
    for doc in docs:
        drop = sorted((q for q in by_doc[doc] if q.predicate == annotation_id), key=str)[0]
        by_doc[doc] = [q for q in by_doc[doc] if q != drop]
    cache = parallel.Cache(tmp_path / "cache")
    found = validate_documents(by_doc, shared, {d: d for d in by_doc},
                               Layout(corpus).shapes.read_bytes(), 1, cache, False, "rust")
    plain = validate_triples((q.triple for q in shared + [q for d in by_doc.values()
                                                            for q in d]),
                             parse_turtle(Layout(corpus).shapes))
    assert found and _key(found) == _key(plain)
    assert len(by_doc) <= DOCS_PER_UNIT
    entries = list(_table(tmp_path).values())
    assert sorted(len(e) for e in entries) == [0] * (len(by_doc) - 2) + [1, 1]
    assert sorted(e[0].focus_iri.split("/")[-2] for e in entries if e) == docs
