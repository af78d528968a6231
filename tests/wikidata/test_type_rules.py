"""The P31 type table: which Wikidata classes fit which registry type (via the ontology)."""

from __future__ import annotations

import pytest

from ctkg.inputs.ontology import Ontology, read_ontology
from ctkg.wikidata.type_rules import judge_types, rule_name
from tests.paths import ROOT


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    onto, problems = read_ontology([ROOT / "ontology" / "ctkg.ttl"])
    assert problems == []
    return onto


@pytest.mark.parametrize(("reg_type", "p31", "verdict"), [
    ("Person", {"Q5"}, "ok"),
    ("Person", {"Q515"}, "error"),
    ("Person", set(), "warning"),  # no P31 in the cache: nothing to judge by
    ("Person", {"Q11446"}, "error"),
    ("MemberState", {"Q3624078"}, "ok"),
    ("State", {"Q6256"}, "ok"),
    ("State", {"Q515"}, "error"),
    ("GovernmentAgency", {"Q5"}, "error"),
    ("Organization", {"Q515"}, "error"),
    ("Organization", {"Q6256"}, "error"),
    ("Organization", {"Q43229", "Q41176"}, "ok"),
    ("TerroristGroup", {"Q17149090"}, "ok"),
    ("Organization", {"Q999"}, "warning"),
    ("Place", {"Q5"}, "error"),
    ("Place", {"Q3624078"}, "ok"),
    ("Post", {"Q4164871"}, "ok"),
    ("Post", {"Q5"}, "error"),
    ("Threat", set(), "warning"),
    ("Attack", {"Q2223653"}, "ok"),
    ("NoSuchType", {"Q5"}, "warning"),
])
def test_type_table(ontology: Ontology, reg_type: str, p31: set[str], verdict: str) -> None:
    assert judge_types(reg_type, p31, ontology)[0] == verdict
    assert judge_types("Threat", set(), ontology, has_p279=True)[0] == "ok"




def test_the_rule_follows_the_nearest_class_of_the_ontology(ontology: Ontology) -> None:
    assert rule_name("MemberState", ontology) == "State"
    assert rule_name("TerroristGroup", ontology) == "Organization"
    assert rule_name("SecurityCouncilMeeting", ontology) == "Event"
    assert rule_name("Pillar", ontology) == "Concept"
    assert rule_name("NoSuchType", ontology) is None
