"""``tables/``: the graph as CSV tables for pandas and R users, described by a Frictionless
data package (``tables/datapackage.json``, :mod:`ctkg.kg.tablemeta`).

Why tables beside the RDF: an analyst opens a CSV in one line of pandas or R and never needs
SPARQL; the tables are the graph's own facts (every row is read from the build's quads, by a
set-at-a-time SPARQL query or, for the large tables, by index scans joined in Python; never
written by hand), IRIs kept so that rows join back to the graph, with readable labels
beside them. RFC 4180: UTF-8, CRLF line ends, a header row, one
value per cell (a list becomes more rows: ``statement_topics``, ``evidence``). Rows are
sorted, so the same build gives the same bytes.

Parquet is not written: the tables are small (a few hundred rows), pandas and R read CSV
without an extra engine, and a second binary copy of every table would only grow the
release and the checks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from itertools import product

import pyoxigraph as ox

from ctkg.rdf.namespaces import (
    CTKG_NS,
    GRAPH_NS,
    ID_NS,
    OA_NS,
    PREFIXES,
    PROV_NS,
    RDF_NS,
    RDFS_NS,
    SKOS_NS,
    TIME_NS,
)
from ctkg.rdf.terms import RDF_TYPE, natural_key

_SUPPORTED_BY = CTKG_NS + "supportedBy"
_HAS_SELECTOR = OA_NS + "hasSelector"
_HAS_SOURCE = OA_NS + "hasSource"
_OA_START = OA_NS + "start"
_OA_END = OA_NS + "end"
_OA_EXACT = OA_NS + "exact"
_ASSERTION = ox.NamedNode(CTKG_NS + "Assertion")
_ASSERTION_REQUIRED = (RDF_NS + "subject", RDF_NS + "predicate", RDF_NS + "object",
                       PROV_NS + "wasDerivedFrom")
_ASSERTION_OPTIONAL = (CTKG_NS + "asOf", CTKG_NS + "inferred", CTKG_NS + "inferenceRule")
ENTITY_KINDS = ("person", "org", "place", "post", "event", "threat", "goal", "technology",
                "instrument", "pillar")
_PREFIX_LINES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
Row = list[str]


def _query(store: ox.Store, text: str) -> list[list[ox.NamedNode | ox.Literal | None]]:
    """Rows of a SELECT over the union of every graph."""
    result = store.query(_PREFIX_LINES + text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [[solution[v] for v in result.variables] for solution in result]


def _cell(term: object) -> str:
    """One cell: an IRI as it is, a literal by its lexical form, nothing as empty."""
    if term is None:
        return ""
    kind = type(term)  # not isinstance with a union type: this runs once per cell
    if kind is ox.NamedNode or kind is ox.Literal:
        return term.value  # type: ignore[attr-defined, no-any-return]
    return str(term)


class Labels:
    """IRI -> its readable label: skos:prefLabel (English) first, then rdfs:label; for an
    IRI without either, the local name (``ctkg:Occurred`` -> ``Occurred``)."""

    def __init__(self, store: ox.Store) -> None:
        found: dict[str, tuple[int, str]] = {}
        rows = _query(store, "SELECT ?s ?p ?o WHERE { ?s skos:prefLabel|rdfs:label ?o "
                             "FILTER(isIRI(?s) && LANGMATCHES(LANG(?o), 'en') "
                             "|| LANG(?o) = '') }")
        for s, p, o in rows:
            rank = 0 if _cell(p) == SKOS_NS + "prefLabel" else 1
            key = (rank, _cell(o))
            if _cell(s) not in found or key < found[_cell(s)]:
                found[_cell(s)] = key
        self.found = {iri: label for iri, (_rank, label) in found.items()}

    def __call__(self, term: object) -> str:
        if not isinstance(term, ox.NamedNode):
            return ""
        iri = term.value
        if iri in self.found:
            return self.found[iri]
        for ns in (CTKG_NS, TIME_NS, RDFS_NS):
            if iri.startswith(ns):
                return iri[len(ns):]
        return ""


def _sorted(rows: Iterable[Row]) -> list[Row]:
    """Distinct rows in natural order (E2 before E10, offset 9 before 10), cell by cell."""
    return _natural(list({tuple(r): r for r in rows}.values()), 0)


def _natural(rows: list[Row], col: int) -> list[Row]:
    """Distinct rows of one length in natural order from column ``col`` on: grouped by that
    cell, groups in its natural order, each group by the next columns. The order of a sort
    by every cell's natural key (which ends with the text, so distinct cells never tie),
    but a cell's key is computed only where the cells before it tie: most rows are told
    apart by their first cell (an IRI)."""
    if len(rows) < 2 or col >= len(rows[0]):
        return rows
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(r[col], []).append(r)
    out: list[Row] = []
    for cell in sorted(groups, key=natural_key):
        group = groups[cell]
        out += group if len(group) == 1 else _natural(group, col + 1)
    return out


def render_csv(header: Sequence[str], rows: Iterable[Row]) -> bytes:
    """RFC 4180 CSV: UTF-8, CRLF, header row, fields quoted where needed."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(_sorted(rows))
    return buf.getvalue().encode("utf-8")


