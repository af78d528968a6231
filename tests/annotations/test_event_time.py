"""Relative times of a month-dated made-up document anchored to the one dated event it
names; otherwise the months stay (no invented day)."""

from __future__ import annotations

from ctkg.annotations.event_time import anchor_to_event
from ctkg.annotations.matcher import Match
from ctkg.annotations.timex_rules import Anchor, find_times

TEXT = ("Harbour chiefs will meet next week at the Ocean Summit. The summit takes place "
        "next Tuesday and Wednesday. It was announced in February.")
SUMMIT = Match(TEXT.index("Ocean Summit"), TEXT.index("Ocean Summit") + 12, "ocean-summit",
               "HighLevelConference")
DATES = {"ocean-summit": ("2031-03-12", "2031-03-13"), "reef-talks": ("2031-03-20", "2031-03-20"),
         "coarse": ("2031-03", "2031-03")}
SOURCES = {"ocean-summit": "007_aaaa", "reef-talks": "008_bbbb", "coarse": "009_cccc"}
MONTH = Anchor.parse("2031-03")


def values(anchor: Anchor, events: list[Match]) -> dict[str, tuple[str, str | None]]:
    found = anchor_to_event(find_times(TEXT, anchor), events, DATES, SOURCES, anchor)
    return {t.text: (t.value, t.evidence) for t in found}


def test_week_and_weekdays_from_the_one_dated_event() -> None:
    got = values(MONTH, [SUMMIT])
    assert got["next week"] == ("2031-W11", "007_aaaa")  # a week, not 7 days
    assert got["next Tuesday and Wednesday"] == ("2031-03-11/2031-03-12", "007_aaaa")
    assert got["February"][1] is None  # not a week expression: untouched
    found = anchor_to_event(find_times(TEXT, MONTH), [SUMMIT], DATES, SOURCES, MONTH)
    week = next(t for t in found if t.text == "next week")
    assert week.note(MONTH) == "anchor=2031-03 rule=next-week evidence=007_aaaa"
    assert week.explain is not None and "ocean-summit" in week.explain


def test_months_stay_without_exactly_one_day_dated_event() -> None:
    alone = values(MONTH, [])
    assert alone["next week"] == ("2031-03/2031-04", None)
    reef = Match(0, 7, "reef-talks", "Meeting")
    assert values(MONTH, [SUMMIT, reef])["next week"] == ("2031-03/2031-04", None)
    assert values(MONTH, [Match(0, 7, "coarse", "Meeting")])["next week"][1] is None
    day = Anchor.parse("2031-03-05")  # a day-dated document needs no event
    assert values(day, [SUMMIT])["next week"] == ("2031-W11", None)
