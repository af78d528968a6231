"""A DeferredDocument is the document parsed from its files, parsed only when read."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ctkg.annotations.brat import Document, read_document
from ctkg.annotations.brief import DocBrief
from ctkg.annotations.deferred import DeferredDocument
from ctkg.errors import CTKGError
from tests.paths import ROOT

DOC = "000_4f7ada5e30202a80"


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    for ext in ("txt", "ann"):
        shutil.copy(ROOT / "data" / "corpus" / f"{DOC}.{ext}", tmp_path / f"{DOC}.{ext}")
    return tmp_path / f"{DOC}.txt", tmp_path / f"{DOC}.ann"


def test_known_without_parsing_equal_once_parsed(files: tuple[Path, Path]) -> None:
    doc = read_document(*files)
    brief = DocBrief.of(doc)
    deferred = DeferredDocument.of(brief)
    assert (deferred.doc_id, deferred.txt_sha256, deferred.ann_path) == (
        doc.doc_id, doc.txt_sha256, doc.ann_path)
    assert DocBrief.of(deferred) is brief
    assert not deferred.parsed
    assert deferred.textbounds == doc.textbounds
    assert deferred.parsed
    assert deferred == doc and doc == deferred
    assert deferred.text == doc.text and deferred.problems == doc.problems
    assert deferred.attrs_of("E1") == doc.attrs_of("E1")


def test_pickles_as_the_plain_document(files: tuple[Path, Path]) -> None:
    doc = read_document(*files)
    back = pickle.loads(pickle.dumps(DeferredDocument.of(DocBrief.of(doc))))
    assert type(back) is Document
    assert back == doc
    again = replace(DeferredDocument.of(DocBrief.of(doc)))
    assert again == doc


def test_unknown_attributes_are_not_parsed_for(files: tuple[Path, Path]) -> None:
    deferred = DeferredDocument.of(DocBrief.of(read_document(*files)))
    assert not hasattr(deferred, "no_such_field")
    assert not deferred.parsed


def test_a_file_changed_since_it_was_hashed_is_an_error(files: tuple[Path, Path]) -> None:
    deferred = DeferredDocument.of(DocBrief.of(read_document(*files)))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    with pytest.raises(CTKGError, match="changed while the build was running"):
        _ = deferred.events
