"""Read brat standoff (``.ann``) files into plain data, keeping the line of every annotation.

The reader is deliberately lenient about *content* (unknown types, dangling references,
mismatched span text): it records what the file says, with line numbers, and leaves the
judgement to :mod:`ctkg.annotations.check`, so that every problem of a file can be reported at once.
It is strict only about what it cannot represent (a line it cannot split into fields),
which it reports as a :class:`~ctkg.errors.Problem` in :attr:`Document.problems`.

brat's rules, as followed here: offsets count Unicode code points from 0, start inclusive,
end exclusive; a discontinuous span lists fragments separated by ``;`` and its text field
joins the fragment texts with one space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ctkg.errors import Problem, display_path

_OFFSETS_RE = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")


@dataclass(frozen=True)
class TextBound:
    """A ``T`` line: a typed span (an entity mention or an event trigger)."""

    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str
    line: int

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class Event:
    """An ``E`` line: a trigger and role arguments, in file order.

    ``args`` holds ``(role, target id)`` pairs with brat's role numbering removed
    (``Participant2`` -> ``Participant``); ``raw_roles`` keeps the written names.
    """

    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    raw_roles: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Relation:
    """An ``R`` line: a typed binary relation between two annotations."""

    id: str
    type: str
    arg1: str
    arg2: str
    line: int


@dataclass(frozen=True)
class Attribute:
    """An ``A`` (or ``M``) line: a binary or multi-valued attribute of an annotation."""

    id: str
    type: str
    target: str
    value: str | None
    line: int


@dataclass(frozen=True)
class Normalization:
    """An ``N`` line: a link from an annotation to an entry of an external database."""

    id: str
    type: str
    target: str
    db: str
    key: str
    text: str
    line: int


@dataclass(frozen=True)
class Note:
    """A ``#`` line (AnnotatorNotes), with ``key=value`` pairs parsed out of its text."""

    id: str
    type: str
    target: str
    text: str
    line: int

    @property
    def pairs(self) -> dict[str, str]:
        return parse_pairs(self.text)


@dataclass(frozen=True)
class Equiv:
    """A ``*`` line: annotations that corefer."""

    type: str
    members: tuple[str, ...]
    line: int


@dataclass
class Document:
    """One ``.txt`` and its ``.ann``: the text and every annotation, by id and in order."""

    doc_id: str
    txt_path: Path
    ann_path: Path
    text: str
    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    normalizations: dict[str, Normalization] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    equivs: list[Equiv] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # id -> every line that defined it (duplicates are a checker error)
    id_lines: dict[str, list[int]] = field(default_factory=dict)

    def attrs_of(self, target: str) -> dict[str, str | None]:
        """The attributes of one annotation: type -> value (None for a binary attribute)."""
        return {a.type: a.value for a in self.attributes.values() if a.target == target}

    def norms_of(self, target: str) -> list[Normalization]:
        return [n for n in self.normalizations.values() if n.target == target]

    def notes_of(self, target: str) -> list[Note]:
        return [n for n in self.notes.values() if n.target == target]

    def annotation_line(self, ann_id: str) -> int | None:
        lines = self.id_lines.get(ann_id)
        return lines[0] if lines else None


def parse_pairs(text: str) -> dict[str, str]:
    """``"anchor=2019-09-26 rule=next-year"`` -> ``{"anchor": ..., "rule": ...}``."""
    pairs: dict[str, str] = {}
    for token in text.split():
        if "=" in token:
            key, _, value = token.partition("=")
            pairs[key] = value
    return pairs


_ROLE_NUMBER_RE = re.compile(r"^(.*?)(\d+)$")


def base_role(role: str) -> str:
    """Strip brat's numbering of repeated roles: ``Participant2`` -> ``Participant``."""
    m = _ROLE_NUMBER_RE.match(role)
    return m.group(1) if m and m.group(1) else role


def read_text(path: Path) -> str:
    """Read a text as brat does: UTF-8, newlines as stored (CRLF is a checker error)."""
    return path.read_bytes().decode("utf-8")


