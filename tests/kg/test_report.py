"""The manifest, the build report and writing a build atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
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
    assert {str(p) for p in known} <= set(files)
    assert inputs_sha256(layout.root, files, known) == inputs_sha256(layout.root, files)
    assert inputs_sha256(layout.root, files, {str(p): d for p, d in known.items()}) \
        == inputs_sha256(layout.root, files)
    assert inputs_sha256(layout.root, files, {p: "0" * 64 for p in known}) \
        != inputs_sha256(layout.root, files)


def test_input_files_are_every_file_the_build_reads(fixture_project: Path) -> None:
    """The listing by path strings names the files a listing by ``Path`` names."""
    layout = Layout(fixture_project)
    expected = {p for p in layout.corpus.iterdir() if p.is_file()}
    expected |= set(layout.ontology_dir.glob("*.ttl")) | set(layout.qc_queries.glob("*.rq"))
    expected |= {p for p in (layout.registry, layout.catalogue, layout.links,
                             layout.wikidata_cache) if p.is_file()}
    assert input_files(layout) == sorted(str(p) for p in expected)


def test_inputs_hash_sees_an_edit_to_any_input(fixture_project: Path, tmp_path: Path) -> None:
    """An edited text, registry or query changes the hash, though the corpus files' own
    hashes are given (as the read stage gives them)."""
    root = tmp_path / "proj"
    shutil.copytree(fixture_project, root)
    layout = Layout(root)
    docs, _ = brat.read_collection(layout.corpus)
    known = {str(p): d for doc in docs
             for p, d in ((doc.txt_path, doc.txt_sha256), (doc.ann_path, doc.ann_sha256))}
    before = inputs_sha256(root, input_files(layout), known)
    for path in (layout.registry, next(layout.qc_queries.glob("*.rq"))):
        path.write_bytes(path.read_bytes() + b"\n")
        after = inputs_sha256(root, input_files(layout), known)
        assert after != before
        before = after
    txt = docs[0].txt_path
    txt.write_bytes(txt.read_bytes() + b" More.")
    docs, _ = brat.read_collection(layout.corpus)
    known = {str(p): d for doc in docs
             for p, d in ((doc.txt_path, doc.txt_sha256), (doc.ann_path, doc.ann_sha256))}
    assert inputs_sha256(root, input_files(layout), known) != before
