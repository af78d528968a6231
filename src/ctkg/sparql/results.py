"""Query results as text: SPARQL 1.1 CSV, TSV and JSON by pyoxigraph's serializers, or an
aligned table for a terminal.

Results are pyoxigraph's whichever engine answered: the embedded store gives them, and an
endpoint's answer is parsed into them (:func:`pyoxigraph.parse_query_results`), so rows of
both compare equal and are written by the same serializer.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ctkg.rdf.namespaces import PREFIXES

#: One cell of a result row: a term, or None where the variable is unbound.
Cell = ox.NamedNode | ox.BlankNode | ox.Literal | None
Row = list[Cell]
#: A query's answer: solutions (SELECT, and CONSTRUCT/DESCRIBE as subject/predicate/object
#: solutions) or a boolean (ASK).
Result = ox.QuerySolutions | ox.QueryBoolean

#: The media type of SPARQL 1.1 JSON results, what every client here asks an endpoint for.
RESULTS_JSON = "application/sparql-results+json"
FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
           "json": ox.QueryResultsFormat.JSON}
TRIPLE_VARIABLES = ["subject", "predicate", "object"]


def triples_as_solutions(triples: Iterable[ox.Triple]) -> ox.QuerySolutions:
    """CONSTRUCT/DESCRIBE triples as subject, predicate, object solutions, so that every
    answer is written by the same result serializers."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    answer = store.query("SELECT ?subject ?predicate ?object "
                         "WHERE { ?subject ?predicate ?object }")
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def rows_of(result: Result) -> tuple[list[str], list[Row]]:
    """(variables, rows); an ASK answer is ``([], [[]])`` for true and ``([], [])`` for false."""
    if isinstance(result, ox.QueryBoolean):
        return [], [[]] if bool(result) else []
    variables = [v.value for v in result.variables]
    return variables, [[s[v] for v in variables] for s in result]


def shorten(text: str, width: int) -> str:
    """The text cut to ``width`` characters with an ellipsis, for a table column."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _short(term: Cell, width: int = 60) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = term.value
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and len(text) > len(ns):
                text = f"{prefix}:{text[len(ns):]}"
                break
    elif isinstance(term, ox.Literal):
        text = f"{term.value} @{term.language}" if term.language else term.value
    else:
        text = f"_:{term.value}"
    return shorten(" ".join(text.split()), width)


def to_table(variables: list[str], rows: list[Row]) -> str:
    """Aligned columns with prefixed names, for reading in a terminal."""
    cells = [[_short(t) for t in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: Result, fmt: str) -> str:
    """The answer in ``fmt``: ``table``, or SPARQL 1.1 ``csv``, ``tsv``, ``json``.

    An ASK answer is ``true``/``false`` (JSON: the boolean document). Consumes ``result``.
    """
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return ("true" if bool(result) else "false") + "\n"
        return to_table(*rows_of(result))
    data = result.serialize(format=FORMATS[fmt])
    assert data is not None  # no output given: the serializer returns the bytes
    text = data.decode("utf-8")
    return text if text.endswith("\n") else text + "\n"
