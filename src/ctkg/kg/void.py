"""``void.ttl``: the VoID/DCAT description of the dataset (counts per class and property,
licence, version, sources, dumps), with IRIs for every partition (no blank nodes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ctkg import __version__
from ctkg.kg.dumps import DUMP_PREFIXES, render_ttl
from ctkg.kg.files import sha256_of, size_of
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.graphstats import DatasetStats, GraphFigures, GraphStats, figures, is_iri
from ctkg.kg.jsonld import CONTEXT_PREFIXES
from ctkg.kg.voidbulk import plan, splice
from ctkg.rdf.namespaces import (
    CTKG_NS,
    DCAT_NS,
    DCTERMS_NS,
    GRAPH_NS,
    ID_NS,
    OWL_NS,
    VOID_NS,
    XSD_NS,
)
from ctkg.rdf.terms import RDF_TYPE, ident, lit, natural_key

DUMPS = {  # file -> media type (IANA)
    "ctkg.trig": "application/trig",
    "ctkg.ttl": "text/turtle",
    "ctkg.nq": "application/n-quads",
    "ctkg.jsonld": "application/ld+json",
}
DUMP_BASE = "https://w3id.org/ctkg/data/"  # where the dumps are published (w3id redirect)
LICENSE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
FOAF_NS = "http://xmlns.com/foaf/0.1/"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
SPDX_NS = "http://spdx.org/rdf/terms#"
XSD_DATE = ox.NamedNode(XSD_NS + "date")
CONTRIBUTORS = ident("void/ctkg-contributors")
EXAMPLE_KINDS = ("person", "org", "event", "threat", "goal", "document")
DESCRIPTION = ("An open knowledge graph of counter-terrorism policy discourse compiled from "
               "public texts (UN News articles, interviews, speeches) annotated by hand: who "
               "convened which conference, who warned of which threat, who advocates which "
               "policy goal, who holds which office. Every fact points back to the span of "
               "text that supports it, in one named graph per source document.")
# the partitions' own namespaces, so that their names need no escape
VOID_PREFIXES = {**DUMP_PREFIXES, "ctkgvoid": f"{ID_NS}void/",
                 "classpartition": f"{ID_NS}void/class/",
                 "propertypartition": f"{ID_NS}void/property/",
                 "distribution": f"{ID_NS}void/distribution/",
                 "checksum": f"{ID_NS}void/checksum/", "subset": f"{ID_NS}void/graph/",
                 "foaf": FOAF_NS, "sd": SD_NS, "spdx": SPDX_NS}


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


def render_void(stats: DatasetStats, documents: Iterable[str], files: Mapping[str, bytes],
                issued: str | None = None, text: bool = True) -> bytes:
    """VoID + DCAT description of the dataset: the union of all graphs, one ``void:subset``
    per named graph, the dumps and tables with their SHA-256 (``stats``: the build's
    figures, :func:`ctkg.kg.graphstats.dataset_stats`; ``files``: the release's other
    files). ``void:sparqlEndpoint`` is left out: the release is files; ``ctkg serve`` adds
    its own at ``/.well-known/void``. ``text``: the graphs' subsets and the sources
    written as text (:mod:`ctkg.kg.voidbulk`; False: every triple by pyoxigraph, the
    reference)."""
    with gc_paused():
        return _render_void(stats, documents, files, issued, text)


def _render_void(stats: DatasetStats, documents: Iterable[str], files: Mapping[str, bytes],
                 issued: str | None, text: bool) -> bytes:
    ds = ident("void/dataset")
    union = stats.union
    out: list[Spo] = [
        (ds, RDF_TYPE, _v("Dataset")), (ds, RDF_TYPE, _dcat("Dataset")),
        (ds, _dct("title"), lit("CTKG: a knowledge graph of counter-terrorism policy "
                                "discourse", lang="en")),
        (ds, _dct("description"), lit(DESCRIPTION, lang="en")),
        (ds, _dct("license"), LICENSE),
        (ds, _dct("creator"), CONTRIBUTORS), (ds, _dct("publisher"), CONTRIBUTORS),
        (CONTRIBUTORS, RDF_TYPE, ox.NamedNode(FOAF_NS + "Organization")),
        (CONTRIBUTORS, ox.NamedNode(FOAF_NS + "name"), lit("CTKG contributors")),
        (ds, ox.NamedNode(OWL_NS + "versionInfo"), lit(__version__)),
        (ds, _dcat("version"), lit(__version__)),
        (ds, _v("uriSpace"), lit(ID_NS)),
        (ds, _v("vocabulary"), ox.NamedNode(CTKG_NS)),
        (ds, _v("entities"), lit(union.instance_subjects)),
        *_stats(ds, figures(union)),
    ]
    if issued:
        out.append((ds, _dct("issued"), ox.Literal(issued, datatype=XSD_DATE)))
    out += [(ds, _v("exampleResource"), e) for e in example_resources(union.mentioned)]
    out += _partitions(ds, union) + _distributions(ds, files)
    docs = sorted(set(documents))
    bulk = plan(stats.graphs, docs, VOID_PREFIXES) if text else None
    if bulk is not None:  # the first graph and document rendered, the others spliced in
        first = bulk.graphs[0][0]
        rendered = render_ttl((ox.Triple(s, p, o) for s, p, o in out + _subsets(
            ds, {first: stats.graphs[first]}) + _sources(ds, bulk.documents[:1])),
            VOID_PREFIXES)
        spliced = splice(rendered, bulk)
        if spliced is not None:
            return spliced
    out += _subsets(ds, stats.graphs) + _sources(ds, docs)
    return render_ttl((ox.Triple(s, p, o) for s, p, o in out), VOID_PREFIXES)


def _sources(ds: ox.NamedNode, documents: Iterable[str]) -> list[Spo]:
    return [(ds, _dct("source"), ident(f"document/{doc}")) for doc in documents]


def _stats(ds: ox.NamedNode, stats: GraphFigures) -> list[Spo]:
    """void:triples, distinct subjects and objects, classes and properties."""
    return [(ds, _v("triples"), lit(stats.triples)),
            (ds, _v("distinctSubjects"), lit(stats.distinct_subjects)),
            (ds, _v("distinctObjects"), lit(stats.distinct_objects)),
            (ds, _v("classes"), lit(len(stats.class_names))),
            (ds, _v("properties"), lit(stats.property_count))]


def _subsets(ds: ox.NamedNode, graphs: Mapping[str, GraphFigures]) -> list[Spo]:
    """One void:subset per named graph, named by ``sd:name``."""
    out: list[Spo] = []
    for g in sorted(graphs):
        sub = ident(f"void/graph/{g[len(GRAPH_NS):]}")
        out += [(ds, _v("subset"), sub), (sub, RDF_TYPE, _v("Dataset")),
                (sub, ox.NamedNode(SD_NS + "name"), ox.NamedNode(g)),
                *_stats(sub, graphs[g])]
    return out


def example_resources(mentioned: Mapping[str, int]) -> list[ox.NamedNode]:
    """Per kind of page (person, organization, event, threat, policy goal, document), the
    most mentioned one (ties in natural order): what a newcomer looks at first.
    ``mentioned``: IRI -> its ``gaf:denotedBy`` (as subject) and ``oa:hasSource`` (as
    object) quads (:attr:`ctkg.kg.graphstats.GraphStats.mentioned`)."""
    count: dict[str, int] = {}  # kind -> the most mentions of one of its IRIs
    tied: dict[str, list[str]] = {}  # kind -> its IRIs with that many
    for iri, n in mentioned.items():
        kind = iri[len(ID_NS):].split("/")[0] if iri.startswith(ID_NS) else ""
        if kind not in EXAMPLE_KINDS or n < count.get(kind, 0):
            continue
        if n > count.get(kind, 0):
            count[kind], tied[kind] = n, []
        tied[kind].append(iri)
    return [ox.NamedNode(min(tied[k], key=natural_key)) for k in EXAMPLE_KINDS if k in tied]


def _partitions(ds: ox.NamedNode, union: GraphStats) -> list[Spo]:
    out: list[Spo] = []
    for key in sorted(union.class_names):
        if not is_iri(key):
            continue
        cls = ox.NamedNode(key)
        part = _partition_iri("class", cls)
        out += [(ds, _v("classPartition"), part), (part, _v("class"), cls),
                (part, _v("entities"), lit(union.members(key)))]
    for key, count in union.properties.items():
        prop = ox.NamedNode(key)
        part = _partition_iri("property", prop)
        out += [(ds, _v("propertyPartition"), part), (part, _v("property"), prop),
                (part, _v("triples"), lit(count))]
    return out


def _distributions(ds: ox.NamedNode, files: Mapping[str, bytes]) -> list[Spo]:
    """A dcat:Distribution per dump and table file: download URL, media type, size and
    SHA-256 (SPDX checksum, as DCAT 3 recommends)."""
    out: list[Spo] = []
    for name in sorted(files):
        media = media_type(name)
        if media is None:
            continue
        url = ox.NamedNode(f"{DUMP_BASE}{name}")
        dist = ident(f"void/distribution/{name.replace('/', '-').replace('.', '-')}")
        check = ident(f"void/checksum/{name.replace('/', '-').replace('.', '-')}")
        if name in DUMPS:
            out.append((ds, _v("dataDump"), url))
        out += [(ds, _dcat("distribution"), dist),
                (dist, RDF_TYPE, _dcat("Distribution")), (dist, _dcat("downloadURL"), url),
                (dist, _dct("title"), lit(name)),
                (dist, _dcat("mediaType"),
                 ox.NamedNode(f"https://www.iana.org/assignments/media-types/{media}")),
                (dist, _dcat("byteSize"), lit(size_of(files, name))),
                (dist, _dct("license"), LICENSE),
                (dist, ox.NamedNode(SPDX_NS + "checksum"), check),
                (check, RDF_TYPE, ox.NamedNode(SPDX_NS + "Checksum")),
                (check, ox.NamedNode(SPDX_NS + "algorithm"),
                 ox.NamedNode(SPDX_NS + "checksumAlgorithm_sha256")),
                (check, ox.NamedNode(SPDX_NS + "checksumValue"),
                 ox.Literal(sha256_of(files, name),
                            datatype=ox.NamedNode(XSD_NS + "hexBinary")))]
    return out


def media_type(name: str) -> str | None:
    """The IANA media type of a release file worth a distribution, or None."""
    if name in DUMPS:
        return DUMPS[name]
    if name.startswith("tables/"):
        return "text/csv" if name.endswith(".csv") else "application/json"
    return None
