"""ctkg refresh: the expected query results that changed are rewritten and named, the others
left as they are (a reordering the query does not fix is no change)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ctkg.kg.refresh import regenerate_expected, same_results
from ctkg.paths import Layout
from tests.paths import ROOT


def test_same_results_compares_as_the_tests_do() -> None:
    a = b"x,y\r\n1,2\r\n3,4\r\n"
    b = b"x,y\r\n3,4\r\n1,2\r\n"
    assert same_results(a, b, ordered=False)
    assert not same_results(a, b, ordered=True)
    assert not same_results(a, b"z,y\r\n1,2\r\n3,4\r\n", ordered=False)
    assert not same_results(a, b"x,y\r\n1,2\r\n", ordered=False)


def test_only_changed_expected_files_are_rewritten(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    shutil.copytree(ROOT / "data" / "kg", tmp_path / "data" / "kg")
    layout = Layout(tmp_path)
    expected = tmp_path / "queries" / "expected"
    assert regenerate_expected(layout) == []  # the committed build and its results agree
    before = {p.name: p.read_bytes() for p in expected.glob("*.csv")}
    # a row lost from one file: that file alone is rewritten, with its row counts
    lost = expected / "office-holders.csv"
    rows = before[lost.name].split(b"\r\n")
    lost.write_bytes(b"\r\n".join(rows[:1] + rows[2:]))
    changed = regenerate_expected(layout)
    total = len(rows) - 2  # header, trailing empty
    assert changed == [("office-holders", total - 1, total)]
    assert lost.read_bytes() == before[lost.name]
    assert {p.name: p.read_bytes() for p in expected.glob("*.csv")} == before
