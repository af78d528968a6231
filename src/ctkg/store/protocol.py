"""A small retrying HTTP client for SPARQL 1.1 Query, Update and the Graph Store Protocol.

Why plain ``urllib`` rather than SPARQLWrapper: ``ctkg load`` needs one transport for three
protocols (GSP has no SPARQLWrapper support) with the same retry policy, timeouts, auth and
error wording everywhere, and it must recognise a wrong URL from the response's Content-Type.

Credentials come only from the environment (``CTKG_ENDPOINT_TOKEN`` for a Bearer token, or
``CTKG_ENDPOINT_USER`` + ``CTKG_ENDPOINT_PASSWORD`` for HTTP Basic) and never appear in output:
every URL in a message goes through :func:`scrub_url`.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ctkg.errors import CTKGError, Problem

T = TypeVar("T")

ENV_USER = "CTKG_ENDPOINT_USER"
ENV_PASSWORD = "CTKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "CTKG_ENDPOINT_TOKEN"
USER_AGENT = "ctkg-load (https://w3id.org/ctkg) python-urllib"
RESULTS_JSON = "application/sparql-results+json"
MAX_DELAY = 8.0  # cap of one backoff pause, seconds

_SECRET_PARAM = re.compile(r"(?i)(token|key|pass|secret|auth|sig|cred)")


def scrub_url(url: str) -> str:
    """The URL without userinfo and with secret-looking query values masked (safe to print)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = urllib.parse.urlencode(
            [(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="/:*")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class EndpointError(CTKGError):
    """A failed exchange with the store: one line naming the (scrubbed) URL and the cause."""

    def __init__(self, url: str, message: str, *, status: int | None = None,
                 transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__([Problem(scrub_url(url), None, message)])
        self.url = scrub_url(url)
        self.message = message
        self.status = status
        self.transient = transient
        self.retry_after = retry_after

    def with_message(self, message: str) -> EndpointError:
        """The same failure with a different text (e.g. a note on what was left behind)."""
        return EndpointError(self.url, message, status=self.status, transient=self.transient)


def call_with_retries(fn: Callable[[], T], *, retries: int, base_delay: float,
                      sleep: Callable[[float], None] = time.sleep,
                      max_delay: float = MAX_DELAY) -> T:
    """Call ``fn``; on a transient :class:`EndpointError` wait and try again, at most
    ``retries`` more times, with delays ``base_delay * 2**k`` (capped; ``Retry-After``
    honoured up to the cap). The last error says how many attempts were made."""
    attempt = 0
    while True:
        try:
            return fn()
        except EndpointError as exc:
            if not exc.transient or attempt >= retries:
                if attempt:
                    raise exc.with_message(f"{exc.message} (after {attempt + 1} attempts)") \
                        from None
                raise
            delay = min(max_delay, base_delay * (2 ** attempt))
            if exc.retry_after is not None:
                delay = min(max_delay, max(delay, exc.retry_after))
            attempt += 1
            sleep(delay)


def credentials_header(env: Mapping[str, str] | None = None) -> str | None:
    """The Authorization header value from the environment, or None (never logged)."""
    env = os.environ if env is None else env
    token = env.get(ENV_TOKEN)
    if token:
        return f"Bearer {token}"
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            raise CTKGError.single(
                "ctkg load", None, f"set both {ENV_USER} and {ENV_PASSWORD} (or {ENV_TOKEN})")
        raw = f"{user}:{password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")
    return None


@dataclass(frozen=True)
class Endpoints:
    """Where to query, update and (optionally) PUT graphs; ``graph_store`` None: no GSP."""

    query: str
    update: str
    graph_store: str | None
    graph_store_given: bool = False


def derive_endpoints(query: str, graph_store: str | None = None,
                     update: str | None = None) -> Endpoints:
    """Fill in the update and GSP URLs from the query URL for the stores we know.

    Oxigraph ``/query`` -> ``/update``, ``/store``; Fuseki ``/ds/sparql`` or ``/ds/query`` ->
    ``/ds/update``, ``/ds/data``; GraphDB/RDF4J ``/repositories/X`` ->
    ``/repositories/X/statements``, ``/repositories/X/rdf-graphs/service``.
    """
    for url in (query, graph_store, update):
        if url is None:
            continue
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CTKGError.single("ctkg load", None,
                                   f"not an http(s) URL: {scrub_url(url)}")
        if "@" in parts.netloc:
            raise CTKGError.single(
                "ctkg load", None,
                f"credentials in URLs are not accepted ({scrub_url(url)}): set {ENV_USER} and "
                f"{ENV_PASSWORD}, or {ENV_TOKEN}")
    parts = urllib.parse.urlsplit(query)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    derived_update = derived_gsp = None
    if path == "/query":  # Oxigraph
        derived_update, derived_gsp = at("/update"), at("/store")
    elif re.search(r"/repositories/[^/]+$", path):  # GraphDB, RDF4J
        derived_update, derived_gsp = at(path + "/statements"), at(path + "/rdf-graphs/service")
    elif m := re.fullmatch(r"(.*/[^/]+)/(sparql|query)", path):  # Fuseki
        derived_update, derived_gsp = at(m.group(1) + "/update"), at(m.group(1) + "/data")
    final_update = update or derived_update
    if not final_update:
        raise CTKGError.single(
            "ctkg load", None,
            f"cannot derive the SPARQL Update URL from {scrub_url(query)}: give --update")
    return Endpoints(query=query, update=final_update, graph_store=graph_store or derived_gsp,
                     graph_store_given=graph_store is not None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are errors: a moved endpoint must be named by its final URL (and
    credentials must not follow a redirect elsewhere)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _short(body: bytes, limit: int = 160) -> str:
    """The first line of a response body, for an error message."""
    text = body.decode("utf-8", "replace").strip()
    if "<html" in text[:500].lower() or "<!doctype" in text[:500].lower():
        return "an HTML page"
    first = text.splitlines()[0] if text else ""
    return first[:limit] + ("…" if len(first) > limit else "")


@dataclass
class Response:
    """A finished 2xx exchange."""

    status: int
    content_type: str
    body: bytes


class SparqlClient:
    """Query, update and GSP PUT against one store, with retries and one-line errors."""

    def __init__(self, endpoints: Endpoints, *, timeout: float = 60.0, retries: int = 3,
                 base_delay: float = 0.5, auth: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0 or retries < 0 or base_delay < 0:
            raise CTKGError.single("ctkg load", None,
                                   "--timeout must be > 0 and --retries >= 0")
        self.endpoints = endpoints
        self.timeout = timeout
        self.retries = retries
        self.base_delay = base_delay
        self.auth = auth
        self.sleep = sleep
        self.requests = 0
        self._opener = urllib.request.build_opener(_NoRedirect())

    # -- transport ---------------------------------------------------------------------------

    def _once(self, method: str, url: str, body: bytes | None,
              headers: Mapping[str, str]) -> Response:
        req = urllib.request.Request(url, data=body, method=method)
        req.add_header("User-Agent", USER_AGENT)
        for k, v in headers.items():
            req.add_header(k, v)
        if self.auth:
            req.add_unredirected_header("Authorization", self.auth)
        self.requests += 1
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                data = resp.read()
                return Response(resp.status, resp.headers.get("Content-Type", ""), data)
        except urllib.error.HTTPError as exc:
            raise self._http_error(url, exc) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                raise EndpointError(url, "cannot resolve the host name") from None
            raise EndpointError(url, f"cannot connect ({_describe(reason)})",
                                transient=True) from None
        except TimeoutError:
            raise EndpointError(url, f"no answer within {self.timeout:g} s (timeout)",
                                transient=True) from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise EndpointError(url, f"connection dropped ({_describe(exc)})",
                                transient=True) from None

    def _http_error(self, url: str, exc: urllib.error.HTTPError) -> EndpointError:
        code = exc.code
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = b""
        detail = _short(body)
        if 300 <= code < 400:
            where = scrub_url(exc.headers.get("Location", "") or "?")
            return EndpointError(url, f"HTTP {code}: the endpoint redirects to {where}; "
                                      "give the final URL", status=code)
        if code in (401, 407):
            return EndpointError(url, f"authentication refused (HTTP {code}): check "
                                      f"{ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}", status=code)
        if code == 429 or code >= 500:
            retry_after = None
            ra = exc.headers.get("Retry-After")
            if ra and ra.strip().isdigit():
                retry_after = float(ra.strip())
            return EndpointError(url, f"HTTP {code}" + (f": {detail}" if detail else ""),
                                 status=code, transient=True, retry_after=retry_after)
        return EndpointError(url, f"HTTP {code}" + (f": {detail}" if detail else ""),
                             status=code)

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> Response:
        """One exchange, retried on transient failures."""
        return call_with_retries(lambda: self._once(method, url, body, headers or {}),
                                 retries=self.retries, base_delay=self.base_delay,
                                 sleep=self.sleep)

    # -- SPARQL ------------------------------------------------------------------------------

    def select(self, sparql: str) -> list[dict[str, str]]:
        """Run a SELECT; rows of variable -> lexical value. A non-SPARQL answer (an HTML page,
        JSON of another kind) is an error that says the URL is probably wrong."""
        url = self.endpoints.query
        resp = self.request("POST", url, urllib.parse.urlencode({"query": sparql}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": RESULTS_JSON})
        ctype = resp.content_type.split(";")[0].strip().lower()
        wrong = (f"not a SPARQL query endpoint: it answered {ctype or 'no Content-Type'}"
                 f" ({_short(resp.body)}), not SPARQL JSON results; check --endpoint")
        if ctype not in (RESULTS_JSON, "application/json"):
            raise EndpointError(url, wrong)
        try:
            doc = json.loads(resp.body)
            bindings = doc["results"]["bindings"]
            return [{k: v["value"] for k, v in row.items()} for row in bindings]
        except (ValueError, KeyError, TypeError):
            raise EndpointError(url, wrong) from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request (applied as one unit by transactional stores)."""
        self.request("POST", self.endpoints.update, sparql.encode("utf-8"),
                     {"Content-Type": "application/sparql-update; charset=utf-8"})

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one graph with a GSP PUT of N-Triples."""
        assert self.endpoints.graph_store
        base = self.endpoints.graph_store
        url = base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"graph": graph})
        self.request("PUT", url, ntriples, {"Content-Type": "application/n-triples"})

    def list_graphs(self, prefix: str) -> set[str]:
        """Names of the store's named graphs whose IRI starts with ``prefix``."""
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } "
            f"FILTER(STRSTARTS(STR(?g), {json.dumps(prefix)})) }}")
        return {r["g"] for r in rows if "g" in r}

    def count_graphs(self, graphs: Iterable[str], batch: int = 200) -> dict[str, int]:
        """Triples per graph (0 for absent graphs), a few graphs per request."""
        names = sorted(set(graphs))
        counts = dict.fromkeys(names, 0)
        for i in range(0, len(names), batch):
            values = " ".join(f"<{g}>" for g in names[i:i + batch])
            rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            for r in rows:
                if r.get("g") in counts:
                    counts[r["g"]] = int(r["n"])
        return counts


def _describe(reason: object) -> str:
    """A short human cause for a socket-level failure."""
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, TimeoutError):
        return "timeout"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "server closed the connection"
    text = str(reason) or type(reason).__name__
    return text[:120]
