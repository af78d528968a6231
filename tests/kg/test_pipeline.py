"""The whole build on a temporary copy of the fixture project: outputs, determinism,
``--check``, and bad inputs that must fail clearly and leave the previous build untouched."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.kg.outputs import load_dataset, read_manifest
from ctkg.paths import Layout
from tests.expected import Expected
from tests.kg.conftest import FIXTURE, make_project
from tests.paths import ROOT

OUTPUTS = ["SHA256SUMS", "build-report.md", "context.jsonld", "ctkg.jsonld", "ctkg.nq",
           "ctkg.trig", "ctkg.ttl", "manifest.json", "tables/assertions.csv",
           "tables/datapackage.json", "tables/documents.csv", "tables/entities.csv",
           "tables/events.csv", "tables/evidence.csv", "tables/statement_topics.csv",
           "tables/statements.csv", "void.ttl"]


def snapshot(root: Path) -> dict[str, bytes]:
    kg = root / "data" / "kg"
    return {p.relative_to(kg).as_posix(): p.read_bytes() for p in sorted(kg.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("built") / "proj")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of a project that has been built once."""
    dest = tmp_path / "proj"
    shutil.copytree(built, dest)
    return dest


def test_outputs(built: Path) -> None:
    assert sorted(snapshot(built)) == OUTPUTS
    layout = Layout(built)
    store = load_dataset(layout)
    manifest = read_manifest(layout)
    assert len(store) == sum(g["triples"] for g in manifest["graphs"].values())
    assert "https://w3id.org/ctkg/graph/900_fixture" in manifest["graphs"]


def test_quads_are_pinned(built: Path, expected: Expected) -> None:
    """The fixture build's quads, as sorted canonical N-Quads (pinned before the build
    moved to pyoxigraph terms: a change here changes the graph, not just its layout)."""
    lines = (built / "data" / "kg" / "ctkg.nq").read_bytes().splitlines(keepends=True)
    expected.check(FIXTURE / "expected" / "ctkg.nq", b"".join(sorted(lines)))


def test_load_dataset_without_build(tmp_path: Path) -> None:
    with pytest.raises(CTKGError, match="no build"):
        load_dataset(Layout(tmp_path))
    with pytest.raises(CTKGError, match="no build manifest"):
        read_manifest(Layout(tmp_path))


def test_rebuild_is_byte_identical(project: Path) -> None:
    before = snapshot(project)
    assert main(["build", "--root", str(project), "--quiet"]) == 0
    assert snapshot(project) == before


def test_byte_identical_across_hash_seeds(project: Path) -> None:
    before = snapshot(project)
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project),
                               "--quiet"], env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(project) == before, f"PYTHONHASHSEED={seed}"


def test_check_passes_then_fails_after_a_change(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(project), "--check"]) == 0
    cat = project / "data" / "catalogue.toml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("Counter-Terrorism Week, retold",
                                                           "CT Week, retold"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(project), "--check"]) == 1
    err = capsys.readouterr().err
    assert "not current" in err and "ctkg.trig" in err and "manifest.json" in err


def test_validate_writes_nothing(project: Path) -> None:
    shutil.rmtree(project / "data" / "kg")
    assert main(["validate", "--root", str(project), "--quiet"]) == 0
    assert not (project / "data" / "kg").exists()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def plant_checker_error(root: Path) -> str:
    ann = root / "data" / "corpus" / "901_fixture.ann"
    _replace(ann, "TimeExpression 45 55", "TimeExpression 44 55")
    return r"901_fixture\.ann:2\b"


def plant_ontology_syntax_error(root: Path) -> str:
    onto = root / "ontology" / "ctkg.ttl"
    onto.write_text(onto.read_text(encoding="utf-8") + "\nctkg:Broken a ;;\n",
                    encoding="utf-8")
    n = len(onto.read_text(encoding="utf-8").splitlines())
    return rf"ontology/ctkg\.ttl:{n}\b"


def plant_shapes_syntax_error(root: Path) -> str:
    shapes = root / "ontology" / "shapes.ttl"
    lines = shapes.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines, 1) if line.startswith("ctkg-shapes:PersonShape"))
    lines[n - 1] = "ctkg-shapes:PersonShape ] ["
    shapes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rf"ontology/shapes\.ttl:{n}\b"


def plant_registry_missing_type(root: Path) -> str:
    reg = root / "data" / "registry.toml"
    line = _line_of(reg, "[nairobi]")
    _replace(reg, '[nairobi]\ntype = "Place"\n', "[nairobi]\n")
    return rf"registry\.toml:{line}\b.*type"


def plant_shape_violation(root: Path) -> str:
    """An event's place that is a person: only SHACL (EventPlaceShape) can see that."""
    reg = root / "data" / "registry.toml"
    line = _line_of(reg, "[hlc-2018]")
    _replace(reg, 'place = "new-york"', 'place = "antonio-guterres"')
    return rf"registry\.toml:{line}: error: SHACL Violation: .*hlc-2018.*place"


def plant_time_contradiction(root: Path) -> str:
    reg = root / "data" / "registry.toml"
    line = _line_of(reg, "[ct-week-2018]")
    _replace(reg, 'start = "2018-06"', 'start = "2018-07"')
    return rf"registry\.toml:{line}: error: ct-week-2018: .*2018-06.*901_fixture\.ann:3"


@pytest.mark.parametrize("plant", [plant_checker_error, plant_ontology_syntax_error,
                                   plant_shapes_syntax_error, plant_registry_missing_type,
                                   plant_shape_violation, plant_time_contradiction])
def test_bad_input_fails_clearly_and_keeps_the_build(project: Path, plant,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)
    pattern = plant(project)
    capsys.readouterr()
    assert main(["build", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert re.search(pattern, err.replace(os.sep, "/")), err
    assert snapshot(project) == before
    assert not [p for p in (project / "data" / "kg").iterdir() if p.name.startswith(".")]
