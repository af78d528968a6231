"""JSON-LD of the dataset, compacted with the published context ``context.jsonld``.

Built directly from the quads: IRIs become ctkg terms (by local name) or compact IRIs
(``ctkgid:mention/doc/T3``: JSON-LD needs no escapes), literals value objects; graphs and
nodes in natural order, keys sorted. The same quads always give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

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


class _Compactor:
    """IRI -> shortest form the context expands back: a ctkg term, a CURIE or the IRI."""

    def __init__(self, ctx: Mapping[str, object]) -> None:
        self.terms = {f"{CTKG_NS}{v[5:]}": k for k, v in ctx.items()
                      if isinstance(v, str) and v.startswith("ctkg:") and v[5:] == k}
        self.prefixes = sorted(((v, k) for k, v in CONTEXT_PREFIXES.items()),
                               key=lambda x: -len(x[0]))
        self.cache: dict[tuple[str, bool], str] = {}

    def iri(self, value: str, vocab: bool) -> str:
        key = (value, vocab)
        if key not in self.cache:
            self.cache[key] = self._iri(value, vocab)
        return self.cache[key]

    def _iri(self, value: str, vocab: bool) -> str:
        term = self.terms.get(value) if vocab else None
        if term is not None:
            return term
        for ns, prefix in self.prefixes:
            local = value[len(ns):]
            if value.startswith(ns) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return value

    def value(self, term: object) -> object:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.iri(term.value, False)}
        assert isinstance(term, ox.Literal), term
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype.value, True)}


def render_jsonld(quads: Iterable[ox.Quad], ctx: Mapping[str, object],
                  ordered: bool = False) -> bytes:
    """The dataset as JSON-LD, compacted with (an inline copy of) the published context;
    graphs, nodes and values in readable order (``ordered``: the quads are in it already)."""
    comp = _Compactor(ctx)
    graphs: dict[str, dict[str, dict[str, list[object]]]] = {}
    for q in quads if ordered else readable_order(quads, CONTEXT_PREFIXES):
        node = graphs.setdefault(iri_of(q.graph_name), {}).setdefault(iri_of(q.subject), {})
        if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(comp.iri(q.object.value, True))
        else:
            node.setdefault(comp.iri(q.predicate.value, True), []).append(comp.value(q.object))
    out = [{"@id": comp.iri(g, False),
            "@graph": [{"@id": comp.iri(s, False), **props} for s, props in nodes.items()]}
           for g, nodes in graphs.items()]
    doc = {"@context": dict(ctx), "@graph": out}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def render_context(ctx: Mapping[str, object]) -> bytes:
    return (json.dumps({"@context": dict(ctx)}, ensure_ascii=False, indent=1,
                       sort_keys=True) + "\n").encode()
