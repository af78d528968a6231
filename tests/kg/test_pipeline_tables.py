"""The CSV tables made in a thread while QC runs (ctkg.kg.pipeline): the same files, and a
build that fails in QC stops them and leaves nothing running or written."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.kg.pipeline import BuildResult, build
from ctkg.kg.tablemeta import render_tables
from ctkg.paths import Layout

PLANTED = """# title: Planted
# severity: error
# scope: corpus — a test's query that always finds one row
# description: Fails every build, to stop it in QC.
# row: a constant.
SELECT ?planted WHERE { VALUES ?planted { "planted" } }
"""


def test_the_build_tables_equal_tables_made_alone(result: BuildResult) -> None:
    alone = render_tables(result.quads)
    assert alone and {n: result.files[n] for n in alone} == alone
    assert "tables" in result.timings  # timed apart (it runs beside "qc")


def test_a_set_stop_begins_no_table(result: BuildResult) -> None:
    stop = threading.Event()
    stop.set()
    assert render_tables(result.quads, result.store, None, stop) == {}


def test_a_qc_error_stops_the_tables_made_beside_it(fixture_project: Path,
                                                    tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    (root / "queries" / "qc" / "planted-violation.rq").write_text(PLANTED, encoding="utf-8")
    with pytest.raises(CTKGError, match="QC planted-violation: Planted"):
        build(Layout(root))
    for thread in threading.enumerate():
        if thread.name.startswith("ctkg-tables"):
            thread.join(120)
            assert not thread.is_alive()
    assert not (root / "data" / "kg").exists()  # nothing written
