"""The manifest, the build report and writing a build atomically."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ctkg.annotations import brat
from ctkg.kg.outputs import input_files
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.report import inputs_sha256, sha256
from ctkg.paths import Layout


def test_manifest(result: BuildResult) -> None:
    manifest = json.loads(result.files["manifest.json"])
    assert set(manifest) == {"version", "inputs_sha256", "graphs", "files"}
    for name, digest in manifest["files"].items():
        assert sha256(result.files[name]) == digest
    assert sum(g["triples"] for g in manifest["graphs"].values()) == len(result.quads)
    assert b"/tmp" not in result.files["manifest.json"]
    assert not any(b"/tmp/" in data for data in result.files.values())


def test_report(result: BuildResult) -> None:
    report = result.files["build-report.md"].decode()
    assert "| 900_fixture |" in report and "Warnings:" in report


def test_inputs_hash_from_the_bytes_the_documents_were_read_from(fixture_project: Path
                                                                   ) -> None:
    """The corpus files are hashed as the reader reads them (not read again for the
    manifest and the cache keys): the same inputs hash either way."""
    layout = Layout(fixture_project)
    docs, _ = brat.read_collection(layout.corpus)
    known: dict[Path, str] = {}
    for d in docs:
        assert d.txt_sha256 == hashlib.sha256(d.txt_path.read_bytes()).hexdigest()
        assert d.ann_sha256 == hashlib.sha256(d.ann_path.read_bytes()).hexdigest()
        known |= {d.txt_path: d.txt_sha256, d.ann_path: d.ann_sha256}
    files = input_files(layout)
    assert set(known) <= set(files)
    assert inputs_sha256(layout.root, files, known) == inputs_sha256(layout.root, files)
    assert inputs_sha256(layout.root, files, {p: "0" * 64 for p in known}) \
        != inputs_sha256(layout.root, files)
