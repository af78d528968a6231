"""Compile one brat document into the quads of its graph ``graph/<doc>`` (docs/design.md).

Quads are pyoxigraph Quads of NamedNodes and Literals (:mod:`ctkg.rdf.terms`); there are
no blank nodes.

Decisions the contract leaves open, made here:
- A negated relation or event (``Negation``) is not recorded at all: no fact and no
  assertion (its mentions stay, they are true to the text). The same holds for an event with
  ``Modality Hypothetical``: nothing about it is claimed to have happened or be planned.
- Event time, status and place are claims as of a source (design.md): a document graph
  holds them only as assertions (``<E>-time-start``, ``-time-end``, ``-time-granularity``,
  ``-time-qualifier``, ``<E>-status``, ``<E>-place-<arg>``), never as plain triples; the
  plain values come from the registry. A single point (not ``a/b``) gives no ``-time-end``.
  Only start and end are marked inferred: granularity and qualifier are read off the text.
- An inferred time's ``ctkg:evidence`` is the document named by ``evidence=``, else the
  document itself (its anchor, e.g. the publication date, is what the rule starts from).
- A Statement's roles (Speaker, Occasion, About, Time) are reified like any event role.
- An event's registry entry is the CTKG normalization on its ``E`` id (brat refuses one on
  its trigger); its trigger's mention denotes that entry.
- ``oa:exact`` of a discontinuous mention joins its fragments with one space (brat's rule);
  ``oa:prefix``/``oa:suffix`` are omitted when empty (a span at the edge of the text).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.annotations.paraphrase import paraphrased
from ctkg.annotations.scheme import QUANTITY
from ctkg.errors import CTKGError, display_path
from ctkg.inputs.catalogue import CatalogueEntry
from ctkg.inputs.registry import Registry
from ctkg.inputs.timex import TimeValue, parse_iso
from ctkg.kg.claims import CLAIMS, enclosing_statement
from ctkg.kg.dates import date_literal, date_time_literal, time_literals
from ctkg.kg.quantities import quantity_facts
from ctkg.kg.series import ordinal_stated
from ctkg.rdf.namespaces import XSD_NS
from ctkg.rdf.sources import Source, Sources
from ctkg.rdf.terms import (
    GAF_DENOTED_BY,
    ORG_HOLDS,
    ORG_POST_IN,
    PROV_ATTRIBUTED,
    PROV_DERIVED,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    RDF_TYPE,
    UNITS,
    Term,
    ctkg,
    graph_of,
    ident,
    lit,
    oa,
)

CONTEXT = 32  # code points of oa:prefix / oa:suffix
STATEMENT = "Statement"
SERIES = "EventSeries"
# R types whose Arg1 may be a Statement: the fact's subject becomes the speaker.
SPEECH_RELATIONS = ("warnsOf", "advocates")
# relation -> the org: property it specializes, materialized next to it
ORG_SUPER = {"holdsPost": ORG_HOLDS, "postIn": ORG_POST_IN}
Node = ox.NamedNode
ctkg, oa = functools.cache(ctkg), functools.cache(oa)  # a term made once, not at each use


def compile_document(doc: brat.Document, registry: Registry,
                     catalogue_entry: CatalogueEntry | None, *, iris: Mapping[str, ox.NamedNode],
                     sources: Sources | None = None) -> list[ox.Quad]:
    """Every quad of ``graph/<doc>``; ``iris`` maps registry slugs to entity IRIs.

    ``sources`` (when given) is filled with node IRI -> :class:`Source`, so that a
    validation report can point back to the annotation that produced a node.
    """
    return _Compiler(doc, registry, catalogue_entry, iris,
                     sources if sources is not None else {}).run()


class _Compiler:
    """One document's compilation state (kept out of the public API)."""

    def __init__(self, doc: brat.Document, registry: Registry,
                 cat: CatalogueEntry | None, iris: Mapping[str, ox.NamedNode],
                 sources: Sources) -> None:
        self.doc, self.registry, self.iris, self.sources = doc, registry, iris, sources
        self.where = display_path(doc.ann_path)
        if cat is None or not cat.date:
            raise CTKGError.single(doc.ann_path, None,
                                   f"document {doc.doc_id} has no dated catalogue entry")
        self.as_of = date_literal(cat.date)
        self.graph = graph_of(doc.doc_id)
        self.doc_iri = ident(f"document/{doc.doc_id}")
        self.out: list[ox.Quad] = []
        self.trigger_of = {e.trigger: e for e in doc.events.values()}

    # -- helpers ---------------------------------------------------------------------------
    def add(self, s: Node, p: Node, o: Term) -> None:
        self.out.append(ox.Quad(s, p, o, self.graph))

    def fail(self, line: int | None, message: str) -> CTKGError:
        return CTKGError.single(self.doc.ann_path, line, message)

    def mention(self, tid: str) -> Node:
        return ident(f"mention/{self.doc.doc_id}/{tid}")

    def slug_of(self, ann_id: str) -> str | None:
        for n in self.doc.norms_of(ann_id):
            if n.db == "CTKG":
                return n.key
        return None

    def entity(self, slug: str, line: int | None) -> Node:
        if slug not in self.iris:
            raise self.fail(line, f"{slug!r} is not a registry slug")
        return self.iris[slug]

    def node(self, ann_id: str, line: int | None) -> Node:
        """The IRI an annotation stands for: an entity, an event or a statement."""
        if ann_id in self.trigger_of:
            return self.node(self.trigger_of[ann_id].id, line)
        tb = self.doc.textbounds.get(ann_id)
        if tb is not None and tb.type == QUANTITY:
            return ident(f"quantity/{self.doc.doc_id}/{ann_id}")
        if ann_id in self.doc.events:
            event = self.doc.events[ann_id]
            if event.type == STATEMENT:
                return ident(f"statement/{self.doc.doc_id}/{ann_id}")
            slug = self.slug_of(ann_id)  # on the E id: brat refuses N lines on a trigger
        else:
            slug = self.slug_of(ann_id)
        if slug is None:
            raise self.fail(line, f"{ann_id} has no CTKG normalization (N ... CTKG:slug)")
        return self.entity(slug, line)

    def support(self, ann_id: str) -> Node:
        """The mention that supports a fact about an annotation (an event's trigger)."""
        if ann_id in self.doc.events:
            return self.mention(self.doc.events[ann_id].trigger)
        return self.mention(ann_id)

    def fact(self, aid: str, s: Node, p: Node, o: Term, support: list[Node], line: int | None,
             what: str, inferred: tuple[str, Node] | None = None, plain: bool = True) -> Node:
        """Reify ``s p o`` as ``id/assertion/<doc>/<aid>``; also assert it if ``plain``."""
        if plain:
            self.add(s, p, o)
        a = ident(f"assertion/{self.doc.doc_id}/{aid}")
        self.add(a, RDF_TYPE, ctkg("Assertion"))
        self.add(a, RDF_SUBJECT, s)
        self.add(a, RDF_PREDICATE, p)
        self.add(a, RDF_OBJECT, o)
        for m in support:
            self.add(a, ctkg("supportedBy"), m)
        self.add(a, PROV_DERIVED, self.doc_iri)
        self.add(a, ctkg("asOf"), self.as_of)
        if inferred is not None:
            rule, evidence = inferred
            self.add(a, ctkg("inferred"), lit(True))
            self.add(a, ctkg("inferenceRule"), lit(rule))
            if evidence:
                self.add(a, ctkg("evidence"), evidence)
        self.sources[a.value] = Source(self.where, line, what)
        return a

    # -- the document ----------------------------------------------------------------------
    def run(self) -> list[ox.Quad]:
        for tb in self.doc.textbounds.values():
            self.compile_mention(tb)
        for tb in self.doc.textbounds.values():
            if tb.type == QUANTITY:
                self.compile_quantity(tb)
        for event in self.doc.events.values():
            self.compile_event(event)
        for rel in self.doc.relations.values():
            self.compile_relation(rel)
        return self.out

    def compile_mention(self, tb: brat.TextBound) -> None:
        text, m = self.doc.text, self.mention(tb.id)
        for start, end in tb.fragments:
            if not 0 <= start < end <= len(text):
                raise self.fail(tb.line, f"{tb.id}: offsets {start}-{end} outside the text "
                                         f"({len(text)} code points)")
        self.add(m, RDF_TYPE, ctkg("Mention"))
        self.add(m, ctkg("annotationId"), lit(tb.id))
        self.add(m, oa("hasSource"), self.doc_iri)
        base = m.value
        multi = len(tb.fragments) > 1
        spans = ", ".join(f"{a}-{b}" for a, b in tb.fragments)
        self.sources[base] = Source(self.where, tb.line, f"{tb.id} at {spans}")
        for i, (start, end) in enumerate(tb.fragments, start=1):
            sel = Node(f"{base}/position/{i}" if multi else f"{base}/position")
            self.add(m, oa("hasSelector"), sel)
            self.add(sel, RDF_TYPE, oa("TextPositionSelector"))
            self.add(sel, oa("start"), lit(start))
            self.add(sel, oa("end"), lit(end))
            self.sources[sel.value] = self.sources[base]
        quote = Node(f"{base}/quote")
        self.sources[quote.value] = self.sources[base]
        self.add(m, oa("hasSelector"), quote)
        self.add(quote, RDF_TYPE, oa("TextQuoteSelector"))
        self.add(quote, oa("exact"), lit(self.exact(tb)))
        prefix = text[max(0, tb.start - CONTEXT):tb.start]
        suffix = text[tb.end:tb.end + CONTEXT]
        if prefix:
            self.add(quote, oa("prefix"), lit(prefix))
        if suffix:
            self.add(quote, oa("suffix"), lit(suffix))
        event = self.trigger_of.get(tb.id)
        if event is not None and event.type == STATEMENT and self.unclaimed(event.id):
            return  # a negated statement was not made: nothing denotes it
        if tb.type != "TimeExpression":
            self.add(self.node(tb.id, tb.line), GAF_DENOTED_BY, m)

    def compile_quantity(self, tb: brat.TextBound) -> None:
        """A quantity's number, qualifier, counted kind and unit, each supported by its span."""
        node = self.node(tb.id, tb.line)
        self.add(node, RDF_TYPE, ctkg("Quantity"))
        self.sources[node.value] = Source(self.where, tb.line, f"{tb.id} Quantity")
        for prop, obj in quantity_facts(self.doc, tb, self.fail):
            self.fact(f"{tb.id}-{prop}", node, ctkg(prop), obj, [self.mention(tb.id)],
                      tb.line, f"{tb.id} {prop}")

    def exact(self, tb: brat.TextBound) -> str:
        return " ".join(self.doc.text[a:b] for a, b in tb.fragments)

    def compile_event(self, event: brat.Event) -> None:
        attrs = self.doc.attrs_of(event.id)
        node = self.node(event.id, event.line)
        trigger = self.mention(event.trigger)
        if self.unclaimed(event.id):
            return  # nothing about it is claimed to be true (see module docstring)
        if event.type == STATEMENT:
            self.compile_statement(event, node, attrs)
        times = [t for role, t in event.args if role == "Time"]
        if len(times) > 1:
            raise self.fail(event.line, f"{event.id}: more than one Time argument")
        for role, arg in event.args:
            if role == "Time":
                self.compile_time(event, node, arg)
                continue
            prop = ctkg(role[:1].lower() + role[1:])
            aid = f"{event.id}-{role.lower()}-{arg}"
            self.fact(aid, node, prop, self.node(arg, event.line),
                      [trigger, self.support(arg)], event.line, f"{event.id} {role}:{arg}",
                      plain=role != "Place")
        if event.type not in (STATEMENT, SERIES):  # a series does not occur: its members do
            status = "Planned" if attrs.get("Modality") == "Planned" else "Occurred"
            self.fact(f"{event.id}-status", node, ctkg("status"), ctkg(status), [trigger],
                      event.line, f"{event.id} status {status}", plain=False)

    def unclaimed(self, event_id: str) -> bool:
        """A negated or hypothetical event: the text claims nothing about it."""
        attrs = self.doc.attrs_of(event_id)
        return "Negation" in attrs or attrs.get("Modality") == "Hypothetical"

    def compile_statement(self, event: brat.Event, node: Node,
                          attrs: Mapping[str, str | None]) -> None:
        trigger = self.doc.textbounds.get(event.trigger)
        if trigger is None:
            raise self.fail(event.line, f"{event.id}: trigger {event.trigger} is not a T line")
        kind = attrs.get("SpeechKind")
        if not kind:
            raise self.fail(event.line, f"{event.id}: a Statement needs a SpeechKind attribute")
        self.sources[node.value] = Source(self.where, event.line, f"{event.id} Statement")
        self.add(node, RDF_TYPE, ctkg("Statement"))
        self.add(node, ctkg("quote"), lit(self.exact(trigger)))
        self.add(node, ctkg("statementKind"), ctkg(kind))
        self.add(node, ctkg("statedIn"), self.doc_iri)
        originals = paraphrased(self.doc, event.id)
        if kind == "Paraphrase" and not originals:
            raise self.fail(event.line, f"{event.id}: a Paraphrase needs a note "
                                        "paraphraseOf=<document>/<statement E id>")
        for original in originals if kind == "Paraphrase" else ():
            self.add(node, ctkg("paraphraseOf"), ident(f"statement/{original}"))

    def time_value(self, tid: str, line: int | None, what: str
                   ) -> tuple[TimeValue, dict[str, str], tuple[str, Node] | None]:
        """A TimeExpression's normalized value, its notes, and its inference record (rule
        with anchor, evidence document) when the notes give a rule."""
        iso = [n for n in self.doc.norms_of(tid) if n.db == "ISO8601"]
        if not iso:
            raise self.fail(line, f"{what}:{tid} has no ISO8601 normalization")
        try:
            value = parse_iso(iso[0].key)
        except ValueError as exc:
            raise self.fail(iso[0].line, f"{iso[0].id}: {exc}") from None
        pairs: dict[str, str] = {}
        for note in self.doc.notes_of(tid):
            pairs.update(note.pairs)
        inferred = None
        if "rule" in pairs:
            rule = pairs["rule"] + (f": anchor {pairs['anchor']}" if "anchor" in pairs else "")
            # without evidence= the anchor comes from this document itself
            evidence = pairs.get("evidence") or self.doc.doc_id
            inferred = (rule, ident(f"document/{evidence}"))
        return value, pairs, inferred

    def compile_founding(self, rel: brat.Relation) -> None:
        """``foundingDate``: the organization's founding as a time literal at the text's
        granularity, supported by both spans, with the time's inference record (issue 16)."""
        org = self.node(rel.arg1, rel.line)
        value, _pairs, inferred = self.time_value(rel.arg2, rel.line, f"{rel.id}: Arg2")
        if value.end is not None:
            raise self.fail(rel.line, f"{rel.id}: a foundingDate is a point in time (a day, "
                                      "month or year), not an interval")
        start, _end = time_literals(value)
        self.fact(rel.id, org, ctkg("foundingDate"), start,
                  [self.support(rel.arg1), self.mention(rel.arg2)], rel.line,
                  f"{rel.id} foundingDate", inferred)

    def compile_time(self, event: brat.Event, node: Node, tid: str) -> None:
        value, pairs, inferred = self.time_value(tid, event.line, f"{event.id}: Time")
        support = [self.mention(event.trigger), self.mention(tid)]
        start, end = time_literals(value)
        what = f"{event.id} Time:{tid}"
        aid = f"{event.id}-time"
        self.fact(f"{aid}-start", node, ctkg("startTime"), start, support, event.line, what,
                  inferred, plain=False)
        if end is not None:
            self.fact(f"{aid}-end", node, ctkg("endTime"), end, support, event.line, what,
                      inferred, plain=False)
        if value.start.time_of_day:  # a clock time the text gives: local, no timezone
            self.fact(f"{aid}-start-datetime", node, ctkg("startDateTime"),
                      date_time_literal(value.start), support, event.line, what, inferred,
                      plain=False)
        self.fact(f"{aid}-granularity", node, ctkg("timeGranularity"),
                  UNITS[value.granularity], support, event.line, what, plain=False)
        qualifier = pairs.get("qualifier") or value.start.qualifier
        if qualifier:
            self.fact(f"{aid}-qualifier", node, ctkg("timeQualifier"), lit(qualifier), support,
                      event.line, what, plain=False)

    def speaker(self, statement: brat.Event, line: int | None) -> Node:
        speakers = [a for role, a in statement.args if role == "Speaker"]
        if len(speakers) != 1:
            raise self.fail(line, f"{statement.id} needs exactly one Speaker")
        return self.node(speakers[0], statement.line)

    def compile_relation(self, rel: brat.Relation) -> None:
        if "Negation" in self.doc.attrs_of(rel.id):
            return  # a negated fact is not asserted (see module docstring)
        if rel.type == "foundingDate":
            self.compile_founding(rel)  # its Arg2 is a time, not a thing of the graph
            return
        name = rel.type[:1].lower() + rel.type[1:]
        prop = ctkg(name)
        obj = self.node(rel.arg2, rel.line)
        arg1 = self.doc.events.get(rel.arg1)
        what = f"{rel.id} {rel.type}"
        claimed_in: brat.Event | None = None
        plain = True
        if arg1 is not None and arg1.type == STATEMENT and name in SPEECH_RELATIONS:
            statement = self.node(arg1.id, rel.line)
            subject = self.speaker(arg1, rel.line)
            self.add(statement, ctkg("about"), obj)
            claimed_in = arg1
            # a rewrite's paraphrase is its own claim, not the speaker's act (module doc)
            plain = self.doc.attrs_of(arg1.id).get("SpeechKind") != "Paraphrase"
        else:
            subject = self.node(rel.arg1, rel.line)
            if name in CLAIMS:
                claimed_in = enclosing_statement(self.doc, rel.arg2)
                plain = claimed_in is None
        a = self.fact(rel.id, subject, prop, obj,
                      [self.support(rel.arg1), self.support(rel.arg2)], rel.line, what,
                      plain=plain)
        if claimed_in is not None:
            self.add(a, ctkg("claimedIn"), self.node(claimed_in.id, rel.line))
            self.add(a, PROV_ATTRIBUTED, self.speaker(claimed_in, rel.line))
        if name in ORG_SUPER:
            self.add(subject, ORG_SUPER[name], obj)
        self.compile_ordinal(rel, subject)

    def compile_ordinal(self, rel: brat.Relation, member: Node) -> None:
        """``ordinal=N`` on an ``inSeries`` relation: the member's position in the series
        ("the fourth in a series": 4), asserted with the mentions of member and series, and
        only where the text between them says it (:mod:`ctkg.kg.series`)."""
        ordinals = [n.pairs["ordinal"] for n in self.doc.notes_of(rel.id) if "ordinal" in n.pairs]
        if not ordinals:
            return
        if rel.type != "inSeries":
            raise self.fail(rel.line, f"{rel.id}: ordinal= belongs on an inSeries relation, "
                                      f"not {rel.type}")
        mentions = [self.doc.textbounds[self.doc.events[a].trigger] for a in (rel.arg1, rel.arg2)]
        start = min(m.start for m in mentions)
        stretch = self.doc.text[start:max(m.end for m in mentions)]
        if not ordinal_stated(stretch, int(ordinals[0])):
            raise self.fail(rel.line, f"{rel.id}: ordinal={ordinals[0]} is not stated between "
                                      f"its mentions ({stretch!r})")
        self.fact(f"{rel.id}-ordinal", member, ctkg("seriesOrdinal"),
                  ox.Literal(ordinals[0], datatype=ox.NamedNode(XSD_NS + "positiveInteger")),
                  [self.support(rel.arg1), self.support(rel.arg2)], rel.line,
                  f"{rel.id} ordinal={ordinals[0]}")
