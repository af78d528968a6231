"""The page of a source document: its text with every annotated span highlighted.

Each span is a ``<mark id="T12" data-start data-end>`` whose text is exactly the text
between those offsets (code points, end exclusive), so a test or a reader can check the
highlighting against the annotation. Spans nest; a span that crosses another is split at
the crossing (each piece says its own offsets and which mention it belongs to). The link
to the entity is an empty anchor drawn by CSS, so it adds no character to any mark.
"""

from __future__ import annotations

import itertools

from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Graph, Mention, Thing
from ctkg.site.evidence import fact_table
from ctkg.site.html import e, link, page
from ctkg.site.pages import curated_table
from ctkg.site.paths import listing_path, page_path, relative

Piece = tuple[int, int, Mention, bool]  # start, end, mention, first piece of the mention


def _pieces(mentions: list[Mention], length: int) -> list[Piece]:
    """Every fragment of every mention, split where it crosses an earlier one."""
    frags = sorted(((s, t, m) for m in mentions for s, t in m.spans if 0 <= s < t <= length),
                   key=lambda f: (f[0], -f[1], f[2].ann))
    out: list[Piece] = []
    seen: set[str] = set()
    stack: list[int] = []  # ends of the open pieces
    for start, end, m in frags:
        while stack and stack[-1] <= start:
            stack.pop()
        cuts = [start, *sorted({x for x in stack if start < x < end}), end]
        for a, b in itertools.pairwise(cuts):
            out.append((a, b, m, m.iri not in seen))
            seen.add(m.iri)
        stack.append(end)
        stack.sort(reverse=True)
    return sorted(out, key=lambda p: (p[0], -p[1], p[2].ann))


def highlight(g: Graph, path: str, text: str, mentions: list[Mention]) -> str:
    """The text as HTML with nested ``<mark>`` elements; everything escaped."""
    out: list[str] = []
    pos = 0
    open_ends: list[int] = []
    for start, end, m, first in _pieces(mentions, len(text)):
        while open_ends and open_ends[-1] <= start:
            out.append(e(text[pos:open_ends[-1]]) + "</mark>")
            pos = open_ends.pop()
        out.append(e(text[pos:start]))
        pos = start
        entities = [x for x in m.entities if page_path(x)]
        title = ", ".join(g.label(x) for x in m.entities) or m.ann
        ident = f' id="{e(m.ann)}"' if first else ""
        out.append(f"<mark{ident} data-mention=\"{e(m.ann)}\" data-start=\"{start}\" "
                   f'data-end="{end}" title="{e(m.ann)}: {e(title)}">')
        if first:
            out.extend(f'<a class="ent" href="{e(relative(path, page_path(x) or ""))}" '
                       f'aria-label="{e(g.label(x))}" title="{e(g.label(x))}"></a>'
                       for x in entities)
        open_ends.append(end)
    while open_ends:
        out.append(e(text[pos:open_ends[-1]]) + "</mark>")
        pos = open_ends.pop()
    out.append(e(text[pos:]))
    return "".join(out)


def document_page(g: Graph, t: Thing) -> tuple[str, str]:
    """The path and HTML of one document's page."""
    path = page_path(t.iri) or ""
    title = g.label(t.iri)
    text = g.texts.get(t.iri, "")
    mentions = g.mentions_in.get(t.iri, [])
    facts = g.by_doc.get(t.iri, [])
    statements = g.statements_in.get(t.iri, [])
    body = [f'<p class="kind"><a href="{e(relative(path, listing_path("document")))}">'
            f"Source document</a> · <code>{e(t.iri.rsplit('/', 1)[-1])}</code></p>"
            f"<h1>{e(title)}</h1>",
            curated_table(g, path, t),
            f"<h2>Text, with its {len(mentions)} annotated mentions highlighted</h2>"
            "<p class=\"meta\">Each highlighted span is an annotation; the small triangle "
            "after it leads to the page of what it names.</p>"
            f'<div class="doctext" lang="en">{highlight(g, path, text, mentions)}</div>']
    if statements:
        items = "".join(f"<li>{link(path, s, _statement_label(g, s))}</li>" for s in statements)
        body.append(f"<h2>Statements ({len(statements)})</h2><ul>{items}</ul>")
    body.append(f"<h2>Facts this document supports <span class=\"count\">({len(facts)})"
                "</span></h2>" + fact_table(g, path, facts, ""))
    return path, page(path, title, "\n".join(b for b in body if b))


def _statement_label(g: Graph, iri: str) -> str:
    t = g.things[iri]
    quote = next((o.value for p, o in t.curated if p == CTKG_NS + "quote"), "")
    return f"{g.label(iri)}: “{quote[:160]}{'…' if len(quote) > 160 else ''}”"
