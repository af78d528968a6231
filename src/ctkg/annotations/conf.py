"""brat's ``annotation.conf``, ``visual.conf`` and ``tools.conf``, generated from the ontology.

The annotation scheme of docs/design.md is written down once, here, as a :class:`Scheme`;
the ontology is its authority for names. The rule that ties the two together:

* every entity type, event type and relation name of the scheme must be a class
  (``owl:Class``) or a property (``owl:ObjectProperty``) of ``ctkg:`` with that local name,
  except the annotation-only types in :data:`ANNOTATION_ONLY` (``TimeExpression``: its
  normalized value becomes ``ctkg:startTime`` etc., it is not a thing of the graph);
* every event role, with its first letter lower-cased, must be a ``ctkg:`` property
  (``Convener`` -> ``ctkg:convener``), except the roles in :data:`ROLE_ONLY` (``Time``);
* every event type except ``Statement`` must be a subclass of ``ctkg:Event``.

Labels come from the ontology's ``rdfs:label``. The checker (:mod:`ctkg.annotations.check`)
validates annotations against the same :class:`Scheme`, so conf and checker cannot drift apart, and
``ctkg conf --check`` fails when the committed conf files differ from what the ontology gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.rdf.namespaces import CTKG, ID

ENTITY_TYPES = ("Person", "Organization", "Place", "Post", "PolicyInstrument", "Threat",
                "PolicyGoal", "Technology", "TimeExpression")
ANNOTATION_ONLY = frozenset({"TimeExpression"})
EVENT_TYPES = ("Conference", "HighLevelConference", "RegionalConference", "Meeting",
               "SecurityCouncilMeeting", "SideEvent", "Session", "Interview", "Speech",
               "Review", "Congress", "CounterTerrorismWeek", "Attack")
STATEMENT = "Statement"
ROLE_ONLY = frozenset({"Time"})
ACTORS = ("Person", "Organization")
NORMALIZATION_DBS = ("CTKG", "Wikidata", "ISO8601")


@dataclass(frozen=True)
class Role:
    """An event role: allowed argument types and brat's multiplicity ('', '?', '*', '+')."""

    name: str
    types: tuple[str, ...]
    card: str = ""

    def allows_count(self, n: int) -> bool:
        return {"": n == 1, "?": n <= 1, "*": True, "+": n >= 1}[self.card]

    @property
    def card_text(self) -> str:
        return {"": "exactly one", "?": "at most one", "*": "any number",
                "+": "at least one"}[self.card]


@dataclass(frozen=True)
class AttributeDef:
    """An attribute: what it may be attached to, and its values (empty: binary)."""

    name: str
    targets: tuple[str, ...]
    values: tuple[str, ...] = ()
    applies_to: str = ""  # for messages: "events and relations"


@dataclass
class Scheme:
    """The annotation scheme: what ``annotation.conf`` declares and the checker enforces."""

    entities: tuple[str, ...]
    events: dict[str, tuple[Role, ...]]
    relations: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    attributes: dict[str, AttributeDef]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(self.events)

    def role(self, event_type: str, role: str) -> Role | None:
        return next((r for r in self.events.get(event_type, ()) if r.name == role), None)


def design_scheme() -> Scheme:
    """The scheme of docs/design.md, before any check against the ontology."""
    events_all = (*EVENT_TYPES, STATEMENT)
    actor_roles = ("Convener", "Organizer", "Host", "CoOrganizer", "Speaker", "Opener",
                   "Supporter", "Participant")
    event_roles = (*(Role(n, ACTORS, "*") for n in actor_roles),
                   Role("Place", ("Place", "Organization"), "*"),
                   Role("Time", ("TimeExpression",), "?"))
    events: dict[str, tuple[Role, ...]] = {t: event_roles for t in EVENT_TYPES}
    events[STATEMENT] = (
        Role("Speaker", ACTORS, ""),
        Role("Occasion", EVENT_TYPES, "?"),
        Role("Time", ("TimeExpression",), "?"),
        Role("About", ("Threat", "PolicyGoal", *EVENT_TYPES, *ACTORS), "*"),
    )
    speakers = (*ACTORS, *events_all)
    relations = {
        "holdsPost": (("Person",), ("Post",)),
        "postIn": (("Post",), ("Organization",)),
        "memberOf": (ACTORS, ("Organization",)),
        "affiliatedWith": (("Person",), ("Organization",)),
        "warnsOf": (speakers, ("Threat",)),
        "advocates": (speakers, ("PolicyGoal",)),
        "addresses": (("PolicyGoal",), ("Threat",)),
        "exploits": (ACTORS, ("Technology",)),
        "partOf": (EVENT_TYPES, EVENT_TYPES),
        "followUpOf": (EVENT_TYPES, EVENT_TYPES),
        "feedsInto": (EVENT_TYPES, EVENT_TYPES),
        "backToBackWith": (EVENT_TYPES, EVENT_TYPES),
    }
    attributes = {
        "Modality": AttributeDef("Modality", EVENT_TYPES, ("Planned", "Hypothetical"),
                                 "events (E) other than Statement"),
        "Negation": AttributeDef("Negation", (*events_all, *relations), (),
                                 "events (E) and relations (R)"),
        "SpeechKind": AttributeDef("SpeechKind", (STATEMENT,), ("DirectQuote", "ReportedSpeech"),
                                   "Statement events (E)"),
    }
    return Scheme(ENTITY_TYPES, events, relations, attributes)


