"""The shared SHACL units keyed by their inputs (ctkg.kg.shared_units): an unchanged build
finds every unit, and an edit that changes a unit's data (a document's new triple about a
registry entity, a registry description, a catalogue entry) revalidates the units it
touches, and only those, with the results of validating the union graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg import parallel
from ctkg.kg.docgraphs import DocGraphs, DocSummary, summarize
from ctkg.kg.pipeline import build
from ctkg.kg.shared_units import Contributions, chunk_of, contribution
from ctkg.kg.validate_docs import validate_documents
from ctkg.paths import Layout
from ctkg.rdf.namespaces import GRAPH_NS
from ctkg.rdf.terms import RDF_TYPE, RDFS_LABEL, ctkg, graph_of, ident, lit
from ctkg.validate import partition
from ctkg.validate.shacl import ShaclResult
from ctkg.validate.shacl_rust import compile_shapes, validate_ntriples

PERSON = ident("person/synth-person-1")


@pytest.fixture(scope="module")
def split(synth12: Path) -> tuple[dict[str, list[ox.Quad]], list[ox.Quad], bytes]:
    """The committed-style build of ``synth12`` split into documents' and shared quads."""
    quads = list(build(Layout(synth12)).quads)
    shared_graphs = {graph_of(g) for g in partition.SHARED_GRAPHS}
    by_doc: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if q.graph_name not in shared_graphs:
            assert isinstance(q.graph_name, ox.NamedNode)
            by_doc.setdefault(q.graph_name.value.removeprefix(GRAPH_NS), []).append(q)
    shared = [q for q in quads if q.graph_name in shared_graphs]
    return by_doc, shared, Layout(synth12).shapes.read_bytes()


def _docs(by_doc: dict[str, list[ox.Quad]]) -> DocGraphs:
    docs = DocGraphs()
    for doc, quads in by_doc.items():
        docs[doc] = quads
    return docs


def _union(by_doc: dict[str, list[ox.Quad]], shared: list[ox.Quad],
           shapes_ttl: bytes) -> set[tuple[object, ...]]:
    """The reference: the union graph validated whole."""
    data = ox.serialize([q.triple for q in shared] + [q.triple for d in by_doc.values()
                                                      for q in d],
                        format=ox.RdfFormat.N_TRIPLES) or b""
    return _key(validate_ntriples(data, compile_shapes(shapes_ttl)))


def _key(results: list[ShaclResult]) -> set[tuple[object, ...]]:
    return {(r.severity, r.shape, r.focus_node, r.path, r.value, r.message) for r in results}


def _entries(cache: Path) -> set[str]:
    return {p.name for p in (cache / "validate").glob("*.pickle")}


class Run:
    """validate_documents on a cache, with the documents' keys naming their content."""

    def __init__(self, shapes_ttl: bytes, folder: Path) -> None:
        self.shapes_ttl, self.cache = shapes_ttl, parallel.Cache(folder)

    def __call__(self, by_doc: dict[str, list[ox.Quad]], shared: list[ox.Quad]
                 ) -> list[ShaclResult]:
        keys = {d: parallel.digest(*sorted(map(str, q))) for d, q in by_doc.items()}
        return validate_documents(_docs(by_doc), shared, keys, self.shapes_ttl, 1, self.cache,
                                  False, "rust")


def test_unchanged_inputs_find_every_shared_unit(split: tuple[dict[str, list[ox.Quad]],
                                                              list[ox.Quad], bytes],
                                                 tmp_path: Path) -> None:
    by_doc, shared, shapes_ttl = split
    run = Run(shapes_ttl, tmp_path)
    assert _key(run(by_doc, shared)) == _union(by_doc, shared, shapes_ttl) == set()
    before = _entries(tmp_path)
    assert len(before) > 8 and any((tmp_path / "shared-contrib").iterdir())
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "validate").iterdir()}
    assert run(by_doc, shared) == []
    assert _entries(tmp_path) == before
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "validate").iterdir()} == mtimes


def test_a_documents_new_triple_about_a_registry_entity_is_revalidated(
        split: tuple[dict[str, list[ox.Quad]], list[ox.Quad], bytes], tmp_path: Path) -> None:
    """A second rdfs:label of a registry person, stated by one document: PersonShape's
    maxCount fails on a shared node, found by revalidating that node's unit only."""
    by_doc, shared, shapes_ttl = split
    run = Run(shapes_ttl, tmp_path)
    run(by_doc, shared)
    before = _entries(tmp_path)
    doc = sorted(by_doc)[2]
    edited = dict(by_doc)
    edited[doc] = [*by_doc[doc], ox.Quad(PERSON, RDFS_LABEL, lit("Another name", lang="en"),
                                         graph_of(doc))]
    found = run(edited, shared)
    assert _key(found) == _union(edited, shared, shapes_ttl)
    assert {(r.focus_node, r.shape.rsplit("#")[-1]) for r in found} == {
        (PERSON.value, "PersonShape")}
    assert len(_entries(tmp_path) - before) == 1  # the person's chunk only


