"""The fixture project of the build tests: tests/kg/fixtures/data with the repository's
ontology, shapes, QC queries and brat configuration, copied to a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.inputs import entity_iris, load_inputs
from ctkg.kg.pipeline import BuildResult, build
from ctkg.paths import Layout
from ctkg.synth import generate
from tests.paths import ROOT

FIXTURE = ROOT / "tests" / "kg" / "fixtures"
SYNTH_DOCS = 12  # the documents of ``synth12``


def make_project(dest: Path) -> Path:
    """A small project: the fixture's data with the repository's ontology, shapes, QC."""
    shutil.copytree(FIXTURE / "data", dest / "data")
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "queries", dest / "queries")
    for conf in (ROOT / "data" / "corpus").glob("*.conf"):
        shutil.copy(conf, dest / "data" / "corpus" / conf.name)
    return dest


def add_planless_query(root: Path) -> None:
    """A corpus QC query with no ``# reads:`` or ``# confirm:`` header: it may read any graph,
    so only the whole store answers it."""
    (root / "queries" / "qc" / "any-untitled-violation.rq").write_text(
        "# title: A document without a title\n# severity: warning\n"
        "# scope: corpus — reads every graph\n"
        "PREFIX ctkg: <https://w3id.org/ctkg/ontology#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?d WHERE { ?d a ctkg:SourceDocument FILTER NOT EXISTS { ?d dcterms:title ?t } }\n",
        encoding="utf-8")


@pytest.fixture(scope="session")
def synth12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12-document synthetic project (:mod:`ctkg.synth`, seed 1), made once for the
    session; do not modify it (``synth12_copy``)."""
    root = tmp_path_factory.mktemp("synth12") / "proj"
    generate(SYNTH_DOCS, 1, root, ROOT)
    return root


@pytest.fixture()
def synth12_copy(synth12: Path, tmp_path: Path) -> Path:
    """A copy of ``synth12`` for one test to change."""
    root = tmp_path / "proj"
    shutil.copytree(synth12, root)
    return root


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project (not built); do not modify it (copy it first)."""
    return make_project(tmp_path_factory.mktemp("fixture") / "proj")


@pytest.fixture(scope="session")
def result(fixture_project: Path) -> BuildResult:
    """The fixture project built in memory."""
    return build(Layout(fixture_project))


@pytest.fixture(scope="module")
def setup(fixture_project: Path) -> tuple:
    """(registry, catalogue, entity IRIs) of the fixture project, for compiling one document."""
    inputs = load_inputs(Layout(fixture_project))
    iris = {slug: ox.NamedNode(iri) for slug, iri in entity_iris(inputs).items()}
    return inputs.registry, inputs.catalogue, iris
