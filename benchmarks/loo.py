"""Leave one document out: how much of a human annotation ``ctkg suggest`` proposes.

For each document of the corpus, suggestions are made on its bare text with only what the
OTHER documents know: the registry label of every thing they mention and the text of each of
their mentions (a thing mentioned only in the held-out document is unknown, and so is an
alt label that only the held-out document uses). They are compared with the document's human
annotation:

- entity mentions (T lines normalized to the registry; an event through its trigger): same
  span (all fragments) and same slug. Recall is counted over the mentions of things known
  from the other documents (the target), and also over all mentions and over the mentions
  that are not pronouns, for context; precision over every suggestion.
- time expressions: same span; of those, same ISO 8601 value.

Usage: python benchmarks/loo.py [--root DIR] [--misses N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ctkg.annotations.brat import Document, read_collection  # noqa: E402
from ctkg.annotations.discourse import Knowledge  # noqa: E402
from ctkg.annotations.matcher import PRONOUNS, build_gazetteer  # noqa: E402
from ctkg.annotations.name_rules import variants  # noqa: E402
from ctkg.annotations.suggest import corpus_names, mention_types, registry_names, suggest_for  # noqa: E402
from ctkg.annotations.timex_rules import Anchor  # noqa: E402
from ctkg.inputs import read_inputs  # noqa: E402
from ctkg.paths import Layout  # noqa: E402

Span = tuple[tuple[int, int], ...]


@dataclass
class Score:
    """Counts of one document (or the total)."""

    pred: int = 0
    hit: int = 0
    gold_known: int = 0
    hit_known: int = 0
    gold_all: int = 0
    gold_named: int = 0  # known, not a pronoun
    hit_named: int = 0
    t_gold: int = 0
    t_pred: int = 0
    t_span: int = 0
    t_value: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("pred", "hit", "gold_known", "hit_known", "gold_all", "gold_named",
                     "hit_named", "t_gold", "t_pred", "t_span", "t_value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def gold_mentions(doc: Document) -> dict[tuple[Span, str], str]:
    """(fragments, slug) -> mention text, for every T normalized to the registry."""
    out: dict[tuple[Span, str], str] = {}
    for norm in doc.normalizations.values():
        if norm.db != "CTKG":
            continue
        tid = doc.events[norm.target].trigger if norm.target in doc.events else norm.target
        tb = doc.textbounds.get(tid)
        if tb is not None:
            out[(tb.fragments, norm.key)] = tb.text
    return out


def gold_times(doc: Document) -> dict[Span, str]:
    return {doc.textbounds[n.target].fragments: n.key for n in doc.normalizations.values()
            if n.db == "ISO8601" and n.target in doc.textbounds}


def score(doc: Document, others: Sequence[Document], layout: Layout,
          rules: bool = True) -> Score:
    inputs = read_inputs(layout)
    known = {slug for _, slug in corpus_names(others)}
    types = mention_types(inputs)
    gazetteer = build_gazetteer(registry_names(inputs.registry, known, alt_labels=False),
                                types, spans=corpus_names(others),
                                expand=variants if rules else None)
    blank = Document(doc.doc_id, doc.txt_path, doc.ann_path, doc.text)
    anchor = Anchor.parse(inputs.catalogue[doc.doc_id].date)
    # the registry's classes and dates, and the other documents as evidence (the rules only
    # ever reach the entries of things the suggestions name, all known from the others)
    know = Knowledge.of(inputs.registry, inputs.ontology, others) if rules else None
    found = suggest_for(blank, gazetteer, types, anchor, know)
    gold = gold_mentions(doc)
    pred = {(((m.start, m.end),), m.slug) for m in found.names}
    s = Score(pred=len(pred), hit=len(pred & set(gold)), gold_all=len(gold))
    known_gold = {k: v for k, v in gold.items() if k[1] in known}
    s.gold_known, s.hit_known = len(known_gold), len(pred & set(known_gold))
    named = {k for k, v in known_gold.items() if v.lower() not in PRONOUNS}
    s.gold_named, s.hit_named = len(named), len(pred & named)
    s.misses = [f"{doc.doc_id[:3]} {text!r} ({slug})" for (span, slug), text in
                sorted(known_gold.items()) if (span, slug) not in pred]
    s.false = [f"{doc.doc_id[:3]} {doc.text[sp[0][0]:sp[0][1]]!r} -> {slug}"
               + (f" (gold: {', '.join(g for (gs, g) in gold if gs == sp)})"
                  if any(gs == sp for gs, _ in gold) else "")
               for sp, slug in sorted(pred - set(gold))]
    times = gold_times(doc)
    tpred = {((t.start, t.end),): t.value for t in found.times}
    s.t_gold, s.t_pred = len(times), len(tpred)
    s.t_span = len(set(tpred) & set(times))
    s.t_value = sum(1 for k in set(tpred) & set(times) if tpred[k] == times[k])
    s.misses += [f"{doc.doc_id[:3]} time {doc.text[k[0][0]:k[0][1]]!r}: {tpred.get(k)} "
                 f"(gold {v})" for k, v in sorted(times.items()) if tpred.get(k) != v]
    return s


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}% ({a}/{b})" if b else "n/a"


def row(label: str, s: Score) -> str:
    """One table row; the pronoun columns split the known mentions (a hit counts in one)."""
    return (f"| {label} | {pct(s.hit, s.pred)} | {pct(s.hit_known, s.gold_known)} | "
            f"{pct(s.hit_named, s.gold_named)} | "
            f"{pct(s.hit_known - s.hit_named, s.gold_known - s.gold_named)} | "
            f"{pct(s.hit, s.gold_all)} | {pct(s.t_span, s.t_gold)} | "
            f"{pct(s.t_value, s.t_span)} | {pct(s.t_span, s.t_pred)} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--misses", type=int, default=40, help="examples of misses to print")
    parser.add_argument("--no-rules", action="store_true",
                        help="without the discourse, name-form and event-time rules (the "
                             "gazetteer and time rules alone), for comparison")
    args = parser.parse_args(argv)
    layout = Layout(args.root)
    docs, _ = read_collection(layout.corpus)
    total = Score()
    print("| held out | entity P | entity R (known) | R (known, no pronouns) | "
          "pronouns (known) | R (all) | time R (span) | time value right | time P (span) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for doc in docs:
        s = score(doc, [d for d in docs if d.doc_id != doc.doc_id], layout, not args.no_rules)
        total.add(s)
        rows.append(s)
        print(row(doc.doc_id, s))
    print(row("**all**", total))
    print("\nfalse suggestions (suggested, not in the human annotation):")
    for line in [x for s in rows for x in s.false][:args.misses]:
        print("  " + line)
    print("\nmisses (known thing or time not suggested, or time value wrong):")
    for line in [x for s in rows for x in s.misses][:args.misses]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
