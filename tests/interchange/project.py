"""The scheme and type system of this checkout, read once for the interchange tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ctkg.annotations.brat import Document, parse_ann
from ctkg.annotations.scheme import Scheme, checked_scheme
from ctkg.inputs.ontology import read_ontology
from ctkg.paths import Layout
from tests.paths import ROOT


@cache
def project_scheme() -> Scheme:
    onto, problems = read_ontology(Layout(ROOT).ontology_files())
    assert problems == []
    return checked_scheme(onto)


def document(text: str, ann: str, doc_id: str = "900_0000000000000000") -> Document:
    """A document from its text and .ann content (paths only for messages)."""
    where = Path(f"{doc_id}.txt")
    return parse_ann(ann, doc_id=doc_id, txt_path=where, ann_path=where.with_suffix(".ann"),
                     text=text)


TEXT = ("Guterres opened the conference in Madrid on 28 June.\n"
        "He warned of terrorists exploiting social media and the dark web.\n")
ANN = "\n".join([
    "T1\tPerson 0 8\tGuterres",
    "T2\tConference 20 30\tconference",
    "T3\tPlace 34 40\tMadrid",
    "T4\tTimeExpression 44 51\t28 June",
    "T5\tPerson 53 55\tHe",
    "T6\tThreat 66 100;109 117\tterrorists exploiting social media dark web",
    "T7\tStatement 56 117\twarned of terrorists exploiting social media and the dark web",
    "E1\tConference:T2 Opener:T1 Place:T3 Time:T4",
    "E2\tStatement:T7 Speaker:T5 Occasion:E1",
    "R1\twarnsOf Arg1:E2 Arg2:T6",
    "A1\tSpeechKind E2 ReportedSpeech",
    "A2\tNegation R1",
    "N1\tReference T1 CTKG:antonio-guterres\tAntónio Guterres",
    "N2\tReference T1 Wikidata:Q311440\tAntónio Guterres",
    "N3\tReference T2 CTKG:some-conference\tSome conference",
    "N4\tReference T4 ISO8601:2018-06-28\t28 June",
    "N5\tReference E2 CTKG:some-statement\tA statement",
    "#1\tAnnotatorNotes T5\tnote=coreferent with T1",
    "#2\tAnnotatorNotes E1\tnote=on the event",
    "",
])
