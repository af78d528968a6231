"""What a link points from: the registry entry, or the ``concepts.ttl`` concept, of its slug.

An entity link (``[slug]``) belongs to a registry entry; a concept link (``[concept.slug]``)
to a registry entry of a concept class or to a concept that only ``concepts.ttl`` knows.
Both are seen as an :class:`~ctkg.inputs.registry.Entry` (type, label, alt labels), which
is all that the checks and suggestions need.
"""

from __future__ import annotations

from ctkg.inputs import Inputs
from ctkg.inputs.links import ConceptLink, EntityLink
from ctkg.inputs.ontology import Concept
from ctkg.inputs.registry import Entry


def concept_entry(concept: Concept) -> Entry:
    """A concept of ``concepts.ttl`` as a registry-like entry."""
    return Entry(concept.slug, concept.type, concept.label, concept.alt_labels)


def link_target(link: EntityLink, inputs: Inputs) -> Entry | None:
    """The entry a link belongs to: its registry entry, else (for a concept link) the
    concept of ``concepts.ttl`` with its slug; None if neither knows the slug."""
    entry = inputs.registry.get(link.slug)
    if entry is not None:
        return entry
    concept = inputs.ontology.concepts.get(link.slug)
    if isinstance(link, ConceptLink) and concept is not None:
        return concept_entry(concept)
    return None


def is_concept(type_: str, inputs: Inputs) -> bool:
    """A registry type that is a SKOS concept class (linked by a match, not sameAs)."""
    return type_ in inputs.ontology.concept_types
