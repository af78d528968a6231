"""The five documents through INCEpTION's format and back: the same annotations, whether an
event's normalizations and notes sit on its trigger (T) or on the event (E)."""

from __future__ import annotations

import pytest
from cassis import load_cas_from_xmi, load_typesystem

from ctkg.annotations.brat import Document, parse_ann, read_collection
from ctkg.interchange.corpus import check_xmi
from ctkg.interchange.export import document_cas
from ctkg.interchange.typesystem import SPAN, build_typesystem, typesystem_xml
from ctkg.interchange.xmi_import import annotation_set, cas_to_ann
from ctkg.paths import Layout
from tests.interchange.project import project_scheme
from tests.paths import ROOT

DOCS = {d.doc_id: d for d in read_collection(Layout(ROOT).corpus)[0]}


def _placed(doc: Document, on_event: bool) -> Document:
    """``doc`` with every N and # of an event on its E id (on_event) or its trigger."""
    swap = {ev.trigger: ev.id for ev in doc.events.values()}
    if not on_event:
        swap = {e: t for t, e in swap.items()}
    ann = doc.ann_path.read_text(encoding="utf-8")
    lines = []
    for line in ann.splitlines():
        head, _, rest = line.partition("\t")
        if head[:1] in ("N", "#"):
            kind, target, *tail = rest.split(" ")
            line = f"{head}\t{' '.join([kind, swap.get(target, target), *tail])}"
        lines.append(line)
    return parse_ann("\n".join(lines) + "\n", doc_id=doc.doc_id, txt_path=doc.txt_path,
                     ann_path=doc.ann_path, text=doc.text)


def test_the_corpus_has_five_documents() -> None:
    assert len(DOCS) == 5


@pytest.mark.parametrize("on_event", [True, False], ids=["on-E", "on-trigger"])
@pytest.mark.parametrize("doc_id", sorted(DOCS))
def test_round_trip_gives_the_same_annotations(doc_id: str, on_event: bool) -> None:
    doc = _placed(DOCS[doc_id], on_event)
    assert doc.problems == []
    scheme = project_scheme()
    cas, problems = document_cas(doc, scheme, build_typesystem(scheme))
    assert problems == []
    ts_xml = typesystem_xml(scheme)
    xmi = cas.to_xmi()
    assert check_xmi(xmi, ts_xml, doc, scheme) == []
    back_cas = load_cas_from_xmi(xmi, typesystem=load_typesystem(ts_xml))
    spans = list(back_cas.select(SPAN))
    for fs in spans:  # every offset slices the text exactly as brat's text field says
        tb = doc.textbounds[fs.bratIds.split()[0]]
        assert back_cas.sofa_string[fs.begin:fs.end] == fs.get_covered_text()
        assert " ".join(doc.text[s:e] for s, e in tb.fragments) == tb.text
        assert (fs.begin, fs.end) == (tb.start, tb.end)
    assert len(spans) == len(doc.textbounds)
    ann, problems = cas_to_ann(back_cas, scheme)
    assert problems == []
    back = parse_ann(ann, doc_id=doc.doc_id, txt_path=doc.txt_path, ann_path=doc.ann_path,
                     text=doc.text)
    assert back.problems == []
    assert annotation_set(back) == annotation_set(doc)
    assert len(annotation_set(doc)) > 100


def test_the_committed_type_system_is_the_schemes() -> None:
    committed = (ROOT / "data" / "inception" / "TypeSystem.xml").read_text(encoding="utf-8")
    assert committed == typesystem_xml(project_scheme()), "run ctkg inception typesystem"
