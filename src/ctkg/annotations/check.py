"""The annotation checker: every defect of the corpus at once, each with file, line and what.

Reading and checking are separate: the readers (:mod:`ctkg.inputs`, :func:`brat.read_collection`)
report what is wrong with the files themselves, the checks here what is wrong with what the
files say. :func:`check_inputs` takes inputs and documents already read (the build passes
its own) and returns the checks' problems only; :func:`check_corpus` reads a collection and
returns both, as ``ctkg check`` prints them. Errors are real defects (the build would compile
something untrue or lose information), warnings are hints. The scheme is
:func:`ctkg.annotations.scheme.build_scheme`'s, the one ``annotation.conf`` is rendered
from; each document is checked by :mod:`ctkg.annotations.check_document`, and the
relations of all of them together (self-loops, cycles) by
:mod:`ctkg.annotations.check_relations`.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctkg.annotations.brat import Document, read_collection
from ctkg.annotations.check_brat import check_trigger_references
from ctkg.annotations.check_document import check_document
from ctkg.annotations.check_norms import Context
from ctkg.annotations.check_relations import Edge, cycle_problems, ordered, relation_edges
from ctkg.annotations.check_times import check_unattached_times
from ctkg.annotations.conf import render_all, stale_files
from ctkg.annotations.paraphrase import Statements, paraphrase_problems
from ctkg.annotations.scheme import build_scheme
from ctkg.annotations.suggestion_marks import unconfirmed_suggestions
from ctkg.errors import Problem, display_path
from ctkg.inputs import Inputs, read_inputs
from ctkg.paths import Layout


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By file, line and message: the order the checker reports in."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


def check_inputs(inputs: Inputs, docs: Sequence[Document], *,
                 texts: Collection[str] | None = None,
                 conf_folder: Path | None = None) -> list[Problem]:
    """Check read documents against read inputs: the scheme against the ontology, each
    document, the catalogue against the collection, the registry's use. ``texts`` are the
    ids of every text of the collection (default: the documents'; a text not annotated yet
    is still a document), ``conf_folder`` also checks brat's conf files there. Reading
    problems are not repeated here."""
    checker = Checker(inputs, texts if texts is not None else [d.doc_id for d in docs],
                      conf_folder)
    return checker.finish([(doc.doc_id, checker.check(doc)) for doc in docs])


@dataclass(frozen=True)
class DocChecks:
    """One document's share of the checker, apart from the document: a build caches it
    under the document's bytes and what the checks read (:mod:`ctkg.kg.readcache`), and
    checks the collection from it without parsing the document again."""

    problems: tuple[Problem, ...]  # its own: check_document, trigger references, times
    used: frozenset[str]  # the registry slugs it names (an entry none names is reported)
    looked_up: tuple[tuple[str, bool], ...]  # document ids its notes name, each found or not
    relations: tuple[Problem, ...]  # its share of check_relations
    edges: tuple[Edge, ...]  # and its facts of an order, for the cycles across documents
    statements: Statements  # what the paraphrase check reads of it
    suggestions: tuple[Problem, ...]  # unconfirmed suggestions


class _Recorded(set[str]):
    """The collection's document ids, noting each one asked for (a document's checks
    depend on whether the documents its notes name exist: :attr:`DocChecks.looked_up`)."""

    seen: dict[str, bool]

    def __contains__(self, item: object) -> bool:
        found = super().__contains__(item)
        if isinstance(item, str):
            self.seen[item] = found
        return found


class Checker:
    """The checker a document at a time (:meth:`check`), then on the collection
    (:meth:`finish`): what :func:`check_inputs` runs, and a build whose cache holds some
    documents' :class:`DocChecks` runs with those."""

    def __init__(self, inputs: Inputs, texts: Iterable[str], conf_folder: Path | None
                 ) -> None:
        scheme, self.problems = build_scheme(inputs.ontology)
        if conf_folder is not None:
            self.problems += stale_files(conf_folder, render_all(scheme))
        self.ids = _Recorded(texts)
        self.ids.seen = {}
        self.ctx = Context(scheme, inputs, self.ids)

    def check(self, doc: Document) -> DocChecks:
        """Every check of one document alone."""
        ctx = self.ctx
        ctx.used, self.ids.seen = set(), {}
        problems = [*check_document(doc, ctx), *check_trigger_references(doc),
                    *check_unattached_times(doc)]  # issue 16: a time attached to nothing
        relations, edges = relation_edges(doc)
        # slugs interned: one string each in a cache entry of every document's checks
        return DocChecks(tuple(problems), frozenset(map(sys.intern, ctx.used)),
                         tuple(self.ids.seen.items()), tuple(relations),
                         tuple(e for e in edges if ordered(e)), Statements.of(doc),
                         tuple(unconfirmed_suggestions([doc])))

    def holds(self, checks: DocChecks) -> bool:
        """Whether a document's checks, made in another build, hold in this collection:
        each document its notes name is in it, or not, as it was then."""
        return all(set.__contains__(self.ids, doc_id) == found
                   for doc_id, found in checks.looked_up)

    def finish(self, docs: Sequence[tuple[str, DocChecks]]) -> list[Problem]:
        """Every problem: the documents' (``docs``: id and checks, in the collection's
        order), then the checks of the collection (relations across documents, paraphrases,
        suggestions, the catalogue, the registry's use), sorted."""
        ctx, problems = self.ctx, list(self.problems)
        ctx.used = set()
        for _, checks in docs:
            problems += checks.problems
            ctx.used |= checks.used
        problems += [p for _, checks in docs for p in checks.relations]
        problems += cycle_problems([e for _, checks in docs for e in checks.edges])
        problems += paraphrase_problems({doc_id: checks.statements for doc_id, checks in docs},
                                        ctx.inputs.catalogue)
        problems += [p for _, checks in docs for p in checks.suggestions]  # nothing unreviewed
        problems += _check_catalogue(ctx)
        problems += _check_registry(ctx)
        return sort_problems(problems)