def parse_ann(ann_text: str, *, doc_id: str, txt_path: Path, ann_path: Path,
              text: str) -> Document:
    """Parse the content of one ``.ann`` file (already decoded) into a :class:`Document`."""
    doc = Document(doc_id=doc_id, txt_path=txt_path, ann_path=ann_path, text=text)
    where = display_path(ann_path)
    for lineno, raw in enumerate(ann_text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        ann_id = fields[0]

        def bad(msg: str, lineno: int = lineno) -> None:
            doc.problems.append(Problem(where, lineno, msg))

        if not ann_id:
            bad("line does not start with an annotation id")
            continue
        kind = ann_id[0]
        if kind != "*" and len(fields) < 2:
            bad(f"{ann_id}: expected a TAB after the id")
            continue
        if kind != "*":
            doc.id_lines.setdefault(ann_id, []).append(lineno)
        head = fields[1].split(" ") if len(fields) > 1 else []
        try:
            if kind == "T":
                if len(fields) != 3:
                    bad(f"{ann_id}: a T line needs 3 TAB-separated fields, found {len(fields)}")
                    continue
                type_, _, offsets = fields[1].partition(" ")
                if not _OFFSETS_RE.match(offsets):
                    bad(f"{ann_id}: malformed offsets {offsets!r} (want 'start end[;start end]')")
                    continue
                frags = tuple(
                    (int(a), int(b))
                    for a, b in (frag.split(" ") for frag in offsets.split(";"))
                )
                doc.textbounds.setdefault(
                    ann_id, TextBound(ann_id, type_, frags, fields[2], lineno))
            elif kind == "E":
                if not head or ":" not in head[0]:
                    bad(f"{ann_id}: an E line starts with TYPE:TRIGGER")
                    continue
                type_, _, trigger = head[0].partition(":")
                args: list[tuple[str, str]] = []
                raw_roles: list[str] = []
                for arg in head[1:]:
                    if not arg:
                        continue
                    role, sep, target = arg.partition(":")
                    if not sep or not role or not target:
                        bad(f"{ann_id}: malformed argument {arg!r} (want ROLE:ID)")
                        continue
                    raw_roles.append(role)
                    args.append((base_role(role), target))
                doc.events.setdefault(
                    ann_id, Event(ann_id, type_, trigger, tuple(args), tuple(raw_roles), lineno))
            elif kind == "R":
                if len(head) != 3 or not head[1].startswith("Arg1:") \
                        or not head[2].startswith("Arg2:"):
                    bad(f"{ann_id}: an R line is 'TYPE Arg1:ID Arg2:ID'")
                    continue
                doc.relations.setdefault(
                    ann_id, Relation(ann_id, head[0], head[1][5:], head[2][5:], lineno))
            elif kind in "AM":
                if len(head) not in (2, 3):
                    bad(f"{ann_id}: an A line is 'TYPE ID [VALUE]'")
                    continue
                value = head[2] if len(head) == 3 else None
                doc.attributes.setdefault(
                    ann_id, Attribute(ann_id, head[0], head[1], value, lineno))
            elif kind == "N":
                if len(head) != 3 or ":" not in head[2]:
                    bad(f"{ann_id}: an N line is 'TYPE ID DB:KEY'")
                    continue
                db, _, key = head[2].partition(":")
                text_field = fields[2] if len(fields) > 2 else ""
                doc.normalizations.setdefault(
                    ann_id, Normalization(ann_id, head[0], head[1], db, key, text_field, lineno))
            elif kind == "#":
                if len(head) != 2:
                    bad(f"{ann_id}: a note line is 'AnnotatorNotes ID<TAB>text'")
                    continue
                text_field = fields[2] if len(fields) > 2 else ""
                doc.notes.setdefault(
                    ann_id, Note(ann_id, head[0], head[1], text_field, lineno))
            elif kind == "*":
                eq_head = fields[1].split(" ") if len(fields) > 1 else []
                if len(eq_head) < 3:
                    bad("an equivalence line is '*<TAB>TYPE ID ID [ID ...]'")
                    continue
                doc.equivs.append(Equiv(eq_head[0], tuple(eq_head[1:]), lineno))
            else:
                bad(f"{ann_id}: unknown annotation kind {kind!r} "
                    "(want T, E, R, A, M, N, # or *)")
        except ValueError as exc:  # pragma: no cover - defensive: int() on validated digits
            bad(f"{ann_id}: {exc}")
    return doc


def read_document(txt_path: Path, ann_path: Path | None = None) -> Document:
    """Read one ``X.txt`` and its ``X.ann`` (decoding errors become problems, not crashes)."""
    ann_path = ann_path or txt_path.with_suffix(".ann")
    doc_id = txt_path.stem
    problems: list[Problem] = []
    try:
        text = read_text(txt_path)
    except UnicodeDecodeError as exc:
        problems.append(Problem(display_path(txt_path), None,
                                f"not UTF-8 (byte {exc.start}): {exc.reason}"))
        text = txt_path.read_bytes().decode("utf-8", "replace")
    try:
        ann_text = ann_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(display_path(ann_path), None,
                                f"not UTF-8 (byte {exc.start}): {exc.reason}"))
        ann_text = ""
    doc = parse_ann(ann_text, doc_id=doc_id, txt_path=txt_path, ann_path=ann_path, text=text)
    doc.problems[:0] = problems
    return doc


def collection_documents(folder: Path) -> list[Path]:
    """The ``.txt`` files of a brat collection, sorted by name (a stable build order)."""
    return sorted(folder.glob("*.txt"))
