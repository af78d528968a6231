"""Wikidata links: the offline cache (``--refresh``), candidate IDs (``--suggest``) and checks.

The links themselves are curated by people in ``data/wikidata/links.toml`` (design.md); this
module never writes that file. It fetches what Wikidata says about each linked item into
``data/wikidata/cache.ttl`` (Wikidata's own vocabulary), so that builds and checks run
offline, and it checks each link against that cache: ID syntax, one QID per registry entry,
type compatibility (P31) and label agreement. A wrong link is worse than none, so the checks
are strict where the answer is certain and warn where a person must judge.

API for the build: :func:`check_links`, :func:`link_triples`, :func:`load_links`,
:func:`load_cache`, :func:`wikidata_graph`. Policy and workflow: docs/wikidata.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SKOS, XSD
from rdflib.term import Node

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.namespaces import (
    CTKG,
    FIXED_KINDS,
    ID,
    QID_RE,
    SLUG_RE,
    WD,
    WDT,
    entity_iri,
    graph_iri,
)
from ctkg.paths import Layout
from ctkg.wikidata import WDQS_ENDPOINT, WikidataClient

# Wikidata's own vocabulary. Note: Wikidata's schema: is http://schema.org/, not the https
# form CTKG uses elsewhere; the cache keeps Wikidata's IRIs unchanged.
WD_SCHEMA = Namespace("http://schema.org/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")

CACHE_PREFIXES: dict[str, str] = {
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "schema": str(WD_SCHEMA),
    "skos": str(SKOS),
    "wd": str(WD),
    "wdt": str(WDT),
    "wikibase": str(WIKIBASE),
    "xsd": str(XSD),
}

#: Truthy properties kept in the cache: what the checks and the enrich queries need.
FACT_PROPERTIES: dict[str, str] = {
    "P31": "instance of",
    "P279": "subclass of",  # lets concept links be recognised as classes
    "P17": "country",
    "P39": "position held",
    "P159": "headquarters location",
    "P131": "located in the administrative territorial entity",
    "P27": "country of citizenship",
    "P571": "inception",
    "P856": "official website",
    "P463": "member of",
}
LABEL_PREDICATES = (RDFS.label, WD_SCHEMA.description, SKOS.altLabel)

CACHE_META_NAME = "cache-meta.json"
CACHE_HEADER = (b"# Offline cache of Wikidata facts for the QIDs linked in links.toml.\n"
                b"# Written by `ctkg link --refresh`; do not edit by hand. See docs/wikidata.md.\n")
QUERY_BATCH = 100  # QIDs per refresh query
NAME_BATCH = 40  # labels per suggest query
NO_ITEM_RE = re.compile(r"\bno\b.*\bitem\b", re.IGNORECASE)

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


# ---------------------------------------------------------------------------------------
# Type compatibility: an explicit, small table (no subclass reasoning offline).

HUMAN = {"Q5": "human"}
STATE_CLASSES = {
    "Q6256": "country",
    "Q3624078": "sovereign state",
    "Q7275": "state",
}
PLACE_CLASSES = {
    "Q515": "city",
    "Q1549591": "big city",
    "Q1637706": "city with millions of inhabitants",
    "Q5119": "capital city",
    "Q486972": "human settlement",
    "Q3957": "town",
    "Q532": "village",
    "Q82794": "geographic region",
    "Q5107": "continent",
    "Q35657": "state of the United States",
    "Q10864048": "first-level administrative country subdivision",
}
BUILDING_CLASSES = {
    "Q41176": "building",
    "Q13226383": "facility",
}
ORGANIZATION_CLASSES = {
    "Q43229": "organization",
    "Q484652": "international organization",
    "Q245065": "intergovernmental organization",
    "Q15925165": "specialized agency of the United Nations",
    "Q327333": "government agency",
    "Q2659904": "government organization",
    "Q4830453": "business",
    "Q783794": "company",
    "Q891723": "public company",
    "Q163740": "nonprofit organization",
    "Q79913": "non-governmental organization",
    "Q7278": "political party",
    "Q17149090": "armed organization",
    "Q3918": "university",
    "Q31855": "research institute",
    "Q11032": "newspaper",
}
POST_CLASSES = {
    "Q4164871": "position",
    "Q294414": "public office",
}
EVENT_CLASSES = {
    "Q1656682": "event",
    "Q1190554": "occurrence",
    "Q2223653": "terrorist attack",
    "Q2020153": "academic conference",
}
INSTRUMENT_CLASSES = {
    "Q131569": "treaty",
    "Q7748": "law",
}
KNOWN_CLASSES: dict[str, str] = {
    **HUMAN, **STATE_CLASSES, **PLACE_CLASSES, **BUILDING_CLASSES, **ORGANIZATION_CLASSES,
    **POST_CLASSES, **EVENT_CLASSES, **INSTRUMENT_CLASSES,
}


@dataclass(frozen=True)
class TypeRule:
    """What a registry type may be linked to, judged from the item's P31 classes.

    ``required``: without a compatible class the link is an error (Person needs Q5).
    ``subclass_ok``: an item with P279 (a class) counts as compatible (concepts).
    """

    compatible: frozenset[str]
    incompatible: frozenset[str]
    required: bool = False
    subclass_ok: bool = False


def _keys(*tables: dict[str, str]) -> frozenset[str]:
    return frozenset(k for t in tables for k in t)


TYPE_RULES: dict[str, TypeRule] = {
    # A person is a human (Q5), nothing else will do.
    "Person": TypeRule(_keys(HUMAN), frozenset(), required=True),
    # A state is a country/sovereign state, never a human or a city.
    "State": TypeRule(_keys(STATE_CLASSES), _keys(HUMAN, PLACE_CLASSES, POST_CLASSES)),
    # An organization is not a human, a place, a country (use State) or a post.
    "Organization": TypeRule(_keys(ORGANIZATION_CLASSES),
                             _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, POST_CLASSES)),
    # A place may be a settlement, region, country or building, never a human or an org.
    "Place": TypeRule(_keys(PLACE_CLASSES, STATE_CLASSES, BUILDING_CLASSES),
                      _keys(HUMAN, ORGANIZATION_CLASSES, POST_CLASSES)),
    # A post (office) is not the person who holds it.
    "Post": TypeRule(_keys(POST_CLASSES), _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES)),
    "Event": TypeRule(_keys(EVENT_CLASSES),
                      _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, ORGANIZATION_CLASSES)),
    "PolicyInstrument": TypeRule(_keys(INSTRUMENT_CLASSES),
                                 _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES,
                                       ORGANIZATION_CLASSES)),
    # A concept (threat, goal, technology) is a class or notion, not a particular thing.
    "Concept": TypeRule(frozenset(),
                        _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, ORGANIZATION_CLASSES,
                              POST_CLASSES),
                        subclass_ok=True),
}


def rule_name(reg_type: str) -> str | None:
    """Which :data:`TYPE_RULES` entry applies to a registry type."""
    if reg_type in STATE_TYPES:
        return "State"
    if reg_type in ORGANIZATION_TYPES:
        return "Organization"
    if reg_type in EVENT_TYPES:
        return "Event"
    if reg_type in CONCEPT_TYPES:
        return "Concept"
    if reg_type in TYPE_RULES:
        return reg_type
    return None


def _class_list(qids: Iterable[str]) -> str:
    return ", ".join(f"{q} ({KNOWN_CLASSES[q]})" if q in KNOWN_CLASSES else q
                     for q in sorted(qids, key=_qid_number))


def judge_types(reg_type: str, p31: set[str], has_p279: bool = False
                ) -> tuple[str, str | None]:
    """("ok" | "warning" | "error", message) for a registry type against an item's P31.

    Rule: a compatible class → ok; else an incompatible class (or a required one missing)
    → error; else (unknown classes, no P31) → warning for a person to judge.
    """
    name = rule_name(reg_type)
    if name is None:
        return "warning", f"no type rule for registry type {reg_type}: check the link by hand"
    rule = TYPE_RULES[name]
    if p31 & rule.compatible or (rule.subclass_ok and has_p279):
        return "ok", None
    bad = p31 & rule.incompatible
    if bad:
        return "error", (f"type mismatch: {reg_type} linked to an item that is an instance of "
                         f"{_class_list(bad)}")
    if not p31:
        # Nothing to judge by: an offline cache assembled from evidence may lack P31.
        return "warning", "the item has no P31 (instance of) in the cache: check by hand"
    if rule.required:
        return "error", (f"type mismatch: {reg_type} needs an instance of "
                         f"{_class_list(rule.compatible)}, the item has {_class_list(p31)}")
    return "warning", (f"P31 {_class_list(p31)} not in the type table for {reg_type}: "
                       "check by hand")


# ---------------------------------------------------------------------------------------
# links.toml


def _qid_number(qid: str) -> tuple[int, str]:
    return (int(qid[1:]), qid) if QID_RE.match(qid) else (sys.maxsize, qid)


def _split_dotted(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', key)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)


@dataclass
class TomlLines:
    """Line numbers of table headers and of keys inside tables, found by scanning the text
    (tomllib does not report positions)."""

    headers: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> TomlLines:
        found = cls()
        current: tuple[str, ...] = ()
        header = re.compile(r"^\s*\[(?!\[)\s*(.+?)\s*\]\s*(?:#.*)?$")
        key = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\-"' ]+?)\s*=""")
        for number, line in enumerate(text.splitlines(), start=1):
            m = header.match(line)
            if m:
                current = _split_dotted(m.group(1))
                found.headers.setdefault(current, number)
                continue
            m = key.match(line)
            if m:
                path = current + _split_dotted(m.group(1))
                found.keys.setdefault(path, number)
                # a dotted key `a.b = …` at top level also "opens" the table a
                found.headers.setdefault(path[:-1], number) if len(path) > 1 else None
        return found

    def header(self, *path: str) -> int | None:
        return self.headers.get(path) or self.keys.get(path)

    def key(self, *path: str) -> int | None:
        return self.keys.get(path) or self.header(*path[:-1])


