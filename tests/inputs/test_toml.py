"""The one TOML reader: data, the line of every table and key, problems instead of raising."""

from __future__ import annotations

from pathlib import Path

from ctkg.inputs.toml import TomlLines, read_toml, split_dotted


def test_lines_of_tables_dotted_tables_and_keys() -> None:
    lines = TomlLines.scan('[a]\nx = 1\n\n[concept.b]\nqid = "Q1"\n["c.d"]\ny.z = 2\n')
    assert lines.header("a") == 1 and lines.key("a", "x") == 2
    assert lines.header("concept", "b") == 4 and lines.key("concept", "b", "qid") == 5
    assert lines.header("c.d") == 6 and lines.key("c.d", "y", "z") == 7
    assert lines.key("a", "missing") == 1  # falls back to its table


def test_split_dotted() -> None:
    assert split_dotted('a."b.c".d') == ("a", "b.c", "d")
    assert split_dotted("concept.x") == ("concept", "x")


def test_read_toml(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text('[a]\nx = 1\n', encoding="utf-8")
    toml = read_toml(path)
    assert toml.readable and toml.problems == [] and toml.data == {"a": {"x": 1}}


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text('[a]\nx = 1\n\n[b\n', encoding="utf-8")
    toml = read_toml(path)
    [problem] = toml.problems
    assert not toml.readable and toml.data == {}
    assert problem.line == 4 and problem.message.startswith("not valid TOML")


def test_non_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_bytes(b'[a]\nx = "ok"\ny = "caf\xe9"\n')
    [problem] = read_toml(path).problems
    assert problem.line == 3 and "not UTF-8" in problem.message
    # the line and the column, not only a byte offset
    assert problem.message.startswith("not UTF-8 at line 3, column 9 (byte 21 of the file)")


def test_missing_file(tmp_path: Path) -> None:
    [problem] = read_toml(tmp_path / "none.toml").problems
    assert problem.message == "file not found"
    assert read_toml(tmp_path / "none.toml", missing_ok=True).problems == []
