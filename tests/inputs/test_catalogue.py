"""The catalogue reader: typed entries, and every problem at its line."""

from __future__ import annotations

from pathlib import Path

from ctkg.inputs.catalogue import read_catalogue

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue.toml"


def test_typed_entries() -> None:
    catalogue, problems = read_catalogue(FIXTURE)
    assert problems == []
    assert catalogue["doc"].publisher == "un-news" and catalogue["doc"].line == 1
    rewrite = catalogue["rewrite"]
    assert rewrite.date_inferred and rewrite.derived_from == "doc" and rewrite.line == 8


def test_problems_name_their_table(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text('[a]\ntitle = "A"\ndate = "2018-13"\nkind = "Blog"\nlanguage = "en"\n'
                    'derived_from = "b"\n', encoding="utf-8")
    catalogue, problems = read_catalogue(path)
    assert catalogue == {}
    assert {p.line for p in problems} == {1}
    messages = " | ".join(p.message for p in problems)
    assert "date:" in messages and "kind 'Blog' is not one of" in messages
