"""The query runner: parameters as terms, injection attempts, output formats, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.sparql.lexer import has_order_by
from ctkg.sparql.params import ParamError, parse_term
from ctkg.sparql.query import execute, load_store, run_query
from ctkg.sparql.queryfile import bundled_queries, read_query
from ctkg.sparql.results import render
from ctkg.sparql.safety import inject_values, values_block
from ctkg.store.server import OxigraphServer
from tests.expected import Expected
from tests.loopback import Listener
from tests.paths import ROOT
from tests.sparql import mini_fixture

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
CTKGID = "https://w3id.org/ctkg/id/"
GUTERRES = CTKGID + "person/antonio-guterres"
INJECTION = '"x" } ; DROP ALL ; SELECT * { ?s ?p ?o'
XSD = "http://www.w3.org/2001/XMLSchema#"


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A project root whose build is the fixture and whose queries are the bundled ones."""
    (tmp_path / "data" / "kg").mkdir(parents=True)
    shutil.copy(FIXTURE, tmp_path / "data" / "kg" / "ctkg.trig")
    shutil.copytree(ROOT / "queries", tmp_path / "queries",
                    ignore=shutil.ignore_patterns("expected", "qc"))
    return tmp_path


def test_mini_fixture_is_current(expected: Expected) -> None:
    """``fixtures/mini.trig`` is what ``mini_fixture.py`` builds (--update-expected rewrites it)."""
    expected.check(FIXTURE, mini_fixture.build())


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- the parameter grammar ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "expected"), [
    (f"<{GUTERRES}>", "IRI", iri(GUTERRES)),
    ("ctkgid:person/antonio-guterres", "IRI", iri(GUTERRES)),
    ('"António"@en', "literal", lit("António", lang="en")),
    ('"a \\"quoted\\" \\\\ word\\n"', "literal", lit('a "quoted" \\ word\n')),
    ('"5"^^xsd:integer', "integer", lit("5", XSD + "integer")),
    ("2018", "integer", lit("2018", XSD + "integer")),
    ("-07", None, lit("-7", XSD + "integer")),
    ("2018-06-28", "date", lit("2018-06-28", XSD + "date")),
    ("2018-06", "date", lit("2018-06", XSD + "gYearMonth")),
    ("2018", "date", lit("2018", XSD + "gYear")),
    (INJECTION.replace('"x"', '"x\\"'), None, None),  # an unterminated string: error
])
def test_parse_term(text: str, kind: str | None,
                    expected: ox.NamedNode | ox.Literal | None) -> None:
    if expected is None:
        with pytest.raises(ParamError):
            parse_term(text, kind)
    else:
        assert parse_term(text, kind) == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("<http://x> } ; DROP ALL ; SELECT * { ?s ?p ?o >", "IRI"),
    ("<http://x>y>", "IRI"),
    ("<http://a b>", "IRI"),
    ("<relative/path>", "IRI"),
    ("nope:person/x", "IRI"),
    ("2018", "IRI"),
    (INJECTION, "literal"),
    ('"x"@', "literal"),
    ('"bad \\q escape"', "literal"),
    ("2018-02-30", "date"),
    ("2018-13", "date"),
    ('"x"', "integer"),
    ("twenty", None),
])
def test_parse_term_rejects(text: str, kind: str | None) -> None:
    with pytest.raises(ParamError):
        parse_term(text, kind)


def test_values_block_accepts_only_single_terms() -> None:
    assert values_block({"a": "<urn:x>"}) == " VALUES (?a) { (<urn:x>) } "
    for bad in ["<urn:x> } ; DROP ALL ; { ", '"x" } # ', "?other", '"x"^^<urn:y> <urn:z>']:
        with pytest.raises(ValueError):
            values_block({"a": bad})
    with pytest.raises(ValueError):
        values_block({"a) { } #": "<urn:x>"})


