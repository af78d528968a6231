"""``ctkg link``: refresh (atomic, deterministic), suggest (writes nothing), check, graph.

A real Oxigraph server loaded with tests/fixtures/wikidata/wd-fixture.ttl stands in for the
Wikidata Query Service; the real client talks HTTP to it. Nothing reaches the internet.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from ctkg.cli.main import main
from ctkg.errors import CTKGError, Problem
from ctkg.inputs.links import link_triples, linked_qids, load_links
from ctkg.inputs.wikidata_cache import load_cache
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG, WD, WDT, entity_iri, graph_iri
from ctkg.store.server import OxigraphServer, free_port
from ctkg.wikidata.check import check_links, normalize_label
from ctkg.wikidata.refresh import serialize_cache
from ctkg.wikidata.suggest import suggest
from ctkg.wikidata.type_rules import judge_types
from tests.paths import ROOT
from tests.wikidata.test_client import JSON_HEADERS, Script, listener, load_fixture

FIXTURES = Path(__file__).parent / "fixtures"
LINKS = "data/wikidata/links.toml"
CACHE = "data/wikidata/cache.ttl"


def make_project(root: Path, links: str | None = None) -> Layout:
    """A project tree with the fixture registry and links (or the given links text)."""
    (root / "data" / "wikidata").mkdir(parents=True)
    shutil.copy(FIXTURES / "registry.toml", root / "data" / "registry.toml")
    text = links if links is not None else (FIXTURES / "links.toml").read_text("utf-8")
    (root / LINKS).write_text(text, encoding="utf-8")
    return Layout(root)


def offline_cache(layout: Layout) -> None:
    """Use the Wikidata-shaped fixture itself as the offline cache (same vocabulary)."""
    shutil.copy(FIXTURES / "wd-fixture.ttl", layout.wikidata_cache)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def replace_entry(text: str, slug: str, new: str) -> str:
    """Replace the table ``[slug]`` (up to the next blank line) by ``new``."""
    start = text.index(f"[{slug}]\n")
    end = text.index("\n\n", start)
    return text[:start] + new.strip() + text[end:]


# --- links.toml -------------------------------------------------------------------------------

def test_load_links_and_linked_qids() -> None:
    links = load_links(FIXTURES / "links.toml")
    assert links["alma-testperson"]["qid"] == "Q98765401"
    assert links["concept"]["test-threat"]["match"] == "close"
    assert linked_qids(links) == ["Q98765401", "Q98765402", "Q98765403", "Q98765404",
                                  "Q98765405", "Q98765411"]
    assert load_links(FIXTURES / "missing.toml") == {}


@pytest.mark.parametrize("bad", ['"Q0123"', '"wd:Q42"', '"http://www.wikidata.org/entity/Q42"',
                                 '"q42"', "42", '"Q42 "'])
def test_malformed_qid_is_an_error_with_file_and_line(tmp_path: Path, bad: str) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = text.replace('qid = "Q98765402"', f"qid = {bad}")
    layout = make_project(tmp_path, text)
    line = text.splitlines().index(f"qid = {bad}") + 1
    with pytest.raises(CTKGError) as info:
        load_links(layout.links)
    [problem] = info.value.problems
    assert problem.file.endswith("links.toml") and problem.line == line
    assert "malformed QID" in problem.message
    found = [p for p in check_links(layout) if "malformed QID" in p.message]
    assert [(p.file, p.line, p.severity) for p in found] == [(LINKS, line, "error")]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    layout = make_project(tmp_path, '[a]\nqid = "Q1"\nevidence = "x"\n\n[b\nqid = "Q2"\n')
    with pytest.raises(CTKGError) as info:
        load_links(layout.links)
    assert info.value.problems[0].line == 5
    assert check_links(layout)[0].line == 5


def test_cli_check_reports_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8").replace('"Q98765403"', '"Q-3"')
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    assert main(["link", "--check", "--root", str(tmp_path)]) == 1
    line = text.splitlines().index('qid = "Q-3"') + 1
    assert f"{LINKS}:{line}: error: malformed QID 'Q-3'" in capsys.readouterr().err


# --- check ------------------------------------------------------------------------------------

def test_check_passes_on_the_good_fixture(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    assert check_links(layout) == []


def test_person_linked_to_a_city_is_a_type_error(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = replace_entry(text, "alma-testperson", """
[alma-testperson]
qid = "Q98765403"
evidence = "deliberately wrong: a person linked to the city item"
""")
    text = replace_entry(text, "fixtureville", """
