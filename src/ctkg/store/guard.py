"""The guard of ``ctkg serve``: a small HTTP relay on the public port, in front of Oxigraph.

Why: a query of 10,000 nested groups overflows the stack of Oxigraph's recursive parser and
aborts the whole server, and nothing in ``oxigraph serve`` can refuse it first. The
guard reads every request, finds the SPARQL text in it (``query``/``update`` in the URL or a
form body, or an ``application/sparql-query``/``-update`` body), refuses text over the limits
of :mod:`ctkg.sparql.limits` with HTTP 400 and a message that says which limit, and relays
everything else unchanged to Oxigraph on an internal loopback port, streaming the answer back.
Updates (``ctkg serve --writable``) may be as large as a release, so only their nesting is
limited. The guard answers 502 while Oxigraph is down (``ctkg serve`` restarts it).

Oxigraph's own query timeout is not always noticed inside a large join (a six-way cartesian
COUNT ran on past 20 s with ``--timeout-s 1``), so the guard also keeps the start time of
every query it relays: ``ctkg serve`` restarts Oxigraph when one runs far past its limit, and
the guard tells that query's client so (HTTP 503).
"""

from __future__ import annotations

import http.client
import http.server
import itertools
import threading
import time
import urllib.parse
from collections.abc import Callable

from ctkg.sparql.limits import MAX_NESTING, QueryLimits, limit_problem
from ctkg.store.website import Website, send

#: Updates may carry a whole release; Oxigraph's update parser survived 1,000 levels here.
UPDATE_LIMITS = QueryLimits(max_bytes=1 << 40, max_nesting=4 * MAX_NESTING)
MAX_QUERY_BODY = 1 << 20  # a body this large is refused unread (the query limits are far smaller)
CANCELLED = b"The SPARQL operation has been cancelled"  # Oxigraph's words at its timeout
# not relayed: hop-by-hop headers, the length (the answer is streamed, its end is the
# connection's), and what the relay's own answer already says
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-connection", "content-length"}
_OWN = {"server", "date"}

Log = Callable[[str], None]


def sparql_texts(path: str, content_type: str, body: bytes) -> list[tuple[str, str]]:
    """Every SPARQL text of a request as (``"query"`` or ``"update"``, text); raises
    ValueError if a text is not UTF-8."""
    found = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                     errors="strict")
        for key, values in form.items():
            found.setdefault(key, []).extend(values)
    texts = [(kind, text) for kind in ("query", "update") for text in found.get(kind, [])]
    if mime == "application/sparql-query":
        texts.append(("query", body.decode("utf-8")))
    elif mime == "application/sparql-update":
        texts.append(("update", body.decode("utf-8")))
    return texts


def refusal(texts: list[tuple[str, str]]) -> str | None:
    """Why the guard refuses these SPARQL texts, or None to relay them."""
    for kind, text in texts:
        problem = limit_problem(text, UPDATE_LIMITS if kind == "update" else QueryLimits())
        if problem:
            return f"refused before parsing: {problem.replace('the query', f'the {kind}')}"
    return None


