"""The non-document graphs of the build: ontology, registry, catalogue and wikidata.

Their quads are pyoxigraph Quads like those of :mod:`ctkg.kg.compile`; parsed Turtle
(ontology, offline Wikidata cache) arrives as pyoxigraph triples without blank nodes
(:mod:`ctkg.inputs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError, display_path
from ctkg.inputs.catalogue import CatalogueEntry
from ctkg.inputs.links import Links, link_triples
from ctkg.inputs.registry import Entry, Registry
from ctkg.inputs.timex import parse_iso
from ctkg.kg.dates import date_literal, date_time_literal
from ctkg.rdf.namespaces import DCTERMS_NS, SCHEMA_NS, SKOS_NS
from ctkg.rdf.terms import (
    PROV_DERIVED,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    UNITS,
    Term,
    ctkg,
    graph_of,
    ident,
    lit,
    named,
)

SKOS_PREF_LABEL = ox.NamedNode(SKOS_NS + "prefLabel")
SKOS_ALT_LABEL = ox.NamedNode(SKOS_NS + "altLabel")
DCT_TITLE = ox.NamedNode(DCTERMS_NS + "title")
DCT_LANGUAGE = ox.NamedNode(DCTERMS_NS + "language")
SCHEMA_URL = ox.NamedNode(SCHEMA_NS + "url")
# terms made once (pyoxigraph terms are immutable): every catalogued document and every
# registry event names the same properties, kinds and dates, and making them again for each
# was most of the shared graphs' quads (0.4 s of an incremental build at 10,000 documents)
_ctkg = lru_cache(maxsize=1024)(ctkg)
_date = lru_cache(maxsize=4096)(date_literal)
_BOOL = {True: lit(True), False: lit(False)}
_literal = lru_cache(maxsize=256)(lit)  # for short values that repeat (languages)


def to_quads(triples: Iterable[ox.Triple], graph: str) -> list[ox.Quad]:
    """The triples in graph ``graph/<graph>``."""
    g = graph_of(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]


def event_summary(entry: Entry, iris: Mapping[str, ox.NamedNode]
                  ) -> list[tuple[ox.NamedNode, Term]]:
    """The registry's summary of an event: (property, value) of its time, place, status."""
    out: list[tuple[ox.NamedNode, Term]] = []
    if entry.start:
        out.append((_ctkg("startTime"), _date(entry.start)))
        point = parse_iso(entry.start).start
        if point.time_of_day:  # "11:00am" (issue 16): local, no timezone
            out.append((_ctkg("startDateTime"), date_time_literal(point)))
    if entry.end:
        out.append((_ctkg("endTime"), _date(entry.end)))
    if entry.granularity:
        out.append((_ctkg("timeGranularity"), UNITS[entry.granularity]))
    if entry.qualifier:
        out.append((_ctkg("timeQualifier"), lit(entry.qualifier)))
    if entry.place:
        out.append((_ctkg("place"), iris[entry.place]))
    if entry.status:
        out.append((_ctkg("status"), _ctkg(entry.status.capitalize())))
    return out


def registry_quads(registry: Registry, iris: Mapping[str, ox.NamedNode],
                   links: Links | None) -> list[ox.Quad]:
    """Graph ``registry``: types, labels, event summaries and Wikidata links."""
    g = graph_of("registry")
    out: list[ox.Quad] = []
    for slug, entry in registry.entries.items():
        s = iris[slug]
        label = lit(entry.label, lang="en")
        out += [ox.Quad(s, RDF_TYPE, ctkg(entry.type), g), ox.Quad(s, RDFS_LABEL, label, g),
                ox.Quad(s, SKOS_PREF_LABEL, label, g)]
        out += [ox.Quad(s, SKOS_ALT_LABEL, lit(a, lang="en"), g) for a in entry.alt_labels]
        out += [ox.Quad(s, p, o, g) for p, o in event_summary(entry, iris)]
    if links is not None:
        out += to_quads(link_triples(links, _slug_iri(iris)), "registry")
    return out


def _slug_iri(iris: Mapping[str, ox.NamedNode]) -> Callable[[str], str]:
    def iri_for_slug(slug: str) -> str:
        if slug not in iris:
            raise CTKGError.single("data/wikidata/links.toml", None,
                                   f"{slug!r} is not a registry slug")
        return iris[slug].value
    return iri_for_slug


def catalogue_quads(catalogue: Mapping[str, CatalogueEntry],
                    iris: Mapping[str, ox.NamedNode], lengths: Mapping[str, int],
                    catalogue_path: Path) -> list[ox.Quad]:
    """Graph ``catalogue``: one ctkg:SourceDocument per catalogued, present document."""
    g = graph_of("catalogue")
    where = display_path(catalogue_path)
    out: list[ox.Quad] = []
    for doc_id, entry in catalogue.items():
        if doc_id not in lengths:
            raise CTKGError.single(where, entry.line, f"{doc_id}: no such text in the corpus")
        s = ident(f"document/{doc_id}")
        out += [ox.Quad(s, p, o, g)
                for p, o in _document(doc_id, entry, iris, lengths[doc_id], where)]
    return out


def _document(doc_id: str, e: CatalogueEntry, iris: Mapping[str, ox.NamedNode],
              length: int, where: str) -> list[tuple[ox.NamedNode, Term]]:
    """(property, value) of one catalogued document."""
    def fail(message: str) -> CTKGError:
        return CTKGError.single(where, e.line, f"{doc_id}: {message}")

    out: list[tuple[ox.NamedNode, Term]] = [
        (RDF_TYPE, _ctkg("SourceDocument")), (DCT_TITLE, lit(e.title, lang=e.language))]
    if e.publisher:
        if e.publisher not in iris:
            raise fail(f"publisher {e.publisher!r} is not a registry slug")
        out.append((_ctkg("publisher"), iris[e.publisher]))
    out += [(_ctkg("publicationDate"), _date(e.date)),
            (_ctkg("dateInferred"), _BOOL[bool(e.date_inferred)])]
    if e.date_evidence:
        out.append((_ctkg("dateEvidence"), lit(e.date_evidence)))
    out += [(_ctkg("documentKind"), _ctkg(e.kind)), (DCT_LANGUAGE, _literal(e.language))]
    if e.url:
        try:
            out.append((SCHEMA_URL, named(e.url)))
        except ValueError as exc:
            raise fail(f"url: {exc}") from None
    if e.derived_from:
        out.append((PROV_DERIVED, ident(f"document/{e.derived_from}")))
    if e.derivation_evidence:
        out.append((RDFS_COMMENT, lit(f"derivation: {e.derivation_evidence}")))
    out.append((_ctkg("truncated"), _BOOL[bool(e.truncated)]))
    if e.truncation_note:
        out.append((RDFS_COMMENT, lit(f"truncation: {e.truncation_note}")))
    out.append((_ctkg("characterCount"), lit(length)))
    return out
