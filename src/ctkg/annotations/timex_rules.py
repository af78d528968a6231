"""Time expressions found by rules and normalized against the document's date.

The values follow docs/annotation-guidelines.md §6: the granularity the text gives and never
a finer one (a relative expression resolved against a month-granular document date gets a
month, not an invented day), a season as ``YYYY-21..24``, an interval as ``a/b``. A value
that needed the document date carries ``anchor=`` and ``rule=`` (the rule names of the
guidelines' table where one fits), so that a person sees at once how it was reached.

Rules rather than a date-parsing library: the absolute forms of news and speech texts are few
(``8 February 2018``, ``28-29 June``, ``June 2018``, ``2018``), and the relative ones need the
document date and the guidelines' granularity, which a general parser does not give.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEASONS = {"spring": (21, 3), "summer": (22, 6), "autumn": (23, 9), "fall": (23, 9),
           "winter": (24, 12)}  # name -> (ISO 8601-2 code, first month)
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_M = "|".join(MONTHS)
_W = "|".join(WEEKDAYS)
_S = "spring|summer|autumn|fall|winter"
_Q = r"(?:(?P<q>early|mid|late)[- ])?"
_FUTURE = re.compile(r"\b(will|shall|'ll|scheduled|to be held|to take place|"
                     r"upcoming|planned|next)\b", re.I)


@dataclass(frozen=True)
class Anchor:
    """The document date: a year, maybe a month, maybe a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str) -> Anchor:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 2 and parts[1] > 12:  # a season date: only its year is sure
            parts = parts[:1]
        return cls(*parts)

    @property
    def text(self) -> str:
        return "-".join([f"{self.year:04d}", *(f"{p:02d}" for p in (self.month, self.day)
                                                if p is not None)])

    @property
    def date(self) -> dt.date:
        assert self.month is not None and self.day is not None
        return dt.date(self.year, self.month, self.day)


@dataclass(frozen=True)
class TimeSuggestion:
    """A time expression: its span, ISO value and, if inferred, how."""

    start: int
    end: int
    text: str
    value: str
    rule: str | None = None
    qualifier: str | None = None
    evidence: str | None = None  # a document of the collection the inference also used
    explain: str | None = None  # how, for the person (free text after the mark)

    def note(self, anchor: Anchor) -> str:
        """The AnnotatorNotes pairs the guidelines ask for (empty for an absolute time)."""
        pairs = [f"anchor={anchor.text}", f"rule={self.rule}"] if self.rule else []
        pairs += [f"qualifier={self.qualifier}"] if self.qualifier else []
        return " ".join(pairs + ([f"evidence={self.evidence}"] if self.evidence else []))


Found = tuple[str, str | None, str | None]  # value, rule, qualifier
Handler = Callable[[re.Match[str], Anchor, str], Found | None]


def _ym(year: int, month: int) -> str:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


def _day(d: dt.date) -> str:
    return d.isoformat()


def _week(d: dt.date, shift: int) -> str:
    """The ISO week ``shift`` weeks from ``d``'s: a week, never seven days (issue 16)."""
    year, week, _ = (d + dt.timedelta(weeks=shift)).isocalendar()
    return f"{year:04d}-W{week:02d}"


def _future(text: str, m: re.Match[str]) -> bool:
    """Whether the sentence around a bare name speaks of the future (a cheap tense cue)."""
    left = text.rfind(".", 0, m.start()) + 1
    right = text.find(".", m.end())
    return bool(_FUTURE.search(text[left:right if right >= 0 else len(text)]))


def _absolute_day(m: re.Match[str], a: Anchor, _t: str) -> Found | None:
    month = MONTHS.index(m["month"]) + 1
    year, rule = (int(m["year"]), None) if m["year"] else (a.year, "year-from-document-date")
    try:
        first = dt.date(year, month, int(m["d1"]))
        last = dt.date(year, month, int(m["d2"])) if m["d2"] else None
    except ValueError:
        return None
    if last is not None and last <= first:
        return None
    return (_day(first) + (f"/{_day(last)}" if last else ""), rule, None)


def _month_year(m: re.Match[str], _a: Anchor, _t: str) -> Found | None:
    return (_ym(int(m["year"]), MONTHS.index(m["month"]) + 1), None, m["q"])


def _year(m: re.Match[str], _a: Anchor, _t: str) -> Found | None:
    return (m["year"], None, m["q"].lower() if m["q"] else None)


def _season_year(m: re.Match[str], _a: Anchor, _t: str) -> Found | None:
    return (f"{m['year']}-{SEASONS[m['season'].lower()][0]}", None, m["season"].lower())


