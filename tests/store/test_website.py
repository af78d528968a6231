"""The site side of ``ctkg serve`` without a server: content negotiation by ``Accept``
(q-values, wildcards, 406) and static files that never leave the site folder."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.store.website import HTML, Website, negotiate


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, HTML),
    ("", HTML),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/turtle;q=0.5, application/n-triples;q=0.9", "application/n-triples"),
    ("text/html;q=0.1, text/turtle", "text/turtle"),
    ("application/*", "application/xhtml+xml"),
    ("*/*", HTML),
    ("text/*;q=0.3, application/ld+json;q=0.2", HTML),
    ("text/turtle;q=0, */*;q=0.1", HTML),
    ("image/png", None),
    ("text/turtle;q=0", None),
])
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


def site(tmp_path: Path) -> Website:
    folder = tmp_path / "site"
    (folder / "id" / "person").mkdir(parents=True)
    (folder / "index.html").write_text("<p>index</p>")
    (folder / "id" / "person" / "x.html").write_text("<p>x</p>")
    (tmp_path / "secret.txt").write_text("outside")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/ctkg/id/person/x"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("X"), ox.NamedNode("https://w3id.org/ctkg/graph/registry")))
    return Website(folder, store, root=tmp_path, endpoint="http://127.0.0.1:1/query",
                   timeout=5)


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/id/../../secret.txt",
                                  "/..%2fsecret.txt", "/id/%2e%2e/%2e%2e/secret.txt",
                                  "/nothing.html"])
def test_no_file_outside_the_site(tmp_path: Path, path: str) -> None:
    answer = site(tmp_path).answer("GET", path, None, b"")
    assert answer.status == 404 and b"outside" not in answer.body


def test_a_network_path_is_the_index_not_a_file(tmp_path: Path) -> None:
    answer = site(tmp_path).answer("GET", "//secret.txt", None, b"")
    assert answer.body == b"<p>index</p>"


def test_static_files_and_html_by_negotiation(tmp_path: Path) -> None:
    web = site(tmp_path)
    index = web.answer("GET", "/", None, b"")
    assert (index.status, index.body) == (200, b"<p>index</p>")
    assert index.content_type == "text/html; charset=utf-8"
    page = web.answer("GET", "/id/person/x", "text/html", b"")
    assert (page.status, page.body, page.headers["Vary"]) == (200, b"<p>x</p>", "Accept")
    # an IRI with triples but no page of its own gets a plain page of its triples
    (tmp_path / "site" / "id" / "person" / "x.html").unlink()
    generic = web.answer("GET", "/id/person/x", "text/html", b"")
    assert generic.status == 200 and b"<td>X</td>" in generic.body
    missing = web.answer("GET", "/id/person/nobody", "text/html", b"")
    assert missing.status == 404 and missing.headers["Vary"] == "Accept"
    turtle = web.answer("GET", "/id/person/x", "text/turtle", b"")
    assert turtle.status == 200 and b'"X"' in turtle.body
    assert web.answer("GET", "/id/person/nobody", "text/turtle", b"").status == 404
    refused = web.answer("GET", "/id/person/x", "image/png", b"")
    assert refused.status == 406 and refused.headers["Vary"] == "Accept"
    assert web.answer("DELETE", "/index.html", None, b"").status == 405


def test_sparql_paths_are_left_to_the_relay(tmp_path: Path) -> None:
    web = site(tmp_path)
    assert not web.handles("POST", "/query") and not web.handles("POST", "/update")
    assert not web.handles("GET", "/store?default")
    assert web.handles("GET", "/id/person/x") and web.handles("GET", "/sparql")
    assert not web.handles("GET", "/query?query=ASK%7B%7D")
    # a person who opens /query in a browser is sent to the query page
    assert web.handles("GET", "/query")
    answer = web.answer("GET", "/query", "text/html", b"")
    assert (answer.status, answer.headers["Location"]) == (303, "/sparql")
