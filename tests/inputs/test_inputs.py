"""All inputs at once: read leniently (every problem collected) or strictly (raised)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.inputs import entity_iris, load_inputs, read_inputs
from ctkg.paths import Layout
from tests.paths import ROOT


def test_the_project_s_inputs(layout: Layout) -> None:
    inputs = load_inputs(layout)
    assert [p for p in inputs.problems if p.severity == "error"] == []
    iris = entity_iris(inputs)
    assert iris["antonio-guterres"] == "https://w3id.org/ctkg/id/person/antonio-guterres"
    assert set(iris) == set(inputs.registry.entries)
    assert inputs.wikidata_cache and inputs.links.entities and inputs.catalogue


def _project(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path)
    shutil.copytree(ROOT / "ontology", layout.ontology_dir)
    layout.links.parent.mkdir(parents=True)
    for path in (layout.registry, layout.catalogue, layout.links):
        shutil.copy(ROOT / path.relative_to(tmp_path), path)
    return layout


def test_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    layout = _project(tmp_path)
    with layout.registry.open("a", encoding="utf-8") as f:
        f.write('\n[pillar-x]\ntype = "Pillar"\nlabel = "X"\nkeep = true\n')
    with layout.catalogue.open("a", encoding="utf-8") as f:
        f.write('\n[x]\ntitle = "X"\n')
    layout.links.write_bytes(layout.links.read_bytes() + b'\n[y]\nnote = "caf\xe9"\n')
    inputs = read_inputs(layout)  # lenient: nothing raised, the rest still read
    found = {(Path(p.file).name, p.message.split(":")[0]) for p in inputs.problems}
    assert ("registry.toml", "pillar-x") in found  # a type without an IRI kind
    assert ("catalogue.toml", "x") in found
    last = layout.links.read_bytes().count(b"\n")
    assert any(p.file.endswith("links.toml") and p.line == last and "not UTF-8" in p.message
               for p in inputs.problems)
    assert "antonio-guterres" in inputs.registry and "pillar-x" not in entity_iris(inputs)
    with pytest.raises(CTKGError) as info:
        load_inputs(layout)
    assert info.value.problems == inputs.errors


@pytest.mark.parametrize("which", ["registry", "catalogue", "links"])
def test_a_non_utf8_input_names_the_line_and_column(tmp_path: Path, which: str) -> None:
    """Each TOML input, with a Latin-1 byte inside its first quoted value."""
    layout = _project(tmp_path)
    path: Path = getattr(layout, which)
    lines = path.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if b'= "' in line and not line.startswith(b"#"))
    column = lines[at].index(b'= "') + 4  # the first character of the value
    lines[at] = lines[at].replace(b'= "', b'= "\xe9', 1)
    path.write_bytes(b"\n".join(lines))
    [problem] = [p for p in read_inputs(layout).problems if p.file.endswith(path.name)]
    assert problem.line == at + 1
    assert f"not UTF-8 at line {at + 1}, column {column} (byte " in problem.message
