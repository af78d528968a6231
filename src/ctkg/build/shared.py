"""The non-document graphs of the build: ontology, registry, catalogue and wikidata.

Quads are the same plain N-Triples tuples as :mod:`ctkg.build.compile` emits. Parsed Turtle
(ontology, offline Wikidata cache) is converted term by term; blank nodes are skolemized to
``https://w3id.org/ctkg/.well-known/genid/<hash>`` IRIs after RDF canonicalization, so the
output stays free of blank nodes and identical from one build to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.build.compile import (
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    RDF_TYPE,
    UNITS,
    XSD_STRING,
    Quad,
    ctkg,
    date_literal,
    graph_of,
    ident,
    iri,
    lit,
)
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import CatalogueEntry
from ctkg.inputs.links import link_triples
from ctkg.inputs.registry import Registry
from ctkg.inputs.wikidata_cache import load_cache
from ctkg.rdf.namespaces import CTKG, FIXED_KINDS

Triple = tuple[str, str, str]
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
SUBCLASS = f"<{_RDFS}subClassOf>"
OWL_CLASS = "<http://www.w3.org/2002/07/owl#Class>"
GENID = "https://w3id.org/ctkg/.well-known/genid/"


# -- parsing Turtle into triples ---------------------------------------------------------------

def rdflib_term(term: Any) -> str:
    """An rdflib URIRef/Literal in N-Triples form (blank nodes are skolemized before)."""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return lit(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(f"unexpected term {term!r}")


def graph_triples(graph: Any) -> list[Triple]:
    """Every triple of an rdflib graph as N-Triples strings, blank nodes skolemized."""
    from rdflib import BNode, URIRef
    from rdflib.compare import to_canonical_graph

    if any(isinstance(x, BNode) for t in graph for x in (t[0], t[2])):
        graph = to_canonical_graph(graph)

    def term(x: Any) -> str:
        return f"<{GENID}{x}>" if isinstance(x, BNode) else rdflib_term(x)

    return [(term(s), f"<{p}>" if isinstance(p, URIRef) else term(p), term(o))
            for s, p, o in graph]


def to_quads(triples: Iterable[Triple], graph: str) -> list[Quad]:
    g = graph_of(graph)
    return [(g, s, p, o) for s, p, o in triples]


# -- the ontology's class hierarchy ------------------------------------------------------------

def class_ancestors(triples: Iterable[Triple]) -> dict[str, set[str]]:
    """ctkg class local name -> every ctkg superclass (transitive); every class is a key."""
    prefix = f"<{CTKG}"
    parents: dict[str, set[str]] = {}
    for s, p, o in triples:
        if not s.startswith(prefix):
            continue
        name = s[len(prefix):-1]
        if p == RDF_TYPE and o == OWL_CLASS:
            parents.setdefault(name, set())
        elif p == SUBCLASS and o.startswith(prefix):
            parents.setdefault(name, set()).add(o[len(prefix):-1])
    out: dict[str, set[str]] = {}
    for name in parents:
        seen: set[str] = set()
        todo = list(parents[name])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(parents.get(c, ()))
        out[name] = seen
    return out


def kind_of(type_: str, ancestors: Mapping[str, set[str]]) -> str | None:
    """The IRI kind of a registry type (design.md): Organization subclasses -> org, ..."""
    if type_ in FIXED_KINDS:
        return FIXED_KINDS[type_]
    closure = {type_} | ancestors.get(type_, set())
    if "Organization" in closure:
        return "org"
    if "Event" in closure:
        return "event"
    for name, kind in FIXED_KINDS.items():
        if name in closure:
            return kind
    return None


def entity_iris(registry: Registry, ancestors: Mapping[str, set[str]]) -> dict[str, str]:
    """Registry slug -> instance IRI; an entry whose type has no kind is an error."""
    where = display_path(registry.path)
    problems: list[Problem] = []
    out: dict[str, str] = {}
    for slug, entry in registry.entries.items():
        kind = kind_of(entry.type, ancestors)
        if kind is None:
            problems.append(Problem(where, entry.line, f"{slug}: type {entry.type!r} has no "
                                                       "IRI kind (not an ontology class?)"))
        else:
            out[slug] = f"https://w3id.org/ctkg/id/{kind}/{slug}"
    if problems:
        raise CTKGError(problems)
    return out


# -- registry, catalogue, wikidata -------------------------------------------------------------

def registry_quads(registry: Registry, iris: Mapping[str, str],
                   links: dict[str, Any] | None) -> list[Quad]:
    """Graph ``registry``: types, labels, event summaries and Wikidata links."""
    g = graph_of("registry")
    out: list[Quad] = []
    for slug, entry in registry.entries.items():
        s = f"<{iris[slug]}>"
        out.append((g, s, RDF_TYPE, ctkg(entry.type)))
        label = lit(entry.label, lang="en")
        out.append((g, s, f"<{_RDFS}label>", label))
        out.append((g, s, f"<{_SKOS}prefLabel>", label))
        out.extend((g, s, f"<{_SKOS}altLabel>", lit(a, lang="en")) for a in entry.alt_labels)
        if entry.start:
            out.append((g, s, ctkg("startTime"), date_literal(entry.start)))
        if entry.end:
            out.append((g, s, ctkg("endTime"), date_literal(entry.end)))
        if entry.granularity:
            out.append((g, s, ctkg("timeGranularity"), f"<{UNITS[entry.granularity]}>"))
        if entry.qualifier:
            out.append((g, s, ctkg("timeQualifier"), lit(str(entry.qualifier))))
        if entry.place:
            out.append((g, s, ctkg("place"), f"<{iris[entry.place]}>"))
        if entry.status:
            out.append((g, s, ctkg("status"), ctkg(str(entry.status).capitalize())))
    if links:
        from rdflib import URIRef

        def iri_for_slug(slug: str) -> URIRef:
            if slug not in iris:
                raise CTKGError.single("data/wikidata/links.toml", None,
                                       f"{slug!r} is not a registry slug")
            return URIRef(iris[slug])

        out.extend(to_quads(((rdflib_term(s), rdflib_term(p), rdflib_term(o))
                             for s, p, o in link_triples(links, iri_for_slug)), "registry"))
    return out


def catalogue_quads(catalogue: Mapping[str, CatalogueEntry], iris: Mapping[str, str],
                    lengths: Mapping[str, int], catalogue_path: Path) -> list[Quad]:
    """Graph ``catalogue``: one ctkg:SourceDocument per catalogued, present document."""
    g = graph_of("catalogue")
    where = display_path(catalogue_path)
    out: list[Quad] = []
    for doc_id, e in catalogue.items():
        if doc_id not in lengths:
            raise CTKGError.single(where, e.line, f"{doc_id}: no such text in the corpus")
        s = ident(f"document/{doc_id}")
        lang = str(e.language)

        def add(p: str, o: str, s: str = s) -> None:
            out.append((g, s, p, o))

        add(RDF_TYPE, ctkg("SourceDocument"))
        add(f"<{_DCT}title>", lit(str(e.title), lang=lang))
        publisher = e.publisher
        if publisher:
            if publisher not in iris:
                raise CTKGError.single(where, e.line, f"{doc_id}: publisher {publisher!r} is "
                                                      "not a registry slug")
            add(ctkg("publisher"), f"<{iris[publisher]}>")
        add(ctkg("publicationDate"), date_literal(str(e.date)))
        add(ctkg("dateInferred"), lit(bool(e.date_inferred)))
        if e.date_evidence:
            add(ctkg("dateEvidence"), lit(str(e.date_evidence)))
        add(ctkg("documentKind"), ctkg(str(e.kind)))
        add(f"<{_DCT}language>", lit(lang))
        if e.url:
            try:
                add("<https://schema.org/url>", iri(str(e.url)))
            except ValueError as exc:
                raise CTKGError.single(where, e.line, f"{doc_id}: url: {exc}") from None
        if e.derived_from:
            add("<http://www.w3.org/ns/prov#wasDerivedFrom>",
                ident(f"document/{e.derived_from}"))
        if e.derivation_evidence:
            add(f"<{_RDFS}comment>", lit(f"derivation: {e.derivation_evidence}"))
        add(ctkg("truncated"), lit(bool(e.truncated)))
        if e.truncation_note:
            add(f"<{_RDFS}comment>", lit(f"truncation: {e.truncation_note}"))
        add(ctkg("characterCount"), lit(lengths[doc_id]))
    return out


def wikidata_quads(cache: Path) -> tuple[list[Quad], list[Problem]]:
    """Graph ``wikidata``: the offline cache (ctkg.cli.wikidata.load_cache), if both are there."""
    if not cache.is_file():
        return [], [Problem(display_path(cache), None, "no offline Wikidata cache: "
                                                       "graph/wikidata left empty", "warning")]
    return to_quads(graph_triples(load_cache(cache)), "wikidata"), []


# -- registry summary against the documents ----------------------------------------------------

SUMMARY = ("startTime", "endTime", "timeGranularity", "timeQualifier", "place", "status")
_REIF = {RDF_SUBJECT: 0, RDF_PREDICATE: 1, RDF_OBJECT: 2}


def claims(doc_quads: Iterable[Quad]) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(subject, summary property) -> [(object, document graph, assertion IRI)], from the
    documents' reified time, place and status assertions."""
    wanted = {ctkg(p) for p in SUMMARY}
    parts: dict[tuple[str, str], list[str | None]] = {}
    for g, a, p, o in doc_quads:
        if p in _REIF:
            parts.setdefault((g, a), [None, None, None])[_REIF[p]] = o
    out: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for (g, a), (s, p, o) in sorted(parts.items()):
        if s and p in wanted and o:
            out.setdefault((s, p), []).append((o, g, a[1:-1]))
    return out


