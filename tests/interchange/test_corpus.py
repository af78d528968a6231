"""ctkg inception: export checked and written at once, import from XMI or INCEpTION's zip."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ctkg.annotations.brat import read_collection
from ctkg.cli.main import main
from ctkg.errors import CTKGError
from ctkg.interchange.corpus import (
    TYPESYSTEM_FILE,
    XmiSource,
    check_xmi,
    export_corpus,
    export_files,
    import_xmi,
    xmi_sources,
)
from ctkg.interchange.typesystem import typesystem_xml
from ctkg.interchange.xmi_import import annotation_set
from ctkg.paths import Layout
from tests.interchange.project import ANN, TEXT, document, project_scheme
from tests.paths import ROOT

DOC = "900_0000000000000000"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
    (corpus / f"{DOC}.ann").write_text(ANN, encoding="utf-8")
    return corpus


def test_export_writes_the_type_system_and_one_checked_xmi_per_document(tmp_path: Path) -> None:
    docs, _ = read_collection(_corpus(tmp_path))
    written = export_corpus(docs, project_scheme(), tmp_path / "out")
    assert sorted(p.name for p in written) == [f"{DOC}.xmi", TYPESYSTEM_FILE]
    assert (tmp_path / "out" / TYPESYSTEM_FILE).read_text(encoding="utf-8") == typesystem_xml(
        project_scheme())
    assert export_files(docs, project_scheme()) == {p.name: p.read_bytes() for p in written}


def test_the_check_catches_an_xmi_that_says_something_else() -> None:
    doc = document(TEXT, ANN)
    files = export_files([doc], project_scheme())
    xmi = files[f"{DOC}.xmi"].decode("utf-8")
    ts_xml = files[TYPESYSTEM_FILE].decode("utf-8")
    assert check_xmi(xmi, ts_xml, doc, project_scheme()) == []
    shifted = xmi.replace('begin="34" end="40"', 'begin="33" end="40"')  # Madrid
    messages = [p.message for p in check_xmi(shifted, ts_xml, doc, project_scheme())]
    assert any("lost" in m and "T3 Place ((34, 40),) Madrid" in m for m in messages)
    outside = xmi.replace('begin="34" end="40"', f'begin="34" end="{len(TEXT) + 5}"')
    messages = [p.message for p in check_xmi(outside, ts_xml, doc, project_scheme())]
    assert any("lies outside the text" in m for m in messages)
    assert check_xmi("<xmi", ts_xml, doc, project_scheme())[0].message.startswith(
        "the XMI written does not load back")


def test_an_export_with_a_problem_writes_nothing(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (corpus / f"{DOC}.ann").write_text(ANN + "*\tEquiv T1 T5\n", encoding="utf-8")
    docs, _ = read_collection(corpus)
    with pytest.raises(CTKGError, match="no brat equivalences"):
        export_corpus(docs, project_scheme(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _inception_zip(tmp_path: Path, files: dict[str, bytes], name: str) -> Path:
    """A document as INCEpTION exports it in UIMA CAS XMI: the XMI and the project's type
    system in one zip."""
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(name, files[f"{DOC}.xmi"])
        z.writestr("TypeSystem.xml", files[TYPESYSTEM_FILE])
    return path


def test_import_from_an_inception_zip(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    files = export_files(read_collection(corpus)[0], project_scheme())
    [source] = xmi_sources(_inception_zip(tmp_path, files, f"{DOC}.txt.xmi"), tmp_path / "none")
    ann_path, ann = import_xmi(source, project_scheme(), corpus, {})
    assert ann_path == corpus / f"{DOC}.ann"
    assert annotation_set(document(TEXT, ann)) == annotation_set(document(TEXT, ANN))


def test_import_refuses_a_missing_or_different_text(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    files = export_files(read_collection(corpus)[0], project_scheme())
    ts = xmi_sources(_inception_zip(tmp_path, files, "a.xmi"), tmp_path)[0].typesystem
    (corpus / f"{DOC}.txt").write_text(TEXT.replace("Madrid", "Lisbon"), encoding="utf-8")
    source = XmiSource(f"{DOC}.xmi", files[f"{DOC}.xmi"], ts, "a.xmi")
    with pytest.raises(CTKGError, match="its text differs"):
        import_xmi(source, project_scheme(), corpus, {})
    with pytest.raises(CTKGError, match="does not exist: add the text first"):
        import_xmi(source, project_scheme(), tmp_path, {})
    with pytest.raises(CTKGError, match="not a UIMA CAS XMI"):
        import_xmi(XmiSource("b.xmi", b"<nope/", ts, "b.xmi"), project_scheme(), corpus, {})


def _project(tmp_path: Path) -> Layout:
    """A copy of this checkout's inputs and corpus to run the commands on."""
    layout = Layout(tmp_path / "project")
    shutil.copytree(ROOT / "ontology", layout.ontology_dir)
    shutil.copytree(ROOT / "data" / "corpus", layout.corpus)
    shutil.copytree(ROOT / "data" / "wikidata", layout.links.parent)
    shutil.copytree(ROOT / "data" / "inception", layout.root / "data" / "inception")
    for path in (layout.registry, layout.catalogue):
        shutil.copy(ROOT / "data" / path.name, path)
    return layout


