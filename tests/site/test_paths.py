"""Page paths: the contract ``ctkg serve`` resolves local IRIs with."""

from __future__ import annotations

import pytest

from ctkg.site.paths import listing_path, page_path, relative


@pytest.mark.parametrize(("iri", "path"), [
    ("https://w3id.org/ctkg/id/person/vladimir-voronkov", "id/person/vladimir-voronkov.html"),
    ("https://w3id.org/ctkg/id/org/unoct", "id/org/unoct.html"),
    ("https://w3id.org/ctkg/id/event/x-2018", "id/event/x-2018.html"),
    ("https://w3id.org/ctkg/id/goal/g", "id/goal/g.html"),
    ("https://w3id.org/ctkg/id/pillar/p", "id/pillar/p.html"),
    ("https://w3id.org/ctkg/id/document/000_4f7ada5e30202a80",
     "id/document/000_4f7ada5e30202a80.html"),
    ("https://w3id.org/ctkg/id/statement/000_4f7ada5e30202a80/E2",
     "id/statement/000_4f7ada5e30202a80/E2.html"),
    ("https://w3id.org/ctkg/ontology#Person", "ontology/index.html"),
    ("https://w3id.org/ctkg/ontology", "ontology/index.html"),
])
def test_page_path_of_things_with_a_page(iri: str, path: str) -> None:
    assert page_path(iri) == path


@pytest.mark.parametrize("iri", [
    "https://w3id.org/ctkg/id/mention/000_4f7ada5e30202a80/T3",
    "https://w3id.org/ctkg/id/assertion/000_4f7ada5e30202a80/R4",
    "https://w3id.org/ctkg/id/person/a/b",
    "https://w3id.org/ctkg/id/person/../../etc",
    "https://w3id.org/ctkg/id/statement/doc",
    "https://w3id.org/ctkg/id/person/",
    "https://w3id.org/ctkg/graph/registry",
    "http://www.wikidata.org/entity/Q42",
])
def test_no_page(iri: str) -> None:
    assert page_path(iri) is None


def test_relative_links_between_pages() -> None:
    assert relative("index.html", "id/person/x.html") == "id/person/x.html"
    assert relative("id/person/x.html", "id/document/d.html") == "../../id/document/d.html"
    assert relative("id/statement/d/E1.html", "index.html") == "../../../index.html"
    assert relative("id/person/x.html", listing_path("person")) == "../../id/person/index.html"


def test_relative_resolves_to_the_target() -> None:
    import posixpath
    pages = ["index.html", "timeline.html", "id/person/x.html", "id/person/index.html",
             "id/document/d.html", "id/statement/d/E1.html", "id/statement/e/E2.html",
             "ontology/index.html", "downloads/tables/a.csv"]
    for a in pages:
        for b in pages:
            assert posixpath.normpath(posixpath.join(posixpath.dirname(a),
                                                     relative(a, b))) == b, (a, b)
