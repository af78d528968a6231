"""Shared by the SPARQL stage tests: the mini dataset, terms, and the ``ctkg query`` CLI."""

from __future__ import annotations

import hashlib
import json
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


def write_build(root: Path, quads: list[ox.Quad], manifest: bool = True) -> None:
    """``data/kg/ctkg.nq`` of ``quads`` under ``root``, and a manifest naming its digest (the
    persistent query store and the kept listings are keyed by it)."""
    kg = root / "data" / "kg"
    kg.mkdir(parents=True, exist_ok=True)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None
    (kg / "ctkg.nq").write_bytes(data)
    if manifest:
        digest = hashlib.sha256(data).hexdigest()
        (kg / "manifest.json").write_text(json.dumps({"files": {"ctkg.nq": digest}}))


def persistent_root(folder: Path) -> Path:
    """:func:`fixture_root` with the fixture also as a manifest-named ``ctkg.nq``: ``ctkg
    query`` then uses the persistent store and keeps listings."""
    root = fixture_root(folder)
    write_build(root, list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG)))
    return root


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
