"""pyoxigraph terms of CTKG: the one term model of the build.

A quad is a :class:`pyoxigraph.Quad` of NamedNodes and Literals (no blank nodes: parsed
ones are skolemized). Terms pickle, though slowly: the parallel build sends quads between
processes as N-Quads instead. Every sort names its key: :func:`quad_key` (canonical N-Quads
order) or :func:`natural_key` (numbers inside names by value: E2 before E10).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from ctkg.rdf.namespaces import (
    CTKG_NS,
    GAF_NS,
    GRAPH_NS,
    ID_NS,
    OA_NS,
    ORG_NS,
    PROV_NS,
    RDF_NS,
    RDFS_NS,
    TIME_NS,
    XSD_NS,
)

Term = ox.NamedNode | ox.Literal
Quad = ox.Quad
Triple = ox.Triple

_FORBIDDEN_IRI = set('<>"{}|^`\\ \t\n\r')


def named(value: str) -> ox.NamedNode:
    """An IRI; refuses one that N-Triples cannot hold (or without a scheme)."""
    if not value or any(c in _FORBIDDEN_IRI for c in value) or ":" not in value:
        raise ValueError(f"not a usable IRI: {value!r}")
    return ox.NamedNode(value)


def ctkg(local: str) -> ox.NamedNode:
    """An ontology term ``ctkg:<local>``."""
    return ox.NamedNode(CTKG_NS + local)


def ident(path: str) -> ox.NamedNode:
    """An instance IRI ``id/<path>``."""
    return ox.NamedNode(ID_NS + path)


def graph_of(name: str) -> ox.NamedNode:
    """A graph IRI ``graph/<name>``."""
    return ox.NamedNode(GRAPH_NS + name)


XSD_STRING = ox.NamedNode(XSD_NS + "string")
XSD_INTEGER = ox.NamedNode(XSD_NS + "integer")
XSD_BOOLEAN = ox.NamedNode(XSD_NS + "boolean")
RDF_TYPE = ox.NamedNode(RDF_NS + "type")
RDF_SUBJECT = ox.NamedNode(RDF_NS + "subject")
RDF_PREDICATE = ox.NamedNode(RDF_NS + "predicate")
RDF_OBJECT = ox.NamedNode(RDF_NS + "object")
RDFS_LABEL = ox.NamedNode(RDFS_NS + "label")
RDFS_COMMENT = ox.NamedNode(RDFS_NS + "comment")
RDFS_SUBCLASS_OF = ox.NamedNode(RDFS_NS + "subClassOf")
GAF_DENOTED_BY = ox.NamedNode(GAF_NS + "denotedBy")
PROV_DERIVED = ox.NamedNode(PROV_NS + "wasDerivedFrom")
PROV_ATTRIBUTED = ox.NamedNode(PROV_NS + "wasAttributedTo")
ORG_HOLDS = ox.NamedNode(ORG_NS + "holds")
ORG_POST_IN = ox.NamedNode(ORG_NS + "postIn")


def oa(local: str) -> ox.NamedNode:
    """A Web Annotation term ``oa:<local>``."""
    return ox.NamedNode(OA_NS + local)


# registry granularity -> time unit
UNITS = {"day": ox.NamedNode(TIME_NS + "unitDay"), "week": ox.NamedNode(TIME_NS + "unitWeek"),
         "month": ox.NamedNode(TIME_NS + "unitMonth"),
         "year": ox.NamedNode(TIME_NS + "unitYear"), "season": ctkg("unitSeason")}


def lit(value: str | int | bool, datatype: ox.NamedNode | None = None,
        lang: str | None = None) -> ox.Literal:
    """A literal (plain strings are ``xsd:string``; booleans and ints typed)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD_INTEGER)
    if lang:
        return ox.Literal(value, language=lang.lower())
    if datatype is not None and datatype != XSD_STRING:
        return ox.Literal(value, datatype=datatype)
    return ox.Literal(value)


# the kinds of node a document mints under its own id (``id/mention/<doc>/T3``): they are
# local to that document's graph (``ctkg.validate.partition``, ``ctkg.kg.graphstats``)
LOCAL_KINDS = ("mention", "statement", "assertion", "quantity")
LOCAL_STARTS = tuple(f"{ID_NS}{kind}/" for kind in LOCAL_KINDS)  # any document's


def local_document(iri: str) -> str | None:
    """The document whose node ``iri`` is (``…/mention/<doc>/T1`` -> ``<doc>``), or None
    for any other IRI."""
    if not iri.startswith(LOCAL_STARTS):
        return None
    at = iri.index("/", len(ID_NS)) + 1  # after the kind
    slash = iri.find("/", at)
    return iri[at:slash] if slash > at else None


def local_starts(doc_id: str) -> tuple[str, ...]:
    """The IRI prefixes of the nodes local to document ``doc_id``."""
    return tuple(f"{ID_NS}{kind}/{doc_id}/" for kind in LOCAL_KINDS)


# a string's escape sequences (ECHAR) in N-Triples, Turtle and SPARQL: the letter -> the char
ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
          "\\": "\\"}


def iri_of(term: object) -> str:
    """The IRI of a NamedNode (a build has no other subjects); TypeError otherwise."""
    if isinstance(term, ox.NamedNode):
        return term.value
    raise TypeError(f"not an IRI: {term}")


def quad_key(quad: ox.Quad) -> str:
    """The canonical N-Quads form of a quad: the build's sort key (graph first)."""
    return f"{quad.graph_name} {quad.subject} {quad.predicate} {quad.object}"


_DIGITS = re.compile(r"(\d+)")


NaturalKey = tuple[tuple[tuple[int, int | str], ...], str]  # what natural_key returns


@lru_cache(maxsize=1 << 18)  # the dumps sort the same IRIs again and again
def natural_key(text: str) -> NaturalKey:
    """Sort key of a name with numbers in it by their value: T9 before T10, E2 before E10
    (then the text itself, so that "E02" and "E2" still have a fixed order)."""
    parts = _DIGITS.split(text)
    return tuple([(1, int(p)) if i % 2 else (0, p) for i, p in enumerate(parts) if p]), text