[fixtureville]
unlinked = "test: the city item is taken by the wrong link above"
""")
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    problems = check_links(layout)
    line = text.splitlines().index("[alma-testperson]") + 1
    mismatch = [p for p in errors(problems) if "type mismatch" in p.message]
    assert len(mismatch) == 1
    assert mismatch[0].file == LINKS and mismatch[0].line == line
    assert "Q515 (city)" in mismatch[0].message
    # the label does not match either: that is a warning only
    assert any(p.severity == "warning" and "weak label match" in p.message for p in problems)


@pytest.mark.parametrize(("reg_type", "p31", "verdict"), [
    ("Person", {"Q5"}, "ok"),
    ("Person", {"Q515"}, "error"),
    ("Person", set(), "warning"),  # no P31 in the cache: nothing to judge by
    ("Person", {"Q11446"}, "error"),
    ("MemberState", {"Q3624078"}, "ok"),
    ("State", {"Q6256"}, "ok"),
    ("State", {"Q515"}, "error"),
    ("GovernmentAgency", {"Q5"}, "error"),
    ("Organization", {"Q515"}, "error"),
    ("Organization", {"Q6256"}, "error"),
    ("Organization", {"Q43229", "Q41176"}, "ok"),
    ("TerroristGroup", {"Q17149090"}, "ok"),
    ("Organization", {"Q999"}, "warning"),
    ("Place", {"Q5"}, "error"),
    ("Place", {"Q3624078"}, "ok"),
    ("Post", {"Q4164871"}, "ok"),
    ("Post", {"Q5"}, "error"),
    ("Threat", set(), "warning"),
    ("Attack", {"Q2223653"}, "ok"),
    ("NoSuchType", {"Q5"}, "warning"),
])
def test_type_table(reg_type: str, p31: set[str], verdict: str) -> None:
    assert judge_types(reg_type, p31)[0] == verdict
    assert judge_types("Threat", set(), has_p279=True)[0] == "ok"


def test_every_linked_qid_must_be_in_the_cache(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    problems = check_links(layout)  # no cache at all
    assert len(errors(problems)) == 6
    assert all("not in the offline cache: run ctkg link --refresh" in p.message
               for p in problems)
    offline_cache(layout)
    text = layout.links.read_text("utf-8").replace('"Q98765405"', '"Q98765499"')
    layout.links.write_text(text, "utf-8")
    [problem] = check_links(layout)
    assert problem.message == ("sg-testland: Q98765499 not in the offline cache: "
                               "run ctkg link --refresh")
    assert problem.line == text.splitlines().index("[sg-testland]") + 1


def test_shared_qid_and_missing_evidence_and_redirect(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = replace_entry(text, "room-6", """
[room-6]
qid = "Q98765403"
""")
    text = replace_entry(text, "alma-testperson", """
[alma-testperson]
qid = "Q98765409"
evidence = "the old ID, since merged"
""")
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    msgs = [p.message for p in errors(check_links(layout))]
    assert any("Q98765403 is linked from more than one registry entry: fixtureville, room-6"
               in m for m in msgs)
    assert any(m.startswith("room-6: a link needs evidence") for m in msgs)
    assert any("Q98765409 is a redirect to Q98765401" in m for m in msgs)


def test_unknown_slug_and_wrong_table_kind(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8") + """
[nobody]
unlinked = "no item"

[test-threat]
qid = "Q98765411"
evidence = "a concept in an entity table"

