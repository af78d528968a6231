"""Run a query on the embedded Oxigraph store or on a remote SPARQL endpoint, with equal rows.

Both answer with pyoxigraph results (an endpoint's answer is parsed by pyoxigraph), so rows
of both compare equal. Parameters are substituted as terms in the store and injected as a
checked VALUES block for an endpoint. Every failure (syntax, transport, a non-SPARQL answer)
becomes one line naming the query or the endpoint.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.http import EndpointError, HttpClient, RetryPolicy, credentials, scrub_url
from ctkg.sparql.lexer import query_form, uses_service
from ctkg.sparql.params import ParamError, Term, parse_term
from ctkg.sparql.queryfile import fail
from ctkg.sparql.results import RESULTS_JSON, Result, triples_as_solutions
from ctkg.sparql.safety import inject_values

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def syntax_error(exc: SyntaxError, source: str | Path) -> CTKGError:
    """Oxigraph's parse error as one line, with the line and column it names."""
    msg = " ".join(str(exc).split())
    m = re.search(r"error at (\d+):(\d+)", msg)
    line = int(m.group(1)) if m else None
    if m:
        msg = f"SPARQL syntax error at line {m.group(1)}, column {m.group(2)}" + msg[m.end():]
    else:
        msg = f"SPARQL syntax error: {msg}"
    return fail(msg, source, line)


def as_term(value: object) -> Term:
    """A parameter value given to the API: a pyoxigraph term or ``--param`` text."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    if isinstance(value, str):
        try:
            return parse_term(value)
        except ParamError as exc:
            raise fail(str(exc)) from None
    raise fail(f"a parameter must be an IRI or a literal, not {value!r}")


def run_store(text: str, store: ox.Store, terms: dict[str, Term],
              source: str | Path) -> Result:
    """The query on the embedded store, its default graph the union of all graphs."""
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(n): t for n, t in terms.items()}
    try:
        result = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        # Oxigraph evaluates lazily: run it to the end here, where its errors are caught
        if isinstance(result, ox.QueryTriples):
            return triples_as_solutions(list(result))
        if isinstance(result, ox.QuerySolutions):
            data = result.serialize(format=ox.QueryResultsFormat.JSON)
            return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        return result
    except SyntaxError as exc:
        raise syntax_error(exc, source) from None
    except RuntimeError as exc:  # e.g. a substituted variable that is not projected
        raise fail(f"cannot run the query: {exc}", source) from None
    except OSError as exc:
        raise fail(f"query failed: {exc}", source) from None


def run_endpoint(text: str, endpoint: str, terms: dict[str, Term], *, timeout: float,
                 source: str | Path, allow_network: bool, retries: int = 2) -> Result:
    """The query on a SPARQL 1.1 endpoint (POST, the project's HTTP policy)."""
    if not (allow_network and uses_service(text)):
        # parse locally first so that a bad query is reported the same way as embedded
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            raise syntax_error(exc, source) from None
    try:
        sent = inject_values(text, {n: str(t) for n, t in terms.items()})
    except ValueError as exc:
        raise fail(f"cannot bind parameters: {exc}", source) from None
    graph = query_form(text) in GRAPH_FORMS
    client = HttpClient(timeout=timeout, policy=RetryPolicy(retries=retries),
                        auth=credentials())
    where = scrub_url(endpoint)
    try:
        resp = client.request("POST", endpoint, data={"query": sent}, headers={
            "Accept": "text/turtle" if graph else RESULTS_JSON})
    except EndpointError as exc:
        raise _endpoint_failure(exc, where, timeout) from None
    try:
        if graph:
            return triples_as_solutions(list(ox.parse(resp.body, format=ox.RdfFormat.TURTLE)))
        parsed = ox.parse_query_results(resp.body, ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QuerySolutions):
            list(parsed)  # the parser is lazy: read every row now, so errors surface here
        return ox.parse_query_results(resp.body, ox.QueryResultsFormat.JSON)
    except SyntaxError:
        what = "Turtle" if graph else "SPARQL JSON results"
        raise fail(f"endpoint {where} did not answer with {what}") from None


def _endpoint_failure(exc: EndpointError, where: str, timeout: float) -> CTKGError:
    if exc.cause == "timeout":
        return fail(f"endpoint {where} did not answer within {timeout:g} s")
    if exc.cause == "connection":
        return fail(f"cannot reach endpoint {where}: {exc.message}")
    return fail(f"endpoint {where} answered {exc.message}")
