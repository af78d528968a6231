"""The registry reader: typed entries, and every problem at its line (lenient and strict)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.inputs.registry import load_registry, read_registry

FIXTURE = Path(__file__).parent / "fixtures" / "registry.toml"


def test_typed_entries() -> None:
    registry, problems = read_registry(FIXTURE, class_names={"Person", "HighLevelConference",
                                                              "Place", "MemberState"})
    assert problems == [] and registry.readable
    hlc = registry["hlc-2018"]
    assert (hlc.type, hlc.start, hlc.end, hlc.place, hlc.status, hlc.line) == \
        ("HighLevelConference", "2018-06-28", "2018-06-29", "new-york", "occurred", 8)
    assert registry["antonio-guterres"].alt_labels == ("Guterres",)
    assert registry["spain"].keep and "nowhere" not in registry


def _with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "registry.toml"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_unknown_key_is_a_problem_at_its_table_and_the_entry_is_kept(tmp_path: Path) -> None:
    path = _with(tmp_path, '\n[ghost]\ntype = "Person"\nlabel = "Ghost"\ncolour = "red"\n')
    registry, [problem] = read_registry(path)
    assert problem.line == 26 and "ghost: unknown key 'colour'" in problem.message
    assert "ghost" in registry  # lenient: still there for the checks that use it
    with pytest.raises(CTKGError) as info:
        load_registry(path)
    assert info.value.problems == [problem]


def test_unknown_type_and_dangling_place(tmp_path: Path) -> None:
    path = _with(tmp_path, '\n[x]\ntype = "Spaceship"\nlabel = "X"\nplace = "mars"\n')
    _registry, problems = read_registry(path, class_names={"Person"} | {
        "HighLevelConference", "Place", "MemberState"})
    messages = sorted(p.message for p in problems)
    assert messages == ["x: place 'mars' is not a registry slug",
                        "x: unknown type 'Spaceship' (not a class of the ontology)"]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    registry, [problem] = read_registry(tmp_path / "registry.toml")
    assert not registry.readable and registry.entries == {}
    assert problem.message == "file not found"


@pytest.mark.parametrize(("end", "problems"), [
    ("2019-09-26", []), ("2019-09-25", ["x: end 2019-09-25 is before start 2019-09-26T11:00"])])
def test_a_start_with_a_time_of_day_is_compared_by_its_day(tmp_path: Path, end: str,
                                                            problems: list[str]) -> None:
    """Issue 16: "11:00am, 26 September 2019" starts on the day it ends; the string
    "2019-09-26" sorts before "2019-09-26T11:00", the day does not."""
    path = _with(tmp_path, f'\n[x]\ntype = "HighLevelConference"\nlabel = "X"\n'
                           f'start = "2019-09-26T11:00"\nend = "{end}"\ngranularity = "day"\n')
    _registry, found = read_registry(path)
    assert [p.message for p in found if p.message.startswith("x:")] == problems
