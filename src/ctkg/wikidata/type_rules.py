"""Is a Wikidata item the right kind of thing for a registry type? (P31 against a table.)

An explicit, small table of Wikidata classes per registry type, with no subclass reasoning
offline: a compatible class is fine, an incompatible one is an error, anything else is a
warning for a person to judge (a wrong link is worse than none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ctkg.inputs.links import qid_number
from ctkg.inputs.ontology import Ontology

HUMAN = {"Q5": "human"}
STATE_CLASSES = {
    "Q6256": "country",
    "Q3624078": "sovereign state",
    "Q7275": "state",
}
PLACE_CLASSES = {
    "Q515": "city",
    "Q1549591": "big city",
    "Q1637706": "city with millions of inhabitants",
    "Q5119": "capital city",
    "Q486972": "human settlement",
    "Q3957": "town",
    "Q532": "village",
    "Q82794": "geographic region",
    "Q5107": "continent",
    "Q35657": "state of the United States",
    "Q10864048": "first-level administrative country subdivision",
}
BUILDING_CLASSES = {
    "Q41176": "building",
    "Q13226383": "facility",
}
ORGANIZATION_CLASSES = {
    "Q43229": "organization",
    "Q484652": "international organization",
    "Q245065": "intergovernmental organization",
    "Q15925165": "specialized agency of the United Nations",
    "Q327333": "government agency",
    "Q2659904": "government organization",
    "Q4830453": "business",
    "Q783794": "company",
    "Q891723": "public company",
    "Q163740": "nonprofit organization",
    "Q79913": "non-governmental organization",
    "Q7278": "political party",
    "Q17149090": "armed organization",
    "Q3918": "university",
    "Q31855": "research institute",
    "Q11032": "newspaper",
}
POST_CLASSES = {
    "Q4164871": "position",
    "Q294414": "public office",
}
EVENT_CLASSES = {
    "Q1656682": "event",
    "Q1190554": "occurrence",
    "Q2223653": "terrorist attack",
    "Q2020153": "academic conference",
}
INSTRUMENT_CLASSES = {
    "Q131569": "treaty",
    "Q7748": "law",
}
KNOWN_CLASSES: dict[str, str] = {
    **HUMAN, **STATE_CLASSES, **PLACE_CLASSES, **BUILDING_CLASSES, **ORGANIZATION_CLASSES,
    **POST_CLASSES, **EVENT_CLASSES, **INSTRUMENT_CLASSES,
}


@dataclass(frozen=True)
class TypeRule:
    """What a registry type may be linked to, judged from the item's P31 classes.

    ``required``: without a compatible class the link is an error (Person needs Q5).
    ``subclass_ok``: an item with P279 (a class) counts as compatible (concepts).
    """

    compatible: frozenset[str]
    incompatible: frozenset[str]
    required: bool = False
    subclass_ok: bool = False


def _keys(*tables: dict[str, str]) -> frozenset[str]:
    return frozenset(k for t in tables for k in t)


TYPE_RULES: dict[str, TypeRule] = {
    # A person is a human (Q5), nothing else will do.
    "Person": TypeRule(_keys(HUMAN), frozenset(), required=True),
    # A state is a country/sovereign state, never a human or a city.
    "State": TypeRule(_keys(STATE_CLASSES), _keys(HUMAN, PLACE_CLASSES, POST_CLASSES)),
    # An organization is not a human, a place, a country (use State) or a post.
    "Organization": TypeRule(_keys(ORGANIZATION_CLASSES),
                             _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, POST_CLASSES)),
    # A place may be a settlement, region, country or building, never a human or an org.
    "Place": TypeRule(_keys(PLACE_CLASSES, STATE_CLASSES, BUILDING_CLASSES),
                      _keys(HUMAN, ORGANIZATION_CLASSES, POST_CLASSES)),
    # A post (office) is not the person who holds it.
    "Post": TypeRule(_keys(POST_CLASSES), _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES)),
    "Event": TypeRule(_keys(EVENT_CLASSES),
                      _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, ORGANIZATION_CLASSES)),
    "PolicyInstrument": TypeRule(_keys(INSTRUMENT_CLASSES),
                                 _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES,
                                       ORGANIZATION_CLASSES)),
    # A concept (threat, goal, technology) is a class or notion, not a particular thing.
    "Concept": TypeRule(frozenset(),
                        _keys(HUMAN, PLACE_CLASSES, STATE_CLASSES, ORGANIZATION_CLASSES,
                              POST_CLASSES),
                        subclass_ok=True),
}


def rule_name(reg_type: str, ontology: Ontology) -> str | None:
    """Which :data:`TYPE_RULES` entry applies to a registry type: the rule of its nearest
    class in the ontology that has one (a MemberState follows State, not Organization)."""
    if reg_type in ontology.concept_types:
        return "Concept"
    for name in ("State", "Organization", "Event", *TYPE_RULES):
        if name in TYPE_RULES and ontology.is_subclass(reg_type, name):
            return name
    return None


def class_list(qids: Iterable[str]) -> str:
    """QIDs with their names where the table knows them, in numeric order."""
    return ", ".join(f"{q} ({KNOWN_CLASSES[q]})" if q in KNOWN_CLASSES else q
                     for q in sorted(qids, key=qid_number))


def judge_types(reg_type: str, p31: set[str], ontology: Ontology, has_p279: bool = False
                ) -> tuple[str, str | None]:
    """("ok" | "warning" | "error", message) for a registry type against an item's P31.

    Rule: a compatible class → ok; else an incompatible class (or a required one missing)
    → error; else (unknown classes, no P31) → warning for a person to judge.
    """
    name = rule_name(reg_type, ontology)
    if name is None:
        return "warning", f"no type rule for registry type {reg_type}: check the link by hand"
    rule = TYPE_RULES[name]
    if p31 & rule.compatible or (rule.subclass_ok and has_p279):
        return "ok", None
    bad = p31 & rule.incompatible
    if bad:
        return "error", (f"type mismatch: {reg_type} linked to an item that is an instance of "
                         f"{class_list(bad)}")
    if not p31:
        # Nothing to judge by: an offline cache assembled from evidence may lack P31.
        return "warning", "the item has no P31 (instance of) in the cache: check by hand"
    if rule.required:
        return "error", (f"type mismatch: {reg_type} needs an instance of "
                         f"{class_list(rule.compatible)}, the item has {class_list(p31)}")
    return "warning", (f"P31 {class_list(p31)} not in the type table for {reg_type}: "
                       "check by hand")
