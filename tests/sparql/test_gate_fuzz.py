"""The network gate, fuzzed: no generated query reaches the network unless allowed.

Queries are built from SERVICE calls, LOAD, remote FROM / FROM NAMED and updates placed at
random inside short and long strings of both quote kinds, comments, IRIs, nested groups and
among codepoint escapes (``\\u0027``, ``\\u0022``, ``\\u0023``, ``\\u003C`` …) and stray
quotes, braces and newlines. Each one runs through the real ``ctkg query FILE.rq`` path
(:func:`ctkg.cli.main.main`) on the embedded store and in endpoint mode, with the network
not allowed. Every network target in the queries is one recording loopback listener, which
must see no request over all examples; and every text that endpoint mode sends to its
(dumb, recording) endpoint is run on an embedded Oxigraph with the network open, as a real
Oxigraph endpoint would run it, to prove that what passed the gate cannot reach the target
either. A refused query is refused with exit 1 and one line, never a traceback.

CI runs a few hundred examples (about 10 s). For thousands::

    CTKG_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/sparql/test_gate_fuzz.py
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkg.cli.main import main
from tests.loopback import Listener, recording_listener
from tests.sparql.helpers import fixture_root

EXAMPLES = int(os.environ.get("CTKG_FUZZ_EXAMPLES", "300"))

DANGER = [
    "SERVICE <{t}/sparql> { ?s ?p ?o }",
    "SERVICE SILENT <{t}/sparql> { ?s ?p ?o }",
    "service <{t}/sparql> { }",
    "SERVICE ?svc { ?s ?p ?o } VALUES ?svc { <{t}/sparql> }",
    "SERVICE\n<{t}/sparql>{?s ?p ?o}",
    "\\u0053ERVICE <{t}/sparql> { }",
    "SERVICE \\u003C{t}/sparql\\u003E { }",
]
PROLOGUE_DANGER = ["FROM <{t}/data.ttl>", "FROM NAMED <{t}/g.ttl>", "from <{t}/x>"]
UPDATES = ["LOAD <{t}/data.ttl>", "LOAD SILENT <{t}/d> INTO GRAPH <urn:g>", "DROP ALL",
           "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT"]
NOISE = ["'", '"', "'''", '"""', "#", "<", ">", "{", "}", "(", ")", "\n", " ", ".", "\\",
         "\\u0027", "\\u0022", "\\u0023", "\\u003C", "\\u003E", "\\u007B", "\\u007D",
         "\\u005C", "\\U00000027", "\\u000A", "\\u005Cu0027", "?s ?p ?o", "BIND(1 AS ?x)",
         "FILTER(?x < ?y)", "<urn:x>", "ex:a", "''", '""']
# Well-formed patterns whose strings or IRIs hold escapes: with them a query is often valid
# for Oxigraph, which is where a disagreement with the gate would be exploitable.
VALID = ["BIND('\\u0027' AS ?q)", 'BIND("\\u0022" AS ?q)', "BIND('\\u0023' AS ?q)",
         "BIND('\\u003C' AS ?q)", 'FILTER(?o != "\\u007B")', "BIND('\\U00000027' AS ?q)",
         "?s <urn:p\\u0023x> ?o", "BIND(\"\"\"\\u0022\"\"\" AS ?q)", "?s ?p ?o ."]


def _wrap(kind: str, inner: str) -> str:
    return {"short1": f"'{inner}'", "short2": f'"{inner}"', "long1": f"'''{inner}'''",
            "long2": f'"""{inner}"""', "comment": f"# {inner}\n", "iri": f"<{inner}>",
            "group": "{ " + inner + " }", "optional": "OPTIONAL { " + inner + " }",
            "bind": f"BIND({inner} AS ?b)", "bare": inner}[kind]


WRAPS = ["short1", "short2", "long1", "long2", "comment", "iri", "group", "optional",
         "bind", "bare"]