def _named_month(m: re.Match[str], a: Anchor, text: str) -> Found | None:
    month = MONTHS.index(m["month"]) + 1
    rel = (m["rel"] or "").lower()
    if a.month is None:
        return (_ym(a.year, month), "named-month-of-document-year", m["q"])
    if rel == "next" or (not rel and (month > a.month or (month < a.month and
                                                           _future(text, m)))):
        year = a.year if month > a.month else a.year + 1
        return (_ym(year, month), "next-named-month", m["q"])
    if rel == "last" or (not rel and month < a.month):
        year = a.year if month < a.month else a.year - 1
        return (_ym(year, month), "last-named-month", m["q"])
    return (_ym(a.year, month), "this-named-month", m["q"])


def _today(m: re.Match[str], a: Anchor, _t: str) -> Found | None:
    word = m["word"].lower()
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}.get(word, 0)
    qualifier = m["part"].lower() if m["part"] else ("night" if word == "tonight" else None)
    if a.day is None:
        return (a.text, "today", qualifier) if shift == 0 else None
    rule = "today" if shift == 0 else word
    return (_day(a.date + dt.timedelta(days=shift)), rule, qualifier)


def _unit_relative(m: re.Match[str], a: Anchor, _t: str) -> Found | None:
    """next/last/this/past week|month|year, earlier/later this …, with early/mid/late."""
    rel, unit = m["rel"].lower().replace("the ", ""), m["unit"].lower()
    shift = {"next": 1, "coming": 1, "last": -1, "past": -1}.get(rel, 0)
    rule = f"{rel.replace(' ', '-')}-{unit}"
    if unit == "year":
        value = f"{a.year + shift:04d}"
        if rel == "past":
            value = f"{a.year - 1:04d}" + (f"-{a.month:02d}" if a.month else "")
            value += "/" + a.text[:len(value)]
    elif a.month is None:
        return None
    elif unit == "month":
        value = _ym(a.year, a.month + shift)
        if rel == "past":
            value = f"{value}/{_ym(a.year, a.month)}"
    elif shift == 0 and a.day is None:
        value = _ym(a.year, a.month)
    elif a.day is not None:
        value = _week(a.date, shift) if rel != "past" else \
            f"{_day(a.date - dt.timedelta(days=7))}/{_day(a.date)}"
    else:  # a week from a month-granular date: the months it may fall in, no invented day
        value = f"{_ym(a.year, a.month + min(shift, 0))}/{_ym(a.year, a.month + max(shift, 0))}"
    return (value, rule, m["q"])


def _ago(m: re.Match[str], a: Anchor, _t: str) -> Found | None:
    n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"].lower()]
    unit = m["unit"].lower()
    rule = f"{unit}-ago" if n == 1 else f"{unit}s-ago"
    if unit == "year":
        return (f"{a.year - n:04d}", rule, None)
    if unit == "month" and a.month is not None:
        return (_ym(a.year, a.month - n), rule, None)
    if a.day is None:
        return None
    if unit == "week":
        return (_week(a.date, -n), rule, None)
    return (_day(a.date - dt.timedelta(days=n)), rule, None)


def _season_relative(m: re.Match[str], a: Anchor, text: str) -> Found | None:
    name = m["season"].lower()
    code, first = SEASONS[name]
    rel = (m["rel"] or "").lower()
    month = a.month or 1
    if rel == "next" or (not rel and _future(text, m)):
        year, rule = (a.year if month < first else a.year + 1), "next-season"
    elif rel == "last":
        year, rule = (a.year if month > first + 2 else a.year - 1), "last-season"
    else:
        year, rule = a.year, "season-of-document-year"
    return (f"{year:04d}-{code}", rule, name)


