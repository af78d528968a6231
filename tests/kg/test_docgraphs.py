"""Documents kept as pieces and summaries (ctkg.kg.docgraphs): the quads read back, the
summaries the whole-build checks use, and the store loaded from them, all equal to what the
documents' quads give."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import Problem
from ctkg.kg import parallel, pipeline
from ctkg.kg.compiled import Compiled, compile_build
from ctkg.kg.docgraphs import DocGraphs, joined_triples, summarize
from ctkg.kg.spool import Spool
from ctkg.paths import Layout
from ctkg.rdf.terms import RDF_TYPE, ctkg, graph_of, ident
from ctkg.validate.event_times import claims
from ctkg.validate.partition import is_local


def _compiled(root: Path) -> Compiled:
    warnings: list[Problem] = []
    read = pipeline._read_inputs(Layout(root), warnings)
    return compile_build(read, 1, parallel.Cache(None), False, warnings, None, Spool())


def test_quads_and_summaries_read_back_from_the_spooled_pieces(fixture_project: Path) -> None:
    compiled = _compiled(fixture_project)
    docs = compiled.by_doc
    assert len(docs) >= 2
    for doc_id in docs:
        quads = docs[doc_id]
        assert quads and all(q.graph_name == graph_of(doc_id) for q in quads)
        summary = docs.summary(doc_id)
        assert summary == summarize(doc_id, quads)
        outward = {q.triple for q in quads if not is_local(q.subject)}
        assert set(joined_triples([summary.outward])) == outward
        assert summary.claims == claims(quads)


def test_the_store_holds_every_quad_in_the_dumps_graph_order(fixture_project: Path) -> None:
    """Regression: loading the shared graphs before the documents made a QC query 25 times
    slower in Oxigraph at 10,000 documents; the store is loaded in the dumps' graph order."""
    compiled = _compiled(fixture_project)

    class Recorder:
        def __init__(self) -> None:
            self.graphs: list[str] = []
            self.quads: set[ox.Quad] = set()

        def _add(self, quads: list[ox.Quad]) -> None:
            for q in quads:
                g = f"<{q.graph_name.value}>"  # type: ignore[union-attr]
                if not self.graphs or self.graphs[-1] != g:
                    self.graphs.append(g)
                self.quads.add(q)

        def extend(self, quads: list[ox.Quad]) -> None:
            self._add(list(quads))

        def load(self, input: bytes, format: ox.RdfFormat) -> None:
            self._add(list(ox.parse(input, format=format)))

    store = Recorder()
    compiled.load(store)  # type: ignore[arg-type]
    assert store.graphs == sorted(set(store.graphs))  # each graph once, in order
    assert store.quads == {*compiled.shared, *compiled.by_doc.all_quads()}


def test_types_pointed_to_from_another_document_are_read_from_its_quads() -> None:
    """A document's triple about a shared node that points to another document's mention:
    that mention's type is not in either summary, so it is read from its own document."""
    docs = DocGraphs()
    event, m1 = ident("event/e"), ident("mention/d1/T1")
    cls = ctkg("Mention")
    docs["d1"] = [ox.Quad(m1, RDF_TYPE, cls, graph_of("d1"))]
    docs["d2"] = [ox.Quad(event, ctkg("mentionedAs"), m1, graph_of("d2"))]
    outward = joined_triples(s.outward for s in docs.summaries())
    assert docs.summary("d1").types == b""  # nothing points to it from d1
    assert docs.local_types(outward, []) == {m1: [ox.Triple(m1, RDF_TYPE, cls)]}


def test_a_summary_does_not_depend_on_the_order_of_the_quads(fixture_project: Path) -> None:
    """Workers summarize a document's quads as compiled, unsorted."""
    docs = _compiled(fixture_project).by_doc
    for doc_id in docs:
        quads = docs[doc_id]
        assert summarize(doc_id, list(reversed(quads))) == summarize(doc_id, quads)


def test_joined_triples_parse_as_each_part_does() -> None:
    """Many summaries' N-Triples parsed as one document give each part's triples in order,
    blank nodes as parsing each part gives them."""
    from ctkg.kg.docgraphs import _triples

    a = b"<http://x/a> <http://x/p> <http://x/b> .\n"
    b = b'<http://x/c> <http://x/p> "v"@en .'  # no final line break
    assert joined_triples([a, b"", b, a]) == [*_triples(a), *_triples(b), *_triples(a)]
    blank = b"_:n <http://x/p> <http://x/b> .\n"
    assert joined_triples([blank, a, blank]) == [*_triples(blank), *_triples(a),
                                                 *_triples(blank)]
