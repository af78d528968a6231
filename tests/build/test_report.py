"""The manifest, the build report and writing a build atomically."""

from __future__ import annotations

import json
from pathlib import Path

from ctkg.build.pipeline import BuildResult
from ctkg.build.report import sha256, write_atomically


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


def test_write_atomically(tmp_path: Path) -> None:
    out = tmp_path / "kg"
    write_atomically(out, {"a.txt": b"1", "manifest.json": b"{}"}, last="manifest.json")
    write_atomically(out, {"a.txt": b"2", "manifest.json": b"{}"}, last="manifest.json")
    assert (out / "a.txt").read_bytes() == b"2"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "manifest.json"]
