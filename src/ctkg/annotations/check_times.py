"""Normalized times attached to nothing (issue 16).

A TimeExpression's ISO 8601 value reaches the graph only through what uses it: an event's
or a statement's ``Time`` role, a ``foundingDate`` relation, or a link to a TimeExpression
that one of these uses (the same time said twice: a dateline and "today"). The link is the
note key ``sameTimeAs=Tn`` on the time said again (INCEpTION layers carry notes, not brat's
``Equiv``; an ``Equiv`` of TimeExpressions counts the same). Anything else is a value the
annotator worked out and the build silently drops, so it is an error here: attach it, link
it, or remove it. Linked times must agree on their value: they name one time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctkg.annotations.brat import Document, base_role
from ctkg.errors import Problem, display_path

TIME = "TimeExpression"
FOUNDING = "foundingDate"
SAME = "sameTimeAs"


@dataclass(frozen=True)
class _Link:
    """TimeExpressions said to be one time, and the line that says so."""

    members: frozenset[str]
    line: int
    how: str


def _is_time(doc: Document, tid: str) -> bool:
    return getattr(doc.textbounds.get(tid), "type", "") == TIME


def _used_directly(doc: Document) -> set[str]:
    """The TimeExpressions a Time role or a foundingDate relation names."""
    used = {arg for event in doc.events.values() for role, arg in event.args
            if base_role(role) == "Time"}
    used.update(rel.arg2 for rel in doc.relations.values() if rel.type == FOUNDING)
    return used


def _links(doc: Document, where: str, out: list[Problem]) -> list[_Link]:
    """Equivs of TimeExpressions and ``sameTimeAs`` notes (a bad target is reported)."""
    links = [_Link(frozenset(m for m in eq.members if _is_time(doc, m)), eq.line,
                   f"Equiv {' '.join(eq.members)}") for eq in doc.equivs]
    for note in doc.notes.values():
        other = note.pairs.get(SAME)
        if other is None:
            continue
        if not _is_time(doc, note.target) or not _is_time(doc, other):
            out.append(Problem(where, note.line, f"{note.id}: {SAME}={other} links two "
                                                 "TimeExpressions of this file; "
                                                 f"{note.target} -> {other} is not that"))
            continue
        links.append(_Link(frozenset({note.target, other}), note.line,
                           f"{note.id} {SAME}={other}"))
    return links


def check_unattached_times(doc: Document) -> list[Problem]:
    """An error on the ISO8601 line of every normalized TimeExpression that nothing uses,
    and on every link between TimeExpressions with different values."""
    where = display_path(doc.ann_path)
    out: list[Problem] = []
    iso = {n.target: n for n in doc.normalizations.values()
           if n.db == "ISO8601" and _is_time(doc, n.target)}
    used = _used_directly(doc)
    links = _links(doc, where, out)
    for link in links:
        values = {iso[m].key for m in link.members if m in iso}
        if len(values) > 1:
            out.append(Problem(where, link.line, f"{link.how}: TimeExpressions with different "
                                                 f"values ({', '.join(sorted(values))}) are "
                                                 "not one time"))
    grown = True
    while grown:  # links are symmetric and transitive: spread use until nothing changes
        grown = False
        for link in links:
            if link.members & used and not link.members <= used:
                used |= link.members
                grown = True
    for tid, norm in sorted(iso.items(), key=lambda kv: kv[1].line):
        if tid not in used:
            tb = doc.textbounds[tid]
            out.append(Problem(where, norm.line, f"{norm.id}: normalized time {norm.key} of {tid} "
                                                 f"({doc.text[tb.start:tb.end]!r}) is attached "
                                                 "to nothing: no event or statement Time role, "
                                                 f"no foundingDate, no {SAME}= (or Equiv) link "
                                                 "to a TimeExpression that one uses (attach it, "
                                                 "link it, or remove it)"))
    return out
