"""The tables from cached row sets (ctkg.kg.tablecache, ctkg.kg.tablerows): the same bytes
as the whole store's tables, on the committed build and on a synthetic corpus; from the
cache and a store of the shared graphs and the edited document only; one pass and one
query per document agree; every join that can cross graphs is exact (entities counted over
documents, labels changed) or falls back to the whole store (planted cases)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import tablecache, tablerows
from ctkg.kg.pipeline import build
from ctkg.kg.tablecache import plan_tables, table_data, tables_todo
from ctkg.kg.tablemeta import render_tables, render_tables_partly
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS, GRAPH_NS, ID_NS, RDF_NS
from ctkg.rdf.terms import LOCAL_STARTS, local_starts, natural_key
from ctkg.synth import generate
from tests.paths import ROOT

CTKG, ID, RDF = CTKG_NS, ID_NS, RDF_NS
OA, GAF = "http://www.w3.org/ns/oa#", "http://groundedannotationframework.org/gaf#"
SKOS, OWL = "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/2002/07/owl#"
SHARED_NAMES = ("ontology", "registry", "catalogue", "wikidata")


class DictCache:
    """A RowCache in memory, counting its writes."""

    def __init__(self) -> None:
        self.rows: dict[str, object] = {}
        self.puts = 0

    def get(self, kind: str, key: str) -> object | None:
        return self.rows.get(f"{kind}/{key}")

    def put(self, kind: str, key: str, value: object) -> None:
        self.rows[f"{kind}/{key}"] = value
        self.puts += 1


def _graphs(store: ox.Store) -> tuple[list[str], dict[str, str]]:
    """(shared graphs, document graph -> a key: the digest of its quads)."""
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    shared = [g for g in names if g[len(GRAPH_NS):] in SHARED_NAMES]
    docs = {g: hashlib.sha256(ox.serialize(store.quads_for_pattern(None, None, None,
                                                                   ox.NamedNode(g)),
                                           format=ox.RdfFormat.N_QUADS) or b"").hexdigest()
            for g in names if g not in shared}
    return shared, docs


def _shared_key(store: ox.Store, shared: list[str]) -> str:
    return hashlib.sha256(b"".join(
        ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(g)),
                     format=ox.RdfFormat.N_QUADS) or b"" for g in shared)).hexdigest()


def _small(store: ox.Store, graphs: list[str]) -> ox.Store:
    """A store of ``graphs`` only (the shared graphs and the documents to run)."""
    small = ox.Store()
    for g in graphs:
        small.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    return small


def _assert_subjects_stay_home(store: ox.Store, shared: list[str], docs: list[str]) -> None:
    """What the compiler guarantees and the tables rely on without checking it as they run
    (that would read every quad): a document's nodes are the subjects of its graph only."""
    for graph in [*shared, *docs]:
        own = local_starts(graph[len(GRAPH_NS):]) if graph in docs else ()
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            s = q.subject.value  # type: ignore[union-attr]
            assert not s.startswith(LOCAL_STARTS) or s.startswith(own), (graph, s)


def _assert_cache_equals_whole(store: ox.Store) -> None:
    """Cold, warm, from a small store, and per document against one pass: today's bytes."""
    want = render_tables(store, store)
    shared, docs = _graphs(store)
    _assert_subjects_stay_home(store, shared, list(docs))
    cache = DictCache()
    cold = plan_tables(cache, docs, shared, _shared_key(store, shared))
    assert render_tables(store, store, plan=cold) == want
    assert cold.runs == len(docs) and cache.puts == 2  # the entry, and no row set since
    warm = plan_tables(cache, docs, shared, _shared_key(store, shared))
    assert warm.todo == [] and not warm.needs_whole
    assert render_tables_partly(_small(store, shared), warm) == want
    assert warm.runs == 0 and cache.puts == 2  # nothing changed: not written again
    batch_from = tablecache.BATCH_FROM
    try:
        tablecache.BATCH_FROM = 1  # the one pass over the whole store for every document
        assert render_tables(store, store, plan=plan_tables(None, docs, shared)) == want
    finally:
        tablecache.BATCH_FROM = batch_from
    one = tablerows.shared_rows(store, shared, {})
    assert not one.cross
    per_doc = tablerows.document_rows(store, list(docs), one, {}, batch=False)
    assert per_doc == tablerows.document_rows(store, list(docs), one, {}, batch=True)
    assert not any(r.cross for r in per_doc.values())


def test_rows_from_the_cache_equal_the_whole_store_on_the_committed_build(
        tmp_path: Path) -> None:
    root = tmp_path / "proj"
    for part in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("kg"))
    result = build(Layout(root))
    _assert_cache_equals_whole(result.store)
    committed = ROOT / "data" / "kg" / "tables"
    for name, data in render_tables(result.store, result.store).items():
        assert (committed / name.split("/", 1)[1]).read_bytes() == data


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables-synth") / "proj"
    generate(8, 5, root, ROOT)
    return root


