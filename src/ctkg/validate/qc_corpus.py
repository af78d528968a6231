"""Corpus-scoped QC queries without the whole store: per-document facts, cached under each
document's compile key, and an exact confirmation against the other documents.

A corpus query's rows may depend on any graph, so it cannot be cut per document like a
document-scoped one (:mod:`ctkg.validate.qc_scope`). But each one reads few kinds of triple,
and its header says which and how its rows can be found from a small store (the shared
graphs and the documents whose facts are not cached):

- ``# reads: PATTERN | PATTERN …`` (triple patterns in the query's prefixes): the query
  reads no other triple. A document graph that states none of them cannot change its rows,
  so the rows on a store holding the shared graphs and every document graph that *does*
  state one are the rows on the whole build. The per-document fact is that list of
  documents (normally empty: the compiler's document graphs state no label, definition,
  ``skos:broader``, ``owl:sameAs`` or ontology header), found by one index lookup.
- ``# confirm: typed`` (entity-without-type): each document's *candidates*, the ``id/``
  IRIs it uses as subject or object without typing them (nor do the shared graphs its key
  covers), and the ``id/`` IRIs it types that are not its own nodes (normally none: a
  document types only what it mints). A candidate is a violation unless a shared graph
  types it, a document's foreign types name it, or the document whose node it is
  (:func:`ctkg.rdf.terms.local_document`) types it; that document's answer is kept in its
  own cache entry, so it is read from its graph once per question.
- ``# confirm: anchored`` with ``# anchor: ?s …`` and ``# links: PREDICATE``
  (paraphrase-without-original): the query's rows are about subjects matching the anchor
  (cached per document), and every triple it reads (``# reads:``, each pattern about
  ``?s``) is about an anchor or what an anchor links to. Those subjects' triples are
  gathered (from the shared graphs, from the graph of the document whose node each is, and
  from any document that states a read triple about another's node: its *foreign
  subjects*, cached) into a scratch store, where the query itself runs.

A fact that needs a document graph the store lacks (a new question to an uncached
document, a read triple in an unloaded one) asks the caller to load it (``more``), or
raises :class:`NeedGraphs` so that it runs on the whole store instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ctkg.rdf.namespaces import GRAPH_NS, ID_NS
from ctkg.rdf.terms import LOCAL_KINDS, local_document, local_starts
from ctkg.sparql.lexer import tokenize
from ctkg.sparql.queryfile import header_fields
from ctkg.validate.qc import QCQuery, solution_rows

GUARDED, TYPED, ANCHORED = "guarded", "typed", "anchored"
VALUE = "qc_value"
MANY = 64  # graphs from which a fact is run over all of the store's graphs
CHUNK = 128  # graphs per query of a fact that reads every triple (or type) of its graphs
Rows = dict[str, list[str]]  # cache key -> rows (one table for the whole build's QC)


class NeedGraphs(Exception):
    """The rows need document graphs that the store does not hold."""

    def __init__(self, graphs: Iterable[str]) -> None:
        self.graphs = sorted(graphs)
        super().__init__(f"QC needs {len(self.graphs)} more document graphs")


@dataclass(frozen=True)
class Plan:
    """How a corpus query's rows are found from per-document facts (module docstring)."""

    query: QCQuery
    mode: str  # GUARDED | TYPED | ANCHORED
    reads: tuple[str, ...] = ()
    anchor: str = ""
    links: str = ""

    @property
    def facts(self) -> tuple[str, ...]:
        """The names of its per-document facts."""
        return {GUARDED: ("reads",), TYPED: ("candidates", "foreign"),
                ANCHORED: ("anchors", "foreign")}[self.mode]

    def key(self, document_key: str, fact: str) -> str:
        """A document's fact: its compile key, the fact and the query's text."""
        return hashlib.sha256(f"{document_key}\n{fact}\n{self.query.text}".encode()
                              ).hexdigest()


def plan_of(query: QCQuery) -> Plan | None:
    """The query's plan from its header; None for one that needs the whole build."""
    fields = {f.key: f.value for f in header_fields(query.text)}
    reads = tuple(p.strip() for p in fields.get("reads", "").split("|") if p.strip())
    mode = fields.get("confirm", "")
    if mode == TYPED:
        return Plan(query, TYPED)
    if mode == ANCHORED:
        if not reads or not all(p.startswith("?s ") for p in reads) or \
                not fields.get("anchor", "").startswith("?s ") or not fields.get("links"):
            raise ValueError(f"{query.name}: '# confirm: anchored' needs '# anchor: ?s …', "
                             "'# links: PREDICATE' and '# reads:' patterns about ?s")
        return Plan(query, ANCHORED, reads, fields["anchor"], fields["links"])
    return Plan(query, GUARDED, reads) if reads else None


