"""Fixtures of the validate tests: the committed build in a store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.paths import ROOT


@pytest.fixture()
def committed_store() -> ox.Store:
    """The committed build (``data/kg/ctkg.nq``) in a fresh store; skipped without one."""
    nq = ROOT / "data" / "kg" / "ctkg.nq"
    if not nq.is_file():
        pytest.skip("no build: data/kg/ctkg.nq is absent (run python build.py)")
    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    return store
