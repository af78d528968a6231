"""JSON-LD: the published context, and the dataset compacted with it."""

from __future__ import annotations

import json

from ctkg.kg.jsonld import jsonld_chunks, render_jsonld
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


def test_written_node_by_node_as_json_dumps_writes_it(result: BuildResult) -> None:
    """The pieces join to what one ``json.dumps`` of the whole document writes (the bytes
    of the form the dataset was first published in), for the build and for no quads."""
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    data = result.files["ctkg.jsonld"]
    doc = json.loads(data)
    assert data == (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
                    + "\n").encode()
    assert "".join(jsonld_chunks(result.quads, ctx)).encode() == data
    assert render_jsonld([], ctx) == (json.dumps({"@context": ctx, "@graph": []},
                                                 ensure_ascii=False, indent=1,
                                                 sort_keys=True) + "\n").encode()
