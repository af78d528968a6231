"""``ctkg refresh``: after a person confirms annotations, one command puts them in the graph.

It builds (every check of the build runs, the annotation checker first, which refuses an
unconfirmed suggestion), writes the release when it changed, and regenerates the expected
results of the bundled queries (``queries/expected/NAME.csv``) whose rows changed, naming
each one with its row counts so that nothing changes unseen: review them with ``git diff``.
The comparison is the tests' (tests/data/test_queries.py): same columns and rows, in order
when the query has ORDER BY, as a multiset otherwise, so a file is rewritten only when its
content changed, never for a reordering the query does not fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ctkg.atomic import write_bytes_atomic
from ctkg.errors import CTKGError
from ctkg.kg.outputs import stale_outputs, write_outputs
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.sparql.lexer import has_order_by
from ctkg.sparql.query import run_named
from ctkg.sparql.queryfile import bundled_queries, read_query


@dataclass
class Refreshed:
    """What a refresh changed."""

    documents: int = 0
    release_files: list[str] = field(default_factory=list)  # data/kg files rewritten
    expected: list[tuple[str, int, int]] = field(default_factory=list)  # name, rows before/after


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def same_results(old: bytes, new: bytes, ordered: bool) -> bool:
    """Same header and rows (in order only when the query orders them)."""
    a, b = _rows(old), _rows(new)
    if a[:1] != b[:1]:
        return False
    return a[1:] == b[1:] if ordered else sorted(a[1:]) == sorted(b[1:])


def regenerate_expected(layout: Layout) -> list[tuple[str, int, int]]:
    """Rewrite ``queries/expected/NAME.csv`` of every local bundled query whose results on
    the build changed; (name, rows before, rows after) of each rewritten file."""
    folder = layout.queries / "expected"
    changed: list[tuple[str, int, int]] = []
    for name, path, _title in bundled_queries(layout.root):
        info = read_query(path, name)
        if info.network:
            continue  # needs the network: its expected file is not the build's
        params = [f"{k}={v}" for k, v in info.examples.items()]
        new = run_named(layout.root, name, params, fmt="csv").encode("utf-8")
        target = folder / f"{name}.csv"
        old = target.read_bytes() if target.is_file() else None
        if old is not None and same_results(old, new, has_order_by(info.text)):
            continue
        write_bytes_atomic(target, new)
        changed.append((name, len(_rows(old)) - 1 if old else 0, len(_rows(new)) - 1))
    return changed


def refresh(layout: Layout, *, jobs: int = 1, cache_dir: Path | None = None) -> Refreshed:
    """Build and write the release, regenerate changed expected results, and verify that the
    written release is the build's (``ctkg build --check``)."""
    result = build(layout, jobs=jobs, cache_dir=cache_dir)
    done = Refreshed(documents=len(result.documents))
    done.release_files = stale_outputs(result.files, layout.kg)
    if done.release_files:
        write_outputs(result.files, layout.kg)
    done.expected = regenerate_expected(layout)
    still = stale_outputs(result.files, layout.kg)
    if still:  # pragma: no cover - write_outputs replaced the folder whole
        raise CTKGError.single(layout.kg, None, f"not current after writing: {', '.join(still)}")
    return done
