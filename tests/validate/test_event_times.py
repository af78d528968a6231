"""The registry's event summaries against the documents' time/place/status assertions."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.inputs.registry import Entry, Registry
from ctkg.rdf.sources import Source
from ctkg.rdf.terms import RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, ctkg, graph_of, ident, lit
from ctkg.validate.event_times import check_event_times, within

XSD = "http://www.w3.org/2001/XMLSchema#"
EVENT = ident("event/e")
REG = graph_of("registry")


def date(value: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return lit(value, ox.NamedNode(XSD + kind))


def claim(doc: str, aid: str, prop: str, value: ox.NamedNode | ox.Literal) -> list[ox.Quad]:
    a, g = ident(f"assertion/{doc}/{aid}"), graph_of(doc)
    return [ox.Quad(a, RDF_SUBJECT, EVENT, g), ox.Quad(a, RDF_PREDICATE, ctkg(prop), g),
            ox.Quad(a, RDF_OBJECT, value, g)]


def check(entry: Entry, registry: list[ox.Quad], docs: list[ox.Quad]) -> list[str]:
    reg = Registry(Path("data/registry.toml"), {"e": entry})
    sources = {ident("assertion/d1/E1-time-start").value: Source("d1.ann", 3, "E1 Time:T2")}
    return [f"{p.severity}: {p.message}" for p in
            check_event_times(reg, {"e": EVENT}, registry, docs, sources)]


def test_a_finer_document_date_agrees() -> None:
    entry = Entry("e", "Conference", "E", start="2018-06", line=1)
    registry = [ox.Quad(EVENT, ctkg("startTime"), date("2018-06"), REG)]
    docs = claim("d1", "E1-time-start", "startTime", date("2018-06")) \
        + claim("d2", "E1-time-start", "startTime", date("2018-06-28"))
    assert check(entry, registry, docs) == []


def test_contradiction_and_unstated_value() -> None:
    entry = Entry("e", "Conference", "E", start="2018-07", status="planned", line=1)
    registry = [ox.Quad(EVENT, ctkg("startTime"), date("2018-07"), REG),
                ox.Quad(EVENT, ctkg("status"), ctkg("Planned"), REG)]
    docs = claim("d1", "E1-time-start", "startTime", date("2018-06")) \
        + claim("d1", "E1-status", "status", ctkg("Occurred"))
    found = check(entry, registry, docs)
    assert "error: e: registry startTime 2018-07 is stated by no document (documents give: " \
           "2018-06)" in found
    assert "error: e: a document dates it 2018-06, outside the registry's 2018-07..2018-07 " \
           "(d1.ann:3 (E1 Time:T2))" in found
    assert "error: e: the registry has it planned, a document says it occurred" in found
    assert "error: e: registry status https://w3id.org/ctkg/ontology#Planned is stated by " \
           "no document (documents give: https://w3id.org/ctkg/ontology#Occurred)" in found


def test_another_place_is_a_warning() -> None:
    entry = Entry("e", "Conference", "E", place="p", line=1)
    registry = [ox.Quad(EVENT, ctkg("place"), ident("place/p"), REG)]
    docs = claim("d1", "E1-place-T3", "place", ident("place/p")) \
        + claim("d2", "E1-place-T4", "place", ident("place/q"))
    assert check(entry, registry, docs) == [
        "warning: e: a document places it at https://w3id.org/ctkg/id/place/q, the registry "
        "at https://w3id.org/ctkg/id/place/p"]


def test_a_place_within_the_other_is_no_warning() -> None:
    """A room in a building in a city: the registry's room and a document's city agree
    once the graph says where the room is (transitively); a floating place still warns."""
    entry = Entry("e", "Conference", "E", place="room", line=1)
    room, hq, city = ident("place/room"), ident("place/hq"), ident("place/city")
    registry = [ox.Quad(EVENT, ctkg("place"), room, REG)]
    docs = claim("d1", "E1-place-T3", "place", room) + claim("d2", "E1-place-T4", "place", city)
    reg = Registry(Path("data/registry.toml"), {"e": entry})
    contained = [ox.Quad(room, ctkg("containedInPlace"), hq, graph_of("d1")),
                 ox.Quad(hq, ctkg("containedInPlace"), city, graph_of("wikidata"))]
    assert within(contained) == {room.value: {hq.value, city.value}, hq.value: {city.value}}
    assert check_event_times(reg, {"e": EVENT}, registry, docs, {}, within(contained)) == []
    floating = check_event_times(reg, {"e": EVENT}, registry, docs, {}, within(contained[1:]))
    assert [p.message for p in floating] == [
        "e: a document places it at https://w3id.org/ctkg/id/place/city, the registry at "
        "https://w3id.org/ctkg/id/place/room"]


def test_many_documents_dating_one_event_are_compared_linearly(monkeypatch) -> None:
    """Regression: each start claim was looked up in the list of single-point claims, so an
    event dated by n documents cost n^2 claim comparisons (12 M at 10,000 documents)."""
    from ctkg.validate import event_times

    n = 400
    entry = Entry("e", "Conference", "E", start="2018-06", line=1)
    registry = [ox.Quad(EVENT, ctkg("startTime"), date("2018-06"), REG)]
    docs = [q for i in range(n)
            for q in claim(f"d{i}", "E1-time-start", "startTime",
                           date("2018-07" if i == n - 1 else "2018-06"))]
    compared = 0
    plain_eq = event_times.Claim.__eq__

    def counting_eq(self: object, other: object) -> bool:
        nonlocal compared
        compared += 1
        return plain_eq(self, other)  # type: ignore[no-any-return]

    monkeypatch.setattr(event_times.Claim, "__eq__", counting_eq)
    found = check(entry, registry, docs)
    assert found == ["error: e: a document dates it 2018-07, outside the registry's "
                     "2018-06..2018-06"]
    assert compared < n  # was n * (n + 1) / 2 with the list
