"""``ctkg link --refresh``: atomic, deterministic, and a failure leaves the old cache.

A real Oxigraph server loaded with the Wikidata-shaped fixture stands in for the Wikidata
Query Service; the real client talks HTTP to it. Nothing reaches the internet.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.inputs.links import linked_qids, read_links
from ctkg.inputs.wikidata_cache import load_wikidata_cache
from ctkg.paths import Layout
from ctkg.store.server import OxigraphServer, free_port
from ctkg.wikidata.check import check_links
from ctkg.wikidata.refresh import serialize_cache
from tests.wikidata.project import FIXTURES, errors, make_project
from tests.wikidata.test_client import JSON_HEADERS, Script, listener, load_fixture

WD = "http://www.wikidata.org/entity/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


def wdt(p: str) -> ox.NamedNode:
    return ox.NamedNode(f"http://www.wikidata.org/prop/direct/{p}")


def wd(q: str) -> ox.NamedNode:
    return ox.NamedNode(WD + q)


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
    assert meta["qids"] == linked_qids(read_links(layout.links)[0])
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
    g = set(load_wikidata_cache(layout.wikidata_cache))
    person = wd("Q98765401")
    assert ox.Triple(person, RDFS_LABEL, ox.Literal("Alma Testperson", language="en")) in g
    assert ox.Triple(person, RDFS_LABEL, ox.Literal("Alma Testperson", language="fr")) \
        not in g  # en only
    assert ox.Triple(person, ALT_LABEL, ox.Literal("A. Testperson", language="en")) in g
    assert ox.Triple(person, wdt("P31"), wd("Q5")) in g
    assert ox.Triple(wd("Q98765402"), wdt("P856"), ox.NamedNode("https://example.org/ecto")) \
        in g
    [inception] = [t.object for t in g
                   if t.subject == wd("Q98765402") and t.predicate == wdt("P571")]
    assert isinstance(inception, ox.Literal) and inception.value == "2017-06-15T00:00:00Z"
    assert not any(t.subject == wd("Q98765408") for t in g)  # not linked, not fetched
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


def test_serialize_cache_is_order_independent() -> None:
    triples = [q.triple for q in ox.parse(path=str(FIXTURES / "wd-fixture.ttl"),
                                          format=ox.RdfFormat.TURTLE)]
    assert serialize_cache(triples) == serialize_cache(list(reversed(triples)))


