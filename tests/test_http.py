"""The one HTTP layer: User-Agent, retries that heal, Retry-After, credentials, redirects.

Every peer is a loopback listener (tests/loopback.py); waits are recorded, never slept.
"""

from __future__ import annotations

import http.server
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ctkg.errors import CTKGError
from ctkg.http import (
    Deadline,
    EndpointError,
    HttpClient,
    RetryPolicy,
    credentials,
    parse_retry_after,
    scrub_url,
    user_agent,
)
from ctkg.sparql.query import run_query
from ctkg.store.protocol import SparqlClient, derive_endpoints
from ctkg.store.server import free_port
from ctkg.wikidata.client import WikidataClient
from tests.loopback import Listener, drip_handler, loopback_http, recording_listener

UA_RE = re.compile(r"^ctkg/\S+ \(https://w3id\.org/ctkg; [^()]+\) requests/\S+$")
OK = (200, {"Content-Type": "application/sparql-results+json"},
      b'{"head":{"vars":["x"]},"results":{"bindings":[]}}')


@pytest.fixture
def listener() -> Iterator[Listener]:
    with recording_listener() as me:
        yield me


def client(waits: list[float], retries: int = 3, **kw: float) -> HttpClient:
    return HttpClient(timeout=kw.pop("timeout", 5.0), sleep=waits.append,
                      policy=RetryPolicy(retries=retries, **kw))


def test_one_user_agent_for_every_client(listener: Listener,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTKG_CONTACT", "ops@example.org")
    listener.body = OK[2]
    run_query("SELECT ?x WHERE { ?x ?p ?o }", endpoint=f"{listener.base}/query")
    SparqlClient(derive_endpoints(f"{listener.base}/query")).select("SELECT ?x {}")
    WikidataClient(f"{listener.base}/sparql").select("SELECT ?x {}")
    agents = {h["User-Agent"] for h in listener.headers}
    assert agents == {user_agent()}
    assert UA_RE.match(user_agent()) and "ops@example.org" in user_agent()


def test_user_agent_contact_is_cleaned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTKG_CONTACT", raising=False)
    assert "(https://w3id.org/ctkg; contact via the project issue tracker)" in user_agent()
    monkeypatch.setenv("CTKG_CONTACT", "evil\r\nX-Injected: 1 (x)")
    assert "\n" not in user_agent() and UA_RE.match(user_agent())


def test_retry_after_in_seconds(listener: Listener) -> None:
    listener.answers = [(429, {"Retry-After": "3"}, b"slow down"), OK]
    waits: list[float] = []
    assert client(waits).request("GET", listener.base).status == 200
    assert waits == [3.0] and len(listener.requests) == 2


def test_retry_after_as_an_http_date(listener: Listener) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    listener.answers = [(503, {"Retry-After": when}, b"busy"), OK]
    waits: list[float] = []
    client(waits).request("POST", listener.base, data=b"x")
    assert len(waits) == 1 and 3.0 <= waits[0] <= 5.0, waits


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True),
                             now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True),
                             now) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


@pytest.mark.parametrize("status", [400, 403, 404, 405, 409, 501])
def test_no_retry_on_what_waiting_cannot_heal(status: int, listener: Listener) -> None:
    listener.status, listener.body = status, b"no"
    waits: list[float] = []
    with pytest.raises(EndpointError, match=f"HTTP {status}: no$") as err:
        client(waits).request("POST", listener.base, data=b"x")
    assert err.value.status == status and not err.value.transient
    assert len(listener.requests) == 1 and waits == []


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retry_on_what_can_heal_with_bounded_backoff(status: int, listener: Listener) -> None:
    listener.status, listener.body = status, b"busy"
    waits: list[float] = []
    with pytest.raises(EndpointError, match=rf"HTTP {status}: busy \(after 6 attempts\)"):
        client(waits, retries=5, base_delay=1.0, max_delay=4.0).request("GET", listener.base)
    assert len(listener.requests) == 6
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_retry_on_a_timeout(listener: Listener) -> None:
    listener.delay = 1.0
    waits: list[float] = []
    with pytest.raises(EndpointError, match=r"no answer within 0\.3 s \(timeout\) "
                                            r"\(after 2 attempts\)") as err:
        client(waits, retries=1, timeout=0.3).request("POST", listener.base, data=b"x")
    assert err.value.cause == "timeout"
    assert len(listener.requests) == 2 and len(waits) == 1


