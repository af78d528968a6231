"""Query results as text: SPARQL 1.1 CSV, TSV and JSON, or an aligned table for a terminal."""

from __future__ import annotations

import csv
import io
import json

from ctkg.rdf.namespaces import PREFIXES
from ctkg.sparql.terms import Term

Row = list[Term | None]


def shorten(text: str, width: int) -> str:
    """The text cut to ``width`` characters with an ellipsis, for a table column."""
    return text if len(text) <= width else text[: width - 1] + "…"


def to_csv(variables: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF lines, IRIs plain, literals lexical)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else t.csv() for t in row])
    return out.getvalue()


def to_tsv(variables: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_json(variables: list[str], rows: list[Row], *, ask: bool = False) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if ask:
        return json.dumps({"head": {}, "boolean": bool(rows)}, indent=2) + "\n"
    bindings = [{v: t.to_json() for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _short(term: Term | None, width: int = 60) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        text = term.value
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and len(text) > len(ns):
                text = f"{prefix}:{text[len(ns):]}"
                break
    elif term.kind == "literal" and term.lang:
        text = f"{term.value} @{term.lang}"
    else:
        text = term.value if term.kind == "literal" else f"_:{term.value}"
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


def render(variables: list[str], rows: list[Row], fmt: str, *, ask: bool = False) -> str:
    """The rows in ``fmt`` (csv, tsv, json, table); an ASK answer is true/false."""
    if ask:
        if fmt == "json":
            return to_json(variables, rows, ask=True)
        return ("true" if rows else "false") + "\n"
    return {"csv": to_csv, "tsv": to_tsv, "json": to_json, "table": to_table}[fmt](
        variables, rows)
