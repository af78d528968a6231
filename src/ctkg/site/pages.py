"""The page of one thing: entity, event, concept or statement, with every fact's evidence."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.rdf.namespaces import CTKG_NS, OWL_NS, RDF_NS, SKOS_NS
from ctkg.site.data import Fact, Graph, Thing
from ctkg.site.evidence import fact_table, mention_list, value
from ctkg.site.html import e, kind_title, link, page, show_literal
from ctkg.site.paths import listing_path, page_path, relative
from ctkg.site.svg import neighbourhood

#: registry triples shown elsewhere on the page (the heading, the type line)
_HIDDEN = {RDF_NS + "type", SKOS_NS + "prefLabel"}
#: an event's time and status as each source gives them
TIME_STATUS = [CTKG_NS + p for p in ("status", "startTime", "endTime", "timeGranularity",
                                     "timeQualifier")]


def curated_table(g: Graph, path: str, t: Thing) -> str:
    """What the registry, catalogue or concept scheme says (curated, not from one text)."""
    rows = []
    for p, o in t.curated:
        if p in _HIDDEN:
            continue
        shown = value(g, path, o)
        if p == OWL_NS + "sameAs" and isinstance(o, ox.NamedNode):
            shown = f'<a class="ext" href="{e(o.value)}">{e(o.value.rsplit("/", 1)[-1])}</a>'
        rows.append(f"<tr><th scope=\"row\">{e(g.label(p))}</th><td>{shown}</td></tr>")
    if not rows:
        return ""
    return ("<h2>Reference data</h2><p class=\"meta\">Curated in the project's registry, "
            "catalogue or concept schemes (not stated by one text).</p>"
            f"<table><tbody>{''.join(rows)}</tbody></table>")


def as_sources_saw_it(g: Graph, path: str, facts: list[Fact]) -> str:
    """An event's status and time per source document, as each one gave them."""
    per_doc: dict[str, dict[str, list[Fact]]] = {}
    for f in facts:
        if f.predicate in TIME_STATUS:
            per_doc.setdefault(f.doc, {}).setdefault(f.predicate, []).append(f)
    if not per_doc:
        return ""
    rows = []
    for doc in sorted(per_doc, key=lambda d: (_as_of(per_doc[d]), d)):
        cells = []
        for p in TIME_STATUS:
            fs = per_doc[doc].get(p, [])
            shown = sorted({_status(g, path, f) for f in fs})
            rules = sorted({f.rule for f in fs if f.inferred})
            cell = ", ".join(shown) + "".join(
                f' <span class="inferred">(inferred: <code>{e(r)}</code>)</span>' for r in rules)
            cells.append(f"<td>{cell}</td>")
        asof = _as_of(per_doc[doc])
        rows.append(f"<tr><td>{link(path, doc, g.label(doc))}</td><td>{asof}</td>"
                    + "".join(cells) + "</tr>")
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in
                   ("Source", "As of", "Status", "Start", "End", "Granularity", "Qualifier"))
    return ("<h2>When, and whether it had happened, as each source saw it</h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _as_of(by_pred: dict[str, list[Fact]]) -> str:
    for fs in by_pred.values():
        for f in fs:
            if f.as_of is not None:
                return show_literal(f.as_of)
    return ""


def _status(g: Graph, path: str, f: Fact) -> str:
    if f.predicate == CTKG_NS + "status" and isinstance(f.obj, ox.NamedNode):
        word = g.label(f.obj.value)
        return f'<span class="{e(word.casefold())}">{e(word)}</span>'
    return value(g, path, f.obj)


def statement_block(g: Graph, path: str, t: Thing) -> str:
    """The words of a statement, how it was reported, and where."""
    quote = next((o.value for p, o in t.curated if p == CTKG_NS + "quote"), "")
    kind = next((o.value for p, o in t.curated if p == CTKG_NS + "statementKind"), "")
    doc = next((o.value for p, o in t.curated if p == CTKG_NS + "statedIn"), "")
    out = f"<blockquote><p>{e(quote)}</p></blockquote>"
    if kind or doc:
        out += (f'<p class="meta">{e(g.label(kind)) if kind else ""}'
                f'{" in " + link(path, doc, g.label(doc)) if doc else ""}</p>')
    return out


def thing_page(g: Graph, t: Thing) -> tuple[str, str]:
    """The path and HTML of the page of one thing (not a document: see :mod:`.document`)."""
    path = page_path(t.iri) or ""
    label = g.label(t.iri)
    facts = g.by_node.get(t.iri, [])
    types = ", ".join(link(path, ty, g.label(ty)) for ty in t.types)
    body = [f'<p class="kind"><a href="{e(relative(path, listing_path(t.kind)))}">'
            f"{e(kind_title(t.kind))}</a> · {types}</p><h1>{e(label)}</h1>",
            f'<p class="meta">IRI: <code>{e(t.iri)}</code></p>']
    if t.kind == "statement":
        body.append(statement_block(g, path, t))
    picture = neighbourhood(g, path, t.iri, facts)
    if picture:
        body.append(f"<figure>{picture}<figcaption>{e(label)} and what the facts connect "
                    "it to (the most attested first).</figcaption></figure>")
    if t.kind != "statement":  # a statement's own words are shown above, from its text
        body.append(curated_table(g, path, t))
    body.append(as_sources_saw_it(g, path, facts))
    body.append(f"<h2>Facts <span class=\"count\">({len(facts)})</span></h2>"
                "<p class=\"meta\">Each fact with the words of each source that states it."
                "</p>" + fact_table(g, path, facts, t.iri))
    mentions = g.mentions_of.get(t.iri, [])
    body.append(f"<h2>Mentions in the texts <span class=\"count\">({len(mentions)})"
                f"</span></h2>" + mention_list(g, path, mentions))
    return path, page(path, label, "\n".join(b for b in body if b))