@dataclass
class Ontology:
    """What the tooling needs from the ontology: names, labels, the class hierarchy."""

    files: tuple[Path, ...]
    classes: set[str]
    properties: set[str]
    labels: dict[str, str]
    supers: dict[str, set[str]]
    concepts: set[str] | None  # "threat/<slug>" etc.; None when there is no concepts.ttl

    def is_subclass(self, sub: str, sup: str) -> bool:
        """Reflexive-transitive ``rdfs:subClassOf`` between ``ctkg:`` local names."""
        return sub == sup or sup in self.supers.get(sub, set())


def _local(node: object) -> str | None:
    text = str(node)
    return text[len(str(CTKG)):] if isinstance(node, URIRef) and text.startswith(str(CTKG)) \
        else None


def load_ontology(paths: Iterable[Path]) -> Ontology:
    """Parse the ontology's Turtle files; a missing or unparsable file is a CTKGError."""
    files = tuple(paths)
    if not files:
        raise CTKGError([Problem("ontology/ctkg.ttl", None, "no ontology file found")])
    graph = Graph()
    problems: list[Problem] = []
    for path in files:
        if not path.is_file():
            problems.append(Problem(display_path(path), None, "ontology file not found"))
            continue
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types
            problems.append(Problem(display_path(path), None, f"not valid Turtle: {exc}"))
    if problems:
        raise CTKGError(problems)
    classes = {n for s in graph.subjects(RDF.type, OWL.Class) if (n := _local(s))}
    properties = {n for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for s in graph.subjects(RDF.type, t) if (n := _local(s))}
    labels: dict[str, str] = {}
    for s, label in sorted(graph.subject_objects(RDFS.label)):
        name = _local(s)
        if name and (name not in labels or getattr(label, "language", None) == "en"):
            labels[name] = str(label)
    direct: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(RDFS.subClassOf):
        if (a := _local(s)) and (b := _local(o)):
            direct.setdefault(a, set()).add(b)
    supers = {c: _closure(c, direct) for c in direct}
    concepts = None
    if any(p.name == "concepts.ttl" for p in files):
        concepts = {str(s)[len(str(ID)):] for s in set(graph.subjects())
                    if isinstance(s, URIRef) and str(s).startswith(str(ID))}
    return Ontology(files, classes, properties, labels, supers, concepts)


