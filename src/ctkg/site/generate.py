"""``ctkg site``: every page of the site rendered, then the folder swapped in at once.

Pages are rendered into memory and written by :func:`ctkg.atomic.replace_folder`, so a
failure at any point leaves the previous site as it was; the output depends only on the
build and the corpus texts (sorted everywhere, no clock), so the same build gives the same
bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ctkg.atomic import recover_folder, replace_folder
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Graph, ontology_terms, read_graph
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
from ctkg.site.parallel import Ahead
from ctkg.site.paths import INDEX, ONTOLOGY_PAGE, page_path
from ctkg.site.read import read_quads


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
            kind = next((o.value for p, o in t.curated if p == CTKG_NS + "statementKind"), "")
            # a rewrite's statement is not the speaker's words: its name must not say so
            what = ("Paraphrase of words of" if kind == CTKG_NS + "Paraphrase"
                    else "Statement by")
            g.labels[t.iri] = f"{what} {who} ({t.iri.rsplit('/', 1)[-1]})"


class Files(Mapping[str, bytes]):
    """The site's files by path, each made when it is read (one page in memory at a time).

    :func:`ctkg.atomic.replace_folder` reads each value once and writes it, so a site far
    larger than memory is written page by page; the release's files are read from disk the
    same way rather than held.
    """

    def __init__(self) -> None:
        self._make: dict[str, Callable[[], bytes]] = {}

    def add(self, name: str, make: Callable[[], bytes]) -> None:
        self._make[name] = make

    def __getitem__(self, name: str) -> bytes:
        return self._make[name]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._make)

    def __len__(self) -> int:
        return len(self._make)


def _html(render: Callable[[], tuple[str, str]]) -> Callable[[], bytes]:
    return lambda: render()[1].encode("utf-8")


def render_site(layout: Layout) -> Files:
    """Every file of the site by its site-relative path, rendered when read."""
    raw = read_quads(layout.kg / "ctkg.nq")
    g = read_graph(layout, raw)
    _label_statements(g)
    terms = ontology_terms(raw)
    del raw
    downloads = release_files(layout)
    jsonld = dataset_jsonld(layout)
    files = Files()
    files.add(INDEX, lambda: index_page(g, layout, downloads, jsonld).encode("utf-8"))
    files.add(TIMELINE, lambda: timeline_page(g).encode("utf-8"))
    files.add(NETWORK, lambda: network_page(g).encode("utf-8"))
    for path, make in listing_pages(g).items():
        files.add(path, make)
    for t in g.things.values():
        page = partial(document_page if t.kind == "document" else thing_page, g, t)
        files.add(page_path(t.iri) or "", _html(page))
    files.add(ONTOLOGY_PAGE, _html(partial(ontology_page, g, terms)))
    files.add(CSS, STYLE.encode)
    for d in downloads:
        files.add(f"{DOWNLOADS}/{d.name}", d.source.read_bytes)
    return files


def write_site(layout: Layout, out: Path | None = None, jobs: int = 1) -> SiteReport:
    """Render the site and replace ``out`` (default ``<root>/site/``) with it atomically.

    ``jobs`` processes render pages (:mod:`ctkg.site.parallel`); the bytes do not depend on
    it. A failure while rendering leaves the previous site as it was and no half-written
    folder beside it.
    """
    start = time.perf_counter()
    target = out or default_out(layout)
    files = render_site(layout)
    ahead = Ahead(files, jobs, local=lambda name: name.startswith(DOWNLOADS + "/"))
    try:
        replace_folder(target, ahead, owned={n.split("/", 1)[0] for n in files}, sync=False)
    except BaseException:
        recover_folder(target)
        raise
    finally:
        ahead.close()
    return SiteReport(target, sum(1 for n in files if n.endswith(".html")), len(files),
                      ahead.total, time.perf_counter() - start)
