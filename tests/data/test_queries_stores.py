"""Every bundled query gives the same rows, in the same order, on a real Oxigraph server and a
real Virtuoso, each set up the way docs/triplestores.md says (Oxigraph: ``--union-default-graph``;
Virtuoso: no dataset in the request, so its default graph is every graph), and both equal
``queries/expected/``.

Both stores are loaded without ``ctkg load`` (Oxigraph's ``oxigraph load``, Virtuoso's bulk
loader of ``ctkg.nq``), so a loader bug cannot hide a query difference. Virtuoso is queried on
a database created and loaded moments before, the state in which it mis-evaluates most (see
event-participants.rq).
"""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
from collections.abc import Iterator

import pytest

from ctkg.cli.main import main
from ctkg.sparql.queryfile import QueryInfo, bundled_queries, read_query
from ctkg.store.server import OxigraphServer, oxigraph_binary, start
from tests.paths import ROOT
from tests.virtuoso import Virtuoso

BUILD = ROOT / "data" / "kg"
EXPECTED = ROOT / "queries" / "expected"
QUERIES = [q for q in (read_query(path, name) for name, path, _t in bundled_queries(ROOT))
           if not q.network]

pytestmark = [pytest.mark.virtuoso, pytest.mark.server]


def run(info: QueryInfo, endpoint: str, params: dict[str, str]) -> str:
    """``ctkg query NAME --endpoint URL --format csv`` with ``params``, as text."""
    args = ["query", info.name, "--root", str(ROOT), "--format", "csv", "--endpoint", endpoint]
    for name, value in params.items():
        args += ["--param", f"{name}={value}"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    assert code == 0, f"{info.name} on {endpoint}: {err.getvalue().strip()}"
    return out.getvalue()


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def oxigraph_union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """``oxigraph serve --union-default-graph`` on the build, bulk-loaded by ``oxigraph load``."""
    location = tmp_path_factory.mktemp("oxigraph-union")
    subprocess.run([oxigraph_binary(), "load", "--location", str(location),
                    "--file", str(BUILD / "ctkg.nq")], check=True, capture_output=True)
    server = start(location, union_default_graph=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def virtuoso_loaded(virtuoso_server: Virtuoso) -> Iterator[Virtuoso]:
    """The session's Virtuoso holding the build (and nothing else of CTKG), loaded by its bulk
    loader from ``ctkg.nq``."""
    virtuoso_server.drop_graphs()
    virtuoso_server.bulk_load(BUILD / "ctkg.nq")
    yield virtuoso_server
    virtuoso_server.drop_graphs()


def cases() -> Iterator[tuple[QueryInfo, dict[str, str]]]:
    """Each query with its example parameters, and each parameterized one without its
    optional parameters too."""
    for info in QUERIES:
        yield info, dict(info.examples)
        if info.examples and not any(p.required for p in info.params.values()):
            yield info, {}


CASES = list(cases())


@pytest.mark.parametrize(("info", "params"), CASES,
                         ids=[f"{i.name}{'-params' if p else ''}" for i, p in CASES])
def test_same_rows_in_the_same_order_on_oxigraph_and_virtuoso(
        info: QueryInfo, params: dict[str, str], oxigraph_union: OxigraphServer,
        virtuoso_loaded: Virtuoso) -> None:
    on_oxigraph = run(info, oxigraph_union.query_url, params)
    on_virtuoso = run(info, virtuoso_loaded.query_url, params)
    assert len(rows(on_oxigraph)) > 1, f"{info.name} gives no row: the comparison is empty"
    assert rows(on_virtuoso) == rows(on_oxigraph)
    if params == info.examples:  # the expected files hold the run with the example values
        assert rows(on_oxigraph) == rows((EXPECTED / f"{info.name}.csv").read_text("utf-8"))


def test_every_local_query_is_compared() -> None:
    """No bundled query slips out of the comparison (the federated ones need the internet)."""
    assert {i.name for i, _p in CASES} == {q.name for q in QUERIES}
    assert len(QUERIES) >= 15
