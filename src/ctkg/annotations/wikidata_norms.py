"""Keep the ``Wikidata:Q…`` normalizations of the annotations in step with the curated links.

Wikidata links are curated in one place, ``data/wikidata/links.toml``, with their evidence.
brat users still want to see them on every mention, so each mention normalized to a linked
registry slug (``N… Reference T… CTKG:<slug>``) carries a second normalization
``N… Reference T… Wikidata:Q…``. This module writes those lines (``ctkg wikidata-norms``)
or reports where they are missing, stale or unsupported (``--check``), so that the two can
never silently disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from ctkg.annotations.brat import collection_documents
from ctkg.atomic import write_text_atomic
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.links import Links, read_links
from ctkg.paths import Layout

_N_RE = re.compile(r"^(N\d+)\tReference (\S+) (CTKG|Wikidata):(\S+)(?:\t.*)?$")


def qids_by_slug(links: Links) -> dict[str, tuple[str, str]]:
    """slug -> (QID, label) for every linked *entity* of links.toml.

    Concepts are left out on purpose: a threat or goal concept is matched to Wikidata by
    ``skos:closeMatch``/``exactMatch``, not identity, and a brat normalization reads as "this
    mention denotes that item".
    """
    return {slug: (link.qid, link.wikidata_label or slug)
            for slug, link in links.entities.items() if link.qid}


def sync_text(ann_text: str, qids: dict[str, tuple[str, str]]) -> str:
    """The .ann text with exactly one Wikidata line after each linked CTKG line.

    Existing Wikidata lines are reused (their ids stay) when they still match; new ones take
    fresh N ids above the file's highest; stale ones are dropped. Every other line is kept
    byte for byte and in place.
    """
    lines = ann_text.split("\n")
    trailing_newline = ann_text.endswith("\n")
    if trailing_newline:
        lines = lines[:-1]
    existing: dict[str, str] = {}  # target -> N id of its Wikidata line
    max_n = 0
    for line in lines:
        m = _N_RE.match(line)
        if m:
            max_n = max(max_n, int(m.group(1)[1:]))
            if m.group(3) == "Wikidata":
                existing.setdefault(m.group(2), m.group(1))
        elif line.startswith("N") and "\t" in line and line.split("\t", 1)[0][1:].isdigit():
            max_n = max(max_n, int(line.split("\t", 1)[0][1:]))
    out: list[str] = []
    for line in lines:
        m = _N_RE.match(line)
        if m and m.group(3) == "Wikidata":
            continue  # rewritten next to its CTKG line below
        out.append(line)
        if m and m.group(3) == "CTKG" and m.group(4) in qids:
            target = m.group(2)
            qid, label = qids[m.group(4)]
            nid = existing.get(target)
            if nid is None:
                max_n += 1
                nid = f"N{max_n}"
            out.append(f"{nid}\tReference {target} Wikidata:{qid}\t{label}")
    return "\n".join(out) + ("\n" if trailing_newline else "")


def sync_collection(layout: Layout, *, check: bool = False) -> list[Path]:
    """Rewrite every ``.ann`` whose Wikidata lines differ from links.toml and return them;
    with ``check``, write nothing and raise CTKGError naming each stale file."""
    links, problems = read_links(layout.links)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CTKGError(errors)
    qids = qids_by_slug(links)
    stale: list[Problem] = []
    changed: list[Path] = []
    for txt in collection_documents(layout.corpus):
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            continue
        current = ann.read_text(encoding="utf-8")
        wanted = sync_text(current, qids)
        if current == wanted:
            continue
        if check:
            stale.append(Problem(display_path(ann), None,
                                 "Wikidata normalizations differ from data/wikidata/links.toml: "
                                 "run ctkg wikidata-norms"))
        else:
            write_text_atomic(ann, wanted)
            changed.append(ann)
    if stale:
        raise CTKGError(stale)
    return changed
