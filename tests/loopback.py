"""Throwaway HTTP servers on 127.0.0.1 for tests that need a peer: a misbehaving one, or one
that records what reached it."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

EMPTY_JSON = b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[]}}'


@contextmanager
def loopback_http(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port; yield its base URL; stop it afterwards."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Listener:
    """What a recording listener answers and what reached it: ``answers`` (status, headers,
    body) are used one per request while there are any, then the fixed response."""

    base: str = ""
    requests: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    status: int = 200
    body: bytes = EMPTY_JSON
    content_type: str = "application/sparql-results+json"
    extra_headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)


@contextmanager
def recording_listener() -> Iterator[Listener]:
    """A loopback server that records every request (``METHOD path``, headers, body) and answers
    with the listener's current status, body and headers; a silent listener proves that
    nothing was sent."""
    me = Listener()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            me.bodies.append(self.rfile.read(length) if length else b"")
            me.requests.append(f"{self.command} {self.path}")
            me.headers.append(dict(self.headers.items()))
            if me.answers:
                status, headers, body = me.answers.pop(0)
            else:
                headers = {"Content-Type": me.content_type, **me.extra_headers}
                status, body = me.status, me.body
            if me.delay:
                time.sleep(me.delay)
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    with loopback_http(Handler) as base:
        me.base = base
        yield me


def drip_handler(body: bytes = EMPTY_JSON, interval: float = 1.0,
                 content_type: str = "application/sparql-results+json"
                 ) -> type[http.server.BaseHTTPRequestHandler]:
    """A peer that answers every request with ``body``, one byte every ``interval`` seconds
    (status line and headers included): each socket read gets a byte well within any
    timeout, so only a deadline on the whole request ends the exchange."""

    class Drip(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
            try:
                for i in range(len(head + body)):
                    self.wfile.write((head + body)[i:i + 1])
                    self.wfile.flush()
                    time.sleep(interval)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            self.close_connection = True

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    return Drip
