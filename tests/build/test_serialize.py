"""The canonical writers: sorted, stable, parseable, the same quads in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from ctkg.build import serialize
from ctkg.build.pipeline import BuildResult, build
from ctkg.paths import Layout
from tests.paths import ROOT

FIXTURE = ROOT / "tests" / "build" / "fixtures"


def make_project(dest: Path) -> Layout:
    """A small project: the fixture's data with the repository's ontology, shapes, QC."""
    shutil.copytree(FIXTURE / "data", dest / "data")
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "queries", dest / "queries")
    for conf in (ROOT / "data" / "corpus").glob("*.conf"):
        shutil.copy(conf, dest / "data" / "corpus" / conf.name)
    return Layout(dest)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(make_project(tmp_path_factory.mktemp("proj")))


def test_every_format_has_the_same_quads(result: BuildResult) -> None:
    n = len(result.quads)
    want = {ox.Quad(*serialize.oxigraph_quads([q])[0]) for q in result.quads}
    for name, fmt in (("ctkg.trig", ox.RdfFormat.TRIG), ("ctkg.nq", ox.RdfFormat.N_QUADS),
                      ("ctkg.jsonld", ox.RdfFormat.JSON_LD)):
        got = set(ox.parse(result.files[name], format=fmt))
        assert got == want, name
        ds = Dataset()
        ds.parse(data=result.files[name], format={"ctkg.trig": "trig", "ctkg.nq": "nquads",
                                                  "ctkg.jsonld": "json-ld"}[name])
        assert len(list(ds.quads((None, None, None, None)))) == n, name
    triples = {q[1:] for q in result.quads}
    assert len(list(ox.parse(result.files["ctkg.ttl"], format=ox.RdfFormat.TURTLE))) \
        == len(triples)
    assert len(Graph().parse(data=result.files["ctkg.ttl"], format="turtle")) == len(triples)


def test_sorted_and_canonical(result: BuildResult) -> None:
    nq = result.files["ctkg.nq"]
    lines = nq.decode().splitlines(keepends=True)
    assert [x.encode() for x in lines] == sorted(x.encode() for x in lines)
    # our N-Quads lines are exactly pyoxigraph's canonical form
    reparsed = ox.parse(nq, format=ox.RdfFormat.N_QUADS)
    assert ox.serialize(reparsed, format=ox.RdfFormat.N_QUADS) == nq
    # TriG: prefix header sorted, graphs in order, readable with prefixes
    trig = result.files["ctkg.trig"].decode()
    header = [x for x in trig.splitlines() if x.startswith("@prefix")]
    assert header == sorted(header) and "@prefix ctkgg:" in trig
    graphs_in_order = [x.split(" ")[0] for x in trig.splitlines() if x.endswith("{")]
    assert graphs_in_order == sorted(graphs_in_order)
    assert "ctkgg:900_fixture {" in trig and "_:" not in trig
    assert result.quads == sorted(set(result.quads))


def test_rendering_is_stable(result: BuildResult, tmp_path: Path) -> None:
    oxq = serialize.oxigraph_quads(result.quads)
    assert serialize.render_trig(oxq) == result.files["ctkg.trig"]
    assert serialize.render_nq(list(reversed(result.quads))) == result.files["ctkg.nq"]


def test_jsonld_context_and_compaction(result: BuildResult) -> None:
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    assert ctx["ctkg"] == "https://w3id.org/ctkg/ontology#" and ctx["warnsOf"] == "ctkg:warnsOf"
    doc = json.loads(result.files["ctkg.jsonld"])
    assert doc["@context"] == ctx
    ids = [g["@id"] for g in doc["@graph"]]
    assert ids == sorted(ids) and "ctkgg:900_fixture" in ids
    g900 = next(g for g in doc["@graph"] if g["@id"] == "ctkgg:900_fixture")
    statement = next(n for n in g900["@graph"] if n["@id"] == "ctkgid:statement/900_fixture/E2")
    assert statement["@type"] == ["Statement"]
    assert statement["speaker"] == [{"@id": "ctkgid:person/antonio-guterres"}]


def test_void_counts_and_no_blank_nodes(result: BuildResult) -> None:
    void = Graph().parse(data=result.files["void.ttl"], format="turtle")
    from rdflib import BNode, URIRef
    from rdflib.namespace import VOID

    assert not any(isinstance(x, BNode) for t in void for x in t)
    ds = URIRef("https://w3id.org/ctkg/id/void/dataset")
    assert void.value(ds, VOID.triples).toPython() == len({q[1:] for q in result.quads})
    part = URIRef("https://w3id.org/ctkg/id/void/class/Mention")
    assert void.value(part, VOID.entities).toPython() == 21
    assert len(set(void.objects(ds, VOID.dataDump))) == 4
    assert URIRef("https://creativecommons.org/licenses/by/4.0/") in set(
        void.objects(ds, URIRef("http://purl.org/dc/terms/license")))


def test_manifest(result: BuildResult) -> None:
    manifest = json.loads(result.files["manifest.json"])
    assert set(manifest) == {"version", "inputs_sha256", "graphs", "files"}
    for name, digest in manifest["files"].items():
        assert serialize.sha256(result.files[name]) == digest
    assert sum(g["triples"] for g in manifest["graphs"].values()) == len(result.quads)
    assert b"/tmp" not in result.files["manifest.json"]
    assert not any(b"/tmp/" in data for data in result.files.values())


def test_write_atomically(tmp_path: Path) -> None:
    out = tmp_path / "kg"
    serialize.write_atomically(out, {"a.txt": b"1", "manifest.json": b"{}"}, last="manifest.json")
    serialize.write_atomically(out, {"a.txt": b"2", "manifest.json": b"{}"}, last="manifest.json")
    assert (out / "a.txt").read_bytes() == b"2"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "manifest.json"]
