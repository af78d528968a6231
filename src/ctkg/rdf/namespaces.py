"""The namespaces and IRI builders of CTKG (see docs/design.md)."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

CTKG = Namespace("https://w3id.org/ctkg/ontology#")
ID = Namespace("https://w3id.org/ctkg/id/")
GRAPH = Namespace("https://w3id.org/ctkg/graph/")
OA = Namespace("http://www.w3.org/ns/oa#")
GAF = Namespace("http://groundedannotationframework.org/gaf#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

ONTOLOGY_IRI = URIRef("https://w3id.org/ctkg/ontology")

PREFIXES: dict[str, str] = {
    "ctkg": str(CTKG),
    "ctkgid": str(ID),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "gaf": str(GAF),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "skos": str(SKOS),
    "time": str(TIME),
    "vann": str(VANN),
    "void": str(VOID),
    "wd": str(WD),
    "wdt": str(WDT),
    "xsd": str(XSD),
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

# Registry type (ontology class local name) -> IRI kind. Organization subclasses map to
# "org", Event subclasses to "event"; the ontology decides membership, see kind_for_type().
CONCEPT_KINDS = {"Threat": "threat", "PolicyGoal": "goal", "Technology": "technology"}
FIXED_KINDS = {
    "Person": "person",
    "Place": "place",
    "Post": "post",
    "PolicyInstrument": "instrument",
    **CONCEPT_KINDS,
}


def entity_iri(kind: str, slug: str) -> URIRef:
    return ID[f"{kind}/{slug}"]


def document_iri(doc: str) -> URIRef:
    return ID[f"document/{doc}"]


def mention_iri(doc: str, ann_id: str) -> URIRef:
    return ID[f"mention/{doc}/{ann_id}"]


def graph_iri(name: str) -> URIRef:
    return GRAPH[name]


def wikidata_iri(qid: str) -> URIRef:
    return WD[qid]
