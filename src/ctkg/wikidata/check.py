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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import Problem, display_path
from ctkg.inputs import Inputs, read_inputs
from ctkg.inputs.links import ConceptLink, EntityLink, Links
from ctkg.inputs.registry import Entry
from ctkg.inputs.wikidata_cache import CACHE_META_NAME, cache_meta_path
from ctkg.paths import Layout
from ctkg.rdf.namespaces import OWL_NS, RDFS_NS, SKOS_NS, WD_NS, WDT_NS
from ctkg.wikidata.targets import is_concept, link_target
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
    wd = WD_NS
    for t in triples:
        s = t.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(wd):
            continue
        item = items.setdefault(s.value[len(wd):], CachedItem())
        p, o = t.predicate.value, t.object
        if p == f"{RDFS_NS}label" and isinstance(o, ox.Literal) and o.language == "en":
            item.labels.append(o.value)
        elif p == f"{SKOS_NS}altLabel" and isinstance(o, ox.Literal) and o.language == "en":
            item.aliases.append(o.value)
        elif p == f"{WDT_NS}P31" and isinstance(o, ox.NamedNode) and o.value.startswith(wd):
            item.p31.add(o.value[len(wd):])
        elif p == f"{WDT_NS}P279":
            item.has_p279 = True
        elif p == f"{OWL_NS}sameAs" and isinstance(o, ox.NamedNode) and o.value.startswith(wd):
            item.same_as = o.value[len(wd):]
    return items


def check_links(layout: Layout) -> list[Problem]:
    """``ctkg link --check``: read the inputs, then every link check, offline.

    The reading problems of links.toml and (when something is linked) of the cache are
    reported too, every file named relative to the project root.
    """
    inputs = read_inputs(layout)

    def shown(path: Path) -> str:
        return rel_path(layout, path)

    files = {display_path(layout.links): shown(layout.links)}
    if any(link.linked for link in inputs.links.all()):
        files[display_path(layout.wikidata_cache)] = shown(layout.wikidata_cache)
    problems = [replace(p, file=files[p.file]) for p in inputs.problems if p.file in files]
    if not inputs.registry.readable:
        problems += [Problem(shown(layout.registry), p.line,
                             f"{p.message}; registry checks skipped", "warning")
                     for p in inputs.problems_of(layout.registry)]
    return _sorted(problems + check_inputs(inputs, shown))


def check_inputs(inputs: Inputs, shown: Callable[[Path], str] = display_path
                 ) -> list[Problem]:
    """Every link check on inputs already read (their reading problems are the reader's):
    slugs known to the registry and of the right table kind, evidence present, one QID per
    registry entry, every QID cached and not a redirect, P31 type compatibility, label
    agreement (warnings). ``shown`` names the files in problems."""
    links = inputs.links
    if not links.exists:
        return []
    where = shown(links.path)
    problems: list[Problem] = []
    for link in links.all():
        problems += [Problem(where, line, message, severity)
                     for line, message, severity in _link_problems(link, inputs, shown)]
    problems += _shared_qid_problems(links, where)
    problems += _cache_problems(inputs, shown)
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.severity, p.message))


Finding = tuple[int | None, str, str]  # line, message, severity


def _link_problems(link: EntityLink, inputs: Inputs, shown: Callable[[Path], str]
                   ) -> list[Finding]:
    """What is wrong with one link table on its own."""
    out: list[Finding] = []
    name, has_qid = link.name, link.qid is not None
    if has_qid and link.unlinked is not None:
        out.append((link.line, f"{name}: both qid and unlinked; keep one", "error"))
    elif not has_qid and link.unlinked is None:
        out.append((link.line, f"{name}: needs qid (with evidence) or unlinked = \"reason\"",
                    "error"))
    elif link.unlinked is not None and not link.unlinked.strip():
        out.append((link.line_of("unlinked"), f"{name}: unlinked needs a reason", "error"))
    if has_qid and not (link.evidence and link.evidence.strip()):
        out.append((link.line, f"{name}: a link needs evidence (a page URL, a dataset file "
                                "and line, or a quote pairing the label and the ID)", "error"))
    concept = inputs.ontology.concepts.get(link.slug)
    if isinstance(link, ConceptLink) and concept is not None and concept.matches:
        stated = concept.matches
        if link.qid not in stated or stated.get(link.qid) != link.match:
            said = ", ".join(f"{m}Match {q}" for q, m in sorted(stated.items()))
            out.append((link.line, f"{name}: differs from ontology/concepts.ttl ({said}); "
                                   "keep them in agreement", "warning"))
    if inputs.registry.readable:
        out += _registry_problems(link, inputs, shown(inputs.registry.path))
    return out


