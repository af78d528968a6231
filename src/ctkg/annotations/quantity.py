"""Quantities (issue 16): a number a text states about an annotated thing.

A ``Quantity`` span ("close to four hundred participants", "15-member") is its document's
own node, not a registry entity. Its note says what the span says, in a fixed vocabulary:
``value=400 qualifier=approximately counts=Person unit=participants``. A relation
(``attendeeCount`` from an event, ``memberCount`` from an organization) attaches it to the
thing it counts. The checker and the compiler read the note through :func:`read_quantity`,
so they cannot disagree (docs/annotation-guidelines.md, "Quantities").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ctkg.annotations.brat import Document, TextBound
from ctkg.errors import Problem

# note value -> the ctkg:QuantityQualifier individual
QUALIFIERS = {"approximately": "Approximately", "atLeast": "AtLeast", "atMost": "AtMost",
              "exact": "Exact"}
# counts= values: ctkg: classes of what a quantity may count
COUNTED_KINDS = ("Person", "Organization", "State", "MemberState")
# relations that attach a quantity to what it counts
COUNT_RELATIONS = ("attendeeCount", "memberCount")
_WHOLE = re.compile(r"^(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class Quantity:
    """A quantity's note, read and checked."""

    value: int
    qualifier: str  # a ctkg:QuantityQualifier local name
    counts: str  # a ctkg: class local name
    unit: str  # the text's word for what it counts


def read_quantity(doc: Document, tb: TextBound) -> tuple[Quantity | None, list[str]]:
    """The quantity a span's notes give, or None and what is wrong with them."""
    pairs: dict[str, str] = {}
    for note in doc.notes_of(tb.id):
        pairs.update(note.pairs)
    errors: list[str] = []
    value = pairs.get("value", "")
    if not _WHOLE.match(value):
        errors.append(f"value={value!r} is not a whole number written in digits")
    qualifier = pairs.get("qualifier", "")
    if qualifier not in QUALIFIERS:
        errors.append(f"qualifier={qualifier!r} is not one of {'|'.join(QUALIFIERS)}")
    counts = pairs.get("counts", "")
    if counts not in COUNTED_KINDS:
        errors.append(f"counts={counts!r} is not one of {'|'.join(COUNTED_KINDS)}")
    unit = pairs.get("unit", "")
    if not unit:
        errors.append("unit= (the text's word for what it counts) is missing")
    if errors:
        return None, errors
    return Quantity(int(value), QUALIFIERS[qualifier], counts, unit), []


def check_quantity(doc: Document, tb: TextBound, where: str) -> list[Problem]:
    """A Quantity span has a complete note and exactly one thing that it counts."""
    _, errors = read_quantity(doc, tb)
    counted = [r for r in doc.relations.values()
               if r.arg2 == tb.id and r.type in COUNT_RELATIONS]
    if len(counted) != 1:
        errors.append(f"needs exactly one {'/'.join(COUNT_RELATIONS)} relation to the "
                      f"thing it counts, found {len(counted)}")
    if doc.norms_of(tb.id):
        errors.append("a Quantity is no registry entity: no N line")
    return [Problem(where, tb.line, f"{tb.id}: Quantity: {e} (note: value=<digits> "
                                    "qualifier=<q> counts=<class> unit=<word>)")
            for e in errors]
