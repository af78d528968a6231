"""The registry's names in a text: boundaries, case, longest first, nesting, ambiguity."""

from __future__ import annotations

import pytest

pytest.importorskip("ahocorasick", reason="the suggest extra (pyahocorasick) is not installed")

from ctkg.annotations.matcher import build_gazetteer, find_names, trim

TYPES = {"un": "Organization", "unoct": "Organization", "terrorism": "Threat",
         "ve": "Threat", "pve": "PolicyGoal", "guterres": "Person", "usg": "Post",
         "mali": "Place", "hlc": "HighLevelConference", "voronkov": "Person"}
NAMES = [("United Nations", "un"), ("UN", "un"), ("Office of Counter-Terrorism", "unoct"),
         ("terrorism", "terrorism"), ("violent extremism", "ve"),
         ("preventing violent extremism", "pve"), ("António Guterres", "guterres"),
         ("the UN chief", "guterres"), ("Mr. Guterres", "guterres"),
         ("Under-Secretary-General of the Office of Counter-Terrorism", "usg"),
         ("Mali", "mali"), ("conference", "hlc"), ("the landmark forum", "hlc"),
         ("he", "voronkov"), ("This conference", "hlc")]


def found(text: str, names: list[tuple[str, str]] = NAMES) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.slug)
            for m in find_names(text, build_gazetteer(names, TYPES), TYPES)]


def test_word_boundaries_and_hyphens() -> None:
    assert found("counter-terrorism and terrorism-related, but terrorism.") == [
        ("terrorism", "terrorism")]
    assert found("UNOCT is not UN") == [("UN", "un")]


def test_case_rules() -> None:
    # an all-capital word only as written; a one-word proper name only capitalized;
    # otherwise a sentence may start with a capital
    assert found("un plan") == []
    assert found("mali") == []
    assert found("Violent extremism grows") == [("Violent extremism", "ve")]


def test_trimmed_like_spans_and_anaphors_dropped() -> None:
    assert trim("the UN chief") == "UN chief"
    assert trim("His Excellency Mr. Alexander Lukashenko") == "Alexander Lukashenko"
    assert trim("High-Level Conference (2018)") == "High-Level Conference"
    # "conference" (one lower-case word of an event), "he", "This conference": no names
    assert found("the UN chief said he would open this conference at the landmark forum") == [
        ("UN chief", "guterres"), ("UN", "un"), ("landmark forum", "hlc")]


def test_longest_first_nesting_as_the_guidelines_nest() -> None:
    text = "the Under-Secretary-General of the Office of Counter-Terrorism on preventing " \
           "violent extremism in the United Nations"
    assert found(text) == [
        ("Under-Secretary-General of the Office of Counter-Terrorism", "usg"),
        ("Office of Counter-Terrorism", "unoct"),
        ("preventing violent extremism", "pve"), ("violent extremism", "ve"),
        ("United Nations", "un")]
    # nothing inside a proper name: no "UN" inside "UN" names of organizations
    names = [*NAMES, ("UN Office of Counter-Terrorism", "unoct")]
    assert found("the UN Office of Counter-Terrorism", names) == [
        ("UN Office of Counter-Terrorism", "unoct")]


def test_a_name_of_two_things_is_no_name() -> None:
    gazetteer = build_gazetteer([("the Chair", "guterres"), ("the Chair", "voronkov")], TYPES)
    assert "chair" in gazetteer.ambiguous
    assert find_names("the Chair", gazetteer, TYPES) == []


def test_a_title_of_a_post_and_of_its_holder_names_the_post() -> None:
    """A bare title a document used for its holder is the post's name; which person holds it
    is for the titles rule of the document at hand (discourse.titles_to_holders)."""
    gazetteer = build_gazetteer([("Secretary-General", "guterres"),
                                 ("Secretary-General", "usg")], TYPES)
    assert [m.slug for m in find_names("the Secretary-General", gazetteer, TYPES)] == ["usg"]


def test_variants_are_names_unless_another_thing_uses_them() -> None:
    def expand(form: str) -> list[str]:
        return ["UN", "Acme", "Blip"] if form.startswith("Office") else ["Blip"]

    gazetteer = build_gazetteer([("Office of Counter-Terrorism", "unoct"), ("UN", "un")],
                                TYPES, expand=expand)
    assert gazetteer.names["un"] == ("UN", "un")  # a real name wins over a variant
    assert gazetteer.names["acme"] == ("Acme", "unoct")
    assert "blip" not in gazetteer.names  # a variant of two things is no name
    assert gazetteer.ambiguous["blip"] == {"un", "unoct"}
    assert "acme" not in build_gazetteer([("Office of Counter-Terrorism", "unoct")],
                                         TYPES).names
