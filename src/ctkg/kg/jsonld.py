"""JSON-LD of the dataset, compacted with the published context ``context.jsonld``.

Built directly from the quads: IRIs become ctkg terms (by local name) or compact IRIs
(``ctkgid:mention/doc/T3``: JSON-LD needs no escapes), literals value objects; graphs and
nodes in natural order, keys sorted. The same quads always give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from operator import attrgetter

import pyoxigraph as ox

from ctkg.kg.dumps import readable_order
from ctkg.rdf.namespaces import CTKG_NS, GRAPH_NS, PREFIXES
from ctkg.rdf.terms import RDF_TYPE, XSD_STRING, iri_of

CONTEXT_PREFIXES: dict[str, str] = dict(sorted({**PREFIXES, "ctkgg": GRAPH_NS}.items()))


def jsonld_context(ctkg_terms: Iterable[str]) -> dict[str, object]:
    """The published context: every prefix, and each ctkg term by its local name."""
    ctx: dict[str, object] = dict(CONTEXT_PREFIXES)
    for local in sorted(set(ctkg_terms)):
        if local and local not in ctx and local.isidentifier():
            ctx[local] = f"ctkg:{local}"
    return ctx


def ctkg_terms(triples: Iterable[ox.Triple]) -> set[str]:
    """The local names of every ctkg: IRI in the (ontology) triples."""
    out: set[str] = set()
    for t in triples:
        for x in (t.subject, t.predicate, t.object):
            if isinstance(x, ox.NamedNode) and x.value.startswith(CTKG_NS):
                out.add(x.value[len(CTKG_NS):])
    return out


class Compactor:
    """IRI -> shortest form the context expands back: a ctkg term, a CURIE or the IRI."""

    def __init__(self, ctx: Mapping[str, object]) -> None:
        self.terms = {f"{CTKG_NS}{v[5:]}": k for k, v in ctx.items()
                      if isinstance(v, str) and v.startswith("ctkg:") and v[5:] == k}
        self.prefixes = sorted(((v, k) for k, v in CONTEXT_PREFIXES.items()),
                               key=lambda x: -len(x[0]))
        # IRI -> its form, as a vocabulary term (a key or a type) and as a node (an @id)
        self.caches: tuple[dict[str, str], dict[str, str]] = ({}, {})

    def iri(self, value: str, vocab: bool) -> str:
        cache = self.caches[vocab]
        hit = cache.get(value)
        if hit is None:
            hit = cache[value] = self._iri(value, vocab)
        return hit

    def trim(self, limit: int) -> None:
        """Forget the IRIs seen when more than ``limit`` are kept (a build's document-local
        IRIs seldom repeat)."""
        if sum(map(len, self.caches)) > limit:
            for cache in self.caches:
                cache.clear()

    def _iri(self, value: str, vocab: bool) -> str:
        term = self.terms.get(value) if vocab else None
        if term is not None:
            return term
        for ns, prefix in self.prefixes:
            local = value[len(ns):]
            if value.startswith(ns) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return value

    def literal(self, term: ox.Literal) -> str:
        """A literal as an item of a list at depth 6: its string, or its value object."""
        if term.language:
            return ('{\n       "@language": ' + _str(term.language) + ',\n       "@value": '
                    + _str(term.value) + "\n      }")
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return _str(term.value)
        return ('{\n       "@type": ' + _str(self.iri(datatype, True)) + ',\n       "@value": '
                + _str(term.value) + "\n      }")


def render_jsonld(quads: Iterable[ox.Quad], ctx: Mapping[str, object],
                  ordered: bool = False) -> bytes:
    """The dataset as JSON-LD, compacted with (an inline copy of) the published context;
    graphs, nodes and values in readable order (``ordered``: the quads are in it already)."""
    return "".join(jsonld_chunks(quads, ctx, ordered)).encode()


def jsonld_chunks(quads: Iterable[ox.Quad], ctx: Mapping[str, object],
                  ordered: bool = False) -> Iterator[str]:
    """:func:`render_jsonld` in pieces, one per node: the bytes of ``json.dumps(doc,
    ensure_ascii=False, indent=1, sort_keys=True)`` written node by node, so that no
    document of the whole dataset is built (one ``json.dumps`` of it took 60% of writing
    every output at 10,000 documents)."""
    comp = Compactor(ctx)
    head = json.dumps({"@context": dict(ctx)}, ensure_ascii=False, indent=1, sort_keys=True)
    yield head[:-2] + ',\n "@graph": ['
    first = True
    values: dict[object, str] = {}
    for g, nodes in groupby(quads if ordered else readable_order(quads, CONTEXT_PREFIXES),
                            key=attrgetter("graph_name")):
        yield ("\n  " if first else ",\n  ") + graph_object(comp, iri_of(g), nodes, values)
        first = False
        if len(values) > 100_000:  # IRIs repeat across graphs, literals seldom
            values.clear()
    yield "]\n}\n" if first else "\n ]\n}\n"


def graph_object(comp: Compactor, graph: str, quads: Iterable[ox.Quad],
                 values: dict[object, str] | None = None) -> str:
    """One graph's object as it stands at depth 2 of the document (its quads in readable
    order): the unit the build renders per graph (:mod:`ctkg.kg.pieces`)."""
    return graph_of_nodes(comp, graph, node_objects(comp, quads, values))


def node_objects(comp: Compactor, quads: Iterable[ox.Quad],
                 values: dict[object, str] | None = None) -> list[str]:
    """Each subject's node object (its quads in readable order), as :func:`graph_object`
    writes it: a graph's block per subject (:mod:`ctkg.kg.sharedpieces`)."""
    values = {} if values is None else values
    return [_node(comp, s, props, values)
            for s, props in groupby(quads, key=attrgetter("subject"))]


