"""Pronoun rule of ``ctkg suggest``: exactly the pronouns the guidelines annotate.

§2.3 annotates a personal pronoun (``he``, ``she``) as a Person mention only when it is the
Speaker of a statement; possessive determiners (``his remarks``), ``it``/``its``, ``they``
and first-person plurals are not annotated (§2), so no rule suggests them: each would only
add mentions a person has to delete. The referent is the one person mentioned in the same or
the previous sentence; the text says nothing of gender the rule could trust, so with two
persons there (or a ``Mr./Ms. Name`` the registry does not know) it suggests nothing, and
with none there (a long quote between name and pronoun) nothing either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ctkg.annotations.brat import Document
from ctkg.annotations.matcher import Match

_SPEAKER = re.compile(r"\b(?:[Hh]e|[Ss]he)(?= (?:also |further |then )?(?:said|added|noted|stated|"
                      r"stressed|mentioned|highlighted|told|explained|warned|emphasized|"
                      r"underscored|continued|urged|remarked|outlined|observed|recalled|"
                      r"pointed|insisted|argued|declared|asked)\b)")
# where a sentence ends: its stop (and a closing quote) before a space, or a blank line
_SENTENCE_END = re.compile(r"[.!?][”\"’')]*(?=\s)|\n\s*\n")
# a person named with an honorific: a person even where the registry does not know the name
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][\w’'-]+")


def window_start(text: str, pos: int) -> int:
    """The start of the sentence before the one ``pos`` is in (0 near the start)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, pos)]
    return ends[-2] if len(ends) >= 2 else 0


def speaker_pronouns(doc: Document, names: Sequence[Match], types: dict[str, str],
                     free: Callable[[int, int], bool]) -> list[Match]:
    """``he``/``she`` as the speaker of a speech verb (§2.3) -> the one person mentioned
    (suggested, annotated, or an earlier resolved pronoun) in the same or previous
    sentence; nothing when that window names no person or more than one."""
    persons = [(m.start, m.end, m.slug) for m in names if m.outer_type == "Person"]
    for norm in doc.normalizations.values():
        tb = doc.textbounds.get(norm.target)
        if norm.db == "CTKG" and tb is not None and types.get(norm.key) == "Person":
            persons.append((tb.start, tb.end, norm.key))
    out: list[Match] = []
    for m in _SPEAKER.finditer(doc.text):
        before = [p for p in persons if p[0] < m.start()]
        if not before or not free(m.start(), m.end()):
            continue
        nearest = max(before)
        start = window_start(doc.text, nearest[0])
        window = [p for p in before if p[0] >= start]
        unknown = [h for h in _HONORIFIC.finditer(doc.text, start, m.start())
                   if not any(a <= h.end() - 1 < b for a, b, _ in window)]
        if len({slug for _, _, slug in window}) == 1 and not unknown:
            out.append(Match(m.start(), m.end(), nearest[2], "Person"))
            persons.append((m.start(), m.end(), nearest[2]))
    return out
