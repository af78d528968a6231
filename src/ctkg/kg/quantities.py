"""The facts of a Quantity span (issue 16; :mod:`ctkg.annotations.quantity` reads its note).

Each becomes a plain triple and a reified assertion supported by the span, like every other
fact read off a text: a number is only as good as the words that give it.
"""

from __future__ import annotations

from collections.abc import Callable

from ctkg.annotations import brat
from ctkg.annotations.quantity import read_quantity
from ctkg.errors import CTKGError
from ctkg.rdf.terms import Term, ctkg, lit


def quantity_facts(doc: brat.Document, tb: brat.TextBound,
                   fail: Callable[[int | None, str], CTKGError]) -> list[tuple[str, Term]]:
    """(ctkg: property local name, object) for each fact of the quantity ``tb``."""
    quantity, errors = read_quantity(doc, tb)
    if quantity is None:
        raise fail(tb.line, f"{tb.id}: Quantity: {'; '.join(errors)}")
    return [("quantityValue", lit(quantity.value)),
            ("quantityQualifier", ctkg(quantity.qualifier)),
            ("countedKind", ctkg(quantity.counts)),
            ("unitText", lit(quantity.unit))]
