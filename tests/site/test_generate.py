"""The site of the project's own build: pages, evidence, highlighting, links, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ctkg.annotations.brat import read_document
from ctkg.errors import CTKGError
from ctkg.paths import Layout
from ctkg.site import generate
from ctkg.site.paths import PAGE_KINDS, listing_path
from tests.paths import ROOT

LAYOUT = Layout(ROOT)
VORONKOV = "id/person/vladimir-voronkov.html"
DOC_001 = "001_e7a55351cc1b0881"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    generate.write_site(LAYOUT, out)
    return out


class _Page(HTMLParser):
    """Links, ids, marks (with their text) and the text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.marks: list[dict[str, str]] = []
        self._open: list[int] = []  # indexes of the open marks
        self.text: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in ("a", "link") and "href" in a:
            self.links.append(a["href"])
        if tag in ("img", "script") and "src" in a:
            self.links.append(a["src"])
        if tag == "mark" and "data-start" in a:
            self.marks.append({**a, "text": ""})
            self._open.append(len(self.marks) - 1)
        elif tag == "mark":
            self._open.append(-1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for i in self._open:
            if i >= 0:
                self.marks[i]["text"] += data


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_kind_has_a_listing_and_pages(site: Path) -> None:
    for kind in PAGE_KINDS:
        assert (site / listing_path(kind)).is_file(), kind
    for kind in ("person", "org", "place", "post", "event", "threat", "goal", "technology",
                 "pillar", "document", "statement"):
        assert list((site / "id" / kind).rglob("*.html")) != [(site / listing_path(kind))], kind
    for name in ("index.html", "timeline.html", "network.html", "ontology/index.html",
                 "style.css"):
        assert (site / name).is_file(), name


def test_entity_page_shows_facts_with_quotes_and_document_anchors(site: Path) -> None:
    html = (site / VORONKOV).read_text(encoding="utf-8")
    page = parse(site / VORONKOV)
    assert page.lang == "en" and "<h1>Vladimir Voronkov</h1>" in html
    # a fact, its exact quote, its source and as-of date, and the anchored link
    facts = html[html.index("<h2>Facts"):]
    row = facts[facts.index('href="../../id/goal/capacity-building.html"'):]
    row = row[:row.index("</tr>")]
    assert "<mark>capacity-building projects</mark>" in row
    assert f'href="../../id/document/{DOC_001}.html#T46"' in row
    assert "as of <time datetime=\"2018-06\">June 2018</time>" in row
    assert "<svg" in html and "<title>Neighbourhood of Vladimir Voronkov" in html


def test_quotes_on_entity_pages_are_the_text_at_their_offsets(site: Path) -> None:
    doc = read_document(LAYOUT.corpus / f"{DOC_001}.txt")
    html = (site / VORONKOV).read_text(encoding="utf-8")
    found = re.findall(r'<mark>([^<]*)</mark>[^<]*… <a href="\.\./\.\./id/document/'
                       rf'{DOC_001}\.html#(T\d+)"', html)
    assert len(found) > 5
    for quote, ann in found:
        tb = doc.textbounds[ann]
        assert unescape(quote) == " ".join(doc.text[s:e] for s, e in tb.fragments)


def test_inferred_facts_name_their_rule(site: Path) -> None:
    html = (site / "id/event/hlc-2018.html").read_text(encoding="utf-8")
    assert '<span class="inferred">' in html
    assert "year-from-other-document" in html
    assert "<h2>When, and whether it had happened, as each source saw it</h2>" in html


def test_document_page_highlights_exactly_the_annotated_spans(site: Path) -> None:
    for txt in sorted(LAYOUT.corpus.glob("*.txt")):
        doc = read_document(txt)
        page = parse(site / "id" / "document" / f"{doc.doc_id}.html")
        covered: dict[str, list[tuple[int, int]]] = {}
        for m in page.marks:
            start, end = int(m["data-start"]), int(m["data-end"])
            assert m["text"] == doc.text[start:end], (doc.doc_id, m)
            covered.setdefault(m["data-mention"], []).append((start, end))
        want = {t.id: sorted(t.fragments) for t in doc.textbounds.values()}
        got = {k: _merge(v) for k, v in covered.items()}
        assert got == want, doc.doc_id
        assert set(want) <= page.ids


def _merge(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(pieces):
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def test_no_broken_relative_link(site: Path) -> None:
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("/"):
                continue  # another site, or the query page of ctkg serve
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {href}")
            elif parts.fragment and target.suffix == ".html" and \
                    parts.fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)}: {href} (no such anchor)")
    assert not broken, broken[:20]


def test_downloads_are_the_release_files_with_their_checksums(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    files = [p for p in LAYOUT.kg.rglob("*") if p.is_file()]
    assert files
    for p in files:
        name = p.relative_to(LAYOUT.kg).as_posix()
        copy = site / "downloads" / name
        assert copy.read_bytes() == p.read_bytes()
        assert hashlib.sha256(p.read_bytes()).hexdigest() in index
        assert f'href="downloads/{name}"' in index


def test_index_has_schema_org_dataset(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    head = index[:index.index("</head>")]
    block = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', head, re.S)
    assert block is not None
    card = json.loads(block[1])
    assert card["@type"] == "Dataset" and card["name"].startswith("CTKG")
    assert card["license"] == "https://creativecommons.org/licenses/by/4.0/"
    urls = {d["contentUrl"] for d in card["distribution"]}
    assert "https://w3id.org/ctkg/data/ctkg.trig" in urls


def test_same_build_same_bytes(site: Path) -> None:
    again = generate.render_site(LAYOUT)
    for name, data in again.items():
        assert (site / name).read_bytes() == data, name
    assert {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} == set(again)


def test_two_processes_write_the_same_bytes(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = generate.write_site(LAYOUT, out, jobs=2)
    mine = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert mine == {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert report.bytes == sum(len(b) for b in mine.values())


@pytest.mark.parametrize("jobs", [1, 2])
def test_failure_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     jobs: int) -> None:
    out = tmp_path / "site"
    generate.write_site(LAYOUT, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def boom(*_: object) -> str:
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(generate, "network_page", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate.write_site(LAYOUT, out, jobs=jobs)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_with_other_files_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CTKGError, match=r"notes\.txt"):
        generate.write_site(LAYOUT, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_paraphrase_is_not_named_as_the_speakers_statement(site: Path) -> None:
    """Regression: 002 rewrites 001; its statements' pages said "Statement by Vladimir
    Voronkov", presenting a third party's rewrite as his words."""
    page = (site / "id" / "statement" / "002_7cdbb82168648201" / "E8.html").read_text(
        encoding="utf-8")
    assert "Paraphrase of words of Vladimir Voronkov (E8)" in page
    assert "Statement by Vladimir Voronkov (E8)" not in page
    own = (site / "id" / "statement" / "001_e7a55351cc1b0881" / "E12.html").read_text(
        encoding="utf-8")
    assert "Statement by Vladimir Voronkov (E12)" in own
