"""Shared fixtures: the project layout and a real Oxigraph server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctkg.paths import Layout
from ctkg.store.server import OxigraphServer, start
from tests.paths import ROOT


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
