"""The build's statistics in one pass: per graph, combined, and equal to the figures counted
the direct way (sets of pyoxigraph terms over the quads and the distinct triples)."""

from __future__ import annotations

import pickle
from collections import Counter

import pyoxigraph as ox
import pytest

from ctkg.kg.graphstats import (
    Combiner,
    GraphFigures,
    Tally,
    combine,
    dataset_stats,
    figures,
    graph_stats,
    per_graph,
)
from ctkg.kg.pipeline import BuildResult
from ctkg.rdf.namespaces import GAF_NS, ID_NS, OA_NS
from ctkg.rdf.terms import RDF_TYPE, graph_of, ident, iri_of

EX = "https://example.org/"
G1, G2 = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2")
A, B, C = (ox.NamedNode(EX + x) for x in "abc")
P = ox.NamedNode(EX + "p")
CLS = ox.NamedNode(EX + "Class")
DENOTED_BY = ox.NamedNode(GAF_NS + "denotedBy")
HAS_SOURCE = ox.NamedNode(OA_NS + "hasSource")


def quads() -> list[ox.Quad]:
    return [
        ox.Quad(A, RDF_TYPE, CLS, G1), ox.Quad(B, RDF_TYPE, CLS, G1),
        ox.Quad(A, P, ox.Literal(EX + "b"), G1),  # a literal spelled like an IRI
        ox.Quad(A, P, B, G1), ox.Quad(A, DENOTED_BY, C, G1), ox.Quad(C, HAS_SOURCE, B, G1),
        ox.Quad(A, RDF_TYPE, CLS, G2),  # the same triple in a second graph
        ox.Quad(C, P, ox.Literal("1", datatype=ox.NamedNode(EX + "int")), G2),
    ]


def test_one_graph() -> None:
    stats = graph_stats(q for q in quads() if q.graph_name == G1)
    assert stats.triples == 6
    assert stats.subjects == {A.value, B.value, C.value}
    assert len(stats.objects) == 4  # CLS, "b" and <b> apart, C (B counted once)
    assert stats.classes == {CLS.value: {A.value, B.value}}
    assert stats.properties == Counter({RDF_TYPE.value: 2, P.value: 2, DENOTED_BY.value: 1,
                                        HAS_SOURCE.value: 1})
    assert stats.mentioned == Counter({A.value: 1, B.value: 1})


def test_graphs_in_any_order_and_the_union() -> None:
    graphs = per_graph(quads())
    assert list(graphs) == [G1.value, G2.value]
    shuffled = quads()[::2] + quads()[1::2]  # each graph met in several runs
    assert per_graph(shuffled) == graphs
    stats = combine(graphs)
    assert stats.graph_counts == {G1.value: 6, G2.value: 2}
    assert stats.union.triples == 7  # <a> a <Class> once
    assert stats.union.properties[RDF_TYPE.value] == 2
    assert stats.union.classes == {CLS.value: {A.value, B.value}}
    assert len(stats.union.objects) == 5


def test_stats_pickle() -> None:
    stats = graph_stats(documents(), D1.value)
    assert pickle.loads(pickle.dumps(stats)) == stats


def test_the_build_figures_match_direct_counts(result: BuildResult) -> None:
    """Every figure against its definition, counted on the quads and distinct triples."""
    stats = dataset_stats(result.quads)
    assert not any(g.strays for g in per_graph(result.quads).values())  # the fast count
    graphs: dict[ox.NamedNode, list[ox.Quad]] = {}
    for q in result.quads:
        assert isinstance(q.graph_name, ox.NamedNode)
        graphs.setdefault(q.graph_name, []).append(q)
    assert set(stats.graphs) == {g.value for g in graphs}
    for g, items in graphs.items():
        got = stats.graphs[g.value]
        assert got.triples == len(items)
        assert got.distinct_subjects == len({q.subject for q in items})
        assert got.distinct_objects == len({q.object for q in items})
        assert len(got.class_names) == len({q.object for q in items
                                            if q.predicate == RDF_TYPE})
        assert got.property_count == len({q.predicate for q in items})
        assert got.members_of == {c.value: len({q.subject for q in items if q.object == c
                                                and q.predicate == RDF_TYPE})
                                  for c in {q.object for q in items if q.predicate == RDF_TYPE}
                                  if isinstance(c, ox.NamedNode)}
    union = {q.triple for q in result.quads}
    assert stats.union.triples == len(union)
    assert stats.union.distinct_subjects == len({t.subject for t in union})
    assert stats.union.distinct_objects == len({t.object for t in union})
    assert stats.union.instance_subjects == len({t.subject for t in union
                                                 if iri_of(t.subject).startswith(ID_NS)})
    assert stats.union.properties == Counter(t.predicate.value for t in union)
    members: dict[str, set[str]] = {}
    for t in union:
        if t.predicate == RDF_TYPE:
            assert isinstance(t.object, ox.NamedNode)
            members.setdefault(t.object.value, set()).add(iri_of(t.subject))
    assert {c: stats.union.members(c) for c in stats.union.class_names} == {
        c: len(m) for c, m in members.items()}
    assert stats.union.mentioned == Counter(
        [iri_of(q.subject) for q in result.quads if q.predicate == DENOTED_BY]
        + [iri_of(q.object) for q in result.quads if q.predicate == HAS_SOURCE])


# two document graphs and a shared one: mentions are local to their document
D1, D2, REG = graph_of("d1"), graph_of("d2"), graph_of("registry")
M1, M2 = ident("mention/d1/T1"), ident("mention/d2/T1")
EVENT = ident("event/e")


