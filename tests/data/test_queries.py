"""Every bundled query: a complete comment block, and results equal to the expected CSV.

Expected results are SPARQL 1.1 CSV (IRIs plain, literals by lexical form), compared by
content: row for row when the query has ORDER BY and as a multiset otherwise. Two sets:

- ``tests/sparql/fixtures/query_expected/NAME.csv``: on ``tests/sparql/fixtures/mini.trig``
  (always runs);
- ``queries/expected/NAME.csv``: on the build ``data/kg/ctkg.trig`` (skipped without a build).

After a deliberate change, rewrite them with ``pytest --update-expected`` (``ctkg query NAME
--format csv`` under the hood) and read the rows in ``git diff``.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from ctkg.cli.main import main
from ctkg.sparql.lexer import has_order_by, tokenize, unescape_codepoints, uses_service
from ctkg.sparql.paging import PAGING, trailing_paging
from ctkg.sparql.queryfile import QueryInfo, bundled_queries, read_query
from tests.expected import Expected
from tests.paths import ROOT
from tests.sparql.helpers import fixture_root

FIXTURE_EXPECTED = ROOT / "tests" / "sparql" / "fixtures" / "query_expected"
BUILD = ROOT / "data" / "kg" / "ctkg.trig"
BUILD_EXPECTED = ROOT / "queries" / "expected"

QUERIES = [read_query(path, name) for name, path, _title in bundled_queries(ROOT)]
LOCAL = [q for q in QUERIES if not q.network]


def _ids(queries: list[QueryInfo]) -> list[str]:
    return [q.name for q in queries]


def csv_of(info: QueryInfo, root: Path) -> str:
    """``ctkg query NAME --format csv`` with the query's example parameters, as text."""
    args = ["query", info.name, "--root", str(root), "--format", "csv"]
    for name, value in info.examples.items():
        args += ["--param", f"{name}={value}"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    if code != 0:
        raise AssertionError(f"ctkg query {info.name} failed: {err.getvalue().strip()}")
    return out.getvalue()


def same_rows(info: QueryInfo) -> Callable[[bytes, bytes], bool]:
    """Equal columns and rows (in order when the query has ORDER BY), whatever the bytes."""
    def same(want_bytes: bytes, got_bytes: bytes) -> bool:
        want, got = (list(csv.reader(io.StringIO(b.decode("utf-8"), newline="")))
                     for b in (want_bytes, got_bytes))
        if got[:1] != want[:1]:
            return False
        return got[1:] == want[1:] if has_order_by(info.text) else sorted(got[1:]) == sorted(
            want[1:])
    return same


@pytest.fixture(scope="module")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_root(tmp_path_factory.mktemp("mini-root"))


def test_there_are_enough_queries() -> None:
    assert len(LOCAL) >= 14
    assert any(q.network for q in QUERIES)


@pytest.mark.parametrize("info", QUERIES, ids=_ids(QUERIES))
def test_comment_block(info: QueryInfo) -> None:
    assert info.title and info.question and info.row, "title, question and row are required"
    assert info.declared, "declare `# param:` lines or `# params: none`"
    assert info.network == uses_service(info.text), "`# network: required` iff SERVICE"
    tokens = tokenize(unescape_codepoints(info.text))
    words = [t.text.upper() if t.kind == "word" else t.text for t in tokens]
    select = words.index("SELECT")
    where = words.index("WHERE") if "WHERE" in words else words.index("{")
    projected = {t.text[1:] for t in tokens[select:where] if t.kind == "var"}
    for param in info.params.values():
        if param.name in PAGING:  # the trailing LIMIT / OFFSET clause, not a variable
            assert param.kind == "integer" and not param.required
            continue
        # Oxigraph substitutes only projected variables (and the column shows the binding)
        assert param.name in projected, f"param {param.name} must be in the SELECT clause"
        if param.required:
            assert param.name in info.examples, f"give `# example: {param.name}=…`"
    assert set(info.examples) <= set(info.params), "examples must name declared params"


@pytest.mark.parametrize("info", LOCAL, ids=_ids(LOCAL))
def test_results_on_fixture(info: QueryInfo, mini_root: Path, expected: Expected) -> None:
    expected.check(FIXTURE_EXPECTED / f"{info.name}.csv", csv_of(info, mini_root).encode(),
                   same=same_rows(info))


@pytest.mark.parametrize("info", LOCAL, ids=_ids(LOCAL))
def test_results_on_build(info: QueryInfo, expected: Expected) -> None:
    if not BUILD.is_file():
        pytest.skip("no build: data/kg/ctkg.trig is absent (run python build.py)")
    expected.check(BUILD_EXPECTED / f"{info.name}.csv", csv_of(info, ROOT).encode(),
                   same=same_rows(info))



@pytest.mark.parametrize("info", LOCAL, ids=_ids(LOCAL))
def test_pages(info: QueryInfo) -> None:
    """Every local query is paged (a whole-corpus answer at 10,000 documents is tens of
    thousands of rows), with a default page above every expected result's row count."""
    assert set(PAGING) <= set(info.params), "declare the limit and offset parameters"
    _start, defaults = trailing_paging(unescape_codepoints(info.text))
    assert defaults.get("limit", 0) >= 1000, "end with LIMIT 1000 (or more)"
    for folder in (FIXTURE_EXPECTED, BUILD_EXPECTED):
        expected = folder / f"{info.name}.csv"
        if expected.is_file():
            with expected.open(encoding="utf-8", newline="") as f:
                assert len(list(csv.reader(f))) - 1 < defaults["limit"]


def test_paging_pages_through_the_rows(mini_root: Path) -> None:
    """Pages of the build's statements, concatenated, are the whole answer in its order."""
    info = next(q for q in LOCAL if q.name == "statements-by-speaker")
    whole = list(csv.reader(io.StringIO(csv_of(info, mini_root), newline="")))
    pages: list[list[str]] = []
    for offset in range(0, len(whole), 2):
        args = ["query", info.name, "--root", str(mini_root), "--format", "csv",
                "--param", "limit=2", "--param", f"offset={offset}"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(args) == 0
        got = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
        assert got[0] == whole[0] and len(got) <= 3
        pages += got[1:]
    assert len(whole) > 3 and pages == whole[1:]
