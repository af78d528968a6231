"""Run a query on the embedded Oxigraph store or on a remote SPARQL endpoint, with equal rows.

Both answer with pyoxigraph results (an endpoint's answer is parsed by pyoxigraph), so rows
of both compare equal. Parameters are injected as a checked VALUES block at the top of the
WHERE pattern, for an endpoint and for the store alike: Oxigraph's ``substitutions`` bind a
variable after planning, so a query about one entity still joined the whole corpus (500 ms
instead of 0.6 ms for entity-mentions at 1,000 documents). Every failure (syntax,
transport, a non-SPARQL answer, a deadline passed) becomes one line naming the query or the
endpoint.

Both runners take the text :func:`ctkg.sparql.safety.checked_text` returned, never the raw
one. Oxigraph's work (parse, plan, evaluation) runs under a deadline in
:func:`ctkg.sparql.bounded.run_bounded`; the endpoint mode only parses locally, it never
evaluates (an empty store would still call a SERVICE or build a cartesian product).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.http import EndpointError, HttpClient, RetryPolicy, credentials, scrub_url
from ctkg.sparql.bounded import DEFAULT_TIMEOUT, run_bounded
from ctkg.sparql.lexer import query_form
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


def run_store(text: str, store: ox.Store, terms: dict[str, Term], source: str | Path,
              timeout: float = DEFAULT_TIMEOUT) -> Result:
    """The query on the embedded store, its default graph the union of all graphs; read to
    the end within ``timeout`` seconds (then abandoned, see :mod:`ctkg.sparql.bounded`).

    The worker hands back SPARQL JSON bytes, not pyoxigraph results: those are bound to
    the thread that made them (using one from another thread aborts the process).
    """
    data = run_store_bytes(text, store, terms, source, timeout)
    return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)


def run_store_bytes(text: str, store: ox.Store, terms: dict[str, Term], source: str | Path,
                    timeout: float = DEFAULT_TIMEOUT,
                    results_format: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON
                    ) -> bytes:
    """The whole answer serialized in ``results_format`` by the worker, within ``timeout``
    seconds (:func:`run_store` parses JSON; the listing cache keeps TSV as it comes)."""
    return run_bounded(lambda: _evaluate(text, store, terms, source, results_format),
                       timeout=timeout, source=source)


def _evaluate(text: str, store: ox.Store, terms: dict[str, Term], source: str | Path,
              results_format: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON) -> bytes:
    """The whole answer as SPARQL results in ``results_format`` (CONSTRUCT/DESCRIBE as
    s, p, o solutions)."""
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
    try:  # a VALUES block, as sent to an endpoint: the planner starts from the bound term
        text = inject_values(text, {n: str(t) for n, t in terms.items()})
    except ValueError:  # no WHERE pattern to put it in: bind the projected variables
        subs = {ox.Variable(n): t for n, t in terms.items()}
    try:
        result = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        # Oxigraph evaluates lazily: run it to the end here, where its errors are caught
        answer = triples_as_solutions(list(result)) if isinstance(result, ox.QueryTriples) \
            else result
        data = answer.serialize(format=results_format)
        assert data is not None  # no output given: the serializer returns the bytes
        return data
    except SyntaxError as exc:
        raise syntax_error(exc, source) from None
    except RuntimeError as exc:  # e.g. a substituted variable that is not projected
        raise fail(f"cannot run the query: {exc}", source) from None
    except OSError as exc:
        raise fail(f"query failed: {exc}", source) from None


def parse_only(text: str, source: str | Path, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Raise the engine's syntax error if Oxigraph cannot parse ``text``; evaluate nothing.

    pyoxigraph has no parse-only call, so the query is given to an empty store with a
    substitution of a fresh variable the query cannot mention: Oxigraph parses and plans
    the query, then refuses the substitution *before evaluating anything* (no SERVICE
    call, no row; ``test_endpoint_mode_parses_without_executing`` and the gate's fuzz
    test hold it to that). Planning is superlinear, so this too runs under the deadline.
    """
    name = "ctkg_parse_only_" + uuid.uuid4().hex
    probe: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): ox.Literal("")}

    def attempt() -> None:
        try:
            ox.Store().query(text, substitutions=probe)
        except SyntaxError as exc:
            raise syntax_error(exc, source) from None
        except RuntimeError as exc:
            if name not in str(exc):
                raise fail(f"cannot run the query: {exc}", source) from None
            return
        raise fail("the query could not be checked locally", source)  # pragma: no cover

    run_bounded(attempt, timeout=timeout, source=source, what="parsing the query")


def run_endpoint(text: str, endpoint: str, terms: dict[str, Term], *, timeout: float,
                 source: str | Path, retries: int = 2) -> Result:
    """The query on a SPARQL 1.1 endpoint (POST, the project's HTTP policy), after a local
    parse that reports a bad query the same way as embedded."""
    parse_only(text, source, timeout)
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
