"""The registry's event summaries against the documents (docs/design.md).

A registry event carries one start, end, granularity, qualifier, place and status
(graph ``registry``); the documents state the same things only as reified assertions, as
of their date. Each registry value must be stated by a document assertion, and no document
may contradict it. A contradiction: a start or end that neither contains nor is contained
in the registry's (2018-06 and 2018-06-28 agree); a single point outside the registry's
start..end; Occurred in a document for an event the registry still has Planned. A document
that names another place is a warning, unless one lies in the other
(``ctkg:containedInPlace``, transitively: a room in a building in a city).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ctkg.errors import Problem, display_path
from ctkg.inputs.registry import Registry
from ctkg.rdf.sources import Source
from ctkg.rdf.terms import RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, ctkg, iri_of

SUMMARY = ("startTime", "endTime", "timeGranularity", "timeQualifier", "place", "status")
_PROPS = {ctkg(p).value: p for p in SUMMARY}
_REIF = {RDF_SUBJECT.value: 0, RDF_PREDICATE.value: 1, RDF_OBJECT.value: 2}
_OCCURRED, _PLANNED = ctkg("Occurred"), ctkg("Planned")
_CONTAINED_IN = ctkg("containedInPlace")


@dataclass(frozen=True)
class Claim:
    """A document's value for an event's summary property, and where it is stated."""

    value: object  # the object term
    graph: str  # the document graph
    assertion: str  # the assertion IRI

    @property
    def text(self) -> str:
        return _text(self.value)


def _text(term: object) -> str:
    assert isinstance(term, (ox.NamedNode, ox.Literal))
    return term.value


def claims(doc_quads: Iterable[ox.Quad]) -> dict[tuple[str, str], list[Claim]]:
    """(event IRI, summary property) -> the documents' claims, from their reified
    assertions, in (graph, assertion) order."""
    parts: dict[tuple[str, str], list[object]] = {}
    for q in doc_quads:
        i = _REIF.get(q.predicate.value)
        if i is not None:
            key = (iri_of(q.graph_name), iri_of(q.subject))
            parts.setdefault(key, [None, None, None])[i] = q.object
    out: dict[tuple[str, str], list[Claim]] = {}
    for (g, a), (s, p, o) in sorted(parts.items()):
        if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) \
                and p.value in _PROPS and o is not None:
            out.setdefault((s.value, _PROPS[p.value]), []).append(Claim(o, g, a))
    return out


def registry_values(registry_quads: Iterable[ox.Quad]) -> dict[str, dict[str, object]]:
    """Event IRI -> summary property -> the registry's value."""
    out: dict[str, dict[str, object]] = {}
    for q in registry_quads:
        prop = _PROPS.get(q.predicate.value)
        if prop is not None:
            out.setdefault(iri_of(q.subject), {})[prop] = q.object
    return out


def _cmp(a: str, b: str) -> int:
    """Compare ISO values on their common prefix: 0 when one contains the other."""
    n = min(len(a), len(b))
    return (a[:n] > b[:n]) - (a[:n] < b[:n])


def check_event_times(registry: Registry, iris: Mapping[str, ox.NamedNode],
                      registry_quads: Iterable[ox.Quad], doc_quads: Iterable[ox.Quad],
                      sources: Mapping[str, Source],
                      places: Mapping[str, set[str]] | None = None) -> list[Problem]:
    """Every disagreement between the registry's event summaries and the documents;
    ``places`` (see :func:`within`) says which places lie in which."""
    return check_claims(registry, iris, registry_quads, claims(doc_quads), sources, places)


def merge_claims(parts: Iterable[Mapping[tuple[str, str], list[Claim]]]
                 ) -> dict[tuple[str, str], list[Claim]]:
    """The :func:`claims` of several documents' quads, from each one's (in graph order):
    the build keeps each document's claims with its compilation."""
    out: dict[tuple[str, str], list[Claim]] = {}
    for part in parts:
        for key, found in part.items():
            out.setdefault(key, []).extend(found)
    return out


def check_claims(registry: Registry, iris: Mapping[str, ox.NamedNode],
                 registry_quads: Iterable[ox.Quad],
                 found: Mapping[tuple[str, str], list[Claim]], sources: Mapping[str, Source],
                 places: Mapping[str, set[str]] | None = None) -> list[Problem]:
    """:func:`check_event_times` on the documents' claims (:func:`claims`)."""
    values = registry_values(registry_quads)
    where = display_path(registry.path)
    return [p for slug, entry in registry.entries.items()
            for p in check_entry(slug, entry.line, iris[slug].value, values, found, sources,
                                 places, where)]


