"""Generate a synthetic CTKG project of N annotated documents, for scale tests and benchmarks.

The documents are short news-like paragraphs whose annotations have the shape of the real
corpus: the same entity, event and relation types, roles, attributes and normalizations,
statements with speakers, relative times with AnnotatorNotes, and the same provenance per
mention. Entities recur across documents with a Zipf-like skew, as real actors do (a few
officials and conferences appear everywhere, most things rarely). Output is deterministic for
a seed: the same (N, seed) gives byte-identical files.

    python benchmarks/synth.py --docs 1000 --seed 1 --out /tmp/ctkg-synth-1000

The output folder is a project root (ontology/, queries/, data/) that ``ctkg build --root``
accepts; the ontology, queries and brat configuration are copied from a real project.
Nothing in it is a real-world fact: every name is generated.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

FIRST = ["Amara", "Boris", "Chen", "Dalia", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jamal",
         "Kira", "Luis", "Mira", "Nadir", "Olga", "Pavel", "Qiu", "Rosa", "Samir", "Tara",
         "Umar", "Vera", "Wen", "Xenia", "Yusuf", "Zora"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Haddad", "Novak", "Castillo", "Tanaka", "Osei",
        "Petrov", "Silva", "Kowalski", "Farouk", "Jensen", "Abara", "Ivanova", "Mendes",
        "Karim", "Duarte", "Halvorsen", "Nakamura"]
ORG_WORDS = ["Regional", "Northern", "Coastal", "Central", "Eastern", "Southern", "Western",
             "Highland", "Island", "Continental"]
ORG_KINDS = [("Counter-Terrorism Agency", "GovernmentAgency"),
             ("Security Council", "IntergovernmentalOrganization"),
             ("Civil Society Network", "CivilSocietyOrganization"),
             ("Institute for Security Studies", "AcademicInstitution"),
             ("Technology Forum", "PrivateCompany")]
CITIES = ["Arden", "Belmar", "Calder", "Dunmore", "Elsworth", "Fenwick", "Galloway", "Harlow",
          "Inverley", "Jarrow", "Kelso", "Lydford", "Marlow", "Norwood", "Oakham", "Penrith"]
THREATS = [("terrorist use of the internet", "terrorist-use-of-internet"),
           ("foreign terrorist fighters", "foreign-terrorist-fighters"),
           ("terrorism financing", "terrorism-financing"),
           ("violent extremism", "violent-extremism"),
           ("online terrorist propaganda", "online-terrorist-propaganda"),
           ("attacks on soft targets", "attacks-on-soft-targets")]
GOALS = [("international cooperation", "international-cooperation"),
         ("capacity-building", "capacity-building"),
         ("resilient societies", "resilience"),
         ("information sharing", "information-sharing"),
         ("engagement with civil society", "engage-civil-society"),
         ("respect for human rights", "human-rights")]
TECHS = [("social media", "social-media"), ("encrypted communications", "encrypted-communications"),
         ("new technologies", "new-technologies")]


@dataclass
class Ann:
    """Builds one document's text and .ann side by side, so offsets are right by construction."""

    text: str = ""
    lines: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]}"

    def add(self, s: str) -> None:
        self.text += s

    def span(self, type_: str, s: str, norm: str | None = None) -> str:
        start = len(self.text)
        self.text += s
        tid = self.next_id("T")
        self.lines.append(f"{tid}\t{type_} {start} {start + len(s)}\t{s}")
        if norm:
            self.norm(tid, norm, s)
        return tid

    def norm(self, target: str, norm: str, text: str) -> None:
        """An N line; an event's goes on its E id (brat refuses one on a trigger)."""
        nid = self.next_id("N")
        self.lines.append(f"{nid}\tReference {target} {norm}\t{text}")

    def line(self, prefix: str, body: str) -> str:
        aid = self.next_id(prefix)
        self.lines.append(f"{aid}\t{body}")
        return aid


_CUM_WEIGHTS: dict[int, list[float]] = {}


def zipf_pick(rng: random.Random, n: int, s: float = 1.1) -> int:
    """An index in [0, n) with a Zipf-like skew (index 0 most frequent)."""
    cum = _CUM_WEIGHTS.get(n)
    if cum is None:
        total = 0.0
        cum = []
        for k in range(n):
            total += 1 / (k + 1) ** s
            cum.append(total)
        _CUM_WEIGHTS[n] = cum
    return rng.choices(range(n), cum_weights=cum)[0]


