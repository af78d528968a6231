"""The RDF dumps: the same quads in every format, canonical N-Quads, readable Turtle/TriG."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from rdflib import Dataset, Graph

from ctkg.kg.dumps import (
    clean_prefixes,
    readable_order,
    render_nq,
    render_trig,
    sort_quads,
)
from ctkg.kg.jsonld import render_jsonld
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.render import render_dumps
from ctkg.rdf.terms import RDF_TYPE, ident, natural_key, quad_key

FORMATS = {"ctkg.trig": ox.RdfFormat.TRIG, "ctkg.nq": ox.RdfFormat.N_QUADS,
           "ctkg.jsonld": ox.RdfFormat.JSON_LD}
# a prefixed name with a backslash escape in its local part (e.g. ctkgid:mention\/doc\/T3)
_ESCAPED_NAME = re.compile(r"(?:^|[\s;,(\[])[A-Za-z][\w-]*:[^\s\"<>]*\\")


def test_every_format_has_the_same_quads(result: BuildResult) -> None:
    want = set(result.quads)
    assert len(want) == len(result.quads)
    for name, fmt in FORMATS.items():
        assert set(ox.parse(result.files[name], format=fmt)) == want, name
        ds = Dataset()
        ds.parse(data=result.files[name], format={"ctkg.trig": "trig", "ctkg.nq": "nquads",
                                                  "ctkg.jsonld": "json-ld"}[name])
        assert len(list(ds.quads((None, None, None, None)))) == len(want), name
    triples = {q.triple for q in result.quads}
    assert set(ox.parse(result.files["ctkg.ttl"], format=ox.RdfFormat.TURTLE)) == {
        ox.Quad(t.subject, t.predicate, t.object) for t in triples}
    assert len(Graph().parse(data=result.files["ctkg.ttl"], format="turtle")) == len(triples)


def test_nquads_sorted_and_canonical(result: BuildResult) -> None:
    nq = result.files["ctkg.nq"]
    lines = nq.splitlines(keepends=True)
    # one run of lines per graph, graphs in the order of their N-Quads form, each run sorted
    graph_of_line = [ln.rsplit(b" ", 2)[-2] for ln in lines]
    runs = [g for i, g in enumerate(graph_of_line) if i == 0 or graph_of_line[i - 1] != g]
    assert runs == sorted(set(runs))
    for g in runs:
        run = [ln for ln, lg in zip(lines, graph_of_line, strict=True) if lg == g]
        assert run == sorted(set(run)), g
    # our N-Quads lines are exactly pyoxigraph's canonical form
    assert ox.serialize(ox.parse(nq, format=ox.RdfFormat.N_QUADS),
                        format=ox.RdfFormat.N_QUADS) == nq
    assert result.quads == sorted(set(result.quads), key=quad_key)
    assert render_nq(list(reversed(result.quads))) == nq


def test_turtle_and_trig_are_readable(result: BuildResult) -> None:
    for name in ("ctkg.trig", "ctkg.ttl"):
        text = result.files[name].decode()
        header = [x for x in text.splitlines() if x.startswith("@prefix")]
        assert header == sorted(header), name
        assert "_:" not in text and "ctkgid:" not in text, name
        assert not [x for x in text.splitlines() if _ESCAPED_NAME.search(x)], name
        assert "@prefix person: <https://w3id.org/ctkg/id/person/> ." in text
        assert "@prefix ctkgorg: <https://w3id.org/ctkg/id/org/> ." in text
        assert "person:antonio-guterres" in text
    trig = result.files["ctkg.trig"].decode()
    graphs_in_order = [x.split(" ")[0] for x in trig.splitlines() if x.endswith("{")]
    assert graphs_in_order == sorted(graphs_in_order)
    assert "ctkgg:900_fixture {" in trig


def test_natural_order_and_type_first(result: BuildResult) -> None:
    ordered = readable_order(result.quads, {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})
    subjects = [str(q.subject) for q in ordered if q.graph_name == ordered[0].graph_name]
    mention = "https://w3id.org/ctkg/id/mention/900_fixture/"
    t9, t10 = (subjects.index(f"<{mention}T{n}>") for n in (9, 10))
    assert t9 < t10
    for i, q in enumerate(ordered[1:], 1):
        prev = ordered[i - 1]
        if q.predicate == RDF_TYPE and (prev.graph_name, prev.subject) == (q.graph_name,
                                                                             q.subject):
            assert prev.predicate == RDF_TYPE, q


def test_rendering_is_stable(result: BuildResult) -> None:
    """The whole-dataset renderers and the build's per-graph pieces give the same bytes."""
    assert render_trig(list(reversed(result.quads))) == result.files["ctkg.trig"]
    ctx = json.loads(result.files["context.jsonld"])["@context"]
    dumps = render_dumps(list(reversed(result.quads)), ctx)
    assert set(dumps) == {"ctkg.trig", "ctkg.ttl", "ctkg.nq", "ctkg.jsonld"}
    for name, data in dumps.items():
        assert data == result.files[name], name
    assert render_jsonld(result.quads, ctx) == result.files["ctkg.jsonld"]
    assert sort_quads([*result.quads, *result.quads]) == result.quads


def test_turtle_names_the_graph_of_each_section(result: BuildResult) -> None:
    """ctkg.ttl is the union, written graph by graph under a comment naming the graph."""
    text = result.files["ctkg.ttl"].decode()
    named = [ln[len("# graph <"):-1] for ln in text.splitlines() if ln.startswith("# graph <")]
    assert named == sorted({q.graph_name.value for q in result.quads
                            if isinstance(q.graph_name, ox.NamedNode)}, key=natural_key)


def test_a_prefix_that_needs_an_escape_is_dropped() -> None:
    quads = [ox.Quad(ident("person/a"), RDF_TYPE, ident("person/b/c"))]
    prefixes = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "person": "https://w3id.org/ctkg/id/person/", "xsd": "http://x/"}
    assert clean_prefixes(quads, prefixes) == {"rdf": prefixes["rdf"]}
    text = render_trig(quads, prefixes).decode()
    assert "\\" not in text and "<https://w3id.org/ctkg/id/person/b/c>" in text


def test_build_quads_are_in_the_global_sort(result: BuildResult) -> None:
    """The build's quads (made from its store when asked) are distinct and in canonical
    N-Quads order."""
    quads = result.quads
    assert quads == sorted(set(quads), key=quad_key)


def test_readable_order_is_the_full_sort_whatever_the_input(result: BuildResult) -> None:
    """Objects are compared only where a subject has several under one predicate: the
    order is still graph, subject, (rdf:type first, prefixed predicate), object, for quads
    given in any order and with repeats."""
    prefixes = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "oa": "http://www.w3.org/ns/oa#"}

    def name(term: object) -> object:
        return natural_key(term.value if isinstance(term, ox.NamedNode) else str(term))

    def key(q: ox.Quad) -> tuple[object, ...]:
        p = q.predicate.value
        short = next((f"{k}:{p[len(ns):]}" for k, ns in prefixes.items()
                      if p.startswith(ns)), p)
        return name(q.graph_name), name(q.subject), q.predicate != RDF_TYPE, short, \
            name(q.object)

    want = sorted(set(result.quads), key=key)
    assert readable_order([*reversed(result.quads), *result.quads], prefixes) == want
    several = [q for i, q in enumerate(want[1:], 1) if (q.subject, q.predicate) == (
        want[i - 1].subject, want[i - 1].predicate)]
    assert several  # the test has subjects with several objects under one predicate
