"""Paging parameters: the trailing LIMIT / OFFSET clause replaced by numbers only."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ctkg.errors import CTKGError
from ctkg.sparql.paging import apply_paging, trailing_paging
from ctkg.sparql.params import parse_term

QUERY = "SELECT ?s WHERE { ?s ?p ?o } # LIMIT 5 in a comment\nORDER BY ?s\nLIMIT 1000\n"
DECLARED = ("limit", "offset", "who")


def test_trailing_clause_found_with_its_numbers() -> None:
    start, found = trailing_paging(QUERY)
    assert QUERY[start:].strip() == "LIMIT 1000" and found == {"limit": 1000}
    text = "SELECT * { ?s ?p ?o } OFFSET 10 LIMIT 5"
    start, found = trailing_paging(text)
    assert text[start:] == "OFFSET 10 LIMIT 5" and found == {"limit": 5, "offset": 10}
    assert trailing_paging("SELECT * { ?s ?p ?o }") == (len("SELECT * { ?s ?p ?o }"), {})


def test_given_values_replace_the_clause_and_keep_the_default_limit() -> None:
    text, rest = apply_paging(QUERY, {"offset": parse_term("20"), "who": parse_term('"x"')},
                              DECLARED)
    assert text.endswith("ORDER BY ?s\nLIMIT 1000 OFFSET 20\n")
    assert "# LIMIT 5 in a comment" in text and set(rest) == {"who"}
    text, rest = apply_paging(QUERY, {"limit": parse_term("3")}, DECLARED)
    assert text.endswith("ORDER BY ?s\nLIMIT 3\n") and rest == {}


def test_no_paging_values_leave_the_text_alone() -> None:
    assert apply_paging(QUERY, {}, DECLARED) == (QUERY, {})


def test_undeclared_limit_is_an_ordinary_binding() -> None:
    term = parse_term("3")
    assert apply_paging(QUERY, {"limit": term}, ("who",)) == (QUERY, {"limit": term})


@pytest.mark.parametrize("value", ['"3"', "-1", "2018-06", "<https://example.org/x>"])
def test_only_whole_numbers_page(value: str) -> None:
    with pytest.raises(CTKGError, match="whole number"):
        apply_paging(QUERY, {"limit": parse_term(value)}, DECLARED)


def test_paged_text_runs_and_pages() -> None:
    store = ox.Store()
    for i in range(5):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/{i}"),
                          ox.NamedNode("https://example.org/p"), ox.Literal(str(i))))
    text, _rest = apply_paging(QUERY, {"limit": parse_term("2"), "offset": parse_term("3")},
                               DECLARED)
    got = [s["s"].value for s in store.query(text)]  # type: ignore[union-attr,index]
    assert got == ["https://example.org/3", "https://example.org/4"]
