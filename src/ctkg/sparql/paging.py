"""Paging of bundled queries: ``--param limit=N`` and ``--param offset=N``.

SPARQL has no variable in ``LIMIT`` / ``OFFSET``, so these two parameters are not bound as
terms like the others: a bundled query that declares them ends with its default
``LIMIT n`` (and ``OFFSET m``), which runs as written on any store, and a given value
replaces that trailing clause. The values are integers parsed by :mod:`ctkg.sparql.params`
and written back as decimal digits, so nothing but a number ever reaches the text.
At 10,000 documents a whole-corpus question returns tens of thousands of rows; a page keeps
the answer (and its transfer and rendering) small.

A query that declares ``# paging: keys`` chooses its page in a *key sub-select*: the first
sub-select that ends with ``LIMIT n`` (:func:`ctkg.sparql.lexer.key_subselect`) finds, in the
order of the query's first ``ORDER BY`` keys, the keys of the rows of the page (events,
assertions, …), and the rest of the query joins the details of those keys only, then sorts
again. Each key gives at least one row and rows sort by their key first, so the first
``offset + limit`` rows lie among the first ``offset + limit`` keys: paging writes
``LIMIT offset+limit`` into the key sub-select and ``LIMIT limit OFFSET offset`` at the end.
The rows of every page are those of the whole answer in its order; a deeper page costs more
(its keys are read from the start).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ctkg.sparql.lexer import EscapeError, key_subselect, tokenize, unescape_codepoints
from ctkg.sparql.params import XSD, Term
from ctkg.sparql.queryfile import fail, pages_by_keys

PAGING = ("limit", "offset")


def trailing_paging(text: str) -> tuple[int, dict[str, int]]:
    """Where the trailing ``LIMIT n`` / ``OFFSET m`` clause starts in ``text`` (codepoint
    escapes already expanded; its length if there is none) and the numbers it holds."""
    tokens = tokenize(text)
    found: dict[str, int] = {}
    start = len(text)
    while (len(tokens) >= 2 and tokens[-1].kind == "number" and tokens[-1].text.isdigit()
           and tokens[-2].kind == "word" and tokens[-2].text.lower() in PAGING
           and tokens[-2].text.lower() not in found):
        found[tokens[-2].text.lower()] = int(tokens[-1].text)
        start = tokens[-2].start
        tokens = tokens[:-2]
    return start, found


def _number(term: Term, name: str) -> int:
    datatype = getattr(term, "datatype", None)
    if datatype is None or datatype.value != XSD + "integer" or int(term.value) < 0:
        raise fail(f"--param {name}: give a whole number >= 0")
    return int(term.value)


def apply_paging(text: str, terms: Mapping[str, Term],
                 declared: Collection[str]) -> tuple[str, dict[str, Term]]:
    """The query text with the given ``limit`` / ``offset`` in its trailing clause, and the
    other parameters (to bind as terms). Only a query that declares them (``declared``: its
    ``# param:`` names) is paged; without paging values the text is unchanged."""
    paging = [n for n in PAGING if n in declared]
    rest = {n: t for n, t in terms.items() if n not in paging}
    given = {n: _number(t, n) for n, t in terms.items() if n in paging}
    if not given:
        return text, rest
    try:
        text = unescape_codepoints(text)  # token offsets are offsets in the expanded text
    except EscapeError:
        return text, rest  # the safety check refuses the text, naming the escape
    start, defaults = trailing_paging(text)
    values = {**defaults, **given}
    head = text[:start].rstrip()
    keys = key_subselect(head) if pages_by_keys(head) else None
    if keys is not None:  # without a page size, the key sub-select's own LIMIT is the size
        values.setdefault("limit", int(head[keys.limit_start:keys.limit_end].split()[-1]))
        head = (head[:keys.limit_start] + f"LIMIT {values['limit'] + values.get('offset', 0)}"
                + head[keys.limit_end:])
    clause = " ".join(f"{n.upper()} {values[n]}" for n in PAGING if n in values)
    return head + "\n" + clause + "\n", rest
