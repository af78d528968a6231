"""Attribution of claims (issue 16): a claim-kind fact in a statement is the speaker's claim."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from ctkg.annotations import brat
from ctkg.kg.claims import enclosing_statement
from ctkg.kg.compile import compile_document
from ctkg.rdf.convert import from_ox
from tests.kg.conftest import FIXTURE

CTKG = "https://w3id.org/ctkg/ontology#"
ID = "https://w3id.org/ctkg/id/"
ATTRIBUTED = URIRef("http://www.w3.org/ns/prov#wasAttributedTo")
CLAIMED_IN = URIRef(CTKG + "claimedIn")
ADVOCATES = URIRef(CTKG + "advocates")


def _compiled(setup: tuple, tmp_path: Path, kind: str = "DirectQuote") -> Graph:
    """900_fixture plus a claim inside Guterres's statement E2: the Office advocates
    addressing root causes (T8 lies in E2's span)."""
    src = FIXTURE / "data" / "corpus"
    (tmp_path / "900_fixture.txt").write_text((src / "900_fixture.txt").read_text("utf-8"),
                                              encoding="utf-8")
    ann = (src / "900_fixture.ann").read_text("utf-8")
    ann = ann.replace("A1\tSpeechKind E2 DirectQuote", f"A1\tSpeechKind E2 {kind}")
    ann += "R90\tadvocates Arg1:T10 Arg2:T8\n"
    (tmp_path / "900_fixture.ann").write_text(ann, encoding="utf-8")
    doc = brat.read_document(tmp_path / "900_fixture.txt")
    assert enclosing_statement(doc, "T8") is not None
    registry, catalogue, iris = setup
    g = Graph()
    for q in compile_document(doc, registry, catalogue["900_fixture"], iris=iris):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def test_claim_inside_a_statement_is_attributed_not_asserted(setup: tuple,
                                                            tmp_path: Path) -> None:
    g = _compiled(setup, tmp_path)
    claim = URIRef(f"{ID}assertion/900_fixture/R90")
    guterres, statement = URIRef(f"{ID}person/antonio-guterres"), URIRef(
        f"{ID}statement/900_fixture/E2")
    assert (claim, CLAIMED_IN, statement) in g and (claim, ATTRIBUTED, guterres) in g
    goal = URIRef(f"{ID}goal/address-root-causes")
    assert (URIRef(f"{ID}org/unoct"), ADVOCATES, goal) not in g  # no unattributed fact


def test_speech_act_is_attributed_and_asserted(setup: tuple, tmp_path: Path) -> None:
    g = _compiled(setup, tmp_path)
    act = URIRef(f"{ID}assertion/900_fixture/R3")
    guterres = URIRef(f"{ID}person/antonio-guterres")
    assert (act, CLAIMED_IN, URIRef(f"{ID}statement/900_fixture/E2")) in g
    assert (act, ATTRIBUTED, guterres) in g
    assert (guterres, ADVOCATES, URIRef(f"{ID}goal/address-root-causes")) in g