[concept.testland]
qid = "Q98765404"
match = "exact"
evidence = "an entity in a concept table"
"""
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    msgs = [p.message for p in errors(check_links(layout))]
    assert "nobody: no such slug in data/registry.toml" in msgs
    assert any(m.startswith("test-threat: test-threat is a concept") for m in msgs)
    assert any(m.startswith("concept.testland: testland is a MemberState") for m in msgs)


def test_weak_label_is_a_warning_not_an_error(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    registry = layout.registry.read_text("utf-8").replace(
        'label = "Example Counter-Terrorism Office"', 'label = "Office of Examples"').replace(
        'alt_labels = ["ECTO"]', 'alt_labels = ["OoE"]')
    layout.registry.write_text(registry, "utf-8")
    problems = check_links(layout)
    assert errors(problems) == []
    [warning] = problems
    assert warning.severity == "warning" and "weak label match" in warning.message
    # accents and case do not make a weak match
    assert normalize_label("António  GUTERRES") == normalize_label("Antonio Guterres")


def test_cache_that_does_not_parse_names_file_and_line(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    lines = layout.wikidata_cache.read_text("utf-8").splitlines()
    broken_at = next(i for i, x in enumerate(lines) if x.startswith("wd:Q98765402")) + 1
    lines[broken_at - 1] = 'wd:Q98765402 rdfs:label "unterminated ;'
    layout.wikidata_cache.write_text("\n".join(lines) + "\n", "utf-8")
    problems = check_links(layout)
    cache_problems = [p for p in problems if p.file == CACHE]
    assert len(cache_problems) == 1 and cache_problems[0].severity == "error"
    assert cache_problems[0].line == broken_at
    assert "does not parse" in cache_problems[0].message
    with pytest.raises(CTKGError) as info:
        load_cache(layout.wikidata_cache)
    assert info.value.problems[0].line == broken_at


# --- refresh ----------------------------------------------------------------------------------

@pytest.mark.server
def test_refresh_writes_a_sorted_deterministic_cache(tmp_path: Path,
                                                      oxigraph_server: OxigraphServer) -> None:
    load_fixture(oxigraph_server)
    layout = make_project(tmp_path / "p")
    args = ["link", "--refresh", "--root", str(layout.root),
            "--endpoint", oxigraph_server.query_url, "--timeout", "10"]
    assert main(args) == 0
    first = layout.wikidata_cache.read_bytes()
    meta = json.loads((layout.root / "data/wikidata/cache-meta.json").read_text("utf-8"))
    assert meta["endpoint"] == oxigraph_server.query_url
    assert meta["qids"] == linked_qids(load_links(layout.links))
    assert meta["missing"] == [] and meta["redirects"] == {}
    assert meta["cache_sha256"] == hashlib.sha256(first).hexdigest()
    assert meta["user_agent"].startswith("ctkg/")
    assert main(args) == 0
    assert layout.wikidata_cache.read_bytes() == first  # deterministic
    assert sorted(p.name for p in layout.wikidata_cache.parent.iterdir()) == [
        "cache-meta.json", "cache.ttl", "links.toml"]  # no temp files left

    text = first.decode("utf-8")
    assert "@prefix wd: <http://www.wikidata.org/entity/> ." in text
    assert "@prefix schema: <http://schema.org/> ." in text
    g = load_cache(layout.wikidata_cache)
    person = WD.Q98765401
    assert (person, RDFS.label, Literal("Alma Testperson", lang="en")) in g
    assert (person, RDFS.label, Literal("Alma Testperson", lang="fr")) not in g  # en only
    assert (person, SKOS.altLabel, Literal("A. Testperson", lang="en")) in g
    assert (person, WDT.P31, WD.Q5) in g
    assert (WD.Q98765402, WDT.P856, URIRef("https://example.org/ecto")) in g
    assert str(g.value(WD.Q98765402, WDT.P571)) == "2017-06-15T00:00:00Z"
    assert (WD.Q98765408, None, None) not in g  # not linked, not fetched
    # the cache is exactly what the check needs
    assert check_links(layout) == []
    # subjects come out in sorted order
    subjects = [line.split()[0] for line in text.splitlines()
                if line.startswith("wd:Q")]
    assert subjects == sorted(subjects)


@pytest.mark.server
def test_refresh_reports_missing_and_redirected_ids(tmp_path: Path,
                                                     oxigraph_server: OxigraphServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    load_fixture(oxigraph_server)
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = text.replace('"Q98765401"', '"Q98765409"').replace('"Q98765405"', '"Q98765498"')
    layout = make_project(tmp_path / "p", text)
    assert main(["link", "--refresh", "--root", str(layout.root),
                 "--endpoint", oxigraph_server.query_url]) == 0
    err = capsys.readouterr().err
    assert "Q98765498: Wikidata returned nothing" in err
    assert "Q98765409 redirects to Q98765401" in err
    msgs = [p.message for p in errors(check_links(layout))]
    assert any("Q98765409 is a redirect to Q98765401" in m for m in msgs)
    assert any("Q98765498 not in the offline cache" in m for m in msgs)


def _seed_old_cache(layout: Layout) -> tuple[bytes, bytes]:
    old_cache = b"# old cache\n<http://www.wikidata.org/entity/Q1> <http://x/p> \"old\" .\n"
    old_meta = b'{"old": true}\n'
    layout.wikidata_cache.write_bytes(old_cache)
    (layout.root / "data/wikidata/cache-meta.json").write_bytes(old_meta)
    return old_cache, old_meta


def _assert_unchanged(layout: Layout, old: tuple[bytes, bytes]) -> None:
    assert layout.wikidata_cache.read_bytes() == old[0]
    assert (layout.root / "data/wikidata/cache-meta.json").read_bytes() == old[1]
    assert sorted(p.name for p in layout.wikidata_cache.parent.iterdir()) == [
        "cache-meta.json", "cache.ttl", "links.toml"]


def test_refresh_failure_unreachable_leaves_old_cache(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    layout = make_project(tmp_path)
    old = _seed_old_cache(layout)
    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["link", "--refresh", "--root", str(tmp_path), "--endpoint", url,
                 "--timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unreachable" in err
    _assert_unchanged(layout, old)


@pytest.mark.parametrize("answer", [
    (500, {}, b"boom"),
    (200, JSON_HEADERS, b"{not json"),
    # well-formed JSON, but an item we did not ask for
    (200, JSON_HEADERS, json.dumps({"head": {"vars": ["item", "p", "o"]}, "results": {
        "bindings": [{"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
                      "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
                      "o": {"type": "literal", "value": "x", "xml:lang": "en"}}]}}).encode()),
])
def test_refresh_failure_answers_leave_old_cache(tmp_path: Path,
                                                 answer: tuple[int, dict[str, str], bytes],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    layout = make_project(tmp_path)
    old = _seed_old_cache(layout)
    with listener(Script([answer])) as url:
        assert main(["link", "--refresh", "--root", str(tmp_path), "--endpoint", url]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    _assert_unchanged(layout, old)


# --- suggest ----------------------------------------------------------------------------------

SUGGEST_LINKS = """
[testland]
qid = "Q98765404"
evidence = "test fixture"

