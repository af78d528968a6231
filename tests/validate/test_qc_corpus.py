"""The corpus-scoped QC queries from a small store and the cache (ctkg.validate.qc_corpus):
the same rows, in the same order, as each query on the whole store, on the committed build
and on a synthetic corpus with defects planted in document graphs, after a cold run and
after editing one document; a document the run needs beyond the small store is loaded or
named."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.rdf.terms import graph_of
from ctkg.synth import generate
from ctkg.validate import qc_corpus
from ctkg.validate.qc import QCQuery, load_queries, run_query
from ctkg.validate.qc_corpus import VALUE, NeedGraphs, fact_query, plan_of
from ctkg.validate.qc_scope import qc_todo, run_scoped
from tests.paths import ROOT
from tests.validate.test_qc_scope import LOOKUPS, SHARED, DictCache

QUERIES = load_queries(ROOT / "queries" / "qc")
CORPUS = [q for q in QUERIES if q.scope == "corpus"]
CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"


def _docs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value not in SHARED)


def _expected(store: ox.Store, query: QCQuery) -> list[str]:
    rows = run_query(store, query)
    return rows if query.scope == "corpus" else sorted(set(rows))


def _ordered(store: ox.Store, graphs: list[str], out: ox.Store | None = None) -> ox.Store:
    """``graphs`` of ``store`` loaded in code-point order, as the build loads its N-Quads:
    the order a GROUP_CONCAT meets its values in (duplicate-qid) follows the loading order."""
    out = ox.Store() if out is None else out
    for g in sorted(graphs):
        out.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    return out


class Small:
    """A store of the shared graphs and some document graphs of ``whole``, loaded in the
    whole store's order (``more`` loads the store again with the graphs it asks for)."""

    def __init__(self, whole: ox.Store, graphs: list[str]) -> None:
        self.whole, self.loaded = whole, set(graphs)
        self.store = _ordered(whole, [*SHARED, *graphs])

    def load(self, graphs: list[str]) -> None:
        self.loaded.update(graphs)
        self.store.clear()
        _ordered(self.whole, [*SHARED, *self.loaded], self.store)


def _check(whole: ox.Store, documents: dict[str, str], cache: DictCache) -> Small:
    """The small store's rows == the whole store's, for every query; the small store."""
    whole = _ordered(whole, [*SHARED, *documents])
    todo = qc_todo(cache, QUERIES, documents)
    small = Small(whole, todo)
    found = run_scoped(small.store, QUERIES, documents, SHARED, cache, LOOKUPS, "s",
                       loaded=todo, more=small.load)
    assert [(r.name, _same(r.rows)) for r in found] == \
        [(q.name, _same(_expected(whole, q))) for q in QUERIES]
    return small


def _same(rows: list[str]) -> list[str]:
    """duplicate-qid's GROUP_CONCAT lists the entities in the order the engine meets them,
    which is not the same in two stores holding its triples (even loaded in one order):
    compared as sets; every other row as it is."""
    return [row.split(", entities=")[0] + " " + " ".join(sorted(
        row.split(", entities=")[1].strip("'").split())) if ", entities=" in row else row
        for row in rows]


def _cold(whole: ox.Store, documents: dict[str, str], cache: DictCache) -> None:
    whole = _ordered(whole, [*SHARED, *documents])
    found = run_scoped(whole, QUERIES, documents, SHARED, cache, LOOKUPS, "s")
    assert [(r.name, r.rows) for r in found] == [(q.name, _expected(whole, q)) for q in QUERIES]


def _edit(whole: ox.Store, documents: dict[str, str], graph: str,
          quads: list[tuple[str, str, ox.NamedNode | ox.Literal]]) -> None:
    documents[graph] += "+"
    g = ox.NamedNode(graph)
    for s, p, o in quads:
        whole.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))


def test_every_corpus_query_has_a_plan() -> None:
    for q in CORPUS:
        assert plan_of(q) is not None, f"{q.name}: '# reads:' or '# confirm:' in its header"


def test_the_committed_build(committed_store: ox.Store) -> None:
    whole = committed_store
    docs = _docs(whole)
    documents, cache = {g: f"key-{g}" for g in docs}, DictCache()
    _cold(whole, documents, cache)
    for graph in docs:  # each one edited (its key changed), the others from the cache
        documents[graph] += "+"
        small = _check(whole, documents, cache)
        assert graph in small.loaded
    assert qc_todo(cache, QUERIES, documents) == []


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("qc-corpus") / "proj"
    generate(8, 5, root, ROOT)
    return root


def _statement(doc: str, eid: str, speaker: str, kind: str) -> list[
        tuple[str, str, ox.NamedNode | ox.Literal]]:
    s = f"{ID}statement/{doc}/{eid}"
    return [(s, RDF + "type", ox.NamedNode(CTKG + "Statement")),
            (s, CTKG + "statementKind", ox.NamedNode(CTKG + kind)),
            (s, CTKG + "statedIn", ox.NamedNode(f"{ID}document/{doc}")),
            (s, CTKG + "speaker", ox.NamedNode(ID + speaker))]


