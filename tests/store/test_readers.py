"""Issue 13, finding 2: readers of a store never see half a release while ``ctkg load`` runs.

The readers that matter most query the **union default graph** (what the README recommends
and ``ctkg serve`` uses): every named graph of the store is part of their default graph, so
anything ``ctkg load`` writes beside the live graphs while it works is seen by them. Readers
that name graphs (``GRAPH ?g``) are checked too. Every answer must be exactly release 1's or
release 2's, as an embedded store holding only that release answers it.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.store.load import load_release
from ctkg.store.release import GRAPH_PREFIX
from ctkg.store.server import start
from tests.store.helpers import FIXTURES, kg_folder

PREFIX = "PREFIX ctkg: <https://w3id.org/ctkg/ontology#>\n"
READS = {
    "default-graph mentions": "SELECT (COUNT(*) AS ?n) WHERE { ?m a ctkg:Mention }",
    "default-graph triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "default-graph mention IRIs": "SELECT ?n WHERE { ?n a ctkg:Mention }",
    "GRAPH ?g mentions": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m a ctkg:Mention } "
                         f"FILTER(STRSTARTS(STR(?g), \"{GRAPH_PREFIX}\")) }}",
}


def answer(rows: list[str]) -> str:
    """One comparable answer: the sorted values of ``?n``."""
    return " ".join(sorted(rows))


def truth(release: int) -> dict[str, str]:
    """What each read answers on a store holding nothing but ``release`` (embedded)."""
    store = ox.Store()
    store.load(path=str(FIXTURES / f"release{release}.trig"), format=ox.RdfFormat.TRIG)
    out = {}
    for name, query in READS.items():
        solutions = store.query(PREFIX + query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        out[name] = answer([s["n"].value for s in solutions if s["n"] is not None])
    return out


def read(url: str, query: str) -> str:
    data = urllib.parse.urlencode({"query": PREFIX + query}).encode()
    req = urllib.request.Request(url, data=data,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        rows = json.load(resp)["results"]["bindings"]
    return answer([r["n"]["value"] for r in rows if "n" in r])


@pytest.mark.server
def test_readers_never_see_half_a_release_on_the_union_default_graph(tmp_path: Path) -> None:
    one, two = truth(1), truth(2)
    assert one != two
    seen: list[tuple[str, str]] = []
    stop = threading.Event()

    def reader(url: str) -> None:
        while not stop.is_set():
            for name, query in READS.items():
                seen.append((name, read(url, query)))

    def slowly(_event: str, _graph: str) -> None:
        time.sleep(0.05)  # a load of a real release takes a while: widen every step

    with start(tmp_path / "store", union_default_graph=True) as server:
        load_release(kg_folder(tmp_path, 1), server.query_url, retries=0, timeout=10)
        assert {n: read(server.query_url, q) for n, q in READS.items()} == one
        readers = [threading.Thread(target=reader, args=(server.query_url,)) for _ in range(3)]
        for t in readers:
            t.start()
        try:
            time.sleep(0.1)
            load_release(kg_folder(tmp_path, 2), server.query_url, retries=0, timeout=10,
                         on_event=slowly)
            time.sleep(0.1)
        finally:
            stop.set()
            for t in readers:
                t.join(timeout=20)
        assert {n: read(server.query_url, q) for n, q in READS.items()} == two
    mixed = [(name, got) for name, got in seen if got not in (one[name], two[name])]
    assert len(seen) > 40, "the readers hardly ran"
    assert not mixed, (f"{len(mixed)} of {len(seen)} answers matched neither release, "
                       f"e.g. {mixed[:3]} (release 1: {one}, release 2: {two})")
