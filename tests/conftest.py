"""Shared fixtures: the project layout, expected-output files, a real Oxigraph server and a
real Virtuoso (started once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctkg.paths import Layout
from ctkg.store.server import OxigraphServer, start
from tests.expected import Expected
from tests.paths import ROOT
from tests.virtuoso import INSTALL_HINT, Virtuoso, binaries
from tests.virtuoso import start as start_virtuoso


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-expected", action="store_true", default=False,
                     help="rewrite expected-output files from the current code instead of "
                          "comparing (review the result with git diff)")


@pytest.fixture(scope="session")
def expected(request: pytest.FixtureRequest) -> Expected:
    """Compare outputs with their expected files (or rewrite them: --update-expected)."""
    return Expected(bool(request.config.getoption("--update-expected")))


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh read-write ``oxigraph serve`` on a free loopback port, stopped afterwards."""
    server = start(tmp_path / "oxigraph-store")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso on loopback for the session (it takes seconds to create a database), the
    anonymous SPARQL account allowed to update; skipped, saying why, where it is not installed.
    Tests that write drop the CTKG graphs first (``virtuoso_server.drop_graphs()``)."""
    if binaries() is None:
        pytest.skip(INSTALL_HINT)
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))  # installed: must start
    try:
        server.grant_update()
        yield server
    finally:
        server.stop()
