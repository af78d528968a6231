"""``/sparql`` of ``ctkg serve``: a query page for people who do not write SPARQL.

Why: Oxigraph's own editor knows neither CTKG's prefixes nor its bundled queries. Here a
person picks a bundled query from a list (its title and question in words), fills in its
parameters (pre-filled with the query's example), and gets the answer as an HTML table whose
IRIs link to the site's pages; SPARQL writers edit the text, which starts with CTKG's
prefixes. Plain forms and server-rendered tables: it works without JavaScript. Queries go
through the same limits as ``/query`` and run on Oxigraph with its timeout; a query that
needs the internet (``# network: required``) is not run from this page.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.rdf.namespaces import PREFIXES
from ctkg.site.html import e, page
from ctkg.site.paths import page_path
from ctkg.sparql.execute import run_endpoint
from ctkg.sparql.limits import QueryLimits, limit_problem
from ctkg.sparql.paging import apply_paging
from ctkg.sparql.queryfile import QueryInfo, bind_params, bundled_queries, read_query

PATH = "sparql.html"  # the page's place for its relative links (served at /sparql)
MAX_ROWS = 2000
STARTER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + (
    "\nSELECT ?person ?label WHERE {\n  ?person a ctkg:Person ; skos:prefLabel ?label .\n}"
    "\nORDER BY ?label\n")


class QueryPage:
    """The bundled queries of ``queries/`` and the endpoint to run them on."""

    def __init__(self, root: Path, endpoint: str, timeout: float) -> None:
        self.queries = {n: read_query(p, n) for n, p, _t in bundled_queries(root)}
        self.endpoint = endpoint
        self.timeout = timeout

    def render(self, form: dict[str, str]) -> tuple[int, str]:
        """(status, page) for the form's fields: ``name`` (a bundled query) with its
        parameters, or ``query`` (SPARQL text); neither: the list and the editor."""
        info = self.queries.get(form.get("name", ""))
        text = form.get("query") or (info.text if info else "")
        status, result = 200, ""
        if "run" in form or ("name" in form and info is not None) or "query" in form:
            status, result = self._run(info, text, form)
        body = (f"<h1>Query CTKG</h1>\n{result}\n{self._bundled(info, form)}\n"
                f"{self._editor(text or STARTER)}")
        return status, page(PATH, "Query", body)

    def _run(self, info: QueryInfo | None, text: str, form: dict[str, str]) -> tuple[int, str]:
        if info is not None and info.network:
            return 400, ('<p class="error">This query asks Wikidata over the internet; '
                         "run it with <code>ctkg query</code>.</p>")
        problem = limit_problem(text, QueryLimits())
        if problem:
            return 400, f'<p class="error">Refused: {e(problem)}</p>'
        try:
            raw = [f"{p}={form[p]}" for p in (info.params if info else {})
                   if form.get(p, "").strip()]
            terms = bind_params(info, raw) if info is not None else {}
            if info is not None:
                text, terms = apply_paging(text, terms, info.params)
            result = run_endpoint(text, self.endpoint, terms, timeout=self.timeout,
                                  source=info.name if info else "query page", retries=0)
        except CTKGError as exc:
            return 400, "".join(f'<p class="error">{e(p.message)}</p>' for p in exc.problems)
        title = f"<h2>{e(info.title)}</h2>" if info else "<h2>Results</h2>"
        return 200, title + _table(result)

    def _bundled(self, chosen: QueryInfo | None, form: dict[str, str]) -> str:
        items = []
        for name, info in sorted(self.queries.items()):
            given = form if info is chosen else {}
            fields = "".join(
                f'<label>{e(p.name)} <input name="{e(p.name)}" value="'
                f'{e(given.get(p.name, info.examples.get(p.name, "")))}"></label> '
                for p in info.params.values())
            note = " (needs the internet)" if info.network else ""
            items.append(
                f'<li><form method="get" action="sparql"><input type="hidden" name="name" '
                f'value="{e(name)}"><strong>{e(info.title or name)}</strong>{e(note)}'
                f'<br><small>{e(info.question)}</small><br>{fields}'
                f'<button type="submit">Run</button></form></li>')
        return ('<h2>Bundled queries</h2>\n<p>Pick a question; no SPARQL needed.</p>\n'
                f'<ul class="queries">{"".join(items)}</ul>')

    @staticmethod
    def _editor(text: str) -> str:
        return ('<h2>Write SPARQL</h2>\n<p>CTKG\'s prefixes are declared; the default graph '
                "is the union of all graphs. Programs use <code>/query</code> (SPARQL 1.1 "
                'protocol).</p>\n<form method="post" action="sparql">'
                f'<textarea name="query" rows="16" cols="100">{e(text)}</textarea><br>'
                '<button type="submit" name="run" value="1">Run query</button></form>')


def _cell(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        target = page_path(term.value)
        shown = compact(term.value)
        return f'<a href="{e(target)}">{e(shown)}</a>' if target else e(shown)
    if isinstance(term, ox.Literal):
        return e(term.value)
    return "" if term is None else e(str(term))


def compact(iri: str) -> str:
    """The IRI under its longest matching CTKG prefix (for reading, not for parsing)."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda x: -len(x[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _table(result: object) -> str:
    if isinstance(result, ox.QueryBoolean):
        return f"<p>Answer: <strong>{'yes' if bool(result) else 'no'}</strong></p>"
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = []
    for n, solution in enumerate(result):
        if n >= MAX_ROWS:
            rows.append(f'<tr><td colspan="{len(names)}">… first {MAX_ROWS} rows shown'
                        "</td></tr>")
            break
        rows.append("<tr>" + "".join(f"<td>{_cell(solution[v])}</td>" for v in names)
                    + "</tr>")
    head = "".join(f"<th>{e(n)}</th>" for n in names)
    count = f"<p>{len(rows)} rows</p>" if len(rows) < MAX_ROWS else ""
    return (f'{count}<div style="overflow-x:auto"><table class="results"><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
