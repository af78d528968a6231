"""Fixtures of the SPARQL stage tests: the mini dataset in a store, a recording listener."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.loopback import Listener, recording_listener
from tests.sparql.helpers import FIXTURE, fixture_root


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The mini dataset (``fixtures/mini.trig``) in an in-memory store."""
    s = ox.Store()
    s.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return s


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback HTTP server that records every request it receives."""
    with recording_listener() as me:
        yield me


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A project root whose build is the fixture and whose queries are the bundled ones."""
    return fixture_root(tmp_path)
