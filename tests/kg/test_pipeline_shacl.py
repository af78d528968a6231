"""SHACL defects planted in a synthetic corpus's compiled graph are found alike by the Rust
engine and by pySHACL (the reference), and each fails the build naming the right line.

The annotation checker stops most defects before SHACL sees them, so each case plants one
defect in the compiled graph (what a compiler bug or a new annotation type would produce),
then runs the build's validation stage (units, both engines) and compares the Problems
the build would raise: the same text, file and line, whichever engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import Problem
from ctkg.kg import parallel, pipeline
from ctkg.kg.compiled import compile_build
from ctkg.paths import Layout
from ctkg.rdf.terms import ctkg, graph_of, ident, lit, oa
from ctkg.synth import generate
from tests.paths import ROOT

XSD = "http://www.w3.org/2001/XMLSchema#"
DOC = "00000_synth"
Plant = Callable[[list[ox.Quad]], list[ox.Quad]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "proj"
    generate(3, 1, root, ROOT)
    return root


def _m(path: str) -> ox.NamedNode:
    return ident(f"mention/{DOC}/{path}")


def _replace(subject: ox.NamedNode, predicate: ox.NamedNode, new: object | None) -> Plant:
    """Replace (or drop, for None) the values of one property of one node."""
    def plant(quads: list[ox.Quad]) -> list[ox.Quad]:
        out = [q for q in quads if not (q.subject == subject and q.predicate == predicate)]
        if new is not None:
            graph = next(q.graph_name for q in quads if q.subject == subject)
            out.append(ox.Quad(subject, predicate, new, graph))  # type: ignore[arg-type]
        return out
    return plant


STATEMENT = ident(f"statement/{DOC}/E2")
CASES: dict[str, tuple[Plant, str, str]] = {
    # case: (the defect, the shape that must report it, the brat id of the .ann line)
    "offsets beyond the text": (_replace(_m("T1/position"), oa("end"), lit(999999)),
                                "MentionShape", "T1"),
    "statement without speaker": (_replace(STATEMENT, ctkg("speaker"), None),
                                  "StatementShape", "E2"),
    "object of the wrong class": (_replace(STATEMENT, ctkg("statedIn"),
                                           ident("person/synth-person-10")),
                                  "StatementShape", "E2"),
    "missing required value": (_replace(_m("T1"), ctkg("annotationId"), None),
                               "MentionShape", "T1"),
    "literal of the wrong datatype": (_replace(_m("T1/position"), oa("start"),
                                               lit("15", ox.NamedNode(XSD + "string"))),
                                      "TextPositionSelectorShape", "T1"),
}


def _problems(corpus: Path, plant: Plant, engine: str) -> list[Problem]:
    """The build's validation stage on the compiled graph with ``plant`` applied to the
    first document."""
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(corpus), warnings)
    compiled = compile_build(read, 1, parallel.Cache(None), False, warnings)
    doc = graph_of(DOC)
    assert all(q.graph_name == doc for q in compiled.by_doc[DOC])
    compiled.by_doc[DOC] = plant(compiled.by_doc[DOC])
    return pipeline._validate(read, compiled, 1, parallel.Cache(None), False, engine)


@pytest.mark.parametrize("case", sorted(CASES))
def test_planted_defect_found_alike(corpus: Path, case: str) -> None:
    plant, shape, brat_id = CASES[case]
    rust = _problems(corpus, plant, "rust")
    assert rust == _problems(corpus, plant, "pyshacl")
    errors = [p for p in rust if p.severity == "error"]
    assert errors and all(f"[https://w3id.org/ctkg/shapes#{shape}]" in p.message
                          for p in errors), "\n".join(map(str, rust))
    ann = corpus / "data" / "corpus" / f"{DOC}.ann"
    for p in errors:
        assert p.file is not None and Path(p.file).resolve() == ann.resolve() and p.line
        line = ann.read_text(encoding="utf-8").splitlines()[p.line - 1]
        assert line.startswith(f"{brat_id}\t"), (str(p), line)


def test_unplanted_corpus_is_valid(corpus: Path) -> None:
    """The cases above fail because of their defect: without it, no error."""
    for engine in ("rust", "pyshacl"):
        problems = _problems(corpus, lambda quads: quads, engine)
        assert not [p for p in problems if p.severity == "error"], engine


def test_registry_defect_names_the_registry_line(corpus: Path) -> None:
    """An event that ends before it starts (a shared node): the registry's line."""
    found: dict[str, list[Problem]] = {}
    for engine in ("rust", "pyshacl"):
        warnings: list[Problem] = []
        read = pipeline._read_inputs(Layout(corpus), warnings)
        compiled = compile_build(read, 1, parallel.Cache(None), False, warnings)
        event = next(q.subject for q in compiled.shared if q.predicate == ctkg("startTime")
                     and q.graph_name == graph_of("registry"))
        assert isinstance(event, ox.NamedNode)
        compiled.shared.append(ox.Quad(event, ctkg("endTime"),
                                       lit("1900", ox.NamedNode(XSD + "gYear")),
                                       graph_of("registry")))
        found[engine] = pipeline._validate(read, compiled, 1, parallel.Cache(None), False,
                                           engine)
    assert found["rust"] == found["pyshacl"]
    shacl = [p for p in found["rust"] if "EventTimeOrderShape" in p.message]
    assert shacl and all(p.file and p.file.endswith("registry.toml") and p.line
                         for p in shacl), "\n".join(map(str, found["rust"]))
