"""The SPARQL protocol layer of a load: which URL serves query, update and Graph Store."""

from __future__ import annotations

import pytest

from ctkg.errors import CTKGError
from ctkg.http import scrub_url
from ctkg.store.protocol import derive_endpoints


def test_endpoint_urls_are_derived_for_known_stores() -> None:
    assert derive_endpoints("http://127.0.0.1:7878/query").update == \
        "http://127.0.0.1:7878/update"
    assert derive_endpoints("http://localhost:3030/ctkg/sparql").update == \
        "http://localhost:3030/ctkg/update"
    assert derive_endpoints("http://localhost:7200/repositories/ctkg").update == \
        "http://localhost:7200/repositories/ctkg/statements"
    virtuoso = derive_endpoints("http://localhost:8890/sparql")
    assert (virtuoso.update, virtuoso.graph_store, virtuoso.store) == (
        "http://localhost:8890/sparql", "http://localhost:8890/sparql-graph-crud", "Virtuoso")
    assert derive_endpoints("http://127.0.0.1:7878/query").graph_store == \
        "http://127.0.0.1:7878/store"
    assert derive_endpoints("http://localhost:3030/ctkg/query").graph_store == \
        "http://localhost:3030/ctkg/data"
    assert derive_endpoints("http://localhost:7200/repositories/ctkg").graph_store == \
        "http://localhost:7200/repositories/ctkg/rdf-graphs/service"
    other = derive_endpoints("http://localhost:8890/sparql", update="http://localhost:8890/up")
    assert other.update == "http://localhost:8890/up"


def test_an_unknown_store_names_the_flags_to_give() -> None:
    """A query URL of no store we know: the message names every known shape and the flags."""
    with pytest.raises(CTKGError) as err:
        derive_endpoints("http://localhost:9999/endpoint")
    message = str(err.value)
    for words in ("Virtuoso .../sparql", "Oxigraph .../query", "give --update URL",
                  "--graph-store URL"):
        assert words in message
    given = derive_endpoints("http://h/endpoint", update="http://h/up", graph_store="http://h/g")
    assert (given.update, given.graph_store, given.store) == ("http://h/up", "http://h/g", "")
    assert scrub_url("https://u:p@h/q?token=abc&graph=x") == "https://h/q?token=***&graph=x"
