"""The type system: derived from the scheme, and shaped as INCEpTION's layer import reads it."""

from __future__ import annotations

import re

from cassis import TypeSystem, load_typesystem

from ctkg.annotations.scheme import AttributeDef, Role, design_scheme
from ctkg.interchange.typesystem import (
    LINK,
    RELATION,
    SPAN,
    build_typesystem,
    feature_name,
    typesystem_xml,
)
from tests.interchange.project import project_scheme

ANNOTATION_BUILTINS = {"sofa", "begin", "end"}


def _own_features(ts: TypeSystem, name: str) -> dict[str, str]:
    return {f.name: f.rangeType.name for f in ts.get_type(name).features
            if f.name not in ANNOTATION_BUILTINS}


def test_features_hold_every_layer_of_the_scheme() -> None:
    ts = build_typesystem(project_scheme())
    span = _own_features(ts, SPAN)
    assert span["label"] == "uima.cas.String"
    assert span["roles"] == "uima.cas.FSArray"
    for db in ("ctkg", "wikidata", "iso8601"):
        assert span[db] == span[db + "Text"] == "uima.cas.String"
    assert span["negation"] == "uima.cas.Boolean"  # binary attribute
    assert span["modality"] == span["speechKind"] == "uima.cas.String"  # valued attributes
    rel = _own_features(ts, RELATION)
    assert rel["Governor"] == rel["Dependent"] == SPAN
    assert rel["negation"] == "uima.cas.Boolean"
    assert "speechKind" not in rel  # SpeechKind applies to Statement events only


def test_inception_reads_the_layers_as_span_relation_and_slot() -> None:
    """The rules of INCEpTION's TypeSystemAnalysis, checked on the XML as written: a span
    layer sits directly under Annotation with primitive or slot features; a relation layer
    has exactly the two non-primitive features Governor and Dependent of one span type; a
    slot's link type sits under TOP with exactly a String ``role`` and a ``target``."""
    xml = typesystem_xml(project_scheme())
    assert xml.startswith("<?xml")  # how INCEpTION tells a type system from layer JSON
    ts = load_typesystem(xml)
    span = ts.get_type(SPAN)
    assert span.supertype.name == "uima.tcas.Annotation"
    for f in span.features:
        if f.name not in ANNOTATION_BUILTINS:
            slot = f.rangeType.name == "uima.cas.FSArray" and f.elementType.name == LINK
            assert ts.is_primitive(f.rangeType) or slot, f.name
    link = ts.get_type(LINK)
    assert link.supertype.name == "uima.cas.TOP"
    assert {f.name: f.rangeType.name for f in link.features} == {
        "role": "uima.cas.String", "target": SPAN}
    rel = ts.get_type(RELATION)
    refs = [f for f in rel.features
            if f.name not in ANNOTATION_BUILTINS and not ts.is_primitive(f.rangeType)]
    assert sorted(f.name for f in refs) == ["Dependent", "Governor"]


def test_a_type_role_or_attribute_added_to_the_scheme_shows_in_the_type_system() -> None:
    scheme = design_scheme(("Conference", "Summit"))
    scheme.events["Summit"] = (*scheme.events["Summit"], Role("Rapporteur", ("Person",), "*"))
    scheme.relations["funds"] = (("Organization",), ("Organization",))
    scheme.attributes["Certainty"] = AttributeDef("Certainty", ("funds",), ("High", "Low"))
    xml = typesystem_xml(scheme)
    ts = load_typesystem(xml)
    span_label = next(f for f in ts.get_type(SPAN).features if f.name == "label")
    assert "Summit" in span_label.description
    role = next(f for f in ts.get_type(LINK).features if f.name == "role")
    assert "Rapporteur" in role.description
    rel_label = next(f for f in ts.get_type(RELATION).features if f.name == "label")
    assert "funds" in rel_label.description
    assert "certainty" in _own_features(ts, RELATION)
    assert "Summit" not in typesystem_xml(design_scheme(("Conference",)))


def test_generation_is_deterministic() -> None:
    assert typesystem_xml(project_scheme()) == typesystem_xml(project_scheme())


def test_feature_names() -> None:
    assert [feature_name(n) for n in ("CTKG", "ISO8601", "Wikidata", "SpeechKind")] == [
        "ctkg", "iso8601", "wikidata", "speechKind"]


# INCEpTION's WebAnnoConst.RESTRICTED_FEATURE_NAMES and its feature name rule
# (AnnotationSchemaServiceImpl.validateFeatureName)
RESTRICTED = {"address", "begin", "end", "coveredText", "booleanValue", "doubleValue",
              "byteValue", "CAS", "CASImpl", "class", "featureValue", "floatValue",
              "longValue", "lowLevelCas", "printRefs", "sofa", "stringValue", "type",
              "typeIndexId", "view"}


def test_feature_names_are_ones_inception_accepts() -> None:
    ts = build_typesystem(project_scheme())
    names = [*_own_features(ts, SPAN), *_own_features(ts, RELATION),
             *(f.name for f in ts.get_type(LINK).features)]
    assert len(names) > 15
    for name in names:
        assert name not in RESTRICTED and "__" not in name, name
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name), name
