"""``tables/``: the graph as CSV tables for pandas and R users, described by a Frictionless
data package (``tables/datapackage.json``, :mod:`ctkg.kg.tablemeta`).

Why tables beside the RDF: an analyst opens a CSV in one line of pandas or R and never needs
SPARQL; the tables are the graph's own facts (every row is read from the build's quads by a
set-at-a-time SPARQL query; never written by hand), IRIs kept so that rows join back to
the graph, with readable labels beside them. RFC 4180: UTF-8, CRLF line ends, a header row,
one value per cell (a list becomes more rows: ``statement_topics``, ``evidence``). Rows are
sorted, so the same build gives the same bytes.

Parquet is not written: the tables are small (a few hundred rows), pandas and R read CSV
without an extra engine, and a second binary copy of every table would only grow the
release and the checks.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from ctkg.rdf.namespaces import (
    CTKG_NS,
    GRAPH_NS,
    ID_NS,
    PREFIXES,
    RDFS_NS,
    SKOS_NS,
    TIME_NS,
)
from ctkg.rdf.terms import ECHARS, natural_key

ENTITY_KINDS = ("person", "org", "place", "post", "event", "threat", "goal", "technology",
                "instrument", "pillar")
_PREFIX_LINES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_PREF_LABEL = f"<{SKOS_NS}prefLabel>"
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
Row = Sequence[str]
NaturalKeys = dict[str, tuple[tuple[tuple[int, int | str], ...], str]]


def _query(store: ox.Store, text: str,
           graphs: Sequence[str] | None = None) -> Iterator[list[str]]:
    """Rows of a SELECT over the union of every graph (or the union of ``graphs`` only),
    each cell a term as SPARQL TSV writes
    it (``<iri>``, ``"text"@en``, ``12``, ``_:b``; empty when unbound): :func:`_cell` reads
    its value, :class:`Labels` its label. Why TSV: oxigraph writes every solution in one call
    (several times cheaper than a Python object per term), TSV keeps IRIs apart from
    literals, and it escapes every tab and line break (oxigraph's CSV leaves an IRI with a
    comma unquoted). The results go to a temporary file and are read back a line at a
    time: held whole, with their lines and cells, they were several copies of a table of
    10,000 documents at once."""
    for line in tsv_lines(store, text, graphs):
        yield line.split("\t")


def tsv_lines(store: ox.Store, text: str, graphs: Sequence[str] | None = None
              ) -> Iterator[str]:
    """:func:`_query`'s rows as TSV lines, without their line ends."""
    if graphs is None:
        result = store.query(_PREFIX_LINES + text, use_default_graph_as_union=True)
    else:
        result = store.query(_PREFIX_LINES + text,
                             default_graph=[ox.NamedNode(g) for g in graphs])
    assert isinstance(result, ox.QuerySolutions)
    with tempfile.TemporaryFile() as raw:
        result.serialize(raw, format=ox.QueryResultsFormat.TSV)
        raw.seek(0)
        lines = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        next(lines, None)  # the header
        for line in lines:
            yield line.removesuffix("\n")


Run = Callable[[str], Iterable[list[str]]]  # a SELECT's text -> its TSV rows


def runner(store: ox.Store | Run, graphs: Sequence[str] | None = None) -> Run:
    """The queries' runner: over the union of every graph of ``store`` (or of ``graphs``);
    a runner is returned as it is (the per-graph rows of :mod:`ctkg.kg.tablerows`)."""
    if isinstance(store, ox.Store):
        return lambda text: _query(store, text, graphs)
    return store


def _unescape(m: re.Match[str]) -> str:
    code = m[1] or m[2]
    return chr(int(code, 16)) if code else ECHARS[m[3]]


def _cell(term: str) -> str:
    """One cell from a TSV term: an IRI as it is, a literal by its lexical form, a blank node
    as ``_:b``, nothing as empty."""
    first = term[:1]
    if first == "<":
        return term[1:-1]
    if first == '"':  # "text", "text"@en or "text"^^<datatype>: the last quote closes it
        text = term[1:term.rindex('"')]
        return _ESCAPE.sub(_unescape, text) if "\\" in text else text
    return term  # "", _:b, or a number or boolean written bare (its lexical form)


