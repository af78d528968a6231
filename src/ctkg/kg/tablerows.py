"""The tables' rows per graph (:mod:`ctkg.kg.tablecache` caches them): a document's rows
come from its own graph, the shared graphs' from theirs, and the CSVs are merged from them.

Why a document's rows depend on its graph and the shared labels only (what the compiler
emits, ``ctkg.kg.compile``, docs/design.md): every node a table is anchored on or joins
through (statement, assertion, mention, selector) is minted under its document's id
(``id/mention/<doc>/T3``, ``ctkg.rdf.terms.LOCAL_KINDS``) and is a subject in that
document's graph only; the objects of ``gaf:denotedBy``, ``oa:hasSelector`` and
``ctkg:supportedBy`` are nodes of the same document, a mention's ``oa:hasSource`` is that
document. The joins that do cross graphs are two:

- the labels (``tables.Labels``): stated by the shared graphs (registry, ontology,
  Wikidata) and read by every document's rows; a document's row set records the digest of
  the labels it was made with, and is made again when they differ;
- ``entities``: type and Wikidata link from the shared graphs, mentions and documents from
  every document graph. Each graph gives its number of mentions per entity (its mentions
  are its own, so the numbers add up; each has one source, its own document, so the
  number of documents is the number of graphs that mention the entity).

Checked as the rows are made, where it costs little (the rows and the joins' own query
rows, and a few selective patterns): a node of another document in a document's rows or
in the joins of its statements and evidence, a source other than its own document, an
entity denoted by another document's node, a label, a Wikidata link, a source document
or a type of an entity stated by a document graph, and shared graphs holding mentions,
statements, assertions or evidence. A row set that fails says why (``cross``), and the
tables are then made from the whole store. Not checked as they run (it would read every
quad): a document graph stating other facts about another document's node with no join
of its own to it; the compiler never does (``tests/kg/test_tablecache.py`` checks it on
builds).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter

import pyoxigraph as ox

from ctkg.kg import tables as t
from ctkg.rdf.namespaces import GRAPH_NS, ID_NS
from ctkg.rdf.terms import NaturalKey, local_starts, natural_key
from ctkg.validate.qc_scope import with_graph_column

# CSV lines of sorted rows, the first row, the last, and the natural sort keys of their first
# cells (made once with the block, which the cache keeps: the merge of 10,000 documents'
# blocks computed 40,000 of them each build, a second at 10,000 documents)
Block = tuple[bytes, t.Row, t.Row, NaturalKey, NaturalKey]
PER_DOCUMENT: dict[str, Callable[[t.Run, t.Labels], Iterable[t.Row]]] = {
    "statements": t.statements, "statement_topics": t.statement_topics,
    "assertions": t.assertions, "evidence": lambda run, _label: t.evidence(run)}
# the cells of each table that hold a node of the document the row comes from
_LOCAL_CELLS = {"statements": (0, 8), "statement_topics": (0,), "assertions": (0,),
                "evidence": (0, 1)}
# the queries of a table whose nodes (in these columns) join it to other rows; ~col: the
# column of a mention's source, which must be the graph's own document
_JOINS: dict[str, list[tuple[str, tuple[int, ...]]]] = {
    "statements": [(t.STATEMENT_SPANS, (0, 1, 2))],
    "evidence": [(t.SPANS, (0, 1)), (t.SOURCES, (0, ~1)), (t.SUPPORTED, (1,))]}
# per entity, its mentions that have a source (each has one: its own document, checked
# with SOURCES), and the least and greatest of all it is denoted by (in the graph's own
# nodes: all between them are)
MENTIONS = """SELECT ?e (COUNT(?doc) AS ?n) (MIN(STR(?m)) AS ?low) (MAX(STR(?m)) AS ?high)
  WHERE { ?e gaf:denotedBy ?m OPTIONAL { ?m oa:hasSource ?doc } } GROUP BY ?e"""
CHECK = """SELECT DISTINCT ?why WHERE {{
  {{ ?s skos:prefLabel|rdfs:label ?o BIND("a label" AS ?why) }}
  UNION {{ ?s owl:sameAs|skos:exactMatch ?o BIND("a Wikidata link" AS ?why) }}
  UNION {{ ?s a ctkg:SourceDocument BIND("a source document" AS ?why) }}
  UNION {{ VALUES ?t {{ {types} }} ?s a ?t BIND("a type of an entity" AS ?why) }} }}"""


@dataclass
class SharedRows:
    """What the shared graphs give the tables: labels, the whole ``documents`` and
    ``events`` tables (CSV lines), the entities without their counts."""

    labels: dict[str, str]
    labels_digest: str
    documents: bytes
    events: bytes
    facts: list[tuple[str, str, str]]  # entity, type, Wikidata link (TSV terms)
    cross: str = ""  # why the tables need the whole store, if they do


@dataclass
class DocRows:
    """One document graph's rows: a block per table of :data:`PER_DOCUMENT`, its count of
    mentions per entity, and the digest of the labels they were made with."""

    labels_digest: str
    blocks: dict[str, Block] = field(default_factory=dict)
    mentions: list[tuple[str, int]] = field(default_factory=list)
    cross: str = ""


def shared_rows(store: ox.Store, shared: Sequence[str], keys: t.NaturalKeys) -> SharedRows:
    """The shared graphs' part of the tables, queried on those graphs only."""
    run = t.runner(store, shared)
    labels = t.preferred(run(t.LABELS))
    digest = hashlib.sha256(repr(sorted(labels.items())).encode()).hexdigest()
    label = t.Labels(found=labels)
    out = SharedRows(labels, digest, _lines(t.documents(run, label), keys),
                     _lines(t.events(run, label), keys), t.entity_facts(run))
    joins = [text for queries in _JOINS.values() for text, _cols in queries]
    if any(any(True for _ in run(text)) for text in [MENTIONS, *joins]) or any(
            any(True for _ in rows(run, label)) for rows in PER_DOCUMENT.values()):
        out.cross = "the shared graphs hold mentions, statements or assertions"
    return out


