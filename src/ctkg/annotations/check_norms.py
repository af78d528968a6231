"""Normalizations (``N``) and notes (``#``) of one document against the registry, the links
and the ontology; and the :class:`Context` every document is checked against.

Split from :mod:`ctkg.annotations.check_document`, which calls these for each ``N`` and
``#`` line. An event's normalizations and notes are on its ``E`` id (brat refuses them on
its trigger, :mod:`ctkg.annotations.check_brat`): its type is its trigger's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctkg.annotations.brat import Document, Normalization, TextBound
from ctkg.annotations.scheme import ANNOTATION_ONLY, NORMALIZATION_DBS, STATEMENT, Scheme
from ctkg.errors import Problem, display_path
from ctkg.inputs import Inputs
from ctkg.inputs.catalogue import DOC_ID_RE, DOC_ID_RULE
from ctkg.inputs.ontology import Ontology
from ctkg.inputs.timex import parse_iso
from ctkg.rdf.namespaces import QID_RE

NOTE_KEYS = ("anchor", "rule", "qualifier", "evidence", "paraphraseOf", "ordinal", "note",
             "value", "counts", "unit",  # these three: quantities (issue 16)
             "sameTimeAs")  # a time said again (issue 16, ctkg.annotations.check_times)

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
    event = doc.events.get(norm.target)
    # an event's type is its trigger's; a normalization on a trigger is check_brat's
    tb = doc.textbounds.get(event.trigger if event is not None else norm.target)
    if tb is None and event is not None:
        return out  # the event's missing trigger is reported with the event
    if tb is None:
        return [*out, f"target {norm.target} does not exist in this file"]
    if event is None and doc.event_of(tb.id) is not None:
        if norm.db == "CTKG":
            ctx.used.add(norm.key)  # misplaced, not unused: one error (check_brat's) is enough
        return out
    key_check = {"ISO8601": _iso_key, "CTKG": _registry_key, "Wikidata": _wikidata_key}
    return out + key_check[norm.db](doc, norm, tb, ctx)


def _iso_key(_doc: Document, norm: Normalization, tb: TextBound, _ctx: Context) -> list[str]:
    out = []
    if tb.type != "TimeExpression":
        out.append(f"ISO8601 normalizes TimeExpressions only; {norm.target} is a {tb.type}")
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
        return [f"{norm.target} is a {tb.type} mention but registry entry {slug!r} has type "
                f"{entry.type} (must be {tb.type} or a subclass"
                f"{'; or State/MemberState' if tb.type == 'Place' else ''})"]
    return []


def _wikidata_key(doc: Document, norm: Normalization, tb: TextBound, ctx: Context
                  ) -> list[str]:
    """A Wikidata key: a well-formed QID, the one links.toml has for the mention's slug."""
    if not QID_RE.match(norm.key):
        return [f"malformed Wikidata id {norm.key!r} (want Q followed by digits, no leading 0)"]
    slugs = [n.key for n in doc.norms_of(norm.target) if n.db == "CTKG"]
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
        elif key == "ordinal" and not (value.isascii() and value.isdigit() and int(value) > 0):
            out.append(Problem(where, line, f"{ann_id}: ordinal must be a positive integer "
                                            f"(\"the fourth\": 4), not {value!r}"))
        elif key == "evidence" and not DOC_ID_RE.match(value):  # becomes id/document/<value>
            out.append(Problem(where, line, f"{ann_id}: evidence {value!r} is not a document "
                                            f"id ({DOC_ID_RULE})"))
        elif key == "evidence" and value not in ctx.doc_ids:  # its IRI would have no type
            out.append(Problem(where, line, f"{ann_id}: evidence {value!r} is not a document "
                                            "of the collection"))
    return out
