"""The shared graphs: ontology (skolemized), registry and catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from ctkg.inputs import entity_iris, read_inputs
from ctkg.kg.graphs import catalogue_quads, registry_quads, to_quads
from ctkg.kg.pipeline import BuildResult
from ctkg.paths import Layout
from ctkg.rdf.terms import RDF_TYPE, ctkg, graph_of, ident


def test_ontology_blank_nodes_are_skolemized_deterministically(fixture_project: Path,
                                                               tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(fixture_project, project)
    (project / "ontology" / "extra.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://x/p> <http://www.w3.org/2000/01/rdf-schema#range> "
        "[ owl:unionOf ( <http://x/A> <http://x/B> ) ] .\n", encoding="utf-8")
    runs = [sorted(map(str, to_quads(read_inputs(Layout(project)).ontology.triples,
                                     "ontology"))) for _ in range(2)]
    assert runs[0] == runs[1]
    assert not any("_:" in q for q in runs[0])
    assert any("/.well-known/genid/" in q for q in runs[0])


def test_registry_and_catalogue(fixture_project: Path, result: BuildResult) -> None:
    inputs = read_inputs(Layout(fixture_project))
    iris = {slug: ox.NamedNode(iri) for slug, iri in entity_iris(inputs).items()}
    registry = registry_quads(inputs.registry, iris, inputs.links)
    hlc = ident("event/hlc-2018")
    assert ox.Quad(hlc, ctkg("place"), ident("place/new-york"), graph_of("registry")) \
        in registry
    lengths = {d: 1000 for d in inputs.catalogue}
    catalogue = catalogue_quads(inputs.catalogue, iris, lengths, inputs.layout.catalogue)
    doc = ident("document/900_fixture")
    assert ox.Quad(doc, RDF_TYPE, ctkg("SourceDocument"), graph_of("catalogue")) in catalogue
    assert set(registry + catalogue) <= set(result.quads) | {
        q for q in catalogue if q.predicate == ctkg("characterCount")}
