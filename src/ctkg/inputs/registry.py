"""Read the entity registry and the source catalogue (TOML), keeping each table's line.

TOML is read with the standard library's :mod:`tomllib`, which does not report where a
table starts; the line of each ``[slug]`` header is found by scanning the text so that
every error can name ``file:line``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.rdf.namespaces import SLUG_RE

_HEADER_RE = re.compile(r'^\s*\[\s*("?)([^\]"]+)\1\s*\]\s*(?:#.*)?$')
_DOC_ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")

GRANULARITIES = ("day", "month", "season", "year")
STATUSES = ("occurred", "planned")
DOCUMENT_KINDS = ("NewsArticle", "InterviewArticle", "SpeechTranscript", "ThirdPartyRewrite")


def header_lines(text: str) -> dict[str, int]:
    """Map every top-level table name (``[name]`` or ``["name"]``) to its 1-based line."""
    lines: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER_RE.match(line)
        if m and not line.lstrip().startswith("[["):
            lines.setdefault(m.group(2).strip(), lineno)
    return lines


def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse a TOML file; a syntax error becomes a CTKGError naming file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CTKGError.single(path, None, "file not found") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CTKGError.single(path, None, f"not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise CTKGError.single(path, line, f"TOML syntax error: {exc}") from None
    return data, header_lines(text)


@dataclass(frozen=True)
class Entry:
    """One registry entry: a real-world thing with a stable slug."""

    slug: str
    type: str
    label: str
    alt_labels: tuple[str, ...]
    line: int | None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class Registry:
    """Every registry entry by slug, plus where the registry file is."""

    path: Path
    entries: dict[str, Entry]

    def __contains__(self, slug: str) -> bool:
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
        line = lines.get(slug)
        if not isinstance(table, dict):
            problems.append(Problem(where, line, f"{slug}: expected a table [{slug}]"))
            continue
        if not SLUG_RE.match(slug):
            problems.append(Problem(where, line, f"{slug!r}: a slug is lowercase ASCII letters, "
                                                 "digits and single hyphens"))
        type_ = table.get("type")
        if not type_:
            problems.append(Problem(where, line, f"{slug}: missing 'type'"))
            continue
        if class_names is not None and type_ not in class_names:
            problems.append(Problem(where, line, f"{slug}: unknown type {type_!r} "
                                                 "(not a class of the ontology)"))
        label = table.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(Problem(where, line, f"{slug}: missing 'label'"))
            continue
        alts = table.get("alt_labels", [])
        if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
            problems.append(Problem(where, line, f"{slug}: 'alt_labels' must be a list of "
                                                 "strings"))
            alts = []
        problems.extend(_check_event_fields(where, line, slug, table))
        entries[slug] = Entry(slug, type_, label, tuple(alts), line, dict(table))
    for slug, entry in entries.items():
        place = entry.get("place")
        if place is not None and place not in entries:
            problems.append(Problem(where, entry.line,
                                    f"{slug}: place {place!r} is not a registry slug"))
    if problems:
        raise CTKGError(problems)
    return Registry(path, entries)


def _check_event_fields(where: str, line: int | None, slug: str,
                        table: dict[str, Any]) -> list[Problem]:
    from ctkg.inputs.timex import parse_iso  # local: timex imports nothing from here

    problems: list[Problem] = []
    for key in ("start", "end"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(Problem(where, line, f"{slug}: {key} must be a quoted ISO date "
                                                 f"string, not {type(value).__name__}"))
            continue
        try:
            parse_iso(value)
        except ValueError as exc:
            problems.append(Problem(where, line, f"{slug}: {key}: {exc}"))
    if "start" in table and "end" in table and isinstance(table["start"], str) \
            and isinstance(table["end"], str) and table["end"] < table["start"]:
        problems.append(Problem(where, line, f"{slug}: end {table['end']} is before start "
                                             f"{table['start']}"))
    gran = table.get("granularity")
    if gran is not None and gran not in GRANULARITIES:
        problems.append(Problem(where, line, f"{slug}: granularity {gran!r} is not one of "
                                             f"{', '.join(GRANULARITIES)}"))
    status = table.get("status")
    if status is not None and status not in STATUSES:
        problems.append(Problem(where, line, f"{slug}: status {status!r} is not one of "
                                             f"{', '.join(STATUSES)}"))
    return problems


@dataclass(frozen=True)
class CatalogueEntry:
    """The description of one source document."""

    doc_id: str
    line: int | None
    data: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def load_catalogue(path: Path) -> dict[str, CatalogueEntry]:
    """Read ``catalogue.toml``: one table per document id; report every problem at once."""
    from ctkg.inputs.timex import parse_iso

    data, lines = read_toml(path)
    where = display_path(path)
    problems: list[Problem] = []
    out: dict[str, CatalogueEntry] = {}
    for doc_id, table in data.items():
        line = lines.get(doc_id)
        if not isinstance(table, dict) or not _DOC_ID_RE.match(doc_id):
            problems.append(Problem(where, line, f"{doc_id!r}: expected a table per document id"))
            continue
        for key in ("title", "date", "kind", "language"):
            if not table.get(key):
                problems.append(Problem(where, line, f"{doc_id}: missing {key!r}"))
        date = table.get("date")
        if isinstance(date, str):
            try:
                parse_iso(date)
            except ValueError as exc:
                problems.append(Problem(where, line, f"{doc_id}: date: {exc}"))
        elif date is not None:
            problems.append(Problem(where, line, f"{doc_id}: date must be a quoted ISO string"))
        kind = table.get("kind")
        if kind and kind not in DOCUMENT_KINDS:
            problems.append(Problem(where, line, f"{doc_id}: kind {kind!r} is not one of "
                                                 f"{', '.join(DOCUMENT_KINDS)}"))
        out[doc_id] = CatalogueEntry(doc_id, line, dict(table))
    for doc_id, entry in out.items():
        src = entry.get("derived_from")
        if src and src not in out:
            problems.append(Problem(where, entry.line,
                                    f"{doc_id}: derived_from {src!r} is not a catalogued document"))
    if problems:
        raise CTKGError(problems)
    return out
