"""``ctkg link --refresh``: fetch what Wikidata says about every linked QID into the cache.

Everything is fetched and validated before anything is written, and ``cache.ttl`` and
``cache-meta.json`` are then replaced together, so a failed refresh leaves the old cache
intact. The cache is deterministic Turtle, so a refresh that changes nothing changes no byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from ctkg.atomic import write_files_atomically
from ctkg.errors import CTKGError, Problem
from ctkg.inputs.links import Links, linked_qids, qid_number, read_links
from ctkg.inputs.wikidata_cache import (
    CACHE_PREFIXES,
    cache_meta_path,
    sparql_prefixes,
)
from ctkg.paths import Layout
from ctkg.rdf.namespaces import OWL_NS, RDFS_NS, SKOS_NS, WD_NS, WD_SCHEMA_NS, WDT_NS, WIKIBASE_NS
from ctkg.wikidata.client import WDQS_ENDPOINT, WikidataClient

#: Truthy properties kept in the cache: what the checks and the enrich queries need.
FACT_PROPERTIES: dict[str, str] = {
    "P31": "instance of",
    "P279": "subclass of",  # lets concept links be recognised as classes
    "P17": "country",
    "P39": "position held",
    "P159": "headquarters location",
    "P131": "located in the administrative territorial entity",
    "P150": "contains the administrative territorial entity",  # inverse of P131 (issue 16)
    "P27": "country of citizenship",
    "P571": "inception",
    "P856": "official website",
    "P463": "member of",
}
LABEL_PREDICATES = (f"{RDFS_NS}label", f"{WD_SCHEMA_NS}description", f"{SKOS_NS}altLabel")

CACHE_HEADER = (b"# Offline cache of Wikidata facts for the QIDs linked in links.toml.\n"
                b"# Written by `ctkg link --refresh`; do not edit by hand. See docs/wikidata.md.\n")
QUERY_BATCH = 100  # QIDs per refresh query


def serialize_cache(triples: Iterable[ox.Triple]) -> bytes:
    """Deterministic Turtle: triples sorted by their N-Triples form, fixed prefixes."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate),
                                                   str(t.object)))
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=CACHE_PREFIXES) or b""
    # The serializer's own @prefix order is not part of its contract: write ours, sorted.
    lines = body.split(b"\n")
    while lines and lines[0].startswith(b"@prefix "):
        lines.pop(0)
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(CACHE_PREFIXES.items()))
    return CACHE_HEADER + prefixes.encode("utf-8") + b"\n" + b"\n".join(lines)


def fetch_query(qids: Sequence[str]) -> str:
    """One batched SELECT for labels, description, aliases, key facts, sitelinks, redirects."""
    values = " ".join(f"wd:{q}" for q in qids)
    props = " ".join(f"wdt:{p}" for p in FACT_PROPERTIES)
    prefixes = sparql_prefixes("wd", "wdt", "rdfs", "skos", "schema", "wikibase", "owl")
    return prefixes + f"""SELECT ?item ?p ?o WHERE {{
  VALUES ?item {{ {values} }}
  {{
    VALUES ?p {{ rdfs:label schema:description skos:altLabel }}
    ?item ?p ?o .
    FILTER(LANG(?o) = "en")
  }} UNION {{
    VALUES ?p {{ {props} }}
    ?item ?p ?o .
  }} UNION {{
    ?item wikibase:sitelinks ?o .
    BIND(wikibase:sitelinks AS ?p)
  }} UNION {{
    ?item owl:sameAs ?o .
    BIND(owl:sameAs AS ?p)
  }}
}}"""


class MalformedAnswer(ValueError):
    """The endpoint's JSON does not have the shape our query asks for."""


def _term_from_json(term: dict[str, str]) -> ox.NamedNode | ox.Literal | None:
    kind = term.get("type")
    value = term.get("value")
    if not isinstance(value, str):
        raise MalformedAnswer("a value that is not a string")
    if kind == "uri":
        if "/.well-known/genid/" in value:
            return None  # Wikidata's "unknown value": no information, and unstable
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise MalformedAnswer(f"bad IRI {value!r}") from exc
    if kind in ("literal", "typed-literal"):
        lang = term.get("xml:lang")
        dt = term.get("datatype")
        try:
            if lang:
                return ox.Literal(value, language=lang)
            if dt:
                return ox.Literal(value, datatype=ox.NamedNode(dt))
            return ox.Literal(value)
        except ValueError as exc:
            raise MalformedAnswer(f"bad literal {value!r}") from exc
    if kind == "bnode":
        return None
    raise MalformedAnswer(f"unknown term type {kind!r}")


