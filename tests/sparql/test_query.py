"""``ctkg query`` on the embedded store: union default graph, parameters as terms,
ASK and CONSTRUCT, the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.sparql.listing_cache import results_folder
from ctkg.sparql.query import execute, load_store, run_query
from ctkg.sparql.queryfile import bundled_queries, read_query
from ctkg.sparql.results import render
from ctkg.store.server import free_port
from tests.expected import Expected
from tests.paths import ROOT
from tests.sparql import mini_fixture
from tests.sparql.helpers import (
    FIXTURE,
    GUTERRES,
    INJECTION,
    cli,
    iri,
    lit,
    one_line_error,
    persistent_root,
)


def test_mini_fixture_is_current(expected: Expected) -> None:
    """``fixtures/mini.trig`` is what ``mini_fixture.py`` builds (--update-expected rewrites it)."""
    expected.check(FIXTURE, mini_fixture.build())


# --- running -----------------------------------------------------------------------------

def test_embedded_union_default_graph_and_graph_patterns(store: ox.Store) -> None:
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    _v, rows = run_query(f"SELECT ?label WHERE {{ <{GUTERRES}> {label} ?label }}", store=store)
    assert rows == [[lit("António Guterres", lang="en")]]
    _v, rows = run_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
                         store=store)
    assert [r[0].value.rsplit("/", 1)[1] for r in rows] == [
        "000_4f7ada5e30202a80", "001_e7a55351cc1b0881", "catalogue", "ontology", "registry"]


def test_params_are_bound_as_terms(store: ox.Store) -> None:
    text = read_query(ROOT / "queries" / "entity-mentions.rq").text
    variables, rows = run_query(text, store=store,
                                params={"entity": "ctkgid:person/vladimir-voronkov"})
    assert variables[0] == "entity"
    assert {r[variables.index("exact")].value for r in rows} == {
        "Vladimir Voronkov", "Mr. Voronkov"}


def test_injection_through_a_literal_parameter_is_harmless(store: ox.Store) -> None:
    before = len(store)
    query = ("SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    _v, rows = run_query(query, store=store, params={"label": lit(INJECTION)})
    assert rows == []
    assert len(store) == before


def test_injection_through_the_cli_is_an_error(mini_root: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for value in [INJECTION, "<http://x> } ; DROP ALL ; SELECT * { ?s ?p ?o >",
                  "ctkgid:x>} DROP ALL"]:
        code, out, err = cli(capsys, "entity-mentions", "--root", str(mini_root),
                             "--param", f"entity={value}")
        assert code == 1 and out == ""
        assert len(err.strip().splitlines()) == 1


def test_ask_and_construct(store: ox.Store) -> None:
    assert run_query("ASK { ?s ?p ?o }", store=store) == ([], [[]])
    assert run_query("ASK { <urn:none> ?p ?o }", store=store) == ([], [])
    variables, rows = run_query(
        f"CONSTRUCT {{ <{GUTERRES}> <urn:p> ?o }} WHERE {{ <{GUTERRES}> "
        "<http://www.w3.org/2002/07/owl#sameAs> ?o }", store=store)
    assert variables == ["subject", "predicate", "object"]
    assert rows == [[iri(GUTERRES), iri("urn:p"),
                     iri("http://www.wikidata.org/entity/Q311440")]]
    yes = execute("ASK { ?s ?p ?o }", store=store)
    assert json.loads(render(yes, "json")) == {"head": {}, "boolean": True}
    assert render(execute("ASK { <urn:none> ?p ?o }", store=store), "table") == "false\n"


def test_cli_formats(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ["table", "csv", "tsv", "json"]:
        code, out, err = cli(capsys, "organizations-by-kind", "--root", str(mini_root),
                             "--format", fmt, "--param", "kind=ctkg:MemberState")
        assert code == 0, err
        assert "iraq" in out


def test_cli_no_cache_gives_the_same_rows_and_keeps_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = persistent_root(tmp_path)
    ask = ["statements-by-speaker", "--root", str(root), "--format", "csv",
           "--param", "limit=2", "--param", "offset=1"]
    code, direct, err = cli(capsys, *ask, "--no-cache")
    assert code == 0, err
    assert direct.count("\n") == 3 and not results_folder(root).exists()
    for _again in range(2):  # kept by the first ask, read by the second
        code, out, err = cli(capsys, *ask)
        assert code == 0 and out == direct, err
        assert len(list(results_folder(root).glob("*/*.listing"))) == 1
    code, out, err = cli(capsys, *ask, "--no-cache")
    assert code == 0 and out == direct, err


def test_cli_help_says_how_to_bypass_the_kept_listings(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--no-cache" in out and ".ctkg-cache/query-results" in out


def test_cli_list(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(capsys, "--list", "--root", str(mini_root))
    assert code == 0
    names = [n for n, _p, _t in bundled_queries(mini_root)]
    assert len(names) >= 14
    for name in names:
        assert name in out
    assert "wikidata-federated" in out and "[network" in out


# --- one-line errors ---------------------------------------------------------------------

def test_error_syntax_with_position(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = mini_root / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    err = one_line_error(capsys, str(bad), "--root", str(mini_root))
    assert re.search(r"bad\.rq:\d+: error: SPARQL syntax error at line \d+, column \d+", err)


def test_error_build_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "queries", tmp_path / "queries",
                    ignore=shutil.ignore_patterns("expected", "qc"))
    err = one_line_error(capsys, "timeline", "--root", str(tmp_path))
    assert "build missing: run python build.py" in err


def test_load_store_without_build(tmp_path: Path) -> None:
    with pytest.raises(CTKGError, match="build missing"):
        load_store(tmp_path)


def test_run_query_needs_a_store_or_an_endpoint() -> None:
    with pytest.raises(ValueError, match="needs a store or an endpoint"):
        run_query("ASK {}")




def test_an_error_during_evaluation_is_one_line(store: ox.Store) -> None:
    """Oxigraph evaluates lazily; a failure while rows are produced is still a CTKGError."""
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(CTKGError) as err:
        run_query(query, store=store, allow_network=True)
    assert "\n" not in str(err.value)
