"""A CAS of CTKG's layers back to brat standoff: the ``.ann`` text of one document.

Ids come from each annotation's ``bratIds`` feature, so a round trip keeps every id and
every attachment; an annotation made in INCEpTION gets fresh ids above the document's
highest, its normalizations and note go on its ``E`` id if it is an event (brat refuses
them on a trigger) and on its ``T`` id otherwise, and an empty normalization label is filled
from ``labels`` (registry and Wikidata labels) or, for ISO8601, the span's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cassis import Cas

from ctkg.annotations.brat import ID_RE, Document, parse_ann
from ctkg.annotations.scheme import Scheme
from ctkg.errors import Problem
from ctkg.interchange.bratids import BratIds
from ctkg.interchange.typesystem import RELATION, SPAN, Layers, feature_name

FS = Any
_FRAGMENTS = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")
_KIND_ORDER = "TERAMN#"


def _describe(fs: FS) -> str:
    return f"{fs.type.name.rsplit('.', 1)[-1]} {fs.get('label')!r} at {fs.begin}-{fs.end}"


class _Importer:
    def __init__(self, cas: Cas, scheme: Scheme, labels: Mapping[str, Mapping[str, str]],
                 where: str) -> None:
        self.cas, self.scheme, self.labels, self.where = cas, scheme, labels, where
        self.text: str = cas.sofa_string or ""
        self.layers = Layers.of(scheme)
        self.problems: list[Problem] = []
        self.lines: dict[str, str] = {}  # id -> .ann line
        self.ref: dict[int, str] = {}  # id(span) -> the id arguments use (E or T)
        self.ids: dict[int, BratIds] = {}
        self.next: dict[str, int] = {}

    def bad(self, fs: FS, message: str) -> None:
        self.problems.append(Problem(self.where, None, f"{_describe(fs)}: {message}"))

    def parse_ids(self, structures: list[FS]) -> None:
        used: dict[str, int] = {}
        for fs in structures:
            try:
                ids = BratIds.parse(fs.get("bratIds"))
            except ValueError as exc:
                self.bad(fs, str(exc))
                ids = BratIds()
            self.ids[id(fs)] = ids
            every = [*ids.own, *(v[0] for v in (*ids.norms.values(), *ids.attrs.values()))]
            every += [ids.note[0]] if ids.note else []
            for i in every:
                kind = "A" if i[0] == "M" else i[0]
                used[kind] = max(used.get(kind, 0), int(i[1:]))
        self.next = {k: n + 1 for k, n in used.items()}

    def fresh(self, kind: str) -> str:
        n = self.next.get(kind, 1)
        self.next[kind] = n + 1
        return f"{kind}{n}"

    def put(self, fs: FS, ann_id: str, line: str) -> None:
        if "\n" in line or "\r" in line:
            self.bad(fs, f"{ann_id}: a line break in a value (brat reads one line each)")
        elif ann_id in self.lines and self.lines[ann_id] != line:
            self.bad(fs, f"{ann_id} is claimed by two different annotations")
        else:
            self.lines[ann_id] = line

    def word(self, fs: FS, value: str | None, what: str) -> str | None:
        if not value or re.search(r"\s", value):
            self.bad(fs, f"{what} {value!r} is empty or has a space")
            return None
        return value

    def fragments(self, fs: FS) -> tuple[tuple[int, int], ...] | None:
        written = fs.get("fragments")
        if not written:
            return ((fs.begin, fs.end),)
        if not _FRAGMENTS.match(written):
            self.bad(fs, f"fragments {written!r} are not brat offsets ('0 5;9 14')")
            return None
        frags = tuple((int(a), int(b)) for a, b in (f.split(" ") for f in written.split(";")))
        if frags[0][0] != fs.begin or frags[-1][1] != fs.end or any(
                s > e for s, e in frags):
            self.bad(fs, f"fragments {written!r} do not run from the span's begin to its end: "
                         "correct them or clear them")
            return None
        return frags

    def span(self, fs: FS) -> None:
        ids = self.ids[id(fs)]
        label = self.word(fs, fs.get("label"), "label")
        frags = self.fragments(fs)
        if label is None or frags is None:
            return
        t_id = ids.own_of("T") or self.fresh("T")
        is_event = ids.own_of("E") is not None or (
            ids.own_of("T") is None and label in self.scheme.events)
        text = " ".join(self.text[s:e] for s, e in frags)
        self.put(fs, t_id, f"{t_id}\t{label} {';'.join(f'{s} {e}' for s, e in frags)}\t{text}")
        own = [t_id]
        if is_event:
            own.append(ids.own_of("E") or self.fresh("E"))
        ids.own = own
        self.ref[id(fs)] = own[-1]

    def event(self, fs: FS) -> None:
        ids = self.ids[id(fs)]
        e_id = ids.own_of("E")
        if e_id is None or id(fs) not in self.ref:
            if fs.get("roles") is not None and fs.roles.elements:
                self.bad(fs, "role links on a span that is no event")
            return
        args, seen = [], dict[str, int]()
        for link in (fs.roles.elements if fs.get("roles") is not None else []):
            target = self.ref.get(id(link.target)) if link.target is not None else None
            role = self.word(fs, link.role, "role")
            if target is None or role is None:
                self.bad(fs, f"role {link.role!r} has no usable target")
                continue
            seen[role] = seen.get(role, 0) + 1
            args.append(f"{role}{seen[role] if seen[role] > 1 else ''}:{target}")
        head = f"{fs.label}:{ids.own_of('T')}"
        self.put(fs, e_id, f"{e_id}\t{' '.join([head, *args])}")

    def relation(self, fs: FS) -> None:
        ids = self.ids[id(fs)]
        label = self.word(fs, fs.get("label"), "label")
        gov = self.ref.get(id(fs.Governor)) if fs.Governor is not None else None
        dep = self.ref.get(id(fs.Dependent)) if fs.Dependent is not None else None
        if gov is None or dep is None:
            self.bad(fs, "Governor or Dependent is missing or not imported")
        if label is None or gov is None or dep is None:
            return
        r_id = ids.own_of("R") or self.fresh("R")
        ids.own = [r_id]
        self.ref[id(fs)] = r_id
        self.put(fs, r_id, f"{r_id}\t{label} Arg1:{gov} Arg2:{dep}")

    def target(self, fs: FS, given: tuple[str, str] | None, kind: str) -> tuple[str, str]:
        """(id, target) of a dependent line: as recorded, else fresh on the default."""
        ids = self.ids[id(fs)]
        if given is not None and given[1] in ids.own:
            return given
        if given is not None:
            self.bad(fs, f"{given[0]} was attached to {given[1]}, which is not this "
                         "annotation: attached to it anew")
        return self.fresh(kind), self.ref[id(fs)]

    def dependents(self, fs: FS) -> None:
        if id(fs) not in self.ref:
            return
        ids = self.ids[id(fs)]
        if fs.type.name == SPAN:
            for db in self.layers.dbs:
                key = fs.get(feature_name(db))
                if key and self.word(fs, key, f"{db} key"):
                    n_id, on = self.target(fs, ids.norms.get(db), "N")
                    text = fs.get(feature_name(db) + "Text") or self.default_label(fs, db, key)
                    self.put(fs, n_id, f"{n_id}\tReference {on} {db}:{key}\t{text}")
        note = fs.get("note")
        if note:
            n_id, on = self.target(fs, ids.note, "#")
            self.put(fs, n_id, f"{n_id}\tAnnotatorNotes {on}\t{note}")
        names = (self.layers.span_attributes if fs.type.name == SPAN
                 else self.layers.relation_attributes)
        for name in names:
            value = fs.get(feature_name(name))
            if value is None or value is False or value == "":
                continue
            a_id, on = self.target(fs, ids.attrs.get(name), "A")
            tail = "" if value is True else f" {value}"
            self.put(fs, a_id, f"{a_id}\t{name} {on}{tail}")

    def default_label(self, fs: FS, db: str, key: str) -> str:
        if db == "ISO8601":
            return str(fs.get_covered_text())
        return self.labels.get(db, {}).get(key, "")

    def run(self) -> str:
        spans = list(self.cas.select(SPAN))
        relations = list(self.cas.select(RELATION))
        self.parse_ids([*spans, *relations])
        for fs in spans:
            self.span(fs)
        for fs in spans:
            self.event(fs)
        for fs in relations:
            self.relation(fs)
        for fs in [*spans, *relations]:
            self.dependents(fs)
        order = sorted(self.lines, key=lambda i: (_KIND_ORDER.index(i[0]), int(i[1:])
                                                  if ID_RE.match(i) else 0, i))
        return "".join(self.lines[i] + "\n" for i in order)


def cas_to_ann(cas: Cas, scheme: Scheme, *, labels: Mapping[str, Mapping[str, str]]
               | None = None, where: str = "") -> tuple[str, list[Problem]]:
    """The ``.ann`` text of a CAS, and what could not be turned back into brat."""
    importer = _Importer(cas, scheme, labels or {}, where)
    return importer.run(), importer.problems


def annotation_set(doc: Document) -> set[tuple[object, ...]]:
    """A document's annotations as comparable tuples, ids included (line numbers and
    order left out): what a round trip must keep."""
    out: set[tuple[object, ...]] = set()
    out |= {("T", t.id, t.type, t.fragments, t.text) for t in doc.textbounds.values()}
    out |= {("E", e.id, e.type, e.trigger, tuple(zip(e.raw_roles, (a for _, a in e.args),
                                                     strict=True)))
            for e in doc.events.values()}
    out |= {("R", r.id, r.type, r.arg1, r.arg2) for r in doc.relations.values()}
    out |= {("A", a.id, a.type, a.target, a.value) for a in doc.attributes.values()}
    out |= {("N", n.id, n.type, n.target, n.db, n.key, n.text)
            for n in doc.normalizations.values()}
    out |= {("#", n.id, n.type, n.target, n.text) for n in doc.notes.values()}
    out |= {("*", q.type, q.members) for q in doc.equivs}
    return out


def ann_document(doc_id: str, text: str, ann: str, like: Document) -> Document:
    """The imported ``.ann`` read back by the brat reader (for comparison)."""
    return parse_ann(ann, doc_id=doc_id, txt_path=like.txt_path, ann_path=like.ann_path,
                     text=text)
