"""Compile one brat document into the quads of its graph ``graph/<doc>`` (docs/design.md).

A quad is a plain tuple ``(graph, subject, predicate, object)`` of N-Triples term strings
(``<iri>``, ``"lexical"^^<datatype>``, ``"text"@en``): tuples of strings sort natively and
deterministically, hash fast, and join straight into N-Quads lines that pyoxigraph re-reads
for the TriG/Turtle writers. There are no blank nodes.

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
- ``oa:exact`` of a discontinuous mention joins its fragments with one space (brat's rule);
  ``oa:prefix``/``oa:suffix`` are omitted when empty (a span at the edge of the text).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

from ctkg.annotations import brat
from ctkg.errors import CTKGError, display_path
from ctkg.inputs.catalogue import CatalogueEntry
from ctkg.inputs.registry import Registry
from ctkg.inputs.timex import XSD_DATE, XSD_GYEAR, XSD_GYEARMONTH, TimeValue, parse_iso

Quad = tuple[str, str, str, str]  # (graph, subject, predicate, object), N-Triples forms

_ID = "https://w3id.org/ctkg/id/"
_CTKG = "https://w3id.org/ctkg/ontology#"
_GRAPH = "https://w3id.org/ctkg/graph/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OA = "http://www.w3.org/ns/oa#"
_TIME = "http://www.w3.org/2006/time#"
XSD_STRING = _XSD + "string"
XSD_INTEGER = _XSD + "integer"
XSD_BOOLEAN = _XSD + "boolean"
_FORBIDDEN_IRI = set('<>"{}|^`\\ \t\n\r')

CONTEXT = 32  # code points of oa:prefix / oa:suffix
UNITS = {"day": _TIME + "unitDay", "month": _TIME + "unitMonth",
         "year": _TIME + "unitYear", "season": _CTKG + "unitSeason"}
STATEMENT = "Statement"
# R types whose Arg1 may be a Statement: the fact's subject becomes the speaker.
SPEECH_RELATIONS = ("warnsOf", "advocates")
# relation -> the org: property it specializes, materialized next to it
ORG_SUPER = {"holdsPost": "http://www.w3.org/ns/org#holds",
             "postIn": "http://www.w3.org/ns/org#postIn"}


def iri(value: str) -> str:
    """An IRI in N-Triples form; refuses characters N-Triples cannot hold."""
    if not value or any(c in _FORBIDDEN_IRI for c in value) or ":" not in value:
        raise ValueError(f"not a usable IRI: {value!r}")
    return f"<{value}>"


_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r",
                 ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"})


def _escape(text: str) -> str:
    """Escape a string as pyoxigraph's canonical N-Triples writer does (same bytes)."""
    return text.translate(_ESCAPES)


