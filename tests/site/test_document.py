"""Highlighting and escaping on a hand-made graph: crossing spans, markup in the data."""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox

from ctkg.site.data import Fact, Graph, Mention, Thing
from ctkg.site.document import highlight
from ctkg.site.pages import thing_page
from tests.site.test_generate import parse

ID = "https://w3id.org/ctkg/id/"
DOC = ID + "document/d1"
EVIL = ID + "person/evil"
TEXT = 'He said <script>alert("x")</script> & left "early".'


def _graph() -> Graph:
    m1 = Mention(ID + "mention/d1/T1", DOC, "T1", [(0, 16)], TEXT[0:16], "", TEXT[16:30],
                 [EVIL])
    m2 = Mention(ID + "mention/d1/T2", DOC, "T2", [(9, 40)], TEXT[9:40], TEXT[:9], "", [EVIL])
    m3 = Mention(ID + "mention/d1/T3", DOC, "T3", [(3, 7), (41, 45)], "said left", "", "", [])
    fact = Fact(ID + "assertion/d1/R1", EVIL, "https://w3id.org/ctkg/ontology#warnsOf",
                ox.NamedNode(ID + "threat/t"), DOC, None, True, "rule <b>", [], [m1.iri])
    things = {EVIL: Thing(EVIL, "person", [], [
        ("http://www.w3.org/2004/02/skos/core#altLabel", ox.Literal("<img src=x>"))])}
    return Graph(things, {EVIL: "<b>Evil</b> & co"}, [fact],
                 {m.iri: m for m in (m1, m2, m3)}, {DOC: TEXT}, by_node={EVIL: [fact]})


def test_crossing_and_discontinuous_spans_keep_their_offsets() -> None:
    g = _graph()
    html = highlight(g, "id/document/d1.html", TEXT, list(g.mentions.values()))
    page = _Wrap(html)
    pieces: dict[str, list[tuple[int, int]]] = {}
    for m in page.marks:
        start, end = int(m["data-start"]), int(m["data-end"])
        assert m["text"] == TEXT[start:end]
        pieces.setdefault(m["data-mention"], []).append((start, end))
    assert sorted(pieces["T1"]) == [(0, 16)]
    assert sorted(pieces["T2"]) == [(9, 16), (16, 40)]  # split where it crosses T1
    assert sorted(pieces["T3"]) == [(3, 7), (41, 45)]
    assert page.ids == {"T1", "T2", "T3"}
    assert "<script" not in html and "</script" not in html
    assert unescape(re.sub(r"<[^>]*>", "", html)) == TEXT  # the text, all of it, nothing more


def test_labels_quotes_and_rules_are_escaped() -> None:
    _, html = thing_page(_graph(), _graph().things[EVIL])
    assert "<b>" not in html and "<img" not in html and "<script>" not in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; co" in html
    assert "rule <code>rule &lt;b&gt;</code>" in html


class _Wrap:
    def __init__(self, fragment: str) -> None:
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "x.html"
            p.write_text(f"<html><body>{fragment}</body></html>", encoding="utf-8")
            page = parse(p)
        self.marks, self.ids = page.marks, page.ids
