"""Place containment from Wikidata (issue 16): a registry place is in another registry
entry when the offline cache has the fact between their linked items.

Only ``wdt:P131`` (located in the administrative territorial entity) and its inverse
``wdt:P150`` count, between two entries that links.toml links with evidence; nothing is
assumed from a name or a label. A text's own statement of containment ("UN Headquarters in
New York") is a relation annotation and is compiled with the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ctkg.inputs.links import Links
from ctkg.inputs.registry import Registry
from ctkg.rdf.namespaces import WD_NS, WDT_NS
from ctkg.rdf.terms import ctkg, graph_of

CONTAINED_IN = ctkg("containedInPlace")


def wikidata_containment(registry: Registry, links: Links | None,
                         cache: Iterable[ox.Triple], iris: Mapping[str, ox.NamedNode]
                         ) -> list[ox.Quad]:
    """``<place> ctkg:containedInPlace <container>`` in graph ``wikidata``, one quad per
    evidenced P131 (or inverse P150) fact between two linked registry entries."""
    if links is None:
        return []
    facts = {(str(t.subject), str(t.predicate), str(t.object)) for t in cache}
    qids = {slug: f"<{WD_NS}{link.qid}>" for slug, link in sorted(links.entities.items())
            if link.linked and link.qid and slug in registry.entries and slug in iris}
    out: list[ox.Quad] = []
    for place, inner in qids.items():
        if registry[place].type != "Place":
            continue
        for container, outer in qids.items():
            if outer != inner and ((inner, f"<{WDT_NS}P131>", outer) in facts
                                   or (outer, f"<{WDT_NS}P150>", inner) in facts):
                out.append(ox.Quad(iris[place], CONTAINED_IN, iris[container],
                                   graph_of("wikidata")))
    return out

