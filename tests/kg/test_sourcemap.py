"""A build's node sources kept per document (ctkg.kg.sourcemap): the same answers as a dict."""

from __future__ import annotations

import pytest

from ctkg.kg.sourcemap import SourceMap, pack
from ctkg.kg.spool import Spool
from ctkg.rdf.namespaces import ID_NS
from ctkg.rdf.sources import Source


def _src(what: str, line: int = 1) -> Source:
    return Source("data/corpus/x.ann", line, what)


@pytest.mark.parametrize("spooled", [True, False])
def test_answers_as_the_dict_it_replaces(spooled: bool) -> None:
    spool = Spool() if spooled else None
    plain: dict[str, Source] = {}
    got = SourceMap(spool)
    for doc in ("001_a", "002_b", "003_c"):
        found = {f"{ID_NS}mention/{doc}/T{i}": _src(f"T{i}", i) for i in range(1, 40)}
        found[f"{ID_NS}statement/{doc}/E1"] = _src("E1 Statement")
        plain.update(found)
        got.add_packed(doc, pack(doc, found))
    entity = f"{ID_NS}person/someone"
    assert got.setdefault(entity, _src("someone", 7)) == plain.setdefault(entity,
                                                                          _src("someone", 7))
    assert got.setdefault(entity, _src("other", 9)) == _src("someone", 7)  # kept the first
    assert dict(got) == plain
    assert len(got) == len(plain)
    for iri in plain:
        assert iri in got and got[iri] == plain[iri] and got.get(iri) == plain[iri]
    missing = f"{ID_NS}mention/001_a/T999"
    assert missing not in got and got.get(missing) is None
    with pytest.raises(KeyError):
        got[missing]
    assert f"{ID_NS}mention/404_none/T1" not in got  # a document never added


def test_a_node_named_by_another_document_keeps_the_last_source() -> None:
    """A document that names another document's node (none does today) overrides it, as
    ``dict.update`` in document order did."""
    got = SourceMap(Spool())
    node = f"{ID_NS}mention/001_a/T1"
    got.add_packed("001_a", pack("001_a", {node: _src("first")}))
    got.add_packed("002_b", pack("002_b", {node: _src("second")}))
    assert got[node] == _src("second")
    assert list(got) == [node]
    got.add_packed("001_a", pack("001_a", {node: _src("third")}))  # the same document again, later
    assert got[node] == _src("third")


def test_a_worker_packs_its_documents_nodes_and_keeps_any_other_apart() -> None:
    own = {f"{ID_NS}mention/001_a/T1": _src("T1"), f"{ID_NS}statement/001_a/E1": _src("E1")}
    other = {f"{ID_NS}mention/002_b/T9": _src("T9")}  # another document's node (a stray)
    data, strays = pack("001_a", {**own, **other})
    assert strays == other and data
    got = SourceMap(Spool())
    got.add_packed("001_a", (data, strays))
    assert dict(got) == {**own, **other}
    assert pack("001_a", {}) == (b"", {})
    assert pack("001_a", own)[1] == {}
