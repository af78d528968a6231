"""One annotated document against the scheme: spans, references, roles, attributes, notes.

Every check here looks at one brat document and the :class:`Context` it is checked against
(the scheme, the ontology, the registry and links as read once for the corpus); corpus-wide
checks and reading the files are :mod:`ctkg.annotations.check`'s, the normalization and
note lines' keys :mod:`ctkg.annotations.check_norms`'s. Problems are collected, never raised,
so that every defect of a file is reported at once.
"""

from __future__ import annotations

from ctkg.annotations.brat import Attribute, Document, Equiv, Event, Note, Relation, TextBound
from ctkg.annotations.check_norms import Context, check_norm, check_note
from ctkg.annotations.quantity import check_quantity
from ctkg.annotations.scheme import QUANTITY, STATEMENT
from ctkg.errors import Problem, display_path


def _type_of(doc: Document, ann_id: str) -> str | None:
    if ann_id in doc.textbounds:
        return doc.textbounds[ann_id].type
    if ann_id in doc.events:
        return doc.events[ann_id].type
    if ann_id in doc.relations:
        return doc.relations[ann_id].type
    return None


def check_spans(doc: Document, tb: TextBound) -> list[str]:
    """What is wrong with a T line's offsets and stored text (empty: nothing)."""
    msgs: list[str] = []
    bad = msgs.append
    n = len(doc.text)
    prev_end = -1
    ok = True
    for i, (s, e) in enumerate(tb.fragments, start=1):
        frag = f"fragment {i} ({s} {e})" if len(tb.fragments) > 1 else f"span {s} {e}"
        if e > n or s > n:
            bad(f"{tb.id}: {frag} is outside the text ({n} characters)")
            ok = False
        elif s >= e:
            bad(f"{tb.id}: {frag} is empty or reversed (start must be < end)")
            ok = False
        elif "\n" in doc.text[s:e]:
            bad(f"{tb.id}: {frag} crosses a newline (brat spans stay on one line)")
        if prev_end >= 0 and s < prev_end:
            bad(f"{tb.id}: fragment {i} ({s} {e}) is out of order or overlaps the previous one")
            ok = False
        prev_end = e
    if ok:
        actual = " ".join(doc.text[s:e] for s, e in tb.fragments)
        if actual != tb.text:
            offs = ";".join(f"{s} {e}" for s, e in tb.fragments)
            bad(f"{tb.id}: stored text {tb.text!r} differs from the text at {offs}: "
                f"{actual!r} (see `ctkg anchor`)")
    return msgs


def check_document(doc: Document, ctx: Context) -> list[Problem]:
    """Every problem of one document against the scheme, the registry and the links."""
    return _DocumentCheck(doc, ctx).run()


