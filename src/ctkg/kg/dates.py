"""Time literals of the build: a normalized time or a registry/catalogue date as xsd terms."""

from __future__ import annotations

import pyoxigraph as ox

from ctkg.inputs.timex import XSD_DATE, XSD_GYEAR, XSD_GYEARMONTH, Point, TimeValue, parse_iso
from ctkg.rdf.namespaces import XSD_NS
from ctkg.rdf.terms import lit


def time_literals(value: TimeValue) -> tuple[ox.Literal, ox.Literal | None]:
    """The startTime and (for an interval) endTime literals of a normalized time."""
    start = lit(value.start.lexical, ox.NamedNode(value.start.datatype))
    end = lit(value.end.lexical, ox.NamedNode(value.end.datatype)) if value.end else None
    return start, end


def date_time_literal(point: Point) -> ox.Literal:
    """A day with its time of day as an ``xsd:dateTime`` without timezone (issue 16): the
    texts give local clock times only ("CR6, 11:00am, 26 September 2019"), so none is
    invented; seconds are ``00`` because xsd:dateTime requires them."""
    assert point.time_of_day is not None
    return lit(f"{point.lexical}T{point.time_of_day}:00", ox.NamedNode(XSD_NS + "dateTime"))


def date_literal(value: str) -> ox.Literal:
    """A catalogue or registry date at its own granularity (a season stays a year)."""
    point = parse_iso(value).start
    assert point.datatype in (XSD_DATE, XSD_GYEAR, XSD_GYEARMONTH)
    return lit(point.lexical, ox.NamedNode(point.datatype))