def _cold_synthetic(root: Path) -> tuple[ox.Store, list[str], list[str], dict[str, str],
                                         DictCache]:
    """The synthetic corpus built into a whole store, and its QC run on a cold cache: the
    store, its document graphs, their ids, their keys and the cache."""
    whole = ox.Store()
    whole.bulk_extend(build(Layout(root)).quads)
    docs = _docs(whole)
    ids = [g.rsplit("/", 1)[1] for g in docs]
    documents, cache = {g: f"key-{g}" for g in docs}, DictCache()
    _cold(whole, documents, cache)
    return whole, docs, ids, documents, cache


def test_a_synthetic_corpus_with_planted_defects(synthetic: Path) -> None:
    whole, docs, ids, documents, cache = _cold_synthetic(synthetic)
    # an untyped IRI in one document; an IRI typed only in another document
    _edit(whole, documents, docs[0], [
        (ID + "person/ghost", CTKG + "memberOf", ox.NamedNode(ID + "org/nowhere")),
        (ID + "person/elsewhere", CTKG + "memberOf", ox.NamedNode(ID + "org/nowhere"))])
    _check(whole, documents, cache)
    _edit(whole, documents, docs[1], [
        (ID + "org/nowhere", RDF + "type", ox.NamedNode(CTKG + "Organization")),
        (ID + "person/elsewhere", RDF + "type", ox.NamedNode(CTKG + "Person"))])
    _check(whole, documents, cache)
    # a paraphrase whose original is in another document; one whose original is missing;
    # one whose original has another speaker
    original = _statement(ids[2], "E90", "person/a", "DirectQuote")
    _edit(whole, documents, docs[2], original)
    rewrite = [*_statement(ids[3], "E91", "person/a", "Paraphrase"),
               *_statement(ids[3], "E92", "person/a", "Paraphrase"),
               *_statement(ids[3], "E93", "person/b", "Paraphrase")]
    rewrite += [(f"{ID}statement/{ids[3]}/{e}", CTKG + "paraphraseOf",
                 ox.NamedNode(f"{ID}statement/{o}")) for e, o in
                (("E91", f"{ids[2]}/E90"), ("E92", f"{ids[4]}/E1000"),
                 ("E93", f"{ids[2]}/E90"))]
    _edit(whole, documents, docs[3], rewrite)
    small = _check(whole, documents, cache)
    assert docs[2] in small.loaded  # asked about its statement, not asked before
    rows = {q.name: run_query(whole, q) for q in CORPUS}
    assert [r.split(",")[0] for r in rows["paraphrase-without-original-violation"]] == [
        f"statement={ID}statement/{ids[3]}/E92", f"statement={ID}statement/{ids[3]}/E93"]
    assert f"entity={ID}person/ghost" in rows["entity-without-type-violation"]
    assert f"entity={ID}statement/{ids[4]}/E1000" in rows["entity-without-type-violation"]
    assert f"entity={ID}person/elsewhere" not in rows["entity-without-type-violation"]
    # the original's document edited: its statement gone, then given another speaker
    whole.remove_graph(ox.NamedNode(docs[2]))
    whole.extend(ox.Quad(q.subject, q.predicate, q.object, q.graph_name)
                 for q in build_graph(synthetic, docs[2]))
    documents[docs[2]] += "+"
    _check(whole, documents, cache)
    _edit(whole, documents, docs[2], _statement(ids[2], "E90", "person/b", "DirectQuote"))
    _check(whole, documents, cache)
    # a duplicate QID, a generic label, a cycle and an ontology term, stated in documents
    qid = ox.NamedNode("http://www.wikidata.org/entity/Q1")
    _edit(whole, documents, docs[5], [(ID + "person/a", OWL + "sameAs", qid),
                                      (ID + "person/b", OWL + "sameAs", qid),
                                      (ID + "person/a", SKOS + "prefLabel",
                                       ox.Literal("the official", language="en")),
                                      (ID + "threat/x", SKOS + "broader",
                                       ox.NamedNode(ID + "threat/y"))])
    _edit(whole, documents, docs[6], [
        (ID + "threat/y", SKOS + "broader", ox.NamedNode(ID + "threat/x")),
        (CTKG + "Undefined", RDF + "type", ox.NamedNode(OWL + "Class"))])
    _check(whole, documents, cache)
    rows = {q.name: run_query(whole, q) for q in CORPUS}
    for name in ("duplicate-qid-violation", "generic-label-violation",
                 "broader-cycle-violation", "missing-definition-violation",
                 "missing-label-violation", "label-iri-mismatch-violation"):
        assert rows[name] or name == "label-iri-mismatch-violation", name
    # another document edited: the planted ones, stating what guarded queries read, are
    # loaded beside it
    documents[docs[7]] += "+"
    assert {docs[5], docs[6], docs[7]} <= set(qc_todo(cache, QUERIES, documents))
    small = _check(whole, documents, cache)
    assert small.loaded == {docs[5], docs[6], docs[7]}


