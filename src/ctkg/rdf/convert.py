"""Convert terms between pyoxigraph and rdflib, in one place.

Validation (pySHACL on rdflib graphs, SPARQL on pyoxigraph) and the Wikidata cache (parsed by
pyoxigraph, checked with rdflib) both cross this boundary; literals keep their lexical form.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, Node, URIRef

from ctkg.rdf.namespaces import XSD_NS

XSD_STRING = XSD_NS + "string"


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    return ox.BlankNode(str(term))


def from_ox(term: object) -> Node:
    """A pyoxigraph term as an rdflib term (xsd:string literals plain, as rdflib parses them;
    the lexical form kept as written, not normalized)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unexpected term {term!r}")