def graph_of_nodes(comp: Compactor, graph: str, nodes: Iterable[str]) -> str:
    """A graph's object from its node objects."""
    return ('{\n   "@graph": [\n' + ",\n".join(nodes) +
            f'\n   ],\n   "@id": {_str(comp.iri(graph, False))}\n  }}')


_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes
_TYPE, _XSD_STRING = RDF_TYPE.value, XSD_STRING.value


def _node(comp: Compactor, subject: object, quads: Iterable[ox.Quad],
          values: dict[object, str]) -> str:
    """One node object as ``json.dumps`` writes it at its depth (4) in the document (keys
    sorted, one item per line); ``values``: the text of each IRI object written so far.
    Terms are compared as strings: pyoxigraph makes a new object for each term read."""
    keys: dict[str, list[str]] = {"@id": [_str(comp.iri(iri_of(subject), False))]}
    iri, named = comp.iri, ox.NamedNode
    for q in quads:
        obj = q.object
        predicate = q.predicate.value
        if isinstance(obj, named):
            value = obj.value
            if predicate == _TYPE:
                keys.setdefault("@type", []).append(_str(iri(value, True)))
                continue
            text = values.get(value)
            if text is None:
                text = values[value] = ('{\n       "@id": ' + _str(iri(value, False))
                                        + "\n      }")
        else:
            assert isinstance(obj, ox.Literal), obj
            text = comp.literal(obj)
        keys.setdefault(iri(predicate, True), []).append(text)
    items = [f"     {_str(k)}: " + (keys[k][0] if k == "@id" else
                                       "[\n      " + ",\n      ".join(keys[k]) + "\n     ]")
             for k in sorted(keys)]
    return "    {\n" + ",\n".join(items) + "\n    }"


def render_context(ctx: Mapping[str, object]) -> bytes:
    return (json.dumps({"@context": dict(ctx)}, ensure_ascii=False, indent=1,
                       sort_keys=True) + "\n").encode()
