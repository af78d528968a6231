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
The union's triple counts (overall and per property) need its distinct triples, as the same
triple may sit in two graphs. A triple about a node a document mints (its mentions,
statements, assertions, quantities: ``ctkg.rdf.terms.LOCAL_KINDS``) is stated in that
document's graph only, so each graph counts those triples itself (``owned``) and keeps the
others as strings (``foreign``: the shared graphs' and, in a document graph, the few about
shared nodes, 6 % of them); the union's counts are the owned counts plus the distinct
foreign triples. A graph that states a triple about another document's node says so
(``strays``), and the union is then counted from every distinct triple instead
(:func:`combine`). Counting the 3.3 M triples of 10,000 documents as a set of pyoxigraph
triples took 15 s and a gigabyte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

import pyoxigraph as ox

from ctkg.kg.gcpause import gc_paused
from ctkg.rdf.namespaces import GAF_NS, GRAPH_NS, ID_NS, OA_NS, RDF_NS
from ctkg.rdf.terms import LOCAL_KINDS, local_starts

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
    # predicate IRI -> triples about the graph's own document-local nodes (in no other graph)
    owned: Counter[str] = field(default_factory=Counter)
    foreign: set[tuple[str, str, str]] = field(default_factory=set)  # the other triples
    strays: set[str] = field(default_factory=set)  # another document's local nodes here

    def add(self, other: GraphStats) -> None:
        """Add the figures of quads disjoint from this one's (another part of the graph)."""
        self.triples += other.triples
        self.subjects |= other.subjects
        self.objects |= other.objects
        self.properties.update(other.properties)
        for cls, members in other.classes.items():
            self.classes.setdefault(cls, set()).update(members)
        self.mentioned.update(other.mentioned)
        self.owned.update(other.owned)
        self.foreign |= other.foreign
        self.strays |= other.strays


_ANY_LOCAL = tuple(f"{ID_NS}{kind}/" for kind in LOCAL_KINDS)


def graph_stats(quads: Iterable[ox.Quad] | Iterable[ox.Triple], graph: str | None = None
                ) -> GraphStats:
    """The figures of distinct quads (or triples) taken as one graph, ``graph`` (its IRI:
    which document's local nodes it owns, if any)."""
    stats = GraphStats()
    predicates: list[str] = []
    subjects, objects, classes = stats.subjects, stats.objects, stats.classes
    mentioned: list[str] = []
    owned: list[str] = []
    foreign, strays = stats.foreign, stats.strays
    own = local_starts(graph[len(GRAPH_NS):]) \
        if graph is not None and graph.startswith(GRAPH_NS) else ()
    named = ox.NamedNode
    for q in quads:
        s, o = q.subject, q.object
        sk = s.value if type(s) is named else str(s)
        ok = o.value if type(o) is named else str(o)
        p = q.predicate.value
        predicates.append(p)
        subjects.add(sk)
        objects.add(ok)
        if own and sk.startswith(own):
            owned.append(p)
        else:
            foreign.add((sk, p, ok))
            if sk.startswith(_ANY_LOCAL):
                strays.add(sk)
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
    stats.owned = Counter(owned)
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
        stats = graph_stats(run, g.value)
        if g.value in graphs:
            graphs[g.value].add(stats)
        else:
            graphs[g.value] = stats
    return dict(sorted(graphs.items()))


def combine(graphs: dict[str, GraphStats],
            union_triples: Callable[[], Iterable[ox.Triple]] | None = None) -> DatasetStats:
    """The dataset's figures from its graphs'. The union's triple counts (overall and per
    property) are the graphs' owned counts plus their distinct foreign triples; when a graph
    strays into another document's nodes, they are counted from ``union_triples()`` (every
    distinct triple) instead, or a ValueError says it is needed. The sets are the union of
    the graphs'."""
    union = GraphStats()
    for stats in graphs.values():
        union.subjects |= stats.subjects
        union.objects |= stats.objects
        for cls, members in stats.classes.items():
            union.classes.setdefault(cls, set()).update(members)
        union.mentioned.update(stats.mentioned)
    if not any(stats.strays for stats in graphs.values()):
        foreign: set[tuple[str, str, str]] = set()
        for stats in graphs.values():
            union.properties.update(stats.owned)
            foreign |= stats.foreign
        union.properties.update(p for _s, p, _o in foreign)
    elif union_triples is not None:
        union.properties = Counter(t.predicate.value for t in union_triples())
    else:
        stray = min(s for stats in graphs.values() for s in stats.strays)
        raise ValueError(f"{stray} is stated outside its document's graph: the union's "
                         "triples are needed to count it")
    union.triples = sum(union.properties.values())
    return DatasetStats(graphs, union)


def dataset_stats(quads: Sequence[ox.Quad]) -> DatasetStats:
    """:func:`combine` of :func:`per_graph`: every figure of a build in one pass (with the
    cyclic garbage collector paused: :mod:`ctkg.kg.gcpause`)."""
    with gc_paused():
        return combine(per_graph(quads), lambda: {q.triple for q in quads})
