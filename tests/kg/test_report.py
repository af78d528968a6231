"""The manifest, the build report and writing a build atomically."""

from __future__ import annotations

import json

from ctkg.kg.pipeline import BuildResult
from ctkg.kg.report import sha256


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
