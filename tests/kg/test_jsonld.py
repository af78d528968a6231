"""JSON-LD: the published context, and the dataset compacted with it."""

from __future__ import annotations

import json

from ctkg.kg.pipeline import BuildResult


def test_context(result: BuildResult) -> None:
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    assert ctx["ctkg"] == "https://w3id.org/ctkg/ontology#" and ctx["warnsOf"] == "ctkg:warnsOf"
    assert ctx["ctkgid"] == "https://w3id.org/ctkg/id/"


def test_compaction(result: BuildResult) -> None:
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    doc = json.loads(result.files["ctkg.jsonld"])
    assert doc["@context"] == ctx
    ids = [g["@id"] for g in doc["@graph"]]
    assert ids == sorted(ids) and "ctkgg:900_fixture" in ids
    g900 = next(g for g in doc["@graph"] if g["@id"] == "ctkgg:900_fixture")
    statement = next(n for n in g900["@graph"] if n["@id"] == "ctkgid:statement/900_fixture/E2")
    assert statement["@type"] == ["Statement"]
    assert statement["speaker"] == [{"@id": "ctkgid:person/antonio-guterres"}]
    nodes = [n["@id"] for n in g900["@graph"]]
    t = "ctkgid:mention/900_fixture/T"
    assert nodes.index(f"{t}9") < nodes.index(f"{t}10")  # natural order