def check_corpus(layout: Layout, corpus: Path | None = None) -> list[Problem]:
    """Read and check the project's corpus (or another collection) against its inputs:
    every reading and checking problem, sorted."""
    folder = corpus or layout.corpus
    own = folder.resolve() == layout.corpus.resolve()
    return _read_and_check(read_inputs(layout), folder, conf=own)


def _read_and_check(inputs: Inputs, folder: Path, *, conf: bool) -> list[Problem]:
    docs, problems = read_collection(folder)
    problems += inputs.problems + [p for d in docs for p in d.problems]
    texts = {p.stem for p in folder.glob("*.txt")}
    problems += check_inputs(inputs, docs, texts=texts, conf_folder=folder if conf else None)
    return sort_problems(problems)


def _check_catalogue(ctx: Context) -> list[Problem]:
    """Every document catalogued, every catalogued document there, publishers known."""
    inputs = ctx.inputs
    where = display_path(inputs.layout.catalogue)
    out = [Problem(where, None, f"document {doc_id} has no [{doc_id}] table")
           for doc_id in sorted(ctx.doc_ids - set(inputs.catalogue))]
    for doc_id, entry in inputs.catalogue.items():
        if doc_id not in ctx.doc_ids:
            out.append(Problem(where, entry.line, f"{doc_id}: no such document in the corpus"))
        pub = entry.publisher
        if pub:
            ctx.used.add(pub)
            if inputs.registry.readable and pub not in inputs.registry:
                out.append(Problem(where, entry.line, f"{doc_id}: publisher {pub!r} is not a "
                                                      "registry slug"))
    return out


def _check_registry(ctx: Context) -> list[Problem]:
    """Every registry entry used (or kept), every concept entry defined in concepts.ttl."""
    registry, onto = ctx.inputs.registry, ctx.onto
    if not registry.readable:
        return []
    ctx.used.update(e.place for e in registry.entries.values() if e.place)
    out: list[Problem] = []
    for slug, entry in registry.entries.items():
        if slug not in ctx.used and not entry.keep:
            out.append(Problem(ctx.registry_where, entry.line, f"{slug}: used by no mention "
                                                               "(remove it or mark keep = true)"))
        kind = onto.kind_of(entry.type)
        concept = onto.concepts.get(slug)
        if onto.has_concepts and entry.type in onto.concept_types and kind is not None \
                and (concept is None or concept.kind != kind):
            out.append(Problem(ctx.registry_where, entry.line,
                               f"{slug}: {entry.type} without a concept id/{kind}/{slug} in "
                               "ontology/concepts.ttl"))
    return out
