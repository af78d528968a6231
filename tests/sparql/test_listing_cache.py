"""Kept listings (``ctkg.sparql.listing_cache``): pages read from them are the store's own
answers, row for row; a new or edited build, a damaged entry, a failed evaluation and the
cap never give other rows."""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import CTKGError
from ctkg.kg.outputs import write_outputs
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.sparql import execute, listing_cache, query
from ctkg.sparql.lexer import has_order_by
from ctkg.sparql.listing_cache import results_folder
from ctkg.sparql.query import run_named
from ctkg.sparql.queryfile import QueryInfo, bundled_queries, read_query
from ctkg.synth import generate
from tests.paths import ROOT
from tests.sparql.helpers import write_build

EX = "https://example.org/"
LOCAL = [q for q in (read_query(p, n) for n, p, _t in bundled_queries(ROOT))
         if not q.network and "limit" in q.params]
PAGES = [[], ["limit=7"], ["limit=7", "offset=7"], ["limit=7", "offset=30"], ["offset=3"],
         ["limit=1000", "offset=0"], ["limit=5", "offset=100000"], ["limit=0"]]
#: The synthetic corpus has no founding dates, paraphrases, quantities, series or topics, and
#: none of the committed build's States (the committed build has them: the next test).
EMPTY_ON_SYNTHETIC = {"founding-dates", "paraphrases", "places-within", "quantities",
                      "series-members", "topics"}
SYNTHETIC_VALUES = {"entity": "ctkgid:person/synth-person-0"}
LISTING = """# title: a listing for the tests
# question: which triples, in order?
# param: who (IRI, optional) — the predicate
# param: limit (integer, optional) — rows per page
# param: offset (integer, optional) — rows skipped
# row: one triple
SELECT ?who ?s ?o WHERE { ?s ?who ?o } ORDER BY ?s ?o
LIMIT 1000
"""


def _quads(n: int, predicate: str = "p", graph: str = "g") -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"{EX}s{i:02d}"), ox.NamedNode(EX + predicate),
                    ox.Literal(str(i)), ox.NamedNode(EX + graph)) for i in range(n)]


def _project(tmp_path: Path, quads: list[ox.Quad], text: str = LISTING) -> Path:
    """A build of ``quads`` with a manifest, and the query file ``listing.rq``."""
    write_build(tmp_path, quads)
    (tmp_path / "listing.rq").write_text(text, encoding="utf-8")
    return tmp_path


def _ask(root: Path, *params: str, fmt: str = "csv", name: str | None = None,
         **kwargs: object) -> str:
    return run_named(root, name or str(root / "listing.rq"), list(params), fmt=fmt,
                     **kwargs)  # type: ignore[arg-type]


def _entries(root: Path) -> list[Path]:
    folder = results_folder(root)
    return sorted(folder.glob("*/*")) if folder.is_dir() else []


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Count calls of ``module.name`` (still calling it)."""
    calls: list[int] = []
    real: Callable[..., object] = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _no_store_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a page that is not read from a kept listing fails the test."""
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("the page was evaluated on the store")
    monkeypatch.setattr(query, "execute", refuse)


# --- every bundled query: the synthetic corpus and the committed build -----------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-document synthetic build written as a release (with its manifest)."""
    root = tmp_path_factory.mktemp("listings") / "proj"
    generate(40, 1, root, ROOT)
    write_outputs(build(Layout(root)).files, root / "data" / "kg")
    return root


