"""Limits on a query's text, checked before any parser sees it.

A parser is the first thing a hostile query can hurt: thousands of nested groups overflow the
stack of Oxigraph's recursive-descent parser (the process dies, no message), and a filter of
tens of thousands of disjuncts makes parsing superlinear. Both are refused here, on the raw
text, with a clear message, by the embedded runner, the endpoint mode and ``ctkg serve`` alike.

The size limit was measured (pyoxigraph 0.5.13): Oxigraph's parse proper is linear and fast
(a 50 KB filter of 4,000 disjuncts parses in 0.02 s) but ``Store.query`` also plans the
query before it evaluates anything, and planning is superlinear: a FILTER of 1,000 / 2,000 /
4,000 disjuncts (12 / 25 / 51 KB) takes 0.9 / 5.7 / 22 s. 12 KiB keeps a disjunction under
about a second and is still four times the largest bundled query (2.9 KB). Other shapes
plan slowly while small (a 200-pattern BGP, 3 KB, takes 13 s): no size limit catches them,
the embedded runner's timeout (:mod:`ctkg.sparql.bounded`) does.

Nesting is counted over ``{ ( [`` on the raw text, strings and comments included: that can
only over-count, so a query under the limit is surely under it once parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctkg.errors import CTKGError

MAX_QUERY_BYTES = 12 * 1024
MAX_NESTING = 64
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class QueryLimits:
    """How large and how deeply nested a query may be."""

    max_bytes: int = MAX_QUERY_BYTES
    max_nesting: int = MAX_NESTING


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{ ( [`` in the raw text (an upper bound of the parsed one)."""
    depth = deepest = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def limit_problem(text: str, limits: QueryLimits = QueryLimits()) -> str | None:
    """Why a query is refused, or None when it is within the limits."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        return f"the query is {size} bytes, over the limit of {limits.max_bytes}"
    depth = nesting_depth(text)
    if depth > limits.max_nesting:
        return (f"the query nests {{ ( [ {depth} deep, over the limit of "
                f"{limits.max_nesting}")
    return None


def check_limits(text: str, source: str = "query", limits: QueryLimits = QueryLimits()) -> None:
    """Raise CTKGError (naming ``source``) if the query is over a limit."""
    problem = limit_problem(text, limits)
    if problem is not None:
        raise CTKGError.single(source, None, f"refused before parsing: {problem}")
