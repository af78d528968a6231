"""Event series (issue 16): the ordinal of a member must be read off its text.

An ``ordinal=N`` note on an ``inSeries`` relation is a number the annotator typed; the
build accepts it only where the text between the member's and the series' mentions says
it ("This conference was the fourth in a series": 4), so a typo cannot become a fact.
"""

from __future__ import annotations

import re

_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
          "ninth", "tenth", "eleventh", "twelfth")
_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def ordinal_forms(n: int) -> tuple[str, ...]:
    """How a text may write the ordinal ``n``: the word (up to twelfth) and ``4th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else _SUFFIX.get(n % 10, "th")
    forms = [f"{n}{suffix}"]
    if n <= len(_WORDS):
        forms.insert(0, _WORDS[n - 1])
    return tuple(forms)


def ordinal_stated(text: str, n: int) -> bool:
    """Whether ``text`` states the ordinal ``n`` as a whole word."""
    pattern = "|".join(re.escape(f) for f in ordinal_forms(n))
    return re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE) is not None