def documents(store: ox.Store, label: Labels) -> list[Row]:
    rows = _query(store, """SELECT ?d ?title ?pub ?date ?inferred ?kind ?lang ?chars WHERE {
      ?d a ctkg:SourceDocument .
      OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d ctkg:publisher ?pub }
      OPTIONAL { ?d ctkg:publicationDate ?date } OPTIONAL { ?d ctkg:dateInferred ?inferred }
      OPTIONAL { ?d ctkg:documentKind ?kind } OPTIONAL { ?d dcterms:language ?lang }
      OPTIONAL { ?d ctkg:characterCount ?chars } }""")
    return [[_cell(d), _cell(d).rsplit("/", 1)[1], _cell(title), _cell(pub), label(pub),
             _cell(date), _cell(inferred) or "false", label(kind), _cell(lang), _cell(chars)]
            for d, title, pub, date, inferred, kind, lang, chars in rows]


def entities(store: ox.Store, label: Labels) -> list[Row]:
    kinds = " ".join(f'"{k}"' for k in ENTITY_KINDS)
    rows = _query(store, f"""SELECT ?e (MIN(?t) AS ?type) (MIN(?wd) AS ?wikidata)
      (COUNT(DISTINCT ?m) AS ?mentions) (COUNT(DISTINCT ?doc) AS ?docs) WHERE {{
      ?e a ?t FILTER(isIRI(?e) && STRSTARTS(STR(?t), STR(ctkg:)))
      BIND(STRBEFORE(STRAFTER(STR(?e), "{ID_NS}"), "/") AS ?kind)
      VALUES ?kind {{ {kinds} }}
      OPTIONAL {{ ?e owl:sameAs|skos:exactMatch ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:))) }}
      OPTIONAL {{ ?e gaf:denotedBy ?m . ?m oa:hasSource ?doc }}
    }} GROUP BY ?e""")
    out = []
    for e, t, wd, mentions, docs in rows:
        kind, slug = _cell(e)[len(ID_NS):].split("/", 1)
        out.append([_cell(e), kind, slug, label(e), _cell(t), label(t), _cell(wd),
                    _cell(mentions), _cell(docs)])
    return out


def events(store: ox.Store, label: Labels) -> list[Row]:
    """One row per event: the registry's summary (what each source says is in
    ``assertions``)."""
    rows = _query(store, f"""SELECT ?e ?t ?start ?end ?gran ?status ?place ?part WHERE {{
      GRAPH <{GRAPH_NS}registry> {{ ?e a ?t FILTER(STRSTARTS(STR(?e), "{ID_NS}event/")
                                            && STRSTARTS(STR(?t), STR(ctkg:)))
        OPTIONAL {{ ?e ctkg:startTime ?start }} OPTIONAL {{ ?e ctkg:endTime ?end }}
        OPTIONAL {{ ?e ctkg:timeGranularity ?gran }} OPTIONAL {{ ?e ctkg:status ?status }}
        OPTIONAL {{ ?e ctkg:place ?place }} OPTIONAL {{ ?e ctkg:partOf ?part }} }} }}""")
    return [[_cell(e), label(e), _cell(t), label(t), _cell(start), _cell(end),
             _cell(gran).rsplit("#", 1)[-1].removeprefix("unit").lower(), label(status),
             _cell(place), label(place), _cell(part), label(part)]
            for e, t, start, end, gran, status, place, part in rows]


