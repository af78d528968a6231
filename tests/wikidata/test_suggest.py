"""``ctkg link --suggest``: ranked candidates for unlinked entries; it writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ctkg.cli.main import main
from ctkg.inputs import read_inputs
from ctkg.store.server import OxigraphServer
from ctkg.wikidata.suggest import suggest, suggest_query, suggest_targets
from tests.wikidata.project import make_project, tree
from tests.wikidata.test_client import load_fixture

SUGGEST_LINKS = """
[testland]
qid = "Q98765404"
evidence = "test fixture"

[room-6]
unlinked = "no Wikidata item for this meeting room"

[sg-testland]
unlinked = "ambiguous: two candidate items, to be decided"
"""


@pytest.mark.server
def test_suggest_ranks_candidates_and_writes_nothing(tmp_path: Path,
                                                     oxigraph_server: OxigraphServer,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    load_fixture(oxigraph_server)
    layout = make_project(tmp_path / "p", SUGGEST_LINKS)
    before = tree(layout.root)
    assert main(["link", "--suggest", "--root", str(layout.root),
                 "--endpoint", oxigraph_server.query_url, "--limit", "5"]) == 0
    assert tree(layout.root) == before
    out = capsys.readouterr().out
    blocks = {b.split()[0]: b.strip() for b in out.split("\n\n") if b.strip()}
    assert "testland" not in blocks  # linked
    assert "room-6" not in blocks  # "no … item"
    assert "sg-testland" in blocks  # unlinked for another reason: still suggested
    person = [line.split() for line in blocks["alma-testperson"].splitlines()[2:]]
    # exact label and human first (more sitelinks first), the ship's alias last
    assert [row[1] for row in person] == ["Q98765401", "Q98765408", "Q98765407"]
    assert person[0][2:4] == ["label", "ok"] and person[2][2:4] == ["alias", "NO"]
    city = [line.split() for line in blocks["fixtureville"].splitlines()[2:]]
    assert [row[1] for row in city] == ["Q98765403", "Q98765406"]
    assert "test-threat" in blocks and "Q98765411" in blocks["test-threat"]
    assert "Nothing was written" in out


@pytest.mark.server
def test_suggest_limit_and_api(tmp_path: Path, oxigraph_server: OxigraphServer) -> None:
    load_fixture(oxigraph_server)
    layout = make_project(tmp_path / "p", SUGGEST_LINKS)
    out = io.StringIO()
    n = suggest(layout, oxigraph_server.query_url, timeout=10, limit=1, out=out)
    assert n == 5  # alma-testperson, ecto, fixtureville, sg-testland, test-threat
    block = next(b.strip() for b in out.getvalue().split("\n\n")
                 if b.strip().startswith("alma-testperson"))
    assert len(block.strip().splitlines()) == 3  # header, column names, one candidate




def test_targets_are_the_unlinked_entries_whose_reason_allows_an_item(tmp_path: Path) -> None:
    layout = make_project(tmp_path, SUGGEST_LINKS)
    assert [e.slug for e in suggest_targets(read_inputs(layout))] == [
        "alma-testperson", "ecto", "fixtureville", "sg-testland", "test-threat"]


def test_the_query_quotes_names_as_english_literals() -> None:
    query = suggest_query(['Say "hi"', "Guterres"])
    assert 'VALUES ?name { "Say \\"hi\\""@en "Guterres"@en }' in query
