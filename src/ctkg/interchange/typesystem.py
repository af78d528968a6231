"""The UIMA type system of CTKG's annotation layers, derived from the annotation scheme.

INCEpTION turns a UIMA type system into project layers (Layers > Import; its
``TypeSystemAnalysis``): a type directly under ``uima.tcas.Annotation`` whose features are
primitives or *slot* features is a span layer; a type with exactly the two features
``Governor`` and ``Dependent`` of one span type is a relation layer attached to it; a slot
(link) feature is an ``FSArray`` of a type directly under ``uima.cas.TOP`` with exactly two
features, ``role`` (a string) and ``target``. CTKG's layers follow those rules:

* ``CtkgSpan`` (span): every brat text-bound annotation. An entity mention carries its type
  in ``label``; an event is one span at its trigger with the event type in ``label`` and its
  role arguments as ``roles`` links (INCEpTION has no brat events: a span with link
  features is its usual representation of them).
* ``CtkgRelation`` (relation on ``CtkgSpan``): brat relations; an event argument is the
  event's span. Relations and roles must stay on one layer, which is why entities and
  events share ``CtkgSpan`` (INCEpTION's cross-layer relations are experimental).
* attributes of the scheme are features (binary: Boolean, valued: String), on the span
  layer when they apply to entity or event types, on the relation layer for relations;
* normalizations (one feature per database of the scheme, with the label text beside it),
  the annotator's note, the discontinuous fragments, and ``bratIds`` (the brat ids to keep
  on the way back) are string features.

Segmentation and metadata use the DKPro Core types INCEpTION knows (``Sentence``, ``Token``,
``DocumentMetaData``); INCEpTION skips those when it imports layers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cassis import TypeSystem

from ctkg.annotations.scheme import NORMALIZATION_DBS, Scheme

UIMA_NS = "http://uima.apache.org/resourceSpecifier"
NS = "webanno.custom."
SPAN = NS + "CtkgSpan"
LINK = NS + "CtkgSpanRolesLink"
RELATION = NS + "CtkgRelation"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
STRING, BOOLEAN, FSARRAY = "uima.cas.String", "uima.cas.Boolean", "uima.cas.FSArray"
BRAT_IDS_HELP = ("brat ids of this annotation and of its normalizations, note and attributes "
                 "(T12 E3 N5:CTKG@T12 #2@E3 A1:SpeechKind@E3), kept by `ctkg inception "
                 "import`; leave as it is, empty on a new annotation")


def feature_name(name: str) -> str:
    """A scheme name as a feature name: ``SpeechKind`` -> ``speechKind``, ``ISO8601`` ->
    ``iso8601``, ``CTKG`` -> ``ctkg``."""
    if name.isupper() or name[:3].isupper():
        head = len(name) - len(name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return name[:head].lower() + name[head:]
    return name[0].lower() + name[1:]


@dataclass(frozen=True)
class Layers:
    """Which scheme attribute lives on which layer, and the normalization databases."""

    span_attributes: tuple[str, ...]
    relation_attributes: tuple[str, ...]
    dbs: tuple[str, ...] = NORMALIZATION_DBS

    @staticmethod
    def of(scheme: Scheme) -> Layers:
        spans = {*scheme.entities, *scheme.events}
        return Layers(
            tuple(a.name for a in scheme.attributes.values() if spans & set(a.targets)),
            tuple(a.name for a in scheme.attributes.values()
                  if set(scheme.relations) & set(a.targets)))


def _attribute_features(ts: TypeSystem, owner: object, scheme: Scheme,
                        names: tuple[str, ...]) -> None:
    for name in names:
        attr = scheme.attributes[name]
        if attr.values:
            ts.create_feature(owner, feature_name(name), STRING, description=(
                f"brat attribute {name} of {attr.applies_to}: {'|'.join(attr.values)}"))
        else:
            ts.create_feature(owner, feature_name(name), BOOLEAN, description=(
                f"brat attribute {name} (binary) of {attr.applies_to}"))


def _span_type(ts: TypeSystem, scheme: Scheme, layers: Layers) -> None:
    span = ts.create_type(SPAN, "uima.tcas.Annotation", description=(
        "CTKG text span: an entity mention, or an event at its trigger with role links"))
    link = ts.create_type(LINK, "uima.cas.TOP", description="an event role argument")
    ts.create_feature(link, "role", STRING, description="role: " + "|".join(
        dict.fromkeys(r.name for roles in scheme.events.values() for r in roles)))
    ts.create_feature(link, "target", span, description="the argument (entity or event)")
    ts.create_feature(span, "label", STRING, description=(
        "entity type: " + "|".join(scheme.entities) + "; event type: "
        + "|".join(scheme.events)))
    ts.create_feature(span, "roles", FSARRAY, elementType=link,
                      description="event role arguments (events only)")
    ts.create_feature(span, "fragments", STRING, description=(
        "a discontinuous span's fragments, brat style '0 5;9 14' (empty: one fragment)"))
    for db in layers.dbs:
        ts.create_feature(span, feature_name(db), STRING,
                          description=f"{db} normalization: the key")
        ts.create_feature(span, feature_name(db) + "Text", STRING,
                          description=f"{db} normalization: its label (filled on import "
                                      "when empty)")
    _attribute_features(ts, span, scheme, layers.span_attributes)
    ts.create_feature(span, "note", STRING, description="annotator's note (AnnotatorNotes)")
    ts.create_feature(span, "bratIds", STRING, description=BRAT_IDS_HELP)


def _relation_type(ts: TypeSystem, scheme: Scheme, layers: Layers) -> None:
    span = ts.get_type(SPAN)
    rel = ts.create_type(RELATION, "uima.tcas.Annotation", description=(
        "CTKG relation between two spans (offsets are the Dependent's)"))
    ts.create_feature(rel, "Governor", span, description="Arg1")
    ts.create_feature(rel, "Dependent", span, description="Arg2")
    ts.create_feature(rel, "label", STRING,
                      description="relation type: " + "|".join(scheme.relations))
    _attribute_features(ts, rel, scheme, layers.relation_attributes)
    ts.create_feature(rel, "note", STRING, description="annotator's note (AnnotatorNotes)")
    ts.create_feature(rel, "bratIds", STRING, description=BRAT_IDS_HELP)


def _dkpro_types(ts: TypeSystem) -> None:
    ts.create_type(SENTENCE, "uima.tcas.Annotation", description="a line of the text")
    ts.create_type(TOKEN, "uima.tcas.Annotation", description="a run of non-space characters")
    meta = ts.create_type(METADATA, "uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", "documentId", "documentUri", "collectionId",
                 "documentBaseUri"):
        ts.create_feature(meta, name, STRING)
    ts.create_feature(meta, "isLastSegment", BOOLEAN)


def build_typesystem(scheme: Scheme) -> TypeSystem:
    """The type system of :data:`SPAN`, :data:`LINK`, :data:`RELATION` and the DKPro types,
    for the given scheme (a type, role or attribute added to the scheme shows here)."""
    ts = TypeSystem()
    layers = Layers.of(scheme)
    _dkpro_types(ts)
    _span_type(ts, scheme, layers)
    _relation_type(ts, scheme, layers)
    return ts


def typesystem_xml(scheme: Scheme) -> str:
    """``TypeSystem.xml`` as INCEpTION's Layers > Import reads it (it must start with
    ``<?xml``: that is how INCEpTION tells a type system from its JSON layer format)."""
    text = build_typesystem(scheme).to_xml()
    assert isinstance(text, str)
    ET.register_namespace("", UIMA_NS)
    root = ET.fromstring(text.encode("utf-8"))
    ET.indent(root)  # one feature per line: the committed file reads and diffs well
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")
