"""Founding dates (issue 16): a foundingDate relation becomes ``ctkg:foundingDate`` on the
organization at the time's own granularity, supported by both spans, with the time's
inference record; an interval is refused (a founding is a point)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.annotations import brat
from ctkg.errors import CTKGError
from ctkg.kg.compile import compile_document
from tests.kg.conftest import FIXTURE

CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TEXT = "INTERPOL, which came into being 95 years ago, met.\n"  # 1923, as it was


def _doc(value: str) -> brat.Document:
    path = FIXTURE / "data" / "corpus" / "900_fixture.ann"
    ann = ("T1\tOrganization 0 8\tINTERPOL\nN1\tReference T1 CTKG:interpol\tINTERPOL\n"
           "T2\tTimeExpression 32 44\t95 years ago\n"
           f"N2\tReference T2 ISO8601:{value}\t95 years ago\n"
           "#1\tAnnotatorNotes T2\tanchor=2018-06-29 rule=years-ago\n"
           "R1\tfoundingDate Arg1:T1 Arg2:T2\n")
    return brat.parse_ann(ann, doc_id="900_fixture", txt_path=path.with_suffix(".txt"),
                          ann_path=path, text=TEXT)


def test_founding_date_on_the_organization_with_spans_and_inference(setup: tuple) -> None:
    registry, catalogue, iris = setup
    quads = compile_document(_doc("1923"), registry, catalogue["900_fixture"], iris=iris)
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    org, year = f"{ID}org/interpol", ox.Literal("1923", datatype=ox.NamedNode(XSD + "gYear"))
    assert any(q.subject.value == org and q.predicate.value == CTKG + "foundingDate"
               and q.object == year for q in quads)
    a = f"{ID}assertion/900_fixture/R1"
    mention = f"{ID}mention/900_fixture/"
    assert {(a, CTKG + "supportedBy", mention + "T1"),
            (a, CTKG + "supportedBy", mention + "T2"),
            (a, CTKG + "inferenceRule", "years-ago: anchor 2018-06-29"),
            (a, CTKG + "evidence", f"{ID}document/900_fixture")} <= triples


def test_a_founding_interval_is_refused(setup: tuple) -> None:
    registry, catalogue, iris = setup
    with pytest.raises(CTKGError, match="R1: a foundingDate is a point in time"):
        compile_document(_doc("1923/1924"), registry, catalogue["900_fixture"], iris=iris)
