"""A build with many documents to run makes QC's and the tables' per-document results a
chunk of documents at a time (ctkg.kg.chunked), never loading the whole store, and its files
are the whole store's: without a cache, on a cold cache, and incrementally after it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctkg.kg import back, chunked, chunkpool
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.synth import generate
from tests.kg.conftest import add_planless_query
from tests.paths import ROOT


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chunked-synth") / "proj"
    generate(12, 3, root, ROOT)
    return root


@pytest.fixture(scope="module")
def whole(synthetic: Path) -> dict[str, bytes]:
    """The synthetic corpus built on the whole store (one chunk would hold it all)."""
    result = build(Layout(synthetic))
    assert result.whole is not None and "chunks" not in result.timings
    return dict(result.files.items())


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """The ``todo`` of each store the build's second half loads (None: the whole store)."""
    seen: list[list[str] | None] = []
    real = back._store

    def noted(result, compiled, todo):  # type: ignore[no-untyped-def]
        seen.append(todo)
        return real(result, compiled, todo)

    monkeypatch.setattr(back, "_store", noted)
    return seen


@pytest.mark.parametrize("size", [1, 5])
def test_chunks_without_a_cache_give_the_whole_stores_files(
        synthetic: Path, whole: dict[str, bytes], size: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "CHUNK", size)
    loads = _loads(monkeypatch)
    result = build(Layout(synthetic))
    assert "chunks" in result.timings
    assert result.whole is None and loads and loads[0] is not None  # never the whole store
    assert len(loads[0]) < 12  # the documents the corpus QC still asks about, if any
    assert dict(result.files.items()) == whole


def test_chunks_on_a_cold_cache_then_an_incremental_build(
        synthetic: Path, whole: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "CHUNK", 4)
    root = tmp_path / "proj"
    shutil.copytree(synthetic, root)
    cache = tmp_path / "cache"
    cold = build(Layout(root), cache_dir=cache)
    assert cold.whole is None and "chunks" in cold.timings
    assert dict(cold.files.items()) == whole
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[3]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")
    again = build(Layout(root), cache_dir=cache)
    assert "chunks" not in again.timings  # one document to run: the small store
    monkeypatch.setattr(chunked, "CHUNK", 1000)
    assert dict(again.files.items()) == dict(build(Layout(root)).files.items())


def _pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of chunks each run of the chunks on worker processes was given."""
    runs: list[int] = []
    real = chunkpool.run

    def noted(compiled, queries, chunks, *args):  # type: ignore[no-untyped-def]
        runs.append(len(chunks))
        return real(compiled, queries, chunks, *args)

    monkeypatch.setattr(chunkpool, "run", noted)
    return runs


def test_chunks_on_worker_processes_give_the_whole_stores_files(
        synthetic: Path, whole: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With --jobs 2 each chunk is loaded, queried and tabulated in a worker: the same
    files as the whole store's, without a cache, on a cold cache and incrementally."""
    monkeypatch.setattr(chunked, "CHUNK", 10)
    runs = _pooled(monkeypatch)
    assert dict(build(Layout(synthetic), jobs=2).files.items()) == whole
    assert runs == [3]  # 12 documents, half of 10 a chunk on a worker
    root = tmp_path / "proj"
    shutil.copytree(synthetic, root)
    cache = tmp_path / "cache"
    cold = build(Layout(root), jobs=2, cache_dir=cache)
    assert runs == [3, 3] and dict(cold.files.items()) == whole
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[7]
    txt.write_text(txt.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")
    again = build(Layout(root), jobs=2, cache_dir=cache)
    assert runs == [3, 3] and "chunks" not in again.timings  # one document: the small store
    assert dict(again.files.items()) == dict(build(Layout(root)).files.items())


def test_a_corpus_query_without_a_plan_loads_the_whole_store(
        synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Such a query may read any graph: no chunks, the whole store."""
    monkeypatch.setattr(chunked, "CHUNK", 4)
    root = tmp_path / "proj"
    shutil.copytree(synthetic, root)
    add_planless_query(root)
    result = build(Layout(root))
    assert result.whole is not None and "chunks" not in result.timings


def test_many_documents_still_asked_about_after_the_chunks_load_the_whole_store(
        synthetic: Path, whole: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """When the corpus QC still asks about too many documents for a small store, the
    whole store is loaded after the chunks, with the same files."""
    monkeypatch.setattr(chunked, "CHUNK", 4)
    monkeypatch.setattr(back, "SMALL_BELOW", 0)
    loads = _loads(monkeypatch)
    result = build(Layout(synthetic))
    assert "chunks" in result.timings and loads == [None] and result.whole is not None
    assert dict(result.files.items()) == whole


def test_shared_rows_that_read_documents_stop_the_chunks(
        synthetic: Path, whole: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """Table rows of the shared graphs that read document nodes need the whole store: the
    chunks make nothing and the whole store answers, with the same files."""
    monkeypatch.setattr(chunked, "CHUNK", 4)
    real = chunked.shared_rows

    def crossing(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = real(*args, **kwargs)
        rows.cross = "planted: the shared graphs hold mentions"
        return rows

    monkeypatch.setattr(chunked, "shared_rows", crossing)
    loads = _loads(monkeypatch)
    result = build(Layout(synthetic))
    assert "chunks" in result.timings and loads == [None] and result.whole is not None
    assert dict(result.files.items()) == whole
