"""The ontology files (``ontology/*.ttl`` except the shapes), read once into an :class:`Ontology`.

Everything the other stages know about the vocabulary comes from here: the triples of
graph ``ontology`` (blank nodes skolemized to stable IRIs, so that no build output has a
blank node), the class hierarchy and its closure, the IRI kind of a registry type
(design.md: every Organization subclass is ``org``, every Event subclass ``event``), the
classes that are SKOS concepts, the concepts of ``concepts.ttl`` that links may target, and
the labels brat's ``visual.conf`` shows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import Problem, display_path
from ctkg.inputs.encoding import decode_utf8
from ctkg.rdf.namespaces import CTKG_NS as CTKG
from ctkg.rdf.namespaces import GENID_NS as GENID
from ctkg.rdf.namespaces import ID_NS as ID
from ctkg.rdf.namespaces import OWL_NS as _OWL
from ctkg.rdf.namespaces import RDF_NS
from ctkg.rdf.namespaces import RDFS_NS as _RDFS
from ctkg.rdf.namespaces import SKOS_NS as _SKOS
from ctkg.rdf.namespaces import WD_NS as WD

_RDF_TYPE = f"{RDF_NS}type"

SKOS_CONCEPT = f"{_SKOS}Concept"
_PROPERTY_TYPES = (f"{_OWL}ObjectProperty", f"{_OWL}DatatypeProperty")
_MATCHES = {f"{_SKOS}exactMatch": "exact", f"{_SKOS}closeMatch": "close"}

#: The IRI kind (``id/<kind>/<slug>``) of a class and of all its subclasses (design.md).
KINDS = {
    "Person": "person", "Organization": "org", "Place": "place", "Post": "post",
    "Event": "event", "Threat": "threat", "PolicyGoal": "goal", "Technology": "technology",
    "PolicyInstrument": "instrument",
}
#: When a class falls under two kinds, the first of these wins (a State is an org, not a
#: place: it is named as an actor; a place mention may still normalize to it).
_KIND_ORDER = ("Organization", "Event", *KINDS)
_PARSER_PREFIX_RE = re.compile(r"^Parser error (?:at|between) line \d+[^:]*:\s*")


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of ``concepts.ttl`` (a threat, goal, technology or pillar)."""

    slug: str
    kind: str  # the IRI kind: threat, goal, technology, pillar
    type: str  # its ctkg: class
    label: str
    alt_labels: tuple[str, ...] = ()
    matches: dict[str, str] = field(default_factory=dict, compare=False)  # QID -> exact|close


@dataclass(frozen=True)
class Ontology:
    """The ontology as read: triples, class hierarchy, kinds, concepts and labels."""

    files: tuple[Path, ...]
    triples: list[ox.Triple]
    class_order: tuple[str, ...]  # ctkg: classes in the order the files declare them
    properties: frozenset[str]
    labels: dict[str, str]  # ctkg: local name -> English rdfs:label
    ancestors: dict[str, frozenset[str]]  # ctkg: class -> every ctkg: superclass
    concept_types: frozenset[str]  # ctkg: classes under skos:Concept
    concepts: dict[str, Concept]  # by slug
    has_concepts: bool  # a concepts.ttl was read

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.class_order)

    def is_subclass(self, sub: str, sup: str) -> bool:
        """Reflexive-transitive ``rdfs:subClassOf`` between ``ctkg:`` local names."""
        return sub == sup or sup in self.ancestors.get(sub, frozenset())

    def subclasses(self, sup: str) -> tuple[str, ...]:
        """The proper subclasses of a class, in declaration order."""
        return tuple(c for c in self.class_order if c != sup and self.is_subclass(c, sup))

    def kind_of(self, type_: str) -> str | None:
        """The IRI kind of a registry type, None if it has none (not a class of a kind)."""
        if type_ in KINDS:
            return KINDS[type_]
        lineage = {type_} | self.ancestors.get(type_, frozenset())
        return next((KINDS[c] for c in _KIND_ORDER if c in lineage), None)


def read_ontology(paths: Sequence[Path]) -> tuple[Ontology, list[Problem]]:
    """Read the ontology files once; every file that is missing or does not parse is a
    problem naming its line (the others are still read)."""
    problems: list[Problem] = []
    if not paths:
        problems.append(Problem("ontology/ctkg.ttl", None, "no ontology file found"))
    triples: list[ox.Triple] = []
    for path in paths:
        found, trouble = _parse(path)
        triples += found
        problems += trouble
    return _ontology(tuple(paths), skolemize(triples)), problems


def _parse(path: Path) -> tuple[list[ox.Triple], list[Problem]]:
    where = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Problem(where, None, f"cannot read: {exc.strerror or exc}")]
    _, bad = decode_utf8(data)  # the parser would name the line but not the column
    if bad is not None:
        return [], [Problem(where, bad.line, bad.message)]
    base = path.resolve().as_uri()
    try:
        # fresh blank node ids: the same label in two files is two nodes
        triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base,
                                              rename_blank_nodes=True)]
    except SyntaxError as exc:
        return [], [_syntax_problem(where, exc, data)]
    if any(isinstance(x, ox.NamedNode) and x.value.startswith("file:")
           for t in triples for x in (t.subject, t.predicate, t.object)):
        return triples, [Problem(where, None, "relative IRI resolved against the file's "
                                              "location: write absolute IRIs")]
    return triples, []


