"""The offline Wikidata cache reader: pyoxigraph triples, or problems naming the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.inputs.wikidata_cache import load_wikidata_cache, read_wikidata_cache
from tests.paths import ROOT

FIXTURE = ROOT / "tests" / "wikidata" / "fixtures" / "wd-fixture.ttl"


def test_triples(tmp_path: Path) -> None:
    triples, problems = read_wikidata_cache(FIXTURE)
    assert problems == [] and len(triples) > 10
    assert read_wikidata_cache(tmp_path / "cache.ttl") == ([], [])  # no cache: no triples


def test_a_line_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "cache.ttl"
    shutil.copy(FIXTURE, path)
    lines = path.read_text("utf-8").splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith("wd:Q98765402")) + 1
    lines[at - 1] = 'wd:Q98765402 rdfs:label "unterminated ;'
    path.write_text("\n".join(lines) + "\n", "utf-8")
    triples, [problem] = read_wikidata_cache(path)
    assert triples == [] and problem.line == at and "does not parse" in problem.message
    with pytest.raises(CTKGError):
        load_wikidata_cache(path)


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.ttl"
    path.write_text('<http://www.wikidata.org/entity/Q1> <http://x/p> [] .\n', "utf-8")
    assert "blank nodes" in read_wikidata_cache(path)[1][0].message


def test_non_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "cache.ttl"
    path.write_bytes(b'<http://www.wikidata.org/entity/Q1> <http://www.w3.org/2000/01/'
                     b'rdf-schema#label> "x" .\n<http://www.wikidata.org/entity/Q2> '
                     b'<http://www.w3.org/2000/01/rdf-schema#label> "caf\xe9" .\n')
    triples, [problem] = read_wikidata_cache(path)
    assert triples == [] and problem.line == 2
    raw = path.read_bytes()
    at = raw.index(b"\xe9")
    column = at - raw.rindex(b"\n", 0, at)  # an ASCII line: bytes are characters
    assert problem.message.startswith(f"not UTF-8 at line 2, column {column} (byte {at} of "
                                      "the file): 0xe9")
