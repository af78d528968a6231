"""parse_turtle reports syntax errors with the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.rdf.turtle import parse_turtle
from tests.paths import ROOT

GOOD = """@prefix ex: <http://example.org/> .
ex:a ex:b ex:c .
"""

# (Turtle text, line of the error)
BROKEN = [
    ('@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n'
     "ex:f ex:g ex:h .\n", 4),
    ("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n\n\nex:d ex:e ex:f ;\n"
     "  ex:g .\n", 6),
    ("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nfoo:x ex:b ex:c .\n", 3),
    ("@prefix ex: <http://example.org/> .\n" + "ex:a ex:b ex:c .\n" * 40 + "ex:a ex:b\n", 42),
]


def test_parse_good(tmp_path: Path) -> None:
    f = tmp_path / "good.ttl"
    f.write_text(GOOD, encoding="utf-8")
    assert len(parse_turtle(f)) == 1


@pytest.mark.parametrize(("text", "line"), BROKEN)
def test_syntax_error_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    f = tmp_path / "broken.ttl"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CTKGError) as info:
        parse_turtle(f)
    (problem,) = info.value.problems
    assert problem.line == line, str(problem)
    assert problem.file.endswith("broken.ttl")
    assert "syntax error" in problem.message
    assert f"broken.ttl:{line}: error: " in str(problem)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CTKGError) as info:
        parse_turtle(tmp_path / "nope.ttl")
    assert info.value.problems[0].line is None


def test_ontology_files_parse() -> None:
    root = ROOT
    for f in sorted((root / "ontology").glob("*.ttl")):
        assert len(parse_turtle(f)) > 0
