"""What ``ctkg serve`` answers besides SPARQL: the static site, the graph's own IRIs with
content negotiation, and the query page (:mod:`ctkg.store.querypage`).

Why here, in the guard's process: one port for people and programs, as Pubby and LodView
do it. ``GET /id/<kind>/<slug>`` gives a browser the site's page of that thing and an RDF
client Turtle, N-Triples or JSON-LD by its ``Accept`` header (q-values honoured, 406 when
nothing offered is acceptable), always with ``Vary: Accept``. The RDF is what the graph says
about the resource, as subject and as object, with the assertion and mention nodes (and
their selectors) that trace each fact to its document, over the union of the named graphs,
written with CTKG's prefixes. It is read from the build held in memory by index lookups:
the same CONSTRUCT asked of Oxigraph's on-disk store took about 400 ms for a person here,
the lookups take a few milliseconds.
"""

from __future__ import annotations

import http.server
import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctkg.kg.dumps import DUMP_PREFIXES, clean_prefixes
from ctkg.rdf.namespaces import CTKG_NS, GAF_NS, ID_NS, OA_NS, RDF_NS
from ctkg.site.html import e, page
from ctkg.site.paths import INDEX, page_path, relative
from ctkg.store.querypage import QueryPage, compact

HTML = "text/html"
#: what /id/ offers, in the server's order of preference among equal q-values
OFFERS: dict[str, ox.RdfFormat | None] = {
    HTML: None, "application/xhtml+xml": None, "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml", ".ttl": "text/turtle; charset=utf-8",
          ".trig": "application/trig; charset=utf-8", ".nq": "application/n-quads",
          ".jsonld": "application/ld+json", ".json": "application/json",
          ".csv": "text/csv; charset=utf-8", ".md": "text/markdown; charset=utf-8",
          ".cff": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
          ".png": "image/png", ".ico": "image/x-icon"}
SPARQL_PATHS = ("/query", "/update", "/store")

RDF_SUBJECT = ox.NamedNode(RDF_NS + "subject")
RDF_OBJECT = ox.NamedNode(RDF_NS + "object")
SUPPORTED_BY = ox.NamedNode(CTKG_NS + "supportedBy")
DENOTED_BY = ox.NamedNode(GAF_NS + "denotedBy")
HAS_SELECTOR = ox.NamedNode(OA_NS + "hasSelector")


def describe(store: ox.Store, iri: str) -> list[ox.Triple]:
    """What the graph (every named graph) says about ``iri``: its triples as subject and
    as object, the assertions about it (``rdf:subject``/``rdf:object``) with their
    properties, and the mentions behind them and behind the resource (``ctkg:supportedBy``,
    ``gaf:denotedBy``) with their selectors (document, offsets, quote). Index lookups, not
    a query: a few milliseconds for a person with a hundred facts."""
    try:
        r = ox.NamedNode(iri)
    except ValueError:
        return []
    out = list(store.quads_for_pattern(r, None, None, None))
    out += store.quads_for_pattern(None, None, r, None)
    assertions = {q.subject for p in (RDF_SUBJECT, RDF_OBJECT)
                  for q in store.quads_for_pattern(None, p, r, None)}
    mentions = {q.object for q in out if q.predicate == DENOTED_BY and q.subject == r}
    for a in assertions:
        found = list(store.quads_for_pattern(a, None, None, None))
        out += found
        mentions |= {q.object for q in found if q.predicate == SUPPORTED_BY}
    for m in mentions:
        found = list(store.quads_for_pattern(m, None, None, None))  # type: ignore[arg-type]
        out += found
        for q in found:
            if q.predicate == HAS_SELECTOR:
                out += store.quads_for_pattern(q.object, None, None, None)  # type: ignore[arg-type]
    return sorted({q.triple for q in out}, key=str)


def negotiate(accept: str | None) -> str | None:
    """The offered media type the ``Accept`` header prefers (q-values, wildcards; ties by
    the server's order), or None when none is acceptable. No header: HTML."""
    if not accept or not accept.strip():
        return HTML
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            name, _eq, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if fields[0]:
            ranges.append((fields[0].lower(), q))

    def quality(offer: str) -> float:
        best, specificity = 0.0, -1
        for media, q in ranges:
            kind, _slash, sub = media.partition("/")
            level = 2 if media == offer else 1 if sub == "*" and offer.startswith(
                kind + "/") else 0 if media == "*/*" else -1
            if level > specificity:
                best, specificity = q, level
        return best if specificity >= 0 else 0.0

    scored = [(quality(o), -i, o) for i, o in enumerate(OFFERS)]
    q, _order, offer = max(scored)
    return offer if q > 0 else None


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]


def text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode(), {})