def test_commands_export_and_import_the_corpus_unchanged(tmp_path: Path) -> None:
    layout = _project(tmp_path)
    before = {d.doc_id: annotation_set(d) for d in read_collection(layout.corpus)[0]}
    out = tmp_path / "xmi"
    assert main(["inception", "export", "--root", str(layout.root), "--out", str(out)]) == 0
    for ann in layout.corpus.glob("*.ann"):
        ann.unlink()
    xmis = sorted(str(p) for p in out.glob("*.xmi"))
    assert len(xmis) == len(before) == 5
    assert main(["inception", "import", "--root", str(layout.root), *xmis]) == 0
    after = {d.doc_id: annotation_set(d) for d in read_collection(layout.corpus)[0]}
    assert after == before


def test_typesystem_check_catches_a_stale_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    layout = _project(tmp_path)
    args = ["inception", "typesystem", "--root", str(layout.root)]
    assert main([*args, "--check"]) == 0
    path = layout.root / "data" / "inception" / "TypeSystem.xml"
    path.write_text(path.read_text(encoding="utf-8").replace("Statement", "Statment"),
                    encoding="utf-8")
    assert main([*args, "--check"]) == 1
    assert "out of date: run ctkg inception typesystem" in capsys.readouterr().err
    assert main(args) == 0 and main([*args, "--check"]) == 0


def test_without_dkpro_cassis_the_command_says_what_to_install() -> None:
    code = ("import sys; sys.modules['cassis'] = None\n"
            "from ctkg.cli.main import main\n"
            f"raise SystemExit(main(['inception', 'typesystem', '--check', '--root', "
            f"{str(ROOT)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 1
    assert 'pip install -e ".[inception]"' in proc.stderr


def test_offsets_count_code_points_in_brat_and_utf16_units_in_the_xmi(tmp_path: Path) -> None:
    """brat counts code points; UIMA (Java strings) UTF-16 code units: a character outside
    the Basic Multilingual Plane before a mention shifts the XMI's offsets by one."""
    text = "\U0001d538 Guterres spoke.\n"
    ann = ("T1\tPerson 2 10\tGuterres\n"
           "N1\tReference T1 CTKG:antonio-guterres\tAntónio Guterres\n")
    doc = document(text, ann)
    files = export_files([doc], project_scheme())
    xmi = files[f"{DOC}.xmi"].decode("utf-8")
    assert 'begin="3" end="11" label="Person"' in xmi
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / f"{DOC}.txt").write_text(text, encoding="utf-8")
    source = XmiSource(f"{DOC}.xmi", files[f"{DOC}.xmi"],
                       xmi_sources(_inception_zip(tmp_path, files, "a.xmi"), tmp_path)[0]
                       .typesystem, "a.xmi")
    _, back = import_xmi(source, project_scheme(), corpus, {})
    assert annotation_set(document(text, back)) == annotation_set(doc)
