"""void.ttl's subsets and sources written as text: the same bytes as pyoxigraph's (the
reference, ``text=False``), and the reference wherever the text could differ."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.kg import voidbulk
from ctkg.kg.graphstats import DatasetStats, dataset_stats
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.void import VOID_PREFIXES, render_void
from ctkg.rdf.namespaces import GRAPH_NS, ID_NS
from ctkg.rdf.terms import RDF_TYPE, lit

_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_PERSON = ox.NamedNode("https://w3id.org/ctkg/ontology#Person")


def _stats(names: list[str]) -> DatasetStats:
    """A dataset of one small graph per name, each with its own figures."""
    quads = []
    for i, name in enumerate(names):
        g = ox.NamedNode(GRAPH_NS + name)
        for j in range(i % 4 + 1):
            s = ox.NamedNode(f"{ID_NS}person/p{i}-{j}")
            quads += [ox.Quad(s, RDF_TYPE, _PERSON, g), ox.Quad(s, _LABEL, lit(f"P {j}"), g)]
    return dataset_stats(quads)


def _both(stats: DatasetStats, docs: list[str]) -> tuple[bytes, bytes]:
    files = {"ctkg.nq": b"x\n"}
    return (render_void(stats, docs, files, issued="2026-01-02"),
            render_void(stats, docs, files, issued="2026-01-02", text=False))


def test_the_build_s_void_is_pyoxigraph_s(result: BuildResult) -> None:
    """The fixture build: the text path is taken and gives the reference's bytes."""
    stats = dataset_stats(result.quads)
    assert voidbulk.plan(stats.graphs, result.documents, VOID_PREFIXES) is not None
    text, reference = _both(stats, result.documents)
    assert text == reference


NATURAL = ["doc10", "doc2", "doc1", "doc-2", "a_b", "A1", "catalogue", "ontology", "x.y",
           "000_ab", "0", "10_a", "9_z", "doc1a", "doc1-1"]


def test_text_in_natural_order_equals_the_reference() -> None:
    """Names that sort differently by code point and by number, names with dots, dashes,
    capitals and digits first: the same bytes, and the text path taken."""
    stats = _stats(NATURAL)
    docs = [n for n in NATURAL if n not in ("catalogue", "ontology")] + ["doc2"]
    assert voidbulk.plan(stats.graphs, docs, VOID_PREFIXES) is not None
    text, reference = _both(stats, docs)
    assert text == reference
    assert text.count(b" a void:Dataset ;") == len(NATURAL)


@pytest.mark.parametrize("odd", ["doc/1", "dé", "doc.", "-doc", "a~b"])
def test_a_name_that_is_not_a_clean_local_name_falls_back(odd: str) -> None:
    """Such a name may be written in full or drop a prefix: pyoxigraph renders it all."""
    stats = _stats(["doc1", odd])
    assert voidbulk.plan(stats.graphs, ["doc1", odd], VOID_PREFIXES) is None
    text, reference = _both(stats, ["doc1", odd])
    assert text == reference


def test_no_document_or_a_prefix_under_a_stem_falls_back() -> None:
    stats = _stats(["doc1", "doc2"])
    assert voidbulk.plan(stats.graphs, [], VOID_PREFIXES) is None
    assert voidbulk.plan(stats.graphs, ["doc1"], {**VOID_PREFIXES,
                                                  "d1": f"{ID_NS}document/doc"}) is None
    assert _both(stats, [])[0] == _both(stats, [])[1]


def test_a_witness_written_otherwise_is_refused() -> None:
    """The splice checks the first graph's block and both lists against pyoxigraph's text."""
    stats = _stats(["doc1", "doc2"])
    bulk = voidbulk.plan(stats.graphs, ["doc1", "doc2"], VOID_PREFIXES)
    assert bulk is not None
    _text, reference = _both(stats, ["doc1", "doc2"])
    assert voidbulk.splice(reference.replace(b"void:triples 2 .", b"void:triples 3 ."),
                           bulk) is None
    assert voidbulk.splice(reference.replace(b"subset:doc1 ,", b"<x> ,"), bulk) is None