def test_values_go_to_the_where_pattern_past_comments_and_strings() -> None:
    query = ('# a { brace in a comment\nPREFIX p: <urn:{}>\n'
             'SELECT ?s ("{" AS ?b) WHERE { ?s ?p ?o }')
    injected = inject_values(query, {"s": "<urn:s>"})
    assert injected.endswith("WHERE { VALUES (?s) { (<urn:s>) }  ?s ?p ?o }")
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(construct, {"s": "<urn:s>"}).startswith(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES")


def test_order_by_detection_ignores_comments() -> None:
    assert has_order_by("SELECT * { ?s ?p ?o } ORDER BY ?s")
    assert not has_order_by("# ORDER BY\nSELECT * { ?s ?p ?o }")


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


# --- output formats ----------------------------------------------------------------------

def answer() -> ox.QuerySolutions:
    """Two solutions with an IRI, an escaped language string, an integer, an unbound
    variable and a blank node, as an endpoint would answer them."""
    doc = {"head": {"vars": ["s", "label", "n"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": GUTERRES},
         "label": {"type": "literal", "value": 'says "hi",\n\tthen', "xml:lang": "en"},
         "n": {"type": "literal", "value": "3", "datatype": XSD + "integer"}},
        {"s": {"type": "uri", "value": "https://w3id.org/ctkg/ontology#Person"},
         "n": {"type": "bnode", "value": "b0"}}]}}
    parsed = ox.parse_query_results(json.dumps(doc), ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def test_csv_is_sparql_csv() -> None:
    text = render(answer(), "csv")
    assert text.startswith("s,label,n\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [GUTERRES, 'says "hi",\n\tthen', "3"]
    assert rows[2] == ["https://w3id.org/ctkg/ontology#Person", "", "_:b0"]


def test_tsv_is_sparql_tsv() -> None:
    lines = render(answer(), "tsv").split("\n")
    assert lines[0] == "?s\t?label\t?n"
    # Turtle forms: the integer is written as a number
    assert lines[1].split("\t") == [f"<{GUTERRES}>", '"says \\"hi\\",\\n\\tthen"@en', "3"]
    assert lines[2].split("\t") == ["<https://w3id.org/ctkg/ontology#Person>", "", "_:b0"]


def test_json_is_sparql_json() -> None:
    doc = json.loads(render(answer(), "json"))
    assert doc["head"]["vars"] == ["s", "label", "n"]
    first, second = doc["results"]["bindings"]
    assert first["s"] == {"type": "uri", "value": GUTERRES}
    assert first["label"] == {"type": "literal", "value": 'says "hi",\n\tthen', "xml:lang": "en"}
    assert first["n"]["datatype"] == XSD + "integer"
    assert "label" not in second and second["n"] == {"type": "bnode", "value": "b0"}


def test_table_uses_prefixed_names() -> None:
    text = render(answer(), "table")
    assert "ctkgid:person/antonio-guterres" in text and "ctkg:Person" in text
    assert text.rstrip().endswith("(2 rows)")


def test_cli_formats(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ["table", "csv", "tsv", "json"]:
        code, out, err = cli(capsys, "organizations-by-kind", "--root", str(mini_root),
                             "--format", fmt, "--param", "kind=ctkg:MemberState")
        assert code == 0, err
        assert "iraq" in out


def test_cli_list(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(capsys, "--list", "--root", str(mini_root))
    assert code == 0
    names = [n for n, _p, _t in bundled_queries(mini_root)]
    assert len(names) >= 14
    for name in names:
        assert name in out
    assert "wikidata-federated" in out and "[network" in out


# --- one-line errors ---------------------------------------------------------------------

def _one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _out, err = cli(capsys, *args)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_error_syntax_with_position(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = mini_root / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    err = _one_line_error(capsys, str(bad), "--root", str(mini_root))
    assert re.search(r"bad\.rq:\d+: error: SPARQL syntax error at line \d+, column \d+", err)


def test_error_unknown_name_suggests(mini_root: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(capsys, "timelien", "--root", str(mini_root))
    assert "did you mean timeline" in err


def test_error_missing_and_ill_typed_params(mini_root: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(mini_root)]
    assert "needs --param entity" in _one_line_error(capsys, "entity-profile", *root)
    assert "not of type IRI" in _one_line_error(capsys, "entity-profile", *root,
                                                "--param", "entity=2018")
    assert "not of type date" in _one_line_error(capsys, "statements-by-speaker", *root,
                                                 "--param", "since=ctkgid:x")
    assert "has no parameter 'who'" in _one_line_error(capsys, "timeline", *root,
                                                       "--param", "who=ctkgid:x")
    assert "NAME=VALUE" in _one_line_error(capsys, "timeline", *root, "--param", "oops")


def test_error_build_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "queries", tmp_path / "queries",
                    ignore=shutil.ignore_patterns("expected", "qc"))
    err = _one_line_error(capsys, "timeline", "--root", str(tmp_path))
    assert "build missing: run python build.py" in err


def test_error_unreachable_endpoint(mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ctkg.store.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    err = _one_line_error(capsys, "timeline", "--root", str(mini_root), "--endpoint", url)
    assert "cannot reach endpoint" in err


@pytest.mark.parametrize(("status", "needle", "attempts"), [
    (500, "HTTP 500: boom (after 2 attempts)", 2), (503, "HTTP 503", 2), (400, "HTTP 400", 1),
    (403, "HTTP 403", 1), (404, "HTTP 404", 1)])
def test_error_endpoint_http_status(status: int, needle: str, attempts: int,
                                    listener: Listener, mini_root: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """One line naming the status; retried only when waiting can heal it."""
    listener.status, listener.body, listener.content_type = status, b"boom\nsecond", "text/plain"
    listener.extra_headers = {"Retry-After": "0"}
    err = _one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query", "--retries", "1")
    assert needle in err
    assert len(listener.requests) == attempts


def test_error_endpoint_timeout(listener: Listener, mini_root: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    listener.delay = 3.0
    err = _one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query", "--timeout", "0.5",
                          "--retries", "0")
    assert "did not answer within 0.5 s" in err
    assert len(listener.requests) == 1


def test_error_endpoint_not_sparql(listener: Listener, mini_root: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    listener.body, listener.content_type = b"<html>hello</html>", "text/html"
    err = _one_line_error(capsys, "timeline", "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query")
    assert "did not answer with SPARQL JSON results" in err


def test_load_store_without_build(tmp_path: Path) -> None:
    with pytest.raises(CTKGError, match="build missing"):
        load_store(tmp_path)


def test_run_query_needs_a_store_or_an_endpoint() -> None:
    with pytest.raises(ValueError, match="needs a store or an endpoint"):
        run_query("ASK {}")


# --- the endpoint gives what the embedded store gives --------------------------------------

def _load_into(server: OxigraphServer) -> None:
    req = urllib.request.Request(server.store_url, data=FIXTURE.read_bytes(), method="POST",
                                 headers={"Content-Type": "application/trig"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status in (200, 201, 204)


def _count(server: OxigraphServer) -> str:
    body = urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).encode()
    req = urllib.request.Request(server.query_url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["results"]["bindings"][0]["n"]["value"]


@pytest.mark.server
def test_endpoint_matches_embedded(oxigraph_server: OxigraphServer, store: ox.Store,
                                   mini_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load_into(oxigraph_server)
    # Oxigraph's per-request option: the default graph is the union, as in the embedded store
    endpoint = oxigraph_server.query_url + "?union-default-graph"
    checked = 0
    for name, path, _title in bundled_queries(ROOT):
        info = read_query(path, name)
        if info.network:
            continue
        params = {k: parse_term(v, info.params[k].kind) for k, v in info.examples.items()}
        local = run_query(info.text, store=store, params=params)
        remote = run_query(info.text, endpoint=endpoint, params=params)
        assert remote[0] == local[0], name
        if has_order_by(info.text):
            assert remote[1] == local[1], name
        else:
            assert sorted(map(repr, remote[1])) == sorted(map(repr, local[1])), name
        checked += 1
    assert checked >= 14
    # and through the command line, with a parameter bound by VALUES
    code, out, err = cli(capsys, "entity-mentions", "--root", str(mini_root), "--endpoint",
                         endpoint, "--param", "entity=ctkgid:person/antonio-guterres",
                         "--format", "csv")
    assert code == 0, err
    _code, out2, _ = cli(capsys, "entity-mentions", "--root", str(mini_root),
                         "--param", "entity=ctkgid:person/antonio-guterres", "--format", "csv")
    assert out == out2 and out.count("\r\n") == 4


@pytest.mark.server
def test_endpoint_injection_is_harmless(oxigraph_server: OxigraphServer) -> None:
    _load_into(oxigraph_server)
    before = _count(oxigraph_server)
    endpoint = oxigraph_server.query_url + "?union-default-graph"
    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    for value in [lit(INJECTION), lit("x' } DROP ALL # \\ \n"),
                  lit('"""'), lit("x", lang="en")]:
        _v, rows = run_query(query, endpoint=endpoint, params={"label": value})
        assert rows == []
    _v, rows = run_query(query, endpoint=endpoint,
                         params={"label": lit("António Guterres", lang="en")})
    assert rows == [[iri(GUTERRES), lit("António Guterres", lang="en")]]
    assert _count(oxigraph_server) == before