@pytest.mark.parametrize("info", LOCAL, ids=[q.name for q in LOCAL])
def test_pages_of_every_bundled_query_are_the_stores(info: QueryInfo, synthetic: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks (3 rows) so that pages start and end inside and across blocks."""
    shutil.rmtree(results_folder(synthetic), ignore_errors=True)
    monkeypatch.setattr(listing_cache, "BLOCK_ROWS", 3)
    example = [f"{k}={SYNTHETIC_VALUES.get(k, v)}" for k, v in info.examples.items()]
    want = {tuple(page): run_named(synthetic, info.name, example + page, fmt="csv",
                                   cache=False) for page in PAGES}
    assert not results_folder(synthetic).exists()  # --no-cache writes nothing
    assert len(_rows(want[()])) > 7 or info.name in EMPTY_ON_SYNTHETIC, "too few rows"
    run_named(synthetic, info.name, example, fmt="csv")  # the first ask keeps the listing
    assert len(_entries(synthetic)) == 1
    _no_store_pages(monkeypatch)
    for page, rows in want.items():
        assert run_named(synthetic, info.name, example + list(page), fmt="csv") == rows, page
    for fmt in ("table", "tsv", "json"):
        monkeypatch.undo()
        direct = run_named(synthetic, info.name, [*example, "limit=7", "offset=2"], fmt=fmt,
                           cache=False)
        _no_store_pages(monkeypatch)
        assert run_named(synthetic, info.name, [*example, "limit=7", "offset=2"],
                         fmt=fmt) == direct


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed build's dump and manifest, and the bundled queries, in a temp root."""
    root = tmp_path_factory.mktemp("committed")
    (root / "data" / "kg").mkdir(parents=True)
    for name in ("ctkg.nq", "manifest.json"):
        shutil.copy(ROOT / "data" / "kg" / name, root / "data" / "kg" / name)
    shutil.copytree(ROOT / "queries", root / "queries", ignore=shutil.ignore_patterns("qc"))
    return root


@pytest.mark.parametrize("info", LOCAL, ids=[q.name for q in LOCAL])
def test_kept_listings_of_the_build_give_the_expected_results(info: QueryInfo,
                                                              committed: Path) -> None:
    example = [f"{k}={v}" for k, v in info.examples.items()]
    with (ROOT / "queries" / "expected" / f"{info.name}.csv").open(encoding="utf-8",
                                                                     newline="") as f:
        want = list(csv.reader(f))
    for _ask_again in range(2):  # the first ask keeps the listing, the second reads it
        got = list(csv.reader(io.StringIO(run_named(committed, info.name, example,
                                                    fmt="csv"), newline="")))
        assert got[0] == want[0]
        assert (got[1:] == want[1:] if has_order_by(info.text)
                else sorted(got[1:]) == sorted(want[1:]))


# --- keys, builds, damage, failures, the cap --------------------------------------------------

def test_parameters_give_their_own_entries(tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(6) + _quads(4, "q"))
    p = _ask(root, f"who=<{EX}p>", "limit=3")
    q = _ask(root, f"who=<{EX}q>", "limit=3")
    assert len(_entries(root)) == 2
    assert [r[0] for r in _rows(p)] == [EX + "p"] * 3 and [r[0] for r in _rows(q)] == [EX + "q"] * 3
    assert _ask(root, f"who=<{EX}q>", "offset=2") == _ask(root, f"who=<{EX}q>", "offset=2",
                                                            cache=False)
    assert len(_rows(_ask(root, "limit=20"))) == 10 and len(_entries(root)) == 3


def test_a_new_build_never_gets_old_rows_and_old_folders_go(tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(3))
    assert len(_rows(_ask(root))) == 3
    [old] = _entries(root)
    write_build(root, _quads(5))
    assert len(_rows(_ask(root))) == 5
    [new] = _entries(root)
    assert new.parent != old.parent and not old.parent.exists()


def test_a_dump_edited_behind_the_manifest_is_not_served_stale(tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(3))
    assert len(_rows(_ask(root))) == 3
    manifest = (root / "data" / "kg" / "manifest.json").read_text()
    write_build(root, _quads(4), manifest=False)  # the manifest still names 3 quads
    os.utime(root / "data" / "kg" / "ctkg.nq", ns=(1, 1))
    assert (root / "data" / "kg" / "manifest.json").read_text() == manifest
    assert len(_rows(_ask(root))) == 4
    assert len(_rows(_ask(root, "limit=2", "offset=2"))) == 2


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "a row changed": lambda p: _flip(p, p.stat().st_size - 3),
    "its header changed": lambda p: _flip(p, p.read_bytes().index(b'"rows"') + 2),
    "its header checksum changed": lambda p: _flip(p, len(b"CTKG-LISTING ") + 2),
    "cut short": lambda p: p.write_bytes(p.read_bytes()[:-5]),
    "cut in its header": lambda p: p.write_bytes(p.read_bytes()[:40]),
    "a line added": lambda p: p.write_bytes(p.read_bytes() + b"<x:y>\t1\t2\n"),
    "empty": lambda p: p.write_bytes(b""),
    "not a file": lambda p: (p.unlink(), p.mkdir()),  # type: ignore[func-returns-value]
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_entry_is_evaluated_again(damage: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing_cache, "BLOCK_ROWS", 4)
    root = _project(tmp_path, _quads(10))
    want = _ask(root, "limit=3", "offset=7", cache=False)
    assert _ask(root) == _ask(root, cache=False)
    [entry] = _entries(root)
    DAMAGE[damage](entry)
    evaluations = _counting(monkeypatch, listing_cache, "run_store_bytes")
    assert _ask(root, "limit=3", "offset=7") == want
    if damage != "not a file":  # a folder in its place cannot be replaced: not kept
        assert evaluations == [1]
        assert _ask(root, "limit=3", "offset=7") == want and evaluations == [1]  # rewritten


def test_a_damaged_memo_of_the_manifest_is_read_again(tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(4))
    _ask(root)
    memo = results_folder(root) / "build.json"
    for text in ("{", '{"manifest": 1, "digest": "../../x"}', "[]"):
        memo.write_text(text)
        assert len(_rows(_ask(root))) == 4
    [entry] = _entries(root)
    assert entry.parent.name in memo.read_text()


def test_a_failed_evaluation_keeps_nothing(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, _quads(4))

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise CTKGError.single("listing.rq", None, "cannot run the query")

    monkeypatch.setattr(listing_cache, "run_store_bytes", broken)
    with pytest.raises(CTKGError, match="cannot run"):
        _ask(root)
    assert _entries(root) == []


def test_a_timed_out_evaluation_keeps_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, _quads(4))
    real = execute._evaluate

    def slow(*args: object) -> bytes:
        time.sleep(0.5)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(execute, "_evaluate", slow)
    with pytest.raises(CTKGError, match="did not finish"):
        _ask(root, timeout=0.05)
    time.sleep(0.7)  # the abandoned worker has finished by now
    assert _entries(root) == []


