"""``data/wikidata/links.toml``: read it, report where it is wrong, turn it into triples.

The links are curated by people (design.md); this module only reads them. tomllib does not
report positions, so :class:`TomlLines` finds the line of every table and key by scanning
the text, and every problem names ``file:line``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, SKOS
from rdflib.term import Node

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.rdf.namespaces import CTKG, QID_RE, SLUG_RE, WD

MATCH_VALUES = {
    "exact": "exact", "exactmatch": "exact", "skos:exactmatch": "exact",
    "close": "close", "closematch": "close", "skos:closematch": "close",
}


def qid_number(qid: str) -> tuple[int, str]:
    """Sort key that orders QIDs numerically (Q2 before Q10); malformed ones last."""
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


def entity_tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The entity link tables (``[slug]``) of parsed links.toml."""
    return {k: v for k, v in data.items() if k != "concept" and isinstance(v, dict)}


def concept_tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The concept link tables (``[concept.slug]``) of parsed links.toml."""
    c = data.get("concept", {})
    return {k: v for k, v in c.items() if isinstance(v, dict)} if isinstance(c, dict) else {}


@dataclass
class Links:
    """links.toml, parsed: raw tables plus where they are."""

    path: Path
    data: dict[str, Any]
    lines: TomlLines
    problems: list[Problem]

    def entities(self) -> dict[str, dict[str, Any]]:
        return entity_tables(self.data)

    def concepts(self) -> dict[str, dict[str, Any]]:
        return concept_tables(self.data)


def toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """The line a TOML syntax error names (tomllib only says it in the message)."""
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def parse_links(path: Path, shown: str | None = None) -> Links:
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
        return Links(path, {}, lines, [Problem(shown, toml_error_line(exc),
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
    links = parse_links(Path(path))
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

    for slug, entry in entity_tables(links).items():
        add(slug, entry, OWL.sameAs)
    for slug, entry in concept_tables(links).items():
        if entry.get("qid") is not None:
            match = entry.get("match")
            if not isinstance(match, str) or match.lower() not in MATCH_VALUES:
                raise CTKGError([Problem("data/wikidata/links.toml", None,
                                         f"concept {slug}: match must be exact or close")])
            add(slug, entry, _match_predicate(match))
    return sorted(out, key=lambda t: tuple(x.n3() for x in t))


def linked_qids(links: dict[str, Any]) -> list[str]:
    """Every QID linked in links.toml (entities and concepts), sorted numerically, unique."""
    qids: set[str] = set()
    for entry in [*entity_tables(links).values(), *concept_tables(links).values()]:
        qid = entry.get("qid")
        if isinstance(qid, str) and QID_RE.match(qid):
            qids.add(qid)
    return sorted(qids, key=qid_number)
