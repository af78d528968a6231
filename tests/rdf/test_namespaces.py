"""The namespaces: plain strings, one prefix per instance kind, no clash."""

from __future__ import annotations

from ctkg.rdf.namespaces import ID_NS, KIND_PREFIXES, PREFIXES


def test_kind_prefixes_do_not_clash_with_the_vocabulary() -> None:
    assert not set(KIND_PREFIXES) & set(PREFIXES)
    assert KIND_PREFIXES["ctkgorg"] == f"{ID_NS}org/"
    assert all(ns.startswith(ID_NS) and ns.endswith("/") for ns in KIND_PREFIXES.values())



def test_namespaces_are_plain_strings_without_rdflib() -> None:
    """One term model: the namespaces are strings, so importing them loads no rdflib."""
    import subprocess
    import sys

    code = ("import sys, ctkg.rdf.namespaces, ctkg.rdf.terms, ctkg.kg.compile; "
            "print('rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
