"""A query paged by its keys (``# paging: keys``) gives, page by page, the rows of its previous
text: the same rows in the same order, with and without a parameter.

The previous texts (before the key sub-selects, i.e. the whole answer sorted, then LIMIT /
OFFSET) are kept in ``query_reference/``. Compared on a synthetic corpus big enough for many
pages (:mod:`ctkg.synth`, built in the test) and on the committed build: the default page,
the first pages of a few rows, a page past the end, and each optional IRI parameter bound to
the value with the most rows (and to one that occurs nowhere).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.sparql.lexer import key_subselect, tokenize, unescape_codepoints
from ctkg.sparql.paging import apply_paging
from ctkg.sparql.params import Term, parse_term
from ctkg.sparql.query import run_query
from ctkg.sparql.queryfile import QueryInfo, bundled_queries, pages_by_keys, read_query
from ctkg.synth import generate
from tests.paths import ROOT

REFERENCE = Path(__file__).parent / "query_reference"
PAGED = [q for q in (read_query(p, n) for n, p, _t in bundled_queries(ROOT))
         if pages_by_keys(q.text)]
N_DOCS = 40
PAGE = 3
NOWHERE = ox.NamedNode("https://w3id.org/ctkg/id/person/nobody-of-that-name")

Row = tuple[str | None, ...]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """A 40-document synthetic build in an in-memory store."""
    root = tmp_path_factory.mktemp("synth") / "proj"
    generate(N_DOCS, 1, root, ROOT)
    s = ox.Store()
    s.bulk_load(b"".join(_chunks(build(Layout(root)).files["ctkg.trig"])),
                format=ox.RdfFormat.TRIG)
    return s


@pytest.fixture(scope="module", params=["synthetic", "build"])
def store(request: pytest.FixtureRequest, synthetic: ox.Store) -> ox.Store:
    """The synthetic build, then the committed build."""
    if request.param == "synthetic":
        return synthetic
    s = ox.Store()
    s.bulk_load(path=str(ROOT / "data" / "kg" / "ctkg.trig"), format=ox.RdfFormat.TRIG)
    return s


def _chunks(value: object) -> Iterator[bytes]:
    """A file of the build's in-memory outputs: bytes, or its chunks (ctkg.kg.files)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        yield bytes(value)
    else:
        yield from value  # type: ignore[misc]


def _integer(n: int) -> Term:
    return parse_term(str(n), "integer")


def _rows(info: QueryInfo, text: str, store: ox.Store, given: dict[str, Term]) -> list[Row]:
    paged, params = apply_paging(text, given, info.params)
    _variables, rows = run_query(paged, store=store, params=params, source=info.path)
    return [tuple(None if t is None else str(t) for t in r) for r in rows]


def test_every_key_paged_query_has_its_reference() -> None:
    assert PAGED, "no query declares `# paging: keys`"
    for info in PAGED:
        assert (REFERENCE / f"{info.name}.rq").is_file(), info.name
        assert key_subselect(unescape_codepoints(info.text)) is not None, info.name


@pytest.mark.parametrize("info", PAGED, ids=[q.name for q in PAGED])
def test_parameters_are_projected_by_the_key_subselect(info: QueryInfo) -> None:
    """They are bound there (ctkg.sparql.safety.inject_values), and must reach the columns."""
    text = unescape_codepoints(info.text)
    keys = key_subselect(text)
    assert keys is not None
    head = text[:keys.where]
    projection = head[head.rindex("SELECT"):]
    names = {t.text[1:] for t in tokenize(projection) if t.kind == "var"}
    for param in info.params.values():
        if param.name not in ("limit", "offset"):
            assert param.name in names, f"{param.name} is not projected by the key sub-select"


@pytest.mark.parametrize("info", PAGED, ids=[q.name for q in PAGED])
def test_pages_are_the_rows_of_the_previous_text(info: QueryInfo, store: ox.Store) -> None:
    reference = (REFERENCE / f"{info.name}.rq").read_text(encoding="utf-8")
    whole = _rows(info, reference, store, {"limit": _integer(100_000)})
    assert _rows(info, info.text, store, {}) == whole[:1000]
    for offset in (0, PAGE, 2 * PAGE, 3 * PAGE, len(whole) - 1, len(whole) + PAGE):
        if offset < 0:
            continue
        got = _rows(info, info.text, store, {"limit": _integer(PAGE),
                                             "offset": _integer(offset)})
        assert got == whole[offset:offset + PAGE], f"page at offset {offset}"
    for name in (p.name for p in info.params.values() if p.kind == "IRI" and not p.required):
        column = _column(info, reference, name)
        values = Counter(v for v in (r[column] for r in whole) if v is not None)
        for value in [*(v for v, _n in values.most_common(2)), str(NOWHERE)]:
            term = ox.NamedNode(value.strip("<>"))
            bound = _rows(info, reference, store, {"limit": _integer(100_000), name: term})
            for offset in (0, PAGE, 2 * PAGE):
                got = _rows(info, info.text, store, {name: term, "limit": _integer(PAGE),
                                                     "offset": _integer(offset)})
                assert got == bound[offset:offset + PAGE], f"{name}={value} at {offset}"


@pytest.mark.parametrize("info", [q for q in PAGED if "since" in q.params],
                         ids=[q.name for q in PAGED if "since" in q.params])
def test_pages_since_a_date_are_the_rows_of_the_previous_text(info: QueryInfo,
                                                               store: ox.Store) -> None:
    """The date parameter narrows the keys (it is bound in the key sub-select)."""
    reference = (REFERENCE / f"{info.name}.rq").read_text(encoding="utf-8")
    whole = _rows(info, reference, store, {"limit": _integer(100_000)})
    dates = sorted({r[_column(info, reference, "published")] or "" for r in whole} - {""})
    since = parse_term(dates[len(dates) // 2].split('"')[1], "date")  # a date's lexical form
    bound = _rows(info, reference, store, {"limit": _integer(100_000), "since": since})
    assert 0 < len(bound) < len(whole)
    for offset in (0, PAGE, 2 * PAGE):
        got = _rows(info, info.text, store, {"since": since, "limit": _integer(PAGE),
                                             "offset": _integer(offset)})
        assert got == bound[offset:offset + PAGE], f"since={since} at {offset}"


def _column(info: QueryInfo, text: str, name: str) -> int:
    tokens = tokenize(unescape_codepoints(text))
    words = [t.text.upper() if t.kind == "word" else "" for t in tokens]
    select = words.index("SELECT")
    variables = [t.text[1:] for t in tokens[select:words.index("WHERE")] if t.kind == "var"]
    return variables.index(name)


@pytest.mark.parametrize("info", PAGED, ids=[q.name for q in PAGED])
def test_the_synthetic_corpus_has_several_pages(info: QueryInfo, synthetic: ox.Store) -> None:
    """Else the page comparisons above would compare short or empty pages."""
    reference = (REFERENCE / f"{info.name}.rq").read_text(encoding="utf-8")
    assert len(_rows(info, reference, synthetic, {"limit": _integer(100_000)})) > 3 * PAGE
