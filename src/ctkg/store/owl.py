"""The build for OWL 2 DL reasoners (HermiT, Pellet, ...): every triple once, dates as strings.

OWL 2 reasoners accept only the datatypes of the OWL 2 datatype map, which leaves out
``xsd:date``, ``xsd:gYear`` and ``xsd:gYearMonth``: HermiT stops at the first such literal
("not part of the OWL 2 datatype map"), and CTKG's times are exactly those (a source says
"June 2018", never a time stamp). Turning them into ``xsd:dateTime`` would invent precision
the text does not have, so the variant keeps each lexical form and types it ``xsd:string``
instead; nothing else changes. Named graphs are merged (OWL has none), so provenance by graph
is lost: this is for reasoning over the vocabulary and the facts, not for citing sources.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.atomic import write_bytes_atomic
from ctkg.store.release import check_build

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = ox.NamedNode(f"{XSD}string")
#: XML Schema datatypes that are not in the OWL 2 datatype map (OWL 2 Structural
#: Specification, section 4): a reasoner refuses literals of these types.
NOT_IN_OWL2_MAP = frozenset(ox.NamedNode(f"{XSD}{name}") for name in (
    "date", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration",
    "yearMonthDuration", "dayTimeDuration"))


def dl_safe_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
                 ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    """A literal of a type outside the OWL 2 map as an ``xsd:string`` of the same text."""
    if isinstance(term, ox.Literal) and term.datatype in NOT_IN_OWL2_MAP:
        return ox.Literal(term.value, datatype=XSD_STRING)
    return term


def dl_safe_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of ``quads``, retyped by :func:`dl_safe_term`, sorted so that the
    output is the same bytes for the same build."""
    triples = {ox.Triple(q.subject, q.predicate, dl_safe_term(q.object)) for q in quads}
    return sorted(triples, key=str)


def write_dl_safe(folder: Path, out: Path) -> int:
    """Write the DL-safe variant of the (current) build in ``folder`` to ``out`` as
    N-Triples, atomically; the number of triples written."""
    check_build(folder)
    quads = list(ox.parse(path=str(folder / "ctkg.trig"), format=ox.RdfFormat.TRIG))
    triples = dl_safe_triples(quads)
    write_bytes_atomic(out, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return len(triples)
