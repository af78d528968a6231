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
    with pytest.raises(CTKGError, match="give --update"):
        derive_endpoints("http://localhost:8890/sparql")
    other = derive_endpoints("http://localhost:8890/sparql", update="http://localhost:8890/up")
    assert other.update == "http://localhost:8890/up"
    assert scrub_url("https://u:p@h/q?token=abc&graph=x") == "https://h/q?token=***&graph=x"
