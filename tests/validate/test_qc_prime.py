"""QC's per-document results made a chunk of documents at a time (qc_scope.prime, as a cold
build makes them: ctkg.kg.chunked), then the rows on a small store from them: the rows of
every query on the whole store, with defects planted across chunks (an IRI typed only in
another chunk's document, a paraphrase of another chunk's statement, a QID and a cycle
split between chunks)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.synth import generate
from ctkg.validate.qc_corpus import Rows
from ctkg.validate.qc_scope import prime, qc_todo, run_scoped
from tests.paths import ROOT
from tests.validate.test_qc_corpus import (
    CTKG,
    ID,
    OWL,
    QUERIES,
    RDF,
    SKOS,
    Small,
    _docs,
    _expected,
    _ordered,
    _same,
    _statement,
)
from tests.validate.test_qc_scope import LOOKUPS, SHARED


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """A synthetic corpus's whole store, with defects planted in its document graphs."""
    root: Path = tmp_path_factory.mktemp("qc-prime") / "proj"
    generate(8, 7, root, ROOT)
    whole = ox.Store()
    whole.bulk_extend(build(Layout(root)).quads)
    docs = _docs(whole)
    ids = [g.rsplit("/", 1)[1] for g in docs]
    qid = ox.NamedNode("http://www.wikidata.org/entity/Q1")
    planted = {
        0: [(ID + "person/ghost", CTKG + "memberOf", ox.NamedNode(ID + "org/nowhere")),
            (ID + "person/elsewhere", CTKG + "memberOf", ox.NamedNode(ID + "org/nowhere")),
            (ID + "person/a", OWL + "sameAs", qid),
            (ID + "threat/x", SKOS + "broader", ox.NamedNode(ID + "threat/y"))],
        3: [(ID + "person/elsewhere", RDF + "type", ox.NamedNode(CTKG + "Person")),
            (ID + "person/b", OWL + "sameAs", qid),
            (ID + "threat/y", SKOS + "broader", ox.NamedNode(ID + "threat/x"))],
        5: _statement(ids[5], "E90", "person/a", "DirectQuote"),
        6: [*_statement(ids[6], "E91", "person/a", "Paraphrase"),
            *_statement(ids[6], "E92", "person/b", "Paraphrase"),
            (f"{ID}statement/{ids[6]}/E91", CTKG + "paraphraseOf",
             ox.NamedNode(f"{ID}statement/{ids[5]}/E90")),
            (f"{ID}statement/{ids[6]}/E92", CTKG + "paraphraseOf",
             ox.NamedNode(f"{ID}statement/{ids[1]}/E1000"))],
    }
    for i, quads in planted.items():
        for s, p, o in quads:
            whole.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(docs[i])))
    return _ordered(whole, [*SHARED, *docs])


@pytest.mark.parametrize("size", [1, 3, 8])
def test_rows_from_primed_chunks_equal_the_whole_stores(planted: ox.Store, size: int) -> None:
    docs = _docs(planted)
    documents = {g: f"key-{g}" for g in docs}
    table: Rows = {}
    for start in range(0, len(docs), size):
        chunk = docs[start:start + size]
        store = _ordered(planted, [*LOOKUPS, *chunk])  # no catalogue, as the build's chunks
        prime(store, QUERIES, {g: documents[g] for g in chunk}, SHARED, LOOKUPS, table)
    todo = qc_todo(None, QUERIES, documents, table)
    assert len(todo) < len(docs)  # the planted documents the corpus queries still read
    small = Small(planted, todo)
    found = run_scoped(small.store, QUERIES, documents, SHARED, None, LOOKUPS,
                       loaded=todo, more=small.load, table=table)
    expected = [(q.name, _same(_expected(planted, q))) for q in QUERIES]
    assert [(r.name, _same(r.rows)) for r in found] == expected
    rows = dict(expected)
    assert any(r.startswith(f"entity={ID}person/ghost")
               for r in rows["entity-without-type-violation"])
    assert rows["paraphrase-without-original-violation"]
    assert rows["duplicate-qid-violation"] and rows["broader-cycle-violation"]
