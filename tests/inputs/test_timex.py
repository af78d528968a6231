"""A time of day (issue 16): ``2019-09-26T11:00`` is the day with its local clock time
beside it, never a finer granularity of the day's literal and never with an invented
timezone; an interval takes none, and an impossible time is refused."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.inputs.timex import XSD_DATE, parse_iso
from ctkg.kg.dates import date_time_literal, time_literals


def test_a_time_of_day_keeps_the_day_and_adds_a_datetime_without_timezone() -> None:
    value = parse_iso("2019-09-26T11:00")
    assert (value.start.lexical, value.start.datatype, value.granularity) == (
        "2019-09-26", XSD_DATE, "day")
    assert value.start.time_of_day == "11:00"
    assert time_literals(value)[0] == ox.Literal("2019-09-26", datatype=ox.NamedNode(XSD_DATE))
    literal = date_time_literal(value.start)
    assert literal.value == "2019-09-26T11:00:00"  # no "Z", no offset: the text gives none
    assert literal.datatype.value.endswith("#dateTime")


@pytest.mark.parametrize(("value", "phrase"), [
    ("2019-09-26T24:00", "not a time of day"),
    ("2019-09-26T11:60", "not a time of day"),
    ("2019-02-30T11:00", "not a calendar date"),
    ("2019-09-26T11:00/2019-09-26T12:00", "a time of day only on a single point"),
    ("2019-09-26T11:00Z", "is not YYYY"),
])
def test_bad_times_of_day_are_refused(value: str, phrase: str) -> None:
    with pytest.raises(ValueError, match=phrase):
        parse_iso(value)


def test_a_week_is_its_monday_to_sunday_at_week_granularity() -> None:
    """Issue 16: "next week" is a week, not seven days of day precision."""
    value = parse_iso("2018-W26")
    assert (value.start.lexical, value.end and value.end.lexical) == ("2018-06-25", "2018-07-01")
    assert value.granularity == "week" != "day"
    assert parse_iso("2020-W53").start.lexical == "2020-12-28"  # a year with 53 weeks


@pytest.mark.parametrize("value", ["2019-W53", "2018-W00", "2018-W26/2018-W27"])
def test_bad_weeks_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_iso(value)
