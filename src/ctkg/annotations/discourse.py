"""Discourse rules of ``ctkg suggest``: what a name list cannot find or tell apart.

Each rule reads one document and the registry entries of the things already suggested or
annotated in it; none knows a document or a name of the corpus:

* a definite description of an event (``the meeting``, ``this conference``, ``the landmark
  forum``) names the most recent earlier event mention of a compatible ontology class
  (§2.3: events are coreferenced through the registry);
* a nominal person mention (``the official``, ``top UN official``, ``the UN counter-terrorism
  chief``) names the most recent earlier person mention, or in a headline the first later one
  (§2.1 spans: head noun with premodifiers, no determiner, no relative clause);
* a bare title (``the Secretary-General said``) is a Person mention of the holder when the
  document names the holder next to the title, else a Post mention (§2.3, §8 hard case 1);
* a goal advocated by a verb (``build resilience``, ``strengthening international
  cooperation``) is spanned with its verb, as the guidelines' goal phrases are (§2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ctkg.annotations.brat import Document
from ctkg.annotations.matcher import Match
from ctkg.inputs.ontology import Ontology
from ctkg.inputs.registry import Registry

# head noun of an event description -> the ontology classes its referent may have
EVENT_HEADS = {"conference": ("Conference",), "congress": ("Congress",),
               "summit": ("Conference", "Meeting", "Congress"),
               **{h: ("Conference", "Meeting", "Congress", "SideEvent")
                  for h in ("meeting", "forum", "gathering", "event")}}
# premodifiers that make a description name another event than the last one
_OTHER = frozenset(["next", "previous", "last", "upcoming", "coming", "future", "first",
                    "second", "third", "fourth", "fifth", "other", "another", "same", "each",
                    "every", "any", "such", "annual", "recent"])
_EVENT_NP = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?P<span>(?:(?P<mod>[a-z][a-z-]+)\s+)?"
                       rf"(?P<head>{'|'.join(EVENT_HEADS)}))\b"
                       r"(?!\s+(?:of|on|in|at|for)\s+[A-Z\"“])(?!-)")
# head noun of an organization description -> classes it may name (else a label word)
ORG_HEADS = {"group": ("TerroristGroup",), "body": ("IntergovernmentalOrganization",),
             "organization": ("IntergovernmentalOrganization",), "council": ()}
_ENTITY_NP = re.compile(r"\b(?:[Tt]he|[Tt]his)\s+(?P<span>(?P<mods>(?:(?:[a-z][a-z-]+|\d+-[a-z]+)"
                        r"\s+){0,2}?)(?P<head>group|body|organization|council))\b"
                        r"(?!-|\s+(?:of|for|on)\s+(?:the\s+)?[A-Z])")
_PERSON_NP = re.compile(r"\b(?P<det>[Tt]he\s+)?(?P<span>(?P<mods>(?:(?:top|senior|chief|"
                        r"UN|United Nations|counter-terrorism|counterterrorism)\s+)*)"
                        r"(?P<head>official|chief))\b(?!-)")
_GOAL_VERB = re.compile(r"\b(?:[Ss]trengthen|[Bb]uild|[Ii]mprov|[Ee]nhanc)(?:e|es|ed|ing|s)?"
                        r"\s+(?:the\s+)?$")
_GOAL_NOUN = re.compile(r" (?:projects?|programmes?|programs?|support|efforts?|initiatives?|"
                        r"activities|assistance)\b")
_VERB_NOUN = re.compile(r"\b(?:[Ss]trengthen|[Bb]uild|[Ii]mprov|[Ee]nhanc)(?:e|es|ed|ing|s)?"
                        r"\s+(?:the\s+)?(?P<noun>[A-Za-z]+)\b(?![-’'])")
_NAME_AFTER = re.compile(r",? [A-Z][\w’'.-]+ [A-Z][\w’'-]+")


@dataclass(frozen=True)
class Knowledge:
    """What the rules need of the registry: each slug's class, the class tree, dates."""

    classes: dict[str, str] = field(default_factory=dict)
    onto: Ontology | None = None
    dates: dict[str, tuple[str, str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # slug -> evidence document
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, registry: Registry, onto: Ontology, others: Sequence[Document]) -> Knowledge:
        """From the registry and the OTHER documents of the collection (the evidence an
        inference may name is never the document itself): for each thing, the first
        document that gives its event a Time, else the first that mentions it."""
        sources: dict[str, str] = {}
        for doc in sorted(others, key=lambda d: d.doc_id):
            for norm in doc.normalizations.values():
                event = doc.events.get(norm.target)
                if norm.db == "CTKG" and event and any(r == "Time" for r, _ in event.args):
                    sources.setdefault(norm.key, doc.doc_id)
        for doc in sorted(others, key=lambda d: d.doc_id):
            for m in annotated(doc):
                sources.setdefault(m.slug, doc.doc_id)
        return cls({s: e.type for s, e in registry.entries.items()}, onto,
                   {s: (e.start, e.end or e.start) for s, e in registry.entries.items()
                    if e.start}, sources, {s: e.label for s, e in registry.entries.items()})

    def label_words(self, slug: str) -> set[str]:
        return set(self.labels.get(slug, "").lower().split())

    def is_a(self, slug: str, classes: Sequence[str]) -> bool:
        kind = self.classes.get(slug)
        return kind is not None and self.onto is not None and any(
            self.onto.is_subclass(kind, c) for c in classes)


def annotated(doc: Document) -> list[Match]:
    """The document's own normalized one-fragment mentions, as matches (an event's through
    its E id), so that a rule finds an antecedent a person annotated."""
    out: list[Match] = []
    for norm in doc.normalizations.values():
        tid = doc.events[norm.target].trigger if norm.target in doc.events else norm.target
        tb = doc.textbounds.get(tid)
        if norm.db == "CTKG" and tb is not None and len(tb.fragments) == 1:
            out.append(Match(tb.start, tb.end, norm.key, tb.type))
    return out


def event_descriptions(text: str, mentions: Sequence[Match], know: Knowledge) -> list[Match]:
    """``the meeting`` etc. -> the most recent earlier event of a class its head allows."""
    out: list[Match] = []
    for m in _EVENT_NP.finditer(text):
        if m["mod"] in _OTHER or (m["mod"] or "").isdigit():
            continue
        wanted = EVENT_HEADS[m["head"]]
        before = [x for x in mentions if x.end <= m.start() and know.is_a(x.slug, wanted)]
        if before:
            last = max(before, key=lambda x: x.start)
            out.append(Match(m.start("span"), m.end("span"), last.slug, last.outer_type))
    return out


def entity_descriptions(text: str, mentions: Sequence[Match], know: Knowledge) -> list[Match]:
    """``the terrorist group``, ``the 15-member council``, ``the world body`` -> the most
    recent earlier organization whose class the head allows (``group``: a terrorist group)
    or whose registry label has the head as a word (``council``: ``Security Council``)."""
    out: list[Match] = []
    for m in _ENTITY_NP.finditer(text):
        mods = (m["mods"] or "").split()
        if any(w.lower() in _OTHER for w in mods) or text[m.end():m.end() + 1] == "s":
            continue
        head = m["head"].lower()
        before = [x for x in mentions if x.end <= m.start() and x.outer_type == "Organization"
                  and _head_fits(head, x.slug, know)]
        if before:
            last = max(before, key=lambda x: x.start)
            out.append(Match(m.start("span"), m.end("span"), last.slug, last.outer_type))
    return out


def _head_fits(head: str, slug: str, know: Knowledge) -> bool:
    classes = ORG_HEADS.get(head, ())
    return (bool(classes) and know.is_a(slug, classes)) or head in know.label_words(slug)


def person_descriptions(text: str, mentions: Sequence[Match]) -> list[Match]:
    """``the official``, ``top UN official`` -> the nearest person before (after, for a
    description with premodifiers and no determiner, as headlines write it)."""
    persons = sorted((x for x in mentions if x.outer_type == "Person"), key=lambda x: x.start)
    out: list[Match] = []
    for m in _PERSON_NP.finditer(text):
        if (not m["det"] and not m["mods"]) or text[m.end():m.end() + 1] == "s":
            continue
        before = [p for p in persons if p.end <= m.start()]
        after = [p for p in persons if p.start >= m.end()]
        target = before[-1] if before else (after[0] if m["mods"] and after else None)
        if target is not None:
            out.append(Match(m.start("span"), m.end("span"), target.slug, "Person"))
    return out


def titles_to_holders(text: str, names: Sequence[Match], know: Knowledge) -> list[Match]:
    """A bare Post title after ``the`` becomes a Person mention of the holder the document
    names next to the same title (``Secretary-General António Guterres``, ``Vladimir
    Voronkov, Under-Secretary-General``); without one it stays the Post (§8 case 1)."""
    posts = [m for m in names if know.is_a(m.slug, ("Post",))]
    persons = [m for m in names if m.outer_type == "Person"]
    holder: dict[str, str | None] = {}
    for post in posts:
        for person in persons:
            gap = text[post.end:person.start] if post.end <= person.start else \
                text[person.end:post.start]
            if gap in (" ", ", "):
                holder.setdefault(post.slug, person.slug)
        if _NAME_AFTER.match(text, post.end) and post.end + 1 not in {p.start for p in persons}:
            holder.setdefault(post.slug, None)  # a holder the registry does not know
    out: list[Match] = []
    for m in names:
        if m in posts and m.slug in holder and text[max(0, m.start - 4):m.start].lower() \
                == "the " and text[m.end:m.end + 4] != " of ":
            who = holder[m.slug]
            if who is None:
                continue  # a person the registry does not know: the person annotates it
            m = Match(m.start, m.end, who, "Person")
        out.append(m)
    return out


def goal_phrases(text: str, names: Sequence[Match]) -> list[Match]:
    """A PolicyGoal right after an advocating verb takes the verb into its span, and one
    followed by the noun of its means (``capacity-building projects``) that noun (§2)."""
    out: list[Match] = []
    for m in names:
        if m.outer_type != "PolicyGoal":
            out.append(m)
            continue
        verb = _GOAL_VERB.search(text, max(0, m.start - 30), m.start)
        noun = _GOAL_NOUN.match(text, m.end)
        out.append(Match(verb.start() if verb else m.start, noun.end() if noun else m.end,
                         m.slug, m.outer_type))
    return out


def goal_heads(text: str, mentions: Sequence[Match], know: Knowledge) -> list[Match]:
    """``strengthen cooperation`` -> the most recent earlier goal of the document whose
    registry label ends with the bare noun after the advocating verb (the noun alone may
    head several goals: the discourse decides which)."""
    out: list[Match] = []
    for m in _VERB_NOUN.finditer(text):
        noun = m["noun"].lower()
        if any(x.start <= m.start("noun") < x.end for x in mentions):
            continue  # a name there already says what it is
        before = [x for x in mentions if x.end <= m.start() and x.outer_type == "PolicyGoal"
                  and know.labels.get(x.slug, "").lower().split()[-1:] == [noun]]
        if before:
            last = max(before, key=lambda x: x.start)
            out.append(Match(m.start(), m.end(), last.slug, "PolicyGoal"))
    return out


def merge(names: Sequence[Match], found: Sequence[Match]) -> list[Match]:
    """``names`` with the rules' ``found`` mentions: a found one replaces a name of the same
    brat type it overlaps, and is dropped where it crosses another kind of name."""
    out = list(names)
    for new in sorted(found, key=lambda x: (x.start, -x.end)):
        clash = [m for m in out if m.start < new.end and new.start < m.end]
        inside = all(new.start <= m.start and m.end <= new.end for m in clash)
        if not inside:
            continue
        out = [m for m in out if m not in clash or m.outer_type != new.outer_type]
        out.append(new)
    return sorted(set(out), key=lambda m: (m.start, -m.end))
