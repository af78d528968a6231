"""One SHACL result, the same whichever engine found it.

Why a module of its own: the build validates with pySHACL (the reference) or with a Rust
engine (:mod:`ctkg.validate.shacl_rust`), and a violation must read the same either way,
since the build report and the error a user sees are made from it. So both engines hand
their raw findings (terms, a property path in SPARQL syntax, the messages) to
:func:`make_result`, which does all the labelling: prefixed names from one namespace map,
paths from one renderer, and a message that is the shape's own ``sh:message`` or, where a
shape has none, one built from the constraint component (never an engine's default text).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ctkg.rdf.namespaces import PREFIXES

ENGINES = ("rust", "pyshacl")  # the first is the build's default


@dataclass(frozen=True, order=True)
class ShaclResult:
    """One SHACL validation result, flattened for printing and testing."""

    severity: str  # "Violation" | "Warning" | "Info"
    shape: str  # IRI of the named shape the result belongs to (owner of a blank property shape)
    source_shape: str  # sh:sourceShape: an IRI, or "_:..." (an engine's own blank node label)
    focus_node: str
    path: str | None
    value: str | None
    message: str
    # the same nodes unabbreviated, to find where they come from: the focus node's and the
    # path's IRI, the value in N-Triples form (None for a blank node or no value)
    focus_iri: str | None = field(default=None, compare=False)
    path_iri: str | None = field(default=None, compare=False)
    value_term: str | None = field(default=None, compare=False)
    component: str = field(default="", compare=False)  # e.g. "MinCountConstraintComponent"

    def __str__(self) -> str:
        where = self.focus_node if self.path is None else f"{self.focus_node} {self.path}"
        value = "" if self.value is None else f" (value {self.value})"
        return f"{self.severity}: {where}{value}: {self.message} [{self.shape}]"


@functools.cache
def _names() -> Graph:
    """The namespace map labels come from: rdflib's defaults with CTKG's prefixes on top
    (what pySHACL's data graph always had, so labels did not change with the engines)."""
    g = Graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, replace=True)
    return g


@functools.cache
def iri_label(iri: str) -> str:
    """A prefixed name where a bound namespace gives one, else the plain IRI."""
    name = _names().namespace_manager.normalizeUri(URIRef(iri))
    return iri if name.startswith("<") else name


def term_label(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """A readable form of a node: prefixed name or IRI, a literal's lexical form, ``[]``
    for a blank node (whose label is the engine's own)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return iri_label(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return "[]"


_IRI_IN_PATH = re.compile(r"<([^<>\s]*)>")
_ALTERNATIVES = re.compile(r"^\((<[^<>\s]*>(?:\|<[^<>\s]*>)+)\)$")


def path_label(path: str | None) -> str | None:
    """A property path given in SPARQL syntax (``<p>``, ``(<a>|<b>)``, ``^<p>``, ...) with
    its IRIs as prefixed names where a namespace is bound: a single predicate as its name
    or IRI, alternatives of predicates as ``a|b``, any other path in SPARQL syntax."""
    if path is None:
        return None
    single = _IRI_IN_PATH.fullmatch(path)
    if single:
        return iri_label(single.group(1))
    alternatives = _ALTERNATIVES.match(path)
    if alternatives:
        return "|".join(iri_label(m.group(1))
                        for m in _IRI_IN_PATH.finditer(alternatives.group(1)))
    return _IRI_IN_PATH.sub(lambda m: _prefixed(m.group(1)), path)


def _prefixed(iri: str) -> str:
    label = iri_label(iri)
    return f"<{iri}>" if label == iri else label


def path_iri(path: str | None) -> str | None:
    """The IRI of a path that is a single predicate."""
    m = _IRI_IN_PATH.fullmatch(path or "")
    return m.group(1) if m else None


def parse_term(nt: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term written in N-Triples syntax."""
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {nt} .", format=ox.RdfFormat.N_TRIPLES)))
    term = quad.object
    assert isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal))
    return term


def make_result(severity: str, shape: str, source_shape: str, component: str,
                focus: ox.NamedNode | ox.BlankNode | ox.Literal, path: str | None,
                value: ox.NamedNode | ox.BlankNode | ox.Literal | None,
                messages: Iterable[str]) -> ShaclResult:
    """The result of either engine; ``messages``: those the shape declared (substituted),
    none where it declares none."""
    message = "; ".join(sorted(set(messages)))
    if not message:
        where = f" on {path_label(path)}" if path else ""
        message = f"fails sh:{component}{where} (the shape has no sh:message)"
    return ShaclResult(
        severity=severity, shape=shape, source_shape=source_shape,
        focus_node=term_label(focus) or "", path=path_label(path), value=term_label(value),
        message=message,
        focus_iri=focus.value if isinstance(focus, ox.NamedNode) else None,
        path_iri=path_iri(path),
        value_term=str(value) if isinstance(value, (ox.NamedNode, ox.Literal)) else None,
        component=component)