@st.composite
def pieces(draw: st.DrawFn, choices: list[str]) -> str:
    """A dangerous piece, wrapped zero or more times, between random noise."""
    text = draw(st.sampled_from(choices))
    for kind in draw(st.lists(st.sampled_from(WRAPS), max_size=2)):
        text = _wrap(kind, text)
    glue = draw(st.sampled_from(["", " "]))
    # mostly no noise: a query Oxigraph can run is where a gap in the gate would show
    noise = st.one_of(st.just(""), st.just(""), st.just(""),
                      st.lists(st.sampled_from(NOISE + VALID), max_size=2).map(glue.join))
    return draw(noise) + glue + text + glue + draw(noise)


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A query with dangerous pieces in the prologue, the WHERE pattern or as a whole."""
    if draw(st.integers(0, 9)) == 0:
        return draw(pieces(UPDATES))
    if draw(st.integers(0, 3)) == 0:  # smuggling: an escaped quote, danger, closing quotes
        opener = draw(st.sampled_from(VALID[:6]))
        closer = draw(st.sampled_from(["'''", '"""', "'", '"', ">", "}"]))
        return (f"SELECT * WHERE {{ {opener} {draw(pieces(DANGER))} }} "
                f"{draw(st.sampled_from(['#', '', 'LIMIT 1 #']))} {closer}")
    prologue = draw(st.lists(pieces(PROLOGUE_DANGER), max_size=1))
    body = draw(st.lists(st.one_of(pieces(DANGER), st.sampled_from(VALID),
                                   st.sampled_from(VALID), st.sampled_from(NOISE)),
                         min_size=1, max_size=4))
    tail = draw(st.sampled_from(["", " # '''", ' # """', " } # '''", "\n"]))
    glue = draw(st.sampled_from(["", " "]))
    return ("SELECT * " + " ".join(prologue) + " WHERE { " + glue.join(body) + " }"
            + tail)


@dataclass
class Rig:
    root: Path
    query: Path
    target: Listener
    endpoint: Listener


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """A project root with the mini build, a target listener every query names, and a
    recording endpoint that answers every query with no rows."""
    root = fixture_root(tmp_path_factory.mktemp("fuzz"))
    with recording_listener() as target, recording_listener() as endpoint:
        yield Rig(root, root / "fuzz.rq", target, endpoint)


def _ctkg(*args: str) -> tuple[int, str]:
    """``ctkg query ARGS`` in process; exit code and stderr (a traceback fails the test)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["query", *args])
    return code, err.getvalue()


def _as_oxigraph_endpoint_would(body: bytes) -> None:
    """Run what endpoint mode sent on an embedded Oxigraph, network open, read to the end."""
    from urllib.parse import parse_qs

    text = parse_qs(body.decode("utf-8"))["query"][0]
    with contextlib.suppress(SyntaxError, RuntimeError, OSError):
        result = ox.Store().query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get(
    "CTKG_FUZZ_EXAMPLES"), suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.function_scoped_fixture])
@given(query=queries())
def test_no_query_reaches_the_network(rig: Rig, query: str) -> None:
    rig.query.write_text(query.replace(
        "{t}", rig.target.base), encoding="utf-8")
    sent_before, reached_before = len(rig.endpoint.bodies), len(rig.target.requests)
    for extra in ([], ["--endpoint", f"{rig.endpoint.base}/query"]):
        code, err = _ctkg(str(rig.query), "--root", str(rig.root), "--timeout", "10",
                          "--retries", "0", *extra)
        assert code in (0, 1), err
        if code == 1:
            assert len(err.strip().splitlines()) == 1, err
            assert "Traceback" not in err
    for body in rig.endpoint.bodies[sent_before:]:
        _as_oxigraph_endpoint_would(body)
    assert len(rig.target.requests) == reached_before, rig.query.read_text(encoding="utf-8")


def test_no_request_over_all_examples(rig: Rig) -> None:
    """Run after the fuzz test (same module, same listeners): the target saw nothing."""
    assert rig.target.requests == []
