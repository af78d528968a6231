"""The offline Wikidata cache ``data/wikidata/cache.ttl``: its vocabulary and reading it.

The cache keeps what Wikidata says about each linked item in Wikidata's own vocabulary, so
that builds and checks run offline; ``ctkg link --refresh`` (:mod:`ctkg.wikidata.refresh`)
writes it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.encoding import decode_utf8
from ctkg.paths import Layout
from ctkg.rdf.namespaces import (
    OWL_NS,
    RDFS_NS,
    SKOS_NS,
    WD_NS,
    WD_SCHEMA_NS,
    WDT_NS,
    WIKIBASE_NS,
    XSD_NS,
)

# Wikidata's own vocabulary: its schema: is http://schema.org/, not the https form CTKG uses
# elsewhere; the cache keeps Wikidata's IRIs unchanged.

CACHE_PREFIXES: dict[str, str] = {
    "owl": OWL_NS,
    "rdfs": RDFS_NS,
    "schema": WD_SCHEMA_NS,
    "skos": SKOS_NS,
    "wd": WD_NS,
    "wdt": WDT_NS,
    "wikibase": WIKIBASE_NS,
    "xsd": XSD_NS,
}

CACHE_META_NAME = "cache-meta.json"


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for some of :data:`CACHE_PREFIXES`, in the order given."""
    return "".join(f"PREFIX {name}: <{CACHE_PREFIXES[name]}>\n" for name in names)


def read_wikidata_cache(path: Path, shown: str | None = None
                        ) -> tuple[list[ox.Triple], list[Problem]]:
    """The cache's triples ([] when there is no cache file) and its problems: a line that
    does not parse, or a blank node (the cache must stay stable and diffable)."""
    where = shown or display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [Problem(where, None, f"cannot read: {exc.strerror or exc}")]
    _, bad = decode_utf8(data)  # the parser would name the line but not the column
    if bad is not None:
        return [], [Problem(where, bad.line, bad.message)]
    try:
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        msg = exc.msg if hasattr(exc, "msg") else str(exc)
        return [], [Problem(where, exc.lineno, f"does not parse as Turtle: {msg}")]
    if any(isinstance(x, ox.BlankNode) for t in triples for x in (t.subject, t.object)):
        return [], [Problem(where, None, "blank nodes are not allowed in the cache")]
    return triples, []


def load_wikidata_cache(path: Path) -> list[ox.Triple]:
    """:func:`read_wikidata_cache`, strict: a missing or broken cache is a CTKGError."""
    if not path.is_file():
        raise CTKGError.single(path, None, "missing: run ctkg link --refresh")
    triples, problems = read_wikidata_cache(path)
    if problems:
        raise CTKGError(problems)
    return triples


def cache_meta_path(layout: Layout) -> Path:
    """Where ``cache-meta.json`` (what the last refresh fetched, and the cache's hash) is."""
    return layout.wikidata_cache.with_name(CACHE_META_NAME)