class Website:
    """The site folder, the /id/ resolver and the query page, for the guard's handler."""

    def __init__(self, folder: Path, store: ox.Store, root: Path, endpoint: str,
                 timeout: float, public: str | None = None) -> None:
        self.folder = folder.resolve()
        self.void = root / "data" / "kg" / "void.ttl"
        self.public = public  # the served base URL, for void:sparqlEndpoint
        self.store = store  # the build in memory, for /id/ (Oxigraph answers the queries)
        self.query_page = QueryPage(root, endpoint, timeout)

    def handles(self, method: str, target: str) -> bool:
        """Everything but the SPARQL protocol paths, which the guard relays; and a person
        opening ``/query`` with no query in a browser (sent on to the query page)."""
        split = urllib.parse.urlsplit(target)
        clean = split.path.rstrip("/")
        if clean == "/query" and method == "GET" and "query" not in urllib.parse.parse_qs(
                split.query):
            return True
        return not any(clean == p or clean.startswith(p + "/") for p in SPARQL_PATHS)

    def answer(self, method: str, target: str, accept: str | None, body: bytes) -> Answer:
        split = urllib.parse.urlsplit(target)
        path = urllib.parse.unquote(split.path)
        if path.rstrip("/") == "/sparql":
            if method not in ("GET", "HEAD", "POST"):
                return text_answer(405, "the query page takes GET or POST")
            form = urllib.parse.parse_qs(split.query) if method != "POST" else \
                urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            status, html = self.query_page.render({k: v[0] for k, v in form.items()})
            return Answer(status, "text/html; charset=utf-8", html.encode(), {})
        if method not in ("GET", "HEAD"):
            return text_answer(405, f"{method} is not allowed here")
        if path.rstrip("/") == "/query":
            return Answer(303, "text/plain; charset=utf-8", b"see /sparql\n",
                          {"Location": "/sparql"})
        if path == "/.well-known/void":
            return self.void_description()
        if path.startswith("/id/") and not path.endswith(".html"):
            return self.resource(path, accept)
        return self.static(path)

    def void_description(self) -> Answer:
        """The release's VoID/DCAT with the endpoint it is served at (RFC 5785 path, as the
        VoID guide suggests); the committed ``void.ttl`` names no endpoint."""
        if not self.void.is_file():
            return text_answer(404, "no void.ttl in the build")
        data = self.void.read_bytes()
        if self.public:
            data += (f"<{ID_NS}void/dataset> <http://rdfs.org/ns/void#sparqlEndpoint> "
                     f"<{self.public}/query> .\n").encode()
        return Answer(200, "text/turtle; charset=utf-8", data, {})

    def generic_page(self, iri: str, path: str) -> Answer:
        """HTML of the triples about an IRI the site has no page for; 404 if none."""
        triples = describe(self.store, iri)
        if not triples:
            return text_answer(404, f"the graph says nothing about <{iri}>")
        html = _generic(path.lstrip("/"), iri, triples)
        return Answer(200, "text/html; charset=utf-8", html.encode(), {})

    def static(self, path: str) -> Answer:
        """A file of the site folder; never one outside it."""
        rel = path.lstrip("/")
        target = (self.folder / rel).resolve()
        if not target.is_relative_to(self.folder):
            return text_answer(404, "not found")
        if target.is_dir():
            target = target / INDEX
        if not target.is_file():
            if path == "/favicon.ico":  # browsers ask for it unprompted: no icon, no error
                return Answer(204, "image/x-icon", b"", {})
            return text_answer(404, f"not found: {path}")
        ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] \
            or "application/octet-stream"
        return Answer(200, ctype, target.read_bytes(), {})

    def resource(self, path: str, accept: str | None) -> Answer:
        """``/id/...``: the page or the RDF of the graph's IRI, by content negotiation."""
        iri = ID_NS + path[len("/id/"):]
        chosen = negotiate(accept)
        vary = {"Vary": "Accept"}
        if chosen is None:
            answer = text_answer(406, "acceptable here: " + ", ".join(OFFERS))
            answer.headers.update(vary)
            return answer
        fmt = OFFERS[chosen]
        if fmt is None:
            page = page_path(iri)
            answer = self.static("/" + page) if page else text_answer(404, "no page")
            if answer.status == 200:
                answer.headers["Content-Location"] = f"/{page}"
            else:
                answer = self.generic_page(iri, path)
            answer.headers.update(vary)
            return answer
        triples = describe(self.store, iri)
        if not triples:
            return Answer(404, "text/plain; charset=utf-8",
                          f"the graph says nothing about <{iri}>\n".encode(), vary)
        data = ox.serialize(triples, format=fmt,
                            prefixes=clean_prefixes(triples, DUMP_PREFIXES)) or b""
        ctype = chosen + ("; charset=utf-8" if fmt != ox.RdfFormat.N_TRIPLES else "")
        return Answer(200, ctype, data, vary)

def _generic(path: str, iri: str, triples: list[ox.Triple]) -> str:
    """A plain page of the triples about an IRI that has no page of its own on the site
    (a mention, an assertion, a concept scheme), as Pubby shows any resource."""
    def show(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            target = page_path(term.value)  # links to the site's pages; other IRIs as text
            shown = compact(term.value)
            return (f'<a href="{e(relative(path, target))}">{e(shown)}</a>' if target
                    else e(shown))
        return e(term.value) if isinstance(term, ox.Literal) else e(str(term))
    rows = "".join(f"<tr><td>{show(t.subject)}</td><td>{show(t.predicate)}</td>"
                   f"<td>{show(t.object)}</td></tr>" for t in triples)
    return page(path, iri.rsplit("/", 1)[-1],
                f"<h1>{e(iri)}</h1>\n<p>What the graph says about this resource, as "
                "subject and as object, with the assertions and text spans behind it.</p>\n"
                '<div style="overflow-x:auto"><table class="results"><thead><tr><th>subject'
                "</th><th>property</th><th>object</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def send(handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
    """Write an answer (no body to HEAD)."""
    handler.send_response(answer.status)
    handler.send_header("Content-Type", answer.content_type)
    handler.send_header("Content-Length", str(len(answer.body)))
    for key, value in answer.headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(answer.body)
