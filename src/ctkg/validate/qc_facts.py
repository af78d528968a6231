"""The corpus queries' rows for one run, from a whole or a small store and the cache.

Each document's facts (:mod:`ctkg.validate.qc_corpus`) are one record of the build's QC
table, under its compile key: computed for the documents the store holds and the cache
lacks, read from the table for the others. The answers that documents give about their own
nodes (is it typed, what does the document say about it) are a second record, written as
they are asked. The store holds the shared graphs and ``loaded`` (None: every document).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence

import pyoxigraph as ox

from ctkg.validate.qc import QCQuery, run_query
from ctkg.validate.qc_corpus import (
    ANCHORED,
    GUARDED,
    TYPED,
    NeedGraphs,
    Plan,
    Rows,
    about,
    fact_query,
    first_variable,
    owner,
    plan_of,
    prologue,
    run_fact,
    run_on,
    typed_in,
)

Loader = Callable[[list[str]], None]  # loads more document graphs into the store


def corpus_digest(queries: Sequence[QCQuery]) -> str:
    """What a document's corpus records depend on besides the document: the plans' SPARQL."""
    plans = [p for p in map(plan_of, queries) if p is not None]
    return hashlib.sha256("\n".join(fact_query(p, f) + p.query.text
                                    for p in plans for f in p.facts).encode()).hexdigest()


def record_key(document_key: str, digest: str, kind: str) -> str:
    """The table key of a document's facts (``kind`` "facts") or answers ("answers")."""
    return hashlib.sha256(f"{document_key}\n{kind}\n{digest}".encode()).hexdigest()


def fact_of(records: Mapping[str, Mapping[str, list[str]]], plan: Plan, fact: str
            ) -> dict[str, list[str]]:
    """Graph -> a fact's values, for the documents that have any."""
    name = f"{plan.query.name}:{fact}"
    return {g: r[name] for g, r in records.items() if name in r}


def cached_answers(table: Rows, document_key: str, digest: str
                   ) -> dict[str, dict[str, list[str]]]:
    """Tag -> subject -> lines: a document's cached answers about its nodes."""
    rows = table.get(record_key(document_key, digest, "answers"), []) if document_key else []
    out: dict[str, dict[str, list[str]]] = {}
    for tag, values in decode(rows).items():
        for value in values:
            subject, *lines = value.split("\n")
            out.setdefault(tag, {})[subject] = lines
    return out


