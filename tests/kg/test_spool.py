"""The dumps' pieces spooled to a temporary file: read back only when written or hashed."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest

from ctkg.kg.files import Files, same_as_file, sha256_of, size_of
from ctkg.kg.outputs import write_outputs
from ctkg.kg.pipeline import BuildResult
from ctkg.kg.spool import SMALL, Span, Spool, reopen

BIG = b"<a> <b> <c> .\n" * (SMALL // 14 + 1)  # over the in-memory limit


def test_large_bytes_are_spooled_and_read_back() -> None:
    spool = Spool()
    first, second = spool.put(BIG), spool.put(BIG[::-1])
    assert isinstance(first, Span) and isinstance(second, Span)
    assert (first.offset, second.offset) == (0, len(BIG))
    assert bytes(second) == BIG[::-1] and bytes(first) == BIG and len(first) == len(BIG)
    assert spool.put(first) is first  # spooled once
    assert spool.put(b"short") == b"short"  # small runs stay in memory


def test_spans_are_written_hashed_and_compared_as_their_bytes(tmp_path: Path) -> None:
    spool = Spool()
    files = Files({"small.txt": b"abc\n"})
    files.set_chunks("ctkg.nq", [b"head\n", spool.put(BIG), spool.put(BIG)])
    whole = b"head\n" + BIG + BIG
    assert files["ctkg.nq"] == whole and size_of(files, "ctkg.nq") == len(whole)
    assert sha256_of(files, "ctkg.nq") == hashlib.sha256(whole).hexdigest()
    write_outputs(files, tmp_path / "kg")
    assert (tmp_path / "kg" / "ctkg.nq").read_bytes() == whole
    assert same_as_file(tmp_path / "kg" / "ctkg.nq", files.chunks("ctkg.nq"))


def test_the_spool_leaves_no_file_behind() -> None:
    spool = Spool()
    span = spool.put(BIG)
    assert isinstance(span, Span)
    assert os.fstat(spool.fileno()).st_nlink == 0  # anonymous: gone when closed
    spool.close()


def test_a_build_keeps_its_document_pieces_in_the_spool(result: BuildResult) -> None:
    """The built dumps hold spooled spans for the documents' graphs, not their bytes."""
    for name in ("ctkg.trig", "ctkg.nq", "ctkg.jsonld"):
        chunks = result.files.chunks(name)
        assert any(isinstance(c, Span) for c in chunks), name
        assert result.files[name] == b"".join(bytes(c) for c in chunks)


def test_a_spool_on_a_path_travels_by_pickle_and_an_anonymous_one_does_not(
        tmp_path: Path) -> None:
    """A --jobs build's child spools into a named file: its spans come back by pickle as
    spans of one spool per file, reading the same bytes."""
    path = tmp_path / "spool"
    path.touch()
    spool = Spool(path)
    spans = [spool.put(BIG), spool.put(BIG[::-1])]
    back = pickle.loads(pickle.dumps(spans))
    assert [bytes(s) for s in back] == [BIG, BIG[::-1]]
    assert back[0].spool is back[1].spool is reopen(path)
    assert reopen(path).put(BIG).offset == 2 * len(BIG)  # appends after the child's runs
    with pytest.raises(TypeError, match="anonymous spool"):
        pickle.dumps(Spool().put(BIG))
