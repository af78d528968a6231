"""Times of day (issue 16): an event Time with a clock time gives its day as
``ctkg:startTime`` (day granularity) and the clock time as ``ctkg:startDateTime`` (an
xsd:dateTime without timezone), both asserted as of the source with the spans, neither as a
plain triple (the registry settles event times)."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.annotations import brat
from ctkg.kg.compile import compile_document
from tests.kg.conftest import FIXTURE

CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TEXT = "A regional conference, 11:00am, 29 June 2018.\n"


def test_a_clock_time_is_a_start_datetime_beside_the_day(setup: tuple) -> None:
    registry, catalogue, iris = setup
    path = FIXTURE / "data" / "corpus" / "900_fixture.ann"
    at = TEXT.index("11:00am")
    ann = ("T1\tRegionalConference 2 21\tregional conference\n"
           f"T2\tTimeExpression {at} {at + 7}\t11:00am\n"
           "N1\tReference E1 CTKG:regional-conference-2019\tx\n"
           "N2\tReference T2 ISO8601:2018-06-29T11:00\t11:00am\n"
           "#1\tAnnotatorNotes T2\tanchor=2018-06-29 rule=dateline-day\n"
           "E1\tRegionalConference:T1 Time:T2\n")
    doc = brat.parse_ann(ann, doc_id="900_fixture", txt_path=path.with_suffix(".txt"),
                         ann_path=path, text=TEXT)
    quads = compile_document(doc, registry, catalogue["900_fixture"], iris=iris)
    objects = {q.subject.value: {} for q in quads}
    for q in quads:
        objects[q.subject.value].setdefault(q.predicate.value, set()).add(q.object)
    a = objects[f"{ID}assertion/900_fixture/E1-time-start-datetime"]
    assert a[f"{CTKG}asOf"] and a["http://www.w3.org/1999/02/22-rdf-syntax-ns#object"] == {
        ox.Literal("2018-06-29T11:00:00", datatype=ox.NamedNode(XSD + "dateTime"))}
    assert ox.NamedNode(f"{ID}mention/900_fixture/T2") in a[f"{CTKG}supportedBy"]
    start = objects[f"{ID}assertion/900_fixture/E1-time-start"]
    assert start["http://www.w3.org/1999/02/22-rdf-syntax-ns#object"] == {
        ox.Literal("2018-06-29", datatype=ox.NamedNode(XSD + "date"))}
    event = objects.get(f"{ID}event/regional-conference-2019", {})
    assert f"{CTKG}startDateTime" not in event and f"{CTKG}startTime" not in event
