"""The one HTTP client of CTKG: SPARQL endpoints, SPARQL Update / Graph Store and Wikidata.

Every request CTKG sends goes through :class:`HttpClient`, so one policy holds everywhere:

- one User-Agent, the form the Wikimedia policy asks for (:func:`user_agent`); its contact
  comes from ``CTKG_CONTACT``;
- a timeout on every request that bounds the whole exchange (connect, send, wait, read the
  last byte), not each socket read: a peer that drips one byte a second would otherwise
  hold a client forever (:mod:`ctkg.http.bounds`); and optionally a :class:`Deadline` for a
  whole task (``ctkg load``), past which no attempt starts and no wait is begun;
- retries only for what can heal: timeouts, refused or dropped connections, and the statuses
  of :data:`RETRY_STATUS` (429 and the 5xx of an overloaded or restarting server). Never a
  4xx other than 429, never 501/505 (they will not change by waiting);
- the wait honours ``Retry-After`` in seconds or as an HTTP date; without it, exponential
  backoff capped at ``max_delay``. A server asking for more than ``max_wait`` seconds is not
  retried early: the request fails and says how long it was asked to wait;
- credentials only from the environment (:func:`credentials`), sent only to the URL given
  (redirects are followed for GET alone, and requests drops ``Authorization`` when a
  redirect leaves the host); ``~/.netrc`` is never read;
- every URL in a message goes through :func:`scrub_url`, so no secret reaches a terminal.

Every method is retried, updates included: CTKG's updates are safe to repeat (``DROP
SILENT`` then ``INSERT DATA`` gives the same graphs however often it runs). An error says
whether the request may have reached the server (``reached``), so that ``ctkg load`` can tell
a swap that surely did not happen from one whose outcome is unknown.

Built on ``requests``. Why our own retry loop rather than ``urllib3.util.Retry`` mounted on
the adapter: ``Retry`` sleeps inside the connection pool with ``time.sleep`` (tests could not
observe the waits without sleeping for real), it would sleep through a ``Retry-After`` of an
hour instead of giving up, and it reports exhaustion as ``MaxRetryError`` without the last
status and body, which our one-line errors need.
"""

from __future__ import annotations

import base64
import email.utils
import http.client
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
import urllib3

from ctkg import __version__
from ctkg.errors import CTKGError, Problem
from ctkg.http.bounds import Deadline as Deadline  # part of this module's API
from ctkg.http.bounds import Watchdog, watched_adapter

PROJECT_URL = "https://w3id.org/ctkg"
DEFAULT_CONTACT = "contact via the project issue tracker"
ENV_CONTACT = "CTKG_CONTACT"
ENV_USER = "CTKG_ENDPOINT_USER"
ENV_PASSWORD = "CTKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "CTKG_ENDPOINT_TOKEN"

#: Statuses worth another try: rate limiting and the 5xx of an overloaded or restarting server.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: Error codes in a 5xx answer that no wait heals: Virtuoso answers a missing permission
#: (SR186, e.g. SPARQL_UPDATE not granted) and a SPARQL text its compiler cannot take (SP030,
#: SP031) with HTTP 500.
PERMANENT_5XX_CODES = (b"SR186", b"SP030", b"SP031")

_UNSAFE = re.compile(r"[^\x20-\x7e]|[()]")
_SECRET_PARAM = re.compile(r"(?i)(token|key|pass|secret|auth|sig|cred)")


def user_agent(contact: str | None = None) -> str:
    """``ctkg/<version> (<project URL>; <contact>) requests/<version>``: the Wikimedia form.

    The contact is ``contact`` or ``$CTKG_CONTACT``; control characters (header injection)
    and parentheses (they delimit the comment) are removed from it.
    """
    raw = contact if contact is not None else os.environ.get(ENV_CONTACT, "")
    cleaned = " ".join(_UNSAFE.sub(" ", raw).split())[:200] or DEFAULT_CONTACT
    return f"ctkg/{__version__} ({PROJECT_URL}; {cleaned}) requests/{requests.__version__}"