LABELS = ("SELECT ?s ?p ?o WHERE { ?s skos:prefLabel|rdfs:label ?o "
          "FILTER(isIRI(?s) && LANGMATCHES(LANG(?o), 'en') || LANG(?o) = '') }")


def preferred(rows: Iterable[list[str]]) -> dict[str, str]:
    """TSV term -> its label, from the rows of :data:`LABELS`."""
    found: dict[str, tuple[int, str]] = {}
    for s, p, o in rows:
        key = (0 if p == _PREF_LABEL else 1, _cell(o))
        if s not in found or key < found[s]:
            found[s] = key
    return {iri: label for iri, (_rank, label) in found.items()}


class Labels:
    """TSV term -> its readable label: skos:prefLabel (English) first, then rdfs:label; for
    an IRI without either, the local name (``ctkg:Occurred`` -> ``Occurred``); for anything
    but an IRI, nothing. Answers are kept: a table asks for the same few IRIs many times."""

    def __init__(self, store: ox.Store | Run | None = None,
                 found: dict[str, str] | None = None) -> None:
        """The labels ``store`` states, or those ``found`` already (:func:`preferred`)."""
        self.found = dict(found) if found is not None else \
            preferred(runner(store)(LABELS)) if store is not None else {}

    def __call__(self, term: str) -> str:
        label = self.found.get(term)
        if label is None:
            label = self.found[term] = self._local_name(term)
        return label

    @staticmethod
    def _local_name(term: str) -> str:
        if term[:1] != "<":
            return ""
        iri = term[1:-1]
        for ns in (CTKG_NS, TIME_NS, RDFS_NS):
            if iri.startswith(ns):
                return iri[len(ns):]
        return ""


def _sorted(rows: Iterable[Row], keys: NaturalKeys | None = None) -> list[Row]:
    """Distinct rows in natural order (E2 before E10, offset 9 before 10), cell by cell;
    ``keys`` keeps each cell's natural key for the next table (assertions and evidence
    share their IRIs)."""
    return _natural(list(dict.fromkeys(map(tuple, rows))), 0, {} if keys is None else keys)


def _natural(rows: list[Row], col: int, keys: NaturalKeys) -> list[Row]:
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
    for cell in groups:
        if cell not in keys:
            keys[cell] = natural_key(cell)
    out: list[Row] = []
    for cell in sorted(groups, key=keys.__getitem__):
        group = groups[cell]
        out += group if len(group) == 1 else _natural(group, col + 1, keys)
    return out


def render_csv(header: Sequence[str], rows: Iterable[Row],
               keys: NaturalKeys | None = None) -> bytes:
    """RFC 4180 CSV: UTF-8, CRLF, header row, fields quoted where needed."""
    return (csv_lines([header]) + csv_lines(_sorted(rows, keys))).encode("utf-8")


