"""A small project tree for the Wikidata tests: the fixture registry and links, the real
ontology (the types and kinds come from it), optionally the fixture as offline cache."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ctkg.errors import Problem
from ctkg.paths import Layout
from tests.paths import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
LINKS = "data/wikidata/links.toml"
CACHE = "data/wikidata/cache.ttl"


def make_project(root: Path, links: str | None = None) -> Layout:
    """A project tree with the fixture registry and links (or the given links text)."""
    (root / "data" / "wikidata").mkdir(parents=True)
    (root / "ontology").mkdir()
    shutil.copy(ROOT / "ontology" / "ctkg.ttl", root / "ontology" / "ctkg.ttl")
    shutil.copy(FIXTURES / "registry.toml", root / "data" / "registry.toml")
    text = links if links is not None else (FIXTURES / "links.toml").read_text("utf-8")
    (root / LINKS).write_text(text, encoding="utf-8")
    return Layout(root)


def offline_cache(layout: Layout) -> None:
    """Use the Wikidata-shaped fixture itself as the offline cache (same vocabulary)."""
    shutil.copy(FIXTURES / "wd-fixture.ttl", layout.wikidata_cache)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def replace_entry(text: str, slug: str, new: str) -> str:
    """Replace the table ``[slug]`` (up to the next blank line) by ``new``."""
    start = text.index(f"[{slug}]\n")
    end = text.index("\n\n", start)
    return text[:start] + new.strip() + text[end:]
