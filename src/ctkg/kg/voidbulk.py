"""The bulk of ``void.ttl`` written as text: one ``void:subset`` block per named graph and
the dataset's lists of subsets and sources.

Why: at 10,000 documents these are 90,000 of VoID's triples and almost all of its 2.2 MB;
made into pyoxigraph terms, put in readable order, checked for prefixes and serialized,
they took 2 s of an incremental build, each time, for figures that are one line each. Every
graph's block has the same shape (the graph's five counts), so it is written from a
template; pyoxigraph renders the rest of VoID with the *first* graph and document in it, and
the template's text of those is checked against what pyoxigraph wrote: the other graphs and
documents are spliced in beside them only if it is the same, byte for byte (else the caller
renders everything with pyoxigraph, as before).

Why the splice gives pyoxigraph's bytes: the graphs' names are the local names of every
subset and graph IRI, and the documents' of every source IRI; when each is a clean local
name (:func:`ctkg.kg.pieces.clean_local`) and no prefix's namespace lies under the stem they
follow, every such IRI has the first one's signature, so the prefixes declared are the same
and each is written as ``prefix:local``; the subset blocks sort together (all their subjects
share ``…/void/graph/`` and no other subject does) in the natural order of their IRIs, as
do the objects of one predicate (:func:`ctkg.kg.dumps.readable_order`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ctkg.kg.graphstats import GraphFigures
from ctkg.kg.pieces import clean_local
from ctkg.rdf.namespaces import GRAPH_NS, ID_NS
from ctkg.rdf.terms import natural_key

SUBSET_NS = f"{ID_NS}void/graph/"
DOCUMENT_NS = f"{ID_NS}document/"


@dataclass(frozen=True)
class Bulk:
    """The graphs (graph IRI, local name) and documents, each in natural order of the IRI
    they are written as, with their figures."""

    graphs: list[tuple[str, str]]
    documents: list[str]
    figures: Mapping[str, GraphFigures]


def plan(graphs: Mapping[str, GraphFigures], documents: Sequence[str],
         prefixes: Mapping[str, str]) -> Bulk | None:
    """The bulk to write as text, or None when it cannot be (no graph or no document, a
    graph outside ``graph/``, a name that is not a clean local name, or a prefix under one
    of the stems): then pyoxigraph renders all of VoID."""
    if not graphs or not documents or any(not g.startswith(GRAPH_NS) for g in graphs):
        return None
    stems = (SUBSET_NS, GRAPH_NS, DOCUMENT_NS)
    if any(ns.startswith(stem) and ns != stem for ns in prefixes.values() for stem in stems):
        return None
    named = [(g, g[len(GRAPH_NS):]) for g in graphs]
    docs = sorted(set(documents), key=lambda d: natural_key(DOCUMENT_NS + d))
    if not all(clean_local(local) and local for _g, local in named) or not all(
            clean_local(d) and d for d in docs):
        return None
    named.sort(key=lambda gl: natural_key(SUBSET_NS + gl[1]))
    return Bulk(named, docs, graphs)


def block(local: str, fig: GraphFigures) -> bytes:
    """A graph's ``void:subset`` block as pyoxigraph writes it (predicates in readable
    order: ``a`` first, then by prefixed name)."""
    return (f"subset:{local} a void:Dataset ;\n"
            f"\tsd:name ctkgg:{local} ;\n"
            f"\tvoid:classes {len(fig.members_of)} ;\n"
            f"\tvoid:distinctObjects {fig.distinct_objects} ;\n"
            f"\tvoid:distinctSubjects {fig.distinct_subjects} ;\n"
            f"\tvoid:properties {fig.property_count} ;\n"
            f"\tvoid:triples {fig.triples} .\n").encode()


def splice(rendered: bytes, bulk: Bulk) -> bytes | None:
    """``rendered`` (VoID rendered by pyoxigraph with the first graph and document only)
    with the others spliced in; None if the first ones are not written as the template
    writes them (the caller then renders the whole)."""
    first_local = bulk.graphs[0][1]
    witness = b"\n" + block(first_local, bulk.figures[bulk.graphs[0][0]])
    subsets = f"\tvoid:subset subset:{first_local} ".encode()
    sources = f"\tdcterms:source document:{bulk.documents[0]} ".encode()
    if any(rendered.count(part) != 1 for part in (witness, subsets, sources)):
        return None
    at = rendered.index(witness) + len(witness)
    rest = b"".join(block(local, bulk.figures[g]) for g, local in bulk.graphs[1:])
    out = rendered[:at] + rest + rendered[at:]
    out = out.replace(subsets, b"\tvoid:subset " + b" , ".join(
        f"subset:{local}".encode() for _g, local in bulk.graphs) + b" ", 1)
    return out.replace(sources, b"\tdcterms:source " + b" , ".join(
        f"document:{d}".encode() for d in bulk.documents) + b" ", 1)
