"""Read brat standoff (``.ann``) files into plain data, keeping the line of every annotation.

The reader is deliberately lenient about *content* (unknown types, dangling references,
mismatched span text): it records what the file says, with line numbers, and leaves the
judgement to :mod:`ctkg.annotations.check`, so that every problem of a file can be reported
at once. It is strict only about what it cannot represent (a line it cannot split into
fields), reported as a :class:`~ctkg.errors.Problem` in :attr:`Document.problems`.

brat's rules, as followed here: offsets count Unicode code points from 0, start inclusive,
end exclusive; a discontinuous span lists fragments separated by ``;`` and its text field
joins the fragment texts with one space. An annotation id follows :data:`ID_RULE` and a
document id (the file stem) the catalogue's :data:`~ctkg.inputs.catalogue.DOC_ID_RULE`:
both become parts of IRIs, so a value the compiler could not put in one is reported here,
with its line, instead of failing the build.

Where an event's normalizations and notes are: on its ``E`` id, never on its trigger ``T``.
brat's loader (``Annotations._sanity`` in brat's ``server/src/annotation.py``) refuses a
document in which any annotation but an event or a relation references a trigger
(``TriggerReferenceError``), so ``N`` and ``#`` lines of an event name the ``E``:
``doc.norms_of(event.id)``, ``doc.notes_of(event.id)``. :meth:`Document.norms_of` and
:meth:`Document.notes_of` still return what names the id they are given (a trigger's are
a defect :mod:`ctkg.annotations.check_document` reports); :meth:`Document.event_of` tells
whether a ``T`` is a trigger.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ctkg.errors import Problem, display_path
from ctkg.inputs.catalogue import DOC_ID_RE, DOC_ID_RULE
from ctkg.inputs.encoding import decode_utf8

_OFFSETS_RE = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")
# brat's standoff format: "a single upper-case character identifying the annotation type and
# a number" (T, E, R, A, M, N; # for notes). brat's loader also accepts more letters and a
# free tail after the number (^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$); CTKG does not, because
# T, E and R ids are the last segment of mention, statement and assertion IRIs.
ID_RE = re.compile(r"^[TERAMN#][0-9]+$")
# what str.splitlines (brat's readlines of an .ann) breaks at besides LF and CR
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ID_RULE = ("brat ID rule: the kind letter T, E, R, A, M or N, or #, then a number, "
           "e.g. T12 or #3; nothing before or after")


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
    """An ``E`` line: a trigger and role arguments, in file order. ``args`` holds ``(role,
    target id)`` pairs with brat's role numbering removed (``Participant2`` ->
    ``Participant``); ``raw_roles`` keeps the written names."""

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
    txt_sha256: str = ""  # of the bytes read (the cache keys and the manifest use them)
    ann_sha256: str = ""

    def attrs_of(self, target: str) -> dict[str, str | None]:
        """The attributes of one annotation: type -> value (None for a binary attribute)."""
        return {a.type: a.value for a in self.attributes.values() if a.target == target}

    def norms_of(self, target: str) -> list[Normalization]:
        """The N lines that name ``target``: an event's are on its E id (module docstring)."""
        return [n for n in self.normalizations.values() if n.target == target]

    def notes_of(self, target: str) -> list[Note]:
        """The # lines that name ``target``: an event's are on its E id (module docstring)."""
        return [n for n in self.notes.values() if n.target == target]

    def event_of(self, trigger: str) -> Event | None:
        """The (first) event whose trigger is ``trigger``; None if that is no trigger."""
        return next((e for e in self.events.values() if e.trigger == trigger), None)


def parse_pairs(text: str) -> dict[str, str]:
    """``"anchor=2019-09-26 rule=next-year"`` -> ``{"anchor": ..., "rule": ...}``;
    ``note=`` takes the rest of the line as free text (docs/annotation-guidelines.md §1), so
    a ``key=value`` inside it is no pair: the compiler reads what the checker checked."""
    pairs: dict[str, str] = {}
    tokens = text.split()
    for i, token in enumerate(tokens):
        if "=" in token:
            key, _, value = token.partition("=")
            if key == "note":
                pairs[key] = " ".join([value, *tokens[i + 1:]]).strip()
                break
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


