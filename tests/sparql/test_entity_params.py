"""An optional entity parameter of a bundled query narrows its answer, never changes it.

The per-entity parameters exist for speed at scale (the binding is where Oxigraph starts), and
the queries were reshaped for speed too: whatever the shape, the rows with ``--param NAME=X``
must be exactly the rows of the unbound query whose NAME column is X, in the same order.
Checked for every optional IRI parameter of every local bundled query, with two values that
occur in that column and with an IRI that occurs nowhere, on the mini fixture and on the
committed build (where every bundled query has rows; the fixture lacks some kinds of fact).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.sparql.paging import apply_paging
from ctkg.sparql.params import Term
from ctkg.sparql.query import run_query
from ctkg.sparql.queryfile import QueryInfo, bundled_queries, read_query
from tests.paths import ROOT
from tests.sparql.helpers import CTKGID, FIXTURE

ALL_ROWS = ox.Literal("100000", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
NOWHERE = ox.NamedNode(CTKGID + "person/nobody-of-that-name")


@pytest.fixture(scope="module", params=["fixture", "build"])
def data(request: pytest.FixtureRequest) -> ox.Store:
    """The mini fixture, then the committed build, in an in-memory store."""
    path = FIXTURE if request.param == "fixture" else ROOT / "data" / "kg" / "ctkg.trig"
    s = ox.Store()
    s.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return s


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name, path, _title in bundled_queries(ROOT):
        info = read_query(path, name)
        if info.network:
            continue
        cases += [(name, p.name) for p in info.params.values()
                  if p.kind == "IRI" and not p.required]
    return cases


def _rows(info: QueryInfo, store: ox.Store,
          bound: dict[str, Term]) -> tuple[list[str], list[list[ox.Term | None]]]:
    text, params = apply_paging(info.text, {"limit": ALL_ROWS, **bound}, info.params)
    variables, rows = run_query(text, store=store, params=params, source=info.path)
    return variables, [list(r) for r in rows]


def test_the_build_has_rows_for_every_entity_parameter() -> None:
    """Else the test below would only check the IRI that occurs nowhere."""
    s = ox.Store()
    s.bulk_load(path=str(ROOT / "data" / "kg" / "ctkg.trig"), format=ox.RdfFormat.TRIG)
    for name, param in _cases():
        info = read_query(ROOT / "queries" / f"{name}.rq", name)
        variables, rows = _rows(info, s, {})
        assert any(r[variables.index(param)] is not None for r in rows), (name, param)


def test_there_are_entity_parameters() -> None:
    names = {name for name, _param in _cases()}
    assert {"advocacy", "event-chains", "series-members", "goals-addressing-threats",
            "quantities", "topics", "paraphrases"} <= names


@pytest.mark.parametrize(("name", "param"), _cases())
def test_a_bound_entity_keeps_exactly_its_rows(name: str, param: str, data: ox.Store) -> None:
    info = read_query(ROOT / "queries" / f"{name}.rq", name)
    variables, everything = _rows(info, data, {})
    assert param in variables, f"{name}: the parameter {param} is not projected"
    column = variables.index(param)
    values = sorted({str(r[column]) for r in everything if isinstance(r[column], ox.NamedNode)})
    for value in values[:2]:
        _v, bound = _rows(info, data, {param: ox.NamedNode(value[1:-1])})
        assert bound == [r for r in everything if str(r[column]) == value], (name, value)
        assert bound, (name, value)
    _v, none = _rows(info, data, {param: NOWHERE})
    assert none == [], name
