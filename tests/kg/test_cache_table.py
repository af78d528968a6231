"""``ctkg.kg.cache.Table``: values under keys that fix them, one cache entry for a build."""

from __future__ import annotations

from pathlib import Path

from ctkg.kg.cache import Cache, Table


def _entry(cache: Cache) -> Path:
    path = cache.entry("kind", "name")
    assert path is not None
    return path


def test_kept_values_are_served_and_only_those_asked_for_are_written(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first: Table[int | None] = Table(cache, "kind", "name")
    assert first.get("a") is None
    first.put("a", 1)
    assert first.setdefault("b", lambda: None) is None  # None is a value, kept as one
    first.save()
    again: Table[int | None] = Table(cache, "kind", "name")
    made: list[str] = []
    assert again.setdefault("b", lambda: made.append("b") or 2) is None and made == []
    assert again.get("a") == 1
    written = _entry(cache).stat().st_mtime_ns
    again.save()  # the same keys: not written again
    assert _entry(cache).stat().st_mtime_ns == written
    third: Table[int | None] = Table(cache, "kind", "name")
    assert third.get("a") == 1
    third.save()  # "b" not asked for: it goes
    assert Table[int](cache, "kind", "name").stored == {"a": 1}


def test_an_entry_that_is_not_a_table_is_not_trusted(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("kind", "name", ["not", "a", "table"])
    table: Table[int] = Table(cache, "kind", "name")
    assert table.stored == {} and table.get("a") is None
    _entry(cache).write_bytes(b"damaged")
    assert Table[int](cache, "kind", "name").stored == {}


def test_without_a_folder_nothing_is_kept() -> None:
    table: Table[int] = Table(Cache(None), "kind", "name")
    assert table.setdefault("a", lambda: 3) == 3
    table.save()
    assert Table[int](Cache(None), "kind", "name").stored == {}
