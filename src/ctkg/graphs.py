"""The non-document graphs of the build: ontology, registry, catalogue and wikidata.

Quads are the same plain N-Triples tuples as :mod:`ctkg.compile` emits. Parsed Turtle
(ontology, offline Wikidata cache) is converted term by term; blank nodes are skolemized to
``https://w3id.org/ctkg/.well-known/genid/<hash>`` IRIs after RDF canonicalization, so the
output stays free of blank nodes and identical from one build to the next.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.compile import (
    GAF_DENOTED_BY,
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
from ctkg.namespaces import CTKG, FIXED_KINDS
from ctkg.registry import CatalogueEntry, Registry
from ctkg.timex import parse_iso

Triple = tuple[str, str, str]
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
SUBCLASS = f"<{_RDFS}subClassOf>"
OWL_CLASS = "<http://www.w3.org/2002/07/owl#Class>"
GENID = "https://w3id.org/ctkg/.well-known/genid/"


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """A colleague's function if its module is there yet (the build skips the step if not)."""
    try:
        return getattr(importlib.import_module(f"ctkg.{module}"), name, None)
    except ModuleNotFoundError as exc:
        if exc.name != f"ctkg.{module}":
            raise
        return None


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


def parse_turtle(path: Path) -> Any:
    """An rdflib graph of a Turtle file: ctkg.rdfio.parse_turtle when a colleague's module is
    there, else rdflib, with the syntax error's line in a CTKGError either way."""
    parse = optional("rdfio", "parse_turtle")
    if parse is not None:
        return parse(path)
    import re

    from rdflib import Graph

    if not path.is_file():
        raise CTKGError.single(path, None, "file not found")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several types for syntax errors
        m = re.search(r"line (\d+)", str(exc))
        raise CTKGError.single(path, int(m.group(1)) if m else None,
                               f"Turtle syntax error: {exc}".splitlines()[0]) from None
    return graph


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
        if entry.get("start"):
            out.append((g, s, ctkg("startTime"), date_literal(entry.get("start"))))
        if entry.get("end"):
            out.append((g, s, ctkg("endTime"), date_literal(entry.get("end"))))
        if entry.get("granularity"):
            out.append((g, s, ctkg("timeGranularity"), f"<{UNITS[entry.get('granularity')]}>"))
        if entry.get("qualifier"):
            out.append((g, s, ctkg("timeQualifier"), lit(str(entry.get("qualifier")))))
        if entry.get("place"):
            out.append((g, s, ctkg("place"), f"<{iris[entry.get('place')]}>"))
        if entry.get("status"):
            out.append((g, s, ctkg("status"), ctkg(str(entry.get("status")).capitalize())))
    link_triples = optional("link", "link_triples")
    if links and link_triples is not None:
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
        lang = str(e.get("language", "en"))

        def add(p: str, o: str, s: str = s) -> None:
            out.append((g, s, p, o))

        add(RDF_TYPE, ctkg("SourceDocument"))
        add(f"<{_DCT}title>", lit(str(e.get("title")), lang=lang))
        publisher = e.get("publisher")
        if publisher:
            if publisher not in iris:
                raise CTKGError.single(where, e.line, f"{doc_id}: publisher {publisher!r} is "
                                                      "not a registry slug")
            add(ctkg("publisher"), f"<{iris[publisher]}>")
        add(ctkg("publicationDate"), date_literal(str(e.get("date"))))
        add(ctkg("dateInferred"), lit(bool(e.get("date_inferred", False))))
        if e.get("date_evidence"):
            add(ctkg("dateEvidence"), lit(str(e.get("date_evidence"))))
        add(ctkg("documentKind"), ctkg(str(e.get("kind"))))
        add(f"<{_DCT}language>", lit(lang))
        if e.get("url"):
            try:
                add("<https://schema.org/url>", iri(str(e.get("url"))))
            except ValueError as exc:
                raise CTKGError.single(where, e.line, f"{doc_id}: url: {exc}") from None
        if e.get("derived_from"):
            add("<http://www.w3.org/ns/prov#wasDerivedFrom>",
                ident(f"document/{e.get('derived_from')}"))
        if e.get("derivation_evidence"):
            add(f"<{_RDFS}comment>", lit(f"derivation: {e.get('derivation_evidence')}"))
        add(ctkg("truncated"), lit(bool(e.get("truncated", False))))
        if e.get("truncation_note"):
            add(f"<{_RDFS}comment>", lit(f"truncation: {e.get('truncation_note')}"))
        add(ctkg("characterCount"), lit(lengths[doc_id]))
    return out


def wikidata_quads(cache: Path) -> tuple[list[Quad], list[Problem]]:
    """Graph ``wikidata``: the offline cache (ctkg.link.load_cache), if both are there."""
    load_cache = optional("link", "load_cache")
    if load_cache is None:
        return [], [Problem(display_path(cache), None, "ctkg.link.load_cache not available: "
                                                       "graph/wikidata left empty", "warning")]
    if not cache.is_file():
        return [], [Problem(display_path(cache), None, "no offline Wikidata cache: "
                                                       "graph/wikidata left empty", "warning")]
    return to_quads(graph_triples(load_cache(cache)), "wikidata"), []


# -- registry summary against the documents ----------------------------------------------------

def check_event_times(registry: Registry, iris: Mapping[str, str],
                      doc_quads: Iterable[Quad]) -> list[Problem]:
    """Each registry event's start/end must equal a time some document asserts.

    A document's single point (no endTime for that event in that document) supports both
    a registry start and a registry end of that value.
    """
    start_p, end_p = ctkg("startTime"), ctkg("endTime")
    starts: dict[tuple[str, str], set[str]] = {}
    ends: dict[tuple[str, str], set[str]] = {}
    for g, s, p, o in doc_quads:
        if p == start_p:
            starts.setdefault((s, g), set()).add(o)
        elif p == end_p:
            ends.setdefault((s, g), set()).add(o)
    support_start: dict[str, set[str]] = {}
    support_end: dict[str, set[str]] = {}
    for key, values in starts.items():
        support_start.setdefault(key[0], set()).update(values)
        support_end.setdefault(key[0], set()).update(ends.get(key, values))
    for key, values in ends.items():
        support_end.setdefault(key[0], set()).update(values)
    where = display_path(registry.path)
    problems: list[Problem] = []
    for slug, entry in registry.entries.items():
        node = f"<{iris[slug]}>"
        for key, support in (("start", support_start), ("end", support_end)):
            value = entry.get(key)
            if not value:
                continue
            wanted = date_literal(value)
            found = support.get(node, set())
            if wanted not in found:
                given = ", ".join(sorted(x.split('"')[1] for x in found)) or "none"
                problems.append(Problem(where, entry.line, (
                    f"{slug}: {key} {parse_iso(value).start.lexical} is not supported by any "
                    f"document's time assertion (documents give: {given})")))
    return problems


def denoted(quads: Iterable[Quad]) -> set[str]:
    """Subjects of gaf:denotedBy (what the documents mention)."""
    return {s for _g, s, p, _o in quads if p == GAF_DENOTED_BY}


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