def test_rows_from_the_cache_equal_the_whole_store_on_a_synthetic_corpus(
        synthetic: Path) -> None:
    _assert_cache_equals_whole(build(Layout(synthetic)).store)


def test_an_edited_document_alone_is_queried_again(synthetic: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    shutil.copytree(synthetic, root)
    ran: list[list[str]] = []
    real = tablerows.document_rows

    def counting(store: ox.Store, graphs: list[str], *args: object, **kw: object) -> object:
        ran.append(list(graphs))
        return real(store, graphs, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(tablecache, "document_rows", counting)
    cache = tmp_path / "cache"
    first = build(Layout(root), cache_dir=cache)
    assert len(ran[0]) == 8
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[-1]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")
    ran.clear()
    second = build(Layout(root), cache_dir=cache)
    assert ran == [[GRAPH_NS + txt.stem]]  # the edited document's graph only
    plain = build(Layout(root))  # no cache: every row from the store, as before
    tables = {n: d for n, d in plain.files.items() if n.startswith("tables/")}
    assert {n: second.files[n] for n in tables} == tables
    assert first.files["tables/documents.csv"] != tables["tables/documents.csv"]  # length


def test_a_small_store_gives_the_edited_document_rows(synthetic: Path) -> None:
    store = build(Layout(synthetic)).store
    shared, docs = _graphs(store)
    cache = DictCache()
    render_tables(store, store, plan=plan_tables(cache, docs, shared, "s1"))
    edited = sorted(docs)[3]
    _mention(store, edited, "org", 900)  # a new mention of an entity other documents name
    shared, docs = _graphs(store)
    assert tables_todo(cache, docs, shared) == [edited]
    plan = plan_tables(cache, docs, shared, "s2")
    made = render_tables_partly(_small(store, [*shared, edited]), plan)
    assert made == render_tables(store, store) and plan.runs == 1
    cold = plan_tables(None, docs, shared)  # every document on the small store: one pass
    assert render_tables_partly(_small(store, list(docs) + shared), cold) == made


def _mention(store: ox.Store, graph: str, kind: str, n: int) -> str:
    """A mention in ``graph`` of the first entity of ``kind`` that has mentions already."""
    doc = graph[len(GRAPH_NS):]
    entity = next(q.subject for q in store.quads_for_pattern(None, ox.NamedNode(GAF + "denotedBy"),
                                                              None)
                  if q.subject.value.startswith(f"{ID}{kind}/"))  # type: ignore[union-attr]
    m = ox.NamedNode(f"{ID}mention/{doc}/T{n}")
    g = ox.NamedNode(graph)
    store.add(ox.Quad(entity, ox.NamedNode(GAF + "denotedBy"), m, g))
    store.add(ox.Quad(m, ox.NamedNode(OA + "hasSource"), ox.NamedNode(f"{ID}document/{doc}"), g))
    return entity.value  # type: ignore[union-attr]


def test_entities_add_every_documents_mentions(synthetic: Path) -> None:
    store = build(Layout(synthetic)).store
    shared, docs = _graphs(store)
    graphs = sorted(docs)
    entity = _mention(store, graphs[0], "person", 901)
    _mention(store, graphs[1], "person", 902)
    _mention(store, graphs[1], "person", 903)
    made = table_data(store, plan_tables(None, _graphs(store)[1], shared))
    want = render_tables(store, store)["tables/entities.csv"]
    assert made is not None and want.endswith(made["entities"])
    assert any(line.startswith(entity + ",") for line in want.decode().splitlines())


def _add(store: ox.Store, graph: str, s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
    store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(graph)))


def _plants(store: ox.Store, docs: list[str]) -> dict[str, tuple[str, str, str, object]]:
    """Each a quad that makes a document's rows depend on another graph."""
    a, b = (g[len(GRAPH_NS):] for g in docs[:2])
    person = next(q.subject.value for q in store.quads_for_pattern(  # type: ignore[union-attr]
        None, ox.NamedNode(RDF + "type"), None, ox.NamedNode(GRAPH_NS + "registry"))
        if q.subject.value.startswith(ID + "person/"))  # type: ignore[union-attr]
    return {
        "label": (docs[0], person, SKOS + "prefLabel", ox.Literal("Aardvark", language="en")),
        "link": (docs[0], person, OWL + "sameAs", ox.NamedNode("http://www.wikidata.org/entity/Q1")),
        "type": (docs[0], person, RDF + "type", ox.NamedNode(CTKG + "Person")),
        "document": (docs[0], f"{ID}mention/{a}/T1", RDF + "type",
                     ox.NamedNode(CTKG + "SourceDocument")),
        "support": (docs[0], f"{ID}assertion/{a}/R1", CTKG + "supportedBy",
                    ox.NamedNode(f"{ID}mention/{b}/T1")),
        "denoted": (docs[0], person, GAF + "denotedBy", ox.NamedNode(f"{ID}mention/{b}/T1")),
        "source": (docs[0], f"{ID}mention/{a}/T1", OA + "hasSource",
                   ox.NamedNode(f"{ID}document/{b}")),
        "selector": (docs[0], f"{ID}mention/{a}/T1", OA + "hasSelector",
                     ox.NamedNode(f"{ID}mention/{b}/T1/position")),
        "shared": (GRAPH_NS + "registry", f"{ID}mention/{a}/T1", OA + "hasSource",
                   ox.NamedNode(f"{ID}document/{b}")),
    }


@pytest.mark.parametrize("plant", ["label", "link", "type", "document", "support",
                                   "selector", "denoted", "source", "shared"])
def test_a_row_that_reads_another_graph_falls_back_to_the_whole_store(
        synthetic: Path, plant: str) -> None:
    store = build(Layout(synthetic)).store
    shared, docs = _graphs(store)
    graph, s, p, o = _plants(store, sorted(docs))[plant]
    _add(store, graph, s, p, o)  # type: ignore[arg-type]
    shared, docs = _graphs(store)
    cache = DictCache()
    plan = plan_tables(cache, docs, shared, "s")
    assert table_data(store, plan) is None  # says so: the whole store's union is needed
    assert render_tables(store, store, plan=plan) == render_tables(store, store)
    again = plan_tables(cache, docs, shared, "s")
    assert again.needs_whole and render_tables_partly(_small(store, shared), again) is None


def test_rows_made_with_other_labels_are_made_again(synthetic: Path) -> None:
    store = build(Layout(synthetic)).store
    shared, docs = _graphs(store)
    cache = DictCache()
    render_tables(store, store, plan=plan_tables(cache, docs, shared, "s1"))
    registry = ox.NamedNode(GRAPH_NS + "registry")
    label = next(store.quads_for_pattern(None, ox.NamedNode(SKOS + "prefLabel"), None, registry))
    store.remove(label)
    store.add(ox.Quad(label.subject, label.predicate, ox.Literal("Renamed", language="en"),
                      registry))
    plan = plan_tables(cache, docs, shared, "s2")  # the same document keys
    assert plan.todo == [] and render_tables_partly(_small(store, shared), plan) is None
    assert render_tables(store, store, plan=plan) == render_tables(store, store)
    assert plan.runs == len(docs)


def test_blocks_that_overlap_are_sorted_again() -> None:
    rows = [("a2", "x"), ("a10", "y"), ("a3", "z"), ("a3", "z")]
    blocks = [tablerows._block(rows[:2]), tablerows._block(rows[2:])]
    assert tablerows.merge(blocks, {}) == b"a2,x\r\na3,z\r\na10,y\r\n"
    apart = [tablerows._block([("b1", "x")]), tablerows._block([("a1", "y"), ("a9", "z")])]
    assert tablerows.merge(apart, {}) == b"a1,y\r\na9,z\r\nb1,x\r\n"


def test_blocks_are_ordered_by_the_natural_keys_they_keep() -> None:
    """A block keeps its first and last cells' natural keys (the merge reads those, not the
    cells): a10's block after a9's, joined as they are; blocks that touch are sorted again."""
    nine, ten = tablerows._block([("a9", "x")]), tablerows._block([("a10", "y"), ("a11", "z")])
    assert nine[3:] == (natural_key("a9"), natural_key("a9"))
    assert ten[3:] == (natural_key("a10"), natural_key("a11"))
    assert tablerows.merge([ten, nine], {}) == b"a9,x\r\na10,y\r\na11,z\r\n"
    same = tablerows._block([("a10", "w")])
    assert tablerows.merge([ten, same], {}) == b"a10,w\r\na10,y\r\na11,z\r\n"
    assert tablerows._block([])[0] == b"" and tablerows.merge([tablerows._block([])], {}) == b""


def test_a_few_new_row_sets_are_written_apart_from_the_entry(
        synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = build(Layout(synthetic)).store
    shared, docs = _graphs(store)
    cache = DictCache()
    render_tables(store, store, plan=plan_tables(cache, docs, shared, "s"))
    names = [f"{tablecache.KIND}/{name}" for name in tablecache.entry_names()]
    entry = cache.rows[names[0]]
    monkeypatch.setattr(tablecache, "DELTA_SHARE", 1 / 4)  # 2 of 9 row sets
    graphs = sorted(docs)
    for n, graph in enumerate(graphs[:3]):
        _mention(store, graph, "org", 800 + n)
        docs = _graphs(store)[1]
        plan = plan_tables(cache, docs, shared, "s")
        assert plan.todo == [graph]
        assert render_tables(store, store, plan=plan) == render_tables(store, store)
        delta = cache.rows[names[1]]
        assert isinstance(delta, dict)
        if n < 2:  # the entry as it was, the new row sets beside it
            assert cache.rows[names[0]] is entry
            assert len(delta) == n + 1
        else:  # three of nine: a new entry
            assert cache.rows[names[0]] is not entry
            assert delta == {}
    again = plan_tables(cache, docs, shared, "s")
    assert again.todo == [] and render_tables_partly(_small(store, shared), again) == \
        render_tables(store, store)
