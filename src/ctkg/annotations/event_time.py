"""Relative times of a month-dated document anchored to a dated event the document names.

A document dated only by its month (``2018-06``) resolves ``next week`` or ``Thursday`` to
months (``2018-06/2018-07``): the date says no more (§6: never invent a day). When the same
document names exactly one event whose registry dates are days inside that interval, the
guidelines infer the week from it (001's ``next week`` and ``next Thursday and Friday``:
the conference week, with ``evidence=`` the document that dates the event). The inference is
recorded as they ask: the document's month stays the ``anchor``, ``evidence=`` names another
document of the collection that gives the event a Time (else one that mentions it), and the
note says which event's dates gave the week. With no event, two candidate events, or a
coarser event date, the months stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from ctkg.annotations.matcher import Match
from ctkg.annotations.timex_rules import WEEKDAYS, Anchor, TimeSuggestion

_WEEK_RULES = {"next-week": 0, "this-week": 0}
_WEEKDAY_RULES = frozenset({"next-weekday", "next-named-weekday"})


def _day(value: str) -> dt.date | None:
    try:
        # a registry start may carry a time of day (2019-09-26T11:00): its day counts
        return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _months(value: str) -> tuple[str, str] | None:
    """``2018-06/2018-07`` -> its first and last month, for a month-granular value only."""
    first, _, last = value.partition("/")
    if len(first) != 7 or len(last or first) != 7:
        return None
    return first, last or first


def anchor_to_event(times: Sequence[TimeSuggestion], events: Sequence[Match],
                    dates: dict[str, tuple[str, str]], sources: dict[str, str],
                    anchor: Anchor) -> list[TimeSuggestion]:
    """``times`` with the week and weekday expressions of a month-dated document resolved
    to the week of the one day-dated event named in the document, where it fits."""
    if anchor.month is None or anchor.day is not None:
        return list(times)
    dated = {m.slug for m in events if m.slug in dates and m.slug in sources
             and _day(dates[m.slug][0]) is not None}
    out: list[TimeSuggestion] = []
    for t in times:
        span = _months(t.value) if t.rule in _WEEK_RULES or t.rule in _WEEKDAY_RULES else None
        fits = sorted(s for s in dated if span and span[0] <= dates[s][0][:7] <= span[1])
        out.append(_resolved(t, fits[0], dates, sources) if len(fits) == 1 else t)
    return out


def _resolved(t: TimeSuggestion, slug: str, dates: dict[str, tuple[str, str]],
              sources: dict[str, str]) -> TimeSuggestion:
    start = _day(dates[slug][0])
    assert start is not None
    monday = start - dt.timedelta(days=start.weekday())
    if t.rule in _WEEK_RULES:
        year, week, _ = monday.isocalendar()  # a week, never seven days (issue 16)
        value = f"{year:04d}-W{week:02d}"
    else:
        days = sorted(monday + dt.timedelta(days=WEEKDAYS.index(w)) for w in WEEKDAYS
                      if w.lower() in t.text.lower())
        if not days:
            return t
        value = days[0].isoformat() + (f"/{days[-1].isoformat()}" if len(days) > 1 else "")
    why = f"the week of {slug} ({'/'.join(dates[slug])}), the dated event the document names"
    return replace(t, value=value, evidence=sources[slug], explain=why)
