"""QC by scope: a document-scoped query over the union gives exactly the union of its
per-graph runs (on the build of the five documents and on a synthetic corpus with planted
defects), the one-pass and per-document modes agree, and an incremental build reruns the
document-scoped queries for the edited document only."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.rdf.terms import graph_of
from ctkg.synth import generate
from ctkg.validate import qc_scope
from ctkg.validate.qc import QCQuery, load_queries, run_query
from ctkg.validate.qc_scope import run_in, run_scoped, with_graph_column
from tests.paths import ROOT

QC_DIR = ROOT / "queries" / "qc"
SHARED = [graph_of(n).value for n in ("ontology", "registry", "catalogue", "wikidata")]
LOOKUPS = [g for g in SHARED if g != graph_of("catalogue").value]  # as the build passes
CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
QUERIES = load_queries(QC_DIR)
DOCUMENT = [q for q in QUERIES if q.scope == "document"]


class DictCache:
    """A RowCache in memory, counting what it was asked."""

    def __init__(self) -> None:
        self.rows: dict[str, object] = {}
        self.hits = 0

    def get(self, kind: str, key: str) -> object | None:
        value = self.rows.get(f"{kind}/{key}")
        self.hits += value is not None
        return value

    def put(self, kind: str, key: str, value: object) -> None:
        self.rows[f"{kind}/{key}"] = value


def _documents(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value not in SHARED)


def _per_graph(store: ox.Store, query: QCQuery) -> set[str]:
    rows = set(run_in(store, query, SHARED, []))
    for graph in _documents(store):
        rows.update(run_in(store, query, [graph], LOOKUPS))
    return rows


def _assert_scopes_hold(store: ox.Store) -> None:
    documents = {g: "" for g in _documents(store)}
    for query in DOCUMENT:
        union = run_query(store, query)
        assert _per_graph(store, query) == set(union), query.name
    per_doc = run_scoped(store, QUERIES, documents, SHARED, lookups=LOOKUPS)
    monkey = qc_scope.BATCH_FROM
    try:
        qc_scope.BATCH_FROM = 1  # the one-pass mode for every document
        one_pass = run_scoped(store, QUERIES, documents, SHARED, lookups=LOOKUPS)
    finally:
        qc_scope.BATCH_FROM = monkey
    assert [(r.name, sorted(set(run_query(store, q)))) for r, q in zip(per_doc, QUERIES,
                                                                      strict=True)] == \
        [(r.name, r.rows) for r in per_doc] == [(r.name, r.rows) for r in one_pass]


def test_some_queries_are_document_scoped_and_every_scope_says_why() -> None:
    assert {q.name for q in DOCUMENT} >= {"undeclared-term-violation",
                                         "unknown-concept-violation"}
    for q in QUERIES:
        assert f"# scope: {q.scope} — " in q.text, f"{q.name}: say why after the scope"
        if q.scope == "document":
            assert "GRAPH ?graph" in q.text, f"{q.name}: candidates in GRAPH ?graph {{ }}"


def test_row_keys_are_digested_once_and_stay_the_same_when_the_memo_is_cleared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo of row keys gives what the digest gives, tells documents and query texts
    apart, and starts again when full (a regression test of the memo, not of speed)."""
    monkeypatch.setattr(qc_scope, "_ROW_KEYS", {})
    monkeypatch.setattr(qc_scope, "_ROW_KEYS_MAX", 2)
    a = QCQuery("a", Path("a.rq"), "A", "error", "", "SELECT ?s WHERE { ?s ?p ?o }")
    b = QCQuery("b", Path("b.rq"), "B", "error", "", "SELECT ?o WHERE { ?s ?p ?o }")
    first = [qc_scope.row_key(k, q) for k in ("k1", "k2") for q in (a, b)]
    assert len(set(first)) == 4
    assert len(qc_scope._ROW_KEYS) <= 2  # cleared when full
    qc_scope._ROW_KEYS.clear()
    assert [qc_scope.row_key(k, q) for k in ("k1", "k2") for q in (a, b)] == first


def test_with_graph_column() -> None:
    assert with_graph_column("SELECT DISTINCT ?a WHERE {}") == \
        "SELECT DISTINCT ?graph ?a WHERE {}"
    assert with_graph_column("PREFIX x: <y>\nSELECT ?a {}") == "PREFIX x: <y>\nSELECT ?graph ?a {}"


def test_scopes_hold_on_the_build(committed_store: ox.Store) -> None:
    _assert_scopes_hold(committed_store)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("qc-synth") / "proj"
    generate(6, 3, root, ROOT)
    return root


def _plant(store: ox.Store, graph: str) -> None:
    """One defect of each document-scoped query, in one document graph."""
    g = ox.NamedNode(graph)

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))

    bad = ID + "assertion/planted"
    add(bad, RDF + "type", ox.NamedNode(CTKG + "Assertion"))  # no support
    add(bad, RDF + "subject", ox.NamedNode(ID + "person/x"))
    add(bad, RDF + "predicate", ox.NamedNode(CTKG + "warnsOf"))
    add(bad, RDF + "object", ox.NamedNode(ID + "threat/not-a-concept"))  # unknown concept
    add(ID + "person/x", CTKG + "warnOf", ox.Literal("typo"))  # undeclared term
    inferred = ID + "assertion/inferred"
    add(inferred, RDF + "type", ox.NamedNode(CTKG + "Assertion"))
    add(inferred, CTKG + "inferred", ox.Literal(True))  # no rule, no evidence
    _plant_unattributed_claim(add, graph)