def _weekday(m: re.Match[str], a: Anchor, text: str) -> Found | None:
    days = [WEEKDAYS.index(d) for d in (m["w1"], m["w2"]) if d]
    rel = (m["rel"] or "").lower()
    future = rel == "next" or (rel != "last" and _future(text, m))
    rule = "next-weekday" if rel == "next" else \
        f"{'next' if future else 'last'}-named-weekday"
    if a.day is not None and not rel and days == [a.date.weekday()]:
        # news style (UN News among others): a story dated Tuesday says "on Tuesday" for
        # that very day, not the Tuesday a week before or after
        return (_day(a.date), "weekday-of-document-date", None)
    if a.day is None:
        if a.month is None:
            return None
        span = (a.month, a.month + 1) if future else (a.month - 1, a.month)
        return (f"{_ym(a.year, span[0])}/{_ym(a.year, span[1])}", rule, None)
    d = a.date
    if rel == "next":  # "next Thursday": the Thursday of the following week
        base = d - dt.timedelta(days=d.weekday()) + dt.timedelta(weeks=1)
        dates = [base + dt.timedelta(days=w) for w in days]
    elif future:
        dates = [d + dt.timedelta(days=(w - d.weekday()) % 7 or 7) for w in days]
    else:
        dates = [d - dt.timedelta(days=(d.weekday() - w) % 7 or 7) for w in days]
    dates.sort()
    return (_day(dates[0]) + (f"/{_day(dates[-1])}" if len(dates) > 1 else ""), rule, None)


_RULES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(rf"\b(?P<d1>\d{{1,2}})(?:\s?[-–]\s?(?P<d2>\d{{1,2}}))? (?P<month>{_M})"
                r"(?:,? (?P<year>\d{4}))?\b"), _absolute_day),
    (re.compile(rf"\b(?P<month>{_M}) (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
                r"(?:\s?[-–]\s?(?P<d2>\d{1,2}))?(?:, (?P<year>\d{4}))?\b"), _absolute_day),
    (re.compile(rf"\b{_Q}(?P<month>{_M}) (?:of )?(?P<year>\d{{4}})\b"), _month_year),
    (re.compile(r"\b(?P<q>[Ee]arly|[Mm]id|[Ll]ate)[- ](?P<year>(?:19|20)\d\d)\b"), _year),
    (re.compile(r"(?<![\d/.,-])(?P<year>(?:19|20)\d\d)(?![\d/-]|[.,]\d)(?P<q>)"), _year),
    (re.compile(rf"\b(?:(?:early|mid|late)[- ])?(?P<season>{_S}) (?:of )?(?P<year>\d{{4}})\b",
                re.I), _season_year),
    (re.compile(rf"\b{_Q}(?:(?P<rel>next|last|this) )?(?P<month>{_M})\b(?! \d)"), _named_month),
    (re.compile(r"\b(?:(?P<word>today|tonight|yesterday|tomorrow)(?P<part>)|"
                r"(?P<this>this) (?P<part2>morning|afternoon|evening))\b", re.I), _today),
    (re.compile(rf"\b{_Q}(?P<rel>next|last|this|the past|the coming|earlier this|later this)"
                r" (?P<unit>week|month|year)\b", re.I), _unit_relative),
    (re.compile(r"\b(?:(?:just|only|some|about|nearly|almost) )?(?P<n>an?|one|two|three|four|"
                r"five|six|seven|eight|nine|ten|\d{1,2}) (?P<unit>day|week|month|year)s? ago\b",
                re.I), _ago),
    (re.compile(rf"\b(?:(?P<rel>next|last|this) )?(?P<season>{_S})\b", re.I), _season_relative),
    (re.compile(rf"\b(?:(?P<rel>(?i:next|last|this)) )?(?P<w1>{_W})(?: and (?P<w2>{_W}))?\b"),
     _weekday),
]


def find_times(text: str, anchor: Anchor) -> list[TimeSuggestion]:
    """Every time expression of ``text`` the rules know, longest first, none overlapping,
    in text order; an expression the rules cannot resolve is left out."""
    found: list[TimeSuggestion] = []
    for pattern, handler in _RULES:
        for m in pattern.finditer(text):
            hit = _handle(handler, m, anchor, text)
            if hit is not None:
                found.append(TimeSuggestion(m.start(), m.end(), m.group(0), *hit))
    found.sort(key=lambda s: (s.start - s.end, s.start))
    taken: list[TimeSuggestion] = []
    for s in found:
        if "\n" not in s.text and all(s.end <= t.start or s.start >= t.end for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: s.start)


def _handle(handler: Handler, m: re.Match[str], anchor: Anchor, text: str) -> Found | None:
    if handler is _today and m["this"]:
        part = m["part2"].lower()
        if anchor.day is None:
            return (anchor.text, "today", part)
        return (_day(anchor.date), "today", part)
    if handler is _named_month and m["month"] in ("May", "March") and not m["rel"] \
            and not re.search(r"\b(in|by|since|until|from|during|of|early|mid|late)\s$",
                              text[max(0, m.start() - 8):m.start()]):
        return None  # the modal verb and the verb, not the months
    if handler is _season_relative and m["season"].lower() == "fall" and not m["rel"]:
        return None  # the verb
    return handler(m, anchor, text)