def prologue(text: str) -> str:
    """The query's prefixes (everything before SELECT)."""
    for tok in tokenize(text):
        if tok.kind == "word" and tok.text.upper() == "SELECT":
            return text[:tok.start]
    raise ValueError("not a SELECT query")


def first_variable(text: str) -> str:
    """The first projected variable of a SELECT (its rows' first column)."""
    tokens = tokenize(text[len(prologue(text)):])
    return next(t.text.lstrip("?$") for t in tokens if t.kind == "var")


def _union(patterns: Iterable[str]) -> str:
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


_ID = f'"{ID_NS}"'
# ?s is a node another document minted (or no node at all): not local to ?graph's document
_FOREIGN = (f'BIND (STRAFTER(STR(?graph), "{GRAPH_NS}") AS ?qc_doc) '
            "FILTER (!isIRI(?s) || !(" + " || ".join(
                f'STRSTARTS(STR(?s), CONCAT({_ID}, "{k}/", ?qc_doc, "/"))'
                for k in LOCAL_KINDS) + "))")
# entity-without-type in document form: the id/ IRIs a graph uses untyped by it and by the
# default graph (the shared graphs its key covers); MINUS, an anti-join on both variables
_CANDIDATES = f"""
SELECT DISTINCT ?graph ?{VALUE} WHERE {{
  {{ SELECT DISTINCT ?graph ?{VALUE} WHERE {{
      GRAPH ?graph {{ {{ ?{VALUE} ?p ?o }} UNION {{ ?s ?p ?{VALUE} }} }}
      FILTER (isIRI(?{VALUE}) && STRSTARTS(STR(?{VALUE}), {_ID}))
  }} }}
  MINUS {{ GRAPH ?graph {{ ?{VALUE} a ?type }} }}
  MINUS {{ ?{VALUE} a ?type2 }}
}}"""
_FOREIGN_TYPES = f"""
SELECT DISTINCT ?graph (?s AS ?{VALUE}) WHERE {{
  GRAPH ?graph {{ ?s a ?type }}
  FILTER (isIRI(?s) && STRSTARTS(STR(?s), {_ID}))
  {_FOREIGN}
}}"""


def fact_query(plan: Plan, fact: str) -> str:
    """The SPARQL of a per-document fact: rows (?graph, ?qc_value), the document graph in
    ``GRAPH ?graph``, the default graph the shared graphs its key covers."""
    head = prologue(plan.query.text)
    if fact == "reads":
        body = (f"SELECT DISTINCT ?graph ?{VALUE} WHERE {{ "
                f"GRAPH ?graph {{ {_union(plan.reads)} }} BIND (true AS ?{VALUE}) }}")
    elif fact == "candidates":
        body = _CANDIDATES
    elif fact == "foreign" and plan.mode == TYPED:
        body = _FOREIGN_TYPES
    elif fact == "anchors":
        body = (f"SELECT DISTINCT ?graph (?s AS ?{VALUE}) WHERE {{ "
                f"GRAPH ?graph {{ {plan.anchor} }} }}")
    else:
        body = f"SELECT DISTINCT ?graph (?s AS ?{VALUE}) WHERE {{ " \
               f"GRAPH ?graph {{ {_union(plan.reads)} }} {_FOREIGN} }}"
    return head + body


def run_fact(store: ox.Store, plan: Plan, fact: str, graphs: Collection[str],
             lookups: Iterable[str]) -> dict[str, list[str]]:
    """A fact of each of ``graphs`` (one query over all of them: a graph's rows come from
    that graph and the lookups alone). Many graphs are not named to the engine: ``GRAPH
    ?graph`` over a list of named graphs tried each one for each pattern (0.1-0.4 s at
    2,000 documents where a pass over the store's graphs took 1 ms), and the rows of the
    others are dropped here.

    Except the typed plan's facts, which read every triple (or every type) of each graph
    anyway: over the whole store, the candidates' ``MINUS`` held every typed node of every
    document in a hash table (60 MiB at 2,000 documents, growing with the corpus; the
    whole-store query they replace took 1 MiB). They run on :data:`CHUNK` named graphs at
    a time, which hold that many graphs' (7-10 MiB), in no more time (1.0 s against 1.2 s
    at 2,000 documents); the rows are the same, each graph's coming from that graph and the
    lookups."""
    lookups = list(lookups)
    if plan.mode != TYPED:
        return _fact_rows(store, plan, fact, graphs, lookups, len(graphs) < MANY)
    ordered, out = list(graphs), dict[str, list[str]]()
    for at in range(0, len(ordered), CHUNK):
        out.update(_fact_rows(store, plan, fact, ordered[at:at + CHUNK], lookups, True))
    return out


