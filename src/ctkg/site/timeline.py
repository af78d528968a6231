"""The timeline of events: when each source said an event was, and whether it had happened.

One row per event. The grey bar is the reference date (the registry), as long as its
granularity (a month-long event date is a month wide). Below it, one mark per source: a bar
for the time it gave (its own granularity), and a diamond at the source's date, filled green
if the source reports the event as occurred, hollow orange if as planned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Graph
from ctkg.site.html import e, show_time
from ctkg.site.paths import page_path, relative
from ctkg.site.svg import _svg, cut

_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def span(value: str) -> tuple[float, float] | None:
    """A time value as a fractional-year interval as long as its precision."""
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return year, year + 1.0
        month = int(parts[1])
        if len(parts) == 2:
            return year + (month - 1) / 12, year + month / 12
        day = int(parts[2])
        start = year + (month - 1) / 12 + (day - 1) / (12 * _DAYS[month - 1])
        return start, start + 1 / (12 * _DAYS[month - 1])
    except (ValueError, IndexError):
        return None


@dataclass
class Claim:
    """What one source said about one event: time, status, as of when."""

    doc: str
    as_of: ox.Literal | None = None
    start: ox.Literal | None = None
    end: ox.Literal | None = None
    status: str = ""


@dataclass
class Row:
    event: str
    start: ox.Literal | None = None
    end: ox.Literal | None = None
    claims: list[Claim] = field(default_factory=list)

    def key(self) -> str:
        dates = [c.start.value for c in self.claims if c.start is not None]
        return self.start.value if self.start is not None else min(dates, default="9999")


def rows(g: Graph) -> list[Row]:
    """Every event with its reference dates and each source's claims, by date."""
    out: dict[str, Row] = {}
    for t in g.of_kind("event"):
        row = out.setdefault(t.iri, Row(t.iri))
        for p, o in t.curated:
            if p == CTKG_NS + "startTime" and isinstance(o, ox.Literal):
                row.start = o
            elif p == CTKG_NS + "endTime" and isinstance(o, ox.Literal):
                row.end = o
    claims: dict[tuple[str, str], Claim] = {}
    for f in g.facts:
        if f.subject not in out:
            continue
        c = claims.setdefault((f.subject, f.doc), Claim(f.doc))
        c.as_of = c.as_of or f.as_of
        local = f.predicate.removeprefix(CTKG_NS)
        if local == "startTime" and isinstance(f.obj, ox.Literal):
            c.start = f.obj
        elif local == "endTime" and isinstance(f.obj, ox.Literal):
            c.end = f.obj
        elif local == "status":
            c.status = f.obj.value.removeprefix(CTKG_NS)
    for (event, _), c in sorted(claims.items()):
        if c.start is not None or c.status:
            out[event].claims.append(c)
    for r in out.values():
        r.claims.sort(key=lambda c: (c.as_of.value if c.as_of else "", c.doc))
    return sorted(out.values(), key=lambda r: (r.key(), g.label(r.event), r.event))


def _range(rs: list[Row]) -> tuple[int, int]:
    years = [int(v.value[:4]) for r in rs for v in
             [r.start, r.end] + [x for c in r.claims for x in (c.start, c.end, c.as_of)]
             if v is not None and v.value[:4].isdigit()]
    return (min(years), max(years) + 1) if years else (2000, 2001)


def timeline(g: Graph, path: str, rs: list[Row], title: str) -> str:
    """An SVG timeline of ``rs``; links go to the event and the source documents."""
    y0, x0, width = 40, 300, 1100
    first, last = _range(rs)
    scale = (width - x0 - 30) / max(1, last - first)

    def x(t: float) -> float:
        return x0 + (t - first) * scale
    parts = []
    for year in range(first, last + 1):
        parts.append(f'<line x1="{x(year):.1f}" y1="{y0 - 12}" x2="{x(year):.1f}" y2="100%" '
                     'stroke="#d6dae2"/>')
        if year < last:
            parts.append(f'<text x="{x(year + 0.5):.1f}" y="{y0 - 18}" text-anchor="middle" '
                         f'font-weight="bold">{year}</text>')
    y, bands, body = y0, [], []
    for i, r in enumerate(rs):
        height = 18 + 9 * len(r.claims)
        if i % 2:
            bands.append(f'<rect x="0" y="{y - 3}" width="{width}" height="{height}" '
                         'fill="#f1f3f8"/>')
        body.append(_row(g, path, r, x, y))
        y += height
    return _svg(width, y + 10, title, "".join(bands + parts + body))


Scale = Callable[[float], float]


def _bar(x: Scale, lo: ox.Literal, hi: ox.Literal | None) -> tuple[float, float] | None:
    a, b = span(lo.value), span((hi or lo).value)
    if a is None or b is None:
        return None
    left, right = x(a[0]), x(b[1])
    return left, max(3.0, right - left)


def _row(g: Graph, path: str, r: Row, x: Callable[[float], float], y: int) -> str:
    label = g.label(r.event)
    target = page_path(r.event) or ""
    when = show_time(r.start.value, r.start.datatype.value) if r.start is not None else "no date"
    out = [f'<a href="{e(relative(path, target))}"><text x="290" y="{y + 10}" '
           f'text-anchor="end"><title>{e(label)}: {e(when)}</title>{e(cut(label, 280))}'
           "</text></a>"]
    if r.start is not None and (bar := _bar(x, r.start, r.end)):
        out.append(f'<rect x="{bar[0]:.1f}" y="{y + 2}" width="{bar[1]:.1f}" height="10" '
                   f'fill="#9aa5b8"><title>{e(label)}: {e(when)} (reference)</title></rect>')
    for i, c in enumerate(r.claims):
        cy = y + 17 + 9 * i
        out.append(_claim(g, c, x, cy, label))
    return "".join(out)


def _claim(g: Graph, c: Claim, x: Callable[[float], float], cy: int, label: str) -> str:
    colour = "#b35c00" if c.status == "Planned" else "#1f7a3a"
    source = g.label(c.doc)
    asof = show_time(c.as_of.value, c.as_of.datatype.value) if c.as_of is not None else "?"
    said = (show_time(c.start.value, c.start.datatype.value) if c.start is not None
            else "no date")
    tip = e(f"{source}, as of {asof}: {label}, {c.status.lower() or 'no status'}, {said}")
    out = []
    if c.start is not None and (bar := _bar(x, c.start, c.end)):
        out.append(f'<rect x="{bar[0]:.1f}" y="{cy - 3}" width="{bar[1]:.1f}" height="6" '
                   f'fill="{colour}" fill-opacity="0.55"><title>{tip}</title></rect>')
    if c.as_of is not None and (s := span(c.as_of.value)):
        px = x((s[0] + s[1]) / 2)
        fill = colour if c.status != "Planned" else "#fff"
        out.append(f'<path d="M{px:.1f} {cy - 4}l4 4-4 4-4-4z" fill="{fill}" '
                   f'stroke="{colour}" stroke-width="1.5"><title>{tip}</title></path>')
    return "".join(out)


def by_year(rs: list[Row]) -> dict[str, list[Row]]:
    """Rows grouped by the year of their date, for corpora with many events."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rs:
        key = r.key()[:4]
        groups[key if key.isdigit() else "undated"].append(r)
    return dict(sorted(groups.items()))
