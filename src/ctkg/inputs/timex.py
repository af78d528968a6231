"""ISO 8601 time values at the granularity the text gives, never finer.

A normalized time is a year (``2020``), a month (``2019-09``), a day (``2018-06-28``), an
ISO 8601-2 season (``2020-22`` = summer 2020), an ISO week (``2018-W26``, on its own), or
an interval ``a/b`` of the others. Each maps to
XSD literals (``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date``) so that no day is invented.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from ctkg.rdf.namespaces import XSD_NS

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# an ISO week (issue 16: "next week" is a week, not seven days): 2018-W26
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# a day with a time of day (issue 16: "11:00am, 26 September 2019"), no timezone, no seconds
_DAY_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$")

SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}

XSD_GYEAR = f"{XSD_NS}gYear"
XSD_GYEARMONTH = f"{XSD_NS}gYearMonth"
XSD_DATE = f"{XSD_NS}date"


@dataclass(frozen=True)
class Point:
    """One end of a time value: its lexical form, XSD datatype and granularity."""

    lexical: str
    datatype: str
    granularity: str  # day | week | month | season | year
    qualifier: str | None = None  # the season's name for a season
    time_of_day: str | None = None  # "11:00" when the text gives a clock time on the day


@dataclass(frozen=True)
class TimeValue:
    """A normalized time: start, optional end, and the coarsest granularity of the two."""

    start: Point
    end: Point | None

    @property
    def granularity(self) -> str:
        order = ["day", "week", "month", "season", "year"]
        grans = [self.start.granularity] + ([self.end.granularity] if self.end else [])
        return max(grans, key=order.index)


def parse_point(value: str) -> Point:
    """Parse one ISO 8601 point at year, month, season or day granularity; a day may carry
    a local time of day (``2019-09-26T11:00``): the point stays the day, with the clock time
    beside it (the text gives no timezone, so none is invented)."""
    if m := _DAY_TIME.match(value):
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"{value!r}: not a time of day")
        return Point(parse_point(m.group(1)).lexical, XSD_DATE, "day",
                     time_of_day=f"{hour:02d}:{minute:02d}")
    if m := _YEAR.match(value):
        return Point(value, XSD_GYEAR, "year")
    if m := _MONTH.match(value):
        year, num = int(m.group(1)), int(m.group(2))
        if 1 <= num <= 12:
            return Point(value, XSD_GYEARMONTH, "month")
        if num in SEASONS:
            # the literal stays a year: a season has no XSD type of its own
            return Point(f"{year:04d}", XSD_GYEAR, "season", SEASONS[num])
        raise ValueError(f"{value!r}: month {num:02d} is neither 01-12 nor a season 21-24")
    if m := _DAY.match(value):
        try:
            _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise ValueError(f"{value!r}: not a calendar date ({exc})") from None
        return Point(value, XSD_DATE, "day")
    raise ValueError(f"{value!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm, a week "
                     "YYYY-Www (alone, not in an interval) or a season YYYY-21..24")


def parse_iso(value: str) -> TimeValue:
    """Parse ``point`` or ``point/point``; an interval's end may not precede its start."""
    if not isinstance(value, str) or not value:
        raise ValueError("empty time value")
    if m := _WEEK.match(value):
        return parse_week(int(m.group(1)), int(m.group(2)))
    if "/" in value:
        a, _, b = value.partition("/")
        start, end = parse_point(a), parse_point(b)
        if start.time_of_day or end.time_of_day:
            raise ValueError(f"{value!r}: a time of day only on a single point")
        if sort_key(end.lexical) < sort_key(start.lexical):
            raise ValueError(f"{value!r}: the interval ends before it starts")
        return TimeValue(start, end)
    return TimeValue(parse_point(value), None)


def parse_week(year: int, week: int) -> TimeValue:
    """An ISO 8601 week as the interval of its first and last day (Monday to Sunday), at
    week granularity: the bounds are where the week lies, not a day the text gives."""
    try:
        monday = _dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"'{year:04d}-W{week:02d}': not an ISO week ({exc})") from None
    sunday = monday + _dt.timedelta(days=6)
    return TimeValue(Point(monday.isoformat(), XSD_DATE, "week"),
                     Point(sunday.isoformat(), XSD_DATE, "week"))


def sort_key(lexical: str) -> str:
    """A key that orders mixed granularities chronologically by their first day."""
    return lexical
