"""A project tree around one checker fixture folder: the fixture ontology, and the folder's
registry, catalogue and links where a project keeps them (the folder stays the corpus)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ctkg.inputs import Inputs, read_inputs
from ctkg.paths import Layout

FIXTURES = Path(__file__).parent / "fixtures"
ONTOLOGY = FIXTURES / "ontology"


def fixture_project(folder: Path, root: Path) -> Layout:
    """A layout under ``root`` with ``folder``'s inputs; its corpus is not ``folder``, so
    brat's conf files (which fixtures do not have) are not checked."""
    layout = Layout(root)
    layout.ontology_dir.mkdir(parents=True, exist_ok=True)
    for ttl in ONTOLOGY.glob("*.ttl"):
        shutil.copy(ttl, layout.ontology_dir / ttl.name)
    layout.links.parent.mkdir(parents=True, exist_ok=True)
    for name, dest in (("registry.toml", layout.registry), ("catalogue.toml", layout.catalogue),
                       ("links.toml", layout.links)):
        if (folder / name).is_file():
            shutil.copy(folder / name, dest)
    return layout


def fixture_inputs(folder: Path, root: Path) -> Inputs:
    return read_inputs(fixture_project(folder, root))