def _syntax_problem(where: str, exc: SyntaxError, data: bytes) -> Problem:
    """A Turtle syntax error at its line (an unexpected end: the last line with content)."""
    reason = _PARSER_PREFIX_RE.sub("", exc.msg or str(exc)).strip()
    lines = data.decode("utf-8", errors="replace").splitlines()
    last = max((i for i, text in enumerate(lines, 1) if text.strip()), default=1)
    line = min(exc.lineno, last) if exc.lineno is not None else None
    return Problem(where, line, f"Turtle syntax error: {reason}")


def skolemize(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with every blank node replaced by ``GENID<hash>``: the hash of its
    canonical (RDFC-1.0) neighbourhood, so the same graph always gets the same IRIs."""
    triples = list(triples)
    if not any(isinstance(x, ox.BlankNode) for t in triples for x in (t.subject, t.object)):
        return triples
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                         for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    canonical = [q.triple for q in dataset]
    around: dict[str, list[str]] = {}
    for t in canonical:
        for x in (t.subject, t.object):
            if isinstance(x, ox.BlankNode):
                around.setdefault(x.value, []).append(str(t))
    names = {b: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:32]
             for b, lines in around.items()}

    def subject(x: ox.NamedNode | ox.BlankNode | ox.Triple) -> ox.NamedNode | ox.Triple:
        return ox.NamedNode(GENID + names[x.value]) if isinstance(x, ox.BlankNode) else x

    def obj(x: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
            ) -> ox.NamedNode | ox.Literal | ox.Triple:
        return ox.NamedNode(GENID + names[x.value]) if isinstance(x, ox.BlankNode) else x

    return [ox.Triple(subject(t.subject), t.predicate, obj(t.object)) for t in canonical]


def _local(term: object) -> str | None:
    """The local name of a ``ctkg:`` IRI, else None."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(CTKG):
        return term.value[len(CTKG):]
    return None


def _ontology(files: tuple[Path, ...], triples: list[ox.Triple]) -> Ontology:
    classes: dict[str, None] = {}  # ordered set
    properties: set[str] = set()
    labels: dict[str, str] = {}
    parents: dict[str, set[str]] = {}
    for t in triples:
        p, o, name = t.predicate.value, t.object, _local(t.subject)
        value = o.value if isinstance(o, ox.NamedNode | ox.Literal) else ""
        if name and p == _RDF_TYPE and value == f"{_OWL}Class":
            classes.setdefault(name)
        elif name and p == _RDF_TYPE and value in _PROPERTY_TYPES:
            properties.add(name)
        elif name and p == f"{_RDFS}label" and isinstance(o, ox.Literal) \
                and (name not in labels or o.language == "en"):
            labels[name] = value
        elif p == f"{_RDFS}subClassOf" and isinstance(t.subject, ox.NamedNode) \
                and isinstance(o, ox.NamedNode):
            parents.setdefault(t.subject.value, set()).add(value)
    closure = {iri: _closure(iri, parents) for iri in parents}
    ancestors = {c: frozenset(n for a in closure.get(CTKG + c, ()) if (n := _local_iri(a)))
                 for c in classes}
    concept_types = frozenset(c for c in classes if SKOS_CONCEPT in closure.get(CTKG + c, ()))
    return Ontology(
        files=files, triples=triples, class_order=tuple(classes),
        properties=frozenset(properties), labels=labels, ancestors=ancestors,
        concept_types=concept_types, concepts=_concepts(triples, concept_types),
        has_concepts=any(f.name == "concepts.ttl" for f in files))


def _local_iri(iri: str) -> str | None:
    return iri[len(CTKG):] if iri.startswith(CTKG) else None


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    """Every ancestor of ``start`` (transitive, cycles tolerated)."""
    seen: set[str] = set()
    todo = list(parents.get(start, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(parents.get(c, ()))
    return seen


@dataclass
class _ConceptDraft:
    kind: str
    slug: str
    type: str = ""
    label: str = ""
    alt_labels: list[str] = field(default_factory=list)
    matches: dict[str, str] = field(default_factory=dict)


def _concepts(triples: list[ox.Triple], concept_types: frozenset[str]) -> dict[str, Concept]:
    """Concepts by slug: ``id/<kind>/<slug>`` resources typed with a concept class."""
    drafts: dict[str, _ConceptDraft] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(ID):
            continue
        kind, _, slug = s.value[len(ID):].partition("/")
        if not slug or "/" in slug:
            continue
        d = drafts.setdefault(s.value, _ConceptDraft(kind, slug))
        if p == _RDF_TYPE and (name := _local(o)) in concept_types and name is not None:
            d.type = name
        elif isinstance(o, ox.Literal) and o.language in (None, "en"):
            if p in (f"{_SKOS}prefLabel", f"{_RDFS}label") and not d.label:
                d.label = o.value
            elif p == f"{_SKOS}altLabel":
                d.alt_labels.append(o.value)
        elif isinstance(o, ox.NamedNode) and o.value.startswith(WD) and p in _MATCHES:
            d.matches[o.value[len(WD):]] = _MATCHES[p]
    return {d.slug: Concept(d.slug, d.kind, d.type, d.label, tuple(sorted(d.alt_labels)),
                            d.matches)
            for d in drafts.values() if d.type}