def decode(rows: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        name, _, value = row.partition("\t")
        out.setdefault(name, []).append(value)
    return out


def _encode(record: Mapping[str, Collection[str]]) -> list[str]:
    return [f"{name}\t{v}" for name in sorted(record) for v in sorted(record[name])]


class Facts:
    """The corpus plans' facts and answers for one run (module docstring)."""

    def __init__(self, store: ox.Store, queries: Sequence[QCQuery], documents: dict[str, str],
                 shared: Sequence[str], lookups: Sequence[str], table: Rows, fresh: Rows,
                 loaded: Collection[str] | None, more: Loader | None) -> None:
        self.store, self.documents, self.shared, self.lookups = store, documents, shared, lookups
        self.table, self.fresh, self.more = table, fresh, more
        self.loaded = set(documents) if loaded is None else set(loaded) & set(documents)
        self.plans = {q.name: plan_of(q) for q in queries if q.scope != "document"}
        self.digest = corpus_digest(queries)
        self.records: dict[str, dict[str, list[str]]] = {}
        keys = {g: record_key(k, self.digest, "facts") if k else "" for g, k in documents.items()}
        todo = [g for g, k in keys.items() if k not in table]
        self.need(set(todo))
        found: dict[str, dict[str, list[str]]] = {g: {} for g in todo}
        for plan in (p for p in self.plans.values() if p is not None and todo):
            for fact in plan.facts:
                for graph, values in run_fact(store, plan, fact, todo, lookups).items():
                    if values:
                        found[graph][f"{plan.query.name}:{fact}"] = values
        for graph, key in keys.items():
            rows = _encode(found[graph]) if graph in found else table[key]
            self.records[graph] = found[graph] if graph in found else decode(rows)
            if key:
                fresh[key] = rows
        self.asked: dict[str, dict[str, dict[str, list[str]]]] = {}  # graph -> tag -> answers

    def need(self, graphs: set[str]) -> None:
        """Have the store hold ``graphs`` (by ``more``), or raise NeedGraphs."""
        graphs = graphs - self.loaded
        if not graphs:
            return
        if self.more is None:
            raise NeedGraphs(graphs)
        self.more(sorted(graphs))
        self.loaded |= graphs

    def fact(self, plan: Plan, fact: str) -> dict[str, list[str]]:
        return fact_of(self.records, plan, fact)

    def answers(self, tag: str, asked: Mapping[str, set[str]],
                compute: Callable[[str, set[str]], dict[str, list[str]]]
                ) -> dict[str, dict[str, list[str]]]:
        """Graph -> subject -> lines: each graph's answer about its own nodes ``asked``
        (``compute`` from the store if it holds the graph, else the cached answer, else the
        graph is loaded)."""
        out: dict[str, dict[str, list[str]]] = {}
        for graph, subjects in sorted(asked.items()):
            cached = self._cached(graph).get(tag, {})
            if graph not in self.loaded and not subjects <= cached.keys():
                self.need({graph})
            mine = compute(graph, subjects) if graph in self.loaded else cached
            out[graph] = {s: mine.get(s, []) for s in subjects}
            self.asked.setdefault(graph, {}).setdefault(tag, {}).update(out[graph])
        return out

    def _cached(self, graph: str) -> dict[str, dict[str, list[str]]]:
        return cached_answers(self.table, self.documents.get(graph, ""), self.digest)

    def keep_answers(self) -> None:
        """Put the answers asked in this run into ``fresh`` (one record per document)."""
        for graph, tags in self.asked.items():
            if self.documents.get(graph):
                self.fresh[record_key(self.documents[graph], self.digest, "answers")] = sorted(
                    f"{tag}\t" + "\n".join([s, *lines])
                    for tag, answers in tags.items() for s, lines in answers.items())

    # -- the rows of each kind of plan --------------------------------------------------
    def rows(self, query: QCQuery) -> list[str]:
        plan = self.plans.get(query.name)
        if plan is None:  # reads anything: only the whole build will do
            self.need(set(self.documents))
        elif plan.mode == GUARDED:
            self.need(set(self.fact(plan, "reads")))
        elif plan.mode == TYPED:
            return self._typed(plan)
        elif plan.mode == ANCHORED:
            return self._anchored(plan)
        return run_query(self.store, query)

    def _typed(self, plan: Plan) -> list[str]:
        every = set(chain_values(self.fact(plan, "candidates")))
        every.update(chain_values(run_fact(self.store, plan, "candidates", self.shared,
                                           self.shared)))
        asked: dict[str, set[str]] = {}
        for iri in every:
            if (graph := owner(iri, self.documents)) is not None:
                asked.setdefault(graph, set()).add(iri)
        answers = self.answers(f"{plan.query.name}:typed", asked, lambda g, subjects: {
            s: ["a"] for s in typed_in(self.store, subjects, [g])})
        every -= {s for mine in answers.values() for s, typed in mine.items() if typed}
        every -= set(chain_values(self.fact(plan, "foreign")))
        every -= typed_in(self.store, every, self.shared)
        var = first_variable(plan.query.text)
        return [f"{var}={iri}" for iri in sorted(every)]

    def _anchored(self, plan: Plan) -> list[str]:
        subjects = set(chain_values(self.fact(plan, "anchors")))
        subjects.update(chain_values(run_fact(self.store, plan, "anchors", self.shared,
                                              self.shared)))
        if not subjects:  # every row is about an anchor
            return []
        lines = self._gather(plan, subjects)
        links = run_on_rows(lines, f"{prologue(plan.query.text)}SELECT DISTINCT ?o WHERE "
                                   f"{{ ?s {plan.links} ?o FILTER (isIRI(?o)) }}")
        lines += self._gather(plan, set(links) - subjects)
        return run_on(lines, plan.query)

    def _gather(self, plan: Plan, subjects: set[str]) -> list[str]:
        """Every triple about ``subjects`` that the query may read, as N-Triples lines."""
        foreign = {g for g, values in self.fact(plan, "foreign").items()
                   if subjects & set(values)}
        self.need(foreign)
        asked: dict[str, set[str]] = {}
        for iri in subjects:
            if (graph := owner(iri, self.documents)) is not None:
                asked.setdefault(graph, set()).add(iri)
        answers = self.answers(f"{plan.query.name}:about", asked, lambda g, mine: {
            s: lines for s, lines in about(self.store, mine, [g]).get(g, {}).items()})
        found = about(self.store, subjects, [*self.shared, *sorted(foreign)])
        return [line for part in (*answers.values(), *found.values())
                for lines in part.values() for line in lines]


def chain_values(facts: Mapping[str, list[str]]) -> list[str]:
    return [v for values in facts.values() for v in values]


def run_on_rows(lines: list[str], text: str) -> list[str]:
    scratch = ox.Store()
    data = "".join(f"{line} .\n" for line in sorted(set(lines)))
    if data:
        scratch.load(data.encode(), format=ox.RdfFormat.N_TRIPLES)
    results = scratch.query(text)
    assert isinstance(results, ox.QuerySolutions)
    return [o.value for sol in results if isinstance(o := sol["o"], ox.NamedNode)]
