"""Corpus statistics on the clean checker fixture (counts known by construction)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ctkg.annotations.brat import read_collection
from ctkg.annotations.stats import DocStats, collect, render_csv, render_json, render_table
from ctkg.inputs import Inputs
from tests.annotations.project import FIXTURES, fixture_inputs

CLEAN = FIXTURES / "clean"


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    return fixture_inputs(CLEAN, tmp_path / "project")


def stats(folder: Path, inputs: Inputs) -> tuple[list[DocStats], DocStats]:
    docs, _ = read_collection(folder)
    return collect(docs, inputs)


def test_counts_of_the_clean_fixture(inputs: Inputs) -> None:
    docs, total = stats(CLEAN, inputs)
    assert [d.doc for d in docs] == ["doc"]
    doc = docs[0]
    assert doc.mentions == {"Person": 1, "Post": 1, "Threat": 1, "Place": 2,
                            "TimeExpression": 1, "Organization": 1, "PolicyGoal": 1}
    assert doc.events == {"HighLevelConference": 1, "Statement": 1, "Meeting": 1}
    assert doc.statements == 1
    assert doc.relations == {"holdsPost": 1, "warnsOf": 1, "advocates": 1, "followUpOf": 1}
    # 8 mentions + 2 non-Statement triggers, all normalized
    assert (doc.normalizable, doc.normalized, doc.normalized_pct) == (10, 10, 100.0)
    # individuals normalized to CTKG: T1 T2 T4 T5 T10 T11 T12 = 7; linked: T1 (N line and
    # links.toml), T5 (links.toml qid); spain is 'unlinked'
    assert (doc.linkable, doc.linked) == (7, 2)
    assert doc.wikidata_pct == round(100 * 2 / 7, 1)
    assert total.as_dict() | {"doc": "doc"} == doc.as_dict()


def test_a_missing_normalization_lowers_the_share(tmp_path: Path, inputs: Inputs) -> None:
    (tmp_path / "d.txt").write_text("Guterres spoke.\n", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tPerson 0 8\tGuterres\n", encoding="utf-8")
    docs, _ = stats(tmp_path, inputs)
    assert (docs[0].normalizable, docs[0].normalized, docs[0].normalized_pct) == (1, 0, 0.0)


def test_formats(inputs: Inputs) -> None:
    docs, total = stats(CLEAN, inputs)
    table = render_table(docs, total)
    assert table.splitlines()[0].split() == ["document", "mentions", "events", "statements",
                                             "relations", "normalized", "wikidata"]
    assert "TOTAL" in table and "100.0%" in table
    rows = list(csv.DictReader(io.StringIO(render_csv(docs, total))))
    assert {"document": "doc", "measure": "mentions", "type": "Place", "value": "2"} in rows
    data = json.loads(render_json(docs, total))
    assert data["total"]["statements"] == 1 and data["documents"][0]["doc"] == "doc"
