"""brat document -> CAS: every layer filled, and what the layers cannot hold refused."""

from __future__ import annotations

import pytest

from ctkg.interchange.export import document_cas
from ctkg.interchange.typesystem import (
    METADATA,
    RELATION,
    SENTENCE,
    SPAN,
    TOKEN,
    build_typesystem,
)
from tests.interchange.project import ANN, TEXT, document, project_scheme


def _cas(ann: str = ANN):  # type: ignore[no-untyped-def]
    scheme = project_scheme()
    return document_cas(document(TEXT, ann), scheme, build_typesystem(scheme))


def test_spans_events_roles_relations_and_features() -> None:
    cas, problems = _cas()
    assert problems == []
    spans = {fs.bratIds.split()[0]: fs for fs in cas.select(SPAN)}
    assert set(spans) == {"T1", "T2", "T3", "T4", "T5", "T6", "T7"}
    conference = spans["T2"]  # the event E1 sits at its trigger T2
    assert conference.label == "Conference" and conference.get_covered_text() == "conference"
    assert [(link.role, link.target.bratIds.split()[0]) for link in conference.roles.elements] \
        == [("Opener", "T1"), ("Place", "T3"), ("Time", "T4")]
    assert conference.note == "note=on the event"
    assert conference.bratIds == "T2 E1 N3:CTKG@T2 #2@E1"
    guterres = spans["T1"]
    assert (guterres.ctkg, guterres.ctkgText, guterres.wikidata) == (
        "antonio-guterres", "António Guterres", "Q311440")
    statement = spans["T7"]
    assert statement.speechKind == "ReportedSpeech" and statement.ctkg == "some-statement"
    assert statement.bratIds == "T7 E2 N5:CTKG@E2 A1:SpeechKind@E2"
    occasion = [link for link in statement.roles.elements if link.role == "Occasion"]
    assert occasion[0].target is conference  # an E argument is the event's span
    [rel] = cas.select(RELATION)
    assert (rel.label, rel.Governor, rel.Dependent, rel.negation) == (
        "warnsOf", statement, spans["T6"], True)
    assert (rel.begin, rel.end) == (spans["T6"].begin, spans["T6"].end)  # INCEpTION's rule


def test_a_discontinuous_span_covers_its_extent_and_lists_its_fragments() -> None:
    cas, _ = _cas()
    threat = next(fs for fs in cas.select(SPAN) if fs.bratIds == "T6")
    assert (threat.begin, threat.end, threat.fragments) == (66, 117, "66 100;109 117")


def test_segmentation_and_metadata_as_dkpro_core_has_them() -> None:
    cas, _ = _cas()
    assert [s.get_covered_text() for s in cas.select(SENTENCE)] == TEXT.splitlines()
    assert [t.get_covered_text() for t in cas.select(TOKEN)] == TEXT.split()
    [meta] = cas.select(METADATA)
    assert meta.documentId == "900_0000000000000000" and (meta.begin, meta.end) == (0, len(TEXT))


@pytest.mark.parametrize(("line", "message"), [
    ("*\tEquiv T1 T5", "no brat equivalences"),
    ("N9\tReference T1 CTKG:other\tOther", "a second CTKG normalization"),
    ("#9\tAnnotatorNotes T5\tanother", "a second note"),
    ("R9\twarnsOf Arg1:T7 Arg2:T6", "T7 is an event's trigger: refer to the event E2"),
    ("E9\tConference:T2 Participant:T99", "T99 is no entity or event"),
    ("A9\tSpeechKind E1", "SpeechKind needs a value"),
    ("A9\tMood E2 Happy", "attribute Mood has no feature"),
    ("N9\tReference R1 CTKG:x\tx", "of spans have a feature"),
    ("N9\tReference T99 CTKG:x\tx", "target T99 is no annotation"),
])
def test_what_the_layers_cannot_hold_is_a_problem(line: str, message: str) -> None:
    _, problems = _cas(ANN + line + "\n")
    assert any(message in p.message for p in problems), problems
    assert all(p.message.startswith("not exported to INCEpTION") for p in problems)
