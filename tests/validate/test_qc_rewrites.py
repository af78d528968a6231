"""The QC queries rewritten for speed (issue 12) give exactly the rows of their plain
formulations, kept in ``qc_reference/`` (the queries of release 0.3.0): on the build of the
five documents and on planted cases of every kind the rewrite could change (a claim
attributed to its statement's speaker, to another speaker or to none; a mention outside the
span or in another document; a term declared or in a scheme in another graph), in
both forms the build runs them (over the union, and one pass with ``?graph`` projected)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.validate.qc import QCQuery, load_queries, run_query
from ctkg.validate.qc_scope import _by_graph
from tests.paths import ROOT

FAST = {q.name: q for q in load_queries(ROOT / "queries" / "qc")}
PLAIN = {q.name: q for q in load_queries(Path(__file__).parent / "qc_reference")}
GRAPH = "https://w3id.org/ctkg/graph/"
PREFIXES = """@prefix ctkg: <https://w3id.org/ctkg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix gaf: <http://groundedannotationframework.org/gaf#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def _span(mention: str, document: str, start: int, end: int) -> str:
    return (f"id:{mention} oa:hasSource id:{document} ; oa:hasSelector id:{mention}-pos .\n"
            f"id:{mention}-pos a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} .\n")


def _claim(name: str, predicate: str, value: str, mention: str, more: str = "") -> str:
    """An assertion reified as the compiler writes it, supported by ``mention``."""
    return (f"id:assertion/{name} a ctkg:Assertion ; rdf:predicate ctkg:{predicate} ;"
            f" rdf:object id:{value} ; ctkg:supportedBy id:{mention} {more}.\n")


# graph name -> Turtle; the claims of document a lie inside statement a/E1 (span 0-100, by
# person/v) unless said otherwise
PLANTED = {
    "ontology": "".join(f"ctkg:{t} a owl:{k} .\n" for t, k in (
        ("warnsOf", "ObjectProperty"), ("exploits", "ObjectProperty"),
        ("advocates", "ObjectProperty"), ("claimedIn", "ObjectProperty"),
        ("speaker", "ObjectProperty"), ("supportedBy", "ObjectProperty"),
        ("Statement", "Class"), ("Assertion", "Class"))) + """
ctkg:OnlyRdfsClass a rdfs:Class .
id:threat/known skos:inScheme id:scheme/threats .
""",
    "a": "id:statement/a/E1 a ctkg:Statement ; ctkg:speaker id:person/v ;"
         " gaf:denotedBy id:m/a/S .\n" + _span("m/a/S", "document/a", 0, 100)
         + _claim("a/unattributed", "warnsOf", "threat/known", "m/a/1")
         + _claim("a/attributed", "exploits", "threat/known", "m/a/2",
                  "; ctkg:claimedIn id:statement/a/E1 ; prov:wasAttributedTo id:person/v ")
         + _claim("a/other-speaker", "advocates", "goal/unknown", "m/a/3",
                  "; ctkg:claimedIn id:statement/a/E1 ; prov:wasAttributedTo id:person/w ")
         + _claim("a/no-speaker", "warnsOf", "threat/known", "m/a/4",
                  "; ctkg:claimedIn id:statement/a/E1 ")
         + _claim("a/outside", "warnsOf", "threat/known", "m/a/5")
         + _claim("a/own-mention", "warnsOf", "threat/known", "m/a/S")
         + _claim("a/not-a-claim", "speaker", "person/v", "m/a/1") + """
id:person/v a ctkg:Person ; ctkg:warnOf id:technology/drones .
ctkg:UndeclaredClass ctkg:hasNoDeclaration id:person/untyped .
""" + "".join(_span(f"m/a/{i}", "document/a", s, e) for i, s, e in
              ((1, 10, 20), (2, 30, 40), (3, 0, 100), (4, 50, 60), (5, 90, 120))),
    # a claim whose mention has a span inside the statement's, but in another document
    "b": _claim("b/elsewhere", "warnsOf", "threat/known", "m/b/1")
         + _span("m/b/1", "document/b", 10, 20)
         + "id:person/w a ctkg:OnlyRdfsClass . id:pillar/typed-elsewhere a skos:Concept .\n",
    # labels: two things share one (ignoring case), a concept shares another (exempt), a
    # thing repeats its own, a label starts with a determiner
    "registry": """
id:person/v skos:prefLabel "Vera Example"@en ; skos:altLabel "Vera Example"@en .
id:person/w skos:prefLabel "Walt Example"@en ; skos:altLabel "vera example"@en .
id:org/u skos:prefLabel "Pillar Four"@en ; skos:altLabel "This office"@en .
id:pillar/typed-elsewhere skos:prefLabel "pillar four"@en .
""",
}


