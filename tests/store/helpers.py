"""Shared by the store stage tests: build folders holding the fixture releases."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def kg_folder(tmp_path: Path, release: int, name: str | None = None) -> Path:
    """A build folder (ctkg.trig + manifest.json) holding fixture release ``release``."""
    folder = tmp_path / (name or f"release{release}")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / f"release{release}.trig", folder / "ctkg.trig")
    shutil.copy(FIXTURES / f"release{release}.manifest.json", folder / "manifest.json")
    return folder