def _lines(rows: Iterable[t.Row], keys: t.NaturalKeys) -> bytes:
    return t.csv_lines(t._sorted(rows, keys)).encode("utf-8")


def check_query(shared: SharedRows) -> str:
    """The patterns a document graph must not hold (the types are the entities')."""
    types = " ".join(sorted({ty for _e, ty, _wd in shared.facts})) or "<urn:ctkg:none>"
    return CHECK.format(types=types)


def by_graph(text: str) -> str:
    """A query of :mod:`ctkg.kg.tables` or this module on each graph apart: its pattern
    inside ``GRAPH ?graph { … }`` and ``?graph`` projected first (and grouped by)."""
    where = text.index("WHERE {") + len("WHERE {")
    end = text.rindex("}")
    text = f"{text[:where]} GRAPH ?graph {{{text[where:end]}}} {text[end:]}"
    return with_graph_column(text.replace("GROUP BY ", "GROUP BY ?graph "))


class ByGraph:
    """A runner that answers each query with the rows of graph ``graph``, from one pass
    over every graph (its rows split by graph, kept until :meth:`clear`)."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.graph = store, ""
        self.split: dict[str, dict[str, list[list[str]]]] = {}

    def __call__(self, text: str) -> list[list[str]]:
        split = self.split.get(text)
        if split is None:
            split = self.split[text] = {}
            at, rows = "", []  # a graph's rows come together: the list of the last one
            for line in t.tsv_lines(self.store, by_graph(text)):
                graph, _tab, rest = line.partition("\t")
                if graph != at:
                    at, rows = graph, split.setdefault(graph, [])
                rows.append(rest.split("\t"))
        return split.get(f"<{self.graph}>", [])

    def clear(self) -> None:
        self.split.clear()


def document_rows(store: ox.Store, graphs: Sequence[str], shared: SharedRows,
                  keys: t.NaturalKeys, batch: bool) -> dict[str, DocRows]:
    """Each document graph's rows: one query per graph, or (``batch``) one pass over the
    store per query, split by graph. A table at a time, for every graph (the split rows of
    one table are held at once)."""
    label = t.Labels(found=shared.labels)
    out = {g: DocRows(shared.labels_digest) for g in graphs}
    one = ByGraph(store) if batch else None

    def run(graph: str) -> t.Run:
        if one is None:
            return t.runner(store, [graph])
        one.graph = graph
        return one

    check = check_query(shared)
    for name, rows in PER_DOCUMENT.items():
        for graph in graphs:
            mine = out[graph]
            block = t._sorted(rows(run(graph), label), keys)
            mine.blocks[name] = _block(block)
            mine.cross = mine.cross or _foreign(block, name, graph[len(GRAPH_NS):])
            for text, cols in _JOINS.get(name, ()):  # the queries' rows are at hand
                mine.cross = mine.cross or _strays(run(graph)(text), cols, graph)
        if one is not None:
            one.clear()
    for graph in graphs:
        mine = out[graph]
        found = [why for why, in run(graph)(check)]
        mine.mentions, why = _mentions(run(graph)(MENTIONS), graph)
        mine.cross = mine.cross or ("the graph states " + found[0] if found else why)
    return out


def _block(rows: list[t.Row]) -> Block:
    """Sorted rows as a block: their CSV lines, the first row and the last, and the sort
    keys of their first cells."""
    if not rows:
        return b"", (), (), _NO_KEY, _NO_KEY
    first, last = tuple(rows[0]), tuple(rows[-1])
    return (t.csv_lines(rows).encode("utf-8"), first, last, natural_key(first[0]),
            natural_key(last[0]))


_NO_KEY: NaturalKey = ((), "")


def _foreign(rows: list[t.Row], table: str, doc: str) -> str:
    """Why rows of document ``doc`` would join another graph: a node of another document."""
    mine = local_starts(doc)
    for row in rows:
        for col in _LOCAL_CELLS[table]:
            if row[col] and not row[col].startswith(mine):
                return f"{table}: {row[col]} is not a node of {doc}"
    return ""


def _strays(rows: Iterable[list[str]], cols: tuple[int, ...], graph: str) -> str:
    """Why a graph's joins would reach another graph: a node of another document in them,
    or (SOURCES) a source other than its own document."""
    doc = graph[len(GRAPH_NS):]
    mine, source = local_starts(doc), f"<{ID_NS}document/{doc}>"
    for row in rows:
        for col in cols:
            if not (row[col][1:].startswith(mine) if col >= 0 else row[~col] == source):
                return f"{row[max(col, ~col)]} is not of {graph}"
    return ""


def _mentions(rows: Iterable[list[str]], graph: str) -> tuple[list[tuple[str, int]], str]:
    """(entity, number of its mentions) in one graph, in order; why not, if an entity is
    denoted by a node of another document."""
    out: list[tuple[str, int]] = []
    starts = local_starts(graph[len(GRAPH_NS):])
    for e, n, low, high in rows:
        if not any(low[1:].startswith(p) and high[1:].startswith(p) for p in starts):
            return [], f"{e} is denoted by a node of another graph than {graph}"
        if n != "0":
            out.append((e, int(n)))
    return sorted(out), ""


def merge(blocks: Iterable[Block], keys: t.NaturalKeys) -> bytes:
    """A table's lines from the documents' blocks: the blocks in the order of their first
    cells, joined as they are when each block's last first cell comes before the next
    block's first (each document's rows start with its own IRIs, so they sort together);
    else every row sorted again, as one table."""
    full = sorted((b for b in blocks if b[0]), key=itemgetter(3))
    if all(a[4] < b[3] for a, b in pairwise(full)):
        return b"".join(b[0] for b in full)
    rows = [row for b in full for row in csv.reader(io.StringIO(b[0].decode("utf-8"),
                                                                newline=""))]
    return _lines(rows, keys)


def entity_lines(shared: SharedRows, docs: Iterable[DocRows], label: t.Labels,
                 keys: t.NaturalKeys) -> bytes:
    """``entities``: the shared graphs' facts with every document graph's counts added."""
    mentions: dict[str, int] = {}
    documents: dict[str, int] = {}
    for doc in docs:
        for e, n in doc.mentions:
            mentions[e] = mentions.get(e, 0) + n
            documents[e] = documents.get(e, 0) + 1
    return _lines((t.entity_row(e, ty, wd, str(mentions.get(e, 0)), str(documents.get(e, 0)),
                                label) for e, ty, wd in shared.facts), keys)
