"""The shared graphs' pieces (ontology, registry, catalogue, Wikidata), cached per subject.

Why: the catalogue graph holds every text's length, so an edit to one text changes it, and
its piece was rendered whole again (2.2 s at 10,000 documents); and each graph's cache key
was made of its serialized quads (an argument per line: 10,000s of them).

A graph's piece is the concatenation of its subjects' blocks, once its prefixes are fixed:
TriG writes each subject's triples as one run of lines (Turtle the same lines, one tab
less), in the natural order of the subjects; JSON-LD one node object per subject; N-Quads
the graph's lines byte-sorted, where a subject's lines are together (each starts with its
subject). So each subject's TriG lines, JSON-LD node and signatures are cached, in one entry
per graph (``shared-blocks``, named by the code, the context and the graph), under the
SHA-256 of the subject's N-Quads lines; an edit renders the changed subjects' blocks only,
and a change of the graph's prefixes renders every block again. The figures are kept with
the SHA-256 of the graph's N-Quads. A graph with a blank node (whose triples a serializer
may nest under another subject) is cached whole under that SHA-256 (``shared-piece``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ctkg.kg import parallel
from ctkg.kg.dumps import readable_order
from ctkg.kg.graphstats import GraphStats, graph_stats
from ctkg.kg.jsonld import Compactor, graph_of_nodes, node_objects
from ctkg.kg.pieces import Piece, Signature, iris_of, relevant, resolve, strip_header
from ctkg.kg.render import namespaces, render_pieces
from ctkg.rdf.terms import natural_key

KIND = "shared-blocks"
# a subject's block: the SHA-256 of its N-Quads lines, its TriG lines, its JSON-LD node
# object and the signatures of its IRIs
Block = tuple[str, bytes, str, frozenset[Signature]]


@dataclass
class Blocks:
    """A graph's blocks as cached, with what they were rendered under."""

    used: dict[str, str]  # the prefixes the blocks were rendered with
    head: bytes  # the TriG block's first line (``<graph> {``)
    blocks: dict[str, Block]  # subject IRI -> its block
    order: list[str]  # the subjects in natural order
    whole: str  # the SHA-256 of the graph's N-Quads, which ``stats`` were counted from
    stats: GraphStats


def shared_pieces(shared: list[ox.Quad], ctx: Mapping[str, object], cache: parallel.Cache
                  ) -> list[Piece]:
    """The shared graphs' pieces: rendered whole without a cache, else from the cache
    (the blocks of unchanged subjects, or the whole piece of a graph with blank nodes)."""
    if not cache.folder:
        return render_pieces(shared, ctx)
    graphs: dict[str, list[ox.Quad]] = {}
    for q in shared:
        graphs.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
    code, ctx_repr = parallel.code_version(), repr(ctx)
    out: list[Piece] = []
    for graph, quads in sorted(graphs.items()):
        lines = sorted(set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
                           .splitlines(keepends=True)))
        nq = b"".join(lines)
        piece = None if b"_:" in nq else _blocked(
            graph, quads, lines, nq, ctx, cache, parallel.digest(KIND, code, ctx_repr, graph))
        if piece is not None:
            out.append(piece)
            continue
        key = parallel.digest(code, ctx_repr, graph, hashlib.sha256(nq).hexdigest())
        hit = cache.get("shared-piece", key)
        if not isinstance(hit, list):
            hit = render_pieces(quads, ctx)
            cache.put("shared-piece", key, hit)
        out += hit
    return out


def _subjects(lines: Sequence[bytes]) -> dict[str, list[bytes]]:
    """Subject IRI -> its N-Quads lines (the lines sorted: a subject's are together)."""
    out: dict[str, list[bytes]] = {}
    last, run = b"", list[bytes]()
    for line in lines:
        subject = line[:line.index(b"> ") + 1]
        if subject != last:
            last, run = subject, []
            out[subject[1:-1].decode()] = run
        run.append(line)
    return out


