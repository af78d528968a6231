"""``ctkg link --suggest``: candidate QIDs for unlinked registry entries, for a person to judge.

Exact English label and alias matches only, ranked by how they matched, type agreement and
sitelinks. It prints a table and never writes anything: a link is accepted by a person,
with evidence, in links.toml (docs/wikidata.md).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.inputs import Inputs, read_inputs
from ctkg.inputs.links import qid_number
from ctkg.inputs.ontology import Ontology
from ctkg.inputs.registry import Entry
from ctkg.inputs.wikidata_cache import sparql_prefixes
from ctkg.paths import Layout
from ctkg.rdf.namespaces import QID_RE, WD_NS
from ctkg.wikidata.client import WDQS_ENDPOINT, WikidataClient
from ctkg.wikidata.targets import is_concept
from ctkg.wikidata.type_rules import class_list, judge_types

NAME_BATCH = 40  # labels per suggest query
NO_ITEM_RE = re.compile(r"\bno\b.*\bitem\b", re.IGNORECASE)


def suggest_query(names: Sequence[str]) -> str:
    """Exact English label / alias matches for some names, with what ranking needs."""
    values = " ".join(str(ox.Literal(n, language="en")) for n in names)
    prefixes = sparql_prefixes("wd", "wdt", "rdfs", "skos", "schema", "wikibase")
    return prefixes + f"""SELECT ?name ?how ?item ?label ?description ?sitelinks ?type WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name . BIND("label" AS ?how) }}
  UNION
  {{ ?item skos:altLabel ?name . BIND("alias" AS ?how) }}
  FILTER(STRSTARTS(STR(?item), "{WD_NS}Q"))
  OPTIONAL {{ ?item rdfs:label ?label . FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description . FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wikibase:sitelinks ?sitelinks }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}
