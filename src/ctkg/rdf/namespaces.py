"""The namespaces of CTKG (docs/design.md), as plain IRI strings, defined once.

``PREFIXES`` is the vocabulary every part shares (queries, results, JSON-LD). The dumps
add one prefix per instance kind (:data:`KIND_PREFIXES`), so that no prefixed name needs a
backslash escape. pyoxigraph terms built from these strings are in :mod:`ctkg.rdf.terms`.
"""

from __future__ import annotations

import re

CTKG_NS = "https://w3id.org/ctkg/ontology#"
ID_NS = "https://w3id.org/ctkg/id/"
GRAPH_NS = "https://w3id.org/ctkg/graph/"
#: skolem IRIs of the ontology's blank nodes (the build has none)
GENID_NS = "https://w3id.org/ctkg/.well-known/genid/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
OA_NS = "http://www.w3.org/ns/oa#"
PROV_NS = "http://www.w3.org/ns/prov#"
ORG_NS = "http://www.w3.org/ns/org#"
TIME_NS = "http://www.w3.org/2006/time#"
SCHEMA_NS = "https://schema.org/"
GAF_NS = "http://groundedannotationframework.org/gaf#"
VOID_NS = "http://rdfs.org/ns/void#"
DCAT_NS = "http://www.w3.org/ns/dcat#"
WD_NS = "http://www.wikidata.org/entity/"
WDT_NS = "http://www.wikidata.org/prop/direct/"
WD_SCHEMA_NS = "http://schema.org/"  # Wikidata's descriptions use http, not https
WIKIBASE_NS = "http://wikiba.se/ontology#"

PREFIXES: dict[str, str] = {
    "ctkg": CTKG_NS,
    "ctkgid": ID_NS,
    "dcat": DCAT_NS,
    "dcterms": DCTERMS_NS,
    "gaf": GAF_NS,
    "oa": OA_NS,
    "org": ORG_NS,
    "owl": OWL_NS,
    "prov": PROV_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "schema": SCHEMA_NS,
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "skos": SKOS_NS,
    "time": TIME_NS,
    "vann": "http://purl.org/vocab/vann/",
    "void": VOID_NS,
    "wd": WD_NS,
    "wdt": WDT_NS,
    "xsd": XSD_NS,
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

# Instance kinds whose IRIs are id/<kind>/<slug>: each gets a prefix of its own in the
# dumps (the slug is a clean local name). "org" is the ORG vocabulary's prefix, so the
# kind is spelled "ctkgorg". Per-document things (mention/<doc>/<id>/...) keep full IRIs.
KIND_PREFIXES: dict[str, str] = {
    name: f"{ID_NS}{kind}/" for name, kind in (
        ("scheme", "scheme"), ("ctkgorg", "org"), ("document", "document"),
        ("event", "event"), ("goal", "goal"), ("instrument", "instrument"),
        ("person", "person"), ("pillar", "pillar"), ("place", "place"), ("post", "post"),
        ("technology", "technology"), ("threat", "threat"))
}
