"""CAS -> brat: ids kept, new annotations given ids and attached where brat accepts them."""

from __future__ import annotations

from typing import Any

import pytest
from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from ctkg.interchange.export import document_cas
from ctkg.interchange.typesystem import (
    FSARRAY,
    LINK,
    RELATION,
    SPAN,
    build_typesystem,
    typesystem_xml,
)
from ctkg.interchange.xmi_import import annotation_set, cas_to_ann
from tests.interchange.project import ANN, TEXT, document, project_scheme

LABELS = {"CTKG": {"antonio-guterres": "António Guterres"},
          "Wikidata": {"Q311440": "António Guterres"}}


def _through_xmi(cas: Cas) -> Cas:
    """As INCEpTION would receive it: written, then read with the type system file."""
    ts = load_typesystem(typesystem_xml(project_scheme()))
    return load_cas_from_xmi(cas.to_xmi(), typesystem=ts)


def _ann(cas: Cas) -> tuple[str, list[Any]]:
    return cas_to_ann(_through_xmi(cas), project_scheme(), labels=LABELS, where="x.xmi")


def _moved(ann: str, to_event: bool) -> str:
    """The .ann with every normalization and note of an event on its E id (brat's rule)
    or on its trigger's T id (the guidelines' rule before issue 15)."""
    doc = document(TEXT, ann)
    swap = {ev.trigger: ev.id for ev in doc.events.values()}
    if not to_event:
        swap = {e: t for t, e in swap.items()}
    out = []
    for line in ann.splitlines():
        head, _, rest = line.partition("\t")
        if head[0] in "N#":
            kind, target, *tail = rest.split(" ")
            line = f"{head}\t{' '.join([kind, swap.get(target, target), *tail])}"
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("to_event", [True, False])
def test_round_trip_keeps_ids_and_both_placements(to_event: bool) -> None:
    ann = _moved(ANN, to_event)
    source = document(TEXT, ann)
    scheme = project_scheme()
    cas, problems = document_cas(source, scheme, build_typesystem(scheme))
    assert problems == []
    back, problems = _ann(cas)
    assert problems == []
    assert annotation_set(document(TEXT, back)) == annotation_set(source)
    targets = {n.target for n in document(TEXT, back).normalizations.values()}
    assert ("E1" in targets) is to_event and ("T2" in targets) is not to_event


def _new(ts: TypeSystem, begin: int, end: int, **features: Any) -> Any:
    return ts.get_type(SPAN)(begin=begin, end=end, **features)


def test_annotations_made_in_inception_get_fresh_ids_and_brats_placement() -> None:
    scheme = project_scheme()
    ts = build_typesystem(scheme)
    cas, _ = document_cas(document(TEXT, ANN), scheme, ts)
    he = next(fs for fs in cas.select(SPAN) if fs.bratIds.startswith("T5 "))
    # a new Speech event at "warned", with two Speaker links (numbered in brat) and a
    # registry normalization without a label; a new Person mention; a new relation
    person = _new(ts, 0, 8, label="Person", ctkg="antonio-guterres", wikidata="Q311440")
    time = _new(ts, 44, 51, label="TimeExpression", iso8601="2018-06-28")
    speech = _new(ts, 56, 62, label="Speech", ctkg="antonio-guterres", note="checked",
                  modality="Planned")
    speech.roles = ts.get_type(FSARRAY)(elements=[
        ts.get_type(LINK)(role="Speaker", target=he),
        ts.get_type(LINK)(role="Speaker", target=person),
        ts.get_type(LINK)(role="Time", target=time)])
    rel = ts.get_type(RELATION)(begin=0, end=8, Governor=speech, Dependent=person,
                                label="partOf", negation=True)
    cas.add_all([person, time, speech, rel])
    ann, problems = _ann(cas)
    assert problems == []
    new = [line for line in ann.splitlines() if line not in ANN.splitlines()]
    assert new == [
        "T8\tPerson 0 8\tGuterres",
        "T9\tTimeExpression 44 51\t28 June",
        "T10\tSpeech 56 62\twarned",
        "E3\tSpeech:T10 Speaker:T5 Speaker2:T8 Time:T9",
        "R2\tpartOf Arg1:E3 Arg2:T8",
        "A3\tModality E3 Planned",
        "A4\tNegation R2",
        "N6\tReference T8 CTKG:antonio-guterres\tAntónio Guterres",
        "N7\tReference T8 Wikidata:Q311440\tAntónio Guterres",
        "N8\tReference T9 ISO8601:2018-06-28\t28 June",
        "N9\tReference E3 CTKG:antonio-guterres\tAntónio Guterres",
        "#3\tAnnotatorNotes E3\tchecked",
    ]


def _one_bad_span(**features: Any) -> list[Any]:
    scheme = project_scheme()
    ts = build_typesystem(scheme)
    cas = Cas(typesystem=ts, sofa_string=TEXT)
    cas.add(_new(ts, 0, 8, **features))
    return _ann(cas)[1]


@pytest.mark.parametrize(("features", "message"), [
    ({"label": "Two words"}, "label 'Two words' is empty or has a space"),
    ({"label": None}, "label None is empty"),
    ({"label": "Person", "fragments": "0 3;5 9"}, "do not run from the span's begin"),
    ({"label": "Person", "fragments": "0-3"}, "are not brat offsets"),
    ({"label": "Person", "bratIds": "T1 junk"}, "bratIds token 'junk'"),
    ({"label": "Person", "note": "two\nlines"}, "a line break in a value"),
    ({"label": "Person", "bratIds": "T1 N4:CTKG@T7", "ctkg": "x"}, "attached to T7, which "
                                                                   "is not this annotation"),
])
def test_what_brat_cannot_take_is_a_problem(features: dict[str, Any], message: str) -> None:
    problems = _one_bad_span(**features)
    assert any(message in p.message for p in problems), problems
    assert all(p.file == "x.xmi" for p in problems)
