"""SHACL validation of CTKG graphs, shared by the build and the tests.

Why a wrapper: the build validates a *dataset* (one named graph per document, plus registry,
catalogue and ontology graphs), but shapes such as MentionShape follow links across graphs
(a mention's document lives in graph/catalogue) and ``sh:class`` needs the
``rdfs:subClassOf`` hierarchy of the ontology. pySHACL validates each named graph of a
dataset on its own, so we flatten everything into one union graph with the ontology mixed
in, and validate that with inference "none": the class hierarchy in the data graph is all
``sh:class`` needs, and no RDFS/OWL entailment can hide or invent a defect.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Dataset, Graph, Node, URIRef, Variable
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier

from ctkg.errors import CTKGError
from ctkg.rdf.convert import from_ox, to_ox
from ctkg.rdf.namespaces import PREFIXES
from ctkg.rdf.turtle import parse_turtle
from ctkg.validate.shacl_result import ShaclResult as ShaclResult  # re-exported
from ctkg.validate.shacl_result import make_result

INFERENCE = "none"

GraphInput = Graph | Dataset | str | Path
Shapes = Graph  # a parsed shapes graph


def read_shapes(path: Path) -> Shapes:
    """The shapes file; a syntax error raises CTKGError naming its line."""
    return parse_turtle(path)


def parse_shapes(data: bytes) -> Shapes:
    """A shapes graph from Turtle bytes (already checked by the build)."""
    return Graph().parse(data=data, format="turtle")


def partitionable(shapes: Shapes) -> bool:
    """Whether the shapes only use targets whose focus nodes are subjects, so that
    :mod:`ctkg.validate.partition` may split the data (no sh:targetNode/targetObjectsOf)."""
    return not any(True for p in (SH.targetNode, SH.targetObjectsOf)
                   for _ in shapes.triples((None, p, None)))


def _as_graph(item: GraphInput) -> Graph:
    """Load a path, or return a graph; a Dataset is flattened into its union graph."""
    if isinstance(item, (str, Path)):
        g = Graph()
        g.parse(str(item), format="turtle")
        return g
    if isinstance(item, (Dataset, ConjunctiveGraph)):
        g = Graph()
        for s, p, o, _c in item.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return item


class PreparedQueryGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL evaluates a SPARQL-based constraint once per focus node, passing the same query
    text each time, and rdflib parses it anew on every call: on the corpus that was 5 s of
    a 9 s build. Preparing each text once (rdflib's own ``prepareQuery``) gives the same
    results, since only the bindings differ between calls.
    """

    _prepared: dict[str, Query]

    def query(self, query_object: str | Query, processor: str | Processor = "sparql",
              result: str | type[Result] = "sparql", initNs: Mapping[str, Any] | None = None,
              initBindings: Mapping[str, Identifier] | None = None,
              use_store_provided: bool = True, **kwargs: Any) -> Result:
        if isinstance(query_object, str) and not initNs:
            cache: dict[str, Query] = self.__dict__.setdefault("_prepared", {})
            prepared = cache.get(query_object)
            if prepared is None:
                prepared = cache[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


class OxigraphQueryGraph(PreparedQueryGraph):
    """A graph whose SPARQL SELECTs are answered by pyoxigraph over the same triples.

    pySHACL runs each ``sh:sparql`` constraint once per focus node with ``$this``
    pre-bound; rdflib's engine scans the whole graph for each (11 ms per mention at 35k
    triples, so the build grew quadratically with the corpus). Oxigraph answers the same
    query, the same pre-binding passed as ``substitutions``, in microseconds. pySHACL still
    builds the results (messages, dedup), so reports are unchanged.
    """

    def attach_store(self, store: ox.Store) -> None:
        self.__dict__["_ox_store"] = store

    def query(self, query_object: str | Query, processor: str | Processor = "sparql",
              result: str | type[Result] = "sparql", initNs: Mapping[str, Any] | None = None,
              initBindings: Mapping[str, Identifier] | None = None,
              use_store_provided: bool = True, **kwargs: Any) -> Result:
        store = self.__dict__.get("_ox_store")
        if store is None or not isinstance(query_object, str) or initNs or kwargs \
                or processor != "sparql" or result != "sparql":
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided, **kwargs)
        binds = initBindings or {}
        subs = {ox.Variable(str(k)): to_ox(v) for k, v in binds.items()}
        solutions = store.query(query_object, substitutions=subs or None)
        if not isinstance(solutions, ox.QuerySolutions):
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided)
        names = [v.value for v in solutions.variables]
        out = Result("SELECT")
        out.vars = [Variable(n) for n in names]
        rows: list[Mapping[Variable, Any]] = []
        for sol in solutions:
            row: dict[Variable, Any] = {
                Variable(n): from_ox(sol[n]) for n in names if sol[n] is not None}
            for k, v in binds.items():  # a pre-bound variable is bound in every row
                row.setdefault(Variable(str(k)), v)
            rows.append(row)
        out.bindings = rows
        return out


def oxigraph_store(graph: Graph) -> ox.Store:
    """An Oxigraph store (default graph) holding ``graph``'s triples."""
    store = ox.Store()
    conv = functools.cache(to_ox)  # a term recurs in many triples: convert it once
    store.bulk_extend(ox.Quad(conv(s), conv(p), conv(o), ox.DefaultGraph())  # type: ignore[arg-type]
                      for s, p, o in graph)
    return store


def union_graph(*items: GraphInput | Iterable[GraphInput] | None) -> OxigraphQueryGraph:
    """One graph holding every triple of the given graphs, datasets or files."""
    out = OxigraphQueryGraph()
    for item in items:
        if item is None:
            continue
        parts: Iterable[GraphInput] = item if isinstance(item, (list, tuple)) \
            else [item]  # type: ignore[list-item]
        for part in parts:
            for triple in _as_graph(part):
                out.add(triple)
    return out


