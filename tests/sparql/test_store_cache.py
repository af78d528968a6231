"""The persistent query store: built once, reused while current, rebuilt when stale."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.sparql import store_cache
from ctkg.sparql.query import load_store, run_named
from ctkg.sparql.store_cache import cache_folder, cached_store
from tests.sparql.helpers import FIXTURE, fixture_root, write_build

EX = "https://example.org/"


def _quads(n: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)),
                    ox.NamedNode(EX + "g")) for i in range(n)]


def _count(store: ox.Store) -> int:
    return len(list(store.quads_for_pattern(None, None, None, None)))


def test_built_once_then_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_build(tmp_path, _quads(3))
    store = cached_store(tmp_path)
    assert store is not None and _count(store) == 3
    del store
    [folder] = cache_folder(tmp_path).iterdir()
    assert not folder.name.startswith(".")
    calls: list[Path] = []
    monkeypatch.setattr(store_cache, "_build", lambda nq, target: calls.append(target))
    again = cached_store(tmp_path)
    assert again is not None and _count(again) == 3 and calls == []


def test_a_new_build_gets_a_new_store_and_the_old_one_goes(tmp_path: Path) -> None:
    write_build(tmp_path, _quads(3))
    first = cached_store(tmp_path)
    assert first is not None
    del first
    write_build(tmp_path, _quads(5))
    store = cached_store(tmp_path)
    assert store is not None and _count(store) == 5
    assert len([p for p in cache_folder(tmp_path).iterdir() if p.is_dir()]) == 1


def test_a_dump_changed_behind_the_manifest_is_reloaded(tmp_path: Path) -> None:
    write_build(tmp_path, _quads(3))
    first = cached_store(tmp_path)
    assert first is not None
    del first
    nq = tmp_path / "data" / "kg" / "ctkg.nq"
    manifest = (tmp_path / "data" / "kg" / "manifest.json").read_text()
    write_build(tmp_path, _quads(4), manifest=False)  # the manifest still names 3 quads
    os.utime(nq, ns=(1, 1))
    assert (tmp_path / "data" / "kg" / "manifest.json").read_text() == manifest
    store = cached_store(tmp_path)
    assert store is not None and _count(store) == 4


def test_a_crashed_build_leaves_nothing_that_is_opened(tmp_path: Path) -> None:
    write_build(tmp_path, _quads(2))
    (cache_folder(tmp_path) / ".tmp-crashed").mkdir(parents=True)
    digest = json.loads((tmp_path / "data" / "kg" / "manifest.json").read_text())
    half = cache_folder(tmp_path) / digest["files"]["ctkg.nq"]
    half.mkdir()  # a folder without its stamp: never taken as a store
    store = cached_store(tmp_path)
    assert store is not None and _count(store) == 2


def test_without_a_manifest_the_build_is_loaded_in_memory(tmp_path: Path) -> None:
    root = fixture_root(tmp_path)
    assert cached_store(root) is None
    assert _count(load_store(root)) == _count(load_store(root, reuse=False)) > 0
    assert not cache_folder(root).exists()


def test_ctkg_query_answers_the_same_from_the_cached_store(tmp_path: Path) -> None:
    root = fixture_root(tmp_path)
    in_memory = run_named(root, "timeline", [], fmt="csv")
    quads = list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    write_build(root, quads)
    assert run_named(root, "timeline", [], fmt="csv") == in_memory
    assert cache_folder(root).is_dir()
    assert run_named(root, "timeline", [], fmt="csv") == in_memory  # reused
