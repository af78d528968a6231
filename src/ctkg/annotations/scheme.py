"""The brat annotation scheme of docs/design.md, as the ontology names it.

The scheme is written down once, here, as a :class:`Scheme`; the ontology is its authority
for names, and the event types are the ontology's subclasses of ``ctkg:Event`` (in the
order the ontology declares them). The rules that tie the two together:

* every entity type and relation name of the scheme must be a class (``owl:Class``) or a
  property of ``ctkg:`` with that local name, except the annotation-only types in
  :data:`ANNOTATION_ONLY` (``TimeExpression``: its normalized value becomes
  ``ctkg:startTime`` etc., it is not a thing of the graph);
* every event role, with its first letter lower-cased, must be a ``ctkg:`` property
  (``Convener`` -> ``ctkg:convener``), except the roles in :data:`ROLE_ONLY` (``Time``).

Labels come from the ontology's ``rdfs:label``. The checker (:mod:`ctkg.annotations.check`)
validates annotations against the same :class:`Scheme` that :mod:`ctkg.annotations.conf`
renders into brat's conf files, so conf and checker cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.ontology import Ontology

ENTITY_TYPES = ("Person", "Organization", "Place", "Post", "PolicyInstrument", "Threat",
                "PolicyGoal", "Technology", "TimeExpression", "Quantity")
ANNOTATION_ONLY = frozenset({"TimeExpression"})
# Quantities (issue 16): a Quantity is its document's own node (no registry entry); its
# number, qualifier and counted kind are in its note (ctkg.annotations.quantity).
QUANTITY = "Quantity"
STATEMENT = "Statement"
SERIES = "EventSeries"  # its members are related to it by inSeries (issue 16)
ROLE_ONLY = frozenset({"Time"})
ACTORS = ("Person", "Organization")
NORMALIZATION_DBS = ("CTKG", "Wikidata", "ISO8601")
# Topics of events (issue 16): what an event's Topic role may name
TOPICS = ("Threat", "PolicyGoal", "Technology", "Place")


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

    def role(self, event_type: str, role: str) -> Role | None:
        return next((r for r in self.events.get(event_type, ()) if r.name == role), None)


def design_scheme(event_types: tuple[str, ...]) -> Scheme:
    """The scheme of docs/design.md for the given event types (the ontology's Event
    subclasses), before any check against the ontology."""
    events_all = (*event_types, STATEMENT)
    actor_roles = ("Convener", "Organizer", "Host", "CoOrganizer", "Speaker", "Opener",
                   "Supporter", "Participant")
    event_roles = (*(Role(n, ACTORS, "*") for n in actor_roles),
                   Role("Place", ("Place", "Organization"), "*"),
                   Role("Time", ("TimeExpression",), "?"),
                   # Topics of events (issue 16): what a session or meeting is about
                   Role("Topic", TOPICS, "*"))
    events: dict[str, tuple[Role, ...]] = {t: event_roles for t in event_types}
    if SERIES in events:  # a series does not occur: no place or time of its own
        events[SERIES] = tuple(r for r in event_roles if r.name not in ("Place", "Time"))
    events[STATEMENT] = (
        Role("Speaker", ACTORS, ""),
        Role("Occasion", event_types, "?"),
        Role("Time", ("TimeExpression",), "?"),
        Role("About", ("Threat", "PolicyGoal", *event_types, *ACTORS,
                       "Place"), "*"),  # Place: topics that are places (issue 16)
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
        "partOf": (event_types, event_types),
        "followUpOf": (event_types, event_types),
        "feedsInto": (event_types, event_types),
        "backToBackWith": (event_types, event_types),
        # Quantities (issue 16)
        "attendeeCount": (event_types, (QUANTITY,)),
        "memberCount": (("Organization",), (QUANTITY,)),
    }
    # place containment (issue 16): a room in a building, a city in a country (a State)
    relations["containedInPlace"] = (("Place",), ("Place", "Organization"))
    # founding dates (issue 16): when an organization came into being, as the text says
    relations["foundingDate"] = (("Organization",), ("TimeExpression",))
    if SERIES in event_types:  # event series (issue 16): a member is in a series
        relations["inSeries"] = (tuple(t for t in event_types if t != SERIES), (SERIES,))
    attributes = {
        "Modality": AttributeDef("Modality", tuple(t for t in event_types if t != SERIES),
                                 ("Planned", "Hypothetical"),
                                 "events (E) other than Statement"),
        "Negation": AttributeDef("Negation", (*events_all, *relations), (),
                                 "events (E) and relations (R)"),
        "SpeechKind": AttributeDef("SpeechKind", (STATEMENT,), ("DirectQuote", "ReportedSpeech",
                                                             "Paraphrase"),
                                   "Statement events (E)"),
    }
    return Scheme(ENTITY_TYPES, events, relations, attributes)


def build_scheme(onto: Ontology) -> tuple[Scheme, list[Problem]]:
    """The design scheme with the ontology's event types, checked name by name against the
    ontology, with its labels."""
    source = display_path(onto.files[0]) if onto.files else "ontology/ctkg.ttl"
    scheme = design_scheme(tuple(c for c in onto.subclasses("Event") if c != STATEMENT))
    problems: list[Problem] = []

    def missing(kind: str, name: str, what: str) -> None:
        problems.append(Problem(source, None, f"{kind} {name!r} of the annotation scheme is "
                                              f"not {what} of the ontology"))

    for name in (*scheme.entities, *scheme.events):
        if name not in ANNOTATION_ONLY and name not in onto.classes:
            missing("type", name, f"a class (ctkg:{name} a owl:Class)")
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


def checked_scheme(onto: Ontology) -> Scheme:
    """:func:`build_scheme`, strict: any mismatch with the ontology is a CTKGError."""
    scheme, problems = build_scheme(onto)
    if problems:
        raise CTKGError(problems)
    return scheme
