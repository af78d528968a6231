"""The project's inputs, each read once by its own typed reader, with every problem found.

:func:`read_inputs` is lenient: it reads the ontology, registry, catalogue, Wikidata links
and offline cache, keeps whatever is usable and collects every problem (the annotation
checker reports them all and still checks the documents). :func:`load_inputs` reads the
same way and raises :class:`~ctkg.errors.CTKGError` with every error (the build). Later
stages take the :class:`Inputs` (or the typed parts they need) and never re-read a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import CatalogueEntry, read_catalogue
from ctkg.inputs.links import Links, read_links
from ctkg.inputs.ontology import Ontology, read_ontology
from ctkg.inputs.registry import Registry, read_registry
from ctkg.inputs.wikidata_cache import read_wikidata_cache
from ctkg.paths import Layout
from ctkg.rdf.namespaces import ID_NS as ID


@dataclass(frozen=True)
class Inputs:
    """Everything a build or a check reads besides the corpus, parsed once."""

    layout: Layout
    ontology: Ontology
    registry: Registry  # typed entries by slug
    catalogue: dict[str, CatalogueEntry]
    links: Links
    wikidata_cache: list[ox.Triple]  # [] when there is no cache file
    problems: list[Problem]  # everything found while reading (errors and warnings)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def problems_of(self, path: Path) -> list[Problem]:
        """The reading problems of one input file."""
        where = display_path(path)
        return [p for p in self.problems if p.file == where]


def read_inputs(layout: Layout) -> Inputs:
    """Read every input leniently: what is usable, and every problem of every file."""
    ontology, problems = read_ontology(layout.ontology_files())
    # with a broken ontology every registry type would look unknown: check types only
    # against an ontology that was read whole
    classes = None if problems else ontology.classes
    registry, found = read_registry(layout.registry, class_names=classes)
    problems += found + _kind_problems(registry, ontology)
    catalogue, found = read_catalogue(layout.catalogue)
    problems += found
    links, found = read_links(layout.links)
    problems += found
    cache, found = read_wikidata_cache(layout.wikidata_cache)
    problems += found
    return Inputs(layout, ontology, registry, catalogue, links, cache, problems)


def load_inputs(layout: Layout) -> Inputs:
    """:func:`read_inputs`, strict: CTKGError with every error if there is any."""
    inputs = read_inputs(layout)
    if inputs.errors:
        raise CTKGError(inputs.errors)
    return inputs


def _kind_problems(registry: Registry, ontology: Ontology) -> list[Problem]:
    """A registry entry of a known class that has no IRI kind (e.g. a Pillar) has no IRI."""
    where = display_path(registry.path)
    return [Problem(where, entry.line, f"{slug}: type {entry.type!r} has no IRI kind "
                                       "(not a class of a kind that design.md names)")
            for slug, entry in registry.entries.items()
            if entry.type in ontology.classes and ontology.kind_of(entry.type) is None]


def entity_iris(inputs: Inputs) -> dict[str, str]:
    """Registry slug -> instance IRI ``id/<kind>/<slug>`` (entries without a kind left out:
    :func:`read_inputs` reports them)."""
    out: dict[str, str] = {}
    for slug, entry in inputs.registry.entries.items():
        kind = inputs.ontology.kind_of(entry.type)
        if kind is not None:
            out[slug] = f"{ID}{kind}/{slug}"
    return out