def _registry_problems(link: EntityLink, inputs: Inputs, registry_file: str
                       ) -> list[Finding]:
    """A link's slug must be a registry entry (or a concept) of the right table kind."""
    slug, name = link.slug, link.name
    is_concept_link = isinstance(link, ConceptLink)
    reg = inputs.registry.get(slug)
    if reg is None and is_concept_link and slug in inputs.ontology.concepts:
        return []  # a concept known to ontology/concepts.ttl only
    if reg is None:
        also = " or ontology/concepts.ttl" if is_concept_link else ""
        return [(link.line, f"{name}: no such slug in {registry_file}{also}", "error")]
    if is_concept_link and not is_concept(reg.type, inputs):
        return [(link.line, f"{name}: {slug} is a {reg.type}, not a concept: link it under "
                            f"[{slug}] (owl:sameAs)", "error")]
    if not is_concept_link and is_concept(reg.type, inputs):
        return [(link.line, f"{slug}: {slug} is a concept ({reg.type}): link it under "
                            f"[concept.{slug}] with match = \"exact\" or \"close\"", "error")]
    return []


def _shared_qid_problems(links: Links, where: str) -> list[Problem]:
    """One QID, one registry entry (closeMatch concepts may share: only a warning)."""
    by_qid: dict[str, list[EntityLink]] = {}
    for link in links.all():
        if link.linked and link.qid:
            by_qid.setdefault(link.qid, []).append(link)
    out: list[Problem] = []
    for qid, sharing in by_qid.items():
        if len(sharing) < 2:
            continue
        ordered = sorted(sharing, key=lambda x: (isinstance(x, ConceptLink), x.slug))
        names = ", ".join(x.name for x in ordered)
        close = any(isinstance(x, ConceptLink) and x.match == "close" for x in sharing)
        out += [Problem(where, x.line, f"{qid} is linked from more than one registry entry: "
                                       f"{names}", "warning" if close else "error")
                for x in ordered]
    return out


def _cache_problems(inputs: Inputs, shown: Callable[[Path], str]) -> list[Problem]:
    """Every linked QID against the offline cache: present, not a redirect, of a type
    that fits, with labels that agree."""
    linked = sorted((x for x in inputs.links.all() if x.linked and x.qid),
                    key=lambda x: (x.slug, isinstance(x, ConceptLink)))
    cache = inputs.layout.wikidata_cache
    if not linked or inputs.problems_of(cache):
        return []  # nothing to look up, or a broken cache (its reader reported it)
    where = shown(inputs.links.path)
    items = _index_cache(inputs.wikidata_cache)
    out: list[Problem] = []
    meta = _check_meta(inputs.layout, shown(cache))
    if meta is not None:
        out.append(meta)
    for link in linked:
        assert link.qid is not None
        item = items.get(link.qid)
        if item is None:
            out.append(Problem(where, link.line, f"{link.name}: {link.qid} not in the offline "
                                                 "cache: run ctkg link --refresh"))
        elif item.same_as:
            out.append(Problem(where, link.line, f"{link.name}: {link.qid} is a redirect to "
                               f"{item.same_as} on Wikidata: link {item.same_as} instead"))
        elif (target := link_target(link, inputs)) is not None:
            verdict, msg = judge_types(target.type, item.p31, inputs.ontology, item.has_p279)
            if verdict != "ok" and msg:
                out.append(Problem(where, link.line, f"{link.name} → {link.qid}: {msg}",
                                   verdict))
            out += _label_problems(where, link, target, item)
    return out


def _label_problems(file: str, link: EntityLink, reg: Entry, item: CachedItem
                    ) -> list[Problem]:
    """Warnings (never errors) where our names and Wikidata's do not agree."""
    name, qid, line = link.name, link.qid, link.line
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
    recorded = link.wikidata_label
    if (recorded is not None and wd_label is not None
            and normalize_label(recorded) not in {normalize_label(x) for x in item.labels}):
        out.append(Problem(file, line, f"{name} → {qid}: wikidata_label \"{recorded}\" "
                           f"differs from the cached label \"{wd_label}\" (changed on "
                           "Wikidata?)", "warning"))
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
