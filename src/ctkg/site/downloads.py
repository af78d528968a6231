"""The release's files as downloads with checksums, how to cite it, and its schema.org card.

Dataset search engines read a schema.org ``Dataset`` in JSON-LD on the landing page; it is
made from the release's own VoID/DCAT description (``data/kg/void.ttl``), so the page and
the RDF never disagree.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctkg.paths import Layout
from ctkg.rdf.namespaces import DCAT_NS, DCTERMS_NS, RDFS_NS, VOID_NS
from ctkg.site.html import e

DOWNLOADS = "downloads"


@dataclass(frozen=True)
class Download:
    """One file of the release: where it goes in the site, its size and SHA-256."""

    name: str  # relative to data/kg/ (or CITATION.cff)
    source: Path
    size: int
    sha256: str


def release_files(layout: Layout) -> list[Download]:
    """Every file of ``data/kg/`` (tables included) and ``CITATION.cff``, sorted."""
    found = sorted((p.relative_to(layout.kg).as_posix(), p) for p in layout.kg.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    cff = layout.root / "CITATION.cff"
    if cff.is_file():
        found.append(("CITATION.cff", cff))
    out = []
    for name, path in found:
        data = path.read_bytes()
        out.append(Download(name, path, len(data), hashlib.sha256(data).hexdigest()))
    return out


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


def downloads_table(files: list[Download]) -> str:
    rows = "".join(f'<tr><td><a href="{e(DOWNLOADS)}/{e(d.name)}">{e(d.name)}</a></td>'
                   f"<td>{e(human_size(d.size))}</td><td><code>{e(d.sha256)}</code></td></tr>"
                   for d in files)
    return ('<table><thead><tr><th scope="col">File</th><th scope="col">Size</th>'
            f'<th scope="col">SHA-256</th></tr></thead><tbody>{rows}</tbody></table>')


def citation(layout: Layout) -> str:
    """"How to cite" from ``CITATION.cff`` (top-level fields and author names), or ""."""
    path = layout.root / "CITATION.cff"
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    fields = {m[1]: m[2].strip().strip("'\"") for m in
              re.finditer(r"^([a-z-]+):[ \t]*(\S.*)$", text, flags=re.M)}
    names = [m.strip().strip("'\"") for m in
             re.findall(r"^\s*-?\s*(?:name|family-names):[ \t]*(.+)$", text, flags=re.M)]
    parts = [e(", ".join(names) or "CTKG contributors")]
    if "date-released" in fields:
        parts.append(e(f"({fields['date-released'][:4]})"))
    parts.append(f"<cite>{e(fields.get('title', 'CTKG'))}</cite>")
    if "version" in fields:
        parts.append(e(f"Version {fields['version']}"))
    if "doi" in fields:
        parts.append(e(f"doi:{fields['doi']}"))
    elif "url" in fields:
        parts.append(f'<a class="ext" href="{e(fields["url"])}">{e(fields["url"])}</a>')
    line = ". ".join(parts)
    return (f"<p>{line}.</p><p>The citation file, for reference managers and GitHub:</p>"
            f"<pre>{e(text)}</pre>")


def _one(store: ox.Store, s: ox.NamedNode, p: str) -> ox.NamedNode | ox.Literal | None:
    for q in store.quads_for_pattern(s, ox.NamedNode(p), None):
        o = q.object
        if isinstance(o, ox.NamedNode | ox.Literal):
            return o
    return None


def dataset_jsonld(layout: Layout) -> str:
    """A schema.org ``Dataset`` from the release's VoID/DCAT, as a ``<script>`` for the head."""
    path = layout.kg / "void.ttl"
    if not path.is_file():
        return ""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    datasets = sorted(q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(DCTERMS_NS + "title"), None)
        if isinstance(q.subject, ox.NamedNode)
        and any(store.quads_for_pattern(q.subject, ox.NamedNode(DCAT_NS + "distribution"),
                                        None)))
    if not datasets:
        return ""
    ds = ox.NamedNode(datasets[0])
    card: dict[str, object] = {"@context": "https://schema.org/", "@type": "Dataset",
                               "@id": ds.value}
    for key, prop in (("name", DCTERMS_NS + "title"), ("description", DCTERMS_NS + "description"),
                      ("license", DCTERMS_NS + "license"), ("version", DCAT_NS + "version"),
                      ("datePublished", DCTERMS_NS + "issued"),
                      ("dateModified", DCTERMS_NS + "modified"),
                      ("sameAs", VOID_NS + "sparqlEndpoint")):
        if (o := _one(store, ds, prop)) is not None:
            card[key] = o.value
    creator = _one(store, ds, DCTERMS_NS + "creator")
    if isinstance(creator, ox.NamedNode):
        name = _one(store, creator, RDFS_NS + "label") or _one(store, creator,
                                                             "http://xmlns.com/foaf/0.1/name")
        card["creator"] = {"@type": "Organization", "name": name.value if name else "CTKG"}
    dists = []
    for q in sorted(store.quads_for_pattern(ds, ox.NamedNode(DCAT_NS + "distribution"), None),
                    key=lambda q: str(q.object)):
        d = q.object
        assert isinstance(d, ox.NamedNode)
        url, media = _one(store, d, DCAT_NS + "downloadURL"), _one(store, d, DCAT_NS + "mediaType")
        if url is not None:
            dists.append({"@type": "DataDownload", "contentUrl": url.value,
                          "encodingFormat": (media.value.split("media-types/")[-1]
                                             if media is not None else "")})
    card["distribution"] = dists
    data = json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True)
    return ('<script type="application/ld+json">\n'
            + data.replace("</", "<\\/") + "\n</script>\n")
