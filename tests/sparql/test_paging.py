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


KEYED = ("# paging: keys\nSELECT ?s ?o WHERE {\n"
         "  { SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1000 }\n"
         "  ?s ?q ?o .\n} ORDER BY ?s ?o\nLIMIT 1000\n")


def test_a_key_paged_query_pages_its_keys_too() -> None:
    """The key sub-select reads the first offset+limit keys; the page is cut at the end."""
    text, _rest = apply_paging(KEYED, {"limit": parse_term("2"), "offset": parse_term("3")},
                               DECLARED)
    assert "ORDER BY ?s LIMIT 5 }" in text and text.endswith("ORDER BY ?s ?o\nLIMIT 2 OFFSET 3\n")
    text, _rest = apply_paging(KEYED, {"offset": parse_term("10")}, DECLARED)
    assert "LIMIT 1010 }" in text and text.endswith("LIMIT 1000 OFFSET 10\n")


def test_a_key_paged_query_without_a_trailing_limit_keeps_its_page_size() -> None:
    text, _rest = apply_paging(KEYED.replace("\nLIMIT 1000\n", "\n"),
                               {"offset": parse_term("10")}, DECLARED)
    assert "LIMIT 1010 }" in text and text.endswith("ORDER BY ?s ?o\nLIMIT 1000 OFFSET 10\n")


def test_without_the_declaration_a_limited_subselect_is_left_alone() -> None:
    plain = KEYED.replace("# paging: keys\n", "")
    text, _rest = apply_paging(plain, {"offset": parse_term("10")}, DECLARED)
    assert "ORDER BY ?s LIMIT 1000 }" in text and text.endswith("LIMIT 1000 OFFSET 10\n")


def test_key_paged_pages_are_the_rows_of_the_whole_answer() -> None:
    """Keys with one, two and three rows each: every page equals the slice of the whole."""
    store = ox.Store()
    ex = "https://example.org/"
    for k in range(6):
        for j in range(k % 3 + 1):
            store.add(ox.Quad(ox.NamedNode(f"{ex}k{k}"), ox.NamedNode(f"{ex}p"),
                              ox.NamedNode(f"{ex}o{j}")))
    query = KEYED.replace("?s ?p ?o", f"?s <{ex}p> ?x").replace("?s ?q ?o", f"?s <{ex}p> ?o")
    plain = f"SELECT ?s ?o WHERE {{ ?s <{ex}p> ?o }} ORDER BY ?s ?o"
    whole = [(r["s"].value, r["o"].value)  # type: ignore[index]
             for r in store.query(plain)]  # type: ignore[union-attr]
    assert len(whole) == 12
    for size in (1, 2, 5):
        for offset in range(0, 14):
            text, _rest = apply_paging(query, {"limit": parse_term(str(size)),
                                               "offset": parse_term(str(offset))}, DECLARED)
            got = [(r["s"].value, r["o"].value)  # type: ignore[index]
                   for r in store.query(text)]  # type: ignore[union-attr]
            assert got == whole[offset:offset + size]
