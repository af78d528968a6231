"""SHACL at native speed: the Rust engine of the ``shacl`` package, with pySHACL's verdicts.

Why this engine: pySHACL took 85% of the build (44 s at 1,000 documents, superlinear in the
mentions of one document: 75 million rdflib term comparisons at 1,000 mentions), while
``shacl`` validates a unit's N-Triples, as :mod:`ctkg.validate.partition` already writes
them, in milliseconds, and compiles the shapes once per process (``Shapes`` is immutable).
Of the two Rust engines on PyPI it is the one that reads our bytes directly: pyshacl-turbo
wants an rdflib graph, and loading one cost more than its validation. Both agreed with
pySHACL on every shape fixture; ``shacl`` reports what we need to keep the results
engine-independent: the constraint component, the enclosing named shape (``root_shape``),
the path in SPARQL syntax, the shape's own messages (none where it declares none), terms in
N-Triples. tests/validate/test_shacl_rust.py checks it against pySHACL (the reference) on
the fixtures and on planted defects.

It cannot restrict validation to chosen focus nodes, so a unit's results about nodes
outside its ``focus`` (shared nodes seen only in part) are dropped, as pySHACL never
produces them. Finding them was most of the engine's time on a shared unit, which holds the
rdf:type of the mentions its entities point to: each mention was checked against
MentionShape (a dozen violations apiece, all dropped). So a unit that says what its focus
nodes are (their classes and predicates: ``seen``) is validated against a variant of the
shapes (:func:`variant`, compiled once per process) in which a shape keeps its class and
subjects-of targets only if one of them may select a focus node. A shape without targets
still checks the nodes that other shapes send it (sh:node, sh:qualifiedValueShape, ...), and
a result about a focus node comes from a shape that targets it, so the results kept are the
same.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Set
from dataclasses import dataclass, field

import pyoxigraph as ox
import shacl
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from ctkg.errors import CTKGError
from ctkg.validate.shacl_result import ShaclResult, make_result, parse_term
from ctkg.validate.shacl_sparql import SparqlConstraint, run_sparql, split_sparql

_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf)
_KINDS = {SH.targetClass: "class", SH.targetSubjectsOf: "subjects"}
_PREDICATES = {kind: str(p) for p, kind in _KINDS.items()}


# a shape's target that may be dropped: (shape IRI, "class" or "subjects", class/predicate)
Target = tuple[str, str, str]


@dataclass(frozen=True)
class RustShapes:
    """The shapes compiled for the Rust engine, and the SPARQL constraints taken out of
    them to run on pyoxigraph (:mod:`ctkg.validate.shacl_sparql`); ``lines`` and
    ``targets``: what :func:`variant` drops targets from."""

    core: shacl.Shapes
    sparql: tuple[SparqlConstraint, ...]
    lines: tuple[str, ...] = ()  # ``core`` as N-Triples
    targets: tuple[Target, ...] = ()
    variants: dict[frozenset[Target], shacl.Shapes] = field(default_factory=dict,
                                                            compare=False, hash=False)


@functools.cache
def compile_shapes(shapes_ttl: bytes) -> RustShapes:
    """The shapes, compiled once per process; a broken shape raises CTKGError."""
    try:
        parsed = Graph().parse(data=shapes_ttl, format="turtle")
        rest, sparql = split_sparql(parsed)
        text = rest.serialize(format="nt")
        core = shacl.Shapes.from_text(text, format="ntriples")
    except (ValueError, RuntimeError, SyntaxError) as exc:
        raise CTKGError.single("ontology/shapes.ttl", None,
                               f"SHACL shapes could not be compiled: {exc}") from exc
    lines = tuple(text.splitlines())
    targets = _droppable(rest)
    if not set(map(_line, targets)) <= set(lines):
        targets = ()  # not written as expected: none is dropped
    return RustShapes(core, sparql, lines, targets)


def _line(target: Target) -> str:
    """The N-Triples line of a target."""
    shape, kind, value = target
    return f"<{shape}> <{_PREDICATES[kind]}> <{value}> ."


def _droppable(shapes: Graph) -> tuple[Target, ...]:
    """The class and subjects-of targets of the named shapes whose every target is one of
    those (a shape with a node or objects-of target, or that is a class itself, keeps
    its targets)."""
    out: list[Target] = []
    for shape in {s for p in _TARGETS for s in shapes.subjects(p, None)}:
        if not isinstance(shape, URIRef) or any(
                (shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)):
            continue
        own = [(p, o) for p in _TARGETS for o in shapes.objects(shape, p)]
        if all(p in _KINDS and isinstance(o, URIRef) for p, o in own):
            out += [(str(shape), _KINDS[p], str(o)) for p, o in own]
    return tuple(sorted(out))


def variant(shapes: RustShapes, seen: Set[str]) -> shacl.Shapes:
    """The shapes without the targets that select no focus node (``seen``: the focus nodes'
    classes, with their superclasses, and predicates; the module docstring says why),
    compiled once per process for each set of targets dropped."""
    drop = frozenset(t for t in shapes.targets
                     if not any(u[0] == t[0] and u[2] in seen for u in shapes.targets))
    if not drop:
        return shapes.core
    compiled = shapes.variants.get(drop)
    if compiled is None:
        gone = set(map(_line, drop))
        text = "\n".join(line for line in shapes.lines if line not in gone)
        compiled = shapes.variants[drop] = shacl.Shapes.from_text(text, format="ntriples")
    return compiled


def validate_ntriples(data: bytes, shapes: RustShapes, focus: Iterable[str] | None = None,
                      seen: Set[str] | None = None) -> list[ShaclResult]:
    """Validate N-Triples (or N-Quads: the graph of their union) ``data``; only the results
    about the ``focus`` IRIs if given (the same results as
    :func:`ctkg.validate.shacl.validate_triples` on the same triples), against the shapes'
    :func:`variant` for ``seen`` if given."""
    keep = None if focus is None else set(focus)
    if keep is not None and not keep:
        return []
    core = shapes.core if keep is None or seen is None else variant(shapes, seen)
    report = core.validate_text(data.decode("utf-8"), format="nquads")
    results = [_result(r) for r in report.results
               if keep is None or (r.focus_node[1:-1] in keep and r.focus_node[0] == "<")]
    if shapes.sparql:
        store = ox.Store()
        store.load(data, format=ox.RdfFormat.N_QUADS)  # a unit: faster than bulk_load
        results += run_sparql(store, shapes.sparql, keep)
    return sorted(results)


def _result(r: shacl.Result) -> ShaclResult:
    shape = r.root_shape or ""
    source = r.source_shape or ""
    return make_result(
        severity=r.severity,
        shape=shape[1:-1] if shape.startswith("<") else "",
        source_shape=source[1:-1] if source.startswith("<") else source,
        component=r.component,
        focus=parse_term(r.focus_node),
        path=r.path,
        value=None if r.value is None else parse_term(r.value),
        messages=r.messages)
