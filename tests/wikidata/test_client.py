"""The polite WDQS client: User-Agent, Retry-After, bounded retries, one request at a time.

Everything runs on loopback: a tiny http.server that misbehaves on purpose, and a real
Oxigraph server loaded with the Wikidata-shaped test fixture. Nothing reaches the internet.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.http import parse_retry_after, user_agent
from ctkg.store.server import OxigraphServer, free_port
from ctkg.wikidata.client import WikidataClient
from tests.loopback import loopback_http

FIXTURES = Path(__file__).parent / "fixtures"
OK_BODY = json.dumps({
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]},
}).encode()
UA_RE = re.compile(r"^ctkg/\S+ \(https://w3id\.org/ctkg; [^()]+\) requests/\S+$")


class Script:
    """What the loopback listener answers, request by request, and what it saw."""

    def __init__(self, answers: list[tuple[int, dict[str, str], bytes]],
                 delay: float = 0.0) -> None:
        self.answers = answers
        self.delay = delay
        self.requests: list[dict[str, str]] = []
        self.times: list[float] = []
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()

    def next(self, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append(headers)
            self.times.append(time.monotonic())
            index = min(len(self.requests) - 1, len(self.answers) - 1)
            return self.answers[index]


@contextmanager
def listener(script: Script) -> Iterator[str]:
    """A threading http.server on 127.0.0.1 playing ``script``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with script.lock:
                script.active += 1
                script.max_active = max(script.max_active, script.active)
            try:
                status, headers, body = script.next(dict(self.headers.items()))
                if script.delay:
                    time.sleep(script.delay)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                with script.lock:
                    script.active -= 1

        do_GET = _answer
        do_POST = _answer

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            pass

    with loopback_http(Handler) as base:
        yield f"{base}/sparql"


JSON_HEADERS = {"Content-Type": "application/sparql-results+json"}


def load_fixture(server: OxigraphServer, path: Path = FIXTURES / "wd-fixture.ttl") -> None:
    """Put the Wikidata-shaped fixture into the server's default graph (Graph Store)."""
    req = urllib.request.Request(f"{server.store_url}?default", data=path.read_bytes(),
                                 method="POST", headers={"Content-Type": "text/turtle"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status in (200, 201, 204)


# --- User-Agent ---------------------------------------------------------------------------

def test_user_agent_follows_the_wikimedia_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTKG_CONTACT", raising=False)
    ua = user_agent()
    assert UA_RE.match(ua), ua
    assert "(https://w3id.org/ctkg; contact via the project issue tracker)" in ua
    monkeypatch.setenv("CTKG_CONTACT", "ops@example.org")
    assert "(https://w3id.org/ctkg; ops@example.org)" in user_agent()
    # no header injection, no stray parentheses
    monkeypatch.setenv("CTKG_CONTACT", "evil\r\nX-Injected: 1 (x)")
    ua = user_agent()
    assert "\r" not in ua and "\n" not in ua and UA_RE.match(ua), ua


# --- Retry-After --------------------------------------------------------------------------

def test_parse_retry_after_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True),
                             now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True),
                             now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_429_waits_for_retry_after_then_retries_with_user_agent() -> None:
    script = Script([
        (429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"Too Many Requests"),
        (200, JSON_HEADERS, OK_BODY),
    ])
    with listener(script) as url:
        client = WikidataClient(url, timeout=5)
        started = time.monotonic()
        rows = client.select("SELECT ?x WHERE {}")
        elapsed = time.monotonic() - started
    assert rows == [{"x": {"type": "literal", "value": "ok"}}]
    assert len(script.requests) == 2
    assert elapsed >= 0.95, elapsed
    assert script.times[1] - script.times[0] >= 0.95
    for headers in script.requests:
        assert headers.get("User-Agent") == client.agent
        assert UA_RE.match(headers["User-Agent"])


def test_503_with_http_date_is_honoured() -> None:
    when = datetime.now(UTC) + timedelta(seconds=2)
    script = Script([
        (503, {"Retry-After": format_datetime(when, usegmt=True)}, b"busy"),
        (200, JSON_HEADERS, OK_BODY),
    ])
    waits: list[float] = []
    with listener(script) as url:
        WikidataClient(url, timeout=5, sleep=waits.append).select("SELECT ?x WHERE {}")
    assert len(script.requests) == 2
    assert len(waits) == 1 and 1.0 <= waits[0] <= 3.0, waits