def _blocked(graph: str, quads: list[ox.Quad], lines: Sequence[bytes], nq: bytes,
             ctx: Mapping[str, object], cache: parallel.Cache, name: str) -> Piece | None:
    """The graph's piece from its subjects' blocks, those missing rendered and the entry
    kept; None if the graph's TriG is not a run of lines per subject."""
    ns = namespaces()
    subjects = _subjects(lines)
    keys = {s: hashlib.sha256(b"".join(ls)).hexdigest() for s, ls in subjects.items()}
    stored = cache.get(KIND, name)
    old = stored if isinstance(stored, Blocks) else None
    blocks = {s: b for s, b in (old.blocks if old else {}).items() if keys.get(s) == b[0]}
    missing = [s for s in keys if s not in blocks]
    fresh_quads = list(ox.parse(b"".join(line for s in missing for line in subjects[s]),
                                format=ox.RdfFormat.N_QUADS)) if missing else []
    fresh_sigs = ns.signatures(iris_of(fresh_quads))
    sigs = frozenset(fresh_sigs.union(*(b[3] for b in blocks.values())))
    used = resolve(sigs, ns.prefixes)
    if old is None or used != old.used:  # rendered under other prefixes: all again
        blocks, missing = {}, list(keys)
        fresh_quads = quads
    head = old.head if old is not None and blocks else b""
    if missing:
        made = _render(graph, fresh_quads, ctx, used, keys)
        if made is None:
            return None
        head, new = made
        blocks.update(new)
    if len(blocks) != len(keys):
        return None
    order = old.order if old is not None and len(old.order) == len(keys) \
        and set(old.order) == keys.keys() else sorted(keys, key=natural_key)
    whole = hashlib.sha256(nq).hexdigest()
    stats = old.stats if old is not None and old.whole == whole else graph_stats(quads, graph)
    if missing or old is None or order is not old.order or stats is not old.stats:
        canon: dict[frozenset[Signature], frozenset[Signature]] = {}
        kept = {s: (b[0], b[1], b[2], canon.setdefault(b[3], b[3])) for s, b in blocks.items()}
        cache.put(KIND, name, Blocks(used, head, kept, order, whole, stats))
    body = b"".join(blocks[s][1] for s in order)
    trig = head + body + b"}\n"
    ttl = body[1:].replace(b"\n\t", b"\n")
    jsonld = graph_of_nodes(Compactor(ctx), graph, (blocks[s][2] for s in order)).encode()
    return Piece(graph, trig, ttl, nq, jsonld, sigs, relevant(sigs, used), stats)


def _render(graph: str, quads: list[ox.Quad], ctx: Mapping[str, object],
            used: Mapping[str, str], keys: Mapping[str, str]
            ) -> tuple[bytes, dict[str, Block]] | None:
    """The TriG head and the blocks of the subjects of ``quads``, rendered under ``used``;
    None if the TriG is not a head, one run of tab-indented lines per subject, and ``}``."""
    ns = namespaces()
    ordered = readable_order(quads, ns.prefixes)
    trig = strip_header(ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=dict(used))
                        or b"")
    first = trig.find(b"\n") + 1
    head, body = trig[:first], trig[first:]
    if not head.endswith(b" {\n") or not body.endswith(b"\n}\n"):
        return None
    runs: list[list[bytes]] = []
    for line in body[:-2].splitlines(keepends=True):
        if not line.startswith(b"\t"):
            return None
        if line[1:2] != b"\t":
            runs.append([])
        elif not runs:
            return None
        runs[-1].append(line)
    names: list[str] = []
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in ordered:
        s = q.subject.value  # type: ignore[union-attr]
        if s not in by_subject:
            names.append(s)
            by_subject[s] = []
        by_subject[s].append(q)
    nodes = node_objects(Compactor(ctx), ordered)
    if not len(runs) == len(names) == len(nodes) or not all(s in keys for s in names):
        return None
    return head, {s: (keys[s], b"".join(run), node, ns.signatures(iris_of(by_subject[s])))
                  for s, run, node in zip(names, runs, nodes, strict=True)}
