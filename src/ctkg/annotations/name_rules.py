"""Rules on the form of a name: its spelling variants, and when a known name in the text is
not the thing the registry knows.

* Variants: an organization or instrument is written ``United Nations X`` or ``UN X``,
  ``Office of X`` or ``X Office``, ``Counter-Terrorism`` or ``Counter Terrorism``, or by its
  initials (``UNOCT``, ``ISIL``); an event with or without ``first-ever``; each known
  name also matches its variants (a variant never displaces a name some document
  really uses for another thing).
* Another event of the same name: an event name after an ordinal (``Second …``) or a year
  that is not the year of the registry's event names a later or earlier edition.
* A name inside a longer unknown name: a capitalized name right after a capitalized word in
  mid-sentence (``International High-Level Conference``) is part of a proper name the
  registry does not know (§2.2: nothing is annotated inside a proper name); the longer name
  is listed as a candidate instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ctkg.annotations.matcher import Match, is_proper_name

_UN = re.compile(r"\b(United Nations|UN)\b")
_OFFICE_OF = re.compile(r"\bOffice of ((?:[A-Z][\w-]*)(?: [A-Z][\w-]*)*)$")
_X_OFFICE = re.compile(r"\b((?:[A-Z][\w-]*)(?: [A-Z][\w-]*)*?) Office$")
_HYPHENED = re.compile(r"\b([A-Z][a-z]+)-([A-Z][a-z]+)\b")
ORDINALS = ("Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
            "Tenth")
_BEFORE_EVENT = re.compile(rf"(?:\b(?P<ord>{'|'.join(ORDINALS)}|\d+(?:nd|rd|th))|"
                           r"(?<![\w-])(?P<year>(?:19|20)\d\d))"
                           r"(?:[ -](?:[A-Z][\w-]*|of|the))*[ -]$")
_FIRST = re.compile(r"^[Ff]irst[- ]ever ")
_SMALL = frozenset(["of", "the", "and", "for", "on", "in", "de"])
_PREV_WORD = re.compile(r"(?P<lead>[\w,;’'\"”)]) (?P<word>[A-Z][\w’'-]*) $")


def acronym(form: str) -> str | None:
    """The initials of a proper name of three or more capitalized words, a hyphenated word
    giving one per part (``United Nations Office of Counter-Terrorism`` -> ``UNOCT``)."""
    parts = [p for w in form.split() if w.lower() not in _SMALL for p in w.split("-")]
    if len(parts) < 3 or not all(p[:1].isupper() for p in parts):
        return None
    return "".join(p[0] for p in parts)


def variants(form: str) -> list[str]:
    """The other spellings of a name: an event's without its ``first-ever`` (the edition's
    ordinal is optional, §8 case 4); for a proper name the rules of the module docstring
    and its acronym."""
    stripped = _FIRST.sub("", form)
    if stripped != form:
        return [stripped]
    if not is_proper_name(form) or not any(c.isupper() for c in form):
        return []
    out = {form}
    short = acronym(form)
    if short is not None:
        out.add(short)
    for _ in range(3):  # the rules combine: United Nations Office of X -> UN X Office
        for name in list(out):
            out.add(_UN.sub(lambda m: "UN" if m[1] != "UN" else "United Nations", name))
            out.add(_OFFICE_OF.sub(r"\1 Office", name))
            if not name.startswith("Office of"):
                out.add(_X_OFFICE.sub(r"Office of \1", name))
            out.add(_HYPHENED.sub(r"\1 \2", name))
    out.discard(form)
    return sorted(out)


def other_edition(text: str, m: Match, start_year: str | None) -> bool:
    """Whether an event name is preceded, inside its capitalized run, by an ordinal or by a
    year that is not the registry event's year."""
    hit = _BEFORE_EVENT.search(text, max(0, m.start - 60), m.start)
    if hit is None:
        return False
    if hit["ord"]:
        return True
    return start_year is not None and hit["year"] != start_year[:4]


def title_case_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is a headline in title case (no full stop, most of
    its words of four letters or more capitalized), where capitals mark no proper name."""
    start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    line = text[start:end if end >= 0 else len(text)].rstrip()
    if ". " in line or line.endswith("."):
        return False
    words = [w for w in line.split() if len(w) >= 4]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def inside_unknown_name(text: str, m: Match, names: Sequence[Match]) -> bool:
    """A capitalized non-person name right after a capitalized mid-sentence word that no
    other name covers (not in a title-case headline)."""
    if m.outer_type == "Person" or not text[m.start:m.start + 1].isupper() \
            or title_case_line(text, m.start):
        return False
    prev = _PREV_WORD.search(text, max(0, m.start - 40), m.start)
    if prev is None or prev["word"] in ("The", "A", "An", "In", "On", "At", "Mr.", "Ms."):
        return False
    if prev["lead"] in ".!?":
        return False
    start = prev.start("word")
    return not any(n.start <= start < n.end for n in names if n is not m)


def keep_names(text: str, names: Sequence[Match], is_event: Callable[[str], bool],
               year_of: Callable[[str], str | None]) -> list[Match]:
    """The names that pass both rules above."""
    return [m for m in names
            if not (is_event(m.slug) and other_edition(text, m, year_of(m.slug)))
            and not inside_unknown_name(text, m, names)]
