"""The build for OWL 2 DL reasoners (``ctkg owl``): dates retyped as strings and nothing else
changed, and HermiT (through owlready2, with Java) accepts it where it refuses the build as is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctkg.cli.main import main
from ctkg.store.owl import NOT_IN_OWL2_MAP, XSD_STRING, dl_safe_triples
from tests.paths import ROOT

KG = ROOT / "data" / "kg"
XSD = "http://www.w3.org/2001/XMLSchema#"


def build_quads() -> list[ox.Quad]:
    if not (KG / "ctkg.trig").is_file():
        pytest.skip("no build: run python build.py")
    return list(ox.parse(path=str(KG / "ctkg.trig"), format=ox.RdfFormat.TRIG))


def test_only_the_datatypes_outside_the_owl2_map_change() -> None:
    quads = build_quads()
    triples = dl_safe_triples(quads)
    original = {q.triple for q in quads}
    assert len(triples) == len(original)
    changed = [t for t in original if isinstance(t.object, ox.Literal)
               and t.object.datatype in NOT_IN_OWL2_MAP]
    assert {t.object.datatype.value for t in changed} >= {  # type: ignore[union-attr]
        f"{XSD}date", f"{XSD}gYear", f"{XSD}gYearMonth"}
    retyped = {ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value, datatype=XSD_STRING))
               for t in changed}
    assert set(triples) == (original - set(changed)) | retyped  # the same text, nothing else


def test_ctkg_owl_writes_the_variant_and_it_parses(tmp_path: Path) -> None:
    build_quads()
    out = tmp_path / "ctkg-dl.nt"
    assert main(["owl", "--root", str(ROOT), "--out", str(out)]) == 0
    written = list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    assert written and not any(isinstance(t.object, ox.Literal)
                               and t.object.datatype in NOT_IN_OWL2_MAP for t in written)


def hermit(path: Path) -> None:
    """Load ``path`` (N-Triples) into a fresh owlready2 world and run HermiT on it."""
    owlready2 = pytest.importorskip("owlready2", reason="owlready2 is not installed "
                                                        "(pip install -e '.[owl]')")
    if not shutil.which("java"):
        pytest.skip("HermiT needs Java: no java on PATH")
    world = owlready2.World()
    onto = world.get_ontology(path.resolve().as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)


def test_hermit_accepts_the_dl_safe_variant_and_refuses_the_build(tmp_path: Path) -> None:
    """The recipe in docs/triplestores.md, run: HermiT finds ontology + data consistent in
    the variant; the build as is stops it at an xsd:date literal; and a contradiction added
    to the ontology is found (the reasoner really reasons)."""
    quads = build_quads()
    safe = tmp_path / "ctkg-dl.nt"
    assert main(["owl", "--root", str(ROOT), "--out", str(safe)]) == 0
    hermit(safe)  # consistent: no exception
    import owlready2  # present: hermit() did not skip

    raw = tmp_path / "ctkg-raw.nt"
    raw.write_bytes(ox.serialize(sorted({q.triple for q in quads}, key=str),
                                 format=ox.RdfFormat.N_TRIPLES) or b"")
    with pytest.raises(owlready2.OwlReadyJavaError, match="not part of the OWL 2 datatype map"):
        hermit(raw)
    wrong = tmp_path / "ctkg-wrong.nt"
    ontology = [q for q in quads if q.graph_name.value.endswith("/graph/ontology")]
    small = ox.serialize(dl_safe_triples(ontology), format=ox.RdfFormat.N_TRIPLES) or b""
    wrong.write_bytes(small + b"<https://w3id.org/ctkg/id/person/nobody> "
                      b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      b"<http://www.w3.org/2002/07/owl#Nothing> .\n")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(wrong)
