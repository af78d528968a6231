"""Statistics of the build's graphs, gathered in one pass over the quads: what ``void.ttl``,
``build-report.md`` and ``manifest.json`` count (triples, distinct subjects and objects,
classes and their members, properties, most mentioned resources).

Why per graph: a document graph's figures depend on that graph alone, so they are computed
once per graph (and can be cached with it); the whole-dataset figures are combined from
them. Terms are kept as plain strings (an IRI as itself, a literal or blank node in its
N-Triples form, which starts with ``"`` or ``_:`` and so never equals an IRI), so the
statistics pickle cheaply and cost no pyoxigraph objects to hash.

The union's distinct subjects, objects and class members are the union of the graphs'
sets: exact, at the cost of one set of term strings per figure over the whole dataset.
The union's triple counts (overall and per property) need its distinct triples, which the
graphs' figures cannot give (the same triple may sit in two graphs): they are counted from
the distinct triples that the Turtle dump is written from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

import pyoxigraph as ox

from ctkg.kg.gcpause import gc_paused
from ctkg.rdf.namespaces import GAF_NS, OA_NS, RDF_NS

_TYPE = RDF_NS + "type"
_DENOTED_BY = GAF_NS + "denotedBy"
_HAS_SOURCE = OA_NS + "hasSource"


def term_key(term: object) -> str:
    """An IRI as itself; any other term in its N-Triples form (never equal to an IRI)."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def is_iri(key: str) -> bool:
    """Whether a :func:`term_key` is an IRI (an N-Triples literal or blank node starts with
    ``"`` or ``_``, which no absolute IRI does)."""
    return key[:1] not in ('"', "_")


@dataclass
class GraphStats:
    """The figures of one graph (or, combined, of several): plain ints and string sets."""

    triples: int = 0
    subjects: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    properties: Counter[str] = field(default_factory=Counter)  # predicate IRI -> triples
    classes: dict[str, set[str]] = field(default_factory=dict)  # rdf:type object -> subjects
    # resource IRI -> its gaf:denotedBy triples (as subject) and oa:hasSource (as object)
    mentioned: Counter[str] = field(default_factory=Counter)

    def add(self, other: GraphStats) -> None:
        """Add the figures of quads disjoint from this one's (another part of the graph)."""
        self.triples += other.triples
        self.subjects |= other.subjects
        self.objects |= other.objects
        self.properties.update(other.properties)
        for cls, members in other.classes.items():
            self.classes.setdefault(cls, set()).update(members)
        self.mentioned.update(other.mentioned)


def graph_stats(quads: Iterable[ox.Quad] | Iterable[ox.Triple]) -> GraphStats:
    """The figures of distinct quads (or triples) taken as one graph."""
    stats = GraphStats()
    predicates: list[str] = []
    subjects, objects, classes = stats.subjects, stats.objects, stats.classes
    mentioned: list[str] = []
    named = ox.NamedNode
    for q in quads:
        s, o = q.subject, q.object
        sk = s.value if type(s) is named else str(s)
        ok = o.value if type(o) is named else str(o)
        p = q.predicate.value
        predicates.append(p)
        subjects.add(sk)
        objects.add(ok)
        if p == _TYPE:
            members = classes.get(ok)
            if members is None:
                members = classes[ok] = set()
            members.add(sk)
        elif p == _DENOTED_BY and type(s) is named:
            mentioned.append(sk)
        elif p == _HAS_SOURCE and type(o) is named:
            mentioned.append(ok)
    stats.triples = len(predicates)
    stats.properties = Counter(predicates)
    stats.mentioned = Counter(mentioned)
    return stats


@dataclass
class DatasetStats:
    """Every named graph's figures (graph IRI -> stats; quads in the default graph are left
    out, as the build has none) and the union's (over its distinct triples)."""

    graphs: dict[str, GraphStats]
    union: GraphStats

    @property
    def graph_counts(self) -> dict[str, int]:
        """Graph IRI -> its number of triples (the manifest's and the report's figure)."""
        return {g: s.triples for g, s in self.graphs.items()}


def per_graph(quads: Iterable[ox.Quad]) -> dict[str, GraphStats]:
    """Graph IRI -> the figures of its quads, in one pass (runs of one graph at a time, as
    the build's canonical order gives them; a graph met in several runs is added up)."""
    graphs: dict[str, GraphStats] = {}
    for g, run in groupby(quads, key=attrgetter("graph_name")):
        if not isinstance(g, ox.NamedNode):
            continue
        stats = graph_stats(run)
        if g.value in graphs:
            graphs[g.value].add(stats)
        else:
            graphs[g.value] = stats
    return dict(sorted(graphs.items()))


def combine(graphs: dict[str, GraphStats], union_triples: Iterable[ox.Triple]) -> DatasetStats:
    """The dataset's figures from its graphs' and from its distinct triples (which give the
    triple counts, overall and per property; the sets are the union of the graphs')."""
    union = GraphStats()
    for stats in graphs.values():
        union.subjects |= stats.subjects
        union.objects |= stats.objects
        for cls, members in stats.classes.items():
            union.classes.setdefault(cls, set()).update(members)
        union.mentioned.update(stats.mentioned)
    union.properties = Counter(t.predicate.value for t in union_triples)
    union.triples = sum(union.properties.values())
    return DatasetStats(graphs, union)


def dataset_stats(quads: Iterable[ox.Quad], union_triples: Iterable[ox.Triple]
                  ) -> DatasetStats:
    """:func:`combine` of :func:`per_graph`: every figure of a build in one pass (with the
    cyclic garbage collector paused: :mod:`ctkg.kg.gcpause`)."""
    with gc_paused():
        return combine(per_graph(quads), union_triples)
