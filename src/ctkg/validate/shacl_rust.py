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
produces them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import shacl
from rdflib import Graph

from ctkg.errors import CTKGError
from ctkg.validate.shacl_result import ShaclResult, make_result, parse_term
from ctkg.validate.shacl_sparql import SparqlConstraint, run_sparql, split_sparql


@dataclass(frozen=True)
class RustShapes:
    """The shapes compiled for the Rust engine, and the SPARQL constraints taken out of
    them to run on pyoxigraph (:mod:`ctkg.validate.shacl_sparql`)."""

    core: shacl.Shapes
    sparql: tuple[SparqlConstraint, ...]


@functools.cache
def compile_shapes(shapes_ttl: bytes) -> RustShapes:
    """The shapes, compiled once per process; a broken shape raises CTKGError."""
    try:
        parsed = Graph().parse(data=shapes_ttl, format="turtle")
        rest, sparql = split_sparql(parsed)
        core = shacl.Shapes.from_text(rest.serialize(format="nt"), format="ntriples")
    except (ValueError, RuntimeError, SyntaxError) as exc:
        raise CTKGError.single("ontology/shapes.ttl", None,
                               f"SHACL shapes could not be compiled: {exc}") from exc
    return RustShapes(core, sparql)


def validate_ntriples(data: bytes, shapes: RustShapes,
                      focus: Iterable[str] | None = None) -> list[ShaclResult]:
    """Validate N-Triples ``data``; only the results about the ``focus`` IRIs if given (the
    same results as :func:`ctkg.validate.shacl.validate_triples` on the same triples)."""
    keep = None if focus is None else set(focus)
    if keep is not None and not keep:
        return []
    report = shapes.core.validate_text(data.decode("utf-8"), format="ntriples")
    results = [_result(r) for r in report.results
               if keep is None or (r.focus_node[1:-1] in keep and r.focus_node[0] == "<")]
    if shapes.sparql:
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
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
