"""The landing page, one listing page per kind, and the pages of the two big pictures."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pyoxigraph as ox

from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Graph
from ctkg.site.downloads import Download, citation, downloads_table
from ctkg.site.html import KIND_TITLES, e, link, page, show_literal
from ctkg.site.paths import INDEX, PAGE_KINDS, listing_path
from ctkg.site.svg import network
from ctkg.site.timeline import by_year, rows, timeline

TIMELINE, NETWORK = "timeline.html", "network.html"


def index_page(g: Graph, layout: Layout, files: list[Download], jsonld: str) -> str:
    """What CTKG is, what it holds, where to go, what to download, how to cite and query."""
    counts = "".join(
        f'<li><a href="{e(listing_path(k))}">{e(KIND_TITLES[k][1])}</a> '
        f'<span class="count">({len(g.of_kind(k))})</span></li>' for k in PAGE_KINDS)
    docs = "".join(f"<li>{link(INDEX, d.iri, g.label(d.iri))}{_date(g, d.iri)}</li>"
                   for d in g.of_kind("document"))
    cite = citation(layout)
    body = f"""<h1>CTKG: the counter-terrorism knowledge graph</h1>
<p>CTKG is an open knowledge graph of <strong>counter-terrorism policy discourse</strong>:
who convened which conference, who warned of which threat, who advocates which policy goal
against which threat, who holds which office. Its facts come from public texts (UN News
articles, interviews, speeches) annotated by hand, and <strong>every fact points back to the
span of text that supports it</strong>: each page below shows, for each fact, the exact
sentence, the document it comes from and as of when.</p>
<p>This release holds {len(g.facts)} facts stated by {len(g.of_kind("document"))} documents,
with {len(g.mentions)} annotated mentions.</p>
<h2>Browse</h2><ul class="cols">{counts}</ul>
<p>Pictures: the <a href="{TIMELINE}">timeline of events</a> (planned and occurred, as
each source saw them) and the <a href="{NETWORK}">network of actors, policy goals and
threats</a>. The <a href="ontology/index.html">ontology</a> documents every class and
property.</p>
<h2>Documents</h2><ul>{docs}</ul>
<h2 id="downloads">Downloads</h2>
<p>The release as RDF (TriG, N-Quads, Turtle, JSON-LD), its VoID/DCAT description and
build manifest, and whatever tables it has; check a file with <code>sha256sum</code>.</p>
{downloads_table(files)}
<h2 id="cite">How to cite</h2>
{cite or "<p>Cite the release by its title, version and the address you got it from.</p>"}
<h2 id="query">How to query</h2>
<p>When served by <code>ctkg serve</code>, the <a href="/query">query page</a> runs SPARQL
over the whole graph with CTKG's prefixes and the bundled queries preloaded, and every
<code>https://w3id.org/ctkg/id/…</code> address resolves locally (HTML for a browser, RDF
for an RDF client). Without a server, <code>ctkg query timeline</code> runs a bundled query
on the files above.</p>"""
    return page(INDEX, "Home", body, jsonld)


def _date(g: Graph, iri: str) -> str:
    t = g.things[iri]
    date = next((o for p, o in t.curated if p == CTKG_NS + "publicationDate"), None)
    return f" ({show_literal(date)})" if isinstance(date, ox.Literal) else ""


def listing_pages(g: Graph) -> dict[str, Callable[[], bytes]]:
    """One page per kind listing its things with how many facts and mentions each has."""
    return {listing_path(k): partial(_listing, g, k) for k in PAGE_KINDS}


def _listing(g: Graph, kind: str) -> bytes:
    path = listing_path(kind)
    items = []
    for t in g.of_kind(kind):
        n_facts = len(g.by_node.get(t.iri, []))
        n_mentions = len(g.mentions_of.get(t.iri, []))
        items.append(f"<li>{link(path, t.iri, g.label(t.iri))} <span class=\"count\">"
                     f"({n_facts} facts, {n_mentions} mentions)</span></li>")
    title = KIND_TITLES[kind][1]
    body = (f"<h1>{e(title)} <span class=\"count\">({len(items)})</span></h1>"
            f"<ul>{''.join(items) or '<li>None in this release.</li>'}</ul>")
    return page(path, title, body).encode("utf-8")


def timeline_page(g: Graph) -> str:
    """All events, one picture per year once there are many."""
    rs = rows(g)
    groups = by_year(rs) if len(rs) > 60 else {"": rs}
    parts = ["<h1>Timeline of events</h1>",
             "<p>One row per event. The grey bar is the event's reference date, as wide as "
             "its precision (a date known only to the month is a month wide). Below it, one "
             "line per source: a bar for the time that source gave, and a diamond at the "
             "date of the source, <span class=\"occurred\">filled green</span> if it reports "
             "the event as having happened, <span class=\"planned\">hollow orange</span> if "
             "as planned. Hover for the source; click a name for the event's page.</p>"]
    if len(groups) > 1:
        parts.append("<p>" + " · ".join(f'<a href="#y{e(y)}">{e(y)}</a>' for y in groups)
                     + "</p>")
    for year, members in groups.items():
        title = f"Timeline of {len(members)} events" + (f" dated {year}" if year else "")
        if year:
            parts.append(f'<h2 id="y{e(year)}">{e(year)}</h2>')
        parts.append(f"<figure>{timeline(g, TIMELINE, members, title)}"
                     f"<figcaption>{e(title)}</figcaption></figure>")
    return page(TIMELINE, "Timeline", "\n".join(parts))


def network_page(g: Graph) -> str:
    picture = network(g, NETWORK)
    body = ("<h1>Actors, policy goals and threats</h1><p>Left: actors who advocate a policy "
            "goal or warn of a threat (the most active 30); middle: the policy goals; "
            "right: the threats. A line is a fact of the graph (thicker: stated more often); "
            "click a name for its page and the evidence.</p>"
            + (f"<figure>{picture}<figcaption>Actor, policy goal and threat network"
               "</figcaption></figure>" if picture else "<p>No such facts.</p>"))
    return page(NETWORK, "Network", body)

