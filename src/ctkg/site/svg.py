"""Pictures drawn at build time as SVG text: no script, no font or file from the network.

The small neighbourhood picture puts the thing in the middle and its neighbours in two
columns, one row each, so labels never overlap however long they are (they are cut, with
the full label in the tooltip). The actor - policy goal - threat network is a three-column
layered (Sugiyama-style) layout ordered by barycentre to cut crossings: one row per node, so
no label overlaps another at any size, which a force-directed layout cannot promise.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyoxigraph as ox

from ctkg.rdf.namespaces import CTKG_NS
from ctkg.site.data import Fact, Graph, kind_of
from ctkg.site.html import e, kind_title
from ctkg.site.paths import page_path, relative

COLOURS = {"person": "#1f5fa8", "org": "#6a3d9a", "place": "#33a02c", "post": "#8c6d31",
           "event": "#e07b00", "threat": "#c0392b", "goal": "#16828a", "technology": "#555",
           "pillar": "#16828a", "instrument": "#8c6d31", "statement": "#777",
           "document": "#444"}
MAX_NEIGHBOURS = 12
_CHAR = 6.6  # average advance of a 11.5px sans-serif character, for cutting labels


def cut(text: str, width: float) -> str:
    """A label cut to fit ``width`` pixels, with an ellipsis when cut."""
    n = max(4, int(width / _CHAR))
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            'font-family="system-ui, sans-serif" font-size="11.5">'
            f"<title>{e(title)}</title>{body}</svg>")


def _node(path: str, iri: str, label: str, x: float, y: float, anchor: str,
          width: float, sub: str = "") -> str:
    kind = kind_of(iri) or ""
    colour = COLOURS.get(kind, "#555")
    dx = {"start": 9, "end": -9, "middle": 0}[anchor]
    halo = 'stroke="#fff" stroke-width="3" paint-order="stroke"'
    text = (f'<text {halo} x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">'
            f"{e(cut(label, width))}</text>")
    if sub:
        text += (f'<text x="{x + dx:.1f}" y="{y + 16:.1f}" text-anchor="{anchor}" '
                 f'fill="#5a6272" font-size="10">{e(cut(sub, width))}</text>')
    shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>'
    inner = f"<title>{e(label)} ({e(kind_title(kind))})</title>{shape}{text}"
    target = page_path(iri)
    if target is None:
        return f"<g>{inner}</g>"
    return f'<a href="{e(relative(path, target))}">{inner}</a>'


def neighbourhood(g: Graph, path: str, iri: str, facts: list[Fact]) -> str:
    """The thing and up to a dozen things its facts link it to, with the relation."""
    counts: Counter[str] = Counter()
    relation: dict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        other = f.obj.value if f.subject == iri else f.subject
        if not isinstance(f.obj, ox.NamedNode) or other == iri or kind_of(other) is None:
            continue
        counts[other] += 1
        arrow = "→ " if f.subject == iri else "← "
        relation[other][arrow + g.label(f.predicate)] += 1
    if not counts:
        return ""
    chosen = sorted(counts, key=lambda o: (-counts[o], g.label(o).casefold(), o))
    chosen = chosen[:MAX_NEIGHBOURS]
    half = (len(chosen) + 1) // 2
    columns = [chosen[:half], chosen[half:]]
    row, width = 38, 760
    height = max(90, row * max(len(c) for c in columns) + 24)
    cx, cy, lx, rx = width / 2, height / 2, 250.0, 510.0
    parts: list[str] = []
    for side, col in zip((lx, rx), columns, strict=True):
        top = (height - row * len(col)) / 2 + row / 2
        for i, other in enumerate(col):
            y = top + i * row
            parts.insert(0, f'<line x1="{cx}" y1="{cy}" x2="{side}" y2="{y:.1f}" '
                            'stroke="#b8bfcc" stroke-width="1.2"/>')
            rel = sorted(relation[other].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            parts.append(_node(path, other, g.label(other), side, y,
                               "end" if side == lx else "start", 232, rel))
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="10" fill="{COLOURS.get(kind_of(iri) or "")}"'
                 f' stroke="#17263f" stroke-width="2"/>'
                 f'<text x="{cx}" y="{cy - 16}" text-anchor="middle" font-weight="bold">'
                 f"{e(cut(g.label(iri), 230))}</text>")
    more = len(counts) - len(chosen)
    title = f"Neighbourhood of {g.label(iri)}: {len(chosen)} linked things" + (
        f" (and {more} more in the facts below)" if more else "")
    return _svg(width, int(height), title, "".join(parts))


_NETWORK = {CTKG_NS + "advocates": ("actor", "goal"), CTKG_NS + "warnsOf": ("actor", "threat"),
            CTKG_NS + "addresses": ("goal", "threat")}
MAX_ACTORS = 30


def network(g: Graph, path: str) -> str:
    """Actors (left), the policy goals they advocate (middle), the threats (right)."""
    weight: Counter[tuple[str, str]] = Counter()
    for f in g.facts:
        if (f.predicate in _NETWORK and isinstance(f.obj, ox.NamedNode)
                and page_path(f.subject) and page_path(f.obj.value)):
            weight[(f.subject, f.obj.value)] += 1
    layer_of = {"goal": 1, "threat": 2}
    degree: Counter[str] = Counter()
    for (s, o), w in weight.items():
        degree[s] += w
        degree[o] += w
    actors = sorted((n for n in degree if layer_of.get(kind_of(n) or "", 0) == 0),
                    key=lambda n: (-degree[n], n))
    keep = set(actors[:MAX_ACTORS]) | {n for n in degree if layer_of.get(kind_of(n) or "", 0)}
    edges = {k: w for k, w in weight.items() if k[0] in keep and k[1] in keep}
    nodes = {n for k in edges for n in k}
    if not nodes:
        return ""
    layers: dict[int, list[str]] = defaultdict(list)
    for n in sorted(nodes):
        layers[layer_of.get(kind_of(n) or "", 0)].append(n)
    _barycentre_order(layers, edges)
    return _draw_network(g, path, layers, edges)


def _barycentre_order(layers: dict[int, list[str]], edges: dict[tuple[str, str], int]) -> None:
    """Order each layer by the mean rank of its neighbours (a few sweeps), in place."""
    nb: dict[str, list[str]] = defaultdict(list)
    for s, o in sorted(edges):
        nb[s].append(o)
        nb[o].append(s)
    rank = {n: i for lay in layers.values() for i, n in enumerate(lay)}
    for sweep in (1, 2, 0, 1, 2):
        def key(n: str) -> tuple[float, str]:
            r = [rank[m] for m in nb[n]]
            return (sum(r) / len(r) if r else 0.0, n)
        layers[sweep].sort(key=key)
        rank.update({n: i for i, n in enumerate(layers[sweep])})


def _draw_network(g: Graph, path: str, layers: dict[int, list[str]],
                  edges: dict[tuple[str, str], int]) -> str:
    row = 30
    height = row * max(len(v) for v in layers.values()) + 60
    xs, width = {0: 250.0, 1: 560.0, 2: 870.0}, 1120
    ys: dict[str, float] = {}
    where: dict[str, int] = {}
    for layer, members in layers.items():  # one row each: labels never overlap
        top = (height - 30 - row * len(members)) / 2 + 30 + row / 2
        for i, n in enumerate(members):
            ys[n], where[n] = top + i * row, layer
    lines = []
    for (s, o), w in sorted(edges.items()):
        lines.append(f'<line x1="{xs[where[s]]}" y1="{ys[s]:.1f}" x2="{xs[where[o]]}" '
                     f'y2="{ys[o]:.1f}" stroke="#9aa5b8" stroke-opacity="0.7" '
                     f'stroke-width="{min(4.0, 0.8 + 0.6 * w):.1f}"/>')
    heads = "".join(f'<text x="{x}" y="18" text-anchor="middle" font-weight="bold">{t}</text>'
                    for x, t in zip(xs.values(), ("Actors", "Policy goals", "Threats"),
                                    strict=True))
    anchors, widths = {0: "end", 1: "start", 2: "start"}, {0: 230.0, 1: 180.0, 2: 230.0}
    nodes = [_node(path, n, g.label(n), xs[layer], ys[n], anchors[layer], widths[layer])
             for layer in sorted(layers) for n in layers[layer]]
    counts = {k: len(v) for k, v in layers.items()}
    title = (f"Network of {counts.get(0, 0)} actors, {counts.get(1, 0)} policy goals and "
             f"{counts.get(2, 0)} threats: who advocates which goal, who warns of which "
             "threat, which goal addresses which threat")
    return _svg(width, height, title, "".join(lines) + heads + "".join(nodes))