MATCH_VALUES = {
    "exact": "exact", "exactmatch": "exact", "skos:exactmatch": "exact",
    "close": "close", "closematch": "close", "skos:closematch": "close",
}


@dataclass
class Links:
    """links.toml, parsed: raw tables plus where they are."""

    path: Path
    data: dict[str, Any]
    lines: TomlLines
    problems: list[Problem]

    def entities(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.data.items() if k != "concept" and isinstance(v, dict)}

    def concepts(self) -> dict[str, dict[str, Any]]:
        c = self.data.get("concept", {})
        return {k: v for k, v in c.items() if isinstance(v, dict)} if isinstance(c, dict) else {}


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def _parse_links(path: Path, shown: str | None = None) -> Links:
    """Parse links.toml and collect the syntax problems (never raises for a bad file)."""
    shown = shown or display_path(path)
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Links(path, {}, TomlLines(), [])
    except (OSError, UnicodeDecodeError) as exc:
        return Links(path, {}, TomlLines(), [Problem(shown, None, f"cannot read: {exc}")])
    lines = TomlLines.scan(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return Links(path, {}, lines, [Problem(shown, _toml_error_line(exc),
                                               f"not valid TOML: {msg}")])

    def check_entry(prefix: tuple[str, ...], slug: str, entry: Any) -> None:
        where = lines.header(*prefix, slug)
        if not isinstance(entry, dict):
            problems.append(Problem(shown, where, f"{'.'.join((*prefix, slug))} must be a "
                                                  "table"))
            return
        if not SLUG_RE.match(slug):
            problems.append(Problem(shown, where, f"'{slug}' is not a registry slug "
                                                  "(lowercase ASCII, digits, '-')"))
        if "qid" in entry:
            qid = entry["qid"]
            if not isinstance(qid, str) or not QID_RE.match(qid):
                problems.append(Problem(
                    shown, lines.key(*prefix, slug, "qid"),
                    f"malformed QID {qid!r} for {slug}: want Q followed by digits, e.g. "
                    "\"Q42\" (not a URL, not wd:Q42)"))
        for text_key in ("evidence", "wikidata_label", "unlinked", "note"):
            if text_key in entry and not isinstance(entry[text_key], str):
                problems.append(Problem(shown, lines.key(*prefix, slug, text_key),
                                        f"{text_key} of {slug} must be a string"))
        if prefix:
            match = entry.get("match")
            if "qid" in entry and (not isinstance(match, str)
                                   or match.lower() not in MATCH_VALUES):
                problems.append(Problem(
                    shown, lines.key(*prefix, slug, "match") if "match" in entry else where,
                    f"concept {slug}: match must be \"exact\" or \"close\" "
                    f"(skos:exactMatch / skos:closeMatch), got {match!r}"))

    for slug, entry in data.items():
        if slug == "concept" and isinstance(entry, dict):
            for cslug, centry in entry.items():
                check_entry(("concept",), cslug, centry)
        else:
            check_entry((), slug, entry)
    return Links(path, data, lines, problems)


def load_links(path: Path | str) -> dict[str, Any]:
    """links.toml as a dict: ``{slug: {qid, evidence, wikidata_label} | {unlinked},
    "concept": {slug: {qid, match, evidence}}}``.

    A missing file is no links ({}). A file that does not parse, or a malformed QID or
    concept match, raises CTKGError naming the file and line.
    """
    links = _parse_links(Path(path))
    errors = [p for p in links.problems if p.severity == "error"]
    if errors:
        raise CTKGError(errors)
    return links.data


def _match_predicate(match: str) -> URIRef:
    return SKOS.exactMatch if MATCH_VALUES[match.lower()] == "exact" else SKOS.closeMatch


def link_triples(links: dict[str, Any], iri_for_slug: Callable[[str], URIRef]
                 ) -> list[tuple[Node, Node, Node]]:
    """The link triples for the registry graph, sorted: entities get ``owl:sameAs wd:Q…``,
    concepts ``skos:exactMatch``/``skos:closeMatch wd:Q…``; both ``ctkg:wikidataEvidence``.

    ``links`` is what :func:`load_links` returns; ``iri_for_slug`` maps a slug to its
    instance IRI (its kind follows the registry type; KeyError propagates for unknown slugs).
    """
    out: set[tuple[Node, Node, Node]] = set()

    def add(slug: str, entry: dict[str, Any], predicate: URIRef) -> None:
        qid = entry.get("qid")
        if qid is None:
            return
        if not isinstance(qid, str) or not QID_RE.match(qid):
            raise CTKGError([Problem("data/wikidata/links.toml", None,
                                     f"malformed QID {qid!r} for {slug}")])
        subject = iri_for_slug(slug)
        out.add((subject, predicate, WD[qid]))
        evidence = entry.get("evidence")
        if isinstance(evidence, str) and evidence.strip():
            out.add((subject, CTKG.wikidataEvidence, Literal(evidence.strip())))

    for slug, entry in links.items():
        if slug == "concept":
            continue
        if isinstance(entry, dict):
            add(slug, entry, OWL.sameAs)
    concepts = links.get("concept", {})
    for slug, entry in (concepts.items() if isinstance(concepts, dict) else ()):
        if isinstance(entry, dict) and entry.get("qid") is not None:
            match = entry.get("match")
            if not isinstance(match, str) or match.lower() not in MATCH_VALUES:
                raise CTKGError([Problem("data/wikidata/links.toml", None,
                                         f"concept {slug}: match must be exact or close")])
            add(slug, entry, _match_predicate(match))
    return sorted(out, key=lambda t: tuple(x.n3() for x in t))


def linked_qids(links: dict[str, Any]) -> list[str]:
    """Every QID linked in links.toml (entities and concepts), sorted numerically, unique."""
    qids: set[str] = set()
    tables = [v for k, v in links.items() if k != "concept" and isinstance(v, dict)]
    concepts = links.get("concept", {})
    if isinstance(concepts, dict):
        tables += [v for v in concepts.values() if isinstance(v, dict)]
    for entry in tables:
        qid = entry.get("qid")
        if isinstance(qid, str) and QID_RE.match(qid):
            qids.add(qid)
    return sorted(qids, key=_qid_number)


# ---------------------------------------------------------------------------------------
# registry.toml (read directly: only type, label and alt_labels are needed here)


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
        raise CTKGError.single(path, _toml_error_line(exc), f"not valid TOML: {exc}") from None
    out: dict[str, RegistryEntry] = {}
    for slug, entry in data.items():
        if not isinstance(entry, dict):
            continue
        alts = entry.get("alt_labels", [])
        out[slug] = RegistryEntry(
            slug, str(entry.get("type", "")), str(entry.get("label", "")),
            tuple(a for a in alts if isinstance(a, str)) if isinstance(alts, list) else ())
    return out


CONCEPT_KIND_TYPES = {"threat": "Threat", "goal": "PolicyGoal", "technology": "Technology",
                      "pillar": "Pillar"}


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


# ---------------------------------------------------------------------------------------
# The offline cache


def _ox_to_rdflib(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def _parse_cache_triples(path: Path, shown: str) -> list[ox.Triple]:
    """The cache's triples; CTKGError naming the file and line if it does not parse."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CTKGError([Problem(shown, None, "missing: run ctkg link --refresh")]) from None
    try:
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        msg = exc.msg if hasattr(exc, "msg") else str(exc)
        raise CTKGError([Problem(shown, exc.lineno, f"does not parse as Turtle: {msg}")]
                        ) from None
    for t in triples:
        if any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object)):
            raise CTKGError([Problem(shown, None, "blank nodes are not allowed in the cache")])
    return triples


def load_cache(path: Path | str) -> Graph:
    """The offline cache as an rdflib Graph (Wikidata vocabulary, prefixes bound).

    Raises CTKGError naming the file (and line) if it is missing or does not parse.
    """
    path = Path(path)
    graph = Graph()
    for prefix, ns in CACHE_PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    for t in _parse_cache_triples(path, display_path(path)):
        graph.add((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate),
                   _ox_to_rdflib(t.object)))
    return graph


def serialize_cache(triples: Iterable[ox.Triple]) -> bytes:
    """Deterministic Turtle: triples sorted by their N-Triples form, fixed prefixes."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate),
                                                   str(t.object)))
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=CACHE_PREFIXES) or b""
    # The serializer's own @prefix order is not part of its contract: write ours, sorted.
    lines = body.split(b"\n")
    while lines and lines[0].startswith(b"@prefix "):
        lines.pop(0)
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(CACHE_PREFIXES.items()))
    return CACHE_HEADER + prefixes.encode("utf-8") + b"\n" + b"\n".join(lines)