def lit(value: str | int | bool, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal in canonical N-Triples form (plain strings are ``xsd:string``)."""
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD_BOOLEAN}>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD_INTEGER}>'
    if lang:
        return f'"{_escape(value)}"@{lang.lower()}'
    if datatype and datatype != XSD_STRING:
        return f'"{_escape(value)}"^^<{datatype}>'
    return f'"{_escape(value)}"'


def ctkg(local: str) -> str:
    return f"<{_CTKG}{local}>"


def ident(path: str) -> str:
    return f"<{_ID}{path}>"


def graph_of(name: str) -> str:
    return f"<{_GRAPH}{name}>"


RDF_TYPE = f"<{_RDF}type>"
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (f"<{_RDF}{x}>" for x in ("subject", "predicate",
                                                                    "object"))
GAF_DENOTED_BY = "<http://groundedannotationframework.org/gaf#denotedBy>"
PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"


def time_literals(value: TimeValue) -> tuple[str, str | None]:
    """The startTime and (for an interval) endTime literals of a normalized time."""
    start = lit(value.start.lexical, value.start.datatype)
    end = lit(value.end.lexical, value.end.datatype) if value.end else None
    return start, end


def date_literal(value: str) -> str:
    """A catalogue or registry date at its own granularity (a season stays a year)."""
    point = parse_iso(value).start
    assert point.datatype in (XSD_DATE, XSD_GYEARMONTH, XSD_GYEAR)
    return lit(point.lexical, point.datatype)


@dataclass(frozen=True)
class Source:
    """Where a node of the output comes from: a file, a line, and what is there."""

    file: str
    line: int | None
    what: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} ({self.what})"


def compile_document(doc: brat.Document, registry: Registry,
                     catalogue_entry: CatalogueEntry | None, *, iris: Mapping[str, str],
                     sources: dict[str, Source] | None = None) -> list[Quad]:
    """Every quad of ``graph/<doc>``; ``iris`` maps registry slugs to entity IRIs.

    ``sources`` (when given) is filled with node IRI -> :class:`Source`, so that a
    validation report can point back to the annotation that produced a node.
    """
    return _Compiler(doc, registry, catalogue_entry, iris,
                     sources if sources is not None else {}).run()


class _Compiler:
    """One document's compilation state (kept out of the public API)."""

    def __init__(self, doc: brat.Document, registry: Registry,
                 cat: CatalogueEntry | None, iris: Mapping[str, str],
                 sources: dict[str, Source]) -> None:
        self.doc, self.registry, self.iris, self.sources = doc, registry, iris, sources
        self.where = display_path(doc.ann_path)
        if cat is None or not cat.date:
            raise CTKGError.single(doc.ann_path, None,
                                   f"document {doc.doc_id} has no dated catalogue entry")
        self.as_of = date_literal(cat.date)
        self.graph = graph_of(doc.doc_id)
        self.doc_iri = ident(f"document/{doc.doc_id}")
        self.out: list[Quad] = []
        self.trigger_of = {e.trigger: e for e in doc.events.values()}

    # -- helpers ---------------------------------------------------------------------------
    def add(self, s: str, p: str, o: str) -> None:
        # interned: one string object per distinct term, so a document's quads (and their
        # pickles from a worker process) share them instead of holding copies
        self.out.append((self.graph, sys.intern(s), sys.intern(p), sys.intern(o)))

    def fail(self, line: int | None, message: str) -> CTKGError:
        return CTKGError.single(self.doc.ann_path, line, message)

    def mention(self, tid: str) -> str:
        return ident(f"mention/{self.doc.doc_id}/{tid}")

    def slug_of(self, ann_id: str) -> str | None:
        for n in self.doc.norms_of(ann_id):
            if n.db == "CTKG":
                return n.key
        return None

    def entity(self, slug: str, line: int | None) -> str:
        if slug not in self.iris:
            raise self.fail(line, f"{slug!r} is not a registry slug")
        return f"<{self.iris[slug]}>"

    def node(self, ann_id: str, line: int | None) -> str:
        """The IRI an annotation stands for: an entity, an event or a statement."""
        if ann_id in self.trigger_of:
            return self.node(self.trigger_of[ann_id].id, line)
        if ann_id in self.doc.events:
            event = self.doc.events[ann_id]
            if event.type == STATEMENT:
                return ident(f"statement/{self.doc.doc_id}/{ann_id}")
            slug = self.slug_of(ann_id) or self.slug_of(event.trigger)
        else:
            slug = self.slug_of(ann_id)
        if slug is None:
            raise self.fail(line, f"{ann_id} has no CTKG normalization (N ... CTKG:slug)")
        return self.entity(slug, line)

    def support(self, ann_id: str) -> str:
        """The mention that supports a fact about an annotation (an event's trigger)."""
        if ann_id in self.doc.events:
            return self.mention(self.doc.events[ann_id].trigger)
        return self.mention(ann_id)

    def fact(self, aid: str, s: str, p: str, o: str, support: list[str], line: int | None,
             what: str, inferred: tuple[str, str] | None = None, plain: bool = True) -> str:
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
        self.sources[a[1:-1]] = Source(self.where, line, what)
        return a

    # -- the document ----------------------------------------------------------------------
    def run(self) -> list[Quad]:
        for tb in self.doc.textbounds.values():
            self.compile_mention(tb)
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
        self.add(m, f"<{_OA}hasSource>", self.doc_iri)
        base = m[1:-1]
        multi = len(tb.fragments) > 1
        spans = ", ".join(f"{a}-{b}" for a, b in tb.fragments)
        self.sources[base] = Source(self.where, tb.line, f"{tb.id} at {spans}")
        for i, (start, end) in enumerate(tb.fragments, start=1):
            sel = f"<{base}/position/{i}>" if multi else f"<{base}/position>"
            self.add(m, f"<{_OA}hasSelector>", sel)
            self.add(sel, RDF_TYPE, f"<{_OA}TextPositionSelector>")
            self.add(sel, f"<{_OA}start>", lit(start))
            self.add(sel, f"<{_OA}end>", lit(end))
            self.sources[sel[1:-1]] = self.sources[base]
        quote = f"<{base}/quote>"
        self.sources[quote[1:-1]] = self.sources[base]
        self.add(m, f"<{_OA}hasSelector>", quote)
        self.add(quote, RDF_TYPE, f"<{_OA}TextQuoteSelector>")
        self.add(quote, f"<{_OA}exact>", lit(self.exact(tb)))
        prefix = text[max(0, tb.start - CONTEXT):tb.start]
        suffix = text[tb.end:tb.end + CONTEXT]
        if prefix:
            self.add(quote, f"<{_OA}prefix>", lit(prefix))
        if suffix:
            self.add(quote, f"<{_OA}suffix>", lit(suffix))
        event = self.trigger_of.get(tb.id)
        if event is not None and event.type == STATEMENT and self.unclaimed(event.id):
            return  # a negated statement was not made: nothing denotes it
        if tb.type != "TimeExpression":
            self.add(self.node(tb.id, tb.line), GAF_DENOTED_BY, m)

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
        if event.type != STATEMENT:
            status = "Planned" if attrs.get("Modality") == "Planned" else "Occurred"
            self.fact(f"{event.id}-status", node, ctkg("status"), ctkg(status), [trigger],
                      event.line, f"{event.id} status {status}", plain=False)

    def unclaimed(self, event_id: str) -> bool:
        """A negated or hypothetical event: the text claims nothing about it."""
        attrs = self.doc.attrs_of(event_id)
        return "Negation" in attrs or attrs.get("Modality") == "Hypothetical"

    def compile_statement(self, event: brat.Event, node: str,
                          attrs: Mapping[str, str | None]) -> None:
        trigger = self.doc.textbounds.get(event.trigger)
        if trigger is None:
            raise self.fail(event.line, f"{event.id}: trigger {event.trigger} is not a T line")
        kind = attrs.get("SpeechKind")
        if not kind:
            raise self.fail(event.line, f"{event.id}: a Statement needs a SpeechKind attribute")
        self.sources[node[1:-1]] = Source(self.where, event.line, f"{event.id} Statement")
        self.add(node, RDF_TYPE, ctkg("Statement"))
        self.add(node, ctkg("quote"), lit(self.exact(trigger)))
        self.add(node, ctkg("statementKind"), ctkg(kind))
        self.add(node, ctkg("statedIn"), self.doc_iri)

    def compile_time(self, event: brat.Event, node: str, tid: str) -> None:
        iso = [n for n in self.doc.norms_of(tid) if n.db == "ISO8601"]
        if not iso:
            raise self.fail(event.line, f"{event.id}: Time:{tid} has no ISO8601 normalization")
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
        support = [self.mention(event.trigger), self.mention(tid)]
        start, end = time_literals(value)
        what = f"{event.id} Time:{tid}"
        aid = f"{event.id}-time"
        self.fact(f"{aid}-start", node, ctkg("startTime"), start, support, event.line, what,
                  inferred, plain=False)
        if end is not None:
            self.fact(f"{aid}-end", node, ctkg("endTime"), end, support, event.line, what,
                      inferred, plain=False)
        self.fact(f"{aid}-granularity", node, ctkg("timeGranularity"),
                  f"<{UNITS[value.granularity]}>", support, event.line, what, plain=False)
        qualifier = pairs.get("qualifier") or value.start.qualifier
        if qualifier:
            self.fact(f"{aid}-qualifier", node, ctkg("timeQualifier"), lit(qualifier), support,
                      event.line, what, plain=False)

    def compile_relation(self, rel: brat.Relation) -> None:
        if "Negation" in self.doc.attrs_of(rel.id):
            return  # a negated fact is not asserted (see module docstring)
        name = rel.type[:1].lower() + rel.type[1:]
        prop = ctkg(name)
        obj = self.node(rel.arg2, rel.line)
        arg1 = self.doc.events.get(rel.arg1)
        what = f"{rel.id} {rel.type}"
        if arg1 is not None and arg1.type == STATEMENT and name in SPEECH_RELATIONS:
            speakers = [a for role, a in arg1.args if role == "Speaker"]
            if len(speakers) != 1:
                raise self.fail(rel.line, f"{rel.id}: Arg1 {arg1.id} needs exactly one Speaker")
            statement = self.node(arg1.id, rel.line)
            subject = self.node(speakers[0], arg1.line)
            self.add(statement, ctkg("about"), obj)
        else:
            subject = self.node(rel.arg1, rel.line)
        self.fact(rel.id, subject, prop, obj, [self.support(rel.arg1), self.support(rel.arg2)],
                  rel.line, what)
        if name in ORG_SUPER:
            self.add(subject, f"<{ORG_SUPER[name]}>", obj)