def credentials(env: Mapping[str, str] | None = None) -> str | None:
    """The ``Authorization`` header value from the environment, or None (never logged).

    ``CTKG_ENDPOINT_TOKEN`` gives a Bearer token; ``CTKG_ENDPOINT_USER`` with
    ``CTKG_ENDPOINT_PASSWORD`` gives HTTP Basic.
    """
    env = os.environ if env is None else env
    token = env.get(ENV_TOKEN)
    if token:
        return f"Bearer {token}"
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if not (user or password):
        return None
    if not (user and password):
        raise CTKGError([Problem("ctkg", None,
                                 f"set both {ENV_USER} and {ENV_PASSWORD} (or {ENV_TOKEN})")])
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


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


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if
    absent or unreadable. A date in the past means no wait."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def one_line(text: str, limit: int = 160) -> str:
    """Text flattened to one line and cut, for an error message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def body_excerpt(body: bytes, limit: int = 160) -> str:
    """The first line of a response body for a message ("an HTML page" for HTML)."""
    text = body.decode("utf-8", "replace").strip()
    if "<html" in text[:500].lower() or "<!doctype" in text[:500].lower():
        return "an HTML page"
    return one_line(text.splitlines()[0] if text else "", limit)


class EndpointError(CTKGError):
    """A failed exchange: one line naming the (scrubbed) URL and the cause.

    ``cause`` is ``"http"`` (an answer with a failing status), ``"timeout"`` or
    ``"connection"``; ``transient`` says whether waiting could help; ``reached`` is False only
    when the request surely never reached the server (refused connection, unknown host, bad
    URL, no time left to send it), in any attempt.
    """

    def __init__(self, url: str, message: str, *, status: int | None = None,
                 cause: str = "http", transient: bool = False,
                 retry_after: float | None = None, reached: bool = True) -> None:
        super().__init__([Problem(scrub_url(url), None, message)])
        self.url = scrub_url(url)
        self.message = message
        self.status = status
        self.cause = cause
        self.transient = transient
        self.retry_after = retry_after
        self.reached = reached

    def with_message(self, message: str, *, reached: bool | None = None) -> EndpointError:
        """The same failure with a different text (e.g. a note on what was left behind)."""
        return EndpointError(self.url, message, status=self.status, cause=self.cause,
                             transient=self.transient, retry_after=self.retry_after,
                             reached=self.reached if reached is None else reached)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a transient failure again.

    Without ``Retry-After`` the k-th wait is ``base_delay * 2**k`` capped at ``max_delay``;
    a ``Retry-After`` is honoured as asked (never less than ``min_delay``) up to
    ``max_wait``, beyond which the request gives up.
    """

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    min_delay: float = 0.0
    max_wait: float = 120.0

    def wait(self, error: EndpointError, attempt: int) -> float:
        """Seconds before attempt ``attempt + 1``; raises ``error`` when asked to wait too long."""
        if error.retry_after is not None:
            if error.retry_after > self.max_wait:
                raise error.with_message(
                    f"{error.message}: asked to wait {error.retry_after:.0f} s, more than the "
                    f"{self.max_wait:g} s cap; try again later")
            return max(self.min_delay, error.retry_after)
        backoff = self.base_delay * 2.0 ** attempt
        return max(self.min_delay, min(self.max_delay, backoff))


@dataclass(frozen=True)
class Response:
    """A finished 2xx exchange."""

    status: int
    content_type: str
    body: bytes


class HttpClient:
    """Requests with the project's User-Agent, timeout, retry policy and credentials.

    ``timeout`` bounds each attempt as a whole; ``deadline`` (None: none) bounds all requests
    of a task, retries and waits included. ``lock`` (e.g. a process-wide lock for a service
    that asks for one request at a time) is held for a whole request, its retries and waits
    included.
    """

    def __init__(self, *, timeout: float = 60.0, policy: RetryPolicy | None = None,
                 auth: str | None = None, agent: str | None = None,
                 lock: threading.Lock | None = None, deadline: Deadline | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0:
            raise ValueError("the timeout must be positive")
        self.timeout = float(timeout)
        self.policy = policy or RetryPolicy()
        self.auth = auth
        self.agent = agent or user_agent()
        self.deadline = deadline
        self.sleep = sleep
        self.requests = 0
        self._lock: AbstractContextManager[object] = lock if lock is not None else nullcontext()
        self._session = requests.Session()
        self._session.trust_env = False  # no ~/.netrc credentials; proxies are added below
        adapter = watched_adapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def request(self, method: str, url: str, *, data: bytes | Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None,
                params: Mapping[str, str] | None = None) -> Response:
        """One exchange, retried by the policy: a 2xx :class:`Response`, else
        :class:`EndpointError` (``reached`` False only if no attempt may have arrived)."""
        with self._lock:
            attempt, reached = 0, False
            while True:
                try:
                    return self._once(method, url, data, headers or {}, params)
                except EndpointError as exc:
                    reached = reached or exc.reached
                    if exc.transient and attempt < self.policy.retries:
                        wait = self.policy.wait(exc, attempt)
                        if self.deadline is None or wait < self.deadline.remaining():
                            self.sleep(wait)
                            attempt += 1
                            continue
                        note = (f" (after {attempt + 1} attempts; the deadline of "
                                f"{self.deadline.seconds:g} s leaves no time for another)")
                    else:
                        note = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise exc.with_message(exc.message + note, reached=reached) from None

    def _budget(self, url: str) -> tuple[float, str]:
        """Seconds this attempt may take, and how a timeout is to be explained."""
        if self.deadline is None or self.deadline.remaining() >= self.timeout:
            return self.timeout, "timeout"
        left = self.deadline.remaining()
        why = f"the deadline of {self.deadline.seconds:g} s"
        if left <= 0.01:
            raise EndpointError(url, f"not sent: {why} has passed", cause="timeout",
                                reached=False)
        return left, why

    def _once(self, method: str, url: str, data: bytes | Mapping[str, str] | None,
              headers: Mapping[str, str], params: Mapping[str, str] | None) -> Response:
        sent = {"User-Agent": self.agent, **headers}
        if self.auth:
            sent["Authorization"] = self.auth
        budget, why = self._budget(url)
        self.requests += 1
        answered = False
        with Watchdog(budget) as dog:
            try:
                with self._session.request(
                        method, url, data=data, headers=sent, params=params, timeout=budget,
                        allow_redirects=method == "GET", stream=True,
                        proxies=requests.utils.get_environ_proxies(url)) as resp:
                    answered = True
                    body = resp.content  # read here: a body cut short is a transport failure
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError,
                    http.client.HTTPException, OSError) as exc:
                if not dog.fired:
                    raise _transport_error(url, exc, budget) from None
        if dog.fired:  # the watchdog cut the exchange (or it ended just as time was up)
            what = "the answer did not end" if answered else "no answer"
            raise EndpointError(url, f"{what} within {budget:g} s ({why})", cause="timeout",
                                transient=True)
        if 200 <= resp.status_code < 300:
            return Response(resp.status_code, resp.headers.get("Content-Type", ""), body)
        raise _status_error(url, resp.status_code, resp.headers, body)


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps: requests wraps urllib3's errors, which wrap the
    socket's (``args[0]``, ``reason``, ``__cause__``, ``__context__``)."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "reason", None), item.__cause__, item.__context__,
                 *(item.args[:1] if item.args else ())]
    return seen


