"""What a build hands back (:class:`BuildResult`), what its first stages hand to the rest
(:class:`Front`), and the clock that times its stages.

Split from :mod:`ctkg.kg.pipeline` (the first stages) and :mod:`ctkg.kg.back` (the store,
QC, the tables and the files), which both use them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import pyoxigraph as ox

from ctkg.annotations.brief import DocBrief
from ctkg.errors import CTKGError, Problem
from ctkg.kg.cache import Cache
from ctkg.kg.compiled import Compiled
from ctkg.kg.dumps import sort_quads
from ctkg.kg.files import Files

T = TypeVar("T")


@dataclass
class BuildResult:
    """A build rendered in memory: the files, and what the build found on the way."""

    files: Files  # name -> bytes (the dumps kept as chunks: ctkg.kg.files)
    documents: list[str]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)  # KiB after each stage (Linux)
    graph_counts: dict[str, int] = field(default_factory=dict)  # graph IRI -> its quads
    whole: ox.Store | None = None  # every quad, if the build loaded them all (else see store)
    loader: Callable[[ox.Store], None] | None = None  # puts every quad of the build in one

    @property
    def store(self) -> ox.Store:
        """Every quad of the build. A build that ran QC and the tables on a small store
        (the shared graphs and the documents not cached: :func:`ctkg.kg.back.back`) loads
        the whole one here, when first asked."""
        if self.whole is None:
            whole = ox.Store()
            if self.loader is not None:
                self.loader(whole)
            self.whole = whole
        return self.whole

    @cached_property
    def quads(self) -> list[ox.Quad]:
        """Distinct, in canonical N-Quads order: made from the store when first asked (the
        build drops its own list of pyoxigraph quads once the store holds them)."""
        return sort_quads(self.store)

    @property
    def quad_count(self) -> int:
        """Without loading a store: the graphs' distinct quads (the build has none in the
        default graph, and a quad is in one graph)."""
        return sum(self.graph_counts.values())

    @property
    def graph_count(self) -> int:
        return sum(1 for n in self.graph_counts.values() if n)


@dataclass
class Front:
    """What the first stages (read, compile, validate) hand to the rest of the build."""

    compiled: Compiled
    briefs: list[DocBrief]  # the documents, without their annotations
    found: list[Problem]  # the validation's
    warnings: list[Problem]  # the reading's and compiling's
    cache: Cache  # with the entries these stages used
    timings: dict[str, float]
    peak_rss: dict[str, int]
    jobs: int = 1  # the build's worker processes (the chunks of QC and tables run on them)


def split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings)."""
    return ([p for p in problems if p.severity == "error"],
            [p for p in problems if p.severity != "error"])


def stop_on_errors(problems: list[Problem]) -> list[Problem]:
    """Raise the errors among ``problems``; return the warnings."""
    errors, warnings = split(problems)
    if errors:
        raise CTKGError(errors)
    return warnings


def peak_rss() -> int:
    """Peak resident memory so far of this process plus its largest finished worker."""
    import resource  # POSIX only: imported when a build is timed

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


class Clock:
    """Runs a stage, noting its time and the peak memory after it in a BuildResult."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result

    def __call__(self, stage: str, run: Callable[[], T]) -> T:
        value = self.timed(stage, run)
        self.result.peak_rss[stage] = peak_rss()
        return value

    def timed(self, stage: str, run: Callable[[], T]) -> T:
        """Run a stage and note its time only (it may run beside another)."""
        start = time.perf_counter()
        value = run()
        self.result.timings[stage] = time.perf_counter() - start
        return value
