"""The tables' schemas and ``tables/datapackage.json`` (Frictionless Tabular Data Package:
resources, typed and described fields, primary and foreign keys, licence, SHA-256 of each
file), and the rendering of every table from the build's quads.

Why Frictionless rather than CSVW: ``frictionless validate`` and the pandas/R readers of data
packages check the tables against it in one command; the RDF is already the linked form.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ctkg import __version__
from ctkg.kg import tables as t
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.spool import Blob, Spool
from ctkg.kg.tablecache import TablePlan, table_data

TABLES_DIR = "tables"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
F = tuple[str, str, str]  # field name, Table Schema type, description


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: list[F]
    primary_key: list[str]
    rows: Callable[[ox.Store, t.Labels], Iterable[t.Row]]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # col, table, col


def _f(name: str, kind: str, what: str) -> F:
    return (name, kind, what)


DOC = _f("document", "string", "IRI of the source document")
TABLES = [
    Table("documents", "Source documents", "One row per annotated source text.", [
        DOC, _f("id", "string", "document id (the file stem in data/corpus/)"),
        _f("title", "string", "title"), _f("publisher", "string", "IRI of the publisher"),
        _f("publisher_label", "string", "publisher's name"),
        _f("publication_date", "string", "publication date as the catalogue gives it "
           "(YYYY, YYYY-MM or YYYY-MM-DD: the granularity is the source's)"),
        _f("date_inferred", "boolean", "true when the date is not printed in the text"),
        _f("kind", "string", "kind of document (news article, interview article, ...)"),
        _f("language", "string", "language tag"),
        _f("characters", "integer", "length of the text in Unicode code points")],
        ["document"], lambda s, lab: t.documents(s, lab)),
    Table("entities", "Entities", "One row per real-world thing with a stable IRI: people, "
          "organizations, places, posts, events and concepts (threats, policy goals, "
          "technologies, instruments, pillars).", [
        _f("entity", "string", "IRI of the entity"),
        _f("kind", "string", "kind, from the IRI: " + ", ".join(t.ENTITY_KINDS)),
        _f("slug", "string", "stable slug (data/registry.toml)"),
        _f("label", "string", "preferred English label"),
        _f("type", "string", "IRI of its CTKG class"), _f("type_label", "string", "class"),
        _f("wikidata", "string", "Wikidata entity IRI (owl:sameAs or skos:exactMatch)"),
        _f("mentions", "integer", "number of annotated mentions"),
        _f("documents", "integer", "number of documents that mention it")],
        ["entity"], lambda s, lab: t.entities(s, lab)),
    Table("events", "Events", "One row per event, as the registry sums up what the sources "
          "say (each source's own view is in assertions).", [
        _f("event", "string", "IRI of the event"), _f("label", "string", "name"),
        _f("type", "string", "IRI of its class"), _f("type_label", "string", "class"),
        _f("start", "string", "start (YYYY, YYYY-MM or YYYY-MM-DD as the sources give it)"),
        _f("end", "string", "end, same form as start"),
        _f("granularity", "string", "granularity of the dates as the sources give them: "
           "day, week, month, season or year"),
        _f("status", "string", "planned or occurred"),
        _f("place", "string", "IRI of the place"), _f("place_label", "string", "place"),
        _f("part_of", "string", "IRI of the event it is part of"),
        _f("part_of_label", "string", "name of that event")],
        ["event"], lambda s, lab: t.events(s, lab),
        [("event", "entities", "entity"), ("place", "entities", "entity")]),
    Table("statements", "Statements", "One row per statement (a direct quote, reported "
          "speech, or a rewrite's paraphrase) with its speaker, occasion and quote.", [
        _f("statement", "string", "IRI of the statement"), DOC,
        _f("speaker", "string", "IRI of the speaker"),
        _f("speaker_label", "string", "speaker's name"),
        _f("kind", "string", "direct quote, reported speech or paraphrase (a third party's "
           "rewrite of what the speaker said: not the speaker's words)"),
        _f("occasion", "string", "IRI of the event it was said at"),
        _f("occasion_label", "string", "event"),
        _f("quote", "string", "what was said, as the source text gives it"),
        _f("mention", "string", "IRI of the mention that denotes the statement"),
        _f("start", "integer", "start offset of the quote in the text (Unicode code "
           "points, from 0)"),
        _f("end", "integer", "end offset (exclusive): text[start:end] == quote")],
        ["statement"], lambda s, lab: t.statements(s, lab),
        [("document", "documents", "document"), ("speaker", "entities", "entity"),
         ("occasion", "entities", "entity")]),
    Table("statement_topics", "Statement topics", "What each statement is about (a threat, "
          "policy goal, technology...): one row per statement and topic.", [
        _f("statement", "string", "IRI of the statement"),
        _f("about", "string", "IRI of the topic"), _f("about_label", "string", "topic")],
        ["statement", "about"], lambda s, lab: t.statement_topics(s, lab),
        [("statement", "statements", "statement"), ("about", "entities", "entity")]),
    Table("assertions", "Assertions", "One row per fact as one document states it "
          "(subject, predicate, object), dated by the document (as_of); inferred facts "
          "name their rule.", [
        _f("assertion", "string", "IRI of the assertion"), DOC,
        _f("subject", "string", "IRI of the subject"),
        _f("subject_label", "string", "subject"),
        _f("predicate", "string", "IRI of the property"),
        _f("predicate_label", "string", "property"),
        _f("object", "string", "IRI of the object, or the value of a literal"),
        _f("object_label", "string", "object (IRIs only)"),
        _f("object_datatype", "string", "XSD datatype IRI of a literal object"),
        _f("as_of", "string", "the date the document speaks from"),
        _f("inferred", "boolean", "true when the fact is inferred, not stated"),
        _f("inference_rule", "string", "the rule of an inferred fact")],
        ["assertion"], lambda s, lab: t.assertions(s, lab),
        [("document", "documents", "document")]),
    Table("evidence", "Evidence", "The text spans that support each assertion: one row per "
          "span (a discontinuous mention has several); text[start:end] == quote.", [
        _f("assertion", "string", "IRI of the assertion"),
        _f("mention", "string", "IRI of the supporting mention"), DOC,
        _f("start", "integer", "start offset in the text (Unicode code points, from 0)"),
        _f("end", "integer", "end offset (exclusive)"),
        _f("quote", "string", "the span's text")],
        ["assertion", "mention", "start"], lambda s, _lab: t.evidence(s),
        [("assertion", "assertions", "assertion"), ("document", "documents", "document")]),
]


def _schema(table: Table) -> dict[str, object]:
    schema: dict[str, object] = {
        "fields": [{"name": n, "type": k, "description": d} for n, k, d in table.fields],
        "primaryKey": table.primary_key,
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": col, "reference": {"resource": ref, "fields": ref_col}}
            for col, ref, ref_col in table.foreign_keys]
    return schema


def render_tables(quads: Iterable[ox.Quad], store: ox.Store | None = None,
                  spool: Spool | None = None, stop: threading.Event | None = None,
                  plan: TablePlan | None = None) -> dict[str, Blob]:
    """``tables/<name>.csv`` for every table and ``tables/datapackage.json``, queried from
    ``store`` (the build's, holding exactly ``quads``) or from a store made of ``quads``.
    With a ``plan`` (:mod:`ctkg.kg.tablecache`), the rows of the documents it finds cached
    are not queried again. With a ``spool``, each CSV is moved to it as soon as it is made
    (the tables of 10,000 documents are 120 MB); once ``stop`` is set (the build failed
    while they were made beside it), no more table is begun and nothing is returned."""
    if store is None:
        store = ox.Store()
        store.bulk_extend(quads)
    made = _render(store, plan, True, spool, stop)
    return made if made is not None else _render(store, None, True, spool, stop) or {}


def render_tables_partly(store: ox.Store, plan: TablePlan, spool: Spool | None = None,
                         stop: threading.Event | None = None) -> dict[str, Blob] | None:
    """:func:`render_tables` from a store that holds the shared graphs and the graphs of
    ``plan.todo`` only, the other documents' rows from the cache; None when that is not
    enough (:func:`ctkg.kg.tablecache.table_data`): then the caller loads the whole store
    and calls :func:`render_tables`."""
    return _render(store, plan, False, spool, stop)


def _render(store: ox.Store, plan: TablePlan | None, whole: bool, spool: Spool | None,
            stop: threading.Event | None) -> dict[str, Blob] | None:
    files: dict[str, Blob] = {}
    resources = []
    with gc_paused():
        keys: t.NaturalKeys = {}  # the tables share many cells
        made = table_data(store, plan, whole, keys) if plan is not None else None
        if plan is not None and made is None:
            return None
        labels = t.Labels(store) if made is None else t.Labels()
        for table in TABLES:
            if stop is not None and stop.is_set():
                return {}
            header = [n for n, _k, _d in table.fields]
            data = t.render_csv(header, table.rows(store, labels), keys) if made is None \
                else t.csv_lines([header]).encode("utf-8") + made.pop(table.name)
            files[f"{TABLES_DIR}/{table.name}.csv"] = spool.put(data) if spool else data
            resources.append({
                "name": table.name, "path": f"{table.name}.csv", "title": table.title,
                "description": table.description, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": _schema(table)})
            del data
    package = {
        "profile": "tabular-data-package", "name": "ctkg", "version": __version__,
        "title": "CTKG: a knowledge graph of counter-terrorism policy discourse (tables)",
        "description": "The CTKG knowledge graph as CSV tables: documents, entities, events, "
                       "statements, assertions and the text spans that support them. Every "
                       "row is read from the RDF build (IRIs join back to it).",
        "licenses": [LICENSE],
        "resources": resources}
    files[f"{TABLES_DIR}/datapackage.json"] = (json.dumps(package, indent=2,
                                                          ensure_ascii=False) + "\n").encode()
    return files
