"""Quantities (issue 16): a Quantity span compiles to a ctkg:Quantity with its facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ctkg.annotations import brat
from ctkg.errors import CTKGError
from ctkg.kg.compile import compile_document
from ctkg.rdf.convert import from_ox
from tests.kg.conftest import FIXTURE

CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SENTENCE = "It gathered close to 300 participants."
SPAN = "close to 300 participants"


def _with_quantity(tmp_path: Path, note: str) -> brat.Document:
    """900_fixture with a sentence stating a quantity of the conference E1's attendees."""
    src = FIXTURE / "data" / "corpus"
    text = (src / "900_fixture.txt").read_text("utf-8") + "\n" + SENTENCE
    start = text.index(SPAN)
    (tmp_path / "900_fixture.txt").write_text(text, encoding="utf-8")
    ann = (src / "900_fixture.ann").read_text("utf-8")
    ann += (f"T90\tQuantity {start} {start + len(SPAN)}\t{SPAN}\n"
            "R90\tattendeeCount Arg1:E1 Arg2:T90\n" + note)
    (tmp_path / "900_fixture.ann").write_text(ann, encoding="utf-8")
    return brat.read_document(tmp_path / "900_fixture.txt")


def _graph(setup: tuple, doc: brat.Document) -> Graph:
    registry, catalogue, iris = setup
    g = Graph()
    for q in compile_document(doc, registry, catalogue["900_fixture"], iris=iris):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def test_quantity_facts_are_supported_by_the_span(setup: tuple, tmp_path: Path) -> None:
    doc = _with_quantity(tmp_path, "#90\tAnnotatorNotes T90\tvalue=300 qualifier=approximately "
                                   "counts=Person unit=participants\n")
    g = _graph(setup, doc)
    q = URIRef(f"{ID}quantity/900_fixture/T90")
    c = lambda local: URIRef(CTKG + local)  # noqa: E731
    assert (q, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), c("Quantity")) in g
    assert (q, c("quantityValue"), Literal(300, datatype=URIRef(XSD_INTEGER))) in g
    assert (q, c("quantityQualifier"), c("Approximately")) in g
    assert (q, c("countedKind"), c("Person")) in g
    assert (q, c("unitText"), Literal("participants")) in g
    assert (URIRef(f"{ID}event/hlc-2018"), c("attendeeCount"), q) in g
    mention = URIRef(f"{ID}mention/900_fixture/T90")
    assert (q, URIRef("http://groundedannotationframework.org/gaf#denotedBy"), mention) in g
    value = URIRef(f"{ID}assertion/900_fixture/T90-quantityValue")
    assert (value, c("supportedBy"), mention) in g


def test_quantity_without_a_complete_note_is_refused(setup: tuple, tmp_path: Path) -> None:
    doc = _with_quantity(tmp_path, "#90\tAnnotatorNotes T90\tvalue=about-300 qualifier=roughly "
                                   "unit=participants\n")
    with pytest.raises(CTKGError, match=r"T90: Quantity: value='about-300'.*roughly.*counts"):
        _graph(setup, doc)
