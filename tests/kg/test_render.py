"""Per-graph dump pieces: rendered alone, assembled, and rendered again when the build's
prefixes differ from those a piece was rendered with."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from ctkg.kg.dumps import DUMP_PREFIXES, clean_prefixes, readable_order, render_trig
from ctkg.kg.pieces import Namespaces, by_graph, fits, resolve, strip_header
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.render import assemble, build_prefixes, render_dumps, render_piece, unwrapped
from ctkg.rdf.terms import RDF_TYPE, graph_of, ident

CTX: dict[str, object] = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def _graph(name: str, *objects: str) -> list[ox.Quad]:
    return [ox.Quad(ident("person/a"), RDF_TYPE, ident(o), graph_of(name)) for o in objects]


def test_a_piece_rendered_alone_is_rendered_again_under_the_builds_prefixes() -> None:
    clean, unclean = _graph("a", "person/b"), _graph("b", "person/b/c")
    alone = render_piece(graph_of("a").value, clean, CTX)
    assert b"person:b" in alone.trig  # alone, person: is clean
    other = render_piece(graph_of("b").value, unclean, CTX)
    prefixes = build_prefixes([alone, other])
    assert "person" not in prefixes  # ... but not in the build: person/b/c needs an escape
    assert not fits(alone, prefixes) and fits(other, prefixes)
    dumps = {n: b"".join(c) for n, c in assemble([alone, other], CTX, clean + unclean).items()}
    assert dumps == render_dumps(clean + unclean, CTX)
    assert dumps["ctkg.trig"] == render_trig(clean + unclean)
    assert b"person:" not in dumps["ctkg.trig"] and b"\\" not in dumps["ctkg.trig"]
    with pytest.raises(ValueError, match="need their quads"):
        assemble([alone, other], CTX)


def test_the_header_is_decided_from_signatures_as_from_the_iris() -> None:
    quads = _graph("a", "person/b", "person/b/c", "org/x")
    ns = Namespaces(DUMP_PREFIXES)
    iris = {q.subject.value for q in quads} | {q.object.value for q in quads} | {
        q.predicate.value for q in quads} | {graph_of("a").value}
    assert resolve(ns.signatures(iris), DUMP_PREFIXES) == clean_prefixes(quads, DUMP_PREFIXES)


def test_no_graphs_give_empty_dumps_that_parse() -> None:
    dumps = render_dumps([], CTX)
    assert dumps["ctkg.nq"] == b"" and dumps["ctkg.ttl"] == b""
    assert list(ox.parse(dumps["ctkg.jsonld"], format=ox.RdfFormat.JSON_LD)) == []


def test_document_local_iris_are_signed_as_any_other() -> None:
    """Document-local IRIs (mentions, assertions, ...) skip the namespace scan unless a
    namespace overlaps their start: the signatures are those of the scan in both cases."""
    iris = [ident("mention/d1/T3").value, ident("mention/d1/T3/position/2").value,
            ident("assertion/d1/R1-ordinal").value, ident("person/a").value]
    for prefixes in (DUMP_PREFIXES, {**DUMP_PREFIXES, "m": ident("mention/").value},
                     {**DUMP_PREFIXES, "d1": ident("mention/d1/").value}):
        ns = Namespaces(prefixes)
        assert ns.signatures(iris) == frozenset(s for s in map(ns._signature, iris) if s)
    assert ident("mention/").value in Namespaces(DUMP_PREFIXES).unprefixed
    assert ident("mention/").value not in Namespaces({"m": ident("mention/").value}).unprefixed


def test_the_turtle_of_a_piece_is_its_trig_block_unwrapped(result: BuildResult) -> None:
    """A piece's Turtle is taken from its TriG block (one serialization, not two): for every
    graph of the build, exactly what pyoxigraph's Turtle serializer writes of its triples."""
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    for graph, quads in by_graph(result.quads).items():
        ordered = readable_order(quads, DUMP_PREFIXES)
        trig = ox.serialize(ordered, format=ox.RdfFormat.TRIG) or b""
        assert unwrapped(trig) == ox.serialize([q.triple for q in ordered],
                                               format=ox.RdfFormat.TURTLE), graph
        assert render_piece(graph, quads, ctx).ttl == strip_header(ox.serialize(
            [q.triple for q in ordered], format=ox.RdfFormat.TURTLE,
            prefixes=clean_prefixes(quads, DUMP_PREFIXES)) or b"")
    assert unwrapped(b"<g> {\n<s> <p> <o> .\n}\n") is None  # not indented: not unwrapped
