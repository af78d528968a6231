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
