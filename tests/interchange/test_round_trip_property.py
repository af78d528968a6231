"""Random brat documents of the scheme through XMI and back: always the same annotations.

Mentions (some discontinuous), events with arguments that are mentions or other events,
relations between either, normalizations and notes on a mention, an event's trigger or the
event, attributes on events and relations: whatever the combination, the round trip keeps
every id, span, text, argument and attachment.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctkg.interchange.export import document_cas
from ctkg.interchange.typesystem import build_typesystem
from ctkg.interchange.xmi_import import annotation_set
from tests.interchange.project import TEXT, document, project_scheme
from tests.interchange.test_xmi_import import _ann

SCHEME = project_scheme()
WORDS = [(m.start(), m.end()) for m in re.finditer(r"\S+", TEXT)]
LINE_OF = [TEXT.count("\n", 0, s) for s, _ in WORDS]
FREE_TEXT = st.text(alphabet="ab =é“”\t#:;x1", min_size=1, max_size=12).filter(
    lambda t: t.strip() == t and t.strip())


@st.composite
def fragments(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    """One word run, or two runs of one line with a gap (brat's discontinuous span)."""
    i = draw(st.integers(0, len(WORDS) - 1))
    j = draw(st.integers(i, min(i + 3, len(WORDS) - 1)))
    while LINE_OF[j] != LINE_OF[i]:
        j -= 1
    first = (WORDS[i][0], WORDS[j][1])
    k = j + 2
    if draw(st.booleans()) and k < len(WORDS) and LINE_OF[k] == LINE_OF[i]:
        return (first, WORDS[k])
    return (first,)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    counters = {"T": 0, "E": 0, "R": 0, "A": 0, "N": 0, "#": 0}

    def new(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def textbound(type_: str) -> str:
        frags = draw(fragments())
        t_id = new("T")
        offs = ";".join(f"{s} {e}" for s, e in frags)
        lines.append(f"{t_id}\t{type_} {offs}\t{' '.join(TEXT[s:e] for s, e in frags)}")
        return t_id

    entities = [textbound(draw(st.sampled_from(SCHEME.entities)))
                for _ in range(draw(st.integers(1, 5)))]
    events: list[tuple[str, str, str]] = []  # (E id, trigger, type)
    for _ in range(draw(st.integers(0, 3))):
        type_ = draw(st.sampled_from(list(SCHEME.events)))
        trigger = textbound(type_)
        args, seen = [], dict[str, int]()
        for _ in range(draw(st.integers(0, 3))):
            role = draw(st.sampled_from([r.name for r in SCHEME.events[type_]]))
            target = draw(st.sampled_from(entities + [e for e, _, _ in events]))
            seen[role] = seen.get(role, 0) + 1
            args.append(f"{role}{seen[role] if seen[role] > 1 else ''}:{target}")
        e_id = new("E")
        lines.append(f"{e_id}\t{' '.join([f'{type_}:{trigger}', *args])}")
        events.append((e_id, trigger, type_))
    refs = entities + [e for e, _, _ in events]
    relations = []
    for _ in range(draw(st.integers(0, 3))):
        r_id = new("R")
        a1, a2 = draw(st.sampled_from(refs)), draw(st.sampled_from(refs))
        lines.append(f"{r_id}\t{draw(st.sampled_from(list(SCHEME.relations)))} "
                     f"Arg1:{a1} Arg2:{a2}")
        relations.append(r_id)
    holders = [(t, t) for t in entities] + [
        (draw(st.sampled_from([e, t])), e) for e, t, _ in events]
    for on, _ in holders:
        for db in draw(st.lists(st.sampled_from(["CTKG", "Wikidata", "ISO8601"]),
                                unique=True, max_size=3)):
            lines.append(f"{new('N')}\tReference {on} {db}:k{counters['N']}\t{draw(FREE_TEXT)}")
    for on in [h for h, _ in holders] + relations:
        if draw(st.booleans()):
            lines.append(f"{new('#')}\tAnnotatorNotes {on}\t{draw(FREE_TEXT)}")
    for e_id, _, type_ in events:
        for attr in SCHEME.attributes.values():
            if type_ in attr.targets and draw(st.booleans()):
                value = f" {draw(st.sampled_from(attr.values))}" if attr.values else ""
                lines.append(f"{new('A')}\t{attr.name} {e_id}{value}")
    for r_id in relations:
        if draw(st.booleans()):
            lines.append(f"{new('A')}\tNegation {r_id}")
    draw(st.randoms()).shuffle(lines)
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(documents())
def test_any_document_of_the_scheme_round_trips(ann: str) -> None:
    source = document(TEXT, ann)
    assert source.problems == []
    cas, problems = document_cas(source, SCHEME, build_typesystem(SCHEME))
    assert problems == []
    back, problems = _ann(cas)
    assert problems == []
    assert annotation_set(document(TEXT, back)) == annotation_set(source)
