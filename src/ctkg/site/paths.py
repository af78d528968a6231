"""Where each thing of the graph has its page, so that links and ``ctkg serve`` agree.

A page path mirrors the IRI under ``id/`` (``id/person/x`` -> ``id/person/x.html``): a reader
can guess a page from an IRI, and the server resolves ``/id/...`` without a lookup table.
Per-document things (mentions, assertions) have no page of their own: they are shown on the
pages of what they are about and anchored on the document page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ctkg.rdf.namespaces import CTKG_NS, ID_NS

#: kinds of ``id/<kind>/<slug>`` that have a page, in the order the index lists them
PAGE_KINDS: tuple[str, ...] = ("person", "org", "place", "post", "event", "threat", "goal",
                               "technology", "pillar", "instrument", "document", "statement")
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
INDEX = "index.html"
ONTOLOGY_PAGE = "ontology/index.html"


@lru_cache(maxsize=1 << 18)
def page_path(iri: str) -> str | None:
    """The site-relative path of the page of ``iri``, or ``None`` when it has none."""
    if iri == CTKG_NS.rstrip("#") or iri.startswith(CTKG_NS):
        return ONTOLOGY_PAGE
    if not iri.startswith(ID_NS):
        return None
    parts = iri[len(ID_NS):].split("/")
    kind = parts[0]
    if kind not in PAGE_KINDS or not all(_SEGMENT.match(p) for p in parts[1:]):
        return None
    want = 3 if kind == "statement" else 2  # statement/<doc>/<E-id>
    if len(parts) != want:
        return None
    return "id/" + "/".join(parts) + ".html"


def listing_path(kind: str) -> str:
    """The page listing every thing of one kind."""
    return f"id/{kind}/index.html"


def relative(from_page: str, to_page: str) -> str:
    """A link from one site page to another that works from ``file://`` and any server path.

    Always up to the site's root, then down (``../../id/document/d.html``), so a piece of a
    page (a fact's evidence) is the same on every page at the same depth and is rendered
    once; string work, as a large site makes millions of links.
    """
    return "../" * from_page.count("/") + to_page


def depth(page: str) -> int:
    """How many folders down a page is (what its links depend on)."""
    return page.count("/")


def mention_anchor(annotation_id: str) -> str:
    """The id of a highlighted span on a document page (the brat id: ``T12``)."""
    return annotation_id
