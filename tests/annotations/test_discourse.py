"""The discourse rules of ctkg suggest on small made-up texts (no corpus sentence): event,
organization and person descriptions, titles and their holders, goal phrases, merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.annotations.brat import read_document
from ctkg.annotations.discourse import (
    Knowledge,
    entity_descriptions,
    event_descriptions,
    goal_heads,
    goal_phrases,
    merge,
    person_descriptions,
    titles_to_holders,
)
from ctkg.annotations.matcher import Match
from ctkg.inputs.ontology import Ontology, read_ontology
from ctkg.inputs.registry import Entry, Registry
from tests.paths import ROOT

CLASSES = {"ocean-summit": "HighLevelConference", "harbour-talks": "Meeting",
           "ana-silva": "Person", "ben-oduya": "Person", "chair-general": "Post",
           "red-tide": "TerroristGroup", "sea-council": "UNEntity", "blue-pact": "UNEntity",
           "resilience": "PolicyGoal", "piracy": "Threat", "sea-cooperation": "PolicyGoal",
           "port-cooperation": "PolicyGoal"}
LABELS = {"sea-council": "Ocean Security Council", "blue-pact": "Blue Pact Secretariat",
          "port-cooperation": "cooperation between ports",
          "sea-cooperation": "maritime cooperation",
          "resilience": "resilience"}


@pytest.fixture(scope="module")
def know() -> Knowledge:
    onto: Ontology
    onto, problems = read_ontology([ROOT / "ontology" / "ctkg.ttl"])
    assert not problems
    return Knowledge(CLASSES, onto, labels=LABELS)


def at(text: str, name: str, slug: str, kind: str, nth: int = 0) -> Match:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Match(start, start + len(name), slug, kind)


def spans(text: str, found: list[Match]) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.slug) for m in found]


def test_event_description_names_the_last_event_of_a_compatible_class(know: Knowledge) -> None:
    text = ("The Harbour Talks ended. The Ocean Summit opened on Monday. Delegates said the "
            "historic meeting would last two days; the conference closes on Tuesday.")
    names = [at(text, "Harbour Talks", "harbour-talks", "Meeting"),
             at(text, "Ocean Summit", "ocean-summit", "HighLevelConference")]
    assert spans(text, event_descriptions(text, names, know)) == [
        ("historic meeting", "ocean-summit"), ("conference", "ocean-summit")]
    # a conference is no Meeting: only the talks before it, so nothing
    assert event_descriptions(text, names[:1], know)[0].slug == "harbour-talks"
    assert len(event_descriptions(text, names[:1], know)) == 1


def test_event_description_of_another_event_or_a_name_is_left(know: Knowledge) -> None:
    text = ("The Ocean Summit opened. The next meeting is in May, the second conference "
            "later; the conference of Parties met; the meeting-room was full.")
    names = [at(text, "Ocean Summit", "ocean-summit", "HighLevelConference")]
    assert event_descriptions(text, names, know) == []
    assert event_descriptions("The meeting opened.", [], know) == []


def test_person_description_names_the_nearest_person(know: Knowledge) -> None:
    text = ("Ocean talks, says top UN official\n\nAna Silva met Ben Oduya. The official "
            "said so; officials agreed; official figures rose.")
    names = [at(text, "Ana Silva", "ana-silva", "Person"),
             at(text, "Ben Oduya", "ben-oduya", "Person")]
    # a headline description before any name: the first person named after it
    assert spans(text, person_descriptions(text, names)) == [
        ("top UN official", "ana-silva"), ("official", "ben-oduya")]
    assert person_descriptions(text, []) == []


def test_organization_description_by_class_or_label_word(know: Knowledge) -> None:
    text = ("Red Tide struck; the Ocean Security Council met. The armed group fled and "
            "the 12-member council condemned it; the other group and the body rested.")
    names = [at(text, "Red Tide", "red-tide", "Organization"),
             at(text, "Ocean Security Council", "sea-council", "Organization")]
    assert spans(text, entity_descriptions(text, names, know)) == [
        ("armed group", "red-tide"), ("12-member council", "sea-council")]


def test_a_bare_title_is_its_holder_only_where_the_document_names_the_holder(
        know: Knowledge) -> None:
    named = "Chair-General Ana Silva spoke. Later the Chair-General said no."
    names = [at(named, "Chair-General", "chair-general", "Post"),
             at(named, "Ana Silva", "ana-silva", "Person"),
             at(named, "Chair-General", "chair-general", "Post", 1)]
    assert [(m.slug, m.outer_type) for m in titles_to_holders(named, names, know)] == [
        ("chair-general", "Post"), ("ana-silva", "Person"), ("ana-silva", "Person")]
    unnamed = "The reform is when the Chair-General will decide."
    post = [at(unnamed, "Chair-General", "chair-general", "Post")]
    assert titles_to_holders(unnamed, post, know) == post
    # a holder the registry does not know: the bare title is left to the person
    unknown = "Chair-General Mara Ilic spoke. Later the Chair-General said no."
    posts = [at(unknown, "Chair-General", "chair-general", "Post"),
             at(unknown, "Chair-General", "chair-general", "Post", 1)]
    assert titles_to_holders(unknown, posts, know) == posts[:1]


def test_goal_phrase_takes_its_advocating_verb_and_means_noun() -> None:
    text = ("We must strengthen resilience, build the resilience of ports, promote resilience "
            "and fund resilience programmes.")
    names = [at(text, "resilience", "resilience", "PolicyGoal", i) for i in range(4)]
    names.append(at(text, "ports", "ports", "Place"))
    assert spans(text, goal_phrases(text, names)) == [
        ("strengthen resilience", "resilience"), ("build the resilience", "resilience"),
        ("resilience", "resilience"), ("resilience programmes", "resilience"),
        ("ports", "ports")]


def test_a_bare_goal_noun_after_a_verb_is_the_last_goal_it_heads(know: Knowledge) -> None:
    text = ("Maritime cooperation matters. We will strengthen cooperation, build the "
            "resilience of ports and improve cooperation again.")
    names = [at(text, "Maritime cooperation", "sea-cooperation", "PolicyGoal"),
             at(text, "resilience", "resilience", "PolicyGoal")]
    assert spans(text, goal_heads(text, names, know)) == [
        ("strengthen cooperation", "sea-cooperation"),
        ("improve cooperation", "sea-cooperation")]
    assert goal_heads(text, names[1:], know) == []  # no goal headed by it before


def test_merge_replaces_its_own_kind_keeps_nested_and_refuses_crossing() -> None:
    text = "the top UN official spoke"
    un = at(text, "UN", "un", "Organization")
    short = at(text, "UN official", "ana-silva", "Person")
    long = at(text, "top UN official", "ana-silva", "Person")
    assert merge([un, short], [long]) == [long, un]
    crossing = Match(text.index("official"), len(text), "x", "Person")
    assert merge([long, un], [crossing]) == [long, un]


def test_evidence_is_a_document_that_dates_the_event(tmp_path: Path, know: Knowledge) -> None:
    """Of the other documents, one that gives the event a Time is preferred as evidence."""
    text = "The Ocean Summit opens on 12 March."
    (tmp_path / "001_a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "001_a.ann").write_text(
        "T1\tHighLevelConference 4 16\tOcean Summit\nE1\tHighLevelConference:T1\n"
        "N1\tReference E1 CTKG:ocean-summit\tOcean Summit\n", encoding="utf-8")
    (tmp_path / "002_b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "002_b.ann").write_text(
        "T1\tHighLevelConference 4 16\tOcean Summit\nT2\tTimeExpression 26 34\t12 March\n"
        "E1\tHighLevelConference:T1 Time:T2\nN1\tReference E1 CTKG:ocean-summit\tOcean "
        "Summit\nN2\tReference T2 ISO8601:2031-03-12\t12 March\n", encoding="utf-8")
    docs = [read_document(tmp_path / f"{name}.txt") for name in ("001_a", "002_b")]
    assert not any(d.problems for d in docs)
    assert know.onto is not None
    registry = Registry(tmp_path / "registry.toml", {
        "ocean-summit": Entry("ocean-summit", "HighLevelConference", "Ocean Summit",
                              start="2031-03-12", end="2031-03-13")})
    got = Knowledge.of(registry, know.onto, docs)
    assert got.sources == {"ocean-summit": "002_b"}
    assert got.dates == {"ocean-summit": ("2031-03-12", "2031-03-13")}
    assert Knowledge.of(registry, know.onto, docs[:1]).sources == {"ocean-summit": "001_a"}
