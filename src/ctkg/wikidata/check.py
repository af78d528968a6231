"""``ctkg link --check``: every link in links.toml against the registry and the offline cache.

ID syntax, one QID per registry entry, evidence present, every QID cached, type
compatibility (P31, :mod:`ctkg.wikidata.type_rules`) and label agreement. A wrong link is worse than
none, so the checks are strict where the answer is certain and warn where a person must judge.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import OWL, RDFS, SKOS

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.links import MATCH_VALUES, parse_links
from ctkg.inputs.wikidata_cache import CACHE_META_NAME, cache_meta_path, parse_cache_triples
from ctkg.paths import Layout
from ctkg.rdf.namespaces import QID_RE, WD, WDT
from ctkg.wikidata.targets import (
    CONCEPT_TYPES,
    RegistryEntry,
    load_registry_entries,
    ontology_concepts,
)
from ctkg.wikidata.type_rules import judge_types


def rel_path(layout: Layout, path: Path) -> str:
    """A path as the project names it (relative to its root) in messages."""
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
    links_file = rel_path(layout, layout.links)
    cache_file = rel_path(layout, layout.wikidata_cache)
    registry_file = rel_path(layout, layout.registry)
    links = parse_links(layout.links, links_file)
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
            items = _index_cache(parse_cache_triples(layout.wikidata_cache, cache_file))
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
        return Problem(rel_path(layout, meta_path), None, "unreadable: run ctkg link --refresh",
                       "warning")
    actual = hashlib.sha256(layout.wikidata_cache.read_bytes()).hexdigest()
    if actual != expected:
        return Problem(cache_file, None, f"does not match {CACHE_META_NAME} (edited by hand?): "
                                         "run ctkg link --refresh", "warning")
    return None