def cache_meta_path(layout: Layout) -> Path:
    return layout.wikidata_cache.with_name(CACHE_META_NAME)


def write_files_atomically(files: dict[Path, bytes]) -> None:
    """Write every file to a temp file in its folder, fsync, then os.replace them in turn.

    Nothing is replaced until every temp file is complete, so a failure leaves the old files
    intact; the replacements themselves are renames.
    """
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps[path] = Path(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for path, tmp in temps.items():
            os.replace(tmp, path)
        for folder in {p.parent for p in files}:
            try:
                dfd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(dfd)
            except OSError:
                pass
            finally:
                os.close(dfd)
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()


# ---------------------------------------------------------------------------------------
# --refresh


def fetch_query(qids: Sequence[str]) -> str:
    """One batched SELECT for labels, description, aliases, key facts, sitelinks, redirects."""
    values = " ".join(f"wd:{q}" for q in qids)
    props = " ".join(f"wdt:{p}" for p in FACT_PROPERTIES)
    return f"""PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{WD_SCHEMA}>
PREFIX wikibase: <{WIKIBASE}>
PREFIX owl: <{OWL}>
SELECT ?item ?p ?o WHERE {{
  VALUES ?item {{ {values} }}
  {{
    VALUES ?p {{ rdfs:label schema:description skos:altLabel }}
    ?item ?p ?o .
    FILTER(LANG(?o) = "en")
  }} UNION {{
    VALUES ?p {{ {props} }}
    ?item ?p ?o .
  }} UNION {{
    ?item wikibase:sitelinks ?o .
    BIND(wikibase:sitelinks AS ?p)
  }} UNION {{
    ?item owl:sameAs ?o .
    BIND(owl:sameAs AS ?p)
  }}
}}"""


class MalformedAnswer(ValueError):
    """The endpoint's JSON does not have the shape our query asks for."""


def _term_from_json(term: dict[str, str]) -> ox.NamedNode | ox.Literal | None:
    kind = term.get("type")
    value = term.get("value")
    if not isinstance(value, str):
        raise MalformedAnswer("a value that is not a string")
    if kind == "uri":
        if "/.well-known/genid/" in value:
            return None  # Wikidata's "unknown value": no information, and unstable
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise MalformedAnswer(f"bad IRI {value!r}") from exc
    if kind in ("literal", "typed-literal"):
        lang = term.get("xml:lang")
        dt = term.get("datatype")
        try:
            if lang:
                return ox.Literal(value, language=lang)
            if dt:
                return ox.Literal(value, datatype=ox.NamedNode(dt))
            return ox.Literal(value)
        except ValueError as exc:
            raise MalformedAnswer(f"bad literal {value!r}") from exc
    if kind == "bnode":
        return None
    raise MalformedAnswer(f"unknown term type {kind!r}")


def triples_from_bindings(bindings: list[dict[str, dict[str, str]]], qids: Iterable[str]
                          ) -> set[ox.Triple]:
    """Validate the answer to :func:`fetch_query` and turn it into cache triples."""
    wanted = {str(WD[q]) for q in qids}
    label_preds = {str(p) for p in LABEL_PREDICATES}
    fact_preds = {str(WDT[p]) for p in FACT_PROPERTIES}
    out: set[ox.Triple] = set()
    for b in bindings:
        if not all(k in b for k in ("item", "p", "o")):
            raise MalformedAnswer("a row without ?item ?p ?o")
        item, pred = b["item"], b["p"]
        if item.get("type") != "uri" or item.get("value") not in wanted:
            raise MalformedAnswer(f"an item we did not ask for: {item.get('value')!r}")
        if pred.get("type") != "uri":
            raise MalformedAnswer("a predicate that is not an IRI")
        p = pred["value"]
        obj = _term_from_json(b["o"])
        if obj is None:
            continue
        if p in label_preds:
            if not isinstance(obj, ox.Literal) or obj.language != "en":
                raise MalformedAnswer(f"{p} without an English literal")
        elif p == str(WIKIBASE.sitelinks):
            if not isinstance(obj, ox.Literal):
                raise MalformedAnswer("wikibase:sitelinks is not a literal")
        elif p == str(OWL.sameAs):
            if not isinstance(obj, ox.NamedNode) or not obj.value.startswith(str(WD)):
                raise MalformedAnswer("owl:sameAs to something that is not a Wikidata item")
        elif p not in fact_preds:
            raise MalformedAnswer(f"a property we did not ask for: {p}")
        out.add(ox.Triple(ox.NamedNode(item["value"]), ox.NamedNode(p), obj))
    return out


@dataclass
class RefreshResult:
    qids: list[str]
    triples: int
    missing: list[str]
    redirects: dict[str, str]


def refresh(layout: Layout, endpoint: str = WDQS_ENDPOINT, timeout: float = 60.0,
            client: WikidataClient | None = None) -> RefreshResult:
    """Fetch every linked QID and replace cache.ttl + cache-meta.json; on any failure the
    old files stay as they were (nothing is written before everything is fetched)."""
    links = load_links(layout.links)
    qids = linked_qids(links)
    client = client or WikidataClient(endpoint, timeout=timeout)
    triples: set[ox.Triple] = set()
    for start in range(0, len(qids), QUERY_BATCH):
        chunk = qids[start:start + QUERY_BATCH]
        bindings = client.select(fetch_query(chunk))
        try:
            triples |= triples_from_bindings(bindings, chunk)
        except MalformedAnswer as exc:
            raise CTKGError([Problem(client.endpoint, None, f"malformed answer: {exc}")]
                            ) from None
    subjects = {t.subject.value for t in triples}
    missing = [q for q in qids if str(WD[q]) not in subjects]
    redirects = {t.subject.value.rsplit("/", 1)[1]: t.object.value.rsplit("/", 1)[1]
                 for t in triples if t.predicate.value == str(OWL.sameAs)}
    content = serialize_cache(triples)
    meta = {
        "endpoint": client.endpoint,
        "retrieved": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "qids": qids,
        "missing": missing,
        "redirects": dict(sorted(redirects.items(), key=lambda kv: _qid_number(kv[0]))),
        "triples": len(triples),
        "cache_sha256": hashlib.sha256(content).hexdigest(),
        "user_agent": client.agent,
    }
    meta_bytes = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_files_atomically({layout.wikidata_cache: content, cache_meta_path(layout): meta_bytes})
    return RefreshResult(qids, len(triples), missing, redirects)


# ---------------------------------------------------------------------------------------
# --check


def _rel(layout: Layout, path: Path) -> str:
    try:
        return path.resolve().relative_to(layout.root.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def normalize_label(text: str) -> str:
    """Casefolded, accents and punctuation removed, spaces collapsed: for label agreement."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


@dataclass
class CachedItem:
    labels: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    p31: set[str] = field(default_factory=set)
    has_p279: bool = False
    same_as: str | None = None


def _index_cache(triples: Iterable[ox.Triple]) -> dict[str, CachedItem]:
    items: dict[str, CachedItem] = {}
    wd = str(WD)
    for t in triples:
        s = t.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(wd):
            continue
        item = items.setdefault(s.value[len(wd):], CachedItem())
        p, o = t.predicate.value, t.object
        if p == str(RDFS.label) and isinstance(o, ox.Literal) and o.language == "en":
            item.labels.append(o.value)
        elif p == str(SKOS.altLabel) and isinstance(o, ox.Literal) and o.language == "en":
            item.aliases.append(o.value)
        elif p == str(WDT.P31) and isinstance(o, ox.NamedNode) and o.value.startswith(wd):
            item.p31.add(o.value[len(wd):])
        elif p == str(WDT.P279):
            item.has_p279 = True
        elif p == str(OWL.sameAs) and isinstance(o, ox.NamedNode) and o.value.startswith(wd):
            item.same_as = o.value[len(wd):]
    return items


def check_links(layout: Layout, registry: dict[str, RegistryEntry] | None = None
                ) -> list[Problem]:
    """Every link check, offline: errors and warnings, sorted by file and line.

    links.toml syntax and QIDs; slugs known to the registry and of the right table kind;
    evidence present; one QID per registry entry; every QID in the cache; P31 type
    compatibility; label agreement (warnings). ``registry`` defaults to data/registry.toml.
    """
    links_file = _rel(layout, layout.links)
    cache_file = _rel(layout, layout.wikidata_cache)
    registry_file = _rel(layout, layout.registry)
    links = _parse_links(layout.links, links_file)
    problems = list(links.problems)
    if not layout.links.exists():
        return problems
    lines = links.lines

    if registry is None:
        try:
            registry = load_registry_entries(layout.registry)
        except CTKGError as exc:
            problems += [Problem(registry_file, p.line, p.message + "; registry checks skipped",
                                 "warning") for p in exc.problems]
            registry = None

    onto = ontology_concepts(layout)
    # (slug, is_concept) -> entry with a well-formed qid
    linked: dict[tuple[str, bool], dict[str, Any]] = {}
    for is_concept, table in ((False, links.entities()), (True, links.concepts())):
        prefix = ("concept",) if is_concept else ()
        for slug, entry in table.items():
            where = lines.header(*prefix, slug)
            name = f"concept.{slug}" if is_concept else slug

            def err(msg: str, line: int | None = where, severity: str = "error") -> None:
                problems.append(Problem(links_file, line, msg, severity))

            has_qid = "qid" in entry
            unlinked = entry.get("unlinked")
            if has_qid and unlinked is not None:
                err(f"{name}: both qid and unlinked; keep one")
            elif not has_qid and unlinked is None:
                err(f"{name}: needs qid (with evidence) or unlinked = \"reason\"")
            elif unlinked is not None and (not isinstance(unlinked, str) or not unlinked.strip()):
                err(f"{name}: unlinked needs a reason", lines.key(*prefix, slug, "unlinked"))
            if has_qid:
                evidence = entry.get("evidence")
                if not isinstance(evidence, str) or not evidence.strip():
                    err(f"{name}: a link needs evidence (a page URL, a dataset file and line, "
                        "or a quote pairing the label and the ID)")
            if is_concept and slug in onto:
                stated = onto[slug].matches
                mine = MATCH_VALUES.get(str(entry.get("match", "")).lower())
                qid_here = entry.get("qid")
                if stated and (qid_here not in stated or stated.get(qid_here) != mine):
                    said = ", ".join(f"{m}Match {q}" for q, m in sorted(stated.items()))
                    err(f"{name}: differs from ontology/concepts.ttl ({said}); keep them in "
                        "agreement", severity="warning")
            if registry is not None:
                reg = registry.get(slug)
                if reg is None and is_concept and slug in onto:
                    pass  # a concept known to ontology/concepts.ttl only
                elif reg is None:
                    err(f"{name}: no such slug in {registry_file}"
                        + (" or ontology/concepts.ttl" if is_concept else ""))
                elif is_concept and reg.type not in CONCEPT_TYPES:
                    err(f"{name}: {slug} is a {reg.type}, not a concept: link it under [{slug}] "
                        "(owl:sameAs)")
                elif not is_concept and reg.type in CONCEPT_TYPES:
                    err(f"{slug}: {slug} is a concept ({reg.type}): link it under "
                        f"[concept.{slug}] with match = \"exact\" or \"close\"")
            qid = entry.get("qid")
            if isinstance(qid, str) and QID_RE.match(qid):
                linked[(slug, is_concept)] = entry

    # One QID, one registry entry (closeMatch concepts may share: that is only a warning).
    by_qid: dict[str, list[tuple[str, bool]]] = {}
    for key, entry in linked.items():
        by_qid.setdefault(entry["qid"], []).append(key)
    for qid, keys in by_qid.items():
        if len(keys) < 2:
            continue
        names = ", ".join(("concept." if c else "") + s for s, c in sorted(keys))
        close = any(c and MATCH_VALUES.get(str(linked[(s, c)].get("match", "")).lower())
                    == "close" for s, c in keys)
        for slug, is_concept in sorted(keys):
            problems.append(Problem(
                links_file, lines.header(*(("concept",) if is_concept else ()), slug),
                f"{qid} is linked from more than one registry entry: {names}",
                "warning" if close else "error"))

    # Everything below needs the cache.
    items: dict[str, CachedItem] | None = None
    if linked:
        try:
            items = _index_cache(_parse_cache_triples(layout.wikidata_cache, cache_file))
        except CTKGError as exc:
            missing_cache = not layout.wikidata_cache.exists()
            if not missing_cache:
                problems += exc.problems
                items = None
            else:
                items = {}
        meta_problem = _check_meta(layout, cache_file)
        if meta_problem:
            problems.append(meta_problem)

    for (slug, is_concept), entry in sorted(linked.items()):
        if items is None:
            break
        prefix = ("concept",) if is_concept else ()
        where = lines.header(*prefix, slug)
        name = f"concept.{slug}" if is_concept else slug
        qid = entry["qid"]
        item = items.get(qid)
        if item is None:
            problems.append(Problem(links_file, where, f"{name}: {qid} not in the offline "
                                                        "cache: run ctkg link --refresh"))
            continue
        if item.same_as:
            problems.append(Problem(links_file, where, f"{name}: {qid} is a redirect to "
                                    f"{item.same_as} on Wikidata: link {item.same_as} instead"))
            continue
        reg = registry.get(slug) if registry is not None else None
        if reg is None and is_concept and slug in onto:
            reg = onto[slug].entry
        if reg is not None:
            verdict, msg = judge_types(reg.type, item.p31, item.has_p279)
            if verdict != "ok" and msg:
                problems.append(Problem(links_file, where, f"{name} → {qid}: {msg}", verdict))
            problems += _label_problems(links_file, where, name, qid, reg, entry, item)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.severity, p.message))


def _label_problems(file: str, line: int | None, name: str, qid: str, reg: RegistryEntry,
                    entry: dict[str, Any], item: CachedItem) -> list[Problem]:
    """Warnings (never errors) where our names and Wikidata's do not agree."""
    out: list[Problem] = []
    theirs = {normalize_label(x) for x in item.labels + item.aliases} - {""}
    ours = {normalize_label(x) for x in (reg.label, *reg.alt_labels)} - {""}
    wd_label = item.labels[0] if item.labels else None
    if not theirs:
        out.append(Problem(file, line, f"{name} → {qid}: no English label in the cache",
                           "warning"))
    elif not ours & theirs:
        aliases = "; ".join(sorted(item.aliases)[:5])
        out.append(Problem(file, line, f"{name} → {qid}: weak label match: ours "
                           f"\"{reg.label}\", Wikidata \"{wd_label}\""
                           + (f" (aliases: {aliases})" if aliases else ""), "warning"))
    recorded = entry.get("wikidata_label")
    if (isinstance(recorded, str) and wd_label is not None
            and normalize_label(recorded) not in {normalize_label(x) for x in item.labels}):
        out.append(Problem(file, line, f"{name} → {qid}: wikidata_label \"{recorded}\" differs "
                           f"from the cached label \"{wd_label}\" (changed on Wikidata?)",
                           "warning"))
    return out


def _check_meta(layout: Layout, cache_file: str) -> Problem | None:
    """Warn when cache.ttl is not the file cache-meta.json describes (hand edit, half copy)."""
    meta_path = cache_meta_path(layout)
    if not meta_path.exists() or not layout.wikidata_cache.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = meta["cache_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return Problem(_rel(layout, meta_path), None, "unreadable: run ctkg link --refresh",
                       "warning")
    actual = hashlib.sha256(layout.wikidata_cache.read_bytes()).hexdigest()
    if actual != expected:
        return Problem(cache_file, None, f"does not match {CACHE_META_NAME} (edited by hand?): "
                                         "run ctkg link --refresh", "warning")
    return None


# ---------------------------------------------------------------------------------------
# The build's graph


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


# ---------------------------------------------------------------------------------------
# --suggest


def _sparql_string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"@en'


def suggest_query(names: Sequence[str]) -> str:
    """Exact English label / alias matches for some names, with what ranking needs."""
    values = " ".join(_sparql_string(n) for n in names)
    return f"""PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{WD_SCHEMA}>
PREFIX wikibase: <{WIKIBASE}>
SELECT ?name ?how ?item ?label ?description ?sitelinks ?type WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name . BIND("label" AS ?how) }}
  UNION
  {{ ?item skos:altLabel ?name . BIND("alias" AS ?how) }}
  FILTER(STRSTARTS(STR(?item), "{WD}Q"))
  OPTIONAL {{ ?item rdfs:label ?label . FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description . FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wikibase:sitelinks ?sitelinks }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}
LIMIT 5000"""


@dataclass
class Candidate:
    qid: str
    how: int  # 0 their label = our label, 1 their label = our alt, 2/3 their alias = …
    matched: str
    label: str = ""
    description: str = ""
    sitelinks: int = 0
    p31: set[str] = field(default_factory=set)

    def rank_key(self, reg_type: str) -> tuple[int, int, int, tuple[int, str]]:
        verdict, _ = judge_types(reg_type, self.p31)
        type_rank = {"ok": 0, "warning": 1, "error": 2}[verdict]
        return (self.how, type_rank, -self.sitelinks, _qid_number(self.qid))


HOW_TEXT = {0: "label", 1: "label~alt", 2: "alias", 3: "alias~alt"}


def suggest_targets(registry: dict[str, RegistryEntry], links: dict[str, Any]
                    ) -> list[RegistryEntry]:
    """Registry entries without a QID whose ``unlinked`` reason does not say "no item"."""
    concepts = links.get("concept", {}) if isinstance(links.get("concept"), dict) else {}
    out = []
    for slug, reg in sorted(registry.items()):
        if reg.type in CONCEPT_TYPES:
            entry = concepts.get(slug)
        else:
            entry = links.get(slug) if slug != "concept" else None
        entry = entry if isinstance(entry, dict) else {}
        if entry.get("qid"):
            continue
        reason = entry.get("unlinked")
        if isinstance(reason, str) and NO_ITEM_RE.search(reason):
            continue
        if kind_for_type(reg.type) is None or not reg.label:
            continue
        out.append(reg)
    return out


def find_candidates(client: WikidataClient, targets: Sequence[RegistryEntry]
                    ) -> dict[str, list[Candidate]]:
    """Slug → candidates (unranked) by exact English label and alias match."""
    names_of = {t.slug: [t.label, *[a for a in t.alt_labels if a != t.label]] for t in targets}
    all_names = sorted({n for ns in names_of.values() for n in ns if n.strip()})
    rows: dict[str, list[dict[str, dict[str, str]]]] = {}
    for start in range(0, len(all_names), NAME_BATCH):
        for b in client.select(suggest_query(all_names[start:start + NAME_BATCH])):
            name = b.get("name", {}).get("value")
            if isinstance(name, str):
                rows.setdefault(name, []).append(b)
    out: dict[str, list[Candidate]] = {}
    for t in targets:
        found: dict[str, Candidate] = {}
        for i, name in enumerate(names_of[t.slug]):
            for b in rows.get(name, []):
                iri = b.get("item", {}).get("value", "")
                qid = iri.rsplit("/", 1)[-1]
                if not QID_RE.match(qid):
                    continue
                how = (0 if b.get("how", {}).get("value") == "label" else 2) + (1 if i else 0)
                cand = found.get(qid)
                if cand is None or how < cand.how:
                    old = cand
                    cand = Candidate(qid, how, name)
                    if old:
                        cand.label, cand.description = old.label, old.description
                        cand.sitelinks, cand.p31 = old.sitelinks, old.p31
                    found[qid] = cand
                cand.label = cand.label or b.get("label", {}).get("value", "")
                cand.description = cand.description or b.get("description", {}).get("value", "")
                with contextlib.suppress(ValueError):
                    cand.sitelinks = max(cand.sitelinks,
                                         int(b.get("sitelinks", {}).get("value", "0")))
                typ = b.get("type", {}).get("value", "")
                if typ.startswith(str(WD)):
                    cand.p31.add(typ[len(str(WD)):])
        out[t.slug] = list(found.values())
    return out


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_suggestions(targets: Sequence[RegistryEntry], found: dict[str, list[Candidate]],
                      limit: int, out: TextIO) -> None:
    """A ranked table per entity, for a person to confirm; never writes anything."""
    for t in targets:
        alts = f"  (alt: {', '.join(t.alt_labels)})" if t.alt_labels else ""
        print(f"\n{t.slug}  [{t.type}]  \"{t.label}\"{alts}", file=out)
        cands = sorted(found.get(t.slug, []), key=lambda c: c.rank_key(t.type))[:limit]
        if not cands:
            print("  no exact label or alias match: search by hand, or record "
                  "unlinked = \"…\"", file=out)
            continue
        print(f"  {'#':>2}  {'QID':<11} {'match':<10} {'type':<5} {'sitelinks':>9}  "
              "label — description (P31)", file=out)
        for n, c in enumerate(cands, start=1):
            verdict, _ = judge_types(t.type, c.p31)
            type_text = {"ok": "ok", "warning": "?", "error": "NO"}[verdict]
            classes = _class_list(c.p31) if c.p31 else "no P31"
            desc = f"{c.label} — {c.description}" if c.description else c.label
            print(f"  {n:>2}  {c.qid:<11} {HOW_TEXT[c.how]:<10} {type_text:<5} "
                  f"{c.sitelinks:>9}  {_short(desc, 70)} ({_short(classes, 60)})", file=out)
    print("\nNothing was written. To accept a candidate, a person checks it on Wikidata and "
          "adds it to data/wikidata/links.toml with evidence (docs/wikidata.md).", file=out)


def suggest(layout: Layout, endpoint: str = WDQS_ENDPOINT, timeout: float = 60.0,
            limit: int = 5, out: TextIO | None = None,
            client: WikidataClient | None = None) -> int:
    """Print ranked candidates for every unlinked registry entry; returns how many entries."""
    registry = load_registry_entries(layout.registry)
    links = load_links(layout.links)
    targets = suggest_targets(registry, links)
    out = out or sys.stdout
    if not targets:
        print("every registry entry is linked or marked as having no Wikidata item", file=out)
        return 0
    client = client or WikidataClient(endpoint, timeout=timeout)
    print_suggestions(targets, find_candidates(client, targets), limit, out)
    return len(targets)


# ---------------------------------------------------------------------------------------
# CLI


def run(args: argparse.Namespace) -> int:
    """``ctkg link --refresh | --suggest | --check``."""
    layout = Layout(Path(args.root))
    if args.limit < 1:
        raise CTKGError.single("ctkg link", None, "--limit must be at least 1")
    if args.timeout <= 0:
        raise CTKGError.single("ctkg link", None, "--timeout must be positive")
    if args.refresh:
        result = refresh(layout, args.endpoint, args.timeout)
        print(f"wrote {_rel(layout, layout.wikidata_cache)}: {result.triples} triples for "
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