class _Relay(http.server.BaseHTTPRequestHandler):
    """One request: read it, refuse it or relay it, stream the answer back, close."""

    server: GuardServer
    protocol_version = "HTTP/1.0"  # the answer's end is the connection's end: no re-chunking
    timeout = 60  # seconds a client may take for each read of its request

    def _relay(self) -> None:
        site = self.server.website
        if site is not None and site.handles(self.command, self.path):
            self._site(site)
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "send the request with a Content-Length")
            return
        length = int(self.headers.get("Content-Length") or 0)
        query_path = urllib.parse.urlsplit(self.path).path.rstrip("/").endswith("/query")
        if query_path and length > MAX_QUERY_BODY:
            self._refuse(413, f"the request is {length} bytes, over the limit of "
                              f"{MAX_QUERY_BODY} for a query")
            return
        body = self.rfile.read(length) if length else b""
        try:
            texts = sparql_texts(self.path, self.headers.get("Content-Type", ""), body)
            problem = refusal(texts)
        except ValueError:
            texts, problem = [], "the SPARQL text is not UTF-8"
        if problem:
            self.server.log(f"refused a request from {self.client_address[0]}: {problem}")
            self._refuse(400, problem)
            return
        timed = query_path or any(kind == "query" for kind, _text in texts)
        token = self.server.begin() if timed else None
        try:
            self._forward(body, token)
        finally:
            if token is not None:
                self.server.end(token)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _relay

    def _send(self, body: bytes, token: int | None) -> tuple[http.client.HTTPConnection,
                                                              http.client.HTTPResponse]:
        """Send the request to Oxigraph. A query (never an update) that finds the server
        dying is sent once more to the restarted one: reading twice changes nothing. A query
        the guard itself stopped for running too long is never sent again."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        safe = self.command in ("GET", "HEAD") or self.path.startswith("/query")
        for attempt in (1, 2):
            conn = http.client.HTTPConnection("127.0.0.1", self.server.backend_port,
                                              timeout=self.server.backend_timeout)
            try:
                _connect(conn)
                conn.request(self.command, self.path, body=body or None, headers=headers)
                return conn, conn.getresponse()
            except (OSError, http.client.HTTPException):
                conn.close()
                stopped = token is not None and self.server.was_stopped(token)
                if not safe or stopped or attempt == 2:
                    raise
                time.sleep(0.2)  # let the supervisor see the death and start it again
        raise AssertionError("unreachable")

    def _forward(self, body: bytes, token: int | None) -> None:
        try:
            conn, resp = self._send(body, token)
        except (OSError, http.client.HTTPException):
            if token is not None and self.server.was_stopped(token):
                self._refuse(503, f"the query ran far past the time limit of "
                                  f"{self.server.query_timeout:g} s and was stopped")
            else:
                self._refuse(502, "the SPARQL server behind ctkg serve is not answering (it "
                                  "is being restarted): try again in a few seconds")
            return
        try:
            self.send_response(resp.status, resp.reason)
            for key, value in resp.getheaders():
                if key.lower() not in _HOP_BY_HOP | _OWN:
                    self.send_header(key, value)
            self.end_headers()
            tail = b""
            while chunk := resp.read1(1 << 16):
                self.wfile.write(chunk)
                tail = (tail + chunk)[-len(CANCELLED) - 8:]
            if CANCELLED in tail:
                self.server.log(f"a query reached the time limit of "
                                f"{self.server.query_timeout:g} s and was cancelled")
        except (OSError, http.client.HTTPException):
            pass  # the client left, or the server died mid-answer: nothing more to say
        finally:
            conn.close()

    def _site(self, site: Website) -> None:
        """The site, /id/ and the query page (:mod:`ctkg.store.website`)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BODY:
            self._refuse(413, "request too large")
            return
        body = self.rfile.read(length) if length else b""
        try:
            answer = site.answer(self.command, self.path, self.headers.get("Accept"), body)
        except Exception as exc:  # one bad request must not take the server down
            self.server.log(f"error answering {self.path[:200]}: {exc!r}")
            self._refuse(500, "internal error")
            return
        send(self, answer)

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the lines that matter


def _connect(conn: http.client.HTTPConnection, patience: float = 15.0) -> None:
    """Connect to Oxigraph, waiting while it is being started again (a refused connection
    means no request was sent, so waiting is safe)."""
    give_up = time.monotonic() + patience
    while True:
        try:
            conn.connect()
            return
        except ConnectionRefusedError:
            if time.monotonic() > give_up:
                raise
            time.sleep(0.1)


class GuardServer(http.server.ThreadingHTTPServer):
    """The guard: listens on ``127.0.0.1:port``, relays to Oxigraph on ``backend_port``."""

    daemon_threads = True

    def __init__(self, port: int, backend_port: int, *, query_timeout: float,
                 log: Log, website: Website | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Relay)
        self.website = website
        self.backend_port = backend_port
        self.query_timeout = query_timeout
        # Oxigraph ends a query at its timeout; updates have none, so allow them long.
        self.backend_timeout = max(600.0, query_timeout + 30)
        self.log = log
        self._thread = threading.Thread(target=self.serve_forever, args=(0.2,), daemon=True)
        self._running: dict[int, float] = {}  # queries being relayed: token -> start
        self._stopped: set[int] = set()
        self._tokens = itertools.count()
        self._guard = threading.Lock()

    def begin(self) -> int:
        """A query starts: its token."""
        with self._guard:
            token = next(self._tokens)
            self._running[token] = time.monotonic()
            return token

    def end(self, token: int) -> None:
        with self._guard:
            self._running.pop(token, None)
            self._stopped.discard(token)

    def overdue(self, seconds: float) -> bool:
        """Whether a query has run for more than ``seconds``."""
        now = time.monotonic()
        with self._guard:
            return any(now - t > seconds for t in self._running.values())

    def stopping(self) -> None:
        """Oxigraph is about to be stopped: the queries running now are the stopped ones."""
        with self._guard:
            self._stopped |= set(self._running)

    def was_stopped(self, token: int) -> bool:
        with self._guard:
            return token in self._stopped

    def start(self) -> GuardServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
