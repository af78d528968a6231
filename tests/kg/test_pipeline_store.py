"""The build's store (ctkg.kg.pipeline): its figures come without loading one, and the whole
store, when QC and the tables ran on a small one, is loaded when first asked."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import pipeline
from ctkg.kg.pipeline import build
from ctkg.paths import Layout


def test_counts_agree_with_the_store(fixture_project: Path) -> None:
    result = build(Layout(fixture_project))
    assert result.whole is not None  # no cache: QC and the tables read the whole build
    assert result.quad_count == len(result.store) > 0
    assert result.graph_count == sum(1 for _ in result.store.named_graphs()) > 1


def test_the_whole_store_is_loaded_when_asked(fixture_project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A build on a small store (here: one of no document at all) keeps no whole store; the
    first ask loads every quad of the build, as the committed TriG has them."""
    monkeypatch.setattr(pipeline, "_to_run", lambda layout, front: set())
    result = build(Layout(fixture_project))
    assert result.whole is None
    store = result.store
    assert result.whole is store
    trig = ox.Store()
    trig.load(input=result.files["ctkg.trig"], format=ox.RdfFormat.TRIG)
    assert set(store) == set(trig)
    assert result.quad_count == len(store)
