"""A polite client for the Wikidata Query Service (WDQS), built on SPARQLWrapper.

Why this wrapper exists: WDQS refuses clients without a descriptive User-Agent, asks for
one request at a time, and answers overload with 429/503 plus ``Retry-After``; a client that
ignores ``Retry-After`` gets banned. So every request here

- carries the User-Agent of :func:`user_agent` (contact configurable with ``CTKG_CONTACT``),
- holds a module-level lock for the whole request including its back-off waits,
- has a timeout, and is retried only on 429/503, at most ``max_retries`` times, after
  waiting what ``Retry-After`` says (seconds or an HTTP date). If the server asks for more
  than ``max_wait`` seconds we give up instead of retrying early,
- turns every other failure into a one-line :class:`~ctkg.errors.CTKGError`.

SPARQLWrapper is used for building the request (method, Accept header, User-Agent, form
encoding). It re-raises urllib's ``HTTPError`` for status codes it does not map (429, 503
among them), so ``Retry-After`` stays readable from ``exc.headers``; 500/400/404 come back as
SPARQLWrapper's own exceptions and are reported as one line. We read the body ourselves
rather than through ``QueryResult.convert()`` so that a malformed answer is our error
message, not a warning plus ``None``.
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import platform
import re
import threading
import time
import urllib.error
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import SPARQLWrapper as _sw
from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ctkg import __version__
from ctkg.errors import CTKGError, Problem

WDQS_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_CONTACT = "contact via the project issue tracker"
PROJECT_URL = "https://w3id.org/ctkg"

#: Retry only on these: the server is overloaded or rate-limits us.
RETRY_STATUS = frozenset({429, 503})
#: Queries longer than this (URL-encoded) go by POST; shorter ones by GET, which WDQS caches.
MAX_GET_QUERY = 1800

# One request at a time across the whole process (threads included), back-off waits included.
_REQUEST_LOCK = threading.Lock()

_UNSAFE = re.compile(r"[^\x20-\x7e]|[()]")


def user_agent(contact: str | None = None) -> str:
    """The User-Agent the Wikimedia policy asks for: tool/version (url; contact) lib/version."""
    raw = contact if contact is not None else os.environ.get("CTKG_CONTACT", "")
    # No control characters (header injection) and no parentheses (they delimit the comment).
    cleaned = " ".join(_UNSAFE.sub(" ", raw).split())[:200] or DEFAULT_CONTACT
    return (f"ctkg/{__version__} ({PROJECT_URL}; {cleaned}) "
            f"SPARQLWrapper/{_sw.__version__} Python/{platform.python_version()}")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if absent
    or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class WikidataClient:
    """SELECT queries against WDQS (or any SPARQL 1.1 endpoint standing in for it)."""

    def __init__(self, endpoint: str = WDQS_ENDPOINT, *, timeout: float = 60.0,
                 max_retries: int = 3, max_wait: float = 120.0, contact: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0:
            raise CTKGError([Problem(endpoint, None, "the timeout must be positive")])
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.max_wait = float(max_wait)
        self.agent = user_agent(contact)
        self._sleep = sleep

    def _wrapper(self, query: str) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.endpoint, agent=self.agent)
        sparql.setQuery(query)
        sparql.setReturnFormat(JSON)
        # SPARQLWrapper.setTimeout() truncates to int (0.5 s would mean "no timeout"); the
        # attribute is passed straight to urlopen, which takes a float.
        sparql.timeout = self.timeout  # type: ignore[assignment]
        sparql.setMethod(POST if len(query.encode("utf-8")) * 3 > MAX_GET_QUERY else GET)
        return sparql

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
        with _REQUEST_LOCK:
            attempt = 0
            while True:  # bounded: returns or raises by attempt max_retries
                try:
                    body = self._request_once(query)
                except urllib.error.HTTPError as exc:
                    if exc.code not in RETRY_STATUS or attempt >= self.max_retries:
                        raise self._http_error(exc, attempt) from None
                    wait = self._wait_for(exc, attempt)
                    exc.close()
                    self._sleep(wait)
                    attempt += 1
                    continue
                return self._parse(body)

    def _request_once(self, query: str) -> bytes:
        sparql = self._wrapper(query)
        try:
            result = sparql.query()
            response = result.response
            try:
                return response.read()
            finally:
                response.close()
        except urllib.error.HTTPError:
            raise
        except SPARQLWrapperException as exc:
            raise self._error(_one_line(str(exc))) from None
        except TimeoutError:
            raise self._error(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            raise self._error(f"unreachable: {_one_line(str(exc.reason))}") from None
        except (OSError, ValueError) as exc:
            raise self._error(f"request failed: {_one_line(str(exc))}") from None

    def _wait_for(self, exc: urllib.error.HTTPError, attempt: int) -> float:
        """How long to wait before retrying; gives up rather than wait less than asked."""
        asked = parse_retry_after(exc.headers.get("Retry-After") if exc.headers else None)
        if asked is None:
            asked = float(2 ** (attempt + 1))  # no Retry-After: 2, 4, 8… seconds
        if asked > self.max_wait:
            raise self._error(f"HTTP {exc.code}: asked to wait {math.ceil(asked)} s, more than "
                              f"the {self.max_wait:g} s cap; try again later")
        return max(1.0, asked)

    def _http_error(self, exc: urllib.error.HTTPError, attempt: int) -> CTKGError:
        try:
            detail = exc.read().decode("utf-8", "replace")
        except Exception:  # the body is only decoration for the message
            detail = ""
        finally:
            exc.close()
        msg = f"HTTP {exc.code} {exc.reason}"
        if exc.code in RETRY_STATUS:
            msg += f" after {attempt} retries"
        if exc.code == 403:
            msg += " (refused: check the User-Agent policy and CTKG_CONTACT)"
        if detail.strip():
            msg += f": {_one_line(detail, 120)}"
        return self._error(msg)

    def _parse(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._error(f"malformed answer: not SPARQL JSON ({_one_line(str(exc), 80)})"
                              ) from None
        if not isinstance(data, dict):
            raise self._error("malformed answer: not a JSON object")
        return data

    def _error(self, message: str) -> CTKGError:
        # Not CTKGError.single: display_path() would mangle the URL's "//".
        return CTKGError([Problem(self.endpoint, None, message)])
