"""Time expressions: spans and values against the document date, at the text's granularity."""

from __future__ import annotations

import pytest

from ctkg.annotations.timex_rules import Anchor, find_times
from ctkg.inputs.timex import parse_iso


def only(text: str, anchor: str) -> tuple[str, str, str]:
    found = find_times(text, Anchor.parse(anchor))
    assert len(found) == 1, found
    s = found[0]
    assert text[s.start:s.end] == s.text
    parse_iso(s.value)  # every value is one the checker accepts
    return s.text, s.value, s.note(Anchor.parse(anchor))


@pytest.mark.parametrize(("text", "anchor", "want"), [
    # the guidelines' table (§6)
    ("the briefing today.", "2018-02-08", ("today", "2018-02-08",
                                          "anchor=2018-02-08 rule=today")),
    ("to be held in June.", "2018-02-08", ("June", "2018-06",
                                          "anchor=2018-02-08 rule=next-named-month")),
    ("held earlier this month in Minsk", "2019-09-26",
     ("earlier this month", "2019-09", "anchor=2019-09-26 rule=earlier-this-month")),
    ("in Vienna early next year.", "2019-09-26",
     ("early next year", "2020", "anchor=2019-09-26 rule=next-year qualifier=early")),
    ("will convene next summer", "2019-09-26",
     ("next summer", "2020-22", "anchor=2019-09-26 rule=next-season qualifier=summer")),
    ("we met this morning", "2019-09-26",
     ("this morning", "2019-09-26", "anchor=2019-09-26 rule=today qualifier=morning")),
    ("which came into being just a year ago", "2018-06",
     ("just a year ago", "2017", "anchor=2018-06 rule=year-ago")),
    ("driven out in the past year", "2018-06",
     ("the past year", "2017-06/2018-06", "anchor=2018-06 rule=past-year")),
    # absolute ones need no note
    ("8 February 2018 – Despite", "2018-02-08", ("8 February 2018", "2018-02-08", "")),
    ("in early 2020, the", "2019-09-26", ("early 2020", "2020", "qualifier=early")),
    ("on June 28, 2018 at", "2019", ("June 28, 2018", "2018-06-28", "")),
    ("until March 2021.", "2019", ("March 2021", "2021-03", "")),
    ("the 2018 conference", "2019-09-26", ("2018", "2018", "")),
    ("in summer 2020", "2019", ("summer 2020", "2020-22", "qualifier=summer")),
    # a year taken from the document date is an inference
    ("on 28-29 June at", "2018-06", ("28-29 June", "2018-06-28/2018-06-29",
                                     "anchor=2018-06 rule=year-from-document-date")),
    # weekdays from a day: "next Thursday" is in the following week
    ("takes place next Thursday and Friday", "2018-06-20",
     ("next Thursday and Friday", "2018-06-28/2018-06-29", "anchor=2018-06-20 rule=next-weekday")),
    ("will take place on Thursday", "2018-06-20",
     ("Thursday", "2018-06-21", "anchor=2018-06-20 rule=next-named-weekday")),
    ("said on Tuesday", "2018-06-20",
     ("Tuesday", "2018-06-19", "anchor=2018-06-20 rule=last-named-weekday")),
    # regression: the document's own weekday is the document's day (was a week before)
    ("warned on Tuesday", "2019-05-14",
     ("Tuesday", "2019-05-14", "anchor=2019-05-14 rule=weekday-of-document-date")),
    ("will meet on Tuesday", "2019-05-14",
     ("Tuesday", "2019-05-14", "anchor=2019-05-14 rule=weekday-of-document-date")),
    ("Next week, States", "2018-06-20",
     ("Next week", "2018-W26", "anchor=2018-06-20 rule=next-week")),
    ("two weeks ago", "2018-06-20", ("two weeks ago", "2018-W23",
                                     "anchor=2018-06-20 rule=weeks-ago")),
    ("yesterday", "2018-03-01", ("yesterday", "2018-02-28", "anchor=2018-03-01 rule=yesterday")),
    ("over the summer", "2019-02-01",
     ("summer", "2019-22", "anchor=2019-02-01 rule=season-of-document-year qualifier=summer")),
    ("in October", "2019-09-26", ("October", "2019-10",
                                 "anchor=2019-09-26 rule=next-named-month")),
    ("in March, the", "2019-09-26", ("March", "2019-03",
                                    "anchor=2019-09-26 rule=last-named-month")),
])
def test_values_and_notes(text: str, anchor: str, want: tuple[str, str, str]) -> None:
    assert only(text, anchor) == want


@pytest.mark.parametrize(("text", "anchor", "value"), [
    # a week or a weekday from a month-granular date: the months it falls in, no invented day
    ("next week", "2018-06", "2018-06/2018-07"),
    ("scheduled on Thursday", "2018-06", "2018-06/2018-07"),
    # "today" from a month: the month
    ("today", "2018-06", "2018-06"),
])
def test_no_day_is_invented(text: str, anchor: str, value: str) -> None:
    assert only(text, anchor)[1] == value


@pytest.mark.parametrize("text", [
    "States may act", "we march on", "prices fall", "resolution 2178.5", "page 20181",
    "the 1267 list",
])
def test_not_times(text: str) -> None:
    assert find_times(text, Anchor.parse("2019-09-26")) == []


def test_longest_first_and_no_overlap() -> None:
    found = find_times("on 26 September 2019, and early next year", Anchor.parse("2019-09-26"))
    assert [s.text for s in found] == ["26 September 2019", "early next year"]


def test_an_expression_the_date_cannot_resolve_is_left_out() -> None:
    assert find_times("three days ago", Anchor.parse("2018-06")) == []
