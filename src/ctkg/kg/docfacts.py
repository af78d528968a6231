"""What the build's event checks read of each document, kept under its document key.

Why: the places (each document's ``ctkg:containedInPlace`` lines and its summary's places)
and the events each document makes claims about were read from every document's summary
at each build: 10,000 summaries unpickled from their cache entries (0.77 s of a profiled
incremental build at 10,000 documents) for the one an edit changed. A summary is a function
of its document's key (its files, its catalogue entry, the shared inputs, the code), as the
validation results kept under that key are; so these facts are kept for every document in
one cache entry by that key, and only a document whose key is not there is read from its
summary. Without a cache every summary is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import NamedTuple

from ctkg.kg import parallel
from ctkg.kg.cache import Table
from ctkg.kg.docgraphs import DocGraphs, DocSummary
from ctkg.rdf.terms import ctkg

KIND = "doc-facts"
CONTAINED_IN = b" <%s> " % ctkg("containedInPlace").value.encode()


class DocFacts(NamedTuple):
    """One document's part of the places and of the event checks."""

    containment: bytes | None  # its outward lines naming ctkg:containedInPlace (None: none)
    places: bytes  # its summary's places (N-Triples)
    events: tuple[str, ...]  # the nodes its claims are about, sorted


def facts_of(summary: DocSummary) -> DocFacts:
    """The facts of one summary: the outward lines are kept only where they name
    ``ctkg:containedInPlace`` (the places need no more; parsing every document's outward
    triples took 0.25 s at 10,000 documents)."""
    outward = summary.outward
    containment = (b"\n".join(line for line in outward.splitlines() if CONTAINED_IN in line)
                   if CONTAINED_IN in outward else None)
    return DocFacts(containment, summary.places,
                    tuple(sorted({node for node, _prop in summary.claims})))


def document_facts(docs: DocGraphs, keys: Mapping[str, str] | None,
                   cache: parallel.Cache) -> dict[str, DocFacts]:
    """Every document's facts, in the documents' order: from the cache entry where its key
    (``keys``: each document's key, None without a cache) is found, else from its summary;
    the entry is written again when its keys changed."""
    if cache.folder is None or keys is None:
        return {d: facts_of(docs.summary(d)) for d in docs}
    table: Table[DocFacts] = Table(cache, KIND, parallel.digest(KIND, parallel.code_version()))
    out = {d: table.setdefault(keys[d], partial(_read, docs, d)) for d in docs}
    table.save()
    return out


def _read(docs: DocGraphs, doc_id: str) -> DocFacts:
    return facts_of(docs.summary(doc_id))
