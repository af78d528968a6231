"""What links are made from: registry entries and ontology concepts, their types and kinds.

The link checks, suggestions and the build's link triples need only a little of each
registry entry (type, label, alt_labels), read leniently so that a broken registry still
lets the link checks run; the strict reading is :mod:`ctkg.inputs.registry`'s job.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ctkg.errors import CTKGError
from ctkg.inputs.links import toml_error_line
from ctkg.paths import Layout
from ctkg.rdf.namespaces import CONCEPT_KINDS, FIXED_KINDS, ID, SLUG_RE, WD, entity_iri

# Registry types (design.md) grouped by IRI kind and by type rule.
ORGANIZATION_TYPES = frozenset({
    "Organization", "IntergovernmentalOrganization", "UNEntity", "State", "MemberState",
    "NonStateArmedGroup", "TerroristGroup", "PrivateCompany", "CivilSocietyOrganization",
    "AcademicInstitution", "GovernmentAgency", "MediaOrganization",
})
STATE_TYPES = frozenset({"State", "MemberState"})
EVENT_TYPES = frozenset({
    "Event", "Conference", "HighLevelConference", "RegionalConference", "Meeting",
    "SecurityCouncilMeeting", "SideEvent", "Session", "Interview", "Speech", "Review",
    "Congress", "CounterTerrorismWeek", "Attack",
})
CONCEPT_TYPES = frozenset({"Threat", "PolicyGoal", "Technology", "Pillar"})


def kind_for_type(reg_type: str) -> str | None:
    """The IRI kind (``id/<kind>/<slug>``) of a registry type, per design.md."""
    if reg_type in FIXED_KINDS:
        return FIXED_KINDS[reg_type]
    if reg_type in ORGANIZATION_TYPES:
        return "org"
    if reg_type in EVENT_TYPES:
        return "event"
    if reg_type == "Pillar":
        return "pillar"
    return None


@dataclass(frozen=True)
class RegistryEntry:
    slug: str
    type: str
    label: str
    alt_labels: tuple[str, ...] = ()


def load_registry_entries(path: Path) -> dict[str, RegistryEntry]:
    """Slug → (type, label, alt_labels) from data/registry.toml; CTKGError if unreadable."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CTKGError.single(path, None, "missing: the registry is needed here") from None
    except tomllib.TOMLDecodeError as exc:
        raise CTKGError.single(path, toml_error_line(exc), f"not valid TOML: {exc}") from None
    out: dict[str, RegistryEntry] = {}
    for slug, entry in data.items():
        if not isinstance(entry, dict):
            continue
        alts = entry.get("alt_labels", [])
        out[slug] = RegistryEntry(
            slug, str(entry.get("type", "")), str(entry.get("label", "")),
            tuple(a for a in alts if isinstance(a, str)) if isinstance(alts, list) else ())
    return out


#: Concept IRI kind -> registry type (namespaces.CONCEPT_KINDS inverted, plus pillars).
CONCEPT_KIND_TYPES = {**{kind: t for t, kind in CONCEPT_KINDS.items()}, "pillar": "Pillar"}


@dataclass
class OntologyConcept:
    entry: RegistryEntry
    matches: dict[str, str]  # QID -> "exact" | "close", as ontology/concepts.ttl states them


def ontology_concepts(layout: Layout) -> dict[str, OntologyConcept]:
    """Concepts of ontology/concepts.ttl by slug (type from the IRI kind, prefLabel, altLabel,
    skos matches to Wikidata); {} if the file is missing or does not parse (its own check
    reports that)."""
    path = layout.ontology_dir / "concepts.ttl"
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError, ValueError):
        return {}
    base = str(ID)
    found: dict[str, dict[str, Any]] = {}
    for q in quads:
        s = q.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(base):
            continue
        kind, _, slug = s.value[len(base):].partition("/")
        if kind not in CONCEPT_KIND_TYPES or not SLUG_RE.match(slug):
            continue
        rec = found.setdefault(slug, {"type": CONCEPT_KIND_TYPES[kind], "label": "",
                                      "alts": [], "matches": {}})
        p, o = q.predicate.value, q.object
        if isinstance(o, ox.Literal) and o.language in (None, "en"):
            if p in (str(SKOS.prefLabel), str(RDFS.label)) and not rec["label"]:
                rec["label"] = o.value
            elif p == str(SKOS.altLabel):
                rec["alts"].append(o.value)
        elif isinstance(o, ox.NamedNode) and o.value.startswith(str(WD)):
            if p == str(SKOS.exactMatch):
                rec["matches"][o.value[len(str(WD)):]] = "exact"
            elif p == str(SKOS.closeMatch):
                rec["matches"][o.value[len(str(WD)):]] = "close"
    return {slug: OntologyConcept(RegistryEntry(slug, r["type"], r["label"],
                                                tuple(sorted(r["alts"]))), r["matches"])
            for slug, r in found.items()}


def registry_iri_for_slug(registry: dict[str, RegistryEntry]) -> Callable[[str], URIRef]:
    """A slug → instance IRI function whose kind follows the registry type (design.md)."""

    def iri(slug: str) -> URIRef:
        entry = registry[slug]
        kind = kind_for_type(entry.type)
        if kind is None:
            raise KeyError(f"{slug}: no IRI kind for registry type {entry.type!r}")
        return entity_iri(kind, slug)

    return iri
