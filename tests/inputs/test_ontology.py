"""The ontology reader: triples with stable skolem IRIs, the hierarchy, kinds, concepts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.inputs.ontology import GENID, read_ontology, skolemize
from tests.paths import ROOT

ONTOLOGY = [ROOT / "ontology" / "ctkg.ttl", ROOT / "ontology" / "concepts.ttl"]


def test_the_real_ontology() -> None:
    onto, problems = read_ontology(ONTOLOGY)
    assert problems == [] and onto.has_concepts
    assert onto.is_subclass("MemberState", "Organization")
    assert onto.ancestors["HighLevelConference"] == {"Conference", "Event"}
    assert {"Threat", "PolicyGoal", "Technology", "Pillar"} <= onto.concept_types
    assert onto.subclasses("Conference") == ("HighLevelConference", "RegionalConference")
    assert onto.labels["SecurityCouncilMeeting"] == "Security Council meeting"
    threat = onto.concepts["terrorist-use-of-internet"]
    assert (threat.kind, threat.type, threat.label) == ("threat", "Threat",
                                                        "terrorist use of the internet")


def test_kinds() -> None:
    onto, _ = read_ontology(ONTOLOGY)
    kinds = {t: onto.kind_of(t) for t in ("Person", "MemberState", "UNEntity", "Place", "Post",
                                          "SecurityCouncilMeeting", "Attack", "Threat",
                                          "PolicyGoal", "Technology", "PolicyInstrument",
                                          "Pillar", "Statement")}
    assert kinds == {"Person": "person", "MemberState": "org", "UNEntity": "org",
                     "Place": "place", "Post": "post", "SecurityCouncilMeeting": "event",
                     "Attack": "event", "Threat": "threat", "PolicyGoal": "goal",
                     "Technology": "technology", "PolicyInstrument": "instrument",
                     "Pillar": None, "Statement": None}


def test_blank_nodes_become_stable_skolem_iris() -> None:
    text = ("<http://x/a> <http://x/p> [ <http://x/q> \"1\" ] .\n"
            "<http://x/b> <http://x/p> [ <http://x/q> \"2\" ] .\n")
    parse = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
    once, again = skolemize(parse), skolemize(list(reversed(parse)))
    assert sorted(map(str, once)) == sorted(map(str, again))
    nodes = {t.object for t in once if t.predicate.value == "http://x/p"}
    assert len(nodes) == 2
    assert all(isinstance(n, ox.NamedNode) and n.value.startswith(GENID) for n in nodes)


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ctkg.ttl"
    path.write_text("@prefix ctkg: <https://w3id.org/ctkg/ontology#> .\n\nctkg:A a ;;\n",
                    encoding="utf-8")
    _onto, [problem] = read_ontology([path])
    assert problem.line == 3 and problem.message.startswith("Turtle syntax error")


def test_a_relative_iri_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "ctkg.ttl"
    path.write_text("<A> <http://x/p> <http://x/o> .\n", encoding="utf-8")
    _onto, [problem] = read_ontology([path])
    assert "relative IRI" in problem.message


def test_no_files() -> None:
    _onto, [problem] = read_ontology([])
    assert problem.message == "no ontology file found"


def test_the_same_blank_node_label_in_two_files_is_two_nodes(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text(f'_:x <http://x/p> "{name}" .\n', encoding="utf-8")
    onto, problems = read_ontology([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert problems == [] and len({t.subject for t in onto.triples}) == 2
    again, _ = read_ontology([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert sorted(map(str, onto.triples)) == sorted(map(str, again.triples))


def test_non_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    """The parser named the line but not where on it ("from index 0" of its own buffer)."""
    path = tmp_path / "ctkg.ttl"
    path.write_bytes(b'@prefix ctkg: <https://w3id.org/ctkg/ontology#> .\n\n'
                     b'ctkg:A ctkg:label "caf\xe9" .\n')
    _onto, [problem] = read_ontology([path])
    assert problem.line == 3
    raw = path.read_bytes()
    at = raw.index(b"\xe9")
    column = at - raw.rindex(b"\n", 0, at)  # an ASCII line: bytes are characters
    assert problem.message.startswith(f"not UTF-8 at line 3, column {column} (byte {at} of "
                                      "the file): 0xe9")
