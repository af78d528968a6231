"""The RDF dumps' order and prefixes, and the whole-dataset renderers (the reference the
build's per-graph pieces are tested against: :mod:`ctkg.kg.pieces`).

``ctkg.nq`` is one line per quad in pyoxigraph's canonical form, one byte-sorted run of
lines per graph, graphs in the order of their N-Quads form: the form to diff and hash (an
edit to one document changes its run only). TriG and Turtle are for reading and for
loading into any store: graphs, then subjects, in natural order (E2 before E10, T9 before
T10); for each subject ``rdf:type`` first, then the other predicates by prefixed name;
objects in natural order. pyoxigraph writes them in that order (it keeps the input order and
groups runs of one subject).

Prefixes: the vocabulary's, ``ctkgg:`` for graphs and one per instance kind (``person:``,
``ctkgorg:``, ...), never the bare ``ctkgid:``: a local name such as ``mention/doc/T3``
would need ``\\/`` escapes, which some stores misread. A prefix is declared only if the
data uses it and every IRI it abbreviates has a local name that needs no escape; other IRIs
are written in full (per-document mentions, statements and assertions). Nothing here reads
a clock: the same quads give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import TypeVar

import pyoxigraph as ox

from ctkg.kg.pieces import Namespaces, iris_of, resolve
from ctkg.rdf.namespaces import GRAPH_NS, KIND_PREFIXES, PREFIXES
from ctkg.rdf.terms import RDF_TYPE, natural_key, quad_key

DUMP_PREFIXES: dict[str, str] = dict(sorted(
    {**{k: v for k, v in PREFIXES.items() if k != "ctkgid"}, "ctkgg": GRAPH_NS,
     **KIND_PREFIXES}.items()))
_NaturalKey = tuple[tuple[tuple[int, int | str], ...], str]


def sort_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Distinct quads in canonical (graph, subject, predicate, object) N-Quads order."""
    return sorted(set(quads), key=quad_key)


def render_nq(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads: graphs in code-point order of their IRI, each graph's lines byte-sorted
    (code point order = UTF-8 order), so that each graph is one run of lines."""
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        graphs.setdefault(str(q.graph_name), []).append(q)
    return b"".join(b"".join(sorted(set((ox.serialize(graphs[g], format=ox.RdfFormat.N_QUADS)
                                         or b"").splitlines(keepends=True))))
                    for g in sorted(graphs))


def render_trig(quads: Iterable[ox.Quad], prefixes: Mapping[str, str] = DUMP_PREFIXES,
                ordered: bool = False) -> bytes:
    """TriG of the quads in readable order (``ordered``: they are in it already)."""
    ordered_quads = list(quads) if ordered else readable_order(quads, prefixes)
    return _serialize(ordered_quads, ox.RdfFormat.TRIG, prefixes)


def render_ttl(triples: Iterable[ox.Triple], prefixes: Mapping[str, str] = DUMP_PREFIXES
               ) -> bytes:
    """Turtle of the triples in readable order."""
    ordered = readable_order(triples, prefixes)  # triples: no graph, one group
    return _serialize(ordered, ox.RdfFormat.TURTLE, prefixes)


def _serialize(items: list[ox.Quad] | list[ox.Triple], fmt: ox.RdfFormat,
               prefixes: Mapping[str, str]) -> bytes:
    used = clean_prefixes(items, prefixes)
    data = ox.serialize(items, format=fmt, prefixes=used) or b""
    return _header_sorted(data)


def _header_sorted(data: bytes) -> bytes:
    """Sort the ``@prefix`` header lines (pyoxigraph does not promise their order)."""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


# -- order ---------------------------------------------------------------------------------------

def _name(term: object) -> _NaturalKey:
    """Natural sort key of a term: an IRI by itself (hlc-2018 before hlc-2018-x), a
    literal by its N-Triples form."""
    return natural_key(term.value if isinstance(term, ox.NamedNode) else str(term))


_Q = TypeVar("_Q", ox.Quad, ox.Triple)


def readable_order(quads: Iterable[_Q], prefixes: Mapping[str, str]) -> list[_Q]:
    """Distinct quads (or triples) by graph, subject (natural order), predicate (rdf:type
    first, then by prefixed name) and object (natural order)."""
    groups: dict[object, dict[str, list[_Q]]] = {}
    named = ox.NamedNode
    for q in dict.fromkeys(quads):  # subjects by name: pyoxigraph makes a term at each read
        s = q.subject
        groups.setdefault(getattr(q, "graph_name", None), {}).setdefault(
            s.value if isinstance(s, named) else str(s), []).append(q)
    compact = _Compact(prefixes)
    predicates: dict[object, tuple[bool, str]] = {}

    def predicate_key(q: _Q) -> tuple[bool, str]:
        key = predicates.get(q.predicate)
        if key is None:
            key = predicates[q.predicate] = (q.predicate != RDF_TYPE,
                                             compact(q.predicate.value))
        return key

    out: list[_Q] = []
    for g in sorted(groups, key=_name):
        subjects = groups[g]
        for name in sorted(subjects, key=natural_key):
            group = subjects[name]
            if len(group) == 1:
                out += group
                continue
            # by predicate, then objects by name only where a predicate has several: most
            # have one, and a literal's natural key (a regex split) was a third of the time
            keyed = sorted(((predicate_key(q), q) for q in group), key=itemgetter(0))
            for _key, run in groupby(keyed, key=itemgetter(0)):
                same = [q for _k, q in run]
                out += same if len(same) == 1 else sorted(same, key=_object_name)
    return out


def _object_name(q: ox.Quad | ox.Triple) -> _NaturalKey:
    return _name(q.object)


class _Compact:
    """IRI -> its prefixed name under the longest matching namespace (or the IRI)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()),
                                 key=lambda x: (-len(x[0]), x[1]))

    def split(self, iri: str) -> tuple[str, str] | None:
        """(prefix, local name), or None when no namespace matches."""
        for ns, prefix in self.namespaces:
            if iri.startswith(ns):
                return prefix, iri[len(ns):]
        return None

    def __call__(self, iri: str) -> str:
        split = self.split(iri)
        return iri if split is None else f"{split[0]}:{split[1]}"


# -- prefixes ------------------------------------------------------------------------------------

def clean_prefixes(items: Sequence[ox.Quad] | Sequence[ox.Triple],
                   prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes that the data uses and under which no IRI needs an escape.

    An IRI is abbreviated by its longest matching namespace; a prefix with one IRI whose
    rest is not a plain local name is dropped (its IRIs then fall to the next-longest
    namespace, which is checked in turn, or are written in full): :func:`pieces.resolve`.
    """
    return resolve(Namespaces(prefixes).signatures(iris_of(items)), prefixes)
