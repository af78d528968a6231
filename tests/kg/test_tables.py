"""The CSV tables and their data package, on the fixture build: RFC 4180, one schema per
file, rows that match the graph, spans that slice the source text, byte-stable."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import BuildResult
from ctkg.kg.tablemeta import render_tables

OA = "http://www.w3.org/ns/oa#"


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