def triples_from_bindings(bindings: list[dict[str, dict[str, str]]], qids: Iterable[str]
                          ) -> set[ox.Triple]:
    """Validate the answer to :func:`fetch_query` and turn it into cache triples."""
    wanted = {f"{WD_NS}{q}" for q in qids}
    label_preds = set(LABEL_PREDICATES)
    fact_preds = {f"{WDT_NS}{p}" for p in FACT_PROPERTIES}
    out: set[ox.Triple] = set()
    for b in bindings:
        if not all(k in b for k in ("item", "p", "o")):
            raise MalformedAnswer("a row without ?item ?p ?o")
        item, pred = b["item"], b["p"]
        if item.get("type") != "uri" or item.get("value") not in wanted:
            raise MalformedAnswer(f"an item we did not ask for: {item.get('value')!r}")
        if pred.get("type") != "uri":
            raise MalformedAnswer("a predicate that is not an IRI")
        p = pred["value"]
        obj = _term_from_json(b["o"])
        if obj is None:
            continue
        if p in label_preds:
            if not isinstance(obj, ox.Literal) or obj.language != "en":
                raise MalformedAnswer(f"{p} without an English literal")
        elif p == f"{WIKIBASE_NS}sitelinks":
            if not isinstance(obj, ox.Literal):
                raise MalformedAnswer("wikibase:sitelinks is not a literal")
        elif p == f"{OWL_NS}sameAs":
            if not isinstance(obj, ox.NamedNode) or not obj.value.startswith(WD_NS):
                raise MalformedAnswer("owl:sameAs to something that is not a Wikidata item")
        elif p not in fact_preds:
            raise MalformedAnswer(f"a property we did not ask for: {p}")
        out.add(ox.Triple(ox.NamedNode(item["value"]), ox.NamedNode(p), obj))
    return out


@dataclass
class RefreshResult:
    qids: list[str]
    triples: int
    missing: list[str]
    redirects: dict[str, str]


def refresh(layout: Layout, endpoint: str = WDQS_ENDPOINT, timeout: float = 60.0,
            client: WikidataClient | None = None) -> RefreshResult:
    """Fetch every QID linked in links.toml and replace cache.ttl + cache-meta.json; on any
    failure the old files stay as they were (nothing is written before everything is
    fetched). A links.toml with errors is a CTKGError."""
    links, problems = read_links(layout.links)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CTKGError(errors)
    return refresh_links(layout, links, client or WikidataClient(endpoint, timeout=timeout))


def fetch_triples(client: WikidataClient, qids: Sequence[str]) -> set[ox.Triple]:
    """What Wikidata says about some QIDs, as cache triples (batched queries)."""
    triples: set[ox.Triple] = set()
    for start in range(0, len(qids), QUERY_BATCH):
        chunk = qids[start:start + QUERY_BATCH]
        bindings = client.select(fetch_query(chunk))
        try:
            triples |= triples_from_bindings(bindings, chunk)
        except MalformedAnswer as exc:
            raise CTKGError([Problem(client.endpoint, None, f"malformed answer: {exc}")]
                            ) from None
    return triples


def refresh_links(layout: Layout, links: Links, client: WikidataClient) -> RefreshResult:
    """Fetch every QID of ``links`` and replace the cache files together."""
    qids = linked_qids(links)
    triples = fetch_triples(client, qids)
    subjects = {str(t.subject)[1:-1] for t in triples}
    missing = [q for q in qids if f"{WD_NS}{q}" not in subjects]
    redirects = {str(t.subject)[1:-1].rsplit("/", 1)[1]: str(t.object)[1:-1].rsplit("/", 1)[1]
                 for t in triples if t.predicate.value == f"{OWL_NS}sameAs"}
    content = serialize_cache(triples)
    meta = {
        "endpoint": client.endpoint,
        "retrieved": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "qids": qids,
        "missing": missing,
        "redirects": dict(sorted(redirects.items(), key=lambda kv: qid_number(kv[0]))),
        "triples": len(triples),
        "cache_sha256": hashlib.sha256(content).hexdigest(),
        "user_agent": client.agent,
    }
    meta_bytes = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_files_atomically({layout.wikidata_cache: content, cache_meta_path(layout): meta_bytes})
    return RefreshResult(qids, len(triples), missing, redirects)