def _closure(start: str, direct: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(direct.get(start, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(direct.get(c, ()))
    return seen


def build_scheme(onto: Ontology, source: str = "ontology/ctkg.ttl") -> tuple[Scheme, list[Problem]]:
    """The design scheme, checked name by name against the ontology, with its labels."""
    scheme = design_scheme()
    problems: list[Problem] = []

    def missing(kind: str, name: str, what: str) -> None:
        problems.append(Problem(source, None, f"{kind} {name!r} of the annotation scheme is "
                                              f"not {what} of the ontology"))

    for name in (*scheme.entities, *scheme.events):
        if name not in ANNOTATION_ONLY and name not in onto.classes:
            missing("type", name, f"a class (ctkg:{name} a owl:Class)")
    for name in EVENT_TYPES:
        if name in onto.classes and not onto.is_subclass(name, "Event"):
            problems.append(Problem(source, None, f"event type {name!r} is not a subclass "
                                                  "of ctkg:Event"))
    for name in scheme.relations:
        if name not in onto.properties:
            missing("relation", name, f"a property (ctkg:{name})")
    roles = sorted({r.name for rs in scheme.events.values() for r in rs} - ROLE_ONLY)
    for role in roles:
        prop = role[0].lower() + role[1:]
        if prop not in onto.properties:
            missing("role", role, f"a property (ctkg:{prop})")
    for name in (*scheme.entities, *scheme.events, *scheme.relations, *roles):
        key = name if name in onto.labels else name[0].lower() + name[1:]
        label = onto.labels.get(key) or _words(name)
        scheme.labels[name] = label[0].upper() + label[1:]
    scheme.labels["Time"] = "Time"
    return scheme, problems


def _words(name: str) -> str:
    out = "".join(" " + c.lower() if c.isupper() and i else c for i, c in enumerate(name))
    return out.strip()


# ---------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------

HEADER = ("# Generated by `ctkg conf` from the ontology (ontology/*.ttl) and the scheme in\n"
          "# src/ctkg/annconf.py. Do not edit by hand: run `ctkg conf`.\n")

COLOURS = {
    "Person": "#ffccaa", "Organization": "#8fb2ff", "Place": "#6fffdf", "Post": "#e0ff6f",
    "PolicyInstrument": "#ffe38f", "Threat": "#ff8f8f", "PolicyGoal": "#9fe67f",
    "Technology": "#cf9fff", "TimeExpression": "#dddddd", "Statement": "#fff0a0",
}
EVENT_COLOUR = "#f1c6ff"


def render_annotation_conf(scheme: Scheme) -> str:
    """``annotation.conf``: one line per type, argument types spelled out (no macros)."""
    lines = [HEADER, "[entities]", *scheme.entities, "", "[relations]"]
    for name, (a1, a2) in scheme.relations.items():
        lines.append(f"{name}\tArg1:{'|'.join(a1)}, Arg2:{'|'.join(a2)}")
    lines.append(f"Equiv\tArg1:{'|'.join(scheme.entities)}, Arg2:{'|'.join(scheme.entities)}, "
                 "<REL-TYPE>:symmetric-transitive")
    lines.append("# spans may nest, coincide and cross (a statement contains its mentions)")
    lines.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    lines += ["", "[events]"]
    for name, roles in scheme.events.items():
        args = ", ".join(f"{r.name}{r.card}:{'|'.join(r.types)}" for r in roles)
        lines.append(f"{name}\t{args}")
    lines += ["", "[attributes]"]
    for attr in scheme.attributes.values():
        value = f", Value:{'|'.join(attr.values)}" if attr.values else ""
        lines.append(f"{attr.name}\tArg:{'|'.join(attr.targets)}{value}")
    return "\n".join(lines) + "\n"


def render_visual_conf(scheme: Scheme) -> str:
    """``visual.conf``: readable labels from ``rdfs:label`` and one colour per type."""
    lines = [HEADER, "[labels]"]
    names = [*scheme.entities, *scheme.events, *scheme.relations]
    names += sorted({r.name for rs in scheme.events.values() for r in rs} - set(names))
    for name in names:
        lines.append(f"{name} | {scheme.labels.get(name, name)}")
    lines += ["", "[drawing]", "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, "
              "borderColor:darken", "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
              "ATTRIBUTE_DEFAULT\tglyph:*"]
    for name in (*scheme.entities, *scheme.events):
        lines.append(f"{name}\tbgColor:{COLOURS.get(name, EVENT_COLOUR)}")
    lines += ["Negation\tbox:crossed, glyph:<NONE>, dashArray:3-3",
              "Modality\tglyph:(planned)|(hypothetical)",
              "SpeechKind\tglyph:(quote)|(reported)"]
    return "\n".join(lines) + "\n"


def render_tools_conf() -> str:
    """``tools.conf``: the normalization databases of the N lines."""
    return "\n".join([
        HEADER, "[options]", "Validation\tvalidate:all", "Tokens\ttokenizer:whitespace",
        "Sentences\tsplitter:newline", "Annotation-log\tlogfile:<NONE>", "",
        "[search]", "Wikidata\t<URL>:https://www.wikidata.org/w/index.php?search=%s", "",
        "[normalization]",
        "# CTKG keys are slugs of data/registry.toml; ISO8601 keys are time values",
        "CTKG\tDB:dbs/ctkg, <URL>:https://w3id.org/ctkg/",
        "Wikidata\tDB:dbs/wikidata, <URL>:https://www.wikidata.org/, "
        "<URLBASE>:https://www.wikidata.org/wiki/%s",
        "ISO8601\t<URL>:https://en.wikipedia.org/wiki/ISO_8601",
    ]) + "\n"


def render_all(scheme: Scheme) -> dict[str, str]:
    return {"annotation.conf": render_annotation_conf(scheme),
            "visual.conf": render_visual_conf(scheme),
            "tools.conf": render_tools_conf()}


def scheme_from_files(paths: Sequence[Path]) -> Scheme:
    """Load the ontology and build the checked scheme; any mismatch is a CTKGError."""
    onto = load_ontology(paths)
    scheme, problems = build_scheme(onto, display_path(paths[0]))
    if problems:
        raise CTKGError(problems)
    return scheme


def stale_files(folder: Path, rendered: dict[str, str]) -> list[Problem]:
    """A problem for every conf file in ``folder`` that differs from ``rendered``."""
    out = []
    for name, text in rendered.items():
        path = folder / name
        current = path.read_bytes().decode("utf-8", "replace") if path.is_file() else None
        if current != text:
            what = "is missing" if current is None else "is out of date"
            out.append(Problem(display_path(path), None, f"{display_path(path)} {what}: "
                                                         "run ctkg conf"))
    return out
