"""Wikidata normalizations in the .ann files mirror data/wikidata/links.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.annotations.wikidata_norms import qids_by_slug, sync_text
from ctkg.cli.main import main
from ctkg.inputs.links import read_links
from tests.paths import ROOT

QIDS = {"antonio-guterres": ("Q311440", "António Guterres")}
ANN = (
    "T1\tPerson 0 16\tAntónio Guterres\n"
    "N1\tReference T1 CTKG:antonio-guterres\tAntónio Guterres\n"
    "T2\tPlace 20 26\tMinsk\n"
    "N2\tReference T2 CTKG:minsk\tMinsk\n"
)


def test_adds_one_wikidata_line_after_each_linked_mention() -> None:
    out = sync_text(ANN, QIDS)
    assert out.splitlines() == [
        "T1\tPerson 0 16\tAntónio Guterres",
        "N1\tReference T1 CTKG:antonio-guterres\tAntónio Guterres",
        "N3\tReference T1 Wikidata:Q311440\tAntónio Guterres",
        "T2\tPlace 20 26\tMinsk",
        "N2\tReference T2 CTKG:minsk\tMinsk",
    ]


def test_is_idempotent_and_keeps_existing_ids() -> None:
    once = sync_text(ANN, QIDS)
    assert sync_text(once, QIDS) == once


def test_drops_a_stale_link_and_fixes_a_changed_one() -> None:
    once = sync_text(ANN, QIDS)
    assert "Wikidata" not in sync_text(once, {})
    changed = sync_text(once, {"antonio-guterres": ("Q1", "X")})
    assert "N3\tReference T1 Wikidata:Q1\tX" in changed.splitlines()


def test_committed_corpus_is_in_sync() -> None:
    main(["wikidata-norms", "--root", str(ROOT), "--check"])


def test_check_reports_a_file_out_of_sync(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for sub in ("data/corpus", "data/wikidata"):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / "data/corpus/doc.txt").write_text("António Guterres in Minsk", "utf-8")
    (tmp_path / "data/corpus/doc.ann").write_text(ANN, "utf-8")
    (tmp_path / "data/wikidata/links.toml").write_text(
        '[antonio-guterres]\nqid = "Q311440"\nevidence = "test"\n'
        'wikidata_label = "António Guterres"\n', "utf-8")
    assert main(["wikidata-norms", "--root", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "doc.ann" in err and "run ctkg wikidata-norms" in err
    assert main(["wikidata-norms", "--root", str(tmp_path)]) == 0
    assert main(["wikidata-norms", "--root", str(tmp_path), "--check"]) == 0


def test_only_linked_entities_are_normalized(tmp_path: Path) -> None:
    path = tmp_path / "links.toml"
    path.write_text('[a]\nqid = "Q1"\nevidence = "e"\nwikidata_label = "A"\n\n[b]\nqid = "Q2"\n'
                    'evidence = "e"\n\n[c]\nunlinked = "none"\n\n[concept.d]\nqid = "Q4"\n'
                    'match = "close"\nevidence = "e"\n', "utf-8")
    links, problems = read_links(path)
    assert problems == []
    assert qids_by_slug(links) == {"a": ("Q1", "A"), "b": ("Q2", "b")}