def _transport_error(url: str, exc: BaseException, timeout: float) -> EndpointError:
    """A failure before any answer, worded for a person; timeouts and lost connections are
    transient, a bad URL or an unknown host name is not. Only a failure to connect is sure
    not to have reached the server."""
    causes = _causes(exc)

    def caused_by(*kinds: type[BaseException]) -> bool:
        return any(isinstance(c, kinds) for c in causes)

    if caused_by(requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                 requests.exceptions.InvalidSchema, urllib3.exceptions.LocationParseError):
        return EndpointError(url, f"not a usable URL ({one_line(str(exc), 120)})",
                             cause="connection", reached=False)
    if caused_by(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return EndpointError(url, "cannot resolve the host name", cause="connection",
                             reached=False)
    # before timeouts: urllib3's NewConnectionError (a refused connection) is a
    # ConnectTimeoutError by inheritance
    if caused_by(ConnectionRefusedError):
        return EndpointError(url, "cannot connect (connection refused)", cause="connection",
                             transient=True, reached=False)
    if caused_by(requests.exceptions.ConnectTimeout):
        return EndpointError(url, f"cannot connect within {timeout:g} s (timeout)",
                             cause="timeout", transient=True, reached=False)
    if caused_by(urllib3.exceptions.NewConnectionError):
        return EndpointError(url, f"cannot connect ({one_line(str(exc), 120)})",
                             cause="connection", transient=True, reached=False)
    if caused_by(requests.exceptions.Timeout, urllib3.exceptions.ReadTimeoutError,
                 TimeoutError):
        return EndpointError(url, f"no answer within {timeout:g} s (timeout)", cause="timeout",
                             transient=True)
    reason = one_line(str(exc), 120)
    if caused_by(ConnectionResetError, http.client.RemoteDisconnected,
                 urllib3.exceptions.ProtocolError):
        reason = "the server closed the connection"
    return EndpointError(url, f"cannot connect ({reason})", cause="connection", transient=True)


def _status_error(url: str, status: int, headers: Mapping[str, str],
                  body: bytes) -> EndpointError:
    """A failing status as one line; transient (with its Retry-After) when waiting can heal."""
    detail = body_excerpt(body)
    text = f"HTTP {status}" + (f": {detail}" if detail else "")
    if 300 <= status < 400:
        where = scrub_url(headers.get("Location", "") or "?")
        return EndpointError(url, f"HTTP {status}: the endpoint redirects to {where}; give the "
                                  "final URL", status=status)
    if status in (401, 407):
        return EndpointError(url, f"authentication refused (HTTP {status}): check {ENV_USER}/"
                                  f"{ENV_PASSWORD} or {ENV_TOKEN}", status=status)
    if status in RETRY_STATUS and not any(c in body[:1000] for c in PERMANENT_5XX_CODES):
        return EndpointError(url, text, status=status, transient=True,
                             retry_after=parse_retry_after(headers.get("Retry-After")))
    return EndpointError(url, text, status=status)