[room-6]
unlinked = "no Wikidata item for this meeting room"

[sg-testland]
unlinked = "ambiguous: two candidate items, to be decided"
"""


@pytest.mark.server
def test_suggest_ranks_candidates_and_writes_nothing(tmp_path: Path,
                                                     oxigraph_server: OxigraphServer,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    load_fixture(oxigraph_server)
    layout = make_project(tmp_path / "p", SUGGEST_LINKS)
    before = tree(layout.root)
    assert main(["link", "--suggest", "--root", str(layout.root),
                 "--endpoint", oxigraph_server.query_url, "--limit", "5"]) == 0
    assert tree(layout.root) == before
    out = capsys.readouterr().out
    blocks = {b.split()[0]: b.strip() for b in out.split("\n\n") if b.strip()}
    assert "testland" not in blocks  # linked
    assert "room-6" not in blocks  # "no … item"
    assert "sg-testland" in blocks  # unlinked for another reason: still suggested
    person = [line.split() for line in blocks["alma-testperson"].splitlines()[2:]]
    # exact label and human first (more sitelinks first), the ship's alias last
    assert [row[1] for row in person] == ["Q98765401", "Q98765408", "Q98765407"]
    assert person[0][2:4] == ["label", "ok"] and person[2][2:4] == ["alias", "NO"]
    city = [line.split() for line in blocks["fixtureville"].splitlines()[2:]]
    assert [row[1] for row in city] == ["Q98765403", "Q98765406"]
    assert "test-threat" in blocks and "Q98765411" in blocks["test-threat"]
    assert "Nothing was written" in out


@pytest.mark.server
def test_suggest_limit_and_api(tmp_path: Path, oxigraph_server: OxigraphServer) -> None:
    load_fixture(oxigraph_server)
    layout = make_project(tmp_path / "p", SUGGEST_LINKS)
    out = io.StringIO()
    n = suggest(layout, oxigraph_server.query_url, timeout=10, limit=1, out=out)
    assert n == 5  # alma-testperson, ecto, fixtureville, sg-testland, test-threat
    block = next(b.strip() for b in out.getvalue().split("\n\n")
                 if b.strip().startswith("alma-testperson"))
    assert len(block.strip().splitlines()) == 3  # header, column names, one candidate


# --- graph for the build ----------------------------------------------------------------------

def test_link_triples() -> None:
    links = load_links(FIXTURES / "links.toml")
    kinds = {"alma-testperson": "person", "ecto": "org", "fixtureville": "place",
             "sg-testland": "post", "testland": "org", "test-threat": "threat"}
    triples = link_triples(links, lambda slug: entity_iri(kinds[slug], slug))
    person = entity_iri("person", "alma-testperson")
    assert (person, OWL.sameAs, WD.Q98765401) in triples
    assert (person, CTKG.wikidataEvidence, Literal(
        "test fixture: wd-fixture.ttl, item Q98765401 labelled 'Alma Testperson'")) in triples
    assert (entity_iri("org", "testland"), OWL.sameAs, WD.Q98765404) in triples
    threat = entity_iri("threat", "test-threat")
    assert (threat, SKOS.closeMatch, WD.Q98765411) in triples
    assert (threat, OWL.sameAs, WD.Q98765411) not in triples
    assert not any(s == entity_iri("place", "room-6") for s, _, _ in triples)
    assert len(triples) == 12
    assert triples == sorted(triples, key=lambda t: tuple(x.n3() for x in t))


def test_serialize_cache_is_order_independent() -> None:
    import pyoxigraph as ox

    triples = [q.triple for q in ox.parse(path=str(FIXTURES / "wd-fixture.ttl"),
                                          format=ox.RdfFormat.TURTLE)]
    assert serialize_cache(triples) == serialize_cache(list(reversed(triples)))


# --- the federated enrich queries, with WDQS replaced by the loopback fixture server -------

@pytest.mark.server
def test_enrich_queries_against_the_fixture(oxigraph_server: OxigraphServer) -> None:
    import pyoxigraph as ox

    load_fixture(oxigraph_server)
    registry = graph_iri("registry")
    store = ox.Store()
    for slug, kind, cls, label, qid in [
        ("alma-testperson", "person", "Person", "Alma Testperson", "Q98765401"),
        ("ecto", "org", "GovernmentAgency", "Example Counter-Terrorism Office", "Q98765402"),
        ("testland", "org", "MemberState", "Testland", "Q98765404"),
    ]:
        s = ox.NamedNode(str(entity_iri(kind, slug)))
        g = ox.NamedNode(str(registry))
        store.add(ox.Quad(s, ox.NamedNode(str(RDFS.label)), ox.Literal(label), g))
        store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode(str(CTKG[cls])), g))
        store.add(ox.Quad(s, ox.NamedNode(str(OWL.sameAs)), ox.NamedNode(str(WD[qid])), g))
    queries = ROOT / "queries"

    def run(name: str) -> list[dict[str, str]]:
        text = (queries / name).read_text("utf-8")
        assert "# network: required" in text and "# params: none" in text
        text = text.replace("https://query.wikidata.org/sparql", oxigraph_server.query_url)
        assert "query.wikidata.org" not in text
        result = store.query(text)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]

    [person] = run("wikidata-enrich-people.rq")
    assert person["wd"] == str(WD.Q98765401)
    assert person["position"] == str(WD.Q98765405)
    assert person["positionLabel"] == "Secretary-General of Testland"
    assert person["start"] == "2019-01-01T00:00:00Z" and "end" not in person

    rows = run("wikidata-enrich-organizations.rq")
    assert [r["wd"] for r in rows] == [str(WD.Q98765402)]  # the State is not listed
    [org] = rows
    assert org["headquartersLabel"] == "Fixtureville"
    assert org["inception"] == "2017-06-15T00:00:00Z"
    assert org["website"] == "https://example.org/ecto"
