"""The CSV tables and their data package, on the fixture build: RFC 4180, one schema per
file, rows that match the graph, spans that slice the source text, byte-stable."""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import tables as t
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.tablemeta import render_tables
from ctkg.rdf.namespaces import CTKG_NS, ID_NS, PROV_NS, RDF_NS, XSD_NS
from ctkg.rdf.terms import natural_key

OA = "http://www.w3.org/ns/oa#"
CTKG, ID, PROV, RDF, XSD = CTKG_NS, ID_NS, PROV_NS, RDF_NS, XSD_NS


def rows(result: BuildResult, name: str) -> list[dict[str, str]]:
    data = result.files[f"tables/{name}.csv"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(data, newline="")))


def package(result: BuildResult) -> dict:
    return json.loads(result.files["tables/datapackage.json"])


def test_every_table_is_rfc4180_with_its_schema(result: BuildResult) -> None:
    pkg = package(result)
    assert pkg["profile"] == "tabular-data-package" and pkg["licenses"][0]["name"] == "CC-BY-4.0"
    assert {r["name"] for r in pkg["resources"]} == {
        "documents", "entities", "events", "statements", "statement_topics", "assertions",
        "evidence"}
    for res in pkg["resources"]:
        data = result.files[f"tables/{res['path']}"]
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert res["bytes"] == len(data)
        text = data.decode("utf-8")
        assert text.endswith("\r\n") and "\r\n" in text.split("\n", 1)[0] + "\n"
        table = list(csv.reader(io.StringIO(text, newline="")))
        assert table[0] == [f["name"] for f in res["schema"]["fields"]], res["name"]
        assert all(len(r) == len(table[0]) for r in table), res["name"]
        assert all(f["description"] for f in res["schema"]["fields"])
        keys = [tuple(r[table[0].index(k)] for k in res["schema"]["primaryKey"])
                for r in table[1:]]
        assert len(keys) == len(set(keys)) > 0, f"{res['name']}: primary key not unique"


def test_evidence_spans_slice_the_source_text(result: BuildResult,
                                              fixture_project: Path) -> None:
    evidence = rows(result, "evidence")
    assert evidence
    for row in evidence:
        doc = row["document"].rsplit("/", 1)[1]
        text = (fixture_project / "data" / "corpus" / f"{doc}.txt").read_text(encoding="utf-8")
        assert text[int(row["start"]):int(row["end"])] == row["quote"], row


def test_assertions_match_the_graph(result: BuildResult) -> None:
    store = ox.Store()
    store.bulk_extend(result.quads)
    want = {(s["a"].value, s["s"].value, s["p"].value, s["o"].value) for s in store.query(
        "SELECT ?a ?s ?p ?o { ?a a <https://w3id.org/ctkg/ontology#Assertion> ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o }",
        use_default_graph_as_union=True)}
    got = {(r["assertion"], r["subject"], r["predicate"], r["object"])
           for r in rows(result, "assertions")}
    assert got == want and want
    supported = {(s["a"].value, s["m"].value) for s in store.query(
        "SELECT ?a ?m { ?a <https://w3id.org/ctkg/ontology#supportedBy> ?m }",
        use_default_graph_as_union=True)}
    assert {(r["assertion"], r["mention"]) for r in rows(result, "evidence")} == supported


def test_tables_are_deterministic(result: BuildResult) -> None:
    again = render_tables(reversed(result.quads))
    assert again == {k: v for k, v in result.files.items() if k.startswith("tables/")}


