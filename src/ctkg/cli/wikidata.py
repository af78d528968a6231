"""Wikidata links: the offline cache (``--refresh``), candidate IDs (``--suggest``) and checks.

The links themselves are curated by people in ``data/wikidata/links.toml`` (design.md); CTKG
never writes that file. ``ctkg link --refresh`` fetches what Wikidata says about each linked
item into ``data/wikidata/cache.ttl`` (Wikidata's own vocabulary), so that builds and checks
run offline, and ``ctkg link --check`` checks each link against that cache.

This module is the command and the API for the build (:func:`check_links`,
:func:`link_triples`, :func:`load_links`, :func:`load_cache`, :func:`wikidata_graph`); the
work is done in :mod:`ctkg.inputs.links` (links.toml), :mod:`ctkg.wikidata.targets` (registry entries
and concepts), :mod:`ctkg.wikidata.type_rules` (type rules), :mod:`ctkg.inputs.wikidata_cache` (the cache),
:mod:`ctkg.wikidata.refresh`, :mod:`ctkg.wikidata.check` and :mod:`ctkg.wikidata.suggest`.
Policy and workflow: docs/wikidata.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from ctkg.errors import CTKGError
from ctkg.inputs.links import link_triples, linked_qids, load_links
from ctkg.inputs.wikidata_cache import CACHE_META_NAME, load_cache
from ctkg.paths import Layout
from ctkg.rdf.namespaces import graph_iri
from ctkg.wikidata.check import check_links, normalize_label, rel_path
from ctkg.wikidata.refresh import refresh, serialize_cache
from ctkg.wikidata.suggest import suggest
from ctkg.wikidata.targets import (
    RegistryEntry,
    kind_for_type,
    load_registry_entries,
    ontology_concepts,
    registry_iri_for_slug,
)
from ctkg.wikidata.type_rules import judge_types

__all__ = [
    "RegistryEntry",
    "check_links",
    "judge_types",
    "kind_for_type",
    "link_triples",
    "linked_qids",
    "load_cache",
    "load_links",
    "load_registry_entries",
    "normalize_label",
    "ontology_concepts",
    "refresh",
    "registry_iri_for_slug",
    "run",
    "serialize_cache",
    "suggest",
    "wikidata_graph",
]


def wikidata_graph(layout: Layout, iri_for_slug: Callable[[str], URIRef] | None = None
                   ) -> list[tuple[Node, Node, Node, URIRef]]:
    """Quads for the build: the cache in ``graph/wikidata``, the link triples (sameAs,
    exactMatch/closeMatch, wikidataEvidence) in ``graph/registry`` (design.md). Sorted.

    ``iri_for_slug`` defaults to one derived from data/registry.toml types (and
    ontology/concepts.ttl for concepts). A missing cache adds no cache quads (check_links
    reports every QID it lacks); a cache that does not parse raises CTKGError.
    """
    links = load_links(layout.links)
    quads: list[tuple[Node, Node, Node, URIRef]] = []
    if layout.wikidata_cache.exists():
        g_wd = graph_iri("wikidata")
        quads += sorted(((s, p, o, g_wd) for s, p, o in load_cache(layout.wikidata_cache)),
                        key=lambda q: tuple(x.n3() for x in q[:3]))
    if linked_qids(links):
        if iri_for_slug is None:
            known = {slug: c.entry for slug, c in ontology_concepts(layout).items()}
            known.update(load_registry_entries(layout.registry))
            iri_for_slug = registry_iri_for_slug(known)
        g_reg = graph_iri("registry")
        quads += [(s, p, o, g_reg) for s, p, o in link_triples(links, iri_for_slug)]
    return quads


def run(args: argparse.Namespace) -> int:
    """``ctkg link --refresh | --suggest | --check``."""
    layout = Layout(Path(args.root))
    if args.limit < 1:
        raise CTKGError.single("ctkg link", None, "--limit must be at least 1")
    if args.timeout <= 0:
        raise CTKGError.single("ctkg link", None, "--timeout must be positive")
    if args.refresh:
        result = refresh(layout, args.endpoint, args.timeout)
        print(f"wrote {rel_path(layout, layout.wikidata_cache)}: {result.triples} triples for "
              f"{len(result.qids)} QIDs (and {CACHE_META_NAME})")
        for qid in result.missing:
            print(f"warning: {qid}: Wikidata returned nothing (deleted or wrong ID?)",
                  file=sys.stderr)
        for old, new in result.redirects.items():
            print(f"warning: {old} redirects to {new}: update links.toml", file=sys.stderr)
        return 0
    if args.suggest:
        suggest(layout, args.endpoint, args.timeout, args.limit)
        return 0
    problems = check_links(layout)
    for p in problems:
        print(p, file=sys.stderr)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"link check: {errors} errors, {warnings} warnings")
    return 1 if errors else 0
