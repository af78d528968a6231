"""The built graph as plain records for the pages, indexed by what each page is about.

Read set-at-a-time in one pass over the release (:mod:`ctkg.site.read`), never one look-up
per page, so the site for 10,000 documents costs one parse. The site reads the committed
build (``data/kg/ctkg.nq``) and the corpus texts; it never rebuilds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ctkg.annotations.brat import read_text
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS, ID_NS
from ctkg.site.paths import PAGE_KINDS, page_path
from ctkg.site.read import Raw, Term, read_quads


@dataclass
class Mention:
    """One annotated span (or discontinuous spans) of a document."""

    iri: str
    doc: str
    ann: str
    spans: list[tuple[int, int]]
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    entities: list[str] = field(default_factory=list)


@dataclass
class Fact:
    """One reified assertion: a triple as one document states it, with its evidence."""

    iri: str
    subject: str
    predicate: str
    obj: Term
    doc: str
    as_of: ox.Literal | None
    inferred: bool = False
    rule: str = ""
    evidence: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


@dataclass
class Thing:
    """Anything with a page: entity, event, concept, statement or document."""

    iri: str
    kind: str
    types: list[str] = field(default_factory=list)
    curated: list[tuple[str, Term]] = field(default_factory=list)


@dataclass
class Graph:
    """What the pages are made of; every list sorted, so the output is deterministic."""

    things: dict[str, Thing]
    labels: dict[str, str]
    facts: list[Fact]
    mentions: dict[str, Mention]
    texts: dict[str, str]
    by_node: dict[str, list[Fact]] = field(default_factory=dict)
    by_doc: dict[str, list[Fact]] = field(default_factory=dict)
    mentions_of: dict[str, list[Mention]] = field(default_factory=dict)
    mentions_in: dict[str, list[Mention]] = field(default_factory=dict)
    statements_in: dict[str, list[str]] = field(default_factory=dict)
    #: rendered pieces shown on many pages (a mention's quote), made once
    cache: dict[str, str] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        """The preferred label, else the last part of the IRI (never an empty link text)."""
        return self.labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def of_kind(self, kind: str) -> list[Thing]:
        return sorted((t for t in self.things.values() if t.kind == kind),
                      key=lambda t: (self.label(t.iri).casefold(), t.iri))


def kind_of(iri: str) -> str | None:
    """``https://w3id.org/ctkg/id/person/x`` -> ``person``."""
    return iri[len(ID_NS):].split("/", 1)[0] if iri.startswith(ID_NS) else None


def doc_id(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _things(raw: Raw) -> dict[str, Thing]:
    things: dict[str, Thing] = {}
    for s, types in raw.types.items():
        kind = kind_of(s)
        if kind in PAGE_KINDS and page_path(s):
            things[s] = Thing(s, kind or "", sorted(types))
    for s, pos in raw.curated.items():
        if s in things:
            things[s].curated = sorted(pos, key=lambda po: (po[0], str(po[1])))
    return things


def _facts(raw: Raw) -> list[Fact]:
    facts = []
    for a, fields in raw.assertions.items():
        s, p, o, doc = fields.get("s"), fields.get("p"), fields.get("o"), fields.get("doc")
        if not (isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None
                and isinstance(doc, ox.NamedNode)):
            continue
        as_of, inf, rule = fields.get("asOf"), fields.get("inf"), fields.get("rule")
        facts.append(Fact(a, s.value, p.value, o, doc.value,
                          as_of if isinstance(as_of, ox.Literal) else None,
                          inf is not None and inf.value == "true",
                          rule.value if rule is not None else "",
                          sorted(raw.evidence.get(a, ())),
                          sorted(raw.supported_by.get(a, ()), key=_natural)))
    return sorted(facts, key=lambda f: (f.doc, _natural(f.iri)))


def _natural(iri: str) -> tuple[str, int, str]:
    """``.../T9`` before ``.../T12``: brat ids sorted by number."""
    head, _, last = iri.rpartition("/")
    digits = "".join(c for c in last[1:] if c.isdigit())
    return head, int(digits) if digits and last[1:].isdigit() else -1, last


def _mentions(raw: Raw) -> dict[str, Mention]:
    out: dict[str, Mention] = {}
    for m, doc in raw.source.items():
        if m not in raw.annotation:
            continue
        mention = Mention(m, doc, raw.annotation[m], [])
        for sel in sorted(raw.selectors.get(m, ())):
            if sel in raw.start and sel in raw.end:
                mention.spans.append((raw.start[sel], raw.end[sel]))
            if sel in raw.exact:
                mention.exact = raw.exact[sel]
                mention.prefix = raw.prefix.get(sel, "")
                mention.suffix = raw.suffix.get(sel, "")
        mention.spans.sort()
        out[m] = mention
    for e, m in sorted(raw.denoted_by):
        if m in out:
            out[m].entities.append(e)
    return dict(sorted(out.items(), key=lambda kv: _natural(kv[0])))


def _texts(layout: Layout, things: dict[str, Thing]) -> dict[str, str]:
    """The text of every source document of the build, from the corpus."""
    texts: dict[str, str] = {}
    for t in things.values():
        if t.kind == "document":
            path = layout.corpus / f"{doc_id(t.iri)}.txt"
            texts[t.iri] = read_text(path) if path.is_file() else ""
    return texts


def read_graph(layout: Layout, raw: Raw | None = None) -> Graph:
    """Everything the pages show, indexed by the things they are about."""
    raw = raw or read_quads(layout.kg / "ctkg.nq")
    things = _things(raw)
    labels = {s: v[1] for s, v in raw.labels.items()}
    g = Graph(things, labels, _facts(raw), _mentions(raw), _texts(layout, things))
    by_node: dict[str, list[Fact]] = defaultdict(list)
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for f in g.facts:
        by_node[f.subject].append(f)
        if isinstance(f.obj, ox.NamedNode) and f.obj.value != f.subject:
            by_node[f.obj.value].append(f)
        by_doc[f.doc].append(f)
    mentions_of: dict[str, list[Mention]] = defaultdict(list)
    mentions_in: dict[str, list[Mention]] = defaultdict(list)
    for m in g.mentions.values():
        mentions_in[m.doc].append(m)
        for e in m.entities:
            mentions_of[e].append(m)
    statements_in: dict[str, list[str]] = defaultdict(list)
    for t in sorted(things.values(), key=lambda t: _natural(t.iri)):
        for p, o in t.curated:
            if t.kind == "statement" and p == CTKG_NS + "statedIn":
                statements_in[o.value].append(t.iri)
    g.by_node, g.by_doc = dict(by_node), dict(by_doc)
    g.mentions_of, g.mentions_in = dict(mentions_of), dict(mentions_in)
    g.statements_in = dict(statements_in)
    return g


def ontology_terms(raw: Raw) -> list[tuple[str, str, Term]]:
    """Every triple of the ontology graph about a ``ctkg:`` term, for the ontology pages."""
    return sorted(raw.ontology, key=lambda t: (t[0], t[1], str(t[2])))
