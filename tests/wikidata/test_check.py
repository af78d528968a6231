"""``ctkg link --check``: every link against the registry, the ontology and the offline cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.inputs.links import read_links
from ctkg.inputs.wikidata_cache import load_wikidata_cache
from ctkg.wikidata.check import check_links, normalize_label
from tests.wikidata.project import (
    CACHE,
    FIXTURES,
    LINKS,
    errors,
    make_project,
    offline_cache,
    replace_entry,
)


@pytest.mark.parametrize("bad", ['"Q0123"', '"wd:Q42"', '"http://www.wikidata.org/entity/Q42"',
                                 '"q42"', "42", '"Q42 "'])
def test_malformed_qid_is_an_error_with_file_and_line(tmp_path: Path, bad: str) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = text.replace('qid = "Q98765402"', f"qid = {bad}")
    layout = make_project(tmp_path, text)
    line = text.splitlines().index(f"qid = {bad}") + 1
    _links, [problem] = read_links(layout.links)
    assert problem.file.endswith("links.toml") and problem.line == line
    assert "malformed QID" in problem.message
    found = [p for p in check_links(layout) if "malformed QID" in p.message]
    assert [(p.file, p.line, p.severity) for p in found] == [(LINKS, line, "error")]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    layout = make_project(tmp_path, '[a]\nqid = "Q1"\nevidence = "x"\n\n[b\nqid = "Q2"\n')
    _links, [problem] = read_links(layout.links)
    assert problem.line == 5 and "not valid TOML" in problem.message
    assert check_links(layout)[0].line == 5


def test_cli_check_reports_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8").replace('"Q98765403"', '"Q-3"')
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    assert main(["link", "--check", "--root", str(tmp_path)]) == 1
    line = text.splitlines().index('qid = "Q-3"') + 1
    assert f"{LINKS}:{line}: error: malformed QID 'Q-3'" in capsys.readouterr().err


def test_check_passes_on_the_good_fixture(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    assert check_links(layout) == []


def test_person_linked_to_a_city_is_a_type_error(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = replace_entry(text, "alma-testperson", """
[alma-testperson]
qid = "Q98765403"
evidence = "deliberately wrong: a person linked to the city item"
""")
    text = replace_entry(text, "fixtureville", """
[fixtureville]
unlinked = "test: the city item is taken by the wrong link above"
""")
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    problems = check_links(layout)
    line = text.splitlines().index("[alma-testperson]") + 1
    mismatch = [p for p in errors(problems) if "type mismatch" in p.message]
    assert len(mismatch) == 1
    assert mismatch[0].file == LINKS and mismatch[0].line == line
    assert "Q515 (city)" in mismatch[0].message
    # the label does not match either: that is a warning only
    assert any(p.severity == "warning" and "weak label match" in p.message for p in problems)


def test_every_linked_qid_must_be_in_the_cache(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    problems = check_links(layout)  # no cache at all
    assert len(errors(problems)) == 6
    assert all("not in the offline cache: run ctkg link --refresh" in p.message
               for p in problems)
    offline_cache(layout)
    text = layout.links.read_text("utf-8").replace('"Q98765405"', '"Q98765499"')
    layout.links.write_text(text, "utf-8")
    [problem] = check_links(layout)
    assert problem.message == ("sg-testland: Q98765499 not in the offline cache: "
                               "run ctkg link --refresh")
    assert problem.line == text.splitlines().index("[sg-testland]") + 1


def test_shared_qid_and_missing_evidence_and_redirect(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8")
    text = replace_entry(text, "room-6", """
[room-6]
qid = "Q98765403"
""")
    text = replace_entry(text, "alma-testperson", """
[alma-testperson]
qid = "Q98765409"
evidence = "the old ID, since merged"
""")
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    msgs = [p.message for p in errors(check_links(layout))]
    assert any("Q98765403 is linked from more than one registry entry: fixtureville, room-6"
               in m for m in msgs)
    assert any(m.startswith("room-6: a link needs evidence") for m in msgs)
    assert any("Q98765409 is a redirect to Q98765401" in m for m in msgs)


def test_unknown_slug_and_wrong_table_kind(tmp_path: Path) -> None:
    text = (FIXTURES / "links.toml").read_text("utf-8") + """
[nobody]
unlinked = "no item"

[test-threat]
qid = "Q98765411"
evidence = "a concept in an entity table"

[concept.testland]
qid = "Q98765404"
match = "exact"
evidence = "an entity in a concept table"
"""
    layout = make_project(tmp_path, text)
    offline_cache(layout)
    msgs = [p.message for p in errors(check_links(layout))]
    assert "nobody: no such slug in data/registry.toml" in msgs
    assert any(m.startswith("test-threat: test-threat is a concept") for m in msgs)
    assert any(m.startswith("concept.testland: testland is a MemberState") for m in msgs)


def test_weak_label_is_a_warning_not_an_error(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    registry = layout.registry.read_text("utf-8").replace(
        'label = "Example Counter-Terrorism Office"', 'label = "Office of Examples"').replace(
        'alt_labels = ["ECTO"]', 'alt_labels = ["OoE"]')
    layout.registry.write_text(registry, "utf-8")
    problems = check_links(layout)
    assert errors(problems) == []
    [warning] = problems
    assert warning.severity == "warning" and "weak label match" in warning.message
    # accents and case do not make a weak match
    assert normalize_label("António  GUTERRES") == normalize_label("Antonio Guterres")


def test_cache_that_does_not_parse_names_file_and_line(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    lines = layout.wikidata_cache.read_text("utf-8").splitlines()
    broken_at = next(i for i, x in enumerate(lines) if x.startswith("wd:Q98765402")) + 1
    lines[broken_at - 1] = 'wd:Q98765402 rdfs:label "unterminated ;'
    layout.wikidata_cache.write_text("\n".join(lines) + "\n", "utf-8")
    problems = check_links(layout)
    cache_problems = [p for p in problems if p.file == CACHE]
    assert len(cache_problems) == 1 and cache_problems[0].severity == "error"
    assert cache_problems[0].line == broken_at
    assert "does not parse" in cache_problems[0].message
    with pytest.raises(CTKGError) as info:
        load_wikidata_cache(layout.wikidata_cache)
    assert info.value.problems[0].line == broken_at




def test_without_a_registry_the_registry_checks_are_skipped(tmp_path: Path) -> None:
    layout = make_project(tmp_path)
    offline_cache(layout)
    layout.registry.unlink()
    [problem] = check_links(layout)
    assert (problem.file, problem.severity) == ("data/registry.toml", "warning")
    assert problem.message == "file not found; registry checks skipped"