def test_retries_are_bounded() -> None:
    script = Script([(429, {"Retry-After": "0"}, b"slow down")])
    waits: list[float] = []
    with listener(script) as url:
        client = WikidataClient(url, timeout=5, max_retries=2, sleep=waits.append)
        with pytest.raises(CTKGError, match=r"HTTP 429: slow down \(after 3 attempts\)"):
            client.select("SELECT ?x WHERE {}")
    assert len(script.requests) == 3
    assert waits == [1.0, 1.0]  # never less than a second, even when told 0


def test_a_retry_after_beyond_the_cap_gives_up_instead_of_retrying_early() -> None:
    script = Script([(429, {"Retry-After": "3600"}, b"banned for an hour")])
    waits: list[float] = []
    with listener(script) as url:
        client = WikidataClient(url, timeout=5, max_wait=60, sleep=waits.append)
        with pytest.raises(CTKGError, match="asked to wait 3600 s"):
            client.select("SELECT ?x WHERE {}")
    assert len(script.requests) == 1 and waits == []


@pytest.mark.parametrize(("answer", "message"), [
    ((400, {}, b"bad query\nwith a second line"), "HTTP 400: bad query"),
    ((404, {}, b"not here"), "HTTP 404"),
    ((403, {}, b"forbidden"), "HTTP 403 .*User-Agent"),
    ((200, JSON_HEADERS, b"<html>not json</html>"), "malformed answer"),
    ((200, JSON_HEADERS, b'{"head": {}}'), "malformed answer"),
])
def test_other_failures_are_one_line_errors(answer: tuple[int, dict[str, str], bytes],
                                            message: str) -> None:
    script = Script([answer])
    with listener(script) as url, pytest.raises(CTKGError, match=message) as info:
        WikidataClient(url, timeout=5, sleep=lambda s: None).select("SELECT ?x WHERE {}")
    assert len(script.requests) == 1  # no retry on these
    assert len(info.value.problems) == 1
    assert "\n" not in str(info.value)


def test_unreachable_endpoint_is_one_line_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    waits: list[float] = []
    with pytest.raises(CTKGError, match=r"unreachable.*\(after 4 attempts\)") as info:
        WikidataClient(url, timeout=2, sleep=waits.append).select("SELECT ?x WHERE {}")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(url)
    assert waits == [2.0, 4.0, 8.0]  # a refused connection may heal: bounded backoff


def test_timeout_is_one_line_error() -> None:
    script = Script([(200, JSON_HEADERS, OK_BODY)], delay=1.5)
    with listener(script) as url, pytest.raises(CTKGError, match=r"no answer within 0\.5 s"):
        WikidataClient(url, timeout=0.5, max_retries=1,
                       sleep=lambda s: None).select("SELECT ?x WHERE {}")
    assert len(script.requests) == 2  # a timeout is retried


def test_one_request_at_a_time_across_threads() -> None:
    script = Script([(200, JSON_HEADERS, OK_BODY)], delay=0.2)
    errors: list[BaseException] = []
    with listener(script) as url:
        def work() -> None:
            try:
                WikidataClient(url, timeout=5).select("SELECT ?x WHERE {}")
            except BaseException as exc:  # reported below
                errors.append(exc)
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
    assert not errors
    assert len(script.requests) == 4
    assert script.max_active == 1


# --- against a real Oxigraph server standing in for WDQS ----------------------------------

@pytest.mark.server
def test_select_against_oxigraph_fixture(oxigraph_server: OxigraphServer) -> None:
    load_fixture(oxigraph_server)
    client = WikidataClient(oxigraph_server.query_url, timeout=10)
    rows = client.select(
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
        'SELECT ?item WHERE { ?item rdfs:label "Testland"@en }')
    assert [r["item"]["value"] for r in rows] == ["http://www.wikidata.org/entity/Q98765404"]
    # a long query goes by POST and still works
    long_query = ("SELECT ?item WHERE { VALUES ?item { "
                  + " ".join(f"<http://www.wikidata.org/entity/Q{n}>" for n in range(1, 400))
                  + " } }")
    assert len(client.select(long_query)) == 399


@pytest.mark.server
def test_bad_query_is_reported_in_one_line(oxigraph_server: OxigraphServer) -> None:
    client = WikidataClient(oxigraph_server.query_url, timeout=10)
    with pytest.raises(CTKGError, match="HTTP 400") as info:
        client.select("SELECT WHERE {")
    assert "\n" not in str(info.value)