def test_frictionless_validates_the_package(result: BuildResult, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless not installed")
    for name, data in result.files.items():
        if name.startswith("tables/"):
            (tmp_path / name.split("/", 1)[1]).write_bytes(data)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # the foreign keys are checked: a statement of an unknown document is an error
    broken = (tmp_path / "statements.csv").read_text(encoding="utf-8").replace(
        "https://w3id.org/ctkg/id/document/", "https://w3id.org/ctkg/id/nodocument/", 1)
    (tmp_path / "statements.csv").write_text(broken, encoding="utf-8", newline="")
    pkg = json.loads((tmp_path / "datapackage.json").read_text())
    for res in pkg["resources"]:
        res.pop("hash"), res.pop("bytes")
    (tmp_path / "datapackage.json").write_text(json.dumps(pkg))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


# -- the rows read from SPARQL TSV against the same join read as pyoxigraph terms -----------

ASSERTIONS_SPARQL = """SELECT ?a ?doc ?s ?p ?o ?asof ?inferred ?rule WHERE {
  ?a a ctkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     prov:wasDerivedFrom ?doc
  OPTIONAL { ?a ctkg:asOf ?asof } OPTIONAL { ?a ctkg:inferred ?inferred }
  OPTIONAL { ?a ctkg:inferenceRule ?rule } }"""


def _term_cell(term: object) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def _assertion_rows_by_sparql(store: ox.Store, label: t.Labels) -> set[tuple[str, ...]]:
    def lab(term: object) -> str:
        return label(f"<{term.value}>") if isinstance(term, ox.NamedNode) else ""
    c = _term_cell
    found = store.query(t._PREFIX_LINES + ASSERTIONS_SPARQL, use_default_graph_as_union=True)
    return {(c(a), c(doc), c(s), lab(s), c(p), lab(p), c(o), lab(o),
             o.datatype.value if isinstance(o, ox.Literal) else "", c(asof),
             c(inferred) or "false", c(rule))
            for a, doc, s, p, o, asof, inferred, rule in (
                [sol[v] for v in found.variables] for sol in found)}


def _edge_cases(result: BuildResult) -> ox.Store:
    """The fixture build plus: an assertion with two objects and no optional values, one
    repeated in a second graph, one lacking its document (no row), a mention with two
    position selectors."""
    store = ox.Store()
    store.bulk_extend(result.quads)
    ctkg, rdf, oa = CTKG, RDF, OA
    g2 = ox.NamedNode("https://w3id.org/ctkg/graph/extra")
    x, y = ox.NamedNode(ID + "assertion/x/1"), ox.NamedNode(ID + "assertion/x/2")
    m = ox.NamedNode(ID + "mention/x/T1")
    doc = ox.NamedNode(ID + "document/x")
    extra = [(x, rdf + "type", ox.NamedNode(ctkg + "Assertion")),
             (x, rdf + "subject", ox.NamedNode(ID + "person/a")),
             (x, rdf + "predicate", ox.NamedNode(ctkg + "holds")),
             (x, rdf + "object", ox.NamedNode(ID + "post/b")),
             (x, rdf + "object", ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))),
             (x, PROV + "wasDerivedFrom", doc), (x, ctkg + "supportedBy", m),
             (y, rdf + "type", ox.NamedNode(ctkg + "Assertion")),
             (y, rdf + "subject", ox.NamedNode(ID + "person/a")),
             (m, oa + "hasSource", doc), (m, oa + "hasSelector", ox.NamedNode(ID + "s/1")),
             (m, oa + "hasSelector", ox.NamedNode(ID + "s/2")),
             (m, oa + "hasSelector", ox.NamedNode(ID + "s/q")),
             (ox.NamedNode(ID + "s/1"), oa + "start", ox.Literal("10")),
             (ox.NamedNode(ID + "s/1"), oa + "end", ox.Literal("13")),
             (ox.NamedNode(ID + "s/2"), oa + "start", ox.Literal("3")),
             (ox.NamedNode(ID + "s/2"), oa + "end", ox.Literal("5")),
             (ox.NamedNode(ID + "s/q"), oa + "exact", ox.Literal("ab xyz"))]
    for s, p, o in extra:
        store.add(ox.Quad(s, ox.NamedNode(p), o, g2))
    first = next(store.quads_for_pattern(None, ox.NamedNode(rdf + "subject"), None, None))
    store.add(ox.Quad(first.subject, first.predicate, first.object, g2))
    return store


def test_assertions_rows_are_the_sparql_join(result: BuildResult) -> None:
    store = _edge_cases(result)
    label = t.Labels(store)
    got = list(t.assertions(store, label))  # rows come as they are read
    want = _assertion_rows_by_sparql(store, label)
    assert {tuple(r) for r in got} == want
    mine = {r[6] for r in got if r[0].endswith("/x/1")}
    assert mine == {ID + "post/b", "12"}  # both objects, as the join gives them
    assert not any(r[0].endswith("/x/2") for r in got)


def test_evidence_splits_the_quote_over_sorted_fragments(result: BuildResult) -> None:
    rows_ = [r for r in t.evidence(_edge_cases(result)) if r[0].endswith("/x/1")]
    assert rows_ == [[ID + "assertion/x/1", ID + "mention/x/T1", ID + "document/x", "3", "5",
                      "ab"],
                     [ID + "assertion/x/1", ID + "mention/x/T1", ID + "document/x", "10",
                      "13", "xyz"]]


def test_rows_sort_as_by_every_cells_natural_key() -> None:
    rng = random.Random(7)
    cells = ["E2", "E10", "E02", "a", "", "T9", "T10", "x1y2", "x1y10", "10", "9"]
    rows_ = [[rng.choice(cells) for _ in range(4)] for _ in range(400)]
    want = sorted({tuple(r): r for r in rows_}.values(),
                  key=lambda r: [natural_key(c) for c in r])
    assert t._sorted(rows_) == [tuple(r) for r in want]  # distinct rows, as tuples


def test_tables_leave_the_garbage_collector_as_they_found_it(result: BuildResult) -> None:
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            render_tables(result.quads)
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()


def test_cells_read_from_tsv_are_the_terms_and_csv_is_what_csv_writes() -> None:
    """The TSV cells give each term's value (escapes, language tags, datatypes, bare numbers,
    an IRI with a comma), labels only for IRIs; and render_csv's direct join of the rows
    with nothing to quote writes the bytes csv.writer would."""
    store = ox.Store()
    g, p = ox.NamedNode(ID + "graph/x"), ox.NamedNode(CTKG + "p")
    objects = [ox.Literal('a,b"c\r\nd\te\\f\u2028'), ox.Literal("x", language="en"),
               ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
               ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
               ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
               ox.Literal("ab", datatype=ox.NamedNode("http://example.org/dt")),
               ox.Literal(CTKG + "Occurred"), ox.NamedNode(CTKG + "Occurred"),
               ox.NamedNode("http://example.org/a,b"), ox.BlankNode("b1"), ox.Literal("")]
    for i, o in enumerate(objects):
        store.add(ox.Quad(ox.NamedNode(f"{ID}s/{i}"), p, o, g))
    got = {t._cell(s): (t._cell(o), t.Labels(store)(o))
           for s, o in t._query(store, "SELECT ?s ?o WHERE { ?s ctkg:p ?o }")}
    assert got == {f"{ID}s/{i}": (_term_cell(o), "Occurred" if i == 7 else "")
                   for i, o in enumerate(objects)}
    rows_ = [[s, *cells] for s, cells in got.items()]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([["s", "o", "label"], *t._sorted(rows_)])
    assert t.render_csv(["s", "o", "label"], rows_) == buf.getvalue().encode("utf-8")
