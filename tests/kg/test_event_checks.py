"""The registry's event summaries against the documents' claims, each entry's problems kept
in the cache (ctkg.kg.event_checks): the same problems as checking every entry, and an
entry is checked again when a claim about it, the registry or the places change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import Problem
from ctkg.kg import event_checks, parallel, pipeline
from ctkg.kg.compiled import Compiled, Read, compile_build
from ctkg.kg.docfacts import facts_of
from ctkg.kg.docgraphs import DocSummary
from ctkg.paths import Layout
from ctkg.rdf.terms import ctkg, graph_of, lit
from ctkg.validate.event_times import check_claims, merge_claims

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@pytest.fixture(scope="module")
def compiled(synth12: Path) -> tuple[Read, Compiled]:
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(synth12), warnings)
    return read, compile_build(read, 1, parallel.Cache(None), False, warnings)


class Checks:
    """check_event_claims on a cache, counting the entries it checks."""

    def __init__(self, read: Read, compiled: Compiled, folder: Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.read, self.compiled = read, compiled
        self.cache = parallel.Cache(folder)
        self.docs = _docs(compiled)  # every document's summary, and a key for each
        self.keys = {d: f"key-{d}" for d, _s in self.docs}
        self.checked: list[str] = []
        real = event_checks.check_entry

        def counted(slug: str, *args: object, **kwargs: object) -> list[Problem]:
            self.checked.append(slug)
            return real(slug, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(event_checks, "check_entry", counted)

    def registry(self) -> list[ox.Quad]:
        return [q for q in self.compiled.shared if q.graph_name == graph_of("registry")]

    def __call__(self, docs: list[tuple[str, DocSummary]], keys: dict[str, str],
                 registry: list[ox.Quad] | None = None,
                 places: dict[str, set[str]] | None = None) -> list[Problem]:
        self.checked.clear()
        return event_checks.check_event_claims(
            self.read.inputs.registry, self.compiled.iris, registry or self.registry(),
            _claimed(docs), dict(docs).__getitem__, keys, self.compiled.sources, places or {},
            self.cache)

    def reference(self, docs: list[tuple[str, DocSummary]],
                  registry: list[ox.Quad] | None = None,
                  places: dict[str, set[str]] | None = None) -> list[Problem]:
        return check_claims(self.read.inputs.registry, self.compiled.iris,
                            registry or self.registry(), merge_claims(s.claims for _d, s in docs),
                            self.compiled.sources, places or {})


@pytest.fixture()
def check(compiled: tuple[Read, Compiled], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> Checks:
    """check_event_claims on a fresh cache, counting the entries it checks."""
    return Checks(*compiled, tmp_path, monkeypatch)


def _claimed(docs: list[tuple[str, DocSummary]]) -> list[tuple[str, tuple[str, ...]]]:
    """Each document with the nodes its claims are about (what the build keeps of it)."""
    return [(d, facts_of(s).events) for d, s in docs]


def _docs(compiled: Compiled) -> list[tuple[str, DocSummary]]:
    return [(d, compiled.by_doc.summary(d)) for d in compiled.by_doc]


def test_entries_are_checked_again_only_when_their_inputs_change(check: Checks) -> None:
    read, comp, docs, keys = check.read, check.compiled, check.docs, check.keys
    entries = list(read.inputs.registry.entries)
    assert check(docs, keys) == check.reference(docs)
    assert check.checked == entries
    assert check(docs, keys) == check.reference(docs) and check.checked == []

    # one document now dates an event it claims a start for in 1999: an error, found by
    # checking the entries of the events that document makes claims about, only
    doc, summary = next((d, s) for d, s in docs
                        if any(prop == "startTime" for _n, prop in s.claims))
    (node, prop), claims = next((k, c) for k, c in summary.claims.items() if k[1] == "startTime")
    moved = {**summary.claims,
             (node, prop): [replace(c, value=lit("1999-01-01", XSD_DATE)) for c in claims]}
    edited = [(d, replace(s, claims=moved) if d == doc else s) for d, s in docs]
    found = check(edited, {**keys, doc: "another key"})
    assert found == check.reference(edited)
    assert any("1999-01-01" in p.message and p.severity == "error" for p in found)
    slugs = {slug for slug in entries if comp.iris[slug].value in {n for n, _p in summary.claims}}
    assert set(check.checked) == slugs and node in {comp.iris[s].value for s in slugs}


def test_a_registry_or_places_edit_checks_every_entry(check: Checks) -> None:
    read, docs, keys = check.read, check.docs, check.keys
    check(docs, keys)
    # the registry's start of an event that documents date moves a year on
    start = ctkg("startTime")
    first = next(q for q in check.registry() if q.predicate == start)
    assert isinstance(first.object, ox.Literal)
    later = str(int(first.object.value[:4]) + 1) + first.object.value[4:]
    registry = [ox.Quad(q.subject, q.predicate, lit(later, first.object.datatype),
                        q.graph_name) if q == first else q for q in check.registry()]
    found = check(docs, keys, registry=registry)
    assert found == check.reference(docs, registry=registry) != check.reference(docs)
    assert len(check.checked) == len(read.inputs.registry.entries)
    places = {"https://w3id.org/ctkg/id/place/a": {"https://w3id.org/ctkg/id/place/b"}}
    assert check(docs, keys, places=places) == check.reference(docs, places=places)
    assert len(check.checked) == len(read.inputs.registry.entries)


def test_without_a_cache_every_entry_is_checked(compiled: tuple[Read, Compiled]) -> None:
    read, comp = compiled
    docs = _docs(comp)
    registry = [q for q in comp.shared if q.graph_name == graph_of("registry")]
    assert event_checks.check_event_claims(
        read.inputs.registry, comp.iris, registry, _claimed(docs), dict(docs).__getitem__,
        None, comp.sources, {}, parallel.Cache(None)) == check_claims(
            read.inputs.registry, comp.iris, registry,
            merge_claims(s.claims for _d, s in docs), comp.sources, {})

