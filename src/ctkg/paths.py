"""Where the project's inputs and outputs live, relative to the project root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ctkg.errors import CTKGError


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder upwards holding ``ontology/ctkg.ttl``.

    There is no guess beyond that: a command run outside a project says so and asks for
    ``--root``, rather than building some other checkout.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "ctkg.ttl").is_file():
            return folder
    raise CTKGError.single(here, None, "not inside a CTKG project (no ontology/ctkg.ttl here "
                                       "or above): give --root")


@dataclass(frozen=True)
class Layout:
    """The files a build reads and writes, all derived from one root."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology(self) -> Path:
        return self.ontology_dir / "ctkg.ttl"

    @property
    def shapes(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def corpus(self) -> Path:
        return self.root / "data" / "corpus"

    @property
    def registry(self) -> Path:
        return self.root / "data" / "registry.toml"

    @property
    def catalogue(self) -> Path:
        return self.root / "data" / "catalogue.toml"

    @property
    def links(self) -> Path:
        return self.root / "data" / "wikidata" / "links.toml"

    @property
    def wikidata_cache(self) -> Path:
        return self.root / "data" / "wikidata" / "cache.ttl"

    @property
    def kg(self) -> Path:
        return self.root / "data" / "kg"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def qc_queries(self) -> Path:
        return self.root / "queries" / "qc"

    def ontology_files(self) -> list[Path]:
        """Every Turtle file of the ontology folder except the shapes, sorted."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")
