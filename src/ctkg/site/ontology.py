"""Documentation of the ontology: its LOV metadata, then every class and property.

Made from the ontology graph of the build itself, so the page documents exactly the
ontology the data uses: label, definition, super-terms, domain and range, and the
alignments to PROV-O, SEM, schema.org, ORG, OWL-Time, SKOS, Web Annotation and Wikidata.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ctkg.rdf.namespaces import CTKG_NS, OWL_NS, PREFIXES, RDF_NS, RDFS_NS, SKOS_NS
from ctkg.site.data import Graph
from ctkg.site.html import e, page
from ctkg.site.paths import ONTOLOGY_PAGE
from ctkg.site.read import Term

_SECTIONS = [("Classes", OWL_NS + "Class"), ("Object properties", OWL_NS + "ObjectProperty"),
             ("Datatype properties", OWL_NS + "DatatypeProperty"),
             ("Named individuals", OWL_NS + "NamedIndividual")]
_SHOWN = [RDFS_NS + "subClassOf", RDFS_NS + "subPropertyOf", OWL_NS + "inverseOf",
          RDFS_NS + "domain", RDFS_NS + "range", OWL_NS + "equivalentClass",
          OWL_NS + "equivalentProperty", SKOS_NS + "exactMatch", SKOS_NS + "closeMatch",
          SKOS_NS + "broadMatch", RDFS_NS + "seeAlso"]
_TEXT = [SKOS_NS + "definition", RDFS_NS + "comment", SKOS_NS + "scopeNote",
         SKOS_NS + "example"]


def curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _term(g: Graph, o: Term) -> str:
    if isinstance(o, ox.Literal):
        return e(o.value)
    if o.value.startswith(CTKG_NS):
        local = o.value[len(CTKG_NS):]
        return f'<a href="#{e(local)}"><code>{e(curie(o.value))}</code></a>'
    if o.value.startswith(("http://", "https://")):
        return f'<a class="ext" href="{e(o.value)}"><code>{e(curie(o.value))}</code></a>'
    return f"<code>{e(o.value)}</code>"


def ontology_page(g: Graph, triples: list[tuple[str, str, Term]]) -> tuple[str, str]:
    """The path and HTML of the ontology documentation."""
    about: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for s, p, o in triples:
        about[s].append((p, o))
    ontology = CTKG_NS[:-1]
    meta = "".join(f"<tr><th scope=\"row\">{e(curie(p))}</th><td>{_term(g, o)}</td></tr>"
                   for p, o in about.get(ontology, []) if p != RDF_NS + "type")
    body = ["<h1>The CTKG ontology</h1>",
            f"<p>Namespace <code>{e(CTKG_NS)}</code> (prefix <code>ctkg:</code>). "
            "Generated from the ontology graph of this release.</p>",
            f"<h2>About the ontology</h2><table><tbody>{meta}</tbody></table>"]
    placed: set[str] = set()
    for title, cls in _SECTIONS:
        terms = sorted(s for s, pos in about.items() if s != ontology and s not in placed
                       and (RDF_NS + "type", ox.NamedNode(cls)) in pos)
        placed.update(terms)
        if not terms:
            continue
        toc = " · ".join(f'<a href="#{e(t[len(CTKG_NS):])}">{e(t[len(CTKG_NS):])}</a>'
                         for t in terms)
        body.append(f"<h2>{e(title)} ({len(terms)})</h2><p>{toc}</p>")
        body.extend(_term_block(g, t, about[t]) for t in terms)
    return ONTOLOGY_PAGE, page(ONTOLOGY_PAGE, "Ontology", "\n".join(body))


def _term_block(g: Graph, iri: str, pos: list[tuple[str, Term]]) -> str:
    local = iri[len(CTKG_NS):]
    label = g.labels.get(iri, local)
    texts = "".join(f"<p>{e(o.value)}</p>" for p, o in pos if p in _TEXT
                    and isinstance(o, ox.Literal))
    rows = []
    for p in _SHOWN:
        values = sorted(_term(g, o) for q, o in pos if q == p)
        if values:
            rows.append(f"<tr><th scope=\"row\">{e(curie(p))}</th><td>{', '.join(values)}"
                        "</td></tr>")
    table = f"<table><tbody>{''.join(rows)}</tbody></table>" if rows else ""
    return (f'<section id="{e(local)}"><h3><code>ctkg:{e(local)}</code> · {e(label)}</h3>'
            f'<p class="meta"><code>{e(iri)}</code></p>{texts}{table}</section>')
