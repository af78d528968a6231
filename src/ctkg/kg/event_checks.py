"""The registry's event summaries against the documents' claims, each entry's problems kept.

Why: :func:`ctkg.validate.event_times.check_claims` merged every document's claims and
checked every registry entry at each build (0.5 s and more at 10,000 documents), though an
edit changes the claims about a few events. An entry's problems are a function of the
registry (its values, slugs and lines), the places, and the claims about it with their
sources, which are a function of the compile keys of the documents that make them: so they
are kept in one cache entry under a digest of those, and an incremental build merges and
checks the claims of the entries whose key changed only. Without a cache (the documents'
ids stand for their keys) every entry is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from ctkg.errors import Problem, display_path
from ctkg.inputs.registry import Registry
from ctkg.kg import parallel
from ctkg.kg.docgraphs import DocSummary
from ctkg.rdf.sources import Source
from ctkg.validate.event_times import (
    Claim,
    check_claims,
    check_entry,
    merge_claims,
    registry_values,
)

KIND = "event-checks"


def check_event_claims(registry: Registry, iris: Mapping[str, ox.NamedNode],
                       registry_quads: list[ox.Quad], docs: Sequence[tuple[str, Sequence[str]]],
                       summary: Callable[[str], DocSummary],
                       doc_keys: Mapping[str, str] | None, sources: Mapping[str, Source],
                       places: Mapping[str, set[str]], cache: parallel.Cache
                       ) -> list[Problem]:
    """:func:`check_claims` of the documents (``docs``: id and the nodes its claims are
    about, in order; ``summary``: a document's summary, read for the claims of the entries
    checked), each entry's problems found in ``cache`` under its key when ``doc_keys`` are
    given."""
    if cache.folder is None or doc_keys is None:
        return check_claims(registry, iris, registry_quads,
                            merge_claims(summary(d).claims for d, _nodes in docs), sources,
                            places)
    where = display_path(registry.path)
    head = parallel.digest(KIND, parallel.code_version(), where,
                           repr(sorted((k, sorted(v)) for k, v in places.items())),
                           ox.serialize(registry_quads, format=ox.RdfFormat.N_QUADS) or b"")
    makers: dict[str, list[str]] = {}  # event IRI -> the documents that make claims about it
    for doc_id, claimed in docs:
        for node in claimed:
            makers.setdefault(node, []).append(doc_id)
    name = parallel.digest(KIND, parallel.code_version())
    stored = cache.get(KIND, name)
    kept: dict[str, tuple[str, list[Problem]]] = stored if isinstance(stored, dict) else {}
    fresh: dict[str, tuple[str, list[Problem]]] = {}
    todo: dict[str, str] = {}  # slug -> its key, to check
    for slug, entry in registry.entries.items():
        node = iris[slug].value
        key = parallel.digest(head, slug, repr(entry.line), node,
                              *(doc_keys[d] for d in makers.get(node, ())))
        hit = kept.get(slug)
        if hit is not None and hit[0] == key:
            fresh[slug] = hit
        else:
            todo[slug] = key
    if todo:
        nodes = {iris[slug].value for slug in todo}
        wanted = {d for node in nodes for d in makers.get(node, ())}
        found: dict[tuple[str, str], list[Claim]] = {}
        for doc_id in [d for d, _n in docs if d in wanted]:  # in the documents' order
            for key_, claims in summary(doc_id).claims.items():
                if key_[0] in nodes:
                    found.setdefault(key_, []).extend(claims)
        values = registry_values(registry_quads)
        for slug, key in todo.items():
            entry = registry.entries[slug]
            fresh[slug] = (key, check_entry(slug, entry.line, iris[slug].value, values, found,
                                            sources, places, where))
    if fresh != kept:
        cache.put(KIND, name, fresh)
    return [p for slug in registry.entries for p in fresh[slug][1]]