def test_retry_on_a_refused_connection() -> None:
    waits: list[float] = []
    with pytest.raises(EndpointError, match=r"cannot connect \(connection refused\)"):
        client(waits, retries=2).request("GET", f"http://127.0.0.1:{free_port()}/")
    assert waits == [0.5, 1.0]


def test_a_long_retry_after_gives_up_instead_of_retrying_early(listener: Listener) -> None:
    listener.status, listener.extra_headers = 429, {"Retry-After": "3600"}
    waits: list[float] = []
    with pytest.raises(EndpointError, match="asked to wait 3600 s, more than the 60 s cap"):
        client(waits, max_wait=60).request("GET", listener.base)
    assert len(listener.requests) == 1 and waits == []


def test_redirects_are_not_followed_for_updates(listener: Listener) -> None:
    listener.answers = [(303, {"Location": "http://u:pw@elsewhere.example/x?token=t"}, b"")]
    with pytest.raises(EndpointError, match=r"redirects to http://elsewhere\.example/x\?"
                                            r"token=\*\*\*; give the final URL"):
        client([]).request("POST", listener.base, data=b"INSERT DATA {}")
    assert len(listener.requests) == 1
    # a GET follows (the target here is the listener itself)
    listener.answers = [(302, {"Location": f"{listener.base}/moved"}, b""), OK]
    assert client([]).request("GET", listener.base).status == 200
    assert listener.requests[-1] == "GET /moved"


def test_credentials_only_from_the_environment(listener: Listener) -> None:
    assert credentials({}) is None
    assert credentials({"CTKG_ENDPOINT_TOKEN": "t"}) == "Bearer t"
    assert credentials({"CTKG_ENDPOINT_USER": "a", "CTKG_ENDPOINT_PASSWORD": "b"}) == "Basic YTpi"
    with pytest.raises(CTKGError, match="set both"):
        credentials({"CTKG_ENDPOINT_USER": "a"})
    listener.status, listener.body = 401, b"no"
    http = HttpClient(timeout=5, auth="Bearer s3cret")
    with pytest.raises(EndpointError, match=r"authentication refused \(HTTP 401\)") as err:
        http.request("POST", f"{listener.base}/q?api_key=s3cret", data=b"x")
    assert "s3cret" not in str(err.value)
    assert listener.headers[0]["Authorization"] == "Bearer s3cret"
    assert scrub_url("https://u:p@h/q?token=abc&graph=x") == "https://h/q?token=***&graph=x"


def test_a_body_cut_short_is_a_transient_failure() -> None:
    class CutShort(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"only a part")
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    waits: list[float] = []
    with loopback_http(CutShort) as base, pytest.raises(EndpointError) as err:
        client(waits, retries=1).request("GET", base)
    assert err.value.cause == "connection" and err.value.transient
    assert "server closed the connection" in str(err.value) and len(waits) == 1


def test_a_dripping_answer_times_out_on_the_whole_request() -> None:
    """Issue 13, finding 4: a peer that sends a byte every 0.2 s never lets one socket read
    time out; the timeout bounds the whole request instead."""
    waits: list[float] = []
    t0 = time.monotonic()
    with loopback_http(drip_handler(interval=0.2)) as base, pytest.raises(EndpointError) as err:
        client(waits, retries=0, timeout=1.0).request("GET", base)
    assert time.monotonic() - t0 < 2.5
    assert "no answer within 1 s (timeout)" in str(err.value)
    assert err.value.cause == "timeout" and err.value.transient and err.value.reached


def test_a_deadline_bounds_all_attempts_and_waits(listener: Listener) -> None:
    listener.status, listener.body = 503, b"busy"
    listener.extra_headers = {"Retry-After": "0.4"}
    http = HttpClient(timeout=5, policy=RetryPolicy(retries=50), deadline=Deadline.after(1.0))
    t0 = time.monotonic()
    with pytest.raises(EndpointError, match=r"HTTP 503: busy \(after 3 attempts; the deadline "
                                            r"of 1 s leaves no time for another\)"):
        http.request("GET", listener.base)
    assert time.monotonic() - t0 < 2 and len(listener.requests) == 3


def test_a_refused_connection_never_reached_the_server() -> None:
    with pytest.raises(EndpointError) as err:
        client([], retries=1).request("POST", f"http://127.0.0.1:{free_port()}/", data=b"x")
    assert not err.value.reached  # ctkg load relies on it: the swap surely did not happen
