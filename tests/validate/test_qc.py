"""The QC runner: headers read by the shared query-header parser, rows as offences."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.errors import CTKGError
from ctkg.validate.qc import load_queries, run_qc

SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
QUERY = f"""# title: Two things share a Wikidata item
# severity: warning
# scope: corpus — two graphs
# description: one line
#   and a continuation line that is not a field

SELECT ?a ?b ?q WHERE {{ ?a <{SAMEAS}> ?q . ?b <{SAMEAS}> ?q FILTER(STR(?a) < STR(?b)) }}
"""


def folder_with(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.rq").write_text(text, encoding="utf-8")
    return tmp_path


def test_header_fields_are_read_by_the_shared_parser(tmp_path: Path) -> None:
    (q,) = load_queries(folder_with(tmp_path, shared=QUERY))
    assert (q.name, q.title, q.severity, q.description, q.scope) == (
        "shared", "Two things share a Wikidata item", "warning", "one line", "corpus")


@pytest.mark.parametrize("scope", ["", "# scope: graph\n", "# scope:\n"])
def test_a_query_without_a_known_scope_is_an_error(tmp_path: Path, scope: str) -> None:
    folder_with(tmp_path, bad="# title: x\n# severity: error\n" + scope + "SELECT * {}\n")
    with pytest.raises(CTKGError, match=r"needs a '# scope: document\|corpus'"):
        load_queries(tmp_path)


@pytest.mark.parametrize("header", ["# title: x\n", "# title: x\n# severity: fatal\n",
                                    "# severity: error\n", "SELECT * {}\n# title: x\n"])
def test_a_query_without_title_and_severity_is_an_error(tmp_path: Path, header: str) -> None:
    folder_with(tmp_path, bad=header + "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(CTKGError, match=r"needs '# title:' and '# severity: error\|warning'"):
        load_queries(tmp_path)


def test_rows_are_offences_over_the_union_of_graphs(tmp_path: Path) -> None:
    store = ox.Store()
    q1 = ox.NamedNode("http://www.wikidata.org/entity/Q1")
    for slug, graph in [("a", "g1"), ("b", "g2")]:
        store.add(ox.Quad(ox.NamedNode(f"https://w3id.org/ctkg/id/person/{slug}"),
                          ox.NamedNode(SAMEAS), q1,
                          ox.NamedNode(f"https://w3id.org/ctkg/graph/{graph}")))
    (result,) = run_qc(store, folder_with(tmp_path, shared=QUERY))
    name, severity, rows = result
    assert (name, severity, result.title) == ("shared", "warning",
                                              "Two things share a Wikidata item")
    assert not result.ok and len(rows) == 1 and "Q1" in rows[0]
    assert rows[0].startswith("a=https://w3id.org/ctkg/id/person/a, ")


def test_a_non_select_query_is_refused(tmp_path: Path) -> None:
    folder_with(tmp_path, ask="# title: x\n# severity: error\n# scope: corpus\n"
                              "ASK { ?s ?p ?o }\n")
    with pytest.raises(CTKGError, match="must be a SELECT"):
        run_qc(ox.Store(), tmp_path)
