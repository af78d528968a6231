"""The SPARQL lexer: decisions on tokens, never on raw text."""

from __future__ import annotations

from ctkg.sparql.lexer import has_order_by, key_subselect


def test_order_by_detection_ignores_comments() -> None:
    assert has_order_by("SELECT * { ?s ?p ?o } ORDER BY ?s")
    assert not has_order_by("# ORDER BY\nSELECT * { ?s ?p ?o }")


def test_key_subselect_is_the_first_limited_subselect() -> None:
    text = ('SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } } # LIMIT 3 }\n'
            '  { SELECT ?s (COUNT(*) AS ?n) { ?s ?p "LIMIT 4" { ?s ?q ?r } } GROUP BY ?s\n'
            '    ORDER BY ?s LIMIT 10 } } LIMIT 1000')
    keys = key_subselect(text)
    assert keys is not None
    assert text[keys.limit_start:keys.limit_end] == "LIMIT 10"
    assert text[:keys.where].endswith('(COUNT(*) AS ?n) {')


def test_no_key_subselect_without_a_limited_subselect() -> None:
    assert key_subselect("SELECT * { ?s ?p ?o } LIMIT 5") is None
    assert key_subselect("SELECT * { { SELECT ?s { ?s ?p ?o } OFFSET 2 LIMIT 1 } }") is not None
    assert key_subselect("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 1 OFFSET 2 } }") is None