def _fact_rows(store: ox.Store, plan: Plan, fact: str, graphs: Collection[str],
               lookups: list[str], name: bool) -> dict[str, list[str]]:
    """The fact's rows for ``graphs``, named to the engine (``name``) or found among the
    store's."""
    named: list[ox.NamedNode | ox.BlankNode] | None = (
        [ox.NamedNode(g) for g in graphs] if name else None)
    text = typed_foreign(plan, graphs) if plan.mode == TYPED and fact == "foreign" else \
        fact_query(plan, fact)
    results = store.query(text, named_graphs=named,
                          default_graph=[ox.NamedNode(g) for g in lookups])
    assert isinstance(results, ox.QuerySolutions)
    out: dict[str, set[str]] = {g: set() for g in graphs}
    for sol in results:
        graph, value = sol["graph"], sol[VALUE]
        if isinstance(graph, ox.NamedNode) and graph.value in out:
            out[graph.value].add(value.value if isinstance(value, ox.NamedNode) else str(value))
    return {g: sorted(v) for g, v in out.items()}


def typed_foreign(plan: Plan, graphs: Iterable[str]) -> str:
    """The typed plan's foreign fact (:data:`_FOREIGN_TYPES`) for ``graphs``, each with its
    document's node prefixes in ``VALUES``: the same rows (the document as ``STRAFTER``
    gives it), without the four ``CONCAT`` per typed node (every node of every document)
    that made 0.33 s of it at 2,000 documents (0.22 s so)."""
    kinds = range(len(LOCAL_KINDS))
    rows = " ".join(f"(<{g}> " + " ".join(str(ox.Literal(start)) for start in local_starts(
        g.split(GRAPH_NS, 1)[1] if GRAPH_NS in g else "")) + ")" for g in graphs)
    local = " || ".join(f"STRSTARTS(STR(?s), ?qc_start{k})" for k in kinds)
    return prologue(plan.query.text) + f"""
SELECT DISTINCT ?graph (?s AS ?{VALUE}) WHERE {{
  VALUES (?graph {" ".join(f"?qc_start{k}" for k in kinds)}) {{ {rows} }}
  GRAPH ?graph {{ ?s a ?type }}
  FILTER (isIRI(?s) && STRSTARTS(STR(?s), {_ID}))
  FILTER (!({local}))
}}"""


def about(store: ox.Store, subjects: Collection[str], graphs: Iterable[str]
          ) -> dict[str, dict[str, list[str]]]:
    """Graph -> subject -> the N-Triples lines ``graphs`` state about each of ``subjects``."""
    out: dict[str, dict[str, list[str]]] = {}
    if not subjects:
        return out
    values = " ".join(f"<{s}>" for s in sorted(subjects))
    results = store.query(f"SELECT ?graph ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
                          "GRAPH ?graph { ?s ?p ?o } }",
                          named_graphs=[ox.NamedNode(g) for g in graphs])
    assert isinstance(results, ox.QuerySolutions)
    for sol in results:
        graph, s, p, o = sol["graph"], sol["s"], sol["p"], sol["o"]
        assert isinstance(graph, ox.NamedNode) and isinstance(s, ox.NamedNode) \
            and isinstance(p, ox.NamedNode) and o is not None
        out.setdefault(graph.value, {}).setdefault(s.value, []).append(
            str(ox.Triple(s, p, o)))
    return out


def owner(iri: str, documents: Mapping[str, str]) -> str | None:
    """The graph of the document whose node ``iri`` is, if it is one of ``documents``."""
    doc = local_document(iri)
    graph = f"{GRAPH_NS}{doc}" if doc else None
    return graph if graph in documents else None


def typed_in(store: ox.Store, iris: Collection[str], graphs: Iterable[str]) -> set[str]:
    """Those of ``iris`` that one of ``graphs`` types."""
    if not iris:
        return set()
    values = " ".join(f"<{i}>" for i in sorted(iris))
    results = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}",
                          default_graph=[ox.NamedNode(g) for g in graphs])
    assert isinstance(results, ox.QuerySolutions)
    return {s.value for sol in results if isinstance(s := sol["s"], ox.NamedNode)}


def run_on(lines: Iterable[str], query: QCQuery) -> list[str]:
    """The query on a scratch store of N-Triples lines."""
    scratch = ox.Store()
    data = "".join(f"{line} .\n" for line in sorted(set(lines)))
    if data:
        scratch.load(data.encode(), format=ox.RdfFormat.N_TRIPLES)
    return solution_rows(scratch.query(query.text, use_default_graph_as_union=True), query)


Answer = Callable[[str, set[str]], dict[str, list[str]]]