def check_entry(slug: str, line: int | None, node: str,
                values: Mapping[str, Mapping[str, object]],
                found: Mapping[tuple[str, str], list[Claim]], sources: Mapping[str, Source],
                places: Mapping[str, set[str]] | None, where: str) -> list[Problem]:
    """:func:`check_claims` of one registry entry (``slug`` at ``line`` of ``where``, its
    IRI ``node``): a function of the registry's values for it, the claims about it, their
    sources and the places, so that a build can keep each entry's problems."""
    reg = values.get(node, {})
    docs = {p: found.get((node, p), []) for p in SUMMARY}
    problems = []
    for message, claim, severity in _disagreements(reg, docs, places or {}):
        origin = f" ({sources[claim.assertion]})" \
            if claim is not None and claim.assertion in sources else ""
        problems.append(Problem(where, line, f"{slug}: {message}{origin}", severity))
    return problems


def within(quads: Iterable[ox.Quad | ox.Triple]) -> dict[str, set[str]]:
    """Place IRI -> every place or State it lies in, transitively (any graph)."""
    direct: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate == _CONTAINED_IN:
            direct.setdefault(iri_of(q.subject), set()).add(iri_of(q.object))
    closure: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(direct.get(nxt, ()))
        closure[start] = seen
    return closure


Finding = tuple[str, Claim | None, str]  # message, the claim it is about, severity


def _disagreements(reg: Mapping[str, object], docs: Mapping[str, list[Claim]],
                   places: Mapping[str, set[str]]) -> list[Finding]:
    ends_by_doc = {c.graph for c in docs["endTime"]}
    points = [c for c in docs["startTime"] if c.graph not in ends_by_doc]
    # looked up once per start claim: a set, not the list (an event many documents date
    # compared every claim with every point, 12 M comparisons at 10,000 documents)
    is_point = set(points)
    out = _unstated(reg, docs, points)
    lo = _text(reg["startTime"]) if "startTime" in reg else ""
    last = reg.get("endTime", reg.get("startTime"))
    hi = _text(last) if last is not None else ""
    for claim in docs["startTime"]:
        v = claim.text
        if lo and claim in is_point and (_cmp(v, lo) < 0 or _cmp(v, hi) > 0):
            out.append((f"a document dates it {v}, outside the registry's {lo}..{hi}", claim,
                        "error"))
        elif lo and claim not in is_point and _cmp(v, lo) != 0:
            out.append((f"a document starts it {v}, the registry {lo}", claim, "error"))
    for claim in docs["endTime"]:
        if "endTime" in reg and _cmp(claim.text, hi) != 0:
            out.append((f"a document ends it {claim.text}, the registry {hi}", claim, "error"))
    if reg.get("status") == _PLANNED:
        out += [("the registry has it planned, a document says it occurred", claim, "error")
                for claim in docs["status"] if claim.value == _OCCURRED]
    if "place" in reg:
        out += [(f"a document places it at {claim.text}, the registry at "
                 f"{_text(reg['place'])}", claim, "warning")
                for claim in docs["place"]
                if not _nested(claim.text, _text(reg["place"]), places)]
    out += [(f"documents give a {prop} but the registry has none", docs[prop][0], "warning")
            for prop in SUMMARY if prop not in reg and docs[prop] and prop != "endTime"]
    return out


def _nested(a: str, b: str, places: Mapping[str, set[str]]) -> bool:
    """The same place, or one lies in the other (a venue in its city)."""
    return a == b or b in places.get(a, set()) or a in places.get(b, set())


def _unstated(reg: Mapping[str, object], docs: Mapping[str, list[Claim]],
              points: list[Claim]) -> list[Finding]:
    """Registry values no document states (a single point also states an end)."""
    out: list[Finding] = []
    for prop in SUMMARY:
        if prop not in reg:
            continue
        stated = {c.value for c in docs[prop]}
        if prop == "endTime":
            stated |= {c.value for c in points}
        if reg[prop] not in stated:
            given = ", ".join(sorted({_text(o) for o in stated})) or "none"
            out.append((f"registry {prop} {_text(reg[prop])} is stated by no document "
                        f"(documents give: {given})", None, "error"))
    return out
