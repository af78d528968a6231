"""Reading a build for a load: present, current (sha256), counts as the manifest says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.store.load import load_release
from ctkg.store.release import GRAPH_PREFIX, read_release, sha256_file
from ctkg.store.server import free_port
from tests.store.helpers import kg_folder

FAST = {"retries": 1, "base_delay": 0.01, "timeout": 10.0}


def test_missing_or_stale_build_is_refused_before_any_request(tmp_path: Path) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(CTKGError, match=r"build missing/stale: run python build\.py"):
        load_release(tmp_path / "nothing", unreachable, **FAST)
    folder = kg_folder(tmp_path, 1)
    with (folder / "ctkg.trig").open("a", encoding="utf-8") as f:
        f.write("\n# edited after the build\n")
    with pytest.raises(CTKGError, match=r"build missing/stale.*sha256"):
        load_release(folder, unreachable, **FAST)
    folder = kg_folder(tmp_path, 1, "wrong-counts")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["graphs"][GRAPH_PREFIX + "registry"]["triples"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CTKGError, match=r"build missing/stale.*counts"):
        load_release(folder, unreachable, **FAST)
    folder = kg_folder(tmp_path, 1, "malformed")
    trig = folder / "ctkg.trig"
    trig.write_text(trig.read_text(encoding="utf-8") + "\n<https://w3id.org/ctkg/graph/x> { <a",
                    encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["ctkg.trig"] = sha256_file(trig)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CTKGError, match="does not parse"):
        load_release(folder, unreachable, **FAST)
    assert read_release(kg_folder(tmp_path, 2)).total == 46
