"""Shared by the SPARQL stage tests: the mini dataset, terms, and the ``ctkg query`` CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from tests.paths import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
CTKGID = "https://w3id.org/ctkg/id/"
GUTERRES = CTKGID + "person/antonio-guterres"
INJECTION = '"x" } ; DROP ALL ; SELECT * { ?s ?p ?o'
XSD = "http://www.w3.org/2001/XMLSchema#"


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


def fixture_root(folder: Path) -> Path:
    """A project root in ``folder`` whose build is the fixture and whose queries are the
    bundled ones."""
    (folder / "data" / "kg").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, folder / "data" / "kg" / "ctkg.trig")
    shutil.copytree(ROOT / "queries", folder / "queries", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("expected", "qc"))
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``ctkg query ARGS``: exit code, stdout, stderr."""
    code = main(["query", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """``ctkg query ARGS`` fails with exactly one line on stderr; that line."""
    code, _out, err = cli(capsys, *args)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]
