"""The entity registry ``data/registry.toml``: one typed :class:`Entry` per real-world thing.

Each ``[slug]`` table names a thing with a stable slug (design.md): its ontology type, its
labels and, for events, the settled time, place and status that the documents must state.
Every problem of the file is reported at once, each with its line.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctkg.errors import CTKGError, Problem
from ctkg.inputs.timex import parse_iso
from ctkg.inputs.toml import read_toml
from ctkg.rdf.namespaces import SLUG_RE

GRANULARITIES = ("day", "week", "month", "season", "year")
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
    """Every usable registry entry by slug, plus where the registry file is.

    ``readable`` is False when the file itself could not be read (missing, not UTF-8, not
    TOML): a lenient caller then skips the checks that need the registry.
    """

    path: Path
    entries: dict[str, Entry]
    readable: bool = True

    def __contains__(self, slug: object) -> bool:
        return slug in self.entries

    def __getitem__(self, slug: str) -> Entry:
        return self.entries[slug]

    def get(self, slug: str) -> Entry | None:
        return self.entries.get(slug)


def read_registry(path: Path, *, class_names: Collection[str] | None = None
                  ) -> tuple[Registry, list[Problem]]:
    """Read ``registry.toml``: every usable entry, and every problem of the file.

    ``class_names`` (the ontology's class local names) lets the reader reject an unknown
    type; without it only the presence of a type is checked. An entry with a problem that
    does not make it unusable (an unknown key, a bad date) is kept, so that a lenient
    caller can still check what uses it.
    """
    toml = read_toml(path)
    problems = list(toml.problems)
    entries: dict[str, Entry] = {}
    for slug, table in toml.data.items():
        entry, found = _entry(toml.shown, toml.lines.header(slug), slug, table, class_names)
        problems += found
        if entry is not None:
            entries[slug] = entry
    for slug, entry in entries.items():
        if entry.place is not None and entry.place not in entries:
            problems.append(Problem(toml.shown, entry.line,
                                    f"{slug}: place {entry.place!r} is not a registry slug"))
    return Registry(path, entries, toml.readable), problems


def load_registry(path: Path, *, class_names: Collection[str] | None = None) -> Registry:
    """:func:`read_registry`, strict: CTKGError with every problem if there is any."""
    registry, problems = read_registry(path, class_names=class_names)
    if problems:
        raise CTKGError(problems)
    return registry


def _entry(where: str, line: int | None, slug: str, table: Any,
           class_names: Collection[str] | None) -> tuple[Entry | None, list[Problem]]:
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
    if start is not None and end is not None and not out \
            and parse_iso(end).start.lexical < parse_iso(start).start.lexical:  # by day
        out.append(f"end {end} is before start {start}")
    gran, status = fields["granularity"], fields["status"]
    if gran is not None and gran not in GRANULARITIES:
        out.append(f"granularity {gran!r} is not one of {', '.join(GRANULARITIES)}")
    if status is not None and status not in STATUSES:
        out.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
    return out
