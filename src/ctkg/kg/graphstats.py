"""Statistics of the build's graphs, gathered in one pass over the quads: what ``void.ttl``,
``build-report.md`` and ``manifest.json`` count (triples, distinct subjects and objects,
classes and their members, properties, most mentioned resources).

Why per graph: a document graph's figures depend on that graph alone, so they are computed
once per graph (and can be cached with it); the whole-dataset figures are combined from
them. Terms are kept as plain strings (an IRI as itself, a literal or blank node in its
N-Triples form, which starts with ``"`` or ``_:`` and so never equals an IRI), so the
statistics pickle cheaply and cost no pyoxigraph objects to hash.

A node a document mints (its mentions, statements, assertions, quantities:
``ctkg.rdf.terms.LOCAL_KINDS``) is named in that document's graph only. So each document
graph counts its own nodes as subjects, objects and class members instead of keeping their
IRIs, and counts the triples about them (``owned``), keeping as strings only the other
terms and triples (``foreign``: the shared graphs' and, in a document graph, the few about
shared nodes, 6 % of them). The union's figures are the sums of the counts plus the unions
of the sets: exact, because a graph that names another document's node says so
(``strays``), and the figures are then made without the split (:func:`combine`). Counting
the 3.3 M triples of 10,000 documents as a set of pyoxigraph triples took 15 s and a
gigabyte; the graphs' sets of every term about 0.4 GB.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ctkg.kg.gcpause import gc_paused
from ctkg.rdf.namespaces import GAF_NS, GRAPH_NS, ID_NS, OA_NS, RDF_NS
from ctkg.rdf.terms import LOCAL_STARTS, local_starts

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
    """The figures of one graph (or, combined, of several): plain ints and string sets.

    A document graph counts its own local nodes (``own_*``) instead of keeping their IRIs
    in the sets: they are most of its terms, and no other graph names them (else
    ``strays``). Read the figures through the properties, which add both."""

    triples: int = 0
    subjects: set[str] = field(default_factory=set)  # other than the graph's own nodes
    objects: set[str] = field(default_factory=set)  # other than the graph's own nodes
    properties: Counter[str] = field(default_factory=Counter)  # predicate IRI -> triples
    # rdf:type object -> its subjects (other than the graph's own nodes)
    classes: dict[str, set[str]] = field(default_factory=dict)
    # resource IRI -> its gaf:denotedBy triples (as subject) and oa:hasSource (as object)
    mentioned: Counter[str] = field(default_factory=Counter)
    # predicate IRI -> triples about the graph's own document-local nodes (in no other graph)
    owned: Counter[str] = field(default_factory=Counter)
    foreign: set[tuple[str, str, str]] = field(default_factory=set)  # the other triples
    own_subjects: int = 0  # distinct own nodes as subjects
    own_objects: int = 0  # distinct own nodes as objects
    own_members: Counter[str] = field(default_factory=Counter)  # class -> own nodes of it
    strays: set[str] = field(default_factory=set)  # another document's local nodes here

    @property
    def distinct_subjects(self) -> int:
        return self.own_subjects + len(self.subjects)

    @property
    def distinct_objects(self) -> int:
        return self.own_objects + len(self.objects)

    @property
    def class_names(self) -> set[str]:
        return set(self.classes) | {c for c, n in self.own_members.items() if n}

    def members(self, cls: str) -> int:
        """Distinct subjects typed ``cls``."""
        return self.own_members.get(cls, 0) + len(self.classes.get(cls, ()))

    @property
    def instance_subjects(self) -> int:
        """Distinct subjects under the instance namespace (every own node is)."""
        return self.own_subjects + sum(1 for s in self.subjects if s.startswith(ID_NS))


def graph_stats(quads: Iterable[ox.Quad] | Iterable[ox.Triple], graph: str | None = None
                ) -> GraphStats:
    """The figures of distinct quads (or triples) taken as one graph. ``graph``: its IRI,
    which says whose local nodes it owns (a document graph) and that the figures will be
    combined with other graphs' (:func:`combine`), so another document's nodes here are
    ``strays``; without it every term is kept in the sets and nothing is a stray."""
    stats = GraphStats()
    predicates: list[str] = []
    subjects, objects, classes = stats.subjects, stats.objects, stats.classes
    mentioned: list[str] = []
    owned: list[str] = []
    own_members: list[str] = []
    own_s: set[str] = set()
    own_o: set[str] = set()
    foreign, strays = stats.foreign, stats.strays
    own = local_starts(graph[len(GRAPH_NS):]) \
        if graph is not None and graph.startswith(GRAPH_NS) else ()
    local = LOCAL_STARTS if graph is not None else ()
    named = ox.NamedNode
    for q in quads:
        s, o = q.subject, q.object
        o_named = type(o) is named
        sk = s.value if type(s) is named else str(s)
        ok = o.value if o_named else str(o)  # type: ignore[union-attr]
        p = q.predicate.value
        predicates.append(p)
        s_own = bool(own) and sk.startswith(own)
        if s_own:
            own_s.add(sk)
            owned.append(p)
        else:
            subjects.add(sk)
            foreign.add((sk, p, ok))
            if local and sk.startswith(local):
                strays.add(sk)
        if o_named and own and ok.startswith(own):
            own_o.add(ok)
        else:
            objects.add(ok)
            if o_named and local and ok.startswith(local):
                strays.add(ok)
        if p == _TYPE:
            if s_own:
                own_members.append(ok)
            else:
                members = classes.get(ok)
                if members is None:
                    members = classes[ok] = set()
                members.add(sk)
        elif p == _DENOTED_BY and type(s) is named:
            mentioned.append(sk)
        elif p == _HAS_SOURCE and o_named:
            mentioned.append(ok)
    stats.triples = len(predicates)
    stats.properties = Counter(predicates)
    stats.mentioned = Counter(mentioned)
    stats.owned = Counter(owned)
    stats.own_members = Counter(own_members)
    stats.own_subjects, stats.own_objects = len(own_s), len(own_o)
    return stats


@dataclass(frozen=True, slots=True)
class GraphFigures:
    """What is reported of one graph (its void:subset, its rows in the report and the
    manifest): the counts, without the sets they were counted from (at 10,000 documents
    the graphs' sets took 0.3 GB for the whole build)."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    property_count: int
    members_of: dict[str, int]  # class -> its distinct members, for every class named

    @property
    def class_names(self) -> set[str]:
        return set(self.members_of)

    def members(self, cls: str) -> int:
        return self.members_of.get(cls, 0)


def figures(stats: GraphStats) -> GraphFigures:
    """A graph's reported counts (class IRIs interned: every document names the same few)."""
    return GraphFigures(stats.triples, stats.distinct_subjects, stats.distinct_objects,
                        len(stats.properties),
                        {sys.intern(c): stats.members(c) for c in sorted(stats.class_names)})


@dataclass
class DatasetStats:
    """Every named graph's figures (graph IRI -> figures; quads in the default graph are
    left out, as the build has none) and the union's (over its distinct triples)."""

    graphs: dict[str, GraphFigures]
    union: GraphStats

    @property
    def graph_counts(self) -> dict[str, int]:
        """Graph IRI -> its number of triples (the manifest's and the report's figure)."""
        return {g: s.triples for g, s in self.graphs.items()}


def per_graph(quads: Iterable[ox.Quad], split: bool = True) -> dict[str, GraphStats]:
    """Graph IRI -> the figures of its (distinct) quads, in any order; ``split``: each graph
    counts its own local nodes (:func:`graph_stats` with the graph), else keeps every term."""
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            graphs.setdefault(q.graph_name.value, []).append(q)
    return {g: graph_stats(graphs[g], g if split else None) for g in sorted(graphs)}


def combine(graphs: dict[str, GraphStats]) -> DatasetStats:
    """The dataset's figures from its graphs'. The union's triple counts (overall and per
    property) are the graphs' owned counts plus their distinct foreign triples; its distinct
    subjects, objects and class members the graphs' own counts plus the union of their
    sets. Exact unless a graph names another document's local nodes: then a ValueError says
    the graphs' figures must be made without the split (``per_graph(quads, split=False)``)."""
    combined = Combiner()
    for graph, stats in graphs.items():
        combined.add(graph, stats)
    return combined.result()


class Combiner:
    """:func:`combine`, one graph at a time: each graph's sets are folded into the union's
    as it comes, and only its :class:`GraphFigures` are kept, so the caller can let the
    graph's :class:`GraphStats` go."""

    def __init__(self) -> None:
        self.union = GraphStats()
        self.graphs: dict[str, GraphFigures] = {}
        self._foreign: set[tuple[str, str, str]] = set()
        self._strays: set[str] = set()
        self._again: str | None = None  # a graph added twice: its figures would count twice
        # predicate -> digests of foreign triples beyond ``_foreign``, and their subjects
        # (a Tally's)
        self.tallied: dict[str, Counter[bytes]] = {}
        self.tallied_subjects: Counter[str] = Counter()

    def add(self, graph: str, stats: GraphStats) -> None:
        if graph in self.graphs:
            self._again = self._again or graph
            return
        union = self.union
        self._strays |= stats.strays
        union.subjects |= stats.subjects
        union.objects |= stats.objects
        union.own_subjects += stats.own_subjects
        union.own_objects += stats.own_objects
        union.own_members.update(stats.own_members)
        for cls, members in stats.classes.items():
            union.classes.setdefault(cls, set()).update(members)
        union.mentioned.update(stats.mentioned)
        union.properties.update(stats.owned)
        self._foreign |= stats.foreign
        self.graphs[graph] = figures(stats)

    def result(self) -> DatasetStats:
        """The figures of the graphs added (once: the union's are completed here); a
        ValueError if they cannot be combined (a graph added twice, or naming another
        document's nodes): count the quads instead (:func:`dataset_stats`)."""
        if self._again is not None:
            raise ValueError(f"{self._again} came in two parts: count its quads whole")
        stray = min(self._strays, default=None)
        if stray is not None:
            raise ValueError(f"{stray} is named outside its document's graph: count the "
                             "graphs without the split")
        union = self.union
        tallied, subjects = self.tallied, self.tallied_subjects
        union.properties.update(p for s, p, o in self._foreign
                                if s not in subjects or _pair(s, o) not in tallied.get(p, ()))
        union.properties.update({p: len(pairs) for p, pairs in tallied.items()})
        union.triples = sum(union.properties.values())
        self._foreign = set()
        return DatasetStats(self.graphs, union)


class Tally:
    """The union of many graphs' figures that a graph can also be taken out of: each of the
    union's sets is kept as a count of the graphs that hold each item. An incremental build
    keeps its documents' tally in its merged cache entry (:mod:`ctkg.kg.compilecache`) and
    takes out and adds only the edited documents' figures: folding every document's in took
    0.9 s at 10,000 documents. :meth:`combiner` gives the :class:`Combiner` that adding the
    same graphs one by one gives, so :meth:`Combiner.result` is the same."""

    def __init__(self) -> None:
        self.subjects: Counter[str] = Counter()
        self.objects: Counter[str] = Counter()
        self.classes: dict[str, Counter[str]] = {}
        # predicate -> a digest of each distinct (subject, object) of its foreign triples
        # (a tuple of three strings per triple made the tally 21 MB at 10,000 documents)
        self.foreign: dict[str, Counter[bytes]] = {}
        self.strays: Counter[str] = Counter()
        self.own_subjects = self.own_objects = 0
        self.own_members: Counter[str] = Counter()
        self.mentioned: Counter[str] = Counter()
        self.owned: Counter[str] = Counter()
        self.graphs: dict[str, GraphFigures] = {}
        self.parts: Counter[str] = Counter()  # graph -> how many times it was added

    def add(self, graph: str, stats: GraphStats) -> None:
        self.parts[graph] += 1
        self.graphs.setdefault(graph, figures(stats))
        self.subjects.update(stats.subjects)
        self.objects.update(stats.objects)
        for cls, members in stats.classes.items():
            self.classes.setdefault(cls, Counter()).update(members)
        for subject, predicate, obj in stats.foreign:
            self.foreign.setdefault(predicate, Counter())[_pair(subject, obj)] += 1
        self.strays.update(stats.strays)
        self.own_subjects += stats.own_subjects
        self.own_objects += stats.own_objects
        self.own_members.update(stats.own_members)
        self.mentioned.update(stats.mentioned)
        self.owned.update(stats.owned)

    def remove(self, graph: str, stats: GraphStats) -> None:
        """Take out the figures :meth:`add` put in (a KeyError if they were not)."""
        if self.parts[graph] > 1:  # whose figures stay is not known: the caller starts anew
            raise KeyError(f"{graph} was added more than once")
        del self.parts[graph], self.graphs[graph]
        _take(self.subjects, stats.subjects)
        _take(self.objects, stats.objects)
        for cls, members in stats.classes.items():
            _take(self.classes[cls], members)
            if not self.classes[cls]:
                del self.classes[cls]
        for subject, predicate, obj in stats.foreign:
            _take(self.foreign[predicate], [_pair(subject, obj)])
            if not self.foreign[predicate]:
                del self.foreign[predicate]
        _take(self.strays, stats.strays)
        self.own_subjects -= stats.own_subjects
        self.own_objects -= stats.own_objects
        for counter, counts in ((self.own_members, stats.own_members),
                                (self.mentioned, stats.mentioned), (self.owned, stats.owned)):
            counter.subtract(counts)
            for key in [k for k in counts if counter[k] <= 0]:
                if counter[key] < 0:
                    raise KeyError(f"{key} taken out more than it was added")
                del counter[key]

    def combiner(self, order: Iterable[str]) -> Combiner:
        """A :class:`Combiner` holding these graphs, listed in ``order`` (then any other)."""
        out = Combiner()
        union = out.union
        union.subjects, union.objects = set(self.subjects), set(self.objects)
        union.classes = {cls: set(members) for cls, members in self.classes.items()}
        union.own_subjects, union.own_objects = self.own_subjects, self.own_objects
        union.own_members = Counter(self.own_members)
        union.mentioned = Counter(self.mentioned)
        union.properties = Counter(self.owned)
        out.tallied, out.tallied_subjects = self.foreign, self.subjects  # read, not changed
        out._strays = set(self.strays)
        graphs = self.graphs
        out.graphs = {g: graphs[g] for g in order if g in graphs}
        out.graphs.update((g, f) for g, f in graphs.items() if g not in out.graphs)
        again = [g for g, n in self.parts.items() if n > 1]
        out._again = min(again) if again else None
        return out


def _pair(subject: str, obj: str) -> bytes:
    """A 128-bit digest of a triple's subject and object (its predicate is its key)."""
    return hashlib.blake2b(f"{len(subject)}:{subject}{obj}".encode(), digest_size=16).digest()


def _take(counts: Counter[Any], items: Iterable[Any]) -> None:
    """One count fewer of each item (gone at none; a KeyError if it was not there)."""
    for item in items:
        n = counts[item] - 1 if item in counts else -1
        if n < 0:
            raise KeyError(f"{item} taken out more than it was added")
        if n:
            counts[item] = n
        else:
            del counts[item]


def dataset_stats(quads: Iterable[ox.Quad]) -> DatasetStats:
    """:func:`combine` of :func:`per_graph`: every figure of a build (with the cyclic
    garbage collector paused: :mod:`ctkg.kg.gcpause`), split where it can be."""
    quads = list(quads)
    with gc_paused():
        graphs = per_graph(quads)
        if any(stats.strays for stats in graphs.values()):
            graphs = per_graph(quads, split=False)
        return combine(graphs)