def concept_labels(concepts: Path) -> dict[str, str]:
    """Concept slug -> its English skos:prefLabel in the ontology's concept schemes."""
    pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
    out: dict[str, str] = {}
    for t in ox.parse(path=str(concepts), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == pref and isinstance(t.object, ox.Literal) \
                and t.object.language == "en":
            out[t.subject.value.rsplit("/", 1)[-1]] = t.object.value
    return out


@dataclass
class World:
    """The generated things documents talk about, and which of them they used."""

    people: list[tuple[str, str]]  # (name, slug)
    orgs: list[tuple[str, str, str]]  # (name, slug, type)
    cities: list[tuple[str, str]]
    events: list[tuple[str, str, str, str]]  # (name, slug, day, place slug)
    used: set[str] = field(default_factory=set)
    main_events: set[str] = field(default_factory=set)  # dated to the day and placed


def make_world(n_docs: int) -> World:
    """People, organizations, cities and events for a corpus of ``n_docs`` documents."""
    n_people, n_orgs, n_events = max(20, n_docs // 4), max(10, n_docs // 6), max(8, n_docs // 3)
    people = [(f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
               + (f" {i // (len(FIRST) * len(LAST)) + 1}" if i >= len(FIRST) * len(LAST) else ""),
               f"synth-person-{i}") for i in range(n_people)]
    orgs = []
    for i in range(n_orgs):
        suffix, type_ = ORG_KINDS[i % len(ORG_KINDS)]
        orgs.append((f"{ORG_WORDS[i % len(ORG_WORDS)]} {suffix} {i}", f"synth-org-{i}", type_))
    cities = [(c, f"synth-place-{i}") for i, c in enumerate(CITIES)]
    events = []
    for i in range(n_events):
        day = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        events.append((f"Conference on Countering Terrorism {i}", f"synth-event-{i}", day,
                       cities[i % len(cities)][1]))
    return World(people, orgs, cities, events)


def write_document(rng: random.Random, w: World) -> tuple[Ann, str]:
    """One document's text and annotations, and its date (its main event's day)."""
    a = Ann()
    p1 = w.people[zipf_pick(rng, len(w.people))]
    p2 = w.people[zipf_pick(rng, len(w.people))]
    org = w.orgs[zipf_pick(rng, len(w.orgs))]
    ev_i = zipf_pick(rng, len(w.events))
    ev, prev = w.events[ev_i], w.events[(ev_i - 1) % len(w.events)]
    city = next(c for c in w.cities if c[1] == ev[3])
    threat = THREATS[rng.randrange(len(THREATS))]
    goal = GOALS[rng.randrange(len(GOALS))]
    tech = TECHS[rng.randrange(len(TECHS))]
    w.used.update({p1[1], p2[1], org[1], ev[1], prev[1], city[1], f"post-{org[1]}"})
    w.main_events.add(ev[1])

    a.add("Addressing the ")
    t_ev = a.span("Conference", ev[0])
    a.add(" in ")
    t_city = a.span("Place", city[0], f"CTKG:{city[1]}")
    a.add(" on ")
    t_time = a.span("TimeExpression", ev[2], f"ISO8601:{ev[2]}")
    a.add(", ")
    t_p1 = a.span("Person", p1[0], f"CTKG:{p1[1]}")
    a.add(", the ")
    t_post = a.span("Post", f"Director of the {org[0]}", f"CTKG:post-{org[1]}")
    a.add(", said that the ")
    t_org = a.span("Organization", org[0], f"CTKG:{org[1]}")
    a.add(" would lead the response.\n\n")
    e_ev = a.line("E", f"Conference:{t_ev} Organizer:{t_org} Speaker:{t_p1} "
                       f"Place:{t_city} Time:{t_time}")
    a.norm(e_ev, f"CTKG:{ev[1]}", ev[0])
    a.line("R", f"holdsPost Arg1:{t_p1} Arg2:{t_post}")
    a.line("R", f"postIn Arg1:{t_post} Arg2:{t_org}")
    _statement(a, p2, goal, threat, tech, e_ev)
    _follow_up(a, ev, prev, e_ev)
    return a, ev[2]


def _statement(a: Ann, speaker: tuple[str, str], goal: tuple[str, str],
               threat: tuple[str, str], tech: tuple[str, str], occasion: str) -> None:
    a.add("“We must strengthen ")
    quote_start = len(a.text)
    t_goal = a.span("PolicyGoal", goal[0], f"CTKG:{goal[1]}")
    a.add(" to counter ")
    t_threat = a.span("Threat", threat[0], f"CTKG:{threat[1]}")
    a.add(",” said ")
    quote = a.text[quote_start:len(a.text) - len(",” said ")]
    t_stmt_id = a.next_id("T")
    a.lines.append(f"{t_stmt_id}\tStatement {quote_start} {quote_start + len(quote)}\t{quote}")
    t_p2 = a.span("Person", speaker[0], f"CTKG:{speaker[1]}")
    a.add(", warning that terrorists exploit ")
    a.span("Technology", tech[0], f"CTKG:{tech[1]}")
    e_st = a.line("E", f"Statement:{t_stmt_id} Speaker:{t_p2} Occasion:{occasion}")
    a.line("A", f"SpeechKind {e_st} DirectQuote")
    a.line("R", f"advocates Arg1:{e_st} Arg2:{t_goal}")
    a.line("R", f"warnsOf Arg1:{e_st} Arg2:{t_threat}")
    a.line("R", f"addresses Arg1:{t_goal} Arg2:{t_threat}")


def _follow_up(a: Ann, ev: tuple[str, str, str, str], prev: tuple[str, str, str, str],
               e_ev: str) -> None:
    a.add(".\n\nThe meeting follows up on the ")
    t_prev = a.span("Conference", prev[0])
    a.add(" held ")
    prev_year = prev[2][:4]
    relative = int(prev_year) == int(ev[2][:4]) - 1
    t_rel = a.span("TimeExpression", "the previous year" if relative else f"in {prev_year}",
                   f"ISO8601:{prev_year}")
    a.add(".\n")
    e_prev = a.line("E", f"Conference:{t_prev} Time:{t_rel}")
    a.norm(e_prev, f"CTKG:{prev[1]}", prev[0])
    a.line("R", f"followUpOf Arg1:{e_ev} Arg2:{e_prev}")
    if relative:
        a.line("#", f"AnnotatorNotes {t_rel}\tanchor={ev[2]} rule=previous-year")


def registry_toml(w: World, concepts: Path) -> str:
    """The registry of everything the documents used (and every concept)."""
    reg: list[str] = ['[synth-publisher]\ntype = "MediaOrganization"\n'
                      'label = "Synthetic Publisher"\nkeep = true\n']
    reg += [f'[{slug}]\ntype = "Person"\nlabel = "{name}"\n'
            for name, slug in w.people if slug in w.used]
    for name, slug, type_ in w.orgs:
        if slug in w.used:
            reg.append(f'[{slug}]\ntype = "{type_}"\nlabel = "{name}"\n')
            reg.append(f'[post-{slug}]\ntype = "Post"\nlabel = "Director of the {name}"\n')
    reg += [f'[{slug}]\ntype = "Place"\nlabel = "{name}"\n'
            for name, slug in w.cities if slug in w.used]
    for name, slug, day, place in w.events:
        if slug in w.main_events:
            reg.append(f'[{slug}]\ntype = "Conference"\nlabel = "{name}"\nstart = "{day}"\n'
                       f'granularity = "day"\nplace = "{place}"\nstatus = "occurred"\n')
        elif slug in w.used:  # only ever the earlier event, dated to the year, place unsaid
            reg.append(f'[{slug}]\ntype = "Conference"\nlabel = "{name}"\n'
                       f'start = "{day[:4]}"\ngranularity = "year"\nstatus = "occurred"\n')
    labels = concept_labels(concepts)
    for label, slug in THREATS + GOALS + TECHS:
        kind = ("Threat" if (label, slug) in THREATS
                else "PolicyGoal" if (label, slug) in GOALS else "Technology")
        label = labels.get(slug, label)  # the registry label is the concept's prefLabel
        reg.append(f'[{slug}]\ntype = "{kind}"\nlabel = "{label}"\nkeep = true\n')
    return "\n".join(reg)


def generate(n_docs: int, seed: int, out: Path, source: Path) -> None:
    """Write a project of ``n_docs`` documents to ``out``, copying ``source``'s ontology,
    queries and brat configuration. The same (n_docs, seed) gives the same files."""
    rng = random.Random(seed)
    world = make_world(n_docs)
    corpus = out / "data" / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    catalogue: list[str] = []
    for d in range(n_docs):
        doc_id = f"{d:05d}_synth"
        a, date = write_document(rng, world)
        (corpus / f"{doc_id}.txt").write_text(a.text, encoding="utf-8")
        (corpus / f"{doc_id}.ann").write_text("\n".join(a.lines) + "\n", encoding="utf-8")
        catalogue.append(
            f'["{doc_id}"]\ntitle = "Synthetic report {d}"\npublisher = "synth-publisher"\n'
            f'date = "{date}"\nkind = "NewsArticle"\nlanguage = "en"\n')
    data = out / "data"
    (data / "registry.toml").write_text(registry_toml(world, source / "ontology" /
                                                      "concepts.ttl"), encoding="utf-8")
    (data / "catalogue.toml").write_text("\n".join(catalogue), encoding="utf-8")
    (data / "wikidata").mkdir(parents=True, exist_ok=True)
    (data / "wikidata" / "links.toml").write_text("", encoding="utf-8")
    for conf in ("annotation.conf", "visual.conf", "tools.conf"):
        if (source / "data" / "corpus" / conf).exists():
            shutil.copy2(source / "data" / "corpus" / conf, corpus / conf)
    for folder in ("ontology", "queries"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
        shutil.copytree(source / folder, out / folder)
