"""The read stage from the cache (ctkg.kg.readcache) gives what a fresh read gives.

Each test reads a project with the cache and without it and compares the problems (same
messages, files, lines, order) and the ``Read`` the later stages take (inputs, documents,
lengths, briefs); it also notes which documents the cached read parsed, to show that an
edit invalidates exactly what depends on it. On the committed corpus (a copy) and a small
synthetic one (:mod:`ctkg.synth`), with planted edits: an error fixed, a registry entry a
document names removed, a cycle of relations across two documents, a document that a note
names removed, a brat conf file edited, damaged entries, a build that fails.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctkg.annotations import brat
from ctkg.annotations.brief import DocBrief
from ctkg.annotations.deferred import DeferredDocument
from ctkg.errors import CTKGError, Problem
from ctkg.kg import readcache
from ctkg.kg.cache import Cache
from ctkg.kg.compiled import Read
from ctkg.kg.pipeline import _read_inputs, build
from ctkg.paths import Layout
from tests.kg.conftest import SYNTH_DOCS
from tests.paths import ROOT

N_DOCS = SYNTH_DOCS


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The ids of the documents the read stage parses (not those it found in the cache)."""
    seen: list[str] = []
    read_document = brat.read_document

    def recorded(txt: Path, ann: Path | None = None) -> brat.Document:
        seen.append(txt.stem)
        return read_document(txt, ann)

    monkeypatch.setattr(brat, "read_document", recorded)
    yield seen


def _read(root: Path, cache: Path | None) -> tuple[list[Problem], Read | None]:
    """The read stage's errors (and no Read), or its warnings and its Read."""
    warnings: list[Problem] = []
    try:
        read = _read_inputs(Layout(root), warnings, Cache(cache) if cache else None)
    except CTKGError as exc:
        return exc.problems, None
    return warnings, read


def same(root: Path, cache: Path, parsed: list[str]) -> tuple[list[Problem], list[str]]:
    """Read ``root`` with the cache, then fresh; assert they agree. The problems, and the
    documents the cached read parsed."""
    problems, read = _read(root, cache)
    ids = list(parsed)
    fresh, expected = _read(root, None)
    assert problems == fresh
    assert (read is None) == (expected is None)
    if read is not None and expected is not None:
        assert read.inputs == expected.inputs
        assert read.lengths == expected.lengths
        assert [DocBrief.of(d) for d in read.docs] == [DocBrief.of(d) for d in expected.docs]
        assert read.docs == expected.docs  # parses the cached ones, as a later stage would
        assert [type(d) for d in expected.docs] == [brat.Document] * len(expected.docs)
    parsed.clear()
    return problems, ids


def _ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "data" / "corpus").glob("*.ann"))


def test_committed_corpus_from_the_cache(tmp_path: Path, parsed: list[str]) -> None:
    root = tmp_path / "proj"
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("kg"))
    cache = tmp_path / "cache"
    assert same(root, cache, parsed)[1] == _ids(root)  # cold: every document parsed
    assert same(root, cache, parsed)[1] == []  # nothing changed: none


def test_an_edited_text_is_the_only_document_parsed(synth12_copy: Path, tmp_path: Path,
                                                    parsed: list[str]) -> None:
    cache = tmp_path / "cache"
    assert same(synth12_copy, cache, parsed)[1] == _ids(synth12_copy)
    last = synth12_copy / "data" / "corpus" / f"{N_DOCS - 1:05d}_synth.txt"
    last.write_text(last.read_text(encoding="utf-8") + "One more sentence.\n",
                    encoding="utf-8")
    assert same(synth12_copy, cache, parsed)[1] == [last.stem]
    assert same(synth12_copy, cache, parsed)[1] == []


def test_an_error_planted_then_fixed(synth12_copy: Path, tmp_path: Path, parsed: list[str]
                                     ) -> None:
    cache = tmp_path / "cache"
    same(synth12_copy, cache, parsed)
    ann = synth12_copy / "data" / "corpus" / "00003_synth.ann"
    good = ann.read_text(encoding="utf-8")
    ann.write_text(good.replace("\tPerson ", "\tPersonne ", 1), encoding="utf-8")
    problems, ids = same(synth12_copy, cache, parsed)
    assert ids == ["00003_synth"]
    assert any("unknown type 'Personne'" in p.message and p.file.endswith(ann.name)
               for p in problems)
    ann.write_text(good, encoding="utf-8")
    problems, ids = same(synth12_copy, cache, parsed)
    assert ids == ["00003_synth"]
    assert not [p for p in problems if p.severity == "error"]


def test_a_registry_entry_a_document_names_removed(synth12_copy: Path, tmp_path: Path,
                                                   parsed: list[str]) -> None:
    cache = tmp_path / "cache"
    same(synth12_copy, cache, parsed)
    ann = (synth12_copy / "data" / "corpus" / "00003_synth.ann").read_text(encoding="utf-8")
    slug = re.findall(r"CTKG:(synth-person-\d+)", ann)[0]
    registry = synth12_copy / "data" / "registry.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(re.sub(rf"\[{slug}\]\n(.+\n)*\n?", "", text), encoding="utf-8")
    problems, ids = same(synth12_copy, cache, parsed)
    # every document's checks read the registry: all are checked again
    assert ids == _ids(synth12_copy)
    assert any(f"unknown registry slug {slug!r}" in p.message for p in problems)
    registry.write_text(text, encoding="utf-8")
    # the first entry is still there (a build prunes the cache at its end, not the reading)
    assert same(synth12_copy, cache, parsed)[1] == []