def _value(term: str) -> str:
    return term.split('"')[1] if term.startswith('"') else term.strip('<>')


def _cmp(a: str, b: str) -> int:
    """Compare ISO values on their common prefix: 0 when one contains the other."""
    n = min(len(a), len(b))
    return (a[:n] > b[:n]) - (a[:n] < b[:n])


def check_event_times(registry: Registry, iris: Mapping[str, str], doc_quads: Iterable[Quad],
                      sources: Mapping[str, Any]) -> list[Problem]:
    """Each registry summary value (start, end, granularity, qualifier, place, status) must
    be stated by a document assertion, and no document may contradict it.

    A contradiction: a start or end that neither contains nor is contained in the
    registry's (2018-06 vs 2018-06-28 agree); a single point outside the registry's
    start-end; Occurred in a document for an event the registry still has Planned. A
    document that names another place is a warning (places nest: a venue in a city).
    """
    found = claims(doc_quads)
    where = display_path(registry.path)
    problems: list[Problem] = []
    for slug, entry in registry.entries.items():
        node = f"<{iris[slug]}>"

        def docs(prop: str, node: str = node) -> list[tuple[str, str, str]]:
            return found.get((node, ctkg(prop)), [])

        def bad(msg: str, claim: tuple[str, str, str] | None = None, sev: str = "error",
                line: int | None = entry.line, slug: str = slug) -> None:
            origin = f" ({sources[claim[2]]})" if claim and claim[2] in sources else ""
            problems.append(Problem(where, line, f"{slug}: {msg}{origin}", sev))

        rs, re_ = entry.start, entry.end
        reg: dict[str, str] = {}
        if rs:
            reg["startTime"] = date_literal(rs)
        if re_:
            reg["endTime"] = date_literal(re_)
        if entry.granularity:
            reg["timeGranularity"] = f"<{UNITS[entry.granularity]}>"
        if entry.qualifier:
            reg["timeQualifier"] = lit(str(entry.qualifier))
        if entry.place in iris:
            reg["place"] = f"<{iris[entry.place]}>"
        if entry.status:
            reg["status"] = ctkg(str(entry.status).capitalize())
        ends_by_doc = {g for _o, g, _a in docs("endTime")}
        points = [c for c in docs("startTime") if c[1] not in ends_by_doc]
        for prop, value in reg.items():
            stated = {o for o, _g, _a in docs(prop)}
            if prop == "endTime":
                stated |= {o for o, _g, _a in points}
            if value not in stated:
                given = ", ".join(sorted({_value(o) for o in stated})) or "none"
                bad(f"registry {prop} {_value(value)} is stated by no document "
                    f"(documents give: {given})")
        lo = _value(reg.get("startTime", ""))
        hi = _value(reg.get("endTime", reg.get("startTime", "")))
        for claim in docs("startTime"):
            v = _value(claim[0])
            if lo and claim in points and (_cmp(v, lo) < 0 or _cmp(v, hi) > 0):
                bad(f"a document dates it {v}, outside the registry's {lo}..{hi}", claim)
            elif lo and claim not in points and _cmp(v, lo) != 0:
                bad(f"a document starts it {v}, the registry {lo}", claim)
        for claim in docs("endTime"):
            if "endTime" in reg and _cmp(_value(claim[0]), hi) != 0:
                bad(f"a document ends it {_value(claim[0])}, the registry {hi}", claim)
        if reg.get("status") == ctkg("Planned"):
            for claim in docs("status"):
                if claim[0] == ctkg("Occurred"):
                    bad("the registry has it planned, a document says it occurred", claim)
        for claim in docs("place"):
            if "place" in reg and claim[0] != reg["place"]:
                bad(f"a document places it at {claim[0][1:-1]}, the registry at "
                    f"{reg['place'][1:-1]}", claim, "warning")
        for prop in SUMMARY:
            if prop not in reg and docs(prop) and prop != "endTime":
                bad(f"documents give a {prop} but the registry has none", docs(prop)[0],
                    "warning")
    return problems


def to_rdflib(quads: Iterable[Quad]) -> Any:
    """One rdflib Graph with every triple of the quads (the union, for pySHACL)."""
    from rdflib import Graph, Literal, URIRef

    terms: dict[str, Any] = {}

    def term(t: str) -> Any:
        node = terms.get(t)
        if node is None:
            if t.startswith("<"):
                node = URIRef(t[1:-1])
            else:
                parsed = next(iter(ox.parse(f"<x:s> <x:p> {t} .".encode(),
                                            format=ox.RdfFormat.N_TRIPLES))).object
                if parsed.language:
                    node = Literal(parsed.value, lang=parsed.language)
                elif parsed.datatype.value == XSD_STRING:
                    node = Literal(parsed.value)
                else:
                    node = Literal(parsed.value, datatype=URIRef(parsed.datatype.value))
            terms[t] = node
        return node

    graph = Graph()
    for _g, s, p, o in quads:
        graph.add((term(s), term(p), term(o)))
    return graph