def sparql_path(node: Node, *graphs: Graph) -> str:
    """A SHACL property path (an IRI or the blank-node forms) in SPARQL syntax, as the Rust
    engine reports it, so that :func:`ctkg.validate.shacl_result.path_label` reads both."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    for g in graphs:
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(sparql_path(m, *graphs) for m in Collection(g, node)) + ")"
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(sparql_path(m, *graphs)
                                  for m in Collection(g, alternatives)) + ")"
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + sparql_path(inverse, *graphs)
        for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                           (SH.zeroOrOnePath, "?")):
            inner = g.value(node, prop)
            if inner is not None:
                return f"({sparql_path(inner, *graphs)}){mark}"
    return f"_:{node}"


def validate_graph(data: GraphInput, shapes: GraphInput,
                   ontology: GraphInput | Iterable[GraphInput] | None = None
                   ) -> tuple[bool, list[ShaclResult]]:
    """Validate ``data`` (+ ``ontology``) against ``shapes``; return (conforms, results).

    ``conforms`` is pySHACL's verdict (False on any result, warnings included); callers
    that tolerate warnings filter ``results`` by severity.
    """
    data_graph = union_graph(data, ontology)
    data_graph.attach_store(oxigraph_store(data_graph))
    return _validate(data_graph, _as_graph(shapes), None)


def validate_triples(triples: Iterable[ox.Triple], shapes: Graph,
                     focus: Iterable[str] | None = None) -> list[ShaclResult]:
    """Validate pyoxigraph triples (e.g. a unit of :mod:`ctkg.validate.partition`), only the
    ``focus`` nodes (IRIs) if given; the results are those of :func:`validate_graph`."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    graph = OxigraphQueryGraph()
    conv = functools.cache(from_ox)  # a term recurs in many triples: convert it once
    for q in store:
        graph.add((conv(q.subject), conv(q.predicate), conv(q.object)))
    graph.attach_store(store)
    nodes = None if focus is None else frozenset(URIRef(f) for f in focus)
    if nodes is not None and not nodes:
        return []
    return _validate(graph, shapes, nodes)[1]


def _validate(data_graph: Graph, shapes_graph: Graph, focus: frozenset[URIRef] | None
              ) -> tuple[bool, list[ShaclResult]]:
    for prefix, iri in PREFIXES.items():
        data_graph.bind(prefix, iri, replace=True)
    # a frozenset: pySHACL keeps the object and tests membership for every target node
    extra: dict[str, Any] = {"focus_nodes": focus} if focus is not None else {}
    conforms, report, _text = validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference=INFERENCE,
        advanced=True,
        allow_warnings=False,
        abort_on_first=False,
        inplace=True,  # data_graph is our own union copy; keep its query cache
        **extra,
    )
    if not isinstance(report, Graph):
        # pySHACL returns a ValidationFailure (not a report) when a shape itself is broken
        raise CTKGError.single("ontology/shapes.ttl", None, f"SHACL validation failed: {_text}")
    results = [_result(report, res, shapes_graph)
               for res in report.subjects(RDF.type, SH.ValidationResult)]
    return bool(conforms), sorted(results)


def _declared_messages(shapes: Graph, source: Node | None) -> set[str]:
    """The sh:message texts a result of ``source`` may carry: the shape's own and those of
    its SPARQL constraints (empty: pySHACL made up a message of its own)."""
    if source is None:
        return set()
    nodes = [source, *shapes.objects(source, SH.sparql)]
    return {str(m) for n in nodes for m in shapes.objects(n, SH.message)}


def _result(report: Graph, res: Node, shapes_graph: Graph) -> ShaclResult:
    """One result of pySHACL's report graph."""
    severity = report.value(res, SH.resultSeverity)
    source = report.value(res, SH.sourceShape)
    component = report.value(res, SH.sourceConstraintComponent)
    messages = {str(m) for m in report.objects(res, SH.resultMessage)}
    # pySHACL reports a SPARQL constraint with both its own and its shape's message:
    # keep the specific one.
    generic = {str(m) for m in shapes_graph.objects(source, SH.message)} if source else set()
    if messages - generic:
        messages -= generic
    if not _declared_messages(shapes_graph, source):
        messages = set()  # pySHACL's own wording: the message is built from the component
    focus = report.value(res, SH.focusNode)
    path = report.value(res, SH.resultPath)
    value = report.value(res, SH.value)
    return make_result(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        shape=named_shape(source, shapes_graph),
        source_shape=str(source) if isinstance(source, URIRef) else f"_:{source}",
        component=str(component).rsplit("#", 1)[-1] if component else "",
        focus=to_ox(focus) if focus is not None else ox.BlankNode(),
        path=None if path is None else sparql_path(path, report, shapes_graph),
        value=None if value is None else to_ox(value),
        messages=messages)


def named_shape(shape: Node | None, shapes: Graph) -> str:
    """The IRI of the named shape that owns ``shape`` (itself when it is an IRI).

    Property shapes are blank nodes; climbing sh:property (and RDF lists of sh:or/sh:and,
    sh:not, sh:qualifiedValueShape) gives the node shape a reader can look up.
    """
    seen: set[Node] = set()
    node = shape
    while node is not None and not isinstance(node, URIRef) and node not in seen:
        seen.add(node)
        parent = next(iter(shapes.subjects(None, node)), None)
        node = parent
    return str(node) if isinstance(node, URIRef) else ""
