"""The facts the event checks read of each document, kept by document key
(``ctkg.kg.docfacts``): the same as read from the summaries, served from the cache entry,
and read again for a document whose key changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ctkg.errors import Problem
from ctkg.kg import docfacts, parallel, pipeline
from ctkg.kg.compiled import Compiled, compile_build
from ctkg.kg.docgraphs import DocGraphs, DocSummary
from ctkg.paths import Layout


@pytest.fixture(scope="module")
def compiled(synth12: Path) -> Compiled:
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(synth12), warnings)
    return compile_build(read, 1, parallel.Cache(None), False, warnings)


class _Counting:
    """A document's summary through ``DocGraphs.summary``, counting the documents read."""

    def __init__(self, docs: DocGraphs, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        real = docs.summary

        def summary(doc_id: str) -> DocSummary:
            self.read.append(doc_id)
            return real(doc_id)

        monkeypatch.setattr(docs, "summary", summary)


def test_facts_of_a_summary() -> None:
    contained = (b"<https://w3id.org/ctkg/id/place/a> "
                 b"<https://w3id.org/ctkg/ontology#containedInPlace> "
                 b"<https://w3id.org/ctkg/id/place/b> .")
    other = b"<https://w3id.org/ctkg/id/place/a> <http://example.org/p> \"x\" ."
    summary = DocSummary(outward=other + b"\n" + contained + b"\n", places=b"P",
                         claims={("e2", "startTime"): [], ("e1", "endTime"): [],
                                 ("e2", "endTime"): []})
    assert docfacts.facts_of(summary) == docfacts.DocFacts(contained, b"P", ("e1", "e2"))
    assert docfacts.facts_of(DocSummary(outward=other)).containment is None


def test_facts_are_kept_by_key_and_read_again_for_a_new_key(
        compiled: Compiled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = compiled.by_doc
    reference = {d: docfacts.facts_of(docs.summary(d)) for d in docs}
    assert any(f.events for f in reference.values())
    counting = _Counting(docs, monkeypatch)
    cache = parallel.Cache(tmp_path / "cache")
    keys = {d: f"key-{d}" for d in docs}
    assert docfacts.document_facts(docs, keys, cache) == reference
    assert counting.read == list(docs)  # a cold cache: every summary read
    counting.read.clear()
    assert docfacts.document_facts(docs, keys, cache) == reference
    assert counting.read == []  # every document's facts from the entry
    first = next(iter(docs))
    assert docfacts.document_facts(docs, {**keys, first: "edited"}, cache) == reference
    assert counting.read == [first]  # a new key: its summary read again


def test_a_stale_entry_is_not_served_for_another_key(
        compiled: Compiled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Facts are served only under the key they were kept under: a document whose summary
    changed comes with a new key and gets its new facts."""
    docs = compiled.by_doc
    cache = parallel.Cache(tmp_path / "cache")
    keys = {d: f"key-{d}" for d in docs}
    docfacts.document_facts(docs, keys, cache)
    first = next(iter(docs))
    edited = replace(docs.summary(first), places=b"new places")
    real = docs.summary
    monkeypatch.setattr(docs, "summary", lambda d: edited if d == first else real(d))
    assert docfacts.document_facts(docs, {**keys, first: "new"}, cache)[first].places \
        == b"new places"


def test_without_a_cache_every_summary_is_read(
        compiled: Compiled, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = compiled.by_doc
    counting = _Counting(docs, monkeypatch)
    facts = docfacts.document_facts(docs, None, parallel.Cache(None))
    assert list(facts) == list(docs) and counting.read == list(docs)
