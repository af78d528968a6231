"""The compile stage's merged entry (ctkg.kg.compilecache): an incremental build after each
kind of edit it could miss gives the files of a build without a cache; unchanged documents
come from the merged entry, not their own entries; a damaged merged entry, or a missing
per-document entry it refers to, is not trusted (the files are still the same)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ctkg.kg import compilecache
from ctkg.kg.cache import Cache
from ctkg.kg.pipeline import build
from ctkg.paths import Layout


def _plain(root: Path) -> dict[str, bytes]:
    return dict(build(Layout(root)).files.items())


def _cached(root: Path, cache: Path, jobs: int = 2) -> dict[str, bytes]:
    return dict(build(Layout(root), jobs=jobs, cache_dir=cache).files.items())


@pytest.fixture()
def compile_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The compile entries the build reads one by one (not through the merged entry)."""
    seen: list[str] = []
    get = Cache.get

    def recorded(self: Cache, kind: str, key: str) -> object:
        if kind == "compile":
            seen.append(key)
        return get(self, kind, key)

    monkeypatch.setattr(Cache, "get", recorded)
    yield seen


def _doc(root: Path, n: int, ext: str) -> Path:
    return sorted((root / "data" / "corpus").glob(f"*.{ext}"))[n]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _text(root: Path) -> None:  # a text's length: its compile key and the catalogue
    _append(_doc(root, 3, "txt"), " One more sentence.")


def _annotation(root: Path) -> None:
    ann = _doc(root, 5, "ann")
    lines = ann.read_text(encoding="utf-8").splitlines()
    kinds = [ln for ln in lines if "\tSpeechKind " in ln]
    assert kinds
    kind = "DirectQuote" if kinds[0].endswith("ReportedSpeech") else "ReportedSpeech"
    _replace(ann, kinds[0], kinds[0].rsplit(" ", 1)[0] + " " + kind)


def _catalogue(root: Path) -> None:
    _replace(root / "data" / "catalogue.toml", 'title = "Synthetic report 7"',
             'title = "Synthetic report seven"')


def _registry(root: Path) -> None:
    _replace(root / "data" / "registry.toml", 'label = "Synthetic Publisher"',
             'label = "Synthetic Publisher"\nalt_labels = ["SP"]')


def _ontology(root: Path) -> None:
    _append(root / "ontology" / "ctkg.ttl",
            '\nctkg:SourceDocument rdfs:seeAlso <https://example.org/source-documents> .\n')


_NEW = "00099_synth"


def _added(root: Path) -> None:  # a copy of a document, under a new id
    source = _doc(root, 8, "txt").stem
    corpus = root / "data" / "corpus"
    for ext in ("txt", "ann"):
        (corpus / f"{_NEW}.{ext}").write_bytes((corpus / f"{source}.{ext}").read_bytes())
    catalogue = root / "data" / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    start = text.index(f'["{source}"]')
    end = text.find("\n[", start)
    entry = text[start:end + 1 if end >= 0 else len(text)]
    catalogue.write_text(text.rstrip("\n") + "\n\n" + entry.replace(source, _NEW),
                         encoding="utf-8")


def _removed(root: Path) -> None:  # the copy removed again, with its catalogue entry
    for ext in ("txt", "ann"):
        (root / "data" / "corpus" / f"{_NEW}.{ext}").unlink()
    catalogue = root / "data" / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text[:text.index(f'["{_NEW}"]')].rstrip("\n") + "\n",
                         encoding="utf-8")


EDITS: list[Callable[[Path], None]] = [_text, _annotation, _catalogue, _registry,
                                       _ontology, _added]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__.strip("_") for e in EDITS])
def test_an_incremental_build_after_an_edit_gives_a_plain_builds_files(
        synth12_copy: Path, tmp_path: Path, edit: Callable[[Path], None]) -> None:
    cache = tmp_path / "cache"
    before = _cached(synth12_copy, cache)
    assert any((cache / compilecache.KIND).glob("*.pickle"))
    edit(synth12_copy)
    after = _cached(synth12_copy, cache)
    assert after == _plain(synth12_copy) and after != before
    assert _cached(synth12_copy, cache, jobs=1) == after  # and again, from the cache
    if edit is _added:  # and the document removed again: today's files
        _removed(synth12_copy)
        assert _cached(synth12_copy, cache) == before


def test_edits_in_a_row_read_only_the_edited_documents_entries(
        synth12_copy: Path, tmp_path: Path, compile_reads: list[str]) -> None:
    cache = tmp_path / "cache"
    _cached(synth12_copy, cache)
    for edit in (_text, _annotation, _catalogue, _added, _removed):
        compile_reads.clear()
        edit(synth12_copy)
        assert _cached(synth12_copy, cache) == _plain(synth12_copy), edit.__name__
        # the edited document is compiled; the others come from the merged entry, but
        # the one compiled in this process by the last build (read from its own entry)
        assert len(compile_reads) <= 1, edit.__name__


def _merged_entry(cache: Path) -> Path:
    (entry,) = (cache / compilecache.KIND).glob("*.pickle")
    return entry


@pytest.mark.parametrize("damage", ["flipped", "cut", "garbage"])
def test_a_damaged_merged_entry_is_not_trusted(synth12_copy: Path, tmp_path: Path,
                                               compile_reads: list[str], damage: str) -> None:
    cache = tmp_path / "cache"
    _cached(synth12_copy, cache)
    entry = _merged_entry(cache)
    data = entry.read_bytes()
    if damage == "flipped":  # a byte of the payload: the pickle may load, the checksum not
        at = len(data) - 100
        data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    entry.write_bytes({"flipped": data, "cut": data[:len(data) // 2],
                       "garbage": b"not a cache entry"}[damage])
    _text(synth12_copy)
    compile_reads.clear()
    assert _cached(synth12_copy, cache) == _plain(synth12_copy)
    assert len(compile_reads) >= 10  # every document read from its own entry
    compile_reads.clear()
    _annotation(synth12_copy)  # and the merged entry was written anew, and is used
    assert _cached(synth12_copy, cache) == _plain(synth12_copy)
    assert len(compile_reads) <= 1


def test_missing_document_entries_are_not_served_from_the_merged_entry(
        synth12_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(synth12_copy, cache)
    entries = sorted((cache / "compile").glob("*.pickle"))
    entries[0].unlink()  # an unchanged document's: read by the merged entry's record
    entries[1].write_bytes(entries[1].read_bytes()[:100])  # cut short
    assert _cached(synth12_copy, cache) == _plain(synth12_copy)
    # an entry written again (as after it was lost): its runs may be elsewhere
    entry = sorted((cache / "compile").glob("*.pickle"))[2]
    data = entry.read_bytes()
    entry.unlink()
    entry.write_bytes(data)
    records = compilecache.load(Cache(cache), _merged_entry(cache).stem).records
    (doc,) = [d for d, rec in records.items() if rec[0] == entry.stem]
    assert compilecache.usable(Cache(cache), records[doc]) is None
    assert _cached(synth12_copy, cache) == _plain(synth12_copy)
    # the old entry of an edited document is gone: its figures cannot be taken out
    _text(synth12_copy)
    for path in (cache / "compile").glob("*.pickle"):
        path.unlink()
    assert _cached(synth12_copy, cache) == _plain(synth12_copy)
