"""The shared graphs' pieces from per-subject blocks (ctkg.kg.sharedpieces) are the pieces
rendered whole, after every kind of change: a subject's triples, a subject added or
removed, the graph's prefixes changed (an IRI that needs an escape), a blank node; and a
damaged entry is rendered anew."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.kg.cache import Cache
from ctkg.kg.jsonld import jsonld_context
from ctkg.kg.pieces import Piece
from ctkg.kg.render import render_pieces
from ctkg.kg.sharedpieces import KIND, Blocks, shared_pieces
from ctkg.rdf.terms import RDF_TYPE, ctkg, graph_of, ident, lit

CATALOGUE = graph_of("catalogue")
CTX = jsonld_context(["SourceDocument", "characterCount"])


def _document(doc: str, length: int, title: str = "A title") -> list[ox.Quad]:
    s = ident(f"document/{doc}")
    return [ox.Quad(s, RDF_TYPE, ctkg("SourceDocument"), CATALOGUE),
            ox.Quad(s, ctkg("characterCount"), lit(length), CATALOGUE),
            ox.Quad(s, ctkg("title"), ox.Literal(title, language="en"), CATALOGUE)]


def _catalogue(lengths: dict[str, int]) -> list[ox.Quad]:
    return [q for doc, n in lengths.items() for q in _document(doc, n, f"Report {doc}")]


def _whole(quads: list[ox.Quad]) -> list[Piece]:
    return render_pieces(quads, CTX)


def _blocks(cache: Path) -> Blocks:
    (entry,) = (cache / KIND).glob("*.pickle")
    found = Cache(cache).get(KIND, entry.stem)
    assert isinstance(found, Blocks)
    return found


def test_blocks_give_the_whole_piece_after_each_change(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    lengths = {f"{n:03d}_doc": 100 + n for n in range(12)}
    steps: list[dict[str, int]] = [
        lengths,
        {**lengths, "003_doc": 5000},  # a text's length
        {**lengths, "003_doc": 5000, "100_doc": 7, "010_doc-x": 8},  # subjects added
        {d: n for d, n in lengths.items() if d != "005_doc"},  # one removed
    ]
    for step in steps:
        quads = _catalogue(step)
        assert shared_pieces(quads, CTX, cache) == _whole(quads)
    kept = _blocks(tmp_path)
    assert len(kept.blocks) == len(steps[-1]) and not (tmp_path / "shared-piece").exists()
    assert set(kept.order) == {ident(f"document/{d}").value for d in steps[-1]}


def test_only_the_changed_subjects_are_rendered(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ctkg.kg import sharedpieces

    cache = Cache(tmp_path)
    lengths = {f"{n:03d}_doc": 100 + n for n in range(12)}
    shared_pieces(_catalogue(lengths), CTX, cache)
    rendered: list[int] = []
    render = sharedpieces._render

    def counted(graph: str, quads: list[ox.Quad], *args: object) -> object:
        rendered.append(len({q.subject for q in quads}))
        return render(graph, quads, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sharedpieces, "_render", counted)
    quads = _catalogue({**lengths, "007_doc": 1})
    assert shared_pieces(quads, CTX, cache) == _whole(quads)
    assert rendered == [1]
    assert shared_pieces(quads, CTX, cache) == _whole(quads)  # unchanged: none
    assert rendered == [1]


def test_a_change_of_the_graphs_prefixes_renders_every_block_again(tmp_path: Path) -> None:
    """An IRI whose local name needs an escape drops its prefix for the whole graph: the
    blocks rendered under it are stale."""
    cache = Cache(tmp_path)
    lengths = {f"{n:03d}_doc": n for n in range(5)}
    quads = _catalogue(lengths)
    first = shared_pieces(quads, CTX, cache)
    odd = [*quads, *_document("bad(name)", 3)]
    got = shared_pieces(odd, CTX, cache)
    assert got == _whole(odd) and got[0].prefixes != first[0].prefixes
    assert b"document:000_doc" not in bytes(got[0].trig)  # written in full now
    assert shared_pieces(quads, CTX, cache) == _whole(quads) == first  # and back


def test_a_graph_that_may_hold_a_blank_node_is_cached_whole(tmp_path: Path) -> None:
    """A blank node's triples may be nested under another subject: a graph whose N-Quads
    hold ``_:`` (here in a literal: the build has no blank nodes) is rendered whole."""
    cache = Cache(tmp_path)
    quads = [*_catalogue({"001_doc": 1}), *_document("002_doc", 2, "see _:b1")]
    assert shared_pieces(quads, CTX, cache) == _whole(quads)
    assert any((tmp_path / "shared-piece").glob("*.pickle"))
    assert not (tmp_path / KIND).exists()
    assert shared_pieces(quads, CTX, cache) == _whole(quads)


def test_a_damaged_entry_is_rendered_anew(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    quads = _catalogue({f"{n:03d}_doc": n for n in range(4)})
    shared_pieces(quads, CTX, cache)
    (entry,) = (tmp_path / KIND).glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:50])
    assert shared_pieces(quads, CTX, cache) == _whole(quads)
    assert isinstance(_blocks(tmp_path), Blocks)  # written anew
