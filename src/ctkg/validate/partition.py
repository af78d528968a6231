"""SHACL validation split into independent units, so that it can run in parallel and be
cached per document.

Why the split is sound for ``ontology/shapes.ttl``. Every node of the build is either
*document-local* (``id/mention/<doc>/…``, ``id/statement/<doc>/…``,
``id/assertion/<doc>/…``: all their triples are in ``graph/<doc>``) or *shared* (registry
entities, events, concepts, source documents, ontology terms: described in graph/registry,
catalogue, ontology and wikidata, and also the subject of plain facts in document graphs,
e.g. ``event ctkg:organizer org`` or ``person gaf:denotedBy mention``). The shapes look at a
focus node's own triples, at the rdf:type (with the ontology's rdfs:subClassOf hierarchy) of
the nodes it points to (``sh:class``), and MentionShape's SPARQL goes one hop further, to the
mention's selectors (local) and its document's ``ctkg:characterCount`` (catalogue). So:

- a *document unit* validates the local nodes of some documents (``focus``) on those
  documents' triples plus, for every other node they mention, its description in the
  non-document graphs, plus the class hierarchy;
- a *shared unit* validates some shared nodes on all their triples from every graph (a
  registry event with its participants from every document: cardinalities count all of
  them), plus the same one-hop descriptions of what they point to (the rdf:type of a
  document-local node included), plus the class hierarchy.

Every focus node is in exactly one unit, and each unit holds every triple a shape reads for
its focus nodes, so the union of the units' results is the result of validating the union
graph. Shapes that target nodes by ``sh:targetNode`` or ``sh:targetObjectsOf`` (a node need
not be a subject) are not covered: :func:`partitionable` says so and the build then
validates the union as one unit. tests/test_scale.py checks plain and split validation find
the same violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass

from ctkg.build.compile import RDF_TYPE, Quad

_LOCAL_RE = re.compile(r"^<https://w3id\.org/ctkg/id/(?:mention|statement|assertion)/([^/>]+)/")
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
DOC_GRAPH_PREFIX = "<https://w3id.org/ctkg/graph/"
SHARED_GRAPHS = ("ontology", "registry", "catalogue", "wikidata")
Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Unit:
    """A piece of validation: N-Triples text of the data, and the nodes to validate."""

    data: str
    focus: tuple[str, ...]


def local_doc(term: str) -> str | None:
    """The document a document-local node belongs to (None for a shared node)."""
    m = _LOCAL_RE.match(term)
    return m.group(1) if m else None


def partitionable(shapes: object) -> bool:
    """Whether the shapes graph only uses targets whose focus nodes are subjects."""
    from rdflib.namespace import SH

    return not any(True for p in (SH.targetNode, SH.targetObjectsOf)
                   for _ in shapes.triples((None, p, None)))  # type: ignore[attr-defined]


class SharedIndex:
    """Descriptions (subject -> triples) of the non-document graphs, and the hierarchy."""

    def __init__(self, shared_quads: Iterable[Quad]) -> None:
        self.desc: dict[str, list[Triple]] = {}
        hierarchy: set[Triple] = set()
        for _g, s, p, o in shared_quads:
            self.desc.setdefault(s, []).append((s, p, o))
            if p == SUBCLASS:
                hierarchy.add((s, p, o))
        self.hierarchy = sorted(hierarchy)

    def neighbourhood(self, terms: Iterable[str], out: set[Triple]) -> None:
        """Add the shared description of each IRI term to ``out``."""
        desc = self.desc
        for t in terms:
            d = desc.get(t)
            if d:
                out.update(d)


def _text(triples: Iterable[Triple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples))


def document_unit(doc_quads: Iterable[Quad], index: SharedIndex) -> Unit:
    """The unit of one or more documents' local nodes."""
    triples: set[Triple] = set(index.hierarchy)
    focus: set[str] = set()
    others: set[str] = set()
    for _g, s, p, o in doc_quads:
        triples.add((s, p, o))
        if local_doc(s) is not None:
            focus.add(s)
        else:
            others.add(s)
        if o.startswith("<") and local_doc(o) is None:
            others.add(o)
    index.neighbourhood(others, triples)
    return Unit(_text(triples), tuple(sorted(focus)))


def shared_units(doc_quads: Iterable[Quad], index: SharedIndex, chunks: int) -> list[Unit]:
    """The units of the shared nodes, in ``chunks`` groups of subjects."""
    by_subject: dict[str, list[Triple]] = {s: list(d) for s, d in index.desc.items()}
    local_types: dict[str, list[Triple]] = {}
    for _g, s, p, o in doc_quads:
        if local_doc(s) is None:
            by_subject.setdefault(s, []).append((s, p, o))
        elif p == RDF_TYPE:
            local_types.setdefault(s, []).append((s, p, o))
    subjects = sorted(by_subject)
    n = max(1, chunks)
    units: list[Unit] = []
    for i in range(n):
        part = subjects[i::n]
        if not part:
            continue
        triples: set[Triple] = set(index.hierarchy)
        objects: set[str] = set()
        for s in part:
            for t in by_subject[s]:
                triples.add(t)
                if t[2].startswith("<"):
                    objects.add(t[2])
        index.neighbourhood(objects, triples)
        for o in objects:
            triples.update(local_types.get(o, ()))
        units.append(Unit(_text(triples), tuple(part)))
    return units


def plan(quads_by_doc: Mapping[str, list[Quad]], shared_quads: list[Quad],
         docs_per_unit: int = 25, shared_chunks: int = 4) -> list[Unit]:
    """Every unit of a build: shared units first (the largest), then document groups."""
    index = SharedIndex(shared_quads)
    all_doc = (q for quads in quads_by_doc.values() for q in quads)
    units = shared_units(all_doc, index, shared_chunks)
    names = sorted(quads_by_doc)
    for i in range(0, len(names), docs_per_unit):
        group = names[i:i + docs_per_unit]
        units.append(document_unit((q for d in group for q in quads_by_doc[d]), index))
    return units


# -- running units -----------------------------------------------------------------------------

_SHAPES: object | None = None


def _init_worker(shapes_ttl: bytes) -> None:
    """Parse the shapes once per worker process."""
    global _SHAPES
    from rdflib import Graph

    _SHAPES = Graph().parse(data=shapes_ttl, format="turtle")


def run_unit(unit: Unit, shapes: object | None = None) -> list:
    """Validate one unit (in a worker, with the shapes of :func:`_init_worker`)."""
    from ctkg.validate.shacl import validate_ntriples

    return validate_ntriples(unit.data, shapes if shapes is not None else _SHAPES,
                             focus=unit.focus)


def run_units(units: list[Unit], shapes_ttl: bytes, pool: Executor | None) -> list:
    """Every unit's results, in one process or in ``pool`` (made with :func:`initializer`)."""
    if pool is None:
        from rdflib import Graph

        shapes = Graph().parse(data=shapes_ttl, format="turtle")
        return [r for u in units for r in run_unit(u, shapes)]
    return [r for rs in pool.map(run_unit, units) for r in rs]


def initializer(shapes_ttl: bytes) -> tuple:
    """``initializer``/``initargs`` for a ProcessPoolExecutor that runs units."""
    return _init_worker, (shapes_ttl,)
