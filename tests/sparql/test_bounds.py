"""Regression tests of issue 13: no query slips past the network gate, none takes the
embedded runner down (one test per finding, each seen failing on the code before the fix).

Queries that could crash or keep a process busy run in a child ``python -m ctkg`` so that a
segfault or an abandoned evaluation cannot take pytest down or slow the tests after them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.sparql.query import run_query
from tests.loopback import Listener
from tests.sparql.helpers import cli, one_line_error

# Finding 1: '\u0027' decodes to ' and, by the SPARQL grammar (§19.2), BIND('\u0027' ...)
# then opens a long string ''' ... ''' that ends in the trailing comment.
BYPASSES = {
    "single": "SELECT * WHERE {{ BIND('\\u0027' AS ?q) SERVICE <{base}/sparql> "
              "{{ ?s ?p ?o }} }} # '''",
    "double": 'SELECT * WHERE {{ BIND("\\u0022" AS ?q) SERVICE <{base}/sparql> '
              '{{ ?s ?p ?o }} }} # """',
}


def _ctkg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m ctkg ARGS`` in a child process: a crash there is an exit code here."""
    return subprocess.run([sys.executable, "-m", "ctkg", *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.parametrize("kind", list(BYPASSES))
def test_escaped_quote_does_not_hide_service_embedded(
        kind: str, listener: Listener, mini_root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    q = mini_root / "bypass.rq"
    q.write_text(BYPASSES[kind].format(base=listener.base), encoding="utf-8")
    err = one_line_error(capsys, str(q), "--root", str(mini_root))
    assert "bypass.rq" in err
    assert listener.requests == []


@pytest.mark.parametrize("kind", list(BYPASSES))
def test_escaped_quote_does_not_hide_service_endpoint(
        kind: str, listener: Listener, mini_root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Neither the endpoint nor a local 'parse first' may see a request go out."""
    q = mini_root / "bypass.rq"
    q.write_text(BYPASSES[kind].format(base=listener.base), encoding="utf-8")
    err = one_line_error(capsys, str(q), "--root", str(mini_root),
                         "--endpoint", f"{listener.base}/query")
    assert "bypass.rq" in err
    assert listener.requests == []


def test_endpoint_mode_parses_without_executing(listener: Listener, mini_root: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A query that is costly even on an empty store goes to the endpoint at once: the
    local syntax check parses, it does not evaluate."""
    values = " ".join(str(i) for i in range(300))
    q = mini_root / "cube.rq"
    q.write_text(f"SELECT (COUNT(*) AS ?n) {{ VALUES ?a {{ {values} }} "
                 f"VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}", encoding="utf-8")
    started = time.monotonic()
    code, _out, err = cli(capsys, str(q), "--root", str(mini_root),
                          "--endpoint", f"{listener.base}/query")
    assert code == 0, err
    assert time.monotonic() - started < 2
    assert len(listener.requests) == 1


@pytest.mark.parametrize("depth", [10_000, 5_000])
def test_deep_nesting_is_refused_not_a_crash(depth: int, mini_root: Path) -> None:
    """10,000 nested groups overflowed the parser's stack: exit 139, no message. Now
    refused before parsing (10,000 is over the size limit too; 5,000 only nests too deep)."""
    q = mini_root / "deep.rq"
    q.write_text("SELECT * WHERE " + "{" * depth + "}" * depth, encoding="utf-8")
    done = _ctkg("query", str(q), "--root", str(mini_root))
    assert done.returncode == 1, done.stderr[-500:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "deep.rq" in lines[0], done.stderr
    assert "refused before parsing" in lines[0]
    if depth == 5_000:
        assert f"nests {{ ( [ {depth} deep" in lines[0]


def test_cartesian_count_is_stopped_by_the_timeout(mini_root: Path) -> None:
    """A three-way cartesian COUNT on the small fixture runs for many seconds; a short
    --timeout now stops the embedded store too, with one line."""
    q = mini_root / "cartesian.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                 encoding="utf-8")
    started = time.monotonic()
    done = _ctkg("query", str(q), "--root", str(mini_root), "--timeout", "1")
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stdout[-200:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cartesian.rq" in lines[0], done.stderr
    assert "did not finish within 1 s" in lines[0]
    assert elapsed < 8


def test_huge_disjunction_is_refused_quickly(mini_root: Path) -> None:
    """A filter of 20,000 disjuncts did not finish in 120 s (and crashed the parser when
    run in the main thread); now refused before parsing, on every path."""
    q = mini_root / "wide.rq"
    ors = " || ".join(f"?o = {i}" for i in range(20_000))
    q.write_text(f"SELECT * WHERE {{ ?s ?p ?o FILTER({ors}) }}", encoding="utf-8")
    done = _ctkg("query", str(q), "--root", str(mini_root))
    assert done.returncode == 1, done.stderr[-500:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "wide.rq" in lines[0], done.stderr
    assert "refused before parsing" in lines[0]
    started = time.monotonic()
    with pytest.raises(CTKGError, match="refused before parsing"):
        run_query(q.read_text(encoding="utf-8"), endpoint="http://127.0.0.1:1/query")
    assert time.monotonic() - started < 1


def test_bundled_queries_are_far_under_the_limits() -> None:
    """Every bundled and quality-check query uses under a third of each limit."""
    from ctkg.sparql.limits import MAX_NESTING, MAX_QUERY_BYTES, nesting_depth
    from tests.paths import ROOT

    queries = ROOT / "queries"
    paths = sorted(queries.glob("*.rq")) + sorted((queries / "qc").glob("*.rq"))
    assert len(paths) > 14
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) < MAX_QUERY_BYTES / 3, path.name
        assert nesting_depth(text) < MAX_NESTING / 3, path.name


def test_escape_tricks_are_refused_with_one_line() -> None:
    """Escapes that name no character, or expand into another escape, are refused."""
    for query, needle in [("SELECT * { BIND('\\UFFFFFFFF' AS ?x) }", "not a Unicode"),
                          ("SELECT * { BIND('\\uD800' AS ?x) }", "not a Unicode"),
                          ("SELECT * { BIND('\\u005Cu0027' AS ?x) }", "another escape"),
                          ("SELECT * { " + "\\u007B" * 100 + " }", "nests")]:
        with pytest.raises(CTKGError, match=needle) as err:
            run_query(query, endpoint="http://127.0.0.1:1/query")
        assert "\n" not in str(err.value)
