"""Cache entries whose dump pieces stay in the file (ctkg.kg.entries): read back as spans
of the file, the same bytes, and a cut-short entry is a miss, never wrong bytes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ctkg.kg import entries
from ctkg.kg.parallel import Cache
from ctkg.kg.pieces import Piece
from ctkg.kg.spool import SMALL, FileSpan

BIG = b"<a> <b> <c> <g> .\n" * (SMALL // 18 + 1)


def _piece(graph: str) -> Piece:
    return Piece(graph=graph, trig=BIG, ttl=b"small\n", nq=BIG[::-1], jsonld=BIG + b"x",
                 signatures=frozenset({("http://x/", True)}), prefixes=(("x", "http://x/"),),
                 stats=None)


def _value() -> tuple[object, ...]:
    return ({"iri": "source"}, [], [_piece("https://g/1"), _piece("https://g/2")],
            b"a summary's N-Triples, large too\n" * 300)


def test_the_pieces_large_bytes_stay_in_the_file(tmp_path: Path) -> None:
    data = entries.dumps(_value())
    path = tmp_path / "entry.pickle"
    path.write_bytes(data)
    got = entries.load(path)
    want = _value()
    assert got[0] == want[0] and got[3] == want[3]  # other bytes pickled as usual
    for piece, expected in zip(got[2], want[2], strict=True):
        assert isinstance(piece.trig, FileSpan) and isinstance(piece.nq, FileSpan)
        assert piece.ttl == b"small\n"  # small: in the pickle
        assert [bytes(piece.trig), bytes(piece.nq), bytes(piece.jsonld)] == [
            expected.trig, expected.nq, expected.jsonld]
        assert (piece.graph, piece.signatures, piece.prefixes) == (
            expected.graph, expected.signatures, expected.prefixes)
    assert entries.loads(data) == want  # from the bytes: the pieces' bytes copied out


def test_a_cut_short_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    cache.put("compile", "k", _value())
    assert cache.get("compile", "k") is not None
    path = tmp_path / "cache" / "compile" / "k.pickle"
    path.write_bytes(path.read_bytes()[:-10])  # the last run cut short
    assert cache.get("compile", "k") is None
    with pytest.raises(EOFError):
        entries.loads(path.read_bytes())


def test_a_span_of_a_file_that_changed_says_so(tmp_path: Path) -> None:
    path = tmp_path / "entry.pickle"
    path.write_bytes(entries.dumps(_value()))
    piece = entries.load(path)[2][1]
    path.write_bytes(b"shorter")
    with pytest.raises(OSError, match="bytes expected"):
        bytes(piece.nq)


def test_plain_pickles_still_load(tmp_path: Path) -> None:
    path = tmp_path / "old.pickle"
    path.write_bytes(pickle.dumps({"results": [1, 2]}))
    assert entries.load(path) == {"results": [1, 2]}
    assert entries.loads(path.read_bytes()) == {"results": [1, 2]}


def test_a_streamed_entry_loads_and_a_cut_short_one_is_a_miss(tmp_path: Path) -> None:
    """``Cache.put_streamed`` pickles straight into the file (no bytes held beside the
    value); it loads as any entry, leaves no temporary file, and cut short it is a miss."""
    cache = Cache(tmp_path)
    value = {"rows": [b"x" * 1000, "y" * 1000], "n": 3}
    cache.put_streamed("tables", "k", value)
    assert Cache(tmp_path).get("tables", "k") == value
    assert [p.name for p in (tmp_path / "tables").iterdir()] == ["k.pickle"]
    path = tmp_path / "tables" / "k.pickle"
    path.write_bytes(path.read_bytes()[:-10])
    assert Cache(tmp_path).get("tables", "k") is None
