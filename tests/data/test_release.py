"""The committed release is citable and checkable: CITATION.cff agrees with pyproject and
the CHANGELOG, SHA256SUMS matches every file, VoID says when it was issued, and the tables
say what the graph says about Vladimir Voronkov, with spans that slice the texts."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tomllib

import pyoxigraph as ox
import pytest
import yaml

from tests.paths import ROOT

KG = ROOT / "data" / "kg"
VORONKOV = "https://w3id.org/ctkg/id/person/vladimir-voronkov"


def table(name: str) -> list[dict[str, str]]:
    with (KG / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def released(v: str) -> str | None:
    m = re.search(rf"^## \[{re.escape(v)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$",
                  (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else None


def test_citation_cff_matches_the_release() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "date-released"} <= set(cff)
    assert str(cff["version"]) == version()
    assert str(cff["date-released"]) == released(version()), "a CHANGELOG section per version"


def test_citation_cff_is_valid_cff() -> None:
    """Against the CFF 1.2.0 JSON schema (copied from cffconvert 2.0.0, whose own pins
    conflict with this environment's jsonschema); ``cffconvert --validate`` agrees."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed")
    schema = json.loads((ROOT / "tests" / "data" / "citation" / "cff-1.2.0.schema.json"
                         ).read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(cff)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate({**cff, "version": None})


def test_sha256sums_covers_and_matches_every_file() -> None:
    lines = (KG / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    files = {p.relative_to(KG).as_posix() for p in KG.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((KG / name).read_bytes()).hexdigest() == digest, name


def test_void_says_when_the_release_was_issued() -> None:
    void = ox.Store()
    void.bulk_load(path=str(KG / "void.ttl"), format=ox.RdfFormat.TURTLE)
    (row,) = void.query("SELECT ?d { ?ds <http://purl.org/dc/terms/issued> ?d }")
    assert row["d"].value == released(version())


def test_voronkovs_statements_slice_their_texts() -> None:
    mine = [r for r in table("statements") if r["speaker"] == VORONKOV]
    assert len(mine) >= 40 and {r["speaker_label"] for r in mine} == {"Vladimir Voronkov"}
    for r in mine:
        doc = r["document"].rsplit("/", 1)[1]
        text = (ROOT / "data" / "corpus" / f"{doc}.txt").read_text(encoding="utf-8")
        assert text[int(r["start"]):int(r["end"])] == r["quote"], r["statement"]
    # a known fact, from the UN News interview: he said the conference would give those
    # leading the fight "from a local" level a voice (checked against the text above)
    assert any(r["statement"].endswith("001_e7a55351cc1b0881/E11")
               and r["quote"].startswith("it would give those leading the fight from a local")
               for r in mine)


def test_voronkovs_facts_are_the_graphs() -> None:
    store = ox.Store()
    store.bulk_load(path=str(KG / "ctkg.trig"), format=ox.RdfFormat.TRIG)
    want = {(r["p"].value, r["o"].value) for r in store.query(
        f"SELECT ?p ?o {{ ?a <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{VORONKOV}>"
        " ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p ;"
        " <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o }",
        use_default_graph_as_union=True)}
    got = {(r["predicate"], r["object"]) for r in table("assertions")
           if r["subject"] == VORONKOV}
    assert got == want
    assert ("https://w3id.org/ctkg/ontology#holdsPost",
            "https://w3id.org/ctkg/id/post/usg-unoct") in got
    spans = [r for r in table("evidence") if r["document"].endswith("003_e0905da38116da84")]
    text = (ROOT / "data" / "corpus" / "003_e0905da38116da84.txt").read_text(encoding="utf-8")
    assert spans and all(text[int(r["start"]):int(r["end"])] == r["quote"] for r in spans)
