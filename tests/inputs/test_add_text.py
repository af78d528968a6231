"""ctkg add: the text normalized or refused, the id rule, the catalogue table, duplicates."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from ctkg.errors import CTKGError
from ctkg.inputs.add_text import NewDocument, add_document, normalize_text
from ctkg.inputs.catalogue import load_catalogue
from ctkg.paths import Layout
from tests.paths import ROOT

META = NewDocument(date="2018-02-09", kind="NewsArticle", publisher="", title="A test text")


def project(tmp_path: Path) -> Layout:
    """The project's data and ontology in a temporary folder."""
    for folder in ("ontology", "data/corpus"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for name in ("registry.toml", "catalogue.toml"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    return Layout(tmp_path)


def excerpt() -> str:
    """A paragraph of a corpus text: true to its source, and not a duplicate of it."""
    return (ROOT / "data/corpus/003_e0905da38116da84.txt").read_text("utf-8").split("\n")[4]


def test_bom_dropped_and_line_ends_made_lf() -> None:
    assert normalize_text(b"\xef\xbb\xbfa\r\nb\rc\n", "x.txt") == "a\nb\nc\n"


@pytest.mark.parametrize(("raw", "where"), [
    (b"ok\nbad \xff byte", "x.txt:2: error: not UTF-8 at line 2, column 5"),
    (b"one\ntwo\x00", "x.txt:2: error: column 4 (character 7): NUL byte"),
    ("a\nb\u2028c".encode(), "x.txt:2: error: column 2 (character 3): LINE SEPARATOR"),
    (b"\x0c", "x.txt:1: error: column 1 (character 0): control character U+000C"),
    (b"\xff\xfeh\x00i\x00", "x.txt:1: error: starts with a UTF-16/UTF-32 byte-order mark"),
    (b" \n\n", "x.txt: error: the text is empty"),
])
def test_what_brat_would_count_differently_is_refused_with_its_place(raw: bytes,
                                                                     where: str) -> None:
    with pytest.raises(CTKGError) as exc:
        normalize_text(raw, "x.txt")
    assert str(exc.value).startswith(where)


def test_add_writes_text_empty_ann_and_catalogue_table(tmp_path: Path) -> None:
    layout = project(tmp_path)
    source = tmp_path / "new.txt"
    source.write_bytes(b"\xef\xbb\xbf" + excerpt().replace("–", "-").encode() + b"\r\n")
    before = layout.catalogue.read_text("utf-8")
    doc_id = add_document(layout, source, META)
    text = (layout.corpus / f"{doc_id}.txt").read_text("utf-8")
    assert not text.startswith("\ufeff") and "\r" not in text
    # the document id rule: next number, then 16 hex digits of the text's SHA-256
    assert doc_id == "005_" + hashlib.sha256(text.encode()).hexdigest()[:16]
    assert (layout.corpus / f"{doc_id}.ann").read_bytes() == b""
    after = layout.catalogue.read_text("utf-8")
    assert after.startswith(before.rstrip("\n") + "\n\n")  # appended, the rest untouched
    entry = load_catalogue(layout.catalogue)[doc_id]
    assert (entry.title, entry.date, entry.kind, entry.language) == (
        "A test text", "2018-02-09", "NewsArticle", "en")
    assert tomllib.loads(after)[doc_id]["publisher"] == ""


def test_the_title_defaults_to_the_first_line_and_says_so(tmp_path: Path) -> None:
    layout = project(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text("\n\nFirst line “quoted”\nbody\n", encoding="utf-8")
    doc_id = add_document(layout, source, NewDocument(date="2019", kind="NewsArticle"))
    entry = load_catalogue(layout.catalogue)[doc_id]
    assert entry.title == "First line “quoted”"
    assert entry.note and "first line" in entry.note


def test_the_same_text_twice_is_refused(tmp_path: Path) -> None:
    layout = project(tmp_path)
    source = tmp_path / "dup.txt"
    shutil.copy(layout.corpus / "003_e0905da38116da84.txt", source)
    with pytest.raises(CTKGError, match="already in the corpus as 003_e0905da38116da84"):
        add_document(layout, source, META)
    source.write_text("a text\n", encoding="utf-8")
    add_document(layout, source, META)
    source.write_text("a  text\r\n", encoding="utf-8")  # only whitespace differs
    with pytest.raises(CTKGError, match="already in the corpus as 005_"):
        add_document(layout, source, META)


@pytest.mark.parametrize(("meta", "message"), [
    (NewDocument(date="2018-13", kind="NewsArticle"), "--date"),
    (NewDocument(date="2018/2019", kind="NewsArticle"), "--date"),
    (NewDocument(date="2018", kind="Blog"), "--kind 'Blog'"),
    (NewDocument(date="2018", kind="NewsArticle", publisher="nobody"), "--publisher 'nobody'"),
    (NewDocument(date="2018", kind="NewsArticle", url="not a url"), "url 'not a url'"),
    (NewDocument(date="2018", kind="NewsArticle", language="english!"), "language"),
    (NewDocument(date="2018", kind="NewsArticle", date_inferred=True), "--date-evidence"),
])
def test_bad_metadata_is_refused_and_nothing_written(tmp_path: Path, meta: NewDocument,
                                                     message: str) -> None:
    layout = project(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text("a text\n", encoding="utf-8")
    catalogue = layout.catalogue.read_bytes()
    with pytest.raises(CTKGError, match=message):
        add_document(layout, source, meta)
    assert layout.catalogue.read_bytes() == catalogue
    assert len(list(layout.corpus.glob("*.txt"))) == 5
