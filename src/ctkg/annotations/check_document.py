"""One annotated document against the scheme: spans, references, roles, attributes, notes.

Every check here looks at one brat document and the :class:`Context` it is checked against
(the scheme, the ontology, the registry and links as read once for the corpus); corpus-wide
checks and reading the files are :mod:`ctkg.annotations.check`'s. Problems are collected,
never raised, so that every defect of a file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctkg.annotations.brat import Document, TextBound
from ctkg.annotations.conf import ANNOTATION_ONLY, NORMALIZATION_DBS, STATEMENT, Ontology, Scheme
from ctkg.errors import Problem, display_path
from ctkg.inputs.timex import parse_iso
from ctkg.rdf.namespaces import QID_RE

NOTE_KEYS = ("anchor", "rule", "qualifier", "evidence", "note")


@dataclass
class Context:
    """What every document is checked against, and what the corpus uses of the registry."""

    scheme: Scheme
    onto: Ontology
    registry: dict[str, dict[str, Any]] | None  # slug -> table; None: registry unreadable
    registry_lines: dict[str, int]
    registry_where: str
    links: dict[str, dict[str, Any]] | None
    doc_ids: set[str]
    links_where: str = "data/wikidata/links.toml"
    used: set[str] = field(default_factory=set)


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
    problems: list[Problem] = []
    where = display_path(doc.ann_path)
    sch = ctx.scheme

    def bad(msg: str, line: int | None, severity: str = "error") -> None:
        problems.append(Problem(where, line, msg, severity))

    for ann_id, lines in doc.id_lines.items():
        for line in lines[1:]:
            bad(f"duplicate id {ann_id} (first defined at line {lines[0]})", line)
    triggers: dict[str, str] = {}  # trigger T -> E
    for ev in doc.events.values():
        triggers.setdefault(ev.trigger, ev.id)
    known_types = set(sch.entities) | set(sch.events)

    def exists(ref: str, line: int, owner: str, what: str) -> bool:
        if _type_of(doc, ref) is None:
            bad(f"{owner}: {what} {ref} does not exist in this file", line)
            return False
        return True

    def ref_type(ref: str, line: int, owner: str, what: str) -> str | None:
        if not exists(ref, line, owner, what):
            return None
        if ref in doc.textbounds and ref in triggers:
            bad(f"{owner}: {what} {ref} is the trigger of {triggers[ref]}: refer to the "
                f"event {triggers[ref]}", line)
        return _type_of(doc, ref)

    for tb in doc.textbounds.values():
        for msg in check_spans(doc, tb):
            bad(msg, tb.line)
        if tb.type not in known_types:
            bad(f"{tb.id}: unknown type {tb.type!r} (annotation.conf: "
                f"{', '.join(sorted(known_types))})", tb.line)
        elif tb.type in sch.events and tb.id not in triggers:
            bad(f"{tb.id}: {tb.type} trigger without an E line (an event needs one)", tb.line)
        norms = doc.norms_of(tb.id)
        dbs = [n.db for n in norms]
        if tb.type == "TimeExpression":
            if dbs.count("ISO8601") != 1:
                bad(f"{tb.id}: a TimeExpression needs exactly one ISO8601 normalization "
                    f"(N line), found {dbs.count('ISO8601')}", tb.line)
        elif tb.type in known_types and tb.type != STATEMENT and dbs.count("CTKG") != 1:
            bad(f"{tb.id}: unnormalized mention: a {tb.type} needs exactly one CTKG "
                f"normalization (N line), found {dbs.count('CTKG')}", tb.line)
        if dbs.count("Wikidata") > 1:
            bad(f"{tb.id}: more than one Wikidata normalization", tb.line)

    for ev in doc.events.values():
        owner = ev.id
        if ev.type not in sch.events:
            bad(f"{ev.id}: unknown event type {ev.type!r}", ev.line)
        if ev.trigger not in doc.textbounds:
            bad(f"{ev.id}: trigger {ev.trigger} is not a T annotation of this file", ev.line)
        elif doc.textbounds[ev.trigger].type != ev.type:
            bad(f"{ev.id}: trigger {ev.trigger} has type "
                f"{doc.textbounds[ev.trigger].type!r}, the event is {ev.type!r}", ev.line)
        counts: dict[str, int] = {}
        for raw in ev.raw_roles:
            if ev.raw_roles.count(raw) > 1:
                bad(f"{ev.id}: role {raw} written twice: number repeated roles "
                    f"({raw}:.. {raw}2:..)", ev.line)
                break
        for role, target in ev.args:
            counts[role] = counts.get(role, 0) + 1
            spec = sch.role(ev.type, role)
            if ev.type in sch.events and spec is None:
                roles = ", ".join(r.name for r in sch.events[ev.type])
                bad(f"{ev.id}: unknown role {role!r} for {ev.type} (allowed: {roles})", ev.line)
            t = ref_type(target, ev.line, owner, f"{role} argument")
            if spec and t is not None and t not in spec.types:
                bad(f"{ev.id}: {role} argument {target} is a {t}; {ev.type}.{role} takes "
                    f"{'|'.join(spec.types)}", ev.line)
        for spec in sch.events.get(ev.type, ()):
            n = counts.get(spec.name, 0)
            if not spec.allows_count(n):
                bad(f"{ev.id}: {ev.type} needs {spec.card_text} {spec.name}, found {n}",
                    ev.line)
        if ev.type == STATEMENT and "SpeechKind" not in doc.attrs_of(ev.id):
            bad(f"{ev.id}: a Statement needs a SpeechKind attribute "
                "(DirectQuote|ReportedSpeech)", ev.line)
        if ev.type == STATEMENT and not any(r == "About" for r, _ in ev.args) and not any(
                r.arg1 == ev.id and r.type in ("warnsOf", "advocates")
                for r in doc.relations.values()):
            bad(f"{ev.id}: statement with no About argument and no warnsOf/advocates "
                "relation: what is it about?", ev.line, "warning")

    for rel in doc.relations.values():
        spec = sch.relations.get(rel.type)
        if spec is None:
            bad(f"{rel.id}: unknown relation type {rel.type!r} (annotation.conf: "
                f"{', '.join(sch.relations)})", rel.line)
        for arg, ref, allowed in (("Arg1", rel.arg1, spec[0] if spec else None),
                                  ("Arg2", rel.arg2, spec[1] if spec else None)):
            t = ref_type(ref, rel.line, rel.id, arg)
            if allowed and t is not None and t not in allowed:
                bad(f"{rel.id}: {arg} {ref} is a {t}; {rel.type} {arg} takes "
                    f"{'|'.join(allowed)}", rel.line)

    seen_attrs: dict[tuple[str, str], int] = {}
    for attr in doc.attributes.values():
        adef = sch.attributes.get(attr.type)
        if adef is None:
            bad(f"{attr.id}: unknown attribute {attr.type!r} (annotation.conf: "
                f"{', '.join(sch.attributes)})", attr.line)
            continue
        key = (attr.type, attr.target)
        if key in seen_attrs:
            bad(f"{attr.id}: {attr.target} already has a {attr.type} attribute (line "
                f"{seen_attrs[key]})", attr.line)
        seen_attrs.setdefault(key, attr.line)
        t = ref_type(attr.target, attr.line, attr.id, "target")
        if t is not None and (t not in adef.targets or attr.target in doc.textbounds):
            kind = "T" if attr.target in doc.textbounds else attr.target[0]
            bad(f"{attr.id}: {attr.type} cannot be attached to {attr.target} (a {t} {kind}); "
                f"it applies to {adef.applies_to}", attr.line)
        if adef.values and attr.value not in adef.values:
            bad(f"{attr.id}: {attr.type} value {attr.value!r} is not one of "
                f"{'|'.join(adef.values)}", attr.line)
        elif not adef.values and attr.value is not None:
            bad(f"{attr.id}: {attr.type} is a binary attribute and takes no value "
                f"(found {attr.value!r})", attr.line)

    for norm in doc.normalizations.values():
        problems.extend(check_norm(doc, norm, ctx, where, triggers))
    for note in doc.notes.values():
        if note.type != "AnnotatorNotes":
            bad(f"{note.id}: unknown note type {note.type!r} (want AnnotatorNotes)", note.line)
        if exists(note.target, note.line, note.id, "target"):
            problems.extend(check_note(note.id, note.text, note.line, where, ctx))
    for eq in doc.equivs:
        if eq.type != "Equiv":
            bad(f"unknown equivalence type {eq.type!r} (want Equiv)", eq.line)
        for m in eq.members:
            if m not in doc.textbounds:
                bad(f"Equiv: member {m} is not a T annotation of this file", eq.line)
    return problems


def check_norm(doc: Document, norm: Any, ctx: Context, where: str,
               triggers: dict[str, str]) -> list[Problem]:
    out: list[Problem] = []

    def bad(msg: str) -> None:
        out.append(Problem(where, norm.line, f"{norm.id}: {msg}"))

    if norm.type != "Reference":
        bad(f"unknown normalization type {norm.type!r} (want Reference)")
    if norm.db not in NORMALIZATION_DBS:
        bad(f"unknown normalization database {norm.db!r} (tools.conf: "
            f"{', '.join(NORMALIZATION_DBS)})")
        return out
    tb = doc.textbounds.get(norm.target)
    if tb is None:
        if norm.target in doc.events:
            bad(f"normalize the trigger {doc.events[norm.target].trigger} of "
                f"{norm.target}, not the event")
        else:
            bad(f"target {norm.target} does not exist in this file")
        return out
    if norm.db == "ISO8601":
        if tb.type != "TimeExpression":
            bad(f"ISO8601 normalizes TimeExpressions only; {tb.id} is a {tb.type}")
        try:
            parse_iso(norm.key)
        except ValueError as exc:
            bad(f"malformed ISO8601 value: {exc}")
        return out
    if norm.db == "CTKG":
        if tb.type in ANNOTATION_ONLY or tb.type == STATEMENT:
            why = "use ISO8601" if tb.type in ANNOTATION_ONLY else "statements are not entities"
            bad(f"a {tb.type} is not normalized to the registry ({why})")
            return out
        slug = norm.key
        ctx.used.add(slug)
        if ctx.registry is None:
            return out
        entry = ctx.registry.get(slug)
        if entry is None:
            bad(f"unknown registry slug {slug!r} (not in {ctx.registry_where})")
            return out
        rtype = entry.get("type")
        known = tb.type in ctx.scheme.entities or tb.type in ctx.scheme.events
        if known and isinstance(rtype, str) and rtype in ctx.onto.classes and not compatible(
                ctx.onto, tb.type, rtype):
            bad(f"{tb.id} is a {tb.type} mention but registry entry {slug!r} has type {rtype} "
                f"(must be {tb.type} or a subclass"
                f"{'; or State/MemberState' if tb.type == 'Place' else ''})")
        return out
    # Wikidata
    if not QID_RE.match(norm.key):
        bad(f"malformed Wikidata id {norm.key!r} (want Q followed by digits, no leading 0)")
        return out
    slugs = [n.key for n in doc.norms_of(tb.id) if n.db == "CTKG"]
    if ctx.links is not None and len(slugs) == 1:
        link = ctx.links.get(slugs[0], {})
        qid = link.get("qid")
        if qid is None:
            bad(f"Wikidata:{norm.key} but {ctx.links_where} has no qid for {slugs[0]!r}")
        elif qid != norm.key:
            bad(f"Wikidata:{norm.key} differs from {ctx.links_where} for {slugs[0]!r}: {qid}")
    return out


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
        elif key == "evidence" and value not in ctx.doc_ids:
            out.append(Problem(where, line, f"{ann_id}: evidence {value!r} is not a document "
                                            "of the collection", "warning"))
    return out
