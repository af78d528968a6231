"""The SPARQL-based constraints of the shapes, run on pyoxigraph for the Rust engine.

Why not leave them to the Rust engine: ``shacl`` evaluates a ``sh:sparql`` constraint per
focus node without using the ``$this`` binding to drive the join, so MentionShape's check
(a mention's fragment within its document) cost time proportional to the mentions times
the data: 10 s of 10.5 s on a document of 4,000 mentions, quadratic in the mentions. Oxigraph
answers the same query with ``$this`` pre-bound (``substitutions``, SPARQL SEP-0007: what
pySHACL does through :class:`ctkg.validate.shacl.OxigraphQueryGraph`) by index lookups, so
the cost is linear. The result is made as pySHACL makes it: the focus node, the value
(``?value`` or the focus node), ``?path`` if bound, and each ``sh:message`` of the
constraint (else of its shape) with ``{?var}`` replaced by the row's value.

Only constraints on a targeted node shape that nothing else refers to (not a value shape
of sh:node, sh:or, ...; no sh:path, no ``$currentShape``/``$shapesGraph``) are taken
out; any other stays with the Rust engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Node, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from ctkg.validate.shacl_result import ShaclResult, make_result

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_TARGET_QUERY = {
    str(SH.targetClass): "SELECT DISTINCT ?t WHERE {{ ?t a/<{rdfs}subClassOf>* <{x}> }}",
    str(SH.targetSubjectsOf): "SELECT DISTINCT ?t WHERE {{ ?t <{x}> ?o }}",
    str(SH.targetObjectsOf): "SELECT DISTINCT ?t WHERE {{ ?s <{x}> ?t }}",
}
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
FOCUS = "#FOCUS-NODES#"  # replaced by the focus nodes (a comment if left in a query)
_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
# a plain SELECT of variables over one WHERE group: the only form taken out
_PLAIN = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+)?((?:[?$]\w+\s+)+)WHERE\s*\{", re.I)
_UNSUPPORTED = re.compile(r"\$(?:currentShape|shapesGraph|PATH)\b|\b(?:GROUP\s+BY|HAVING|LIMIT|"
                          r"OFFSET|ORDER\s+BY|SERVICE)\b", re.I)


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a named node shape, ready to run."""

    shape: str  # the node shape's IRI
    severity: str
    targets: tuple[tuple[str, str], ...]  # (target predicate IRI, its value as N-Triples)
    query: str  # with its sh:prefixes declared
    messages: tuple[str, ...]  # templates: the constraint's, else the shape's


def split_sparql(shapes: Graph) -> tuple[Graph, tuple[SparqlConstraint, ...]]:
    """(the shapes without the constraints taken out, those constraints)."""
    referenced = {o for s, p, o in shapes if p not in _TARGETS and p != RDF.type
                  and isinstance(o, URIRef)}
    taken: list[SparqlConstraint] = []
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        c = _constraint(shapes, shape, constraint, referenced)
        if c is not None:
            taken.append(c)
            rest.remove((shape, SH.sparql, constraint))
    return rest, tuple(taken)


def _constraint(shapes: Graph, shape: Node, constraint: Node, referenced: set[URIRef]
                ) -> SparqlConstraint | None:
    select = shapes.value(constraint, SH.select)
    query = _set_at_a_time(str(select)) if select is not None else None
    if not isinstance(shape, URIRef) or shape in referenced or query is None \
            or shapes.value(shape, SH.path) is not None \
            or shapes.value(constraint, SH.deactivated) is not None \
            or shapes.value(shape, SH.deactivated) is not None:
        return None
    targets = tuple(sorted((str(p), _nt(v)) for p in _TARGETS
                           for v in shapes.objects(shape, p)))
    if not targets or any((shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)):
        return None  # no explicit target (or an implicit class target): left to the engine
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for owner in shapes.objects(constraint, SH.prefixes)
        for d in shapes.objects(owner, SH.declare))
    severity = shapes.value(shape, SH.severity)
    messages = [str(m) for m in shapes.objects(constraint, SH.message)] \
        or [str(m) for m in shapes.objects(shape, SH.message)]
    return SparqlConstraint(
        shape=str(shape), severity=str(severity or SH.Violation).rsplit("#", 1)[-1],
        targets=targets, query=prefixes + query, messages=tuple(sorted(messages)))


def _set_at_a_time(select: str) -> str | None:
    """The query for all focus nodes at once: ``$this`` projected and bound by a VALUES
    block (``FOCUS``) at the head of the WHERE group, the join that pre-binding means for
    a plain SELECT; None for any other form of query (subqueries, aggregates, ...)."""
    m = _PLAIN.match(select)
    if m is None or _UNSUPPORTED.search(select) or len(re.findall(r"\bSELECT\b", select,
                                                                  re.I)) != 1:
        return None
    names = [v[1:] for v in m.group(1).split() if v[1:] != "this"]
    projection = "".join(f" ?{n}" for n in names)
    return f"SELECT ?this{projection} WHERE {{\n  VALUES ?this {{ {FOCUS} }}" + select[m.end():]


def _nt(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else node.n3()


def _focus_nodes(store: ox.Store, c: SparqlConstraint) -> set[ox.NamedNode | ox.BlankNode]:
    nodes: set[ox.NamedNode | ox.BlankNode] = set()
    for pred, value in c.targets:
        if pred == str(SH.targetNode):
            term = ox.NamedNode(value[1:-1]) if value.startswith("<") else None
            if term is not None:
                nodes.add(term)
            continue
        query = _TARGET_QUERY[pred].format(rdfs=_RDFS, x=value[1:-1])
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            t = row["t"]
            if isinstance(t, (ox.NamedNode, ox.BlankNode)):
                nodes.add(t)
    return nodes


def _render(term: object) -> str:
    """A value in a message, as pySHACL writes it (an IRI in full, a literal's lexical
    form)."""
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return term.value
    return str(term)


def run_sparql(store: ox.Store, constraints: Iterable[SparqlConstraint],
               focus: set[str] | None) -> list[ShaclResult]:
    """Every constraint on its focus nodes (those among ``focus`` IRIs if given), one query
    per constraint."""
    out: set[ShaclResult] = set()
    for c in constraints:
        nodes = sorted((n for n in _focus_nodes(store, c) if focus is None
                        or (isinstance(n, ox.NamedNode) and n.value in focus)), key=str)
        if not nodes:
            continue
        solutions = store.query(c.query.replace(FOCUS, " ".join(map(str, nodes))),
                                use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {n: row[n] for n in names if row[n] is not None}
            node = bound["this"]
            path = bound.get("path")
            value = bound.get("value", node)
            out.add(make_result(
                severity=c.severity, shape=c.shape, source_shape=c.shape,
                component="SPARQLConstraintComponent", focus=node,
                path=f"<{path.value}>" if isinstance(path, ox.NamedNode) else None,
                value=value,
                messages=[_VAR.sub(lambda m, b=bound: _render(b[m.group(1)])  # type: ignore[misc]
                                   if m.group(1) in b else m.group(0), t)
                          for t in c.messages]))
    return sorted(out)