def test_a_cycle_across_two_documents(synth12_copy: Path, tmp_path: Path, parsed: list[str]
                                      ) -> None:
    """Document 0 says event 1 follows up event 0; an edit of document 11 says the reverse:
    the cycle is reported at document 0's line, which the cache gave."""
    cache = tmp_path / "cache"
    same(synth12_copy, cache, parsed)
    corpus = synth12_copy / "data" / "corpus"
    for ext in ("txt", "ann"):
        text = (corpus / f"00000_synth.{ext}").read_text(encoding="utf-8")
        if ext == "ann":
            assert "R6\tfollowUpOf Arg1:E1 Arg2:E3\n" in text
            text = text.replace("R6\tfollowUpOf Arg1:E1 Arg2:E3", "R6\tfollowUpOf Arg1:E3 Arg2:E1")
        (corpus / f"00011_synth.{ext}").write_text(text, encoding="utf-8")
    problems, ids = same(synth12_copy, cache, parsed)
    assert ids == ["00011_synth"]
    [cycle] = [p for p in problems if "time-order cycle" in p.message]
    assert cycle.file.endswith("00000_synth.ann")


def test_a_document_a_note_names_removed(synth12_copy: Path, tmp_path: Path, parsed: list[str]
                                         ) -> None:
    """Whether ``evidence=`` names a document of the collection is part of its checks."""
    corpus = synth12_copy / "data" / "corpus"
    ann = corpus / "00002_synth.ann"
    ann.write_text(ann.read_text(encoding="utf-8") + "#9\tAnnotatorNotes T1\tevidence="
                   "00011_synth\n", encoding="utf-8")
    cache = tmp_path / "cache"
    problems, _ = same(synth12_copy, cache, parsed)
    assert not [p for p in problems if "evidence" in p.message]
    for ext in ("txt", "ann"):
        (corpus / f"00011_synth.{ext}").unlink()
    problems, ids = same(synth12_copy, cache, parsed)
    assert ids == ["00002_synth"]
    assert any("evidence '00011_synth' is not a document of the collection" in p.message
               for p in problems)


def test_an_edited_conf_file(synth12_copy: Path, tmp_path: Path, parsed: list[str]) -> None:
    cache = tmp_path / "cache"
    same(synth12_copy, cache, parsed)
    conf = synth12_copy / "data" / "corpus" / "annotation.conf"
    conf.write_text(conf.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    problems, ids = same(synth12_copy, cache, parsed)
    assert ids == []
    assert any(p.file.endswith("annotation.conf") for p in problems)


@pytest.mark.parametrize("damage", ["garbage", "cut short", "empty"])
def test_a_damaged_entry_is_a_miss(synth12_copy: Path, tmp_path: Path, parsed: list[str],
                                   damage: str) -> None:
    cache = tmp_path / "cache"
    same(synth12_copy, cache, parsed)
    entries = sorted(cache.glob(f"{readcache.KIND}/*.pickle")) + sorted(
        cache.glob(f"{readcache.INPUTS}/*.pickle"))
    assert len(entries) == 2
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes({"garbage": b"\x80\x05not a pickle" + data[:50],
                           "cut short": data[:len(data) // 2], "empty": b""}[damage])
    assert same(synth12_copy, cache, parsed)[1] == _ids(synth12_copy)
    assert same(synth12_copy, cache, parsed)[1] == []  # written again


def test_a_failed_build_leaves_the_cache_true(synth12_copy: Path, tmp_path: Path) -> None:
    """A build that stops on an error, then the error fixed: the cached build's files are
    the plain build's."""
    cache = tmp_path / "cache"
    build(Layout(synth12_copy), cache_dir=cache)
    ann = synth12_copy / "data" / "corpus" / "00005_synth.ann"
    good = ann.read_text(encoding="utf-8")
    ann.write_text(good + "R99\tpartOf Arg1:T1 Arg2:T404\n", encoding="utf-8")
    with pytest.raises(CTKGError) as exc:
        build(Layout(synth12_copy), cache_dir=cache)
    assert any("T404" in p.message for p in exc.value.problems)
    ann.write_text(good, encoding="utf-8")
    cached = build(Layout(synth12_copy), cache_dir=cache).files
    plain = build(Layout(synth12_copy)).files
    assert sorted(cached) == sorted(plain)
    assert all(cached[name] == plain[name] for name in plain)


def test_an_incremental_build_parses_the_edited_document_only(
        synth12_copy: Path, tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """No later stage reads the annotations of a document the cache found (they would be
    parsed then: DeferredDocument)."""
    cache = tmp_path / "cache"
    build(Layout(synth12_copy), cache_dir=cache)
    parsed.clear()
    deferred: list[str] = []
    parse = DeferredDocument._parse

    def recorded(self: DeferredDocument) -> None:
        deferred.append(self.doc_id)
        parse(self)

    monkeypatch.setattr(DeferredDocument, "_parse", recorded)
    last = synth12_copy / "data" / "corpus" / f"{N_DOCS - 1:05d}_synth.txt"
    last.write_text(last.read_text(encoding="utf-8") + "One more sentence.\n",
                    encoding="utf-8")
    files = build(Layout(synth12_copy), cache_dir=cache).files
    assert parsed == [last.stem]
    assert deferred == []
    plain = build(Layout(synth12_copy)).files
    assert all(files[name] == plain[name] for name in plain)
