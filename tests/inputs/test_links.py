"""links.toml, typed: entity and concept links, their problems at file:line, their triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.inputs.links import ConceptLink, EntityLink, link_triples, linked_qids, read_links

FIXTURE = Path(__file__).parent / "fixtures" / "links.toml"
ID = "https://w3id.org/ctkg/id/"
WD = "http://www.wikidata.org/entity/"
SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
CLOSE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
EVIDENCE = ox.NamedNode("https://w3id.org/ctkg/ontology#wikidataEvidence")


def test_typed_links_and_linked_qids() -> None:
    links, problems = read_links(FIXTURE)
    assert problems == []
    person = links.entities["alma-testperson"]
    assert isinstance(person, EntityLink) and person.qid == "Q98765401" and person.line == 3
    assert person.wikidata_label == "Alma Testperson" and person.linked
    assert links.entities["room-6"].unlinked == "no Wikidata item for this meeting room"
    threat = links.concepts["test-threat"]
    assert isinstance(threat, ConceptLink) and threat.match == "close"
    assert threat.name == "concept.test-threat" and threat.line == 30
    assert linked_qids(links) == ["Q98765401", "Q98765402", "Q98765403", "Q98765404",
                                  "Q98765405", "Q98765411"]


def test_missing_file_is_no_links(tmp_path: Path) -> None:
    links, problems = read_links(tmp_path / "links.toml")
    assert problems == [] and not links.exists and links.all() == []


def _read(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "links.toml"
    path.write_text(text, encoding="utf-8")
    return [(p.line, p.message) for p in read_links(path)[1]]


def test_a_concept_table_without_a_valid_match(tmp_path: Path) -> None:
    found = _read(tmp_path, '[concept.x]\nqid = "Q1"\nevidence = "e"\nmatch = "broad"\n')
    assert found == [(4, "concept x: match must be \"exact\" or \"close\" (skos:exactMatch / "
                         "skos:closeMatch), got 'broad'")]


def test_wrong_value_types_are_reported_at_their_key(tmp_path: Path) -> None:
    found = _read(tmp_path, '[x]\nqid = 42\nevidence = ["a"]\n\n[Bad_Slug]\nunlinked = "r"\n')
    assert [line for line, _ in found] == [2, 3, 5]
    assert "malformed QID 42" in found[0][1] and "evidence of x must be a string" in found[1][1]
    assert "'Bad_Slug' is not a registry slug" in found[2][1]


def test_link_triples() -> None:
    links, _ = read_links(FIXTURE)
    kinds = {"alma-testperson": "person", "ecto": "org", "fixtureville": "place",
             "sg-testland": "post", "testland": "org", "test-threat": "threat"}
    triples = link_triples(links, lambda slug: f"{ID}{kinds[slug]}/{slug}")
    person = ox.NamedNode(f"{ID}person/alma-testperson")
    assert ox.Triple(person, SAME_AS, ox.NamedNode(WD + "Q98765401")) in triples
    assert ox.Triple(person, EVIDENCE, ox.Literal(
        "test fixture: wd-fixture.ttl, item Q98765401 labelled 'Alma Testperson'")) in triples
    assert ox.Triple(ox.NamedNode(f"{ID}org/testland"), SAME_AS,
                     ox.NamedNode(WD + "Q98765404")) in triples
    threat = ox.NamedNode(f"{ID}threat/test-threat")
    assert ox.Triple(threat, CLOSE, ox.NamedNode(WD + "Q98765411")) in triples
    assert ox.Triple(threat, SAME_AS, ox.NamedNode(WD + "Q98765411")) not in triples
    assert not any(t.subject == ox.NamedNode(f"{ID}place/room-6") for t in triples)
    assert len(triples) == 12 and triples == sorted(triples, key=str)
