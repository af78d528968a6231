"""The built graph read into plain records for the pages, by a few set-at-a-time queries.

One SPARQL query per kind of record over the whole release (not one per page), so the site
for 10,000 documents costs a handful of scans of one in-memory store. The site reads the
committed build (``data/kg/ctkg.nq``) and the corpus texts; it never rebuilds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ctkg.annotations.brat import read_text
from ctkg.errors import CTKGError
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CTKG_NS, GRAPH_NS, ID_NS, PREFIXES
from ctkg.site.paths import PAGE_KINDS, page_path

Term = ox.NamedNode | ox.Literal
_HEAD = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))
#: graphs whose plain triples are curated (registry, catalogue, concepts), not from one text
CURATED = {f"{GRAPH_NS}{g}" for g in ("registry", "catalogue", "ontology", "wikidata")}
_RANK = {PREFIXES["skos"] + "prefLabel": 0, PREFIXES["rdfs"] + "label": 1,
         PREFIXES["dcterms"] + "title": 2}


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


def load_store(layout: Layout) -> ox.Store:
    """The committed N-Quads dump in an in-memory store (the site never rebuilds)."""
    path = layout.kg / "ctkg.nq"
    if not path.is_file():
        raise CTKGError.single(path, None, "no build found: run `python build.py` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise CTKGError.single(path, getattr(exc, "lineno", None), f"does not parse: {exc}"
                               ) from None
    return store


def _rows(store: ox.Store, body: str) -> Iterator[ox.QuerySolution]:
    result = store.query(_HEAD + body, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    yield from result


def _iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _labels(store: ox.Store) -> dict[str, str]:
    """skos:prefLabel before rdfs:label, English or untagged, the smallest string on ties."""
    best: dict[str, tuple[int, str]] = {}
    for row in _rows(store, """SELECT ?s ?p ?l WHERE {
        VALUES ?p { skos:prefLabel rdfs:label dcterms:title } ?s ?p ?l FILTER(isIRI(?s)) }"""):
        lit = row["l"]
        if not isinstance(lit, ox.Literal) or (lit.language or "en") != "en":
            continue
        rank = (_RANK[_iri(row["p"])], lit.value)
        s = _iri(row["s"])
        if s not in best or rank < best[s]:
            best[s] = rank
    return {s: v[1] for s, v in best.items()}


def _things(store: ox.Store) -> dict[str, Thing]:
    things: dict[str, Thing] = {}
    for row in _rows(store, f"""SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t
        FILTER(STRSTARTS(STR(?s), "{ID_NS}")) }}"""):
        s = _iri(row["s"])
        kind = kind_of(s)
        if kind in PAGE_KINDS and page_path(s):
            things.setdefault(s, Thing(s, kind or "")).types.append(_iri(row["t"]))
    graphs = " ".join(f"<{g}>" for g in sorted(CURATED))
    for row in _rows(store, f"""SELECT ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }}
        GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{ID_NS}")) }}"""):
        thing = things.get(_iri(row["s"]))
        o = row["o"]
        if thing and isinstance(o, ox.NamedNode | ox.Literal):
            thing.curated.append((_iri(row["p"]), o))
    for row in _rows(store, """SELECT ?s ?p ?o WHERE {
        VALUES ?p { ctkg:quote ctkg:statementKind ctkg:statedIn } ?s a ctkg:Statement ; ?p ?o }"""):
        thing = things.get(_iri(row["s"]))
        o = row["o"]
        if thing and isinstance(o, ox.NamedNode | ox.Literal):  # the statement's own text
            thing.curated.append((_iri(row["p"]), o))
    for t in things.values():
        t.types.sort()
        t.curated = sorted(set(t.curated), key=lambda po: (po[0], str(po[1])))
    return things