def documents() -> list[ox.Quad]:
    return [
        ox.Quad(M1, RDF_TYPE, CLS, D1), ox.Quad(M1, P, EVENT, D1),
        ox.Quad(EVENT, RDF_TYPE, CLS, D1),  # about a shared node: also in the registry
        ox.Quad(M2, RDF_TYPE, CLS, D2), ox.Quad(EVENT, P, A, D2),
        ox.Quad(EVENT, RDF_TYPE, CLS, REG), ox.Quad(EVENT, P, A, REG),
    ]


def test_a_document_graph_owns_its_local_nodes() -> None:
    stats = graph_stats([q for q in documents() if q.graph_name == D1], D1.value)
    assert stats.owned == Counter({RDF_TYPE.value: 1, P.value: 1})
    assert stats.foreign == {(EVENT.value, RDF_TYPE.value, CLS.value)}
    assert (stats.own_subjects, stats.subjects) == (1, {EVENT.value})  # M1 counted only
    assert stats.own_members == Counter({CLS.value: 1})
    assert stats.strays == set()
    assert stats.distinct_subjects == 2 and stats.members(CLS.value) == 2


def test_the_union_adds_own_counts_to_the_other_terms() -> None:
    quads = documents()
    stats = combine(per_graph(quads))
    union = {q.triple for q in quads}
    assert stats.union.triples == len(union) == 5
    assert stats.union.properties == Counter(t.predicate.value for t in union)
    assert stats.union.distinct_subjects == len({t.subject for t in union}) == 3
    assert stats.union.distinct_objects == len({t.object for t in union})
    assert stats.union.members(CLS.value) == 3  # M1, M2 and the event


def test_a_stray_local_node_is_counted_without_the_split() -> None:
    """d1's mention named in d2's graph (as a subject, and as an object): the split would
    count it twice, so the figures are made again without it."""
    for stray in (ox.Quad(M1, RDF_TYPE, CLS, D2), ox.Quad(EVENT, P, M1, D2)):
        quads = [*documents(), stray]
        graphs = per_graph(quads)
        assert graphs[D2.value].strays == {M1.value}
        with pytest.raises(ValueError, match="mention/d1/T1 is named outside its document"):
            combine(graphs)
        stats = dataset_stats(quads)
        union = {q.triple for q in quads}
        assert stats.union.triples == len(union)
        assert stats.union.distinct_subjects == len({t.subject for t in union})
        assert stats.union.distinct_objects == len({t.object for t in union})


def test_the_combiner_keeps_figures_only_and_equals_combine() -> None:
    """Graph by graph (the build lets each graph's sets go as it folds them): the same
    figures as :func:`combine` over all of them at once."""
    graphs = per_graph(documents())
    folded = Combiner()
    for graph, stats in graphs.items():
        folded.add(graph, stats)
    got, want = folded.result(), combine(per_graph(documents()))
    assert got == want
    assert all(isinstance(f, GraphFigures) for f in got.graphs.values())
    assert got.graphs[D1.value] == figures(graphs[D1.value])
    assert got.graphs[D1.value].members(CLS.value) == graphs[D1.value].members(CLS.value)


def test_a_graph_added_twice_cannot_be_combined() -> None:
    """Its figures would count twice: the combiner says so, and the caller counts the
    quads whole (ctkg.kg.compiled)."""
    graphs = per_graph(documents())
    folded = Combiner()
    for graph, stats in graphs.items():
        folded.add(graph, stats)
    folded.add(D1.value, graphs[D1.value])
    with pytest.raises(ValueError, match="came in two parts"):
        folded.result()


def test_a_tally_takes_a_graph_out_as_if_it_had_never_been_added() -> None:
    """An incremental build takes an edited document's old figures out of the tally and
    adds its new ones (ctkg.kg.compilecache): the same result as adding the graphs it
    holds, one by one."""
    graphs = per_graph(documents())
    edited = per_graph([ox.Quad(M1, RDF_TYPE, CLS, D1), ox.Quad(M1, P, A, D1)])[D1.value]
    tally = Tally()
    for graph, stats in graphs.items():
        tally.add(graph, stats)
    tally.remove(D1.value, graphs[D1.value])
    assert tally.combiner(graphs).result() == combine(
        {g: s for g, s in graphs.items() if g != D1.value})
    tally.add(D1.value, edited)
    want = combine({**graphs, D1.value: edited})
    assert tally.combiner(graphs).result() == want
    assert list(tally.combiner([REG.value, D1.value]).graphs)[:2] == [REG.value, D1.value]
    # the shared graphs are added to its combiner as they come: a triple both a document
    # and the registry state (EVENT a CLS) counts once in the union
    tally.remove(REG.value, graphs[REG.value])
    combined = tally.combiner(graphs)
    combined.add(REG.value, graphs[REG.value])
    assert combined.result() == want
    tally.add(REG.value, graphs[REG.value])
    for graph, stats in [*graphs.items(), (D1.value, edited)]:  # all out: nothing left
        if graph != D1.value or stats is edited:
            tally.remove(graph, stats)
    assert pickle.loads(pickle.dumps(tally)).combiner([]).result() == Combiner().result()
    with pytest.raises(KeyError):  # what was not added cannot be taken out
        tally.remove(D2.value, graphs[D2.value])


def test_a_tally_with_a_graph_added_twice_cannot_be_combined() -> None:
    graphs = per_graph(documents())
    tally = Tally()
    for graph, stats in [*graphs.items(), (D1.value, graphs[D1.value])]:
        tally.add(graph, stats)
    with pytest.raises(ValueError, match="came in two parts"):
        tally.combiner(graphs).result()
    with pytest.raises(KeyError):  # whose figures would stay is not known
        tally.remove(D1.value, graphs[D1.value])
