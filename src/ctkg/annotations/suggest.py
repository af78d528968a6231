"""``ctkg suggest``: pre-annotation as brat standoff that a person confirms.

Three kinds of suggestion go into the document's ``.ann``, each marked unconfirmed
(:mod:`ctkg.annotations.suggestion_marks`): mentions of things the registry knows
(:mod:`ctkg.annotations.matcher`) with their ``CTKG:`` normalization and, for a linked
entity, the ``Wikidata:`` one of ``data/wikidata/links.toml``, each with its label as the
corpus writes it; event mentions as a trigger and an ``E`` line, normalized and noted on the
``E`` (brat refuses N and # lines on a trigger); time expressions
(:mod:`ctkg.annotations.timex_rules`) with their ISO 8601 value and, when resolved against
the document date, the ``anchor=``/``rule=`` note of the guidelines. Capitalized names the
registry does not know are listed for the person, never added to the registry.

Suggesting is idempotent and never touches a person's work: existing lines are kept byte for
byte, and nothing is suggested over a span an annotation already covers (a suggestion
already made covers its span, so a second run adds nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ctkg.annotations.brat import Document, read_collection, read_document
from ctkg.annotations.discourse import (
    Knowledge,
    annotated,
    entity_descriptions,
    event_descriptions,
    goal_heads,
    goal_phrases,
    merge,
    person_descriptions,
    titles_to_holders,
)
from ctkg.annotations.event_time import anchor_to_event
from ctkg.annotations.matcher import Gazetteer, Match, build_gazetteer, find_names, trim
from ctkg.annotations.name_rules import keep_names, title_case_line, variants
from ctkg.annotations.pronouns import speaker_pronouns
from ctkg.annotations.scheme import STATEMENT
from ctkg.annotations.suggestion_marks import MARK, is_suggestion_note
from ctkg.annotations.timex_rules import Anchor, TimeSuggestion, find_times
from ctkg.annotations.wikidata_norms import qids_by_slug
from ctkg.atomic import write_text_atomic
from ctkg.errors import CTKGError, display_path
from ctkg.inputs import Inputs, read_inputs
from ctkg.inputs.ontology import Ontology
from ctkg.inputs.registry import Registry
from ctkg.paths import Layout

# the brat types a registry type may be annotated as, most specific first; a State is
# suggested as a Place (a country named as a location), the person retypes an actor
_ENTITY_ORDER = ("Person", "Post", "PolicyInstrument", "Threat", "PolicyGoal", "Technology",
                 "Place", "Organization")
_CANDIDATE = re.compile(r"[A-Z][\w’'.-]*[\w](?:(?: (?:of|the|and|for|on|in|de))* "
                        r"[A-Z][\w’'.-]*[\w])*")
# a name followed by a capitalized word is part of a longer proper name the registry does not
# know (``UN`` in ``UN Headquarters``): not suggested, listed as a candidate instead
_CONTINUES = re.compile(r" [A-Z]")
_YEAR_BEFORE = re.compile(r"(?<![\w-])(?:19|20)\d\d $")
_FIRST_BEFORE = re.compile(r"\b[Ff]irst[- ]ever $")
_NOT_NAMES = frozenset(["January", "February", "March", "April", "May", "June", "July", "August",
                        "September", "October", "November", "December", "Monday", "Tuesday",
                        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "I", "Mr", "Mr.",
                        "Mrs", "Ms", "Dr"])


@dataclass
class Suggestions:
    """What one run proposed, and the names left for the person."""

    doc_id: str
    names: list[Match] = field(default_factory=list)
    times: list[TimeSuggestion] = field(default_factory=list)
    candidates: dict[str, list[int]] = field(default_factory=dict)  # name -> its offsets
    # a person's annotation that has no Reference yet: (its T or E id, what normalizes it)
    norms: list[tuple[str, Match | TimeSuggestion]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def brat_type(entry_type: str, onto: Ontology) -> str:
    """The brat type of a mention of a thing of this registry type (an event: the type)."""
    if onto.is_subclass(entry_type, "Event"):
        return entry_type
    if onto.is_subclass(entry_type, "State"):
        return "Place"
    return next((t for t in _ENTITY_ORDER if onto.is_subclass(entry_type, t)), "")


def registry_names(registry: Registry, slugs: Iterable[str] | None = None,
                   *, alt_labels: bool = True) -> list[tuple[str, str]]:
    """(name, slug) for every label (and alt label) of the registry, or of ``slugs``."""
    wanted = set(registry.entries) if slugs is None else set(slugs)
    out: list[tuple[str, str]] = []
    for slug in sorted(wanted & set(registry.entries)):
        entry = registry[slug]
        out.append((entry.label, slug))
        if alt_labels:
            out += [(alt, slug) for alt in entry.alt_labels]
    return out


def corpus_names(docs: Iterable[Document]) -> list[tuple[str, str]]:
    """(mention text, slug) for every one-fragment mention normalized to the registry
    (an event's normalization on its E id stands for its trigger); a suggestion not yet
    confirmed teaches nothing."""
    out: list[tuple[str, str]] = []
    for doc in docs:
        marked = {n.target for n in doc.notes.values() if is_suggestion_note(n.text)}
        for norm in doc.normalizations.values():
            if norm.db != "CTKG" or norm.target in marked:
                continue
            tid = doc.events[norm.target].trigger if norm.target in doc.events \
                else norm.target
            tb = doc.textbounds.get(tid)
            if tb is not None and len(tb.fragments) == 1:
                out.append((tb.text, norm.key))
    return out


def mention_types(inputs: Inputs) -> dict[str, str]:
    """slug -> the brat type its mentions are suggested with."""
    return {slug: brat_type(e.type, inputs.ontology)
            for slug, e in inputs.registry.entries.items()}


def suggest_for(doc: Document, gazetteer: Gazetteer, types: dict[str, str],
                anchor: Anchor, know: Knowledge | None = None) -> Suggestions:
    """The suggestions for one document, none over a span an annotation covers (a
    statement's span excepted: mentions are annotated inside the words said, §5);
    ``know`` (the registry's classes and dates) enables the rules of
    :mod:`ctkg.annotations.discourse`, :mod:`~ctkg.annotations.name_rules` and
    :mod:`~ctkg.annotations.event_time`."""
    covered = [f for tb in doc.textbounds.values() if tb.type != STATEMENT
               for f in tb.fragments]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in covered)

    out = Suggestions(doc.doc_id)
    out.names = _names(doc, gazetteer, types, know, free)
    out.names += speaker_pronouns(doc, out.names, types, free)
    out.names.sort(key=lambda m: (m.start, -m.end))
    times = [t for t in find_times(doc.text, anchor) if free(t.start, t.end) and all(
        t.end <= m.start or t.start >= m.end or (m.start <= t.start and t.end <= m.end)
        for m in out.names)]
    if know is not None:
        times = anchor_to_event(times, [*out.names, *annotated(doc)], know.dates,
                                know.sources, anchor)
    out.times = times
    out.norms = normalizations_for(doc, gazetteer, types, anchor)
    taken = covered + [(m.start, m.end) for m in out.names] + [(t.start, t.end)
                                                               for t in out.times]
    masked = list(doc.text)
    for a, b in taken:  # a name the registry knows is no candidate, nor a part of one
        masked[a:b] = "\x00" * (b - a)
    for m in _CANDIDATE.finditer("".join(masked)):
        name = m.group(0)
        before = doc.text[:m.start()].rstrip(" ")
        sentence_start = not before or before[-1] in ".!?:;–—\n“\"(*#[-"
        if name in _NOT_NAMES or name.lower() in gazetteer.names \
                or name.lower() in gazetteer.ambiguous or (sentence_start and " " not in name):
            continue
        out.candidates.setdefault(name, []).append(m.start())
    return out


def _names(doc: Document, gazetteer: Gazetteer, types: dict[str, str],
           know: Knowledge | None, free: Callable[[int, int], bool]) -> list[Match]:
    """The registry names of the text, then (with ``know``) the rules that need the
    sentence: a name continued by a capitalized word is part of an unknown name (a title
    before a person's name and a title-case headline excepted), an event of another
    edition is not the registry's, and the discourse rules add descriptions and retype
    titles."""
    text = doc.text
    found = [m for m in find_names(text, gazetteer, types)
             if types.get(m.slug) and free(m.start, m.end)]
    if know is None:
        return [_with_year(text, m, types, free) for m in found if m.outer_type == "Person"
                or not _CONTINUES.match(text, m.end)]
    names = [m for m in found if m.outer_type in ("Person", "Post")
             or not _CONTINUES.match(text, m.end) or title_case_line(text, m.start)]
    names = keep_names(text, names, lambda s: know.is_a(s, ("Event",)),
                       lambda s: know.dates.get(s, (None,))[0])
    names = [_with_year(text, _with_year(text, m, types, free), types, free, _FIRST_BEFORE)
             for m in names]
    names = [m for m in goal_phrases(text, names) if free(m.start, m.end)]
    names = titles_to_holders(text, names, know)
    mentions = [*names, *annotated(doc)]
    described = [m for m in [*event_descriptions(text, mentions, know),
                             *entity_descriptions(text, mentions, know),
                             *goal_heads(text, mentions, know),
                             *person_descriptions(text, mentions)] if free(m.start, m.end)]
    return merge(names, described)


def normalizations_for(doc: Document, gazetteer: Gazetteer, types: dict[str, str],
                       anchor: Anchor) -> list[tuple[str, Match | TimeSuggestion]]:
    """The Reference a person's mention lacks, when its text is a known name of a thing of
    its type (a country may be a Place or an Organization, §3) or a time the rules resolve
    with exactly its span; the N line goes on an event's E id."""
    normalized = {n.target for n in doc.normalizations.values()}
    event_of = {e.trigger: e.id for e in doc.events.values()}
    times = {(t.start, t.end): t for t in find_times(doc.text, anchor)}
    out: list[tuple[str, Match | TimeSuggestion]] = []
    for tb in doc.textbounds.values():
        target = event_of.get(tb.id, tb.id)
        if target in normalized or tb.id in normalized or len(tb.fragments) != 1:
            continue
        if tb.type == "TimeExpression":
            if (tb.start, tb.end) in times:
                out.append((target, times[(tb.start, tb.end)]))
            continue
        hit = gazetteer.names.get(trim(tb.text).lower()) or gazetteer.names.get(tb.text.lower())
        kind = types.get(hit[1], "") if hit else ""
        if hit and (kind == tb.type or {kind, tb.type} == {"Place", "Organization"}):
            out.append((target, Match(tb.start, tb.end, hit[1], tb.type)))
    return out


def _with_year(text: str, m: Match, types: dict[str, str],
               free: Callable[[int, int], bool], before: re.Pattern[str] = _YEAR_BEFORE
               ) -> Match:
    """An event name right after a year takes the year into its trigger (§2.2: ``2018`` in
    ``2018 High-Level Conference …``; the year is also suggested as a time inside it); with
    ``before=_FIRST_BEFORE``, ``first-ever`` likewise (an edition's ordinal is part of the
    name, as in ``first ever UN Summit …``, §8 case 4)."""
    year = before.search(text, max(0, m.start - 20), m.start)
    if year is None or types.get(m.slug) in _ENTITY_ORDER or not free(year.start(), m.start):
        return m
    return Match(year.start(), m.end, m.slug, m.outer_type)


class _Ids:
    """Fresh ids above the highest of each kind in the file."""

    def __init__(self, doc: Document) -> None:
        self.top: dict[str, int] = {}
        for ann_id in doc.id_lines:
            kind, num = ann_id[0], ann_id[1:]
            if num.isdigit():
                self.top[kind] = max(self.top.get(kind, 0), int(num))

    def next(self, kind: str) -> str:
        self.top[kind] = self.top.get(kind, 0) + 1
        return f"{kind}{self.top[kind]}"


def render(doc: Document, found: Suggestions, inputs: Inputs, anchor: Anchor) -> list[str]:
    """The .ann lines of the suggestions, in text order, ids fresh."""
    ids = _Ids(doc)
    qids = qids_by_slug(inputs.links)
    registry, onto = inputs.registry, inputs.ontology
    items: list[tuple[int, Match | TimeSuggestion]] = [(m.start, m) for m in found.names]
    items += [(t.start, t) for t in found.times]
    lines: list[str] = []
    for _, item in sorted(items, key=lambda i: (i[0], isinstance(i[1], TimeSuggestion))):
        tid = ids.next("T")
        text = doc.text[item.start:item.end]
        if isinstance(item, TimeSuggestion):
            lines.append(f"{tid}\tTimeExpression {item.start} {item.end}\t{text}")
            lines.append(f"{ids.next('N')}\tReference {tid} ISO8601:{item.value}\t{text}")
            pairs = item.note(anchor)
            lines.append(f"{ids.next('#')}\tAnnotatorNotes {tid}\t"
                         f"{pairs + ' ' if pairs else ''}note={_marked(item)}")
            continue
        entry = registry[item.slug]
        lines.append(f"{tid}\t{item.outer_type} {item.start} {item.end}\t{text}")
        target = tid
        if onto.is_subclass(entry.type, "Event"):
            target = ids.next("E")
            lines.append(f"{target}\t{item.outer_type}:{tid}")
        lines.append(f"{ids.next('N')}\tReference {target} CTKG:{item.slug}\t{entry.label}")
        if item.slug in qids:
            qid, label = qids[item.slug]
            lines.append(f"{ids.next('N')}\tReference {target} Wikidata:{qid}\t{label}")
        lines.append(f"{ids.next('#')}\tAnnotatorNotes {target}\tnote={MARK}")
    for target, item in found.norms:
        lines += _norm_lines(ids, target, item, doc.text[item.start:item.end], inputs, anchor)
    return lines


def _norm_lines(ids: _Ids, target: str, item: Match | TimeSuggestion, text: str,
                inputs: Inputs, anchor: Anchor) -> list[str]:
    """The N lines (and the mark) that normalize an existing annotation."""
    if isinstance(item, TimeSuggestion):
        pairs = item.note(anchor)
        return [f"{ids.next('N')}\tReference {target} ISO8601:{item.value}\t{text}",
                f"{ids.next('#')}\tAnnotatorNotes {target}\t"
                f"{pairs + ' ' if pairs else ''}note={_marked(item)}"]
    lines = [f"{ids.next('N')}\tReference {target} CTKG:{item.slug}\t"
             f"{inputs.registry[item.slug].label}"]
    qids = qids_by_slug(inputs.links)
    if item.slug in qids:
        lines.append(f"{ids.next('N')}\tReference {target} Wikidata:{qids[item.slug][0]}\t"
                     f"{qids[item.slug][1]}")
    return [*lines, f"{ids.next('#')}\tAnnotatorNotes {target}\tnote={MARK}"]


def _marked(item: TimeSuggestion) -> str:
    """The mark, and after it how an inference was made (free text of ``note=``)."""
    return f"{MARK}; {item.explain}" if item.explain else MARK


def find_document(layout: Layout, name: str) -> Path:
    """A document's ``.txt`` from its id or the path of its ``.txt``/``.ann``."""
    path = Path(name)
    txt = path.with_suffix(".txt") if path.suffix in (".txt", ".ann") else \
        layout.corpus / f"{name}.txt"
    if not txt.is_file():
        raise CTKGError.single(txt, None, "no such document (give a document id of "
                                          "data/corpus/ or the path of its .txt)")
    return txt


def suggest_document(layout: Layout, name: str, *, write: bool = True) -> Suggestions:
    """Suggest on one document with everything the registry and the corpus know; append
    the lines to its ``.ann`` (created if missing) unless ``write`` is False."""
    inputs = read_inputs(layout)
    txt = find_document(layout, name)
    entry = inputs.catalogue.get(txt.stem)
    if entry is None:
        raise CTKGError.single(layout.catalogue, None, f"{txt.stem} has no catalogue entry: "
                               "its date anchors the relative times (run ctkg add)")
    ann = txt.with_suffix(".ann")
    if not ann.exists():
        write_text_atomic(ann, "")
    doc = read_document(txt, ann)
    if doc.problems:
        raise CTKGError(doc.problems)
    docs, _ = read_collection(layout.corpus)
    types = mention_types(inputs)
    gazetteer = build_gazetteer(registry_names(inputs.registry), types,
                                spans=corpus_names(docs), expand=variants)
    anchor = Anchor.parse(entry.date)
    know = Knowledge.of(inputs.registry, inputs.ontology,
                        [d for d in docs if d.doc_id != doc.doc_id])
    found = suggest_for(doc, gazetteer, types, anchor, know)
    found.lines = render(doc, found, inputs, anchor)
    if write and found.lines:
        old = ann.read_text(encoding="utf-8")
        sep = "" if not old or old.endswith("\n") else "\n"
        write_text_atomic(ann, old + sep + "\n".join(found.lines) + "\n")
    return found


def report(found: Suggestions, ann: Path, written: bool) -> str:
    """What ``ctkg suggest`` prints: counts, where, and the names for the person."""
    out = [f"{found.doc_id}: {len(found.names)} registry mentions, {len(found.times)} time "
           f"expressions suggested" + (f" in {display_path(ann)}" if written else
                                       " (not written)")]
    if found.candidates:
        out.append("names the registry does not know (add an entry to data/registry.toml "
                   "and run ctkg suggest again, or ignore):")
        out += [f"  {name!r} at {', '.join(map(str, offsets))}"
                for name, offsets in sorted(found.candidates.items(), key=lambda kv: kv[1][0])]
    if found.norms:
        out.append(f"{len(found.norms)} normalizations suggested for annotations that had none")
    return "\n".join(out) + "\n"


def suggestion_count(lines: Sequence[str]) -> int:
    """How many annotations ``lines`` suggest (their T lines)."""
    return sum(1 for line in lines if line.startswith("T"))
