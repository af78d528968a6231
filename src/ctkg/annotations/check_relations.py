"""The relations of the corpus as the graph the compiler makes of them: no thing related to
itself, no cycle where a cycle means nothing, no fact from a statement that was not made.

The checks of :mod:`ctkg.annotations.check_document` look at one line at a time; these look
at what the lines become. The compiler turns an R line into a fact between *nodes*: the
registry entry an annotation is normalized to (an event's on its E id), or the
statement IRI of a Statement. So two annotations can make a self-loop (two mentions of
``hlc-2018`` related by ``backToBackWith``), and two documents a cycle (``a partOf b`` in one,
``b partOf a`` in the other): document graphs are unioned by every query.

What is refused, and why (docs/annotation-guidelines.md, §7):

* a self-loop of any relation: none of the scheme relates a thing to itself (a post in
  itself, a person holding itself, an event part of, following up or back-to-back with
  itself);
* a cycle of ``partOf`` (a part-whole relation: a cycle makes every event of it a proper
  part of itself);
* a cycle of the time order that ``followUpOf`` (Arg2 is the earlier event) and
  ``feedsInto`` (Arg2 is the later event) state together: each event of it would come before
  itself;
* ``warnsOf``/``advocates`` from a negated Statement, unless the relation is negated too:
  the compiler makes no statement of it, but would state what it is about.

A negated relation is no edge (the compiler asserts nothing for it), and an annotation that
does not resolve to a node is left to the line checks, which report why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ctkg.annotations.brat import Document, Relation
from ctkg.annotations.scheme import STATEMENT
from ctkg.errors import Problem, display_path

# name of an acyclic order -> (relation, True if its edge runs Arg2 -> Arg1)
ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "partOf": (("partOf", False),),
    "time-order": (("feedsInto", False), ("followUpOf", True)),
}
_WHY = {"partOf": "a part-whole cycle makes each of these events part of itself",
        "time-order": "followUpOf (Arg2 is earlier) and feedsInto (Arg2 is later) then put "
                      "each of these events before itself"}
SPEECH_RELATIONS = ("warnsOf", "advocates")
_ORDERED = frozenset(relation for members in ORDERS.values() for relation, _ in members)


@dataclass(frozen=True)
class Edge:
    """One R line as the compiler states it: a fact from node to node."""

    source: str
    target: str
    rel: Relation
    file: str  # as problems name it
    name: str  # the file name, for the cycle's description

    def __str__(self) -> str:
        return (f"{self.source} {self.rel.type} {self.target} "
                f"({self.name}:{self.rel.line} {self.rel.id})")

    @property
    def key(self) -> tuple[str, int]:
        return (self.file, self.rel.line)


def node_of(doc: Document, ann_id: str) -> str | None:
    """What the compiler makes of an annotation (its ``node``): a registry slug, or
    ``statement/<doc>/<E>`` for a Statement; None if it is not normalized."""
    event = doc.event_of(ann_id) or doc.events.get(ann_id)
    if event is not None and event.type == STATEMENT:
        return f"statement/{doc.doc_id}/{event.id}"
    target = event.id if event is not None else ann_id  # an event's N lines are on its E
    return next((n.key for n in doc.norms_of(target) if n.db == "CTKG"), None)


def check_relations(docs: Sequence[Document]) -> list[Problem]:
    """Self-loops, cycles and facts of unmade statements, over every document at once."""
    problems: list[Problem] = []
    edges: list[Edge] = []
    for doc in docs:
        found, mine = relation_edges(doc)
        problems += found
        edges += mine
    return problems + cycle_problems(edges)


def relation_edges(doc: Document) -> tuple[list[Problem], list[Edge]]:
    """One document's share: its self-loops and facts of unmade statements, and its edges
    for :func:`cycle_problems` (a build caches them per document: ctkg.kg.readcache)."""
    problems: list[Problem] = []
    edges: list[Edge] = []
    where = display_path(doc.ann_path)
    for rel in doc.relations.values():
        if "Negation" in doc.attrs_of(rel.id):
            continue
        problems += [Problem(where, rel.line, f"{rel.id}: {m}")
                     for m in _unmade_statement(doc, rel)]
        source, target = node_of(doc, rel.arg1), node_of(doc, rel.arg2)
        if source is None or target is None:
            continue
        if source == target:
            problems.append(Problem(where, rel.line, _self_loop(rel, source)))
        edges.append(Edge(source, target, rel, where, doc.ann_path.name))
    return problems, edges


def ordered(edge: Edge) -> bool:
    """Whether :func:`cycle_problems` reads the edge: one of an order, between two nodes."""
    return edge.rel.type in _ORDERED and edge.source != edge.target


def cycle_problems(edges: Sequence[Edge]) -> list[Problem]:
    """The cycles of the acyclic orders among every document's edges (in document order;
    those not :func:`ordered` may be left out)."""
    problems: list[Problem] = []
    for order, members in ORDERS.items():
        graph: dict[str, list[tuple[str, Edge]]] = {}
        for edge in edges:
            for relation, backwards in members:
                if edge.rel.type == relation and edge.source != edge.target:
                    a, b = (edge.target, edge.source) if backwards else (edge.source,
                                                                         edge.target)
                    graph.setdefault(a, []).append((b, edge))
        for cycle in find_cycles(graph):
            first = min(cycle, key=lambda e: e.key)
            problems.append(Problem(first.file, first.rel.line,
                                    f"{order} cycle: {'; '.join(map(str, cycle))}: "
                                    f"{_WHY[order]}"))
    return problems


def _self_loop(rel: Relation, node: str) -> str:
    which = (f"from {rel.arg1} to itself" if rel.arg1 == rel.arg2 else
             f"from {rel.arg1} to {rel.arg2}, both normalized to {node}")
    return (f"{rel.id}: {rel.type} {which}: a thing related to itself (no relation of the "
            "annotation scheme is reflexive)")


def _unmade_statement(doc: Document, rel: Relation) -> list[str]:
    """A warnsOf/advocates from a negated Statement (the relation itself not negated)."""
    event = doc.events.get(rel.arg1)
    if rel.type not in SPEECH_RELATIONS or event is None or event.type != STATEMENT \
            or "Negation" not in doc.attrs_of(event.id):
        return []
    return [f"{rel.type} from {event.id}, a negated Statement: a statement that was not made "
            f"{rel.type} nothing (negate {rel.id} too, or remove it)"]


def find_cycles(graph: dict[str, list[tuple[str, Edge]]]) -> list[list[Edge]]:
    """One cycle (its edges, in order) per strongly connected component with more than one
    node; components are found with Tarjan's algorithm, iteratively."""
    out: list[list[Edge]] = []
    for component in _components(graph):
        if len(component) < 2:
            continue
        start = min(component)
        out.append(_cycle_through(graph, start, component))
    return out


def _components(graph: dict[str, list[tuple[str, Edge]]]) -> Iterable[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = graph.get(node, [])
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i][0]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:  # node is finished: its parent takes its low link
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                yield component


def _cycle_through(graph: dict[str, list[tuple[str, Edge]]], start: str,
                   component: set[str]) -> list[Edge]:
    """The edges of a shortest cycle from ``start`` back to it, inside ``component``
    (breadth first, remembering how each node was reached)."""
    reached: dict[str, tuple[str, Edge]] = {}
    frontier = [start]
    while start not in reached:
        if not frontier:  # cannot happen: start lies on a cycle of its component
            raise AssertionError(f"no cycle through {start}")
        following: list[str] = []
        for node in frontier:
            for nxt, edge in graph.get(node, []):
                if nxt in component and nxt not in reached:
                    reached[nxt] = (node, edge)
                    following.append(nxt)
        frontier = following
    edges: list[Edge] = []
    node = start
    while not edges or node != start:
        node, edge = reached[node]
        edges.append(edge)
    return edges[::-1]