LIMIT 5000"""


@dataclass
class Candidate:
    qid: str
    how: int  # 0 their label = our label, 1 their label = our alt, 2/3 their alias = …
    matched: str
    label: str = ""
    description: str = ""
    sitelinks: int = 0
    p31: set[str] = field(default_factory=set)

    def rank_key(self, reg_type: str, ontology: Ontology
                 ) -> tuple[int, int, int, tuple[int, str]]:
        verdict, _ = judge_types(reg_type, self.p31, ontology)
        type_rank = {"ok": 0, "warning": 1, "error": 2}[verdict]
        return (self.how, type_rank, -self.sitelinks, qid_number(self.qid))


HOW_TEXT = {0: "label", 1: "label~alt", 2: "alias", 3: "alias~alt"}


def shorten(text: str, width: int) -> str:
    """The text cut to ``width`` characters with an ellipsis, for a table column."""
    return text if len(text) <= width else text[: width - 1] + "…"


def suggest_targets(inputs: Inputs) -> list[Entry]:
    """Registry entries without a QID whose ``unlinked`` reason does not say "no item"."""
    links = inputs.links
    out = []
    for slug, reg in sorted(inputs.registry.entries.items()):
        table = links.concepts if is_concept(reg.type, inputs) else links.entities
        link = table.get(slug)
        if link is not None and link.qid:
            continue
        if link is not None and link.unlinked and NO_ITEM_RE.search(link.unlinked):
            continue
        if inputs.ontology.kind_of(reg.type) is None or not reg.label:
            continue
        out.append(reg)
    return out


def find_candidates(client: WikidataClient, targets: Sequence[Entry]
                    ) -> dict[str, list[Candidate]]:
    """Slug → candidates (unranked) by exact English label and alias match."""
    names_of = {t.slug: [t.label, *[a for a in t.alt_labels if a != t.label]] for t in targets}
    all_names = sorted({n for ns in names_of.values() for n in ns if n.strip()})
    rows: dict[str, list[dict[str, dict[str, str]]]] = {}
    for start in range(0, len(all_names), NAME_BATCH):
        for b in client.select(suggest_query(all_names[start:start + NAME_BATCH])):
            name = b.get("name", {}).get("value")
            if isinstance(name, str):
                rows.setdefault(name, []).append(b)
    out: dict[str, list[Candidate]] = {}
    for t in targets:
        found: dict[str, Candidate] = {}
        for i, name in enumerate(names_of[t.slug]):
            for b in rows.get(name, []):
                iri = b.get("item", {}).get("value", "")
                qid = iri.rsplit("/", 1)[-1]
                if not QID_RE.match(qid):
                    continue
                how = (0 if b.get("how", {}).get("value") == "label" else 2) + (1 if i else 0)
                cand = found.get(qid)
                if cand is None or how < cand.how:
                    old = cand
                    cand = Candidate(qid, how, name)
                    if old:
                        cand.label, cand.description = old.label, old.description
                        cand.sitelinks, cand.p31 = old.sitelinks, old.p31
                    found[qid] = cand
                cand.label = cand.label or b.get("label", {}).get("value", "")
                cand.description = cand.description or b.get("description", {}).get("value", "")
                with contextlib.suppress(ValueError):
                    cand.sitelinks = max(cand.sitelinks,
                                         int(b.get("sitelinks", {}).get("value", "0")))
                typ = b.get("type", {}).get("value", "")
                if typ.startswith(WD_NS):
                    cand.p31.add(typ[len(WD_NS):])
        out[t.slug] = list(found.values())
    return out


def print_suggestions(targets: Sequence[Entry], found: dict[str, list[Candidate]],
                      limit: int, out: TextIO, ontology: Ontology) -> None:
    """A ranked table per entity, for a person to confirm; never writes anything."""
    for t in targets:
        alts = f"  (alt: {', '.join(t.alt_labels)})" if t.alt_labels else ""
        print(f"\n{t.slug}  [{t.type}]  \"{t.label}\"{alts}", file=out)
        cands = sorted(found.get(t.slug, []), key=lambda c: c.rank_key(t.type, ontology))[:limit]
        if not cands:
            print("  no exact label or alias match: search by hand, or record "
                  "unlinked = \"…\"", file=out)
            continue
        print(f"  {'#':>2}  {'QID':<11} {'match':<10} {'type':<5} {'sitelinks':>9}  "
              "label — description (P31)", file=out)
        for n, c in enumerate(cands, start=1):
            verdict, _ = judge_types(t.type, c.p31, ontology)
            type_text = {"ok": "ok", "warning": "?", "error": "NO"}[verdict]
            classes = class_list(c.p31) if c.p31 else "no P31"
            desc = f"{c.label} — {c.description}" if c.description else c.label
            print(f"  {n:>2}  {c.qid:<11} {HOW_TEXT[c.how]:<10} {type_text:<5} "
                  f"{c.sitelinks:>9}  {shorten(desc, 70)} ({shorten(classes, 60)})", file=out)
    print("\nNothing was written. To accept a candidate, a person checks it on Wikidata and "
          "adds it to data/wikidata/links.toml with evidence (docs/wikidata.md).", file=out)


def suggest(layout: Layout, endpoint: str = WDQS_ENDPOINT, timeout: float = 60.0,
            limit: int = 5, out: TextIO | None = None,
            client: WikidataClient | None = None) -> int:
    """Print ranked candidates for every unlinked registry entry; returns how many entries."""
    inputs = read_inputs(layout)
    unusable = [p for p in inputs.problems_of(layout.links) if p.severity == "error"]
    if not inputs.registry.readable or unusable:
        raise CTKGError(inputs.problems_of(layout.registry) + unusable)
    targets = suggest_targets(inputs)
    out = out or sys.stdout
    if not targets:
        print("every registry entry is linked or marked as having no Wikidata item", file=out)
        return 0
    client = client or WikidataClient(endpoint, timeout=timeout)
    print_suggestions(targets, find_candidates(client, targets), limit, out, inputs.ontology)
    return len(targets)