class _DocumentCheck:
    """The checks of one document, one method per kind of annotation."""

    def __init__(self, doc: Document, ctx: Context) -> None:
        self.doc, self.ctx, self.sch = doc, ctx, ctx.scheme
        self.where = display_path(doc.ann_path)
        self.problems: list[Problem] = []
        self.triggers: dict[str, str] = {}  # trigger T -> E
        for ev in doc.events.values():
            self.triggers.setdefault(ev.trigger, ev.id)
        self.known_types = set(self.sch.entities) | set(self.sch.events)

    def run(self) -> list[Problem]:
        if not any(ann_id.startswith("T") for ann_id in self.doc.id_lines):
            self.bad("no annotations: the document has no T line (is the .ann empty?); a "
                     "text in the collection is annotated, or left out until it is", 1)
        for ann_id, lines in self.doc.id_lines.items():
            for line in lines[1:]:
                self.bad(f"duplicate id {ann_id} (first defined at line {lines[0]})", line)
        for tb in self.doc.textbounds.values():
            self.textbound(tb)
        for ev in self.doc.events.values():
            self.event(ev)
        for rel in self.doc.relations.values():
            self.relation(rel)
        seen: dict[tuple[str, str], int] = {}
        for attr in self.doc.attributes.values():
            self.attribute(attr, seen)
        for norm in self.doc.normalizations.values():
            self.problems += check_norm(self.doc, norm, self.ctx, self.where)
        for note in self.doc.notes.values():
            self.note(note)
        for eq in self.doc.equivs:
            self.equiv(eq)
        return self.problems

    def bad(self, msg: str, line: int | None, severity: str = "error") -> None:
        self.problems.append(Problem(self.where, line, msg, severity))

    def exists(self, ref: str, line: int, owner: str, what: str) -> bool:
        if _type_of(self.doc, ref) is None:
            self.bad(f"{owner}: {what} {ref} does not exist in this file", line)
            return False
        return True

    def ref_type(self, ref: str, line: int, owner: str, what: str) -> str | None:
        """The type of a referenced annotation (None if missing); a reference to an event's
        trigger instead of the event is an error."""
        if not self.exists(ref, line, owner, what):
            return None
        if ref in self.doc.textbounds and ref in self.triggers:
            self.bad(f"{owner}: {what} {ref} is the trigger of {self.triggers[ref]}: refer to "
                     f"the event {self.triggers[ref]}", line)
        return _type_of(self.doc, ref)

    def textbound(self, tb: TextBound) -> None:
        for msg in check_spans(self.doc, tb):
            self.bad(msg, tb.line)
        if tb.type not in self.known_types:
            self.bad(f"{tb.id}: unknown type {tb.type!r} (annotation.conf: "
                     f"{', '.join(sorted(self.known_types))})", tb.line)
        elif tb.type in self.sch.events and tb.id not in self.triggers:
            self.bad(f"{tb.id}: {tb.type} trigger without an E line (an event needs one)",
                     tb.line)
        if tb.type in self.sch.events:
            return  # an event's normalizations are on its E id: checked with the event
        dbs = [n.db for n in self.doc.norms_of(tb.id)]
        if tb.type == "TimeExpression":
            if dbs.count("ISO8601") != 1:
                self.bad(f"{tb.id}: a TimeExpression needs exactly one ISO8601 normalization "
                         f"(N line), found {dbs.count('ISO8601')}", tb.line)
        elif tb.type == QUANTITY:
            self.problems += check_quantity(self.doc, tb, self.where)
        elif tb.type in self.known_types and dbs.count("CTKG") != 1:
            self.bad(f"{tb.id}: unnormalized mention: a {tb.type} needs exactly one CTKG "
                     f"normalization (N line), found {dbs.count('CTKG')}", tb.line)
        if dbs.count("Wikidata") > 1:
            self.bad(f"{tb.id}: more than one Wikidata normalization", tb.line)

    def event_norms(self, ev: Event) -> None:
        """An event (not a Statement) names its registry entry on its E id: brat refuses
        normalizations on triggers (:mod:`ctkg.annotations.check_brat`)."""
        dbs = [n.db for n in self.doc.norms_of(ev.id)]
        if ev.type != STATEMENT and dbs.count("CTKG") != 1:
            self.bad(f"{ev.id}: unnormalized event: a {ev.type} needs exactly one CTKG "
                     f"normalization on its E id (N Reference {ev.id} CTKG:slug), found "
                     f"{dbs.count('CTKG')}", ev.line)
        if dbs.count("Wikidata") > 1:
            self.bad(f"{ev.id}: more than one Wikidata normalization", ev.line)

    def event(self, ev: Event) -> None:
        if ev.type not in self.sch.events:
            self.bad(f"{ev.id}: unknown event type {ev.type!r}", ev.line)
        trigger = self.doc.textbounds.get(ev.trigger)
        if trigger is None:
            self.bad(f"{ev.id}: trigger {ev.trigger} is not a T annotation of this file",
                     ev.line)
        elif trigger.type != ev.type:
            self.bad(f"{ev.id}: trigger {ev.trigger} has type {trigger.type!r}, the event is "
                     f"{ev.type!r}", ev.line)
        repeated = next((r for r in ev.raw_roles if ev.raw_roles.count(r) > 1), None)
        if repeated:
            self.bad(f"{ev.id}: role {repeated} written twice: number repeated roles "
                     f"({repeated}:.. {repeated}2:..)", ev.line)
        self.event_args(ev)
        if ev.type in self.sch.events:
            self.event_norms(ev)
        if ev.type == STATEMENT:
            self.statement(ev)

    def event_args(self, ev: Event) -> None:
        """Each argument's role and type, and each role's count."""
        counts: dict[str, int] = {}
        for role, target in ev.args:
            counts[role] = counts.get(role, 0) + 1
            spec = self.sch.role(ev.type, role)
            if ev.type in self.sch.events and spec is None:
                roles = ", ".join(r.name for r in self.sch.events[ev.type])
                self.bad(f"{ev.id}: unknown role {role!r} for {ev.type} (allowed: {roles})",
                         ev.line)
            t = self.ref_type(target, ev.line, ev.id, f"{role} argument")
            if spec and t is not None and t not in spec.types:
                self.bad(f"{ev.id}: {role} argument {target} is a {t}; {ev.type}.{role} takes "
                         f"{'|'.join(spec.types)}", ev.line)
        for spec in self.sch.events.get(ev.type, ()):
            n = counts.get(spec.name, 0)
            if not spec.allows_count(n):
                self.bad(f"{ev.id}: {ev.type} needs {spec.card_text} {spec.name}, found {n}",
                         ev.line)

    def statement(self, ev: Event) -> None:
        if "SpeechKind" not in self.doc.attrs_of(ev.id):
            self.bad(f"{ev.id}: a Statement needs a SpeechKind attribute "
                     "(DirectQuote|ReportedSpeech|Paraphrase)", ev.line)
        if not any(r == "About" for r, _ in ev.args) and not any(
                r.arg1 == ev.id and r.type in ("warnsOf", "advocates")
                for r in self.doc.relations.values()):
            self.bad(f"{ev.id}: statement with no About argument and no warnsOf/advocates "
                     "relation: what is it about?", ev.line, "warning")

    def relation(self, rel: Relation) -> None:
        spec = self.sch.relations.get(rel.type)
        if spec is None:
            self.bad(f"{rel.id}: unknown relation type {rel.type!r} (annotation.conf: "
                     f"{', '.join(self.sch.relations)})", rel.line)
        for arg, ref, allowed in (("Arg1", rel.arg1, spec[0] if spec else None),
                                  ("Arg2", rel.arg2, spec[1] if spec else None)):
            t = self.ref_type(ref, rel.line, rel.id, arg)
            if allowed and t is not None and t not in allowed:
                self.bad(f"{rel.id}: {arg} {ref} is a {t}; {rel.type} {arg} takes "
                         f"{'|'.join(allowed)}", rel.line)

    def attribute(self, attr: Attribute, seen: dict[tuple[str, str], int]) -> None:
        adef = self.sch.attributes.get(attr.type)
        if adef is None:
            self.bad(f"{attr.id}: unknown attribute {attr.type!r} (annotation.conf: "
                     f"{', '.join(self.sch.attributes)})", attr.line)
            return
        key = (attr.type, attr.target)
        if key in seen:
            self.bad(f"{attr.id}: {attr.target} already has a {attr.type} attribute (line "
                     f"{seen[key]})", attr.line)
        seen.setdefault(key, attr.line)
        t = self.ref_type(attr.target, attr.line, attr.id, "target")
        on_span = attr.target in self.doc.textbounds
        if t is not None and (t not in adef.targets or on_span):
            kind = "T" if on_span else attr.target[0]
            self.bad(f"{attr.id}: {attr.type} cannot be attached to {attr.target} (a {t} "
                     f"{kind}); it applies to {adef.applies_to}", attr.line)
        if adef.values and attr.value not in adef.values:
            self.bad(f"{attr.id}: {attr.type} value {attr.value!r} is not one of "
                     f"{'|'.join(adef.values)}", attr.line)
        elif not adef.values and attr.value is not None:
            self.bad(f"{attr.id}: {attr.type} is a binary attribute and takes no value "
                     f"(found {attr.value!r})", attr.line)

    def note(self, note: Note) -> None:
        if note.type != "AnnotatorNotes":
            self.bad(f"{note.id}: unknown note type {note.type!r} (want AnnotatorNotes)",
                     note.line)
        if self.exists(note.target, note.line, note.id, "target"):
            self.problems += check_note(note.id, note.text, note.line, self.where, self.ctx)

    def equiv(self, eq: Equiv) -> None:
        if eq.type != "Equiv":
            self.bad(f"unknown equivalence type {eq.type!r} (want Equiv)", eq.line)
        for m in eq.members:
            if m not in self.doc.textbounds:
                self.bad(f"Equiv: member {m} is not a T annotation of this file", eq.line)