def _plant_unattributed_claim(add: Callable[[str, str, ox.NamedNode | ox.Literal], None],
                              graph: str) -> None:
    """A warnsOf claim whose mention lies inside a statement's span, with no attribution."""
    oa, gaf = "http://www.w3.org/ns/oa#", "http://groundedannotationframework.org/gaf#"
    doc = ox.NamedNode(ID + "document/planted")
    claim, statement = ID + "assertion/planted-claim", ID + "statement/planted/E1"
    add(claim, RDF + "predicate", ox.NamedNode(CTKG + "warnsOf"))
    for node, start, end in ((ID + "mention/planted/T2", 10, 20),
                             (ID + "mention/planted/T1", 0, 50)):
        add(node, oa + "hasSource", doc)
        add(node, oa + "hasSelector", ox.NamedNode(node + "/position"))
        add(node + "/position", RDF + "type", ox.NamedNode(oa + "TextPositionSelector"))
        add(node + "/position", oa + "start", ox.Literal(start))
        add(node + "/position", oa + "end", ox.Literal(end))
    add(claim, CTKG + "supportedBy", ox.NamedNode(ID + "mention/planted/T2"))
    add(statement, RDF + "type", ox.NamedNode(CTKG + "Statement"))
    add(statement, gaf + "denotedBy", ox.NamedNode(ID + "mention/planted/T1"))


def test_scopes_hold_on_a_synthetic_corpus_with_planted_defects(synthetic: Path,
                                                                tmp_path: Path) -> None:
    result = build(Layout(synthetic))
    store = ox.Store()
    store.bulk_extend(result.quads)
    _assert_scopes_hold(store)
    docs = _documents(store)
    _plant(store, docs[2])
    found = {r.name: r.rows for r in run_scoped(store, QUERIES, {g: "" for g in docs},
                                                 SHARED, lookups=LOOKUPS)}
    for q in DOCUMENT:
        assert found[q.name], f"{q.name} missed its planted defect"
    _assert_scopes_hold(store)


def test_cached_rows_are_reused_and_only_the_changed_document_reruns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = ox.Store()
    graphs = {f"{ID}g{i}": f"key{i}" for i in range(3)}
    for graph in graphs:
        store.add(ox.Quad(ox.NamedNode(ID + "s"), ox.NamedNode(CTKG + "warnOf"),
                          ox.Literal(graph), ox.NamedNode(graph)))
    query = next(q for q in DOCUMENT if q.name == "undeclared-term-violation")
    ran: list[tuple[str, ...]] = []
    real = qc_scope.run_in

    def counting(store: ox.Store, q: QCQuery, graphs: list[str], lookups: list[str]
                 ) -> list[str]:
        ran.append(tuple(graphs))
        return real(store, q, graphs, lookups)

    monkeypatch.setattr(qc_scope, "run_in", counting)
    cache = DictCache()
    (first,) = run_scoped(store, [query], graphs, [], cache, shared_key="s")
    assert first.rows == [f"term={CTKG}warnOf"] and len(ran) == 4  # shared + 3 documents
    ran.clear()
    (again,) = run_scoped(store, [query], graphs, [], cache, shared_key="s")
    assert again.rows == first.rows and ran == []  # all from the one cache entry
    store.remove_graph(ox.NamedNode(f"{ID}g1"))
    store.add(ox.Quad(ox.NamedNode(ID + "s"), ox.NamedNode(CTKG + "okay"), ox.Literal("x"),
                      ox.NamedNode(f"{ID}g1")))
    edited = {**graphs, f"{ID}g1": "key1-edited"}
    (third,) = run_scoped(store, [query], edited, [], cache, shared_key="s")
    assert ran == [(f"{ID}g1",)]  # one new run: the edited document
    assert third.rows == sorted([f"term={CTKG}warnOf", f"term={CTKG}okay"])
    [table] = cache.rows.values()
    # shared + 3 documents' rows, and each document's corpus facts: the old keys gone
    assert isinstance(table, dict) and len(table) == 4 + 3


def _table(cache: Path) -> dict[str, list[str]]:
    from ctkg.kg.entries import loads

    [path] = (cache / "qc").glob("*.pickle")
    table = loads(path.read_bytes())  # a cache entry (ctkg.kg.entries)
    assert isinstance(table, dict)
    return table


def test_an_incremental_build_reruns_qc_for_the_edited_document_only(
        synthetic: Path, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(synthetic, project)
    cache = tmp_path / "cache"
    build(Layout(project), cache_dir=cache)
    before = _table(cache)
    # each document's rows, the shared graphs', and each document's corpus facts
    assert len(before) == (6 + 1) * len(DOCUMENT) + 6
    txt = sorted((project / "data" / "corpus").glob("*.txt"))[-1]
    txt.write_text(txt.read_text("utf-8") + " One more sentence.\n", "utf-8")
    build(Layout(project), cache_dir=cache)
    after = _table(cache)
    # new rows for the edited document and for the shared graphs (the catalogue holds its
    # length), and the edited document's facts; the other five documents' are reused
    assert len(after) == len(before) and len(set(after) - set(before)) == 2 * len(DOCUMENT) + 1