def test_pages_beyond_the_cap_run_on_the_store(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing_cache, "CAP", 5)
    root = _project(tmp_path, _quads(12))
    whole = _rows(_ask(root, cache=False))
    assert len(whole) == 12
    pages = _counting(monkeypatch, query, "execute")
    assert _rows(_ask(root, "limit=3")) == whole[:3]
    assert _rows(_ask(root, "limit=2", "offset=3")) == whole[3:5]
    assert pages == [] and len(_entries(root)) == 1  # both read from the kept 5 rows
    assert _rows(_ask(root, "limit=3", "offset=4")) == whole[4:7]
    assert _rows(_ask(root, "offset=2")) == whole[2:]
    assert pages == [1, 1]  # the two that reach beyond row 5 ran on the store
    monkeypatch.setattr(listing_cache, "CAP", 20)  # a complete listing: any page from it
    assert _rows(_ask(root, "limit=3", "offset=10")) == whole[10:]
    assert _rows(_ask(root, "offset=15")) == [] and pages == [1, 1]


def test_blank_nodes_escapes_and_unbound_cells_come_back_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing_cache, "BLOCK_ROWS", 2)
    odd = ['a\tb', 'line\nbreak', 'carriage\rreturn', '"quoted" \\ back', 'é \u2028 x', '']
    quads = [ox.Quad(ox.BlankNode(f"b{i}"), ox.NamedNode(EX + "p"),
                     ox.Literal(text, language="en" if i % 2 else None))
             for i, text in enumerate(odd)]
    quads.append(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal(
        "1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))))
    text = LISTING.replace("SELECT ?who ?s ?o WHERE { ?s ?who ?o } ORDER BY ?s ?o",
                           "SELECT ?who ?s ?o ?none WHERE { ?s ?who ?o "
                           "OPTIONAL { ?s <x:none> ?none } } ORDER BY STR(?o)")
    root = _project(tmp_path, quads, text)
    for fmt in ("json", "tsv", "csv", "table"):
        for page in ([], ["limit=3", "offset=1"], ["offset=5"]):
            assert _ask(root, *page, fmt=fmt) == _ask(root, *page, fmt=fmt, cache=False)
    lone = LISTING.replace("SELECT ?who ?s ?o WHERE { ?s ?who ?o } ORDER BY ?s ?o",
                           "SELECT ?none WHERE { ?s ?p ?o OPTIONAL { ?s <x:none> ?none } }"
                           " ORDER BY ?o")
    (root / "listing.rq").write_text(lone, encoding="utf-8")  # rows that are empty lines
    for page in ([], ["limit=3", "offset=2"]):
        assert _ask(root, *page, fmt="json") == _ask(root, *page, fmt="json", cache=False)
    assert len(_entries(root)) == 2


@pytest.mark.parametrize("text", [
    LISTING.replace("SELECT ?who ?s ?o WHERE", "CONSTRUCT { ?s ?who ?o } WHERE"),
    LISTING.replace("# param: limit (integer, optional) — rows per page\n", ""),
], ids=["construct", "no limit parameter"])
def test_only_paged_selects_are_kept(text: str, tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(3), text)
    assert _ask(root) == _ask(root, cache=False) and _entries(root) == []


def test_a_build_without_manifest_keeps_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, _quads(3))
    (root / "data" / "kg" / "manifest.json").unlink()
    trig = ox.serialize(_quads(3), format=ox.RdfFormat.TRIG)
    assert trig is not None
    (root / "data" / "kg" / "ctkg.trig").write_bytes(trig)
    assert len(_rows(_ask(root))) == 3 and not results_folder(root).exists()


def test_an_unwritable_cache_still_answers(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, _quads(3))

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(listing_cache, "write_files_atomically", full)
    assert _ask(root, "limit=2") == _ask(root, "limit=2", cache=False)
    assert _entries(root) == []
