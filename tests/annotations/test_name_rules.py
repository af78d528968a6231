"""Name forms on made-up names: variants and acronyms, another edition of an event, a
name inside a longer unknown name, title-case headlines."""

from __future__ import annotations

from ctkg.annotations.matcher import Match
from ctkg.annotations.name_rules import (
    acronym,
    inside_unknown_name,
    keep_names,
    other_edition,
    title_case_line,
    variants,
)


def test_variants_of_a_proper_name() -> None:
    found = variants("United Nations Office of Ocean-Safety")
    for form in ("UN Office of Ocean-Safety", "United Nations Ocean-Safety Office",
                 "UN Ocean-Safety Office", "United Nations Office of Ocean Safety", "UNOOS"):
        assert form in found
    assert "United Nations Office of Ocean-Safety" not in found
    assert "Office of Ocean Safety" in variants("Ocean Safety Office")
    assert variants("the evolving threat of piracy") == []  # descriptive: none
    assert variants("First-ever global summit of harbour chiefs") == [
        "global summit of harbour chiefs"]


def test_acronym_needs_three_capitalized_parts() -> None:
    assert acronym("Islamic Front of the Red Sea") == "IFRS"
    assert acronym("Harbour-Safety Council") == "HSC"
    assert acronym("Ocean Council") is None
    assert acronym("Council of small islands") is None


def test_another_edition_of_an_event() -> None:
    text = "the Second Ocean Summit; the 2031 Ocean Summit; the 2030 Ocean Summit; the Ocean Summit"
    starts = [i for i in range(len(text)) if text.startswith("Ocean Summit", i)]
    events = [Match(s, s + 12, "ocean-summit", "HighLevelConference") for s in starts]
    assert [other_edition(text, m, "2030-05-02") for m in events] == [True, True, False, False]
    assert other_edition(text, events[1], None) is False  # no registry date: no comparison


def test_name_inside_a_longer_unknown_name() -> None:
    text = "They met at the Grand Ocean Summit. In Lisbon the UN Ocean Council met; Ana Silva."
    summit = Match(text.index("Ocean Summit"), text.index("Ocean Summit") + 12, "s", "Event")
    lisbon = Match(text.index("Lisbon"), text.index("Lisbon") + 6, "lisbon", "Place")
    un = Match(text.index("UN"), text.index("UN") + 2, "un", "Organization")
    council = Match(text.index("Ocean Council"), text.index("Ocean Council") + 13, "c",
                    "Organization")
    names = [summit, lisbon, un, council]
    assert inside_unknown_name(text, summit, names)
    assert not inside_unknown_name(text, lisbon, names)  # sentence-initial "In"
    assert not inside_unknown_name(text, council, names)  # "UN" is itself a known name
    assert keep_names(text, names, lambda s: s == "s", lambda s: None) == [lisbon, un, council]


def test_title_case_headline() -> None:
    text = "Global Ocean Summit Could Improve Harbour Safety\n\nThe summit of harbour chiefs met."
    assert title_case_line(text, 3)
    assert not title_case_line(text, text.index("summit of"))
    headline = Match(0, 19, "s", "Event")
    assert not inside_unknown_name(text, headline, [headline])
