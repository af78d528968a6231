"""The page shell and the small pieces every page is made of; every text is escaped here.

The texts, labels and quotes are data, so nothing reaches the HTML without
:func:`html.escape`; links are relative (the folder works from ``file://`` and any server
path); there is no script and no remote resource.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import pyoxigraph as ox

from ctkg import __version__
from ctkg.rdf.namespaces import CTKG_NS, TIME_NS, XSD_NS
from ctkg.site.paths import INDEX, ONTOLOGY_PAGE, listing_path, page_path, relative

CSS = "style.css"
KIND_TITLES: dict[str, tuple[str, str]] = {
    "person": ("Person", "People"), "org": ("Organization", "Organizations"),
    "place": ("Place", "Places"), "post": ("Post", "Posts"), "event": ("Event", "Events"),
    "threat": ("Threat", "Threats"), "goal": ("Policy goal", "Policy goals"),
    "technology": ("Technology", "Technologies"), "pillar": ("Pillar", "Pillars"),
    "instrument": ("Policy instrument", "Policy instruments"),
    "document": ("Source document", "Documents"), "statement": ("Statement", "Statements"),
}
_GRANULARITY = {"unitDay": "day", "unitWeek": "week", "unitMonth": "month", "unitYear": "year",
                "unitSeason": "season"}


def e(text: object) -> str:
    """Escape text for an element or a double-quoted attribute."""
    return _escape(text) if isinstance(text, str) else escape(str(text), quote=True)


@lru_cache(maxsize=1 << 16)
def _escape(text: str) -> str:
    """Labels, paths and ids recur on many pages: each escaped once."""
    return escape(text, quote=True)


def page(path: str, title: str, body: str, head_extra: str = "") -> str:
    """A complete page: ``lang``, ``<title>``, one stylesheet, the same navigation."""
    def up(target: str) -> str:
        return e(relative(path, target))
    nav = " · ".join(
        [f'<a href="{up(INDEX)}">CTKG</a>']
        + [f'<a href="{up(listing_path(k))}">{e(KIND_TITLES[k][1])}</a>'
           for k in ("person", "org", "event", "threat", "goal", "document")]
        + [f'<a href="{up("timeline.html")}">Timeline</a>',
           f'<a href="{up("network.html")}">Network</a>',
           f'<a href="{up(ONTOLOGY_PAGE)}">Ontology</a>'])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} · CTKG</title>\n"
        f'<link rel="stylesheet" href="{up(CSS)}">\n{head_extra}</head>\n<body>\n'
        f'<header><nav aria-label="site">{nav}</nav></header>\n<main>\n{body}\n</main>\n'
        f"<footer><p>CTKG {e(__version__)} · data and ontology CC BY 4.0 · every fact "
        "links to the span of text that supports it</p></footer>\n</body>\n</html>\n")


def link(from_page: str, iri: str, label: str) -> str:
    """A link to the page of ``iri``, or its label alone (an external IRI as a plain link)."""
    target = page_path(iri)
    if target is not None:
        anchor = "#" + iri[len(CTKG_NS):] if iri.startswith(CTKG_NS) else ""
        return f'<a href="{e(relative(from_page, target) + anchor)}">{e(label)}</a>'
    if iri.startswith(("http://www.wikidata.org/entity/", "https://")):
        return f'<a class="ext" href="{e(iri)}">{e(label)}</a>'
    return e(label)


_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def month_name(month: int) -> str:
    return _MONTHS[month]


def show_time(value: str, datatype: str) -> str:
    """A time value as precise as the source gave it: a month stays a month."""
    parts = value.split("-")
    try:
        if datatype == XSD_NS + "date" and len(parts) == 3:
            return f"{int(parts[2])} {month_name(int(parts[1]))} {parts[0]}"
        if datatype == XSD_NS + "gYearMonth" and len(parts) == 2:
            return f"{month_name(int(parts[1]))} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value


def show_literal(lit: ox.Literal) -> str:
    """A literal for people (dates by their precision, booleans as yes/no), escaped."""
    dt = lit.datatype.value
    if dt in (XSD_NS + "date", XSD_NS + "gYearMonth", XSD_NS + "gYear"):
        return f'<time datetime="{e(lit.value)}">{e(show_time(lit.value, dt))}</time>'
    if dt == XSD_NS + "boolean":
        return "yes" if lit.value == "true" else "no"
    return e(lit.value)


def granularity(iri: str) -> str:
    return _GRANULARITY.get(iri.removeprefix(TIME_NS).removeprefix(CTKG_NS), "")


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, (kind, kind))[0]


STYLE = """\
:root { --ink: #1d2330; --muted: #5a6272; --line: #d6dae2; --accent: #1f5fa8;
  --planned: #b35c00; --occurred: #1f7a3a; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); margin: 0; background: #fbfbfd; }
header { background: #17263f; padding: .6rem 1rem; }
header a { color: #fff; margin-right: .2rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
footer { color: var(--muted); font-size: .85rem; padding: 1rem; text-align: center; }
a { color: var(--accent); }
a.ext::after { content: " \\2197"; font-size: .8em; }
h1 { font-size: 1.7rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem;
  margin-top: 2rem; }
.kind { color: var(--muted); font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid var(--line); }
th { background: #eef1f6; font-weight: 600; }
.quote { background: #fff; border-left: 3px solid var(--line); padding: .2rem .5rem;
  margin: .2rem 0; font-size: .95rem; }
.quote mark, .doctext mark { background: #fff1a8; padding: 0; }
.doctext mark mark { background: #ffd36b; }
.doctext mark mark mark { background: #ffb14a; }
.doctext { white-space: pre-wrap; background: #fff; border: 1px solid var(--line);
  padding: 1rem; line-height: 1.8; font-size: 1rem; }
a.ent { text-decoration: none; font-size: .7em; vertical-align: super; }
a.ent::after { content: "\\25B8"; }
.inferred { color: var(--planned); font-weight: 600; }
.planned { color: var(--planned); font-weight: 600; }
.occurred { color: var(--occurred); font-weight: 600; }
.meta { color: var(--muted); font-size: .9rem; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9rem; }
ul.cols { columns: 2 18rem; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: #f2f4f8; padding: .6rem; overflow-x: auto; }
.count { color: var(--muted); }
"""
