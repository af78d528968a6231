"""One brat document as a UIMA CAS of CTKG's layers (see :mod:`.typesystem`).

Nothing is dropped silently: what the layers cannot hold (an equivalence line, two
normalizations to one database on one annotation, a relation or role pointing at an event's
trigger instead of its ``E`` id, ...) is a :class:`~ctkg.errors.Problem`, and the export
writes nothing while there is one.
"""

from __future__ import annotations

import re
from typing import Any

from cassis import Cas, TypeSystem

from ctkg.annotations.brat import Document, Event, base_role
from ctkg.annotations.scheme import Scheme
from ctkg.errors import Problem, display_path
from ctkg.interchange.bratids import BratIds
from ctkg.interchange.typesystem import (
    FSARRAY,
    LINK,
    METADATA,
    RELATION,
    SENTENCE,
    SPAN,
    TOKEN,
    Layers,
    feature_name,
)

FS = Any  # a cassis feature structure (cassis has no type information)


def fragments_text(fragments: tuple[tuple[int, int], ...]) -> str:
    """brat's offsets syntax, ``0 5;9 14``."""
    return ";".join(f"{s} {e}" for s, e in fragments)


class _Exporter:
    """Builds the CAS of one document; every brat id maps to the structure that holds it."""

    def __init__(self, doc: Document, scheme: Scheme, ts: TypeSystem) -> None:
        self.doc, self.scheme, self.ts = doc, scheme, ts
        self.layers = Layers.of(scheme)
        self.where = display_path(doc.ann_path)
        self.problems: list[Problem] = []
        # no document_language: cassis would add a second, empty DocumentAnnotation beside
        # the DocumentMetaData (UIMA reads the first it finds as the document's)
        self.cas = Cas(typesystem=ts, sofa_string=doc.text, sofa_mime="text/plain")
        self.owner: dict[str, tuple[FS, BratIds]] = {}  # brat id -> (structure, its ids)

    def bad(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.where, line, f"not exported to INCEpTION: {message}"))

    def segmentation(self) -> None:
        """Lines as sentences and runs of non-space as tokens (brat's ``splitter:newline``
        and ``tokenizer:whitespace`` in tools.conf), and the document's metadata."""
        text = self.doc.text
        meta = self.ts.get_type(METADATA)
        self.cas.add(meta(begin=0, end=len(text), language="en", documentId=self.doc.doc_id,
                          documentTitle=self.doc.doc_id, isLastSegment=False))
        sentence, token = self.ts.get_type(SENTENCE), self.ts.get_type(TOKEN)
        for m in re.finditer(r"[^\n]+", text):
            if m.group().strip():
                self.cas.add(sentence(begin=m.start(), end=m.end()))
        self.cas.add_all([token(begin=m.start(), end=m.end())
                          for m in re.finditer(r"\S+", text)])

    def span(self, own: list[str], tb_id: str, label: str) -> FS:
        tb = self.doc.textbounds[tb_id]
        fs = self.ts.get_type(SPAN)(begin=tb.start, end=tb.end, label=label)
        if len(tb.fragments) > 1:
            fs.fragments = fragments_text(tb.fragments)
        self.cas.add(fs)
        ids = BratIds(own=own)
        for i in own:
            self.owner.setdefault(i, (fs, ids))
        return fs

    def spans(self) -> None:
        triggers = {ev.trigger for ev in self.doc.events.values()}
        for tb in self.doc.textbounds.values():
            if tb.id not in triggers:
                self.span([tb.id], tb.id, tb.type)
        for ev in self.doc.events.values():
            trigger = self.doc.textbounds.get(ev.trigger)
            if trigger is None:
                self.bad(ev.line, f"{ev.id}: trigger {ev.trigger} does not exist")
            elif trigger.type != ev.type:
                self.bad(ev.line, f"{ev.id}: event type {ev.type} differs from its "
                                  f"trigger's type {trigger.type}")
            else:
                self.span([trigger.id, ev.id], trigger.id, ev.type)

    def target(self, ref: str, line: int, what: str) -> FS | None:
        """The span of an argument: an entity's ``T`` or an event's ``E`` id."""
        found = self.owner.get(ref)
        if found is None or found[0].type.name != SPAN:
            self.bad(line, f"{what}: {ref} is no entity or event of this file")
            return None
        if ref.startswith("T") and found[1].own_of("E"):
            self.bad(line, f"{what}: {ref} is an event's trigger: refer to the event "
                           f"{found[1].own_of('E')}")
            return None
        return found[0]

    def roles(self, ev: Event) -> None:
        if ev.id not in self.owner:
            return
        link = self.ts.get_type(LINK)
        links = []
        for raw, (role, ref) in zip(ev.raw_roles, ev.args, strict=True):
            fs = self.target(ref, ev.line, f"{ev.id} {raw}")
            if fs is not None:
                links.append(link(role=base_role(role), target=fs))
        if links:
            self.owner[ev.id][0].roles = self.ts.get_type(FSARRAY)(elements=links)

    def relations(self) -> None:
        rel_type = self.ts.get_type(RELATION)
        for rel in self.doc.relations.values():
            gov = self.target(rel.arg1, rel.line, f"{rel.id} Arg1")
            dep = self.target(rel.arg2, rel.line, f"{rel.id} Arg2")
            if gov is None or dep is None:
                continue
            fs = rel_type(begin=dep.begin, end=dep.end, Governor=gov, Dependent=dep,
                          label=rel.type)
            self.cas.add(fs)
            self.owner[rel.id] = (fs, BratIds(own=[rel.id]))

    def dependent(self, target: str, line: int, what: str) -> tuple[FS, BratIds] | None:
        found = self.owner.get(target)
        if found is None:
            self.bad(line, f"{what}: target {target} is no annotation of this file")
        return found

    def normalizations(self) -> None:
        for n in self.doc.normalizations.values():
            found = self.dependent(n.target, n.line, n.id)
            if found is None:
                continue
            fs, ids = found
            if n.type != "Reference" or n.db not in self.layers.dbs or fs.type.name != SPAN:
                self.bad(n.line, f"{n.id}: only Reference normalizations to "
                                 f"{', '.join(self.layers.dbs)} of spans have a feature")
            elif n.db in ids.norms:
                self.bad(n.line, f"{n.id}: a second {n.db} normalization of one annotation "
                                 f"(the first is {ids.norms[n.db][0]})")
            else:
                setattr(fs, feature_name(n.db), n.key)
                setattr(fs, feature_name(n.db) + "Text", n.text)
                ids.norms[n.db] = (n.id, n.target)

    def notes(self) -> None:
        for note in self.doc.notes.values():
            found = self.dependent(note.target, note.line, note.id)
            if found is None:
                continue
            fs, ids = found
            if note.type != "AnnotatorNotes":
                self.bad(note.line, f"{note.id}: note type {note.type} (want AnnotatorNotes)")
            elif ids.note is not None:
                self.bad(note.line, f"{note.id}: a second note of one annotation "
                                    f"(the first is {ids.note[0]})")
            else:
                fs.note = note.text
                ids.note = (note.id, note.target)

    def attributes(self) -> None:
        for a in self.doc.attributes.values():
            found = self.dependent(a.target, a.line, a.id)
            if found is None:
                continue
            fs, ids = found
            on = (self.layers.span_attributes if fs.type.name == SPAN
                  else self.layers.relation_attributes)
            attr = self.scheme.attributes.get(a.type)
            if attr is None or a.type not in on:
                self.bad(a.line, f"{a.id}: attribute {a.type} has no feature on "
                                 f"{fs.type.name.rsplit('.', 1)[-1]}")
            elif a.type in ids.attrs:
                self.bad(a.line, f"{a.id}: a second {a.type} of one annotation")
            elif bool(attr.values) != (a.value is not None):
                self.bad(a.line, f"{a.id}: {a.type} "
                                 f"{'needs a value' if attr.values else 'takes no value'}")
            else:
                setattr(fs, feature_name(a.type), a.value if attr.values else True)
                ids.attrs[a.type] = (a.id, a.target)

    def run(self) -> Cas:
        self.segmentation()
        self.spans()
        for ev in self.doc.events.values():
            self.roles(ev)
        self.relations()
        self.normalizations()
        self.notes()
        self.attributes()
        for eq in self.doc.equivs:
            self.bad(eq.line, f"equivalence {eq.type} {' '.join(eq.members)}: INCEpTION "
                              "layers have no brat equivalences")
        for fs, ids in {id(v[0]): v for v in self.owner.values()}.values():
            fs.bratIds = ids.render()
        return self.cas


def document_cas(doc: Document, scheme: Scheme, ts: TypeSystem) -> tuple[Cas, list[Problem]]:
    """The CAS of one document, and what it could not hold."""
    exporter = _Exporter(doc, scheme, ts)
    cas = exporter.run()
    return cas, exporter.problems
