"""The per-document stage on a real Dask cluster (ctkg.kg.distributed; no timing assertions).

The tests start a LocalCluster of two worker processes (one thread each) on 127.0.0.1 and
build on it: the project's five documents give the committed build byte for byte; a
30-document synthetic corpus gives the plain build's bytes, also incrementally with a cache
(only the edited document's work goes to the workers); a task failing on a worker stops
``ctkg build --scheduler ADDRESS`` with an error naming it and writes nothing; without the extra,
``--scheduler`` says which extra to install.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ctkg.annotations import brat
from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.inputs import entity_iris, read_inputs
from ctkg.kg import parallel
from ctkg.kg.distributed import cluster, parse_scheduler
from ctkg.kg.docgraphs import decoded
from ctkg.kg.jsonld import ctkg_terms, jsonld_context
from ctkg.kg.outputs import stale_outputs
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from ctkg.synth import generate
from tests.paths import ROOT

distributed = pytest.importorskip("distributed", reason="the distributed extra "
                                  "(pip install -e '.[test]') is not installed")

N_DOCS = 30
# run on the workers by Client.run: every compile raises there (and back to normal)
_BREAK = ("import ctkg.kg.parallel as p\n"
          "def broken(*a, **k):\n    raise RuntimeError('planted worker failure')\n"
          "p._real = getattr(p, '_real', p.compile_document)\np.compile_document = broken\n")
_MEND = ("import ctkg.kg.parallel as p\n"
         "p.compile_document = getattr(p, '_real', p.compile_document)\n")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two worker processes, working in another folder than the tests (as on another
    machine: what they return must not depend on their working directory)."""
    elsewhere = str(tmp_path_factory.mktemp("workers"))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as local, \
            distributed.Client(local) as c:
        c.run(os.chdir, elsewhere)
        assert set(c.run(os.getcwd).values()) == {elsewhere} != {os.getcwd()}
        yield c


def test_compiled_documents_and_their_sources_are_those_of_a_local_compile(
        client: Any, layout: Layout) -> None:
    inputs = read_inputs(layout)
    docs, _ = brat.read_collection(layout.corpus)
    iris = {slug: ox.NamedNode(iri) for slug, iri in entity_iris(inputs).items()}
    args = (docs, inputs.registry, inputs.catalogue, iris)
    ctx = jsonld_context(ctkg_terms(inputs.ontology.triples))
    local = list(parallel.compile_all(*args, 1, parallel.Cache(None), "", False, None, ctx))
    remote = list(parallel.compile_all(*args, 1, parallel.Cache(None), "", False,
                                       client.get_executor, ctx))
    # the summaries pickled where they were made (their sets in that process's order)
    assert [(*r[:4], decoded(r[4])) for r in remote] == [(*r[:4], decoded(r[4])) for r in local]
    # each document's dump pieces and summary came back
    assert all(pieces and decoded(summary).outward for *_, pieces, summary in remote)
    assert any(str(s).startswith("data/corpus/") for _, (own, _other), _, _, _ in remote
               for s in pickle.loads(own).values())  # the sources, pickled by the worker


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "proj"
    generate(N_DOCS, 1, root, ROOT)
    return root


def _edit(root: Path) -> None:
    txt = sorted((root / "data" / "corpus").glob("*.txt"))[5]
    txt.write_text(txt.read_text(encoding="utf-8") + "One more sentence.\n", encoding="utf-8")


def test_five_documents_give_the_committed_build(client: Any) -> None:
    result = build(Layout(ROOT), executor=client.get_executor)
    assert len(result.documents) == 5
    assert stale_outputs(result.files, ROOT / "data" / "kg") == []


def test_synthetic_corpus_plain_and_distributed_incremental_agree(
        client: Any, corpus: Path, tmp_path: Path) -> None:
    project = tmp_path / "proj"  # the cache keys name the project folder: build in place
    shutil.copytree(corpus, project)
    plain = build(Layout(project)).files
    cache = tmp_path / "cache"
    assert build(Layout(project), cache_dir=cache, executor=client.get_executor).files == plain
    compiled = {p.name for p in cache.glob("compile/*.pickle")}
    assert len(compiled) == N_DOCS and any(cache.glob("validate/*.pickle"))

    _edit(project)
    local_cache = tmp_path / "local-cache"  # the local incremental build: as plain (test_parallel)
    shutil.copytree(cache, local_cache)
    incremental = build(Layout(project), cache_dir=cache, executor=client.get_executor)
    assert len({p.name for p in cache.glob("compile/*.pickle")} - compiled) == 1
    assert incremental.files != plain
    assert incremental.files == build(Layout(project), cache_dir=local_cache).files


def test_a_failing_worker_task_stops_the_build_and_writes_nothing(
        client: Any, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "proj"
    shutil.copytree(corpus, project)
    _edit(project)  # not the tasks of the other tests: the workers compute them afresh
    out = tmp_path / "out"
    address = client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    client.run(exec, _BREAK, {})
    try:
        code = main(["build", "--root", str(project), "--out", str(out), "--scheduler", address,
                     "--quiet"])
    finally:
        client.run(exec, _MEND, {})
    assert code != 0
    err = capsys.readouterr().err
    assert "a worker failed during compile" in err and "planted worker failure" in err
    assert not out.exists()


def test_local_scheduler_spec_starts_and_closes_its_own_cluster(corpus: Path) -> None:
    with cluster("local:1") as executor:
        pool = executor()
        assert list(pool.map(len, ["ab", "c"])) == [2, 1]
        pool.shutdown()


@pytest.mark.parametrize("spec", ["local:0", "local:x", "host:8786"])
def test_a_bad_scheduler_is_named(spec: str) -> None:
    with pytest.raises(CTKGError, match="--scheduler"):
        parse_scheduler(spec)


def test_without_the_extra_scheduler_names_it(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    code = main(["build", "--root", str(ROOT), "--out", str(tmp_path / "out"),
                 "--scheduler", "local:2", "--quiet"])
    assert code != 0
    assert 'pip install "ctkg[distributed]"' in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_scheduler_without_workers_is_named_not_waited_for() -> None:
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1",
                                  dashboard_address=None) as empty, \
            pytest.raises(CTKGError, match="no Dask worker joined"), \
            cluster(empty.scheduler_address, timeout=2):
        pass
