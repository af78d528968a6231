"""Place containment derived from the offline Wikidata cache (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.inputs.links import EntityLink, Links
from ctkg.inputs.registry import Entry, Registry
from ctkg.kg.containment import wikidata_containment
from ctkg.rdf.terms import ctkg, graph_of, ident

WD, WDT = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"


def fact(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(WD + s), ox.NamedNode(WDT + p), ox.NamedNode(WD + o))


def test_only_evidenced_p131_or_p150_between_linked_entries_counts() -> None:
    registry = Registry(Path("registry.toml"), {
        "minsk": Entry("minsk", "Place", "Minsk"),
        "nyc": Entry("nyc", "Place", "New York City"),
        "belarus": Entry("belarus", "MemberState", "Belarus"),
        "un": Entry("un", "IntergovernmentalOrganization", "United Nations")})
    links = Links(Path("links.toml"), {
        "minsk": EntityLink("minsk", "Q2280"), "nyc": EntityLink("nyc", "Q60"),
        "belarus": EntityLink("belarus", "Q184"), "un": EntityLink("un", "Q1065")}, {})
    iris = {s: ident(f"x/{s}") for s in registry.entries}
    cache = [fact("Q184", "P150", "Q2280"),  # Belarus contains Minsk
             fact("Q60", "P131", "Q1384"),  # New York State: not in the registry
             fact("Q1065", "P131", "Q60"),  # the UN is not a Place: no containment
             fact("Q184", "P17", "Q184")]
    assert wikidata_containment(registry, links, cache, iris) == [
        ox.Quad(iris["minsk"], ctkg("containedInPlace"), iris["belarus"], graph_of("wikidata"))]
    assert wikidata_containment(registry, None, cache, iris) == []
