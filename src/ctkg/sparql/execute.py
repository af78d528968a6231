"""Run a query on the embedded Oxigraph store or on a remote SPARQL endpoint, with equal rows.

Both give (variables, rows) of engine-independent :class:`~ctkg.sparql.terms.Term`s; parameters are
substituted as terms in the store and injected as a checked VALUES block for an endpoint.
Every failure (syntax, transport, a non-SPARQL answer) becomes one line naming the query.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ctkg import __version__
from ctkg.errors import CTKGError
from ctkg.sparql.lexer import query_form, uses_service
from ctkg.sparql.params import ParamError, parse_term
from ctkg.sparql.queryfile import fail
from ctkg.sparql.results import Row
from ctkg.sparql.safety import inject_values
from ctkg.sparql.terms import Term

USER_AGENT = f"ctkg/{__version__} (https://w3id.org/ctkg; counter-terrorism KG query tool)"


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


def as_term(value: Any) -> Term:
    """A parameter value given to the API: a Term, an oxigraph term or ``--param`` text."""
    if isinstance(value, Term):
        return value
    if isinstance(value, str):
        try:
            return parse_term(value)
        except ParamError as exc:
            raise fail(str(exc)) from None
    return Term.from_oxigraph(value)


def _triple_rows(triples: Any) -> list[Row]:
    """Subject, predicate, object rows of a CONSTRUCT/DESCRIBE answer (triples or quads)."""
    return [[Term.from_oxigraph(t.subject), Term.from_oxigraph(t.predicate),
             Term.from_oxigraph(t.object)] for t in triples]


def run_store(text: str, store: Any, terms: dict[str, Term],
              source: str | Path) -> tuple[list[str], list[Row]]:
    import pyoxigraph as ox

    subs = {ox.Variable(n): t.to_oxigraph() for n, t in terms.items()}
    try:
        result = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        if isinstance(result, ox.QueryBoolean):
            return [], [[]] if bool(result) else []
        if isinstance(result, ox.QueryTriples):
            return ["subject", "predicate", "object"], _triple_rows(result)
        variables = [v.value for v in result.variables]
        rows = [[None if s[v] is None else Term.from_oxigraph(s[v]) for v in variables]
                for s in result]
    except SyntaxError as exc:
        raise syntax_error(exc, source) from None
    except RuntimeError as exc:  # e.g. a substituted variable that is not projected
        raise fail(f"cannot run the query: {exc}", source) from None
    except OSError as exc:
        raise fail(f"query failed: {exc}", source) from None
    return variables, rows


def run_endpoint(text: str, endpoint: str, terms: dict[str, Term], timeout: float,
                 source: str | Path, allow_network: bool) -> tuple[list[str], list[Row]]:
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    if not (allow_network and uses_service(text)):
        # parse locally first so that a bad query is reported the same way as embedded
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            raise syntax_error(exc, source) from None
    try:
        sent = inject_values(text, {n: t.n3() for n, t in terms.items()})
    except ValueError as exc:
        raise fail(f"cannot bind parameters: {exc}", source) from None
    form = query_form(text)
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setOnlyConneg(True)  # no format=/output= parameters: some servers refuse them
    client.timeout = timeout  # setTimeout() truncates to int seconds; urlopen takes floats
    client.setQuery(sent)
    # SPARQLWrapper guesses the form with a regex that takes "address" in a comment for
    # ADD and would post the query as an update; the lexer knows better
    client.queryType = form
    client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    body = _fetch(client, endpoint, timeout)
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
        return ["subject", "predicate", "object"], _triple_rows(triples)
    try:
        data = json.loads(body)
    except ValueError:
        raise fail(f"endpoint {endpoint} did not answer with SPARQL JSON results") from None
    if "boolean" in data:
        return [], [[]] if data["boolean"] else []
    variables = list(data.get("head", {}).get("vars", []))
    rows = [[Term.from_json(b[v]) if v in b else None for v in variables]
            for b in data.get("results", {}).get("bindings", [])]
    return variables, rows


def _fetch(client: Any, endpoint: str, timeout: float) -> bytes:
    """The raw response body; every transport failure becomes one line."""
    import urllib.error

    from SPARQLWrapper import SPARQLExceptions as sx

    codes = {sx.QueryBadFormed: 400, sx.Unauthorized: 401, sx.EndPointNotFound: 404,
             sx.URITooLong: 414, sx.EndPointInternalError: 500}
    try:
        response = client.query().response
        return response.read()
    except tuple(codes) as exc:
        detail = _response_text(exc)
        raise fail(f"endpoint {endpoint} answered HTTP {codes[type(exc)]}"
                   + (f": {detail}" if detail else "")) from None
    except urllib.error.HTTPError as exc:
        raise fail(f"endpoint {endpoint} answered HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise fail(f"endpoint {endpoint} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise fail(f"endpoint {endpoint} did not answer within {timeout:g} s") from None
        raise fail(f"cannot reach endpoint {endpoint}: {exc.reason}") from None
    except (ConnectionError, OSError, ValueError) as exc:
        raise fail(f"cannot reach endpoint {endpoint}: {exc}") from None


def _response_text(exc: Exception) -> str:
    """The server's message that SPARQLWrapper folds into its exception text, on one line."""
    import ast

    _head, sep, tail = str(exc).partition("Response:")
    if not sep:
        return ""
    try:
        body = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        body = tail
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return " ".join(str(body).split())[:200]
