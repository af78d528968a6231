"""The catalogue reader: typed entries, and every problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.parametrize(("key", "value", "phrase"), [
    ("language", "en us", "language 'en us' is not a BCP 47 language tag"),
    ("language", "en_GB", "language 'en_GB' is not a BCP 47 language tag"),
    ("url", "https://example.org/a b", "url 'https://example.org/a b' is not an IRI"),
    ("url", "example.org/news", "url 'example.org/news' is not an IRI"),
])
def test_values_the_build_turns_into_terms_are_checked(tmp_path: Path, key: str, value: str,
                                                       phrase: str) -> None:
    """The title's language tag and the url become RDF terms: a bad one crashed the build."""
    text = FIXTURE.read_text("utf-8").replace('language = "en"\n', "", 1)
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace("[doc]\n", f'[doc]\n{key} = "{value}"\n'
                                 + ('language = "en"\n' if key != "language" else ""), 1),
                    "utf-8")
    catalogue, problems = read_catalogue(path)
    [problem] = [p for p in problems if p.line == 1]
    assert problem.message.startswith(f"doc: {phrase}")
    assert "doc" not in catalogue
