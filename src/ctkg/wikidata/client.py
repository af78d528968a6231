"""A polite client for the Wikidata Query Service (WDQS), on :mod:`ctkg.http`.

Why this wrapper exists: WDQS refuses clients without a descriptive User-Agent, asks for
one request at a time, and answers overload with 429/503 plus ``Retry-After``; a client that
ignores ``Retry-After`` gets banned. So every request here

- carries the User-Agent of :func:`ctkg.http.user_agent` (contact: ``CTKG_CONTACT``),
- holds a module-level lock for the whole request including its back-off waits,
- waits what ``Retry-After`` says (never less than a second) and gives up rather than retry
  early when asked to wait longer than ``max_wait``,
- turns every failure into a one-line :class:`~ctkg.errors.CTKGError` naming the endpoint.

Short queries go by GET, which WDQS caches; long ones by POST.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from ctkg.errors import CTKGError, Problem
from ctkg.http import (
    EndpointError,
    HttpClient,
    RetryPolicy,
    body_excerpt,
    one_line,
    user_agent,
)
from ctkg.sparql.results import RESULTS_JSON

WDQS_ENDPOINT = "https://query.wikidata.org/sparql"
#: Queries longer than this (URL-encoded) go by POST; shorter ones by GET, which WDQS caches.
MAX_GET_QUERY = 1800

# One request at a time across the whole process (threads included), back-off waits included.
_REQUEST_LOCK = threading.Lock()


class WikidataClient:
    """SELECT queries against WDQS (or any SPARQL 1.1 endpoint standing in for it)."""

    def __init__(self, endpoint: str = WDQS_ENDPOINT, *, timeout: float = 60.0,
                 max_retries: int = 3, max_wait: float = 120.0, contact: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0:
            raise CTKGError([Problem(endpoint, None, "the timeout must be positive")])
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self.agent = user_agent(contact)
        policy = RetryPolicy(retries=max(0, int(max_retries)), base_delay=2.0, max_delay=8.0,
                             min_delay=1.0, max_wait=float(max_wait))
        self._http = HttpClient(timeout=self.timeout, policy=policy, agent=self.agent,
                                lock=_REQUEST_LOCK, sleep=sleep)

    def select(self, query: str) -> list[dict[str, dict[str, str]]]:
        """Run a SELECT query and return its JSON bindings; CTKGError on any failure."""
        data = self.query_json(query)
        try:
            bindings = data["results"]["bindings"]
        except (KeyError, TypeError):
            raise self._error("malformed answer: no results.bindings") from None
        if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
            raise self._error("malformed answer: results.bindings is not a list of objects")
        for b in bindings:
            for term in b.values():
                if not isinstance(term, dict) or "type" not in term or "value" not in term:
                    raise self._error("malformed answer: a binding without type and value")
        return bindings

    def query_json(self, query: str) -> dict[str, Any]:
        """One SPARQL request with polite retries; the parsed JSON answer."""
        headers = {"Accept": RESULTS_JSON}
        try:
            if len(query.encode("utf-8")) * 3 > MAX_GET_QUERY:
                resp = self._http.request("POST", self.endpoint, data={"query": query},
                                          headers=headers)
            else:
                resp = self._http.request("GET", self.endpoint, params={"query": query},
                                          headers=headers)
        except EndpointError as exc:
            raise self._error(self._describe(exc)) from None
        return self._parse(resp.body)

    def _describe(self, exc: EndpointError) -> str:
        if exc.cause == "connection":
            return f"unreachable: {exc.message}"
        if exc.status == 403:
            return exc.message.replace(
                "HTTP 403", "HTTP 403 (refused: check the User-Agent policy and CTKG_CONTACT)",
                1)
        return exc.message

    def _parse(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise self._error(f"malformed answer: not SPARQL JSON ({body_excerpt(body, 80)})"
                              ) from None
        if not isinstance(data, dict):
            raise self._error("malformed answer: not a JSON object")
        return data

    def _error(self, message: str) -> CTKGError:
        # Not CTKGError.single: display_path() would mangle the URL's "//".
        return CTKGError([Problem(self.endpoint, None, one_line(message, 300))])
