"""Facts with their evidence: the quote in context, the document, as of when, the rule.

Every fact of the graph is a reified assertion of one document; a triple stated by three
documents is shown once with three pieces of evidence, so a reader sees who said it when.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ctkg.rdf.namespaces import TIME_NS
from ctkg.site.data import Fact, Graph, Mention
from ctkg.site.html import e, granularity, link, show_literal
from ctkg.site.paths import depth, mention_anchor, page_path, relative


def value(g: Graph, from_page: str, term: ox.NamedNode | ox.Literal) -> str:
    """An object for people: a linked label, a time unit as a word, a dated literal."""
    if isinstance(term, ox.Literal):
        return show_literal(term)
    is_unit = term.value.startswith(TIME_NS) or term.value.endswith("#unitSeason")
    if is_unit and (word := granularity(term.value)):
        return e(word)
    return link(from_page, term.value, g.label(term.value))


def mention_link(from_page: str, m: Mention) -> str:
    """The link to the span on its document page (``doc.html#T12``)."""
    target = page_path(m.doc) or ""
    return f"{relative(from_page, target)}#{mention_anchor(m.ann)}"


def quote(g: Graph, from_page: str, m: Mention) -> str:
    """The exact text of a mention in its context, linked to the span on the document page."""
    words = g.cache.get(m.iri)
    if words is None:
        words = f"…{e(m.prefix)}<mark>{e(m.exact)}</mark>{e(m.suffix)}… "
        g.cache[m.iri] = words
    start = m.spans[0][0] if m.spans else 0
    end = m.spans[-1][1] if m.spans else 0
    return (f'<div class="quote">{words}<a href="{e(mention_link(from_page, m))}" '
            f'title="characters {start}-{end}">{e(m.ann)} in the text</a></div>')


def evidence(g: Graph, from_page: str, f: Fact) -> str:
    """One document's evidence for a fact: its quotes, the document, as of when, inference.

    The same on every page at the same depth (links go up to the root), so made once.
    """
    key = f"{depth(from_page)} {f.iri}"
    made = g.cache.get(key)
    if made is None:
        made = g.cache[key] = _evidence(g, from_page, f)
    return made


def _evidence(g: Graph, from_page: str, f: Fact) -> str:
    parts = [quote(g, from_page, g.mentions[m]) for m in f.mentions if m in g.mentions]
    when = f", as of {show_literal(f.as_of)}" if f.as_of is not None else ""
    meta = f'<p class="meta">Source: {link(from_page, f.doc, g.label(f.doc))}{when}'
    if f.inferred:
        docs = ", ".join(link(from_page, d, g.label(d)) for d in f.evidence)
        meta += (f' · <span class="inferred">inferred</span> by rule <code>{e(f.rule)}</code>'
                 + (f" from {docs}" if docs else ""))
    return "".join(parts) + meta + "</p>"


def group(facts: list[Fact]) -> list[tuple[tuple[str, str, str], list[Fact]]]:
    """Facts grouped by triple, in a stable order."""
    groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        groups[(f.subject, f.predicate, f.obj.value)].append(f)
    return sorted(groups.items())


def fact_table(g: Graph, from_page: str, facts: list[Fact], this: str) -> str:
    """A table of facts: subject, relation, object, and the evidence of each document."""
    if not facts:
        return "<p>No facts.</p>"
    rows = []
    keyed = [(g.label(k[1]).casefold(), g.label(k[2] if k[0] == this else k[0]).casefold(),
              k, fs) for k, fs in group(facts)]
    for _, _, (s, p, _o), fs in sorted(keyed, key=lambda r: (r[0], r[1], r[2])):
        subj = f"<strong>{e(g.label(s))}</strong>" if s == this else link(from_page, s,
                                                                             g.label(s))
        obj = value(g, from_page, fs[0].obj)
        if fs[0].obj.value == this:
            obj = f"<strong>{e(g.label(this))}</strong>"
        ev = "".join(f"<li>{evidence(g, from_page, f)}</li>" for f in fs)
        rows.append(f"<tr><td>{subj}</td><td>{link(from_page, p, g.label(p))}</td>"
                    f"<td>{obj}</td><td><ul>{ev}</ul></td></tr>")
    return ("<table><thead><tr><th scope=\"col\">Subject</th><th scope=\"col\">Relation</th>"
            "<th scope=\"col\">Object</th><th scope=\"col\">Evidence (quote, source, as of)"
            f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def mention_list(g: Graph, from_page: str, mentions: list[Mention]) -> str:
    """Every span of every document that names a thing, by document."""
    if not mentions:
        return "<p>Not mentioned in the texts.</p>"
    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_doc[m.doc].append(m)
    out = []
    for doc in sorted(by_doc):
        items = "".join(f"<li>{quote(g, from_page, m)}</li>" for m in by_doc[doc])
        out.append(f"<h3>{link(from_page, doc, g.label(doc))} "
                   f'<span class="count">({len(by_doc[doc])})</span></h3><ul>{items}</ul>')
    return "".join(out)
