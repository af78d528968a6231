"""SHACL results as Problems located at the annotation (or registry entry) behind them.

A result names a focus node, a path and a value. Where a reified assertion produced that
focus-path-value fact, the problem points to the annotations of those assertions; else to
the focus node's own source (its mention, statement, registry or catalogue entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ctkg.errors import Problem
from ctkg.rdf.sources import Source
from ctkg.rdf.terms import RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT
from ctkg.validate.shacl import ShaclResult

_REIF = {RDF_SUBJECT.value: "s", RDF_PREDICATE.value: "p", RDF_OBJECT.value: "o"}
AssertionIndex = dict[tuple[str, str], list[tuple[str, str]]]


def assertion_index(quads: Iterable[ox.Quad]) -> AssertionIndex:
    """(subject IRI, predicate IRI) -> [(object in N-Triples form, assertion IRI)] over
    every reified fact."""
    parts: dict[str, dict[str, object]] = {}
    for q in quads:
        role = _REIF.get(q.predicate.value)
        if role is not None and isinstance(q.subject, ox.NamedNode):
            parts.setdefault(q.subject.value, {})[role] = q.object
    index: AssertionIndex = {}
    for a, spo in parts.items():
        s, p = spo.get("s"), spo.get("p")
        if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and "o" in spo:
            index.setdefault((s.value, p.value), []).append((str(spo["o"]), a))
    return index


def shacl_problem(r: ShaclResult, sources: Mapping[str, Source],
                  index: AssertionIndex) -> Problem:
    """One SHACL result as a Problem (an error for a Violation, else a warning)."""
    origins: list[Source] = []
    if r.focus_iri and r.path_iri:
        for o, a in index.get((r.focus_iri, r.path_iri), []):
            if (r.value_term is None or o == r.value_term) and a in sources:
                origins.append(sources[a])
    src = sources.get(r.focus_iri or "")
    where = origins[0] if origins else src
    text = f"SHACL {r.severity}: {r.focus_node}"
    text += f" {r.path}" if r.path else ""
    text += f" (value {r.value})" if r.value is not None else ""
    text += f": {r.message} [{r.shape}]"
    if where is not None:
        text += f" — from {where.what}"
    if len(origins) > 1:
        text += "; also " + "; ".join(str(o) for o in sorted(set(origins[1:]), key=str))
    return Problem(where.file if where else "<graph>", where.line if where else None, text,
                   "error" if r.severity == "Violation" else "warning")


def shacl_problems(results: Iterable[ShaclResult], sources: Mapping[str, Source],
                   doc_quads: Iterable[ox.Quad]) -> list[Problem]:
    """Every result as a Problem, once each (several units or SPARQL rows may report one
    focus node), sorted."""
    results = list(results)
    index = assertion_index(doc_quads) if results else {}
    return sorted({shacl_problem(r, sources, index) for r in results})
