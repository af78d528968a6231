"""The export read by Apache UIMA's Java SDK, the library INCEpTION is built on.

INCEpTION itself is a Java web application that no package registry reachable here ships;
Debian's ``libuima-core-java`` is the reference UIMA implementation. A small Java program
(``uima/CheckXmi.java``) parses TypeSystem.xml as INCEpTION's layer import does, classifies
each type by the rules of INCEpTION's TypeSystemAnalysis, and deserializes every XMI
strictly. Skipped, with the reason, where Java or the jar is missing (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ctkg.annotations.brat import read_collection
from ctkg.interchange.corpus import export_corpus
from ctkg.paths import Layout
from tests.interchange.project import project_scheme
from tests.paths import ROOT

UIMA_JAR = Path("/usr/share/java/uimaj-core.jar")
SOURCE = Path(__file__).parent / "uima" / "CheckXmi.java"

pytestmark = pytest.mark.skipif(
    shutil.which("javac") is None or shutil.which("java") is None or not UIMA_JAR.is_file(),
    reason="needs a JDK and Debian's libuima-core-java (apt-get install libuima-core-java)")


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("uima")
    shutil.copy(SOURCE, folder)
    subprocess.run(["javac", "-cp", str(UIMA_JAR), "-d", str(folder), str(folder / SOURCE.name)],
                   check=True, capture_output=True, timeout=300)
    return folder


def _run(checker: Path, *args: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["java", "-cp", f"{UIMA_JAR}:{checker}", "CheckXmi",
                           *map(str, args)], capture_output=True, text=True, timeout=300,
                          check=False)


def test_uima_reads_the_layers_and_every_document(checker: Path, tmp_path: Path) -> None:
    docs, _ = read_collection(Layout(ROOT).corpus)
    written = export_corpus(docs, project_scheme(), tmp_path)
    proc = _run(checker, tmp_path / "TypeSystem.xml", *sorted(p for p in written
                                                              if p.suffix == ".xmi"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "LAYER webanno.custom.CtkgSpan span slot:roles->webanno.custom.CtkgSpanRolesLink" \
        in lines
    assert "LAYER webanno.custom.CtkgRelation relation on webanno.custom.CtkgSpan" in lines
    assert len([ln for ln in lines if ln.startswith("LAYER")]) == 2
    counts = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in (
        re.search(r"^DOC (\S+)\.xmi .*CtkgRelation=(\d+), CtkgSpan=(\d+), "
                  r"DocumentMetaData=1, Sentence", ln) for ln in lines) if m}
    assert counts == {d.doc_id: (len(d.relations), len(d.textbounds)) for d in docs}


def test_uima_refuses_what_is_not_the_type_system(checker: Path, tmp_path: Path) -> None:
    """The check can fail: an XMI with a type the type system lacks is refused."""
    docs, _ = read_collection(Layout(ROOT).corpus)
    written = export_corpus(docs[:1], project_scheme(), tmp_path)
    xmi = next(p for p in written if p.suffix == ".xmi")
    xmi.write_text(xmi.read_text(encoding="utf-8").replace("custom:CtkgRelation",
                                                           "custom:CtkgRelationX"),
                   encoding="utf-8")
    proc = _run(checker, tmp_path / "TypeSystem.xml", xmi)
    assert proc.returncode != 0