def test_a_registry_edit_is_revalidated(split: tuple[dict[str, list[ox.Quad]],
                                                     list[ox.Quad], bytes],
                                        tmp_path: Path) -> None:
    """The registry's label of a person removed (the documents unchanged)."""
    by_doc, shared, shapes_ttl = split
    run = Run(shapes_ttl, tmp_path)
    run(by_doc, shared)
    before = _entries(tmp_path)
    edited = [q for q in shared if not (q.subject == PERSON and q.predicate == RDFS_LABEL)]
    assert len(edited) == len(shared) - 1
    found = run(by_doc, edited)
    assert _key(found) == _union(by_doc, edited, shapes_ttl)
    assert {(r.focus_node, r.shape.rsplit("#")[-1]) for r in found} == {
        (PERSON.value, "PersonShape")}
    # the person's chunk, and those of the nodes that point to it (their units take in
    # its description), not every chunk
    assert 1 <= len(_entries(tmp_path) - before) < len(before)


def test_a_catalogue_edit_revalidates_its_documents_chunk(
        split: tuple[dict[str, list[ox.Quad]], list[ox.Quad], bytes], tmp_path: Path) -> None:
    """A document's title removed from the catalogue: SourceDocumentShape fails on its node."""
    by_doc, shared, shapes_ttl = split
    run = Run(shapes_ttl, tmp_path)
    run(by_doc, shared)
    before = _entries(tmp_path)
    node = ident(f"document/{sorted(by_doc)[0]}")
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    edited = [q for q in shared if not (q.subject == node and q.predicate == title)]
    found = run(by_doc, edited)
    assert found and _key(found) == _union(by_doc, edited, shapes_ttl)
    assert {r.focus_node for r in found} == {node.value}
    assert len(_entries(tmp_path) - before) == 1


def test_a_document_pointing_to_another_documents_node_is_validated_whole(
        split: tuple[dict[str, list[ox.Quad]], list[ox.Quad], bytes], tmp_path: Path) -> None:
    """Not plain (a registry event's participant is another document's mention, which is
    no Actor): the shared units are built from every document, with the same results."""
    by_doc, shared, shapes_ttl = split
    first, second = sorted(by_doc)[:2]
    mention = next(q.subject for q in by_doc[first]
                   if q.predicate == RDF_TYPE and q.object == ctkg("Mention"))
    event = next(q.subject for q in shared if q.predicate == RDF_TYPE
                 and q.object == ctkg("Conference"))
    edited = dict(by_doc)
    edited[second] = [*by_doc[second], ox.Quad(event, ctkg("speaker"), mention,
                                               graph_of(second))]
    assert contribution(second, summarize(second, edited[second]), 64) is None
    found = Run(shapes_ttl, tmp_path)(edited, shared)
    assert _key(found) == _union(edited, shared, shapes_ttl)
    assert {(r.focus_node, r.shape.rsplit("#")[-1]) for r in found} == {
        (event.value, "EventParticipantShape")}


def test_contribution_of_a_summary() -> None:
    own = ident("mention/d1/T1")
    summary = DocSummary(
        outward=(f"<{PERSON.value}> <http://purl.org/ontology/gaf#denotedBy> <{own.value}> .\n"
                 f"<{PERSON.value}> <{RDFS_LABEL.value}> \"a b\" .\n").encode(),
        types=f"<{own.value}> <{RDF_TYPE.value}> <{ctkg('Mention').value}> .\n".encode(),
        terms=frozenset({PERSON, ctkg("Mention")}))
    con = contribution("d1", summary, 64)
    assert con is not None
    assert con.chunks == bytes([chunk_of(f"<{PERSON.value}>".encode(), 64)])
    assert len(con.digests) == 16 and con.objects == ()
    assert con.terms == tuple(sorted(f"<{t.value}>".encode() for t in summary.terms))
    # its types are of its own nodes only; another document's node makes it not plain
    assert contribution("d2", summary, 64) is None
    blank = DocSummary(outward=f"_:b1 <{RDFS_LABEL.value}> \"x\" .\n".encode())
    assert contribution("d1", blank, 64) is None
    # the chunk of a subject does not depend on the process (no salted hash)
    assert chunk_of(b"<https://w3id.org/ctkg/id/person/x>", 64) == 45


def test_contributions_are_kept_by_compile_key(split: tuple[dict[str, list[ox.Quad]],
                                                            list[ox.Quad], bytes],
                                               tmp_path: Path) -> None:
    by_doc, _shared, _shapes = split
    docs = _docs(by_doc)
    keys = {d: f"key-{d}" for d in by_doc}
    cache = parallel.Cache(tmp_path)
    table = Contributions(cache, 64)
    found = table.of(docs, keys)
    table.save()
    again = Contributions(cache, 64)
    assert again.table.stored == {keys[d]: c for d, c in found.items()}
    assert again.of(docs, keys) == found


def test_a_registry_edit_revalidates_the_units_that_point_to_it(
        split: tuple[dict[str, list[ox.Quad]], list[ox.Quad], bytes], tmp_path: Path) -> None:
    """An organizer's rdf:type removed from the registry: the event a document says it
    organized (another chunk's node, whose unit takes in the organizer's description)
    fails EventParticipantShape."""
    by_doc, shared, shapes_ttl = split
    run = Run(shapes_ttl, tmp_path)
    run(by_doc, shared)
    event, org = next((q.subject, q.object) for d in sorted(by_doc) for q in by_doc[d]
                      if q.predicate == ctkg("organizer"))
    assert isinstance(event, ox.NamedNode) and isinstance(org, ox.NamedNode)
    edited = [q for q in shared if not (q.subject == org and q.predicate == RDF_TYPE)]
    found = run(by_doc, edited)
    assert _key(found) == _union(by_doc, edited, shapes_ttl)
    assert (event.value, "EventParticipantShape") in {
        (r.focus_node, r.shape.rsplit("#")[-1]) for r in found}
