"""``void.ttl``: the VoID/DCAT description of the dataset (counts per class and property,
licence, version, sources, dumps), with IRIs for every partition (no blank nodes)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox

from ctkg import __version__
from ctkg.kg.dumps import DUMP_PREFIXES, render_ttl
from ctkg.kg.jsonld import CONTEXT_PREFIXES
from ctkg.rdf.namespaces import CTKG_NS, DCAT_NS, DCTERMS_NS, ID_NS, OWL_NS, VOID_NS
from ctkg.rdf.terms import RDF_TYPE, ident, lit

DUMPS = {  # file -> media type (IANA)
    "ctkg.trig": "application/trig",
    "ctkg.ttl": "text/turtle",
    "ctkg.nq": "application/n-quads",
    "ctkg.jsonld": "application/ld+json",
}
DUMP_BASE = "https://w3id.org/ctkg/data/"  # where the dumps are published (w3id redirect)
LICENSE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
# the partitions' own namespaces, so that their names need no escape
VOID_PREFIXES = {**DUMP_PREFIXES, "ctkgvoid": f"{ID_NS}void/",
                 "classpartition": f"{ID_NS}void/class/",
                 "propertypartition": f"{ID_NS}void/property/",
                 "distribution": f"{ID_NS}void/distribution/"}


def _v(local: str) -> ox.NamedNode:
    return ox.NamedNode(VOID_NS + local)


def _dcat(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCAT_NS + local)


def _dct(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCTERMS_NS + local)


Spo = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _partition_iri(kind: str, term: ox.NamedNode) -> ox.NamedNode:
    value = term.value
    for prefix, ns in CONTEXT_PREFIXES.items():
        local = value[len(ns):]
        if value.startswith(ns) and local.replace("-", "").replace("_", "").isalnum():
            return ident(f"void/{kind}/{local if prefix == 'ctkg' else f'{prefix}-{local}'}")
    return ident(f"void/{kind}/h-{hashlib.sha256(value.encode()).hexdigest()[:16]}")


def render_void(triples: list[ox.Triple], documents: Iterable[str]) -> bytes:
    """VoID + DCAT description of the dataset (``triples``: the union of all graphs)."""
    ds = ident("void/dataset")
    out: list[Spo] = [
        (ds, RDF_TYPE, _v("Dataset")), (ds, RDF_TYPE, _dcat("Dataset")),
        (ds, _dct("title"), lit("CTKG: a knowledge graph of counter-terrorism policy "
                                "discourse", lang="en")),
        (ds, _dct("license"), LICENSE),
        (ds, ox.NamedNode(OWL_NS + "versionInfo"), lit(__version__)),
        (ds, _dcat("version"), lit(__version__)),
        (ds, _v("uriSpace"), lit(ID_NS)),
        (ds, _v("vocabulary"), ox.NamedNode(CTKG_NS)),
        (ds, _v("triples"), lit(len(triples))),
        (ds, _v("entities"), lit(len({t.subject for t in triples
                                      if isinstance(t.subject, ox.NamedNode)
                                      and t.subject.value.startswith(ID_NS)}))),
    ]
    out += _partitions(ds, triples) + _distributions(ds)
    out += [(ds, _dct("source"), ident(f"document/{doc}")) for doc in sorted(set(documents))]
    return render_ttl((ox.Triple(s, p, o) for s, p, o in out), VOID_PREFIXES)


def _partitions(ds: ox.NamedNode, triples: list[ox.Triple]) -> list[Spo]:
    classes: dict[ox.NamedNode, set[object]] = {}
    props: Counter[ox.NamedNode] = Counter()
    for t in triples:
        props[t.predicate] += 1
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            classes.setdefault(t.object, set()).add(t.subject)
    out: list[Spo] = []
    for cls, members in classes.items():
        part = _partition_iri("class", cls)
        out += [(ds, _v("classPartition"), part), (part, _v("class"), cls),
                (part, _v("entities"), lit(len(members)))]
    for prop, count in props.items():
        part = _partition_iri("property", prop)
        out += [(ds, _v("propertyPartition"), part), (part, _v("property"), prop),
                (part, _v("triples"), lit(count))]
    return out


def _distributions(ds: ox.NamedNode) -> list[Spo]:
    out: list[Spo] = []
    for name, media in DUMPS.items():
        url = ox.NamedNode(f"{DUMP_BASE}{name}")
        dist = ident(f"void/distribution/{name.replace('.', '-')}")
        out += [(ds, _v("dataDump"), url), (ds, _dcat("distribution"), dist),
                (dist, RDF_TYPE, _dcat("Distribution")), (dist, _dcat("downloadURL"), url),
                (dist, _dcat("mediaType"),
                 ox.NamedNode(f"https://www.iana.org/assignments/media-types/{media}")),
                (dist, _dct("license"), LICENSE)]
    return out
