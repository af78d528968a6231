"""``ctkg site``: every page of the site rendered, then the folder swapped in at once.

Pages are rendered into memory and written by :func:`ctkg.atomic.replace_folder`, so a
failure at any point leaves the previous site as it was; the output depends only on the
build and the corpus texts (sorted everywhere, no clock), so the same build gives the same
bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ctkg.atomic import replace_folder
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Graph, load_store, ontology_terms, read_graph
from ctkg.site.document import document_page
from ctkg.site.downloads import DOWNLOADS, dataset_jsonld, release_files
from ctkg.site.html import CSS, STYLE
from ctkg.site.index import (
    NETWORK,
    TIMELINE,
    index_page,
    listing_pages,
    network_page,
    timeline_page,
)
from ctkg.site.ontology import ontology_page
from ctkg.site.pages import thing_page
from ctkg.site.paths import INDEX


@dataclass(frozen=True)
class SiteReport:
    """What was written, for the command to print."""

    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float


def default_out(layout: Layout) -> Path:
    return layout.root / "site"


def _label_statements(g: Graph) -> None:
    """A statement has no label of its own: name it by its speaker and its brat id."""
    speakers: dict[str, str] = {}
    for f in g.facts:
        if f.predicate == CTKG_NS + "speaker" and f.subject not in speakers:
            speakers[f.subject] = g.label(f.obj.value)
    for t in g.things.values():
        if t.kind == "statement" and t.iri not in g.labels:
            who = speakers.get(t.iri, "unknown speaker")
            g.labels[t.iri] = f"Statement by {who} ({t.iri.rsplit('/', 1)[-1]})"


def render_site(layout: Layout) -> dict[str, bytes]:
    """Every file of the site by its site-relative path."""
    store = load_store(layout)
    g = read_graph(layout, store)
    _label_statements(g)
    files = release_files(layout)
    pages: dict[str, str] = {INDEX: index_page(g, layout, files, dataset_jsonld(layout)),
                             TIMELINE: timeline_page(g), NETWORK: network_page(g)}
    pages.update(listing_pages(g))
    for t in g.things.values():
        path, html = document_page(g, t) if t.kind == "document" else thing_page(g, t)
        pages[path] = html
    path, html = ontology_page(g, ontology_terms(store))
    pages[path] = html
    out = {p: h.encode("utf-8") for p, h in pages.items()}
    out[CSS] = STYLE.encode("utf-8")
    for d in files:
        out[f"{DOWNLOADS}/{d.name}"] = d.source.read_bytes()
    return out


def write_site(layout: Layout, out: Path | None = None) -> SiteReport:
    """Render the site and replace ``out`` (default ``<root>/site/``) with it atomically."""
    start = time.perf_counter()
    target = out or default_out(layout)
    files = render_site(layout)
    owned = {name.split("/", 1)[0] for name in files}
    replace_folder(target, files, owned=owned)
    return SiteReport(target, sum(1 for n in files if n.endswith(".html")), len(files),
                      sum(len(b) for b in files.values()), time.perf_counter() - start)