def build_graph(root: Path, graph: str) -> list[ox.Quad]:
    """A document graph as the build compiles it (the planted quads gone)."""
    return [q for q in build(Layout(root)).quads if q.graph_name == ox.NamedNode(graph)]


def test_a_new_question_without_a_loader_names_the_graphs(synthetic: Path) -> None:
    whole, docs, ids, documents, cache = _cold_synthetic(synthetic)
    _edit(whole, documents, docs[0], [(ID + "person/x", CTKG + "memberOf",
                                       ox.NamedNode(f"{ID}mention/{ids[1]}/T1"))])
    small = Small(whole, qc_todo(cache, QUERIES, documents))
    with pytest.raises(NeedGraphs) as raised:
        run_scoped(small.store, QUERIES, documents, SHARED, cache, LOOKUPS, "s",
                   loaded=sorted(small.loaded))
    assert raised.value.graphs == [docs[1]]
    assert graph_of(ids[1]).value == docs[1]


class _Spy:
    """A store whose queries are counted with the named graphs each one was given."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.named = store, list[int | None]()

    def query(self, text: str, **kw: object) -> object:
        named = kw.get("named_graphs")
        self.named.append(len(named) if isinstance(named, list) else None)
        return self.store.query(text, **kw)  # type: ignore[arg-type]


def _own(store: ox.Store, text: str, graph: str) -> list[str]:
    """A fact's values for one graph, by its query as :func:`fact_query` writes it."""
    found = store.query(text, named_graphs=[ox.NamedNode(graph)],
                        default_graph=[ox.NamedNode(g) for g in LOOKUPS])
    assert isinstance(found, ox.QuerySolutions)
    return sorted({v.value for sol in found if isinstance(v := sol[VALUE], ox.NamedNode)})


def test_the_typed_facts_by_chunks_are_each_graphs_own(
        synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The typed plan's facts of many graphs, a few graphs per query (which bounds the
    engine's memory), the foreign types with each graph's node prefixes given: the same as
    each graph's own run of the fact's query, with the same cache entry for the next
    build."""
    whole = ox.Store()
    whole.bulk_extend(build(Layout(synthetic)).quads)
    docs = _docs(whole)
    ids = [g.rsplit("/", 1)[1] for g in docs]
    documents = {g: f"key-{g}" for g in docs}
    _edit(whole, documents, docs[0], [  # an untyped IRI; another document's node
        (ID + "person/ghost", CTKG + "memberOf", ox.NamedNode(f"{ID}mention/{ids[1]}/T1"))])
    _edit(whole, documents, docs[4], [  # its own node, untyped
        (f"{ID}mention/{ids[4]}/T900", CTKG + "memberOf", ox.NamedNode(ID + "org/nowhere"))])
    _edit(whole, documents, docs[5], [  # types another document's node, and a shared one
        (f"{ID}statement/{ids[6]}/E1", RDF + "type", ox.NamedNode(CTKG + "Statement")),
        (ID + "org/nowhere", RDF + "type", ox.NamedNode(CTKG + "Organization")),
        (f"{ID}statement/{ids[5]}/E900", RDF + "type", ox.NamedNode(CTKG + "Statement"))])
    plans = {q.name: plan_of(q) for q in CORPUS}
    plan, anchored = plans["entity-without-type-violation"], \
        plans["paraphrase-without-original-violation"]
    assert plan is not None and anchored is not None
    own = {f: {g: _own(whole, fact_query(plan, f), g) for g in docs}
           for f in ("candidates", "foreign")}
    assert f"{ID}person/ghost" in own["candidates"][docs[0]]
    assert f"{ID}mention/{ids[1]}/T1" in own["candidates"][docs[0]]
    assert f"{ID}mention/{ids[4]}/T900" in own["candidates"][docs[4]]
    assert own["foreign"][docs[5]] == [ID + "org/nowhere", f"{ID}statement/{ids[6]}/E1"]
    assert not any(own["foreign"][g] for g in docs if g != docs[5])
    spy = _Spy(whole)
    monkeypatch.setattr(qc_corpus, "MANY", 2)  # 8 documents are many
    monkeypatch.setattr(qc_corpus, "CHUNK", 3)
    for fact in ("candidates", "foreign"):
        assert qc_corpus.run_fact(spy, plan, fact, docs, LOOKUPS) == own[fact]  # type: ignore[arg-type]
        assert spy.named == [3, 3, 2]
        spy.named.clear()
    qc_corpus.run_fact(spy, anchored, "foreign", docs, LOOKUPS)  # type: ignore[arg-type]
    assert spy.named == [None]  # another plan's facts: one pass over the store
    chunked = DictCache()
    _cold(whole, documents, chunked)
    monkeypatch.setattr(qc_corpus, "CHUNK", 128)
    one = DictCache()
    _cold(whole, documents, one)
    assert chunked.rows == one.rows and chunked.rows
