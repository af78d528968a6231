"""The entity registry ``data/registry.toml``: one typed :class:`Entry` per real-world thing.

Each ``[slug]`` table names a thing with a stable slug (design.md): its ontology type, its
labels and, for events, the settled time, place and status that the documents must state.
Every problem of the file is reported at once, each with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.timex import parse_iso
from ctkg.inputs.toml import read_toml
from ctkg.rdf.namespaces import SLUG_RE

GRANULARITIES = ("day", "month", "season", "year")
STATUSES = ("occurred", "planned")
_TEXT_FIELDS = ("start", "end", "granularity", "qualifier", "place", "status", "note")
_KNOWN = {"type", "label", "alt_labels", "keep", *_TEXT_FIELDS}


@dataclass(frozen=True)
class Entry:
    """One registry entry: a real-world thing with a stable slug."""

    slug: str
    type: str
    label: str
    alt_labels: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    granularity: str | None = None
    qualifier: str | None = None
    place: str | None = None
    status: str | None = None
    note: str | None = None
    keep: bool = False  # kept although no mention uses it
    line: int | None = None


@dataclass
class Registry:
    """Every registry entry by slug, plus where the registry file is."""

    path: Path
    entries: dict[str, Entry]

    def __contains__(self, slug: object) -> bool:
        return slug in self.entries

    def __getitem__(self, slug: str) -> Entry:
        return self.entries[slug]


def load_registry(path: Path, *, class_names: set[str] | None = None) -> Registry:
    """Read ``registry.toml``; report every malformed entry at once.

    ``class_names`` (the ontology's class local names) lets the loader reject an unknown
    type; without it only the presence of a type is checked.
    """
    data, lines = read_toml(path)
    where = display_path(path)
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    for slug, table in data.items():
        entry, found = _entry(where, lines.get(slug), slug, table, class_names)
        problems += found
        if entry is not None:
            entries[slug] = entry
    for slug, entry in entries.items():
        if entry.place is not None and entry.place not in entries:
            problems.append(Problem(where, entry.line,
                                    f"{slug}: place {entry.place!r} is not a registry slug"))
    if problems:
        raise CTKGError(problems)
    return Registry(path, entries)


def _entry(where: str, line: int | None, slug: str, table: Any,
           class_names: set[str] | None) -> tuple[Entry | None, list[Problem]]:
    """One ``[slug]`` table as an Entry (None if unusable) and its problems."""
    def bad(message: str) -> Problem:
        return Problem(where, line, f"{slug}: {message}")

    if not isinstance(table, dict):
        return None, [Problem(where, line, f"{slug}: expected a table [{slug}]")]
    problems: list[Problem] = []
    if not SLUG_RE.match(slug):
        problems.append(Problem(where, line, f"{slug!r}: a slug is lowercase ASCII letters, "
                                             "digits and single hyphens"))
    problems += [bad(f"unknown key {key!r} (known: {', '.join(sorted(_KNOWN))})")
                 for key in sorted(set(table) - _KNOWN)]
    type_, label = table.get("type"), table.get("label")
    if not isinstance(type_, str) or not type_:
        return None, [*problems, bad("missing 'type'")]
    if class_names is not None and type_ not in class_names:
        problems.append(bad(f"unknown type {type_!r} (not a class of the ontology)"))
    if not isinstance(label, str) or not label.strip():
        return None, [*problems, bad("missing 'label'")]
    alts = table.get("alt_labels", [])
    if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
        problems.append(bad("'alt_labels' must be a list of strings"))
        alts = []
    text: dict[str, str | None] = {}
    for key in _TEXT_FIELDS:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(bad(f"{key} must be a quoted string, not {type(value).__name__}"))
            value = None
        text[key] = value
    keep = table.get("keep", False)
    if not isinstance(keep, bool):
        problems.append(bad("keep must be true or false"))
        keep = False
    problems += [bad(m) for m in _event_field_problems(text)]
    entry = Entry(slug, type_, label, tuple(alts), text["start"], text["end"],
                  text["granularity"], text["qualifier"], text["place"], text["status"],
                  text["note"], keep, line)
    return entry, problems


def _event_field_problems(fields: dict[str, str | None]) -> list[str]:
    """What is wrong with an entry's start, end, granularity and status."""
    out: list[str] = []
    for key in ("start", "end"):
        value = fields[key]
        if value is not None:
            try:
                parse_iso(value)
            except ValueError as exc:
                out.append(f"{key}: {exc}")
    start, end = fields["start"], fields["end"]
    if start is not None and end is not None and end < start:
        out.append(f"end {end} is before start {start}")
    gran, status = fields["granularity"], fields["status"]
    if gran is not None and gran not in GRANULARITIES:
        out.append(f"granularity {gran!r} is not one of {', '.join(GRANULARITIES)}")
    if status is not None and status not in STATUSES:
        out.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
    return out
