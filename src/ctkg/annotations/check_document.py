"""One annotated document against the scheme: spans, references, roles, attributes, notes.

Every check here looks at one brat document and the :class:`Context` it is checked against
(the scheme, the ontology, the registry and links as read once for the corpus); corpus-wide
checks and reading the files are :mod:`ctkg.annotations.check`'s. Problems are collected,
never raised, so that every defect of a file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctkg.annotations.brat import (
    Attribute,
    Document,
    Equiv,
    Event,
    Normalization,
    Note,
    Relation,
    TextBound,
)
from ctkg.annotations.scheme import ANNOTATION_ONLY, NORMALIZATION_DBS, STATEMENT, Scheme
from ctkg.errors import Problem, display_path
from ctkg.inputs import Inputs
from ctkg.inputs.catalogue import DOC_ID_RE, DOC_ID_RULE
from ctkg.inputs.ontology import Ontology
from ctkg.inputs.timex import parse_iso
from ctkg.rdf.namespaces import QID_RE

NOTE_KEYS = ("anchor", "rule", "qualifier", "evidence", "note")


@dataclass
class Context:
    """What every document is checked against, and what the corpus uses of the registry."""

    scheme: Scheme
    inputs: Inputs
    doc_ids: set[str]
    used: set[str] = field(default_factory=set)

    @property
    def onto(self) -> Ontology:
        return self.inputs.ontology

    @property
    def registry_where(self) -> str:
        return display_path(self.inputs.registry.path)

    @property
    def links_where(self) -> str:
        return display_path(self.inputs.links.path)


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
        dbs = [n.db for n in self.doc.norms_of(tb.id)]
        if tb.type == "TimeExpression":
            if dbs.count("ISO8601") != 1:
                self.bad(f"{tb.id}: a TimeExpression needs exactly one ISO8601 normalization "
                         f"(N line), found {dbs.count('ISO8601')}", tb.line)
        elif tb.type in self.known_types and tb.type != STATEMENT and dbs.count("CTKG") != 1:
            self.bad(f"{tb.id}: unnormalized mention: a {tb.type} needs exactly one CTKG "
                     f"normalization (N line), found {dbs.count('CTKG')}", tb.line)
        if dbs.count("Wikidata") > 1:
            self.bad(f"{tb.id}: more than one Wikidata normalization", tb.line)

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
                     "(DirectQuote|ReportedSpeech)", ev.line)
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


def check_norm(doc: Document, norm: Normalization, ctx: Context, where: str) -> list[Problem]:
    """An N line: its type, database, target and key (an ISO 8601 value, a registry slug of
    a compatible type, a QID that agrees with links.toml)."""
    return [Problem(where, norm.line, f"{norm.id}: {msg}")
            for msg in _norm_messages(doc, norm, ctx)]


def _norm_messages(doc: Document, norm: Normalization, ctx: Context) -> list[str]:
    out: list[str] = []
    if norm.type != "Reference":
        out.append(f"unknown normalization type {norm.type!r} (want Reference)")
    if norm.db not in NORMALIZATION_DBS:
        return [*out, f"unknown normalization database {norm.db!r} (tools.conf: "
                      f"{', '.join(NORMALIZATION_DBS)})"]
    tb = doc.textbounds.get(norm.target)
    if tb is None and norm.target in doc.events:
        return [*out, f"normalize the trigger {doc.events[norm.target].trigger} of "
                      f"{norm.target}, not the event"]
    if tb is None:
        return [*out, f"target {norm.target} does not exist in this file"]
    key_check = {"ISO8601": _iso_key, "CTKG": _registry_key, "Wikidata": _wikidata_key}
    return out + key_check[norm.db](doc, norm, tb, ctx)


def _iso_key(_doc: Document, norm: Normalization, tb: TextBound, _ctx: Context) -> list[str]:
    out = []
    if tb.type != "TimeExpression":
        out.append(f"ISO8601 normalizes TimeExpressions only; {tb.id} is a {tb.type}")
    try:
        parse_iso(norm.key)
    except ValueError as exc:
        out.append(f"malformed ISO8601 value: {exc}")
    return out


def _registry_key(_doc: Document, norm: Normalization, tb: TextBound, ctx: Context
                  ) -> list[str]:
    """A CTKG key: a registry slug whose type fits the mention (and the slug is used)."""
    if tb.type in ANNOTATION_ONLY or tb.type == STATEMENT:
        why = "use ISO8601" if tb.type in ANNOTATION_ONLY else "statements are not entities"
        return [f"a {tb.type} is not normalized to the registry ({why})"]
    slug = norm.key
    ctx.used.add(slug)
    registry = ctx.inputs.registry
    entry = registry.get(slug)
    if not registry.readable:
        return []  # its reader reported why
    if entry is None:
        return [f"unknown registry slug {slug!r} (not in {ctx.registry_where})"]
    known = tb.type in ctx.scheme.entities or tb.type in ctx.scheme.events
    if known and entry.type in ctx.onto.classes and not compatible(ctx.onto, tb.type,
                                                                    entry.type):
        return [f"{tb.id} is a {tb.type} mention but registry entry {slug!r} has type "
                f"{entry.type} (must be {tb.type} or a subclass"
                f"{'; or State/MemberState' if tb.type == 'Place' else ''})"]
    return []


def _wikidata_key(doc: Document, norm: Normalization, tb: TextBound, ctx: Context
                  ) -> list[str]:
    """A Wikidata key: a well-formed QID, the one links.toml has for the mention's slug."""
    if not QID_RE.match(norm.key):
        return [f"malformed Wikidata id {norm.key!r} (want Q followed by digits, no leading 0)"]
    slugs = [n.key for n in doc.norms_of(tb.id) if n.db == "CTKG"]
    if not ctx.inputs.links.exists or len(slugs) != 1:
        return []
    link = ctx.inputs.links.entities.get(slugs[0])
    qid = link.qid if link is not None else None
    if qid is None:
        return [f"Wikidata:{norm.key} but {ctx.links_where} has no qid for {slugs[0]!r}"]
    if qid != norm.key:
        return [f"Wikidata:{norm.key} differs from {ctx.links_where} for {slugs[0]!r}: {qid}"]
    return []


