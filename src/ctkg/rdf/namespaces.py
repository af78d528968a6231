"""The namespaces of CTKG (docs/design.md), as plain IRI strings, defined once.

``PREFIXES`` is the vocabulary every part shares (queries, results, JSON-LD). The dumps
add one prefix per instance kind (:data:`KIND_PREFIXES`), so that no prefixed name needs a
backslash escape. pyoxigraph terms built from these strings are in :mod:`ctkg.rdf.terms`.

The rdflib ``Namespace`` objects (``CTKG``, ``ID``, ``WD``, ...) and :func:`entity_iri`
serve the modules that still build rdflib graphs; they are made on first use, so code that
works on pyoxigraph terms never imports rdflib through this module.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Namespace, URIRef

CTKG_NS = "https://w3id.org/ctkg/ontology#"
ID_NS = "https://w3id.org/ctkg/id/"
GRAPH_NS = "https://w3id.org/ctkg/graph/"
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

# Registry type (ontology class local name) -> IRI kind. Organization subclasses map to
# "org", Event subclasses to "event"; the ontology decides membership (ctkg.build.ontology).
CONCEPT_KINDS = {"Threat": "threat", "PolicyGoal": "goal", "Technology": "technology"}
FIXED_KINDS = {
    "Person": "person",
    "Place": "place",
    "Post": "post",
    "PolicyInstrument": "instrument",
    **CONCEPT_KINDS,
}

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

_RDFLIB_NAMESPACES = {
    "CTKG": CTKG_NS, "ID": ID_NS, "GRAPH": GRAPH_NS, "OA": OA_NS, "GAF": GAF_NS,
    "SEM": PREFIXES["sem"], "ORG": ORG_NS, "SCHEMA": SCHEMA_NS, "VANN": PREFIXES["vann"],
    "VOID": VOID_NS, "DCAT": DCAT_NS, "WD": WD_NS, "WDT": WDT_NS,
}


def __getattr__(name: str) -> Namespace:
    """The rdflib Namespace of that name (``CTKG``, ``ID``, ``WD``, ...), made on first use."""
    if name not in _RDFLIB_NAMESPACES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    value = Namespace(_RDFLIB_NAMESPACES[name])
    globals()[name] = value
    return value


def entity_iri(kind: str, slug: str) -> URIRef:
    """An instance IRI ``id/<kind>/<slug>`` as an rdflib URIRef (for rdflib graphs)."""
    from rdflib import URIRef

    return URIRef(f"{ID_NS}{kind}/{slug}")


def graph_iri(name: str) -> URIRef:
    """A graph IRI ``graph/<name>`` as an rdflib URIRef (for rdflib graphs)."""
    from rdflib import URIRef

    return URIRef(f"{GRAPH_NS}{name}")