def csv_lines(rows: Iterable[Row]) -> str:
    """The CSV lines of ``rows`` as they come. A row with nothing to quote (no comma, quote
    or line break in a cell) is joined as it is, which is what :mod:`csv` writes for it at a
    tenth of the cost; the other rows go through csv."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        line = ",".join(row)
        if (line.count(",") == len(row) - 1 and '"' not in line and "\r" not in line
                and "\n" not in line and len(row) > 1):
            buf.write(line + "\r\n")
        else:
            writer.writerow(row)
    return buf.getvalue()


def documents(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    rows = runner(store)("""SELECT ?d ?title ?pub ?date ?inferred ?kind ?lang ?chars WHERE {
      ?d a ctkg:SourceDocument .
      OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d ctkg:publisher ?pub }
      OPTIONAL { ?d ctkg:publicationDate ?date } OPTIONAL { ?d ctkg:dateInferred ?inferred }
      OPTIONAL { ?d ctkg:documentKind ?kind } OPTIONAL { ?d dcterms:language ?lang }
      OPTIONAL { ?d ctkg:characterCount ?chars } }""")
    c = _cell
    return ([c(d), c(d).rsplit("/", 1)[1], c(title), c(pub), label(pub), c(date),
             c(inferred) or "false", label(kind), c(lang), c(chars)]
            for d, title, pub, date, inferred, kind, lang, chars in rows)


ENTITY_FACTS = """SELECT ?e (MIN(?t) AS ?type) (MIN(?wd) AS ?wikidata) WHERE {{
      ?e a ?t FILTER(isIRI(?e) && STRSTARTS(STR(?t), STR(ctkg:)))
      BIND(STRBEFORE(STRAFTER(STR(?e), "{id}"), "/") AS ?kind)
      VALUES ?kind {{ {kinds} }}
      OPTIONAL {{ ?e owl:sameAs|skos:exactMatch ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:))) }}
      {more}}} GROUP BY ?e""".format
_KINDS = " ".join(f'"{k}"' for k in ENTITY_KINDS)


def entities(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    rows = runner(store)(ENTITY_FACTS(id=ID_NS, kinds=_KINDS, more="""OPTIONAL {
      ?e gaf:denotedBy ?m . ?m oa:hasSource ?doc }""").replace(
        "AS ?wikidata)", "AS ?wikidata)\n      (COUNT(DISTINCT ?m) AS ?mentions) "
                          "(COUNT(DISTINCT ?doc) AS ?docs)"))
    for e, t, wd, mentions, docs in rows:
        yield entity_row(e, t, wd, _cell(mentions), _cell(docs), label)


def entity_facts(store: ox.Store | Run) -> list[tuple[str, str, str]]:
    """(entity, type, Wikidata link) as TSV terms: the entities' row without their counts
    (which :func:`entity_row` is given)."""
    return [(e, t, wd) for e, t, wd in
            runner(store)(ENTITY_FACTS(id=ID_NS, kinds=_KINDS, more=""))]


def entity_row(e: str, t: str, wd: str, mentions: str, docs: str, label: Labels) -> Row:
    c = _cell
    kind, slug = c(e)[len(ID_NS):].split("/", 1)
    return [c(e), kind, slug, label(e), c(t), label(t), c(wd), mentions, docs]


def events(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    """One row per event: the registry's summary (what each source says is in
    ``assertions``)."""
    rows = runner(store)(f"""SELECT ?e ?t ?start ?end ?gran ?status ?place ?part WHERE {{
      GRAPH <{GRAPH_NS}registry> {{ ?e a ?t FILTER(STRSTARTS(STR(?e), "{ID_NS}event/")
                                            && STRSTARTS(STR(?t), STR(ctkg:)))
        OPTIONAL {{ ?e ctkg:startTime ?start }} OPTIONAL {{ ?e ctkg:endTime ?end }}
        OPTIONAL {{ ?e ctkg:timeGranularity ?gran }} OPTIONAL {{ ?e ctkg:status ?status }}
        OPTIONAL {{ ?e ctkg:place ?place }} OPTIONAL {{ ?e ctkg:partOf ?part }} }} }}""")
    c = _cell
    return ([c(e), label(e), c(t), label(t), c(start), c(end),
             c(gran).rsplit("#", 1)[-1].removeprefix("unit").lower(), label(status),
             c(place), label(place), c(part), label(part)]
            for e, t, start, end, gran, status, place, part in rows)


# the joins of statements and evidence (ctkg.kg.tablerows checks their nodes)
STATEMENT_SPANS = """SELECT ?s ?m ?pos ?start ?end WHERE {
      ?s a ctkg:Statement ; gaf:denotedBy ?m . ?m oa:hasSelector ?pos .
      ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }"""
SPANS = """SELECT ?m ?sel ?start ?end ?exact WHERE {
        ?m oa:hasSelector ?sel OPTIONAL { ?sel oa:start ?start }
        OPTIONAL { ?sel oa:end ?end } OPTIONAL { ?sel oa:exact ?exact } }"""
SOURCES = "SELECT ?m ?doc WHERE { ?m oa:hasSource ?doc }"
SUPPORTED = "SELECT ?a ?m WHERE { ?a ctkg:supportedBy ?m FILTER(isIRI(?m)) }"


def statements(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    """One row per statement, with the span of the mention that denotes it (the quote is
    that span of the text). The spans are a second query joined here: as an OPTIONAL of the
    first, oxigraph took five times as long."""
    spans: dict[str, list[tuple[str, str, str]]] = {}
    for s, m, _pos, start, end in runner(store)(STATEMENT_SPANS):
        spans.setdefault(s, []).append((m, start, end))
    rows = runner(store)("""SELECT ?s ?doc ?speaker ?kind ?occasion ?quote WHERE {
      ?s a ctkg:Statement ; ctkg:statedIn ?doc ; ctkg:speaker ?speaker ; ctkg:quote ?quote
      OPTIONAL { ?s ctkg:statementKind ?kind } OPTIONAL { ?s ctkg:occasion ?occasion } }""")
    c, none = _cell, [("", "", "")]  # no span: the OPTIONAL's unbound cells
    return ([c(s), c(doc), c(speaker), label(speaker), label(kind), c(occasion),
             label(occasion), c(quote), c(m), c(start), c(end)]
            for s, doc, speaker, kind, occasion, quote in rows
            for m, start, end in spans.get(s, none))


def statement_topics(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    rows = runner(store)("SELECT ?s ?about WHERE { ?s a ctkg:Statement ; ctkg:about ?about }")
    return ([_cell(s), _cell(about), label(about)] for s, about in rows)


def assertions(store: ox.Store | Run, label: Labels) -> Iterator[Row]:
    """One row per assertion and combination of its values: its required ``rdf:subject``,
    ``rdf:predicate``, ``rdf:object``, ``prov:wasDerivedFrom`` and optional ``ctkg:asOf``,
    ``ctkg:inferred``, ``ctkg:inferenceRule``. One SPARQL join, read as TSV (:func:`_query`):
    cheaper than joining index scans in Python, whose cost was a Python term per quad."""
    rows = runner(store)("""SELECT ?a ?doc ?s ?p ?o ?datatype ?asof ?inferred ?rule WHERE {
      ?a a ctkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         prov:wasDerivedFrom ?doc
      OPTIONAL { ?a ctkg:asOf ?asof } OPTIONAL { ?a ctkg:inferred ?inferred }
      OPTIONAL { ?a ctkg:inferenceRule ?rule }
      BIND(DATATYPE(?o) AS ?datatype) }""")  # unbound for an IRI or a blank node
    c = _cell
    return ([c(a), c(doc), c(s), label(s), c(p), label(p), c(o), label(o), c(datatype),
             c(asof), c(inferred) or "false", c(rule)]
            for a, doc, s, p, o, datatype, asof, inferred, rule in rows)


def evidence(store: ox.Store | Run) -> Iterator[Row]:
    """One row per span of each mention that supports an assertion; the quote of a span is
    its part of the mention's ``oa:exact`` (brat joins a discontinuous mention's fragments
    by one space), so ``text[start:end] == quote`` on every row. Each mention's spans are
    made once (a mention supports several assertions); where the shapes' single values are
    repeated, the first read is kept."""
    c = _cell
    spans: dict[str, set[tuple[int, int]]] = {}
    exacts: dict[str, str] = {}
    for m, _sel, start, end, exact in runner(store)(SPANS):
        if start:
            spans.setdefault(m, set()).add((int(c(start)), int(c(end))))
        if not exacts.get(m):
            exacts[m] = c(exact)
    sources: dict[str, str] = {}
    for m, doc in runner(store)(SOURCES):
        sources.setdefault(m, c(doc))
    pieces: dict[str, list[list[str]]] = {}
    for m, found in spans.items():
        mention, document, exact, pos = c(m), sources.get(m, ""), exacts.get(m, ""), 0
        pieces[m] = []
        for begin, stop in sorted(found):
            pieces[m].append([mention, document, str(begin), str(stop),
                              exact[pos:pos + stop - begin]])
            pos += stop - begin + 1
    supported = runner(store)(SUPPORTED)
    return ([c(a), *piece] for a, m in supported for piece in pieces.get(m, ()))
