"""The committed build ``data/kg`` is current, and its dumps hold the same quads.

A data test: it rebuilds the repository's project (in memory, writing nothing) and compares
with what is committed. The code itself is tested on fixtures in tests/kg.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import BuildResult, build
from ctkg.paths import Layout
from tests.paths import ROOT

KG = ROOT / "data" / "kg"
DATASETS = {"ctkg.trig": ox.RdfFormat.TRIG, "ctkg.nq": ox.RdfFormat.N_QUADS,
            "ctkg.jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def rebuilt() -> BuildResult:
    return build(Layout(ROOT))


def test_committed_build_is_current(rebuilt: BuildResult) -> None:
    committed = {p.relative_to(KG).as_posix() for p in KG.rglob("*") if p.is_file()}
    assert committed == set(rebuilt.files), "run `python build.py`"
    stale = [name for name, data in sorted(rebuilt.files.items())
             if (KG / name).read_bytes() != data]
    assert not stale, f"not current (run `python build.py`): {stale}"


def test_every_dump_has_the_same_quads() -> None:
    quads = {name: set(ox.parse(path=str(KG / name), format=fmt))
             for name, fmt in DATASETS.items()}
    want = quads["ctkg.nq"]
    assert all(q == want for q in quads.values())
    assert not any(isinstance(x, ox.BlankNode) for q in want
                   for x in (q.subject, q.object, q.graph_name))
    union = {ox.Quad(q.subject, q.predicate, q.object) for q in want}
    assert set(ox.parse(path=str(KG / "ctkg.ttl"), format=ox.RdfFormat.TURTLE)) == union


def test_turtle_has_no_escaped_prefixed_names() -> None:
    for name in ("ctkg.ttl", "ctkg.trig", "void.ttl"):
        assert b"\\/" not in (KG / name).read_bytes(), name


def test_same_bytes_from_any_working_directory(rebuilt: BuildResult, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 13, finding 7): run from outside the project root, the build report
    listed its warnings in another order and named files differently, so the manifest differed
    and ``ctkg build --root DIR --check`` called a current build stale."""
    monkeypatch.chdir(tmp_path)
    elsewhere = build(Layout(ROOT))
    differ = [name for name in sorted(rebuilt.files)
              if elsewhere.files.get(name) != rebuilt.files[name]]
    assert not differ


def test_shacl_engines_build_the_same(rebuilt: BuildResult) -> None:
    """The build with pySHACL (the reference) writes the same files, report included, as
    the default Rust engine."""
    assert build(Layout(ROOT), shacl_engine="pyshacl").files == rebuilt.files
    assert rebuilt.files["build-report.md"]


def test_next_week_is_a_week_never_a_day() -> None:
    """Regression (issue 16): "next week" gave the margin meetings and sessions day-level
    start and end dates. Every event time a "next week" expression supports, and the
    registry's summary of those events, is at week granularity, bounded by the ISO week's
    Monday and Sunday."""
    store = ox.Store()
    store.bulk_load(path=ROOT / "data" / "kg" / "ctkg.nq", format=ox.RdfFormat.N_QUADS)
    rows = list(store.query("""
        PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?event ?unit WHERE {
          ?a rdf:subject ?event ; rdf:predicate ctkg:timeGranularity ; rdf:object ?unit ;
             ctkg:supportedBy ?m .
          ?m oa:hasSelector ?q . ?q oa:exact ?text .
          FILTER(LCASE(STR(?text)) = "next week")
        }""", use_default_graph_as_union=True))
    events = {str(r["event"].value).rsplit("/", 1)[-1] for r in rows}
    assert events == {"hlc-2018-margin-meetings", "hlc-2018-member-state-sessions"}
    assert {r["unit"].value for r in rows} == {"http://www.w3.org/2006/time#unitWeek"}
    for event in events:
        summary = {(str(r["p"].value).rsplit("#", 1)[-1], r["o"].value) for r in store.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <https://w3id.org/ctkg/graph/registry> {{ "
            f"<https://w3id.org/ctkg/id/event/{event}> ?p ?o }} }}")}
        assert {("timeGranularity", "http://www.w3.org/2006/time#unitWeek"),
                ("startTime", "2018-06-25"), ("endTime", "2018-07-01")} <= summary