def statements(store: ox.Store, label: Labels) -> list[Row]:
    """One row per statement, with the span of the mention that denotes it (the quote is
    that span of the text)."""
    rows = _query(store, """SELECT ?s ?doc ?speaker ?kind ?occasion ?quote ?m ?start ?end
    WHERE {
      ?s a ctkg:Statement ; ctkg:statedIn ?doc ; ctkg:speaker ?speaker ; ctkg:quote ?quote
      OPTIONAL { ?s ctkg:statementKind ?kind } OPTIONAL { ?s ctkg:occasion ?occasion }
      OPTIONAL { ?s gaf:denotedBy ?m . ?m oa:hasSelector ?pos .
                 ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end } }""")
    return [[_cell(s), _cell(doc), _cell(speaker), label(speaker), label(kind),
             _cell(occasion), label(occasion), _cell(quote), _cell(m), _cell(start),
             _cell(end)]
            for s, doc, speaker, kind, occasion, quote, m, start, end in rows]


def statement_topics(store: ox.Store, label: Labels) -> list[Row]:
    rows = _query(store, "SELECT ?s ?about WHERE { ?s a ctkg:Statement ; ctkg:about ?about }")
    return [[_cell(s), _cell(about), label(about)] for s, about in rows]


def by_subject(store: ox.Store, predicate: str) -> dict[str, list[object]]:
    """Subject (:func:`_cell`) -> its objects of ``predicate`` in any graph (in the store's
    order; a triple held by two graphs comes twice, and its rows are made distinct by
    :func:`render_csv`), read by one scan of the predicate's index: a table joins such maps
    in Python, which is linear and several times faster than a SPARQL join or an index
    lookup per subject. Keys are strings: a lookup by a pyoxigraph term costs several
    times one by its IRI."""
    out: dict[str, list[object]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
        out.setdefault(_cell(q.subject), []).append(q.object)
    return out


def assertions(store: ox.Store, label: Labels) -> list[Row]:
    """One row per assertion and combination of its values, as the SPARQL join of its
    required ``rdf:subject``, ``rdf:predicate``, ``rdf:object``, ``prov:wasDerivedFrom``
    and optional ``ctkg:asOf``, ``ctkg:inferred``, ``ctkg:inferenceRule`` would give."""
    required = [by_subject(store, p) for p in _ASSERTION_REQUIRED]
    optional = [by_subject(store, p) for p in _ASSERTION_OPTIONAL]
    found = store.quads_for_pattern(None, RDF_TYPE, _ASSERTION, None)
    out: list[Row] = []
    for a in dict.fromkeys(_cell(q.subject) for q in found):
        values = [m.get(a, []) for m in required] + [m.get(a) or [None] for m in optional]
        for s, p, o, doc, asof, inferred, rule in product(*values):
            out.append([a, _cell(doc), _cell(s), label(s), _cell(p), label(p),
                        _cell(o), label(o) if isinstance(o, ox.NamedNode) else "",
                        o.datatype.value if isinstance(o, ox.Literal) else "", _cell(asof),
                        _cell(inferred) or "false", _cell(rule)])
    return out


def evidence(store: ox.Store) -> list[Row]:
    """One row per span of each mention that supports an assertion; the quote of a span is
    its part of the mention's ``oa:exact`` (brat joins a discontinuous mention's fragments
    by one space), so ``text[start:end] == quote`` on every row. Read by one index scan per
    property (:func:`by_subject`)."""
    selectors, source = by_subject(store, _HAS_SELECTOR), by_subject(store, _HAS_SOURCE)
    starts, ends = by_subject(store, _OA_START), by_subject(store, _OA_END)
    exacts = by_subject(store, _OA_EXACT)
    out: list[Row] = []
    for q in store.quads_for_pattern(None, ox.NamedNode(_SUPPORTED_BY), None, None):
        if not isinstance(q.object, ox.NamedNode):
            continue
        mention = q.object.value
        found: set[tuple[int, int]] = set()
        exact = ""
        for selector in selectors.get(mention, []):
            sel = _cell(selector)
            if sel in starts:
                found.add((int(_cell(starts[sel][0])), int(_cell(ends.get(sel, [""])[0]))))
            exact = exact or _cell(exacts.get(sel, [""])[0])
        document = _cell(source.get(mention, [""])[0])
        pos = 0
        for begin, stop in sorted(found):
            out.append([_cell(q.subject), mention, document, str(begin), str(stop),
                        exact[pos:pos + stop - begin]])
            pos += stop - begin + 1
    return out