def decode(path: Path, problems: list[Problem], raw: bytes | None = None) -> str:
    """A file's text (``raw``: its bytes, if read), decoded strictly: non-UTF-8 (at its line),
    a BOM and CR line endings go to ``problems`` (brat counts offsets on LF text, no BOM)."""
    raw = path.read_bytes() if raw is None else raw
    where = display_path(path)
    text, bad = decode_utf8(raw)
    if bad is not None:
        problems.append(Problem(where, bad.line, bad.message))
    if text.startswith("\ufeff"):
        problems.append(Problem(where, 1, "starts with a byte-order mark (U+FEFF): save as "
                                          "UTF-8 without BOM (it shifts every offset)"))
    if "\r" in text:
        first = text[:text.index("\r")].count("\n") + 1
        crlf = text.count("\r\n")
        kind = f"CRLF line endings ({crlf} lines)" if crlf else "a carriage return (CR)"
        problems.append(Problem(where, first, f"{kind}: use LF only (brat counts offsets "
                                              "on LF text)"))
    return text


class _Reader:
    """Parses the lines of one ``.ann`` into a :class:`Document`, one method per kind."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.where = display_path(doc.ann_path)
        self.lineno = 0

    def bad(self, message: str) -> None:
        self.doc.problems.append(Problem(self.where, self.lineno, message))

    def line(self, lineno: int, line: str) -> None:
        self.lineno = lineno
        fields = line.split("\t")
        ann_id = fields[0]
        if not ann_id:
            self.bad("line does not start with an annotation id")
            return
        kind = ann_id[0]
        if kind == "*":
            self.equiv(fields)
            return
        if len(fields) < 2:
            self.bad(f"{ann_id}: expected a TAB after the id")
            return
        self.doc.id_lines.setdefault(ann_id, []).append(lineno)
        handler = self.HANDLERS.get(kind)
        if handler is None:
            self.bad(f"{ann_id}: unknown annotation kind {kind!r} "
                     "(want T, E, R, A, M, N, # or *)")
            return
        if not ID_RE.match(ann_id):  # still read: what refers to it is checked as usual
            self.bad(f"{ann_id!r} is not an annotation id ({ID_RULE})")
        handler(self, ann_id, fields, fields[1].split(" "))

    def textbound(self, ann_id: str, fields: list[str], _head: list[str]) -> None:
        if len(fields) != 3:
            self.bad(f"{ann_id}: a T line needs 3 TAB-separated fields, found {len(fields)}")
            return
        type_, _, offsets = fields[1].partition(" ")
        if not _OFFSETS_RE.match(offsets):
            self.bad(f"{ann_id}: malformed offsets {offsets!r} (want 'start end[;start end]')")
            return
        frags = tuple((int(a), int(b)) for a, b in (f.split(" ") for f in offsets.split(";")))
        self.doc.textbounds.setdefault(ann_id, TextBound(ann_id, type_, frags, fields[2],
                                                         self.lineno))

    def event(self, ann_id: str, _fields: list[str], head: list[str]) -> None:
        if ":" not in head[0]:
            self.bad(f"{ann_id}: an E line starts with TYPE:TRIGGER")
            return
        type_, _, trigger = head[0].partition(":")
        args: list[tuple[str, str]] = []
        raw_roles: list[str] = []
        for arg in filter(None, head[1:]):
            role, sep, target = arg.partition(":")
            if not sep or not role or not target:
                self.bad(f"{ann_id}: malformed argument {arg!r} (want ROLE:ID)")
                continue
            raw_roles.append(role)
            args.append((base_role(role), target))
        self.doc.events.setdefault(ann_id, Event(ann_id, type_, trigger, tuple(args),
                                                 tuple(raw_roles), self.lineno))

    def relation(self, ann_id: str, _fields: list[str], head: list[str]) -> None:
        if len(head) != 3 or not head[1].startswith("Arg1:") \
                or not head[2].startswith("Arg2:"):
            self.bad(f"{ann_id}: an R line is 'TYPE Arg1:ID Arg2:ID'")
            return
        self.doc.relations.setdefault(
            ann_id, Relation(ann_id, head[0], head[1][5:], head[2][5:], self.lineno))

    def attribute(self, ann_id: str, _fields: list[str], head: list[str]) -> None:
        if len(head) not in (2, 3):
            self.bad(f"{ann_id}: an A line is 'TYPE ID [VALUE]'")
            return
        value = head[2] if len(head) == 3 else None
        self.doc.attributes.setdefault(
            ann_id, Attribute(ann_id, head[0], head[1], value, self.lineno))

    def normalization(self, ann_id: str, fields: list[str], head: list[str]) -> None:
        if len(head) != 3 or ":" not in head[2]:
            self.bad(f"{ann_id}: an N line is 'TYPE ID DB:KEY'")
            return
        db, _, key = head[2].partition(":")
        text = "\t".join(fields[2:])  # brat: the text is all after the second TAB
        self.doc.normalizations.setdefault(
            ann_id, Normalization(ann_id, head[0], head[1], db, key, text, self.lineno))

    def note(self, ann_id: str, fields: list[str], head: list[str]) -> None:
        if len(head) != 2:
            self.bad(f"{ann_id}: a note line is 'AnnotatorNotes ID<TAB>text'")
            return
        text = "\t".join(fields[2:])  # brat: the text is all after the second TAB
        self.doc.notes.setdefault(ann_id, Note(ann_id, head[0], head[1], text, self.lineno))

    def equiv(self, fields: list[str]) -> None:
        head = fields[1].split(" ") if len(fields) > 1 else []
        if len(head) < 3:
            self.bad("an equivalence line is '*<TAB>TYPE ID ID [ID ...]'")
            return
        self.doc.equivs.append(Equiv(head[0], tuple(head[1:]), self.lineno))

    HANDLERS: ClassVar[dict[str, Callable[[_Reader, str, list[str], list[str]], None]]] = {
        "T": textbound, "E": event, "R": relation, "A": attribute, "M": attribute,
        "N": normalization, "#": note}


def parse_ann(ann_text: str, *, doc_id: str, txt_path: Path, ann_path: Path,
              text: str) -> Document:
    """Parse the content of one ``.ann`` file (already decoded) into a :class:`Document`."""
    doc = Document(doc_id=doc_id, txt_path=txt_path, ann_path=ann_path, text=text)
    reader = _Reader(doc)
    lines = ann_text.split("\n")
    last = len(lines) if lines[-1] else len(lines) - 1
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if breaks := sorted(set(_OTHER_LINE_BREAKS.findall(line))):
            reader.lineno = lineno
            reader.bad(f"{', '.join(f'U+{ord(c):04X}' for c in breaks)} in the line: brat's "
                       "loader splits an .ann into lines as str.splitlines does, so it reads a "
                       "line break there (and sees other annotations than this checker)")
        if line.strip():
            reader.line(lineno, line)
        elif lineno <= last:  # the empty string after a final newline is no line
            reader.lineno = lineno
            reader.bad("empty line: brat's loader cannot parse it (it reports 'Unable to "
                       "parse the following line(s)' on every opening): remove it")
    return doc


def read_document(txt_path: Path, ann_path: Path | None = None) -> Document:
    """Read one ``X.txt`` and its ``X.ann``, once; what is wrong with the files (encoding,
    BOM, CR, lines that do not parse) is in :attr:`Document.problems`, never raised."""
    ann_path = ann_path or txt_path.with_suffix(".ann")
    problems: list[Problem] = []
    txt_raw, ann_raw = txt_path.read_bytes(), ann_path.read_bytes()
    text = decode(txt_path, problems, txt_raw)
    doc = parse_ann(decode(ann_path, problems, ann_raw), doc_id=txt_path.stem,
                    txt_path=txt_path, ann_path=ann_path, text=text)
    doc.problems[:0] = problems
    doc.txt_sha256, doc.ann_sha256 = (hashlib.sha256(b).hexdigest() for b in (txt_raw, ann_raw))
    return doc


def collection_documents(folder: Path) -> list[Path]:
    """The ``.txt`` files of a brat collection, sorted by name (a stable build order)."""
    return sorted(folder.glob("*.txt"))


def read_collection(folder: Path) -> tuple[list[Document], list[Problem]]:
    """Every annotated document of a collection, read once, in name order, and the pairing's
    problems (:func:`pair_files`); a document's own are in its :attr:`Document.problems`."""
    pairs, problems = pair_files(folder)
    return [read_document(txt, ann) for txt, ann in pairs], problems


def pair_files(folder: Path) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """Each annotated text's ``.txt`` and ``.ann``, in name order, and what is wrong with the
    pairing (a ``.txt`` without its ``.ann`` or the reverse, a stem that is no document id)."""
    txts = {p.stem: p for p in folder.glob("*.txt")}
    anns = {p.stem: p for p in folder.glob("*.ann")}
    problems = [Problem(display_path(anns[s]), None, f"{s}.ann has no {s}.txt")
                for s in sorted(set(anns) - set(txts))]
    problems += [Problem(display_path(txts[s]), None, f"{s}.txt has no {s}.ann")
                 for s in sorted(set(txts) - set(anns))]
    problems += [Problem(display_path(txts[s]), None, f"document id {s!r} (the file name) "
                                                      f"cannot be part of an IRI ({DOC_ID_RULE})")
                 for s in sorted(txts) if not DOC_ID_RE.match(s)]
    return [(txts[s], anns[s]) for s in sorted(set(txts) & set(anns))], problems