def _store(graphs: dict[str, str]) -> ox.Store:
    """The graphs in one store; ``id:a/b`` written out in full (Turtle names have no /)."""
    store = ox.Store()
    for name, turtle in graphs.items():
        turtle = re.sub(r"\bid:([\w/-]+)", r"<https://w3id.org/ctkg/id/\1>", turtle)
        store.load((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(GRAPH + name))
    return store


def _both_forms(store: ox.Store, query: QCQuery) -> tuple[list[str], dict[str, list[str]]]:
    union = sorted(run_query(store, query))
    if query.scope != "document":
        return union, {}
    return union, {g: sorted(set(rows)) for g, rows in _by_graph(store, query).items()}


def test_every_reference_is_a_query_of_the_build() -> None:
    assert set(PLAIN) <= set(FAST)
    for name, plain in PLAIN.items():
        assert plain.scope == FAST[name].scope and plain.text != FAST[name].text, name


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_same_rows_as_the_plain_query_on_planted_cases(name: str) -> None:
    store = _store(PLANTED)
    fast = _both_forms(store, FAST[name])
    assert fast == _both_forms(store, PLAIN[name])
    assert fast[0], f"{name}: the planted cases hold a defect of this query"


def test_claims_flagged_are_exactly_the_unattributed_ones() -> None:
    store = _store(PLANTED)
    rows = run_query(store, FAST["unattributed-claim-violation"])
    assert sorted(rows) == [f"assertion=https://w3id.org/ctkg/id/assertion/a/{a}, "
                    "statement=https://w3id.org/ctkg/id/statement/a/E1"
                    for a in ("no-speaker", "other-speaker", "unattributed")]


def test_labels_flagged_are_exactly_the_shared_and_generic_ones() -> None:
    rows = run_query(_store(PLANTED), FAST["generic-label-violation"])
    ids = "https://w3id.org/ctkg/id/"
    assert sorted(rows) == [
        f"entity={ids}org/u, label='This office'@en, problem='starts with a determiner or pronoun'",
        f"entity={ids}person/v, label='Vera Example'@en, problem='shared with {ids}person/w'",
        f"entity={ids}person/w, label='vera example'@en, problem='shared with {ids}person/v'"]


def test_terms_flagged_are_exactly_the_undeclared_and_unknown_ones() -> None:
    store = _store(PLANTED)
    rows = {n: run_query(store, FAST[n]) for n in PLAIN if n != "unattributed-claim-violation"}
    ont, ids = "https://w3id.org/ctkg/ontology#", "https://w3id.org/ctkg/id/"
    assert sorted(rows["undeclared-term-violation"]) == [
        f"term={ont}{t}" for t in ("OnlyRdfsClass", "Person", "UndeclaredClass",
                                   "hasNoDeclaration", "warnOf")]
    assert sorted(rows["unknown-concept-violation"]) == [
        f"concept={ids}{c}" for c in ("goal/unknown", "pillar/typed-elsewhere",
                                      "technology/drones")]


def test_same_rows_as_the_plain_query_on_the_build(committed_store: ox.Store) -> None:
    store = committed_store
    for name in PLAIN:
        assert _both_forms(store, FAST[name]) == _both_forms(store, PLAIN[name]), name