def compatible(onto: Ontology, mention_type: str, registry_type: str) -> bool:
    """A registry type fits a mention if it is the mention's class or a subclass of it."""
    if onto.is_subclass(registry_type, mention_type):
        return True
    return mention_type == "Place" and onto.is_subclass(registry_type, "State")


def check_note(ann_id: str, text: str, line: int, where: str, ctx: Context) -> list[Problem]:
    """AnnotatorNotes are ``key=value`` pairs; ``note=`` takes the rest of the line."""
    out: list[Problem] = []
    tokens = text.split()
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key:
            out.append(Problem(where, line, f"{ann_id}: {token!r} is not key=value (known "
                                            f"keys: {', '.join(NOTE_KEYS)}; free text goes "
                                            "after note=)"))
            continue
        if key not in NOTE_KEYS:
            out.append(Problem(where, line, f"{ann_id}: unknown note key {key!r} (known: "
                                            f"{', '.join(NOTE_KEYS)})"))
        elif key == "note":
            break
        elif not value:
            out.append(Problem(where, line, f"{ann_id}: {key}= has no value"))
        elif key == "anchor":
            try:
                if "/" in value:
                    raise ValueError(f"{value!r} is an interval, not a date")
                parse_iso(value)
            except ValueError as exc:
                out.append(Problem(where, line, f"{ann_id}: anchor must be an ISO date: {exc}"))
        elif key == "evidence" and not DOC_ID_RE.match(value):  # becomes id/document/<value>
            out.append(Problem(where, line, f"{ann_id}: evidence {value!r} is not a document "
                                            f"id ({DOC_ID_RULE})"))
        elif key == "evidence" and value not in ctx.doc_ids:  # its IRI would have no type
            out.append(Problem(where, line, f"{ann_id}: evidence {value!r} is not a document "
                                            "of the collection"))
    return out