def _facts(store: ox.Store) -> list[Fact]:
    facts: dict[str, Fact] = {}
    for row in _rows(store, """SELECT ?a ?s ?p ?o ?doc ?asOf ?inf ?rule WHERE {
        ?a a ctkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
           prov:wasDerivedFrom ?doc .
        OPTIONAL { ?a ctkg:asOf ?asOf } OPTIONAL { ?a ctkg:inferred ?inf }
        OPTIONAL { ?a ctkg:inferenceRule ?rule } }"""):
        o, as_of, inf, rule = row["o"], row["asOf"], row["inf"], row["rule"]
        if not isinstance(o, ox.NamedNode | ox.Literal):
            continue
        a = _iri(row["a"])
        facts[a] = Fact(a, _iri(row["s"]), _iri(row["p"]), o, _iri(row["doc"]),
                        as_of if isinstance(as_of, ox.Literal) else None,
                        isinstance(inf, ox.Literal) and inf.value == "true",
                        rule.value if isinstance(rule, ox.Literal) else "")
    for row in _rows(store, "SELECT ?a ?m WHERE { ?a ctkg:supportedBy ?m }"):
        if (f := facts.get(_iri(row["a"]))) is not None:
            f.mentions.append(_iri(row["m"]))
    for row in _rows(store, "SELECT ?a ?e WHERE { ?a a ctkg:Assertion ; ctkg:evidence ?e }"):
        if (f := facts.get(_iri(row["a"]))) is not None:
            f.evidence.append(_iri(row["e"]))
    for f in facts.values():
        f.mentions.sort(key=_natural)
        f.evidence.sort()
    return sorted(facts.values(), key=lambda f: (f.doc, _natural(f.iri)))


def _natural(iri: str) -> tuple[str, int, str]:
    """``.../T9`` before ``.../T12``: brat ids sorted by number."""
    head, _, last = iri.rpartition("/")
    digits = "".join(c for c in last[1:] if c.isdigit())
    return head, int(digits) if digits and last[1:].isdigit() else -1, last


def _mentions(store: ox.Store) -> dict[str, Mention]:
    out: dict[str, Mention] = {}
    for row in _rows(store, """SELECT ?m ?doc ?ann ?start ?end WHERE {
        ?m a ctkg:Mention ; oa:hasSource ?doc ; ctkg:annotationId ?ann ; oa:hasSelector ?p .
        ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }"""):
        m = _iri(row["m"])
        ann, start, end = row["ann"], row["start"], row["end"]
        assert isinstance(ann, ox.Literal) and isinstance(start, ox.Literal)
        assert isinstance(end, ox.Literal)
        out.setdefault(m, Mention(m, _iri(row["doc"]), ann.value, [])).spans.append(
            (int(start.value), int(end.value)))
    for row in _rows(store, """SELECT ?m ?exact ?prefix ?suffix WHERE {
        ?m a ctkg:Mention ; oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
        OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix } }"""):
        if (mention := out.get(_iri(row["m"]))) is not None:
            mention.exact = _value(row["exact"])
            mention.prefix, mention.suffix = _value(row["prefix"]), _value(row["suffix"])
    for row in _rows(store, "SELECT ?e ?m WHERE { ?e gaf:denotedBy ?m }"):
        if (mention := out.get(_iri(row["m"]))) is not None:
            mention.entities.append(_iri(row["e"]))
    for mention in out.values():
        mention.spans.sort()
        mention.entities.sort()
    return dict(sorted(out.items(), key=lambda kv: _natural(kv[0])))


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def _texts(layout: Layout, things: dict[str, Thing]) -> dict[str, str]:
    """The text of every source document of the build, from the corpus."""
    texts: dict[str, str] = {}
    for t in things.values():
        if t.kind == "document":
            path = layout.corpus / f"{doc_id(t.iri)}.txt"
            texts[t.iri] = read_text(path) if path.is_file() else ""
    return texts


def read_graph(layout: Layout, store: ox.Store | None = None) -> Graph:
    """Everything the pages show, indexed by the things they are about."""
    store = store or load_store(layout)
    things = _things(store)
    g = Graph(things, _labels(store), _facts(store), _mentions(store), _texts(layout, things))
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


def ontology_terms(store: ox.Store) -> list[tuple[str, str, Term]]:
    """Every triple of the ontology graph about a ``ctkg:`` term, for the ontology pages."""
    out: list[tuple[str, str, Term]] = []
    for row in _rows(store, f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_NS}ontology>
        {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{CTKG_NS}") || STR(?s) = "{CTKG_NS[:-1]}")
        }}"""):
        o = row["o"]
        if isinstance(o, ox.NamedNode | ox.Literal):
            out.append((_iri(row["s"]), _iri(row["p"]), o))
    return sorted(out, key=lambda t: (t[0], t[1], str(t[2])))


def text_of(path: Path) -> str:
    """A corpus text (kept for tests that compare offsets with the page)."""
    return read_text(path)
