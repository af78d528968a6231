"""The SPARQL lexer: decisions on tokens, never on raw text."""

from __future__ import annotations

from ctkg.sparql.lexer import has_order_by


def test_order_by_detection_ignores_comments() -> None:
    assert has_order_by("SELECT * { ?s ?p ?o } ORDER BY ?s")
    assert not has_order_by("# ORDER BY\nSELECT * { ?s ?p ?o }")
