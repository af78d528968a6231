"""The build's store (ctkg.kg.back): its figures come without loading one; an incremental
build runs QC and the tables on a small store (the shared graphs and the documents to run)
with the whole store's results, and loads the whole store only when asked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import back
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from tests.kg.conftest import add_planless_query


def test_counts_agree_with_the_store(fixture_project: Path) -> None:
    result = build(Layout(fixture_project))
    assert result.whole is not None  # no cache: QC and the tables read the whole build
    assert result.quad_count == len(result.store) > 0
    assert result.graph_count == sum(1 for _ in result.store.named_graphs()) > 1


def _edit(root: Path) -> Path:
    """One text edited: a sentence added at its end (its annotations' offsets hold)."""
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[-1]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")
    return txt


def test_an_incremental_build_runs_on_a_small_store(fixture_project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    cache = tmp_path / "cache"
    cold = build(Layout(root), cache_dir=cache)
    assert cold.whole is not None  # nothing cached: the whole store
    _edit(root)
    sizes: list[int] = []
    real = back._store

    def noted(result, compiled, todo):  # type: ignore[no-untyped-def]
        store = real(result, compiled, todo)
        sizes.append(len(store))
        return store

    monkeypatch.setattr(back, "_store", noted)
    again = build(Layout(root), cache_dir=cache)
    plain = build(Layout(root))
    assert again.whole is None and sizes[0] < plain.quad_count  # only what was not cached
    assert again.files == plain.files  # QC, tables and every file as from the whole store
    assert (again.quad_count, again.graph_count) == (plain.quad_count, plain.graph_count)
    store = again.store  # the whole store, loaded when first asked
    assert again.whole is store and set(store) == set(plain.store)
    trig = ox.Store()
    trig.load(input=again.files["ctkg.trig"], format=ox.RdfFormat.TRIG)
    assert set(store) == set(trig)


def test_to_run_says_whole_without_a_cache_or_with_many_to_run(
        fixture_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(Layout(fixture_project)).whole is not None
    monkeypatch.setattr(back, "SMALL_BELOW", 1)  # every edit is too many for a small store
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    build(Layout(root), cache_dir=tmp_path / "cache")
    _edit(root)
    assert build(Layout(root), cache_dir=tmp_path / "cache").whole is not None


def test_a_corpus_query_without_a_plan_needs_the_whole_store(fixture_project: Path,
                                                              tmp_path: Path) -> None:
    """A corpus QC query with no ``# reads:`` or ``# confirm:`` header may read any graph: an
    incremental build then loads the whole store, and its rows are the plain build's."""
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    add_planless_query(root)
    build(Layout(root), cache_dir=tmp_path / "cache")
    _edit(root)
    again = build(Layout(root), cache_dir=tmp_path / "cache")
    assert again.whole is not None
    assert again.files == build(Layout(root)).files


def test_the_build_pauses_the_collector_and_gives_it_back(
        fixture_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read, compile, validate (Rust engine), QC, the tables and the files run without the
    cyclic garbage collector; pySHACL's validation with it (rdflib makes cycles); it is on
    again after the build."""
    import gc

    from ctkg.kg import pipeline

    seen: dict[str, list[bool]] = {}

    def spy(module: object, name: str) -> None:
        real = getattr(module, name)

        def noted(*args: object, **kwargs: object) -> object:
            seen.setdefault(name, []).append(gc.isenabled())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, noted)

    for module, name in ((pipeline, "compile_build"), (pipeline, "_validate"), (back, "_qc")):
        spy(module, name)
    assert gc.isenabled()
    build(Layout(fixture_project))
    build(Layout(fixture_project), shacl_engine="pyshacl")
    assert seen == {"compile_build": [False, False], "_validate": [False, True],
                    "_qc": [False, False]}
    assert gc.isenabled()


def test_an_incremental_build_reads_the_qc_entry_once(fixture_project: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The QC entry is read once, for choosing the store and for the run alike."""
    from ctkg.kg.cache import Cache

    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    build(Layout(root), cache_dir=tmp_path / "cache")
    _edit(root)
    kinds: list[str] = []
    real = Cache.get

    def counted(self: Cache, kind: str, key: str) -> object:
        kinds.append(kind)
        return real(self, kind, key)

    monkeypatch.setattr(Cache, "get", counted)
    again = build(Layout(root), cache_dir=tmp_path / "cache")
    assert again.whole is None and kinds.count("qc") == 1
