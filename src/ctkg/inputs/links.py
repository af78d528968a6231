"""``data/wikidata/links.toml``: the curated Wikidata links, typed, and their triples.

The links are curated by people (design.md); this module only reads them. An entity table
``[slug]`` is an :class:`EntityLink` (``owl:sameAs``), a concept table ``[concept.slug]`` a
:class:`ConceptLink` (``skos:exactMatch``/``closeMatch``). Every problem names ``file:line``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg.errors import Problem
from ctkg.inputs.toml import TomlFile, read_toml
from ctkg.rdf.namespaces import CTKG_NS, OWL_NS, QID_RE, SKOS_NS, SLUG_RE, WD_NS

MATCH_VALUES = {
    "exact": "exact", "exactmatch": "exact", "skos:exactmatch": "exact",
    "close": "close", "closematch": "close", "skos:closematch": "close",
}
_TEXT_KEYS = ("evidence", "wikidata_label", "unlinked", "note")
_OWL_SAME_AS = f"{OWL_NS}sameAs"
_EVIDENCE = f"{CTKG_NS}wikidataEvidence"
_WD = WD_NS
_SKOS = SKOS_NS


def qid_number(qid: str) -> tuple[int, str]:
    """Sort key that orders QIDs numerically (Q2 before Q10); malformed ones last."""
    return (int(qid[1:]), qid) if QID_RE.match(qid) else (sys.maxsize, qid)


@dataclass(frozen=True)
class EntityLink:
    """``[slug]``: a registry entry's Wikidata item (``qid``) or why it has none."""

    slug: str
    qid: str | None = None  # as written (a malformed one is reported, see :attr:`linked`)
    evidence: str | None = None
    wikidata_label: str | None = None
    unlinked: str | None = None
    note: str | None = None
    line: int | None = None
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The table's name in messages."""
        return self.slug

    @property
    def linked(self) -> bool:
        """It has a well-formed QID."""
        return self.qid is not None and QID_RE.match(self.qid) is not None

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class ConceptLink(EntityLink):
    """``[concept.slug]``: a concept's Wikidata match, ``exact`` or ``close``."""

    match: str | None = None  # "exact" | "close"; None if missing or not one of those

    @property
    def name(self) -> str:
        return f"concept.{self.slug}"


@dataclass(frozen=True)
class Links:
    """Every link of links.toml, by slug; ``exists`` is False when there is no file (or it
    could not be read: no links are known then)."""

    path: Path
    entities: dict[str, EntityLink]
    concepts: dict[str, ConceptLink]
    exists: bool = True

    def all(self) -> list[EntityLink]:
        return [*self.entities.values(), *self.concepts.values()]


def read_links(path: Path, shown: str | None = None) -> tuple[Links, list[Problem]]:
    """Read links.toml (a missing file is no links) and every problem of it."""
    toml = read_toml(path, missing_ok=True, shown=shown)
    problems = list(toml.problems)
    entities: dict[str, EntityLink] = {}
    concepts: dict[str, ConceptLink] = {}
    for slug, table in toml.data.items():
        if slug == "concept" and isinstance(table, dict):
            for cslug, ctable in table.items():
                link, found = _link(toml, ("concept",), cslug, ctable)
                problems += found
                if isinstance(link, ConceptLink):
                    concepts[cslug] = link
        else:
            link, found = _link(toml, (), slug, table)
            problems += found
            if link is not None:
                entities[slug] = link
    return Links(path, entities, concepts, toml.readable), problems


def _link(toml: TomlFile, prefix: tuple[str, ...], slug: str,
          table: Any) -> tuple[EntityLink | None, list[Problem]]:
    """One link table, typed, and its problems (None if it is not a table)."""
    where = toml.lines.header(*prefix, slug)
    name = ".".join((*prefix, slug))
    if not isinstance(table, dict):
        return None, [toml.problem(where, f"{name} must be a table")]
    problems: list[Problem] = []
    if not SLUG_RE.match(slug):
        problems.append(toml.problem(where, f"'{slug}' is not a registry slug "
                                            "(lowercase ASCII, digits, '-')"))
    key_lines = {k: line for k in table if (line := toml.lines.keys.get((*prefix, slug, k)))}
    qid = table.get("qid")
    if qid is not None and (not isinstance(qid, str) or not QID_RE.match(qid)):
        problems.append(toml.problem(
            key_lines.get("qid", where), f"malformed QID {qid!r} for {slug}: want Q followed "
                                         "by digits, e.g. \"Q42\" (not a URL, not wd:Q42)"))
    text: dict[str, str | None] = {}
    for key in _TEXT_KEYS:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(toml.problem(key_lines.get(key, where),
                                         f"{key} of {slug} must be a string"))
            value = None
        text[key] = value
    fields: dict[str, Any] = dict(slug=slug, qid=None if qid is None else str(qid),
                                  line=where, key_lines=key_lines, **text)
    if not prefix:
        return EntityLink(**fields), problems
    match = table.get("match")
    normal = MATCH_VALUES.get(match.lower()) if isinstance(match, str) else None
    if qid is not None and normal is None:
        problems.append(toml.problem(
            key_lines.get("match", where),
            f"concept {slug}: match must be \"exact\" or \"close\" "
            f"(skos:exactMatch / skos:closeMatch), got {match!r}"))
    return ConceptLink(**fields, match=normal), problems


def link_triples(links: Links, iri_for_slug: Callable[[str], str]) -> list[ox.Triple]:
    """The link triples of the registry graph, sorted: entities ``owl:sameAs wd:Q…``,
    concepts ``skos:exactMatch``/``skos:closeMatch wd:Q…``; both ``ctkg:wikidataEvidence``.

    ``iri_for_slug`` maps a slug to its instance IRI (KeyError propagates for unknown
    slugs). Links with a malformed QID or match are left out: the reader reports them.
    """
    out: set[ox.Triple] = set()
    for link in links.all():
        if not link.linked or link.qid is None:
            continue
        if isinstance(link, ConceptLink):
            if link.match is None:
                continue
            predicate = f"{_SKOS}{link.match}Match"
        else:
            predicate = _OWL_SAME_AS
        subject = ox.NamedNode(iri_for_slug(link.slug))
        out.add(ox.Triple(subject, ox.NamedNode(predicate), ox.NamedNode(_WD + link.qid)))
        if link.evidence and link.evidence.strip():
            out.add(ox.Triple(subject, ox.NamedNode(_EVIDENCE),
                              ox.Literal(link.evidence.strip())))
    return sorted(out, key=str)


def linked_qids(links: Links) -> list[str]:
    """Every QID linked in links.toml (entities and concepts), sorted numerically, unique."""
    return sorted({link.qid for link in links.all() if link.linked and link.qid},
                  key=qid_number)
