"""What ``ctkg serve`` answers besides SPARQL: the static site, the graph's own IRIs with
content negotiation, and the query page (:mod:`ctkg.store.querypage`).

Why here, in the guard's process: one port for people and programs, as Pubby and LodView
do it. ``GET /id/<kind>/<slug>`` gives a browser the site's page of that thing and an RDF
client Turtle, N-Triples or JSON-LD by its ``Accept`` header (q-values honoured, 406 when
nothing offered is acceptable), always with ``Vary: Accept``. The RDF is what the graph says
about the resource, as subject and as object, with the assertion and mention nodes (and
their selectors) that trace each fact to its document: one CONSTRUCT over the union graph,
asked of Oxigraph on its internal port and written here with CTKG's prefixes.
"""

from __future__ import annotations

import http.client
import http.server
import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctkg.kg.dumps import DUMP_PREFIXES, clean_prefixes
from ctkg.rdf.namespaces import ID_NS
from ctkg.site.paths import INDEX, page_path
from ctkg.store.querypage import QueryPage

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

DESCRIBE = """
PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
CONSTRUCT { ?r ?p ?o . ?s ?q ?r . ?a ?ap ?ao . ?m ?mp ?mo . ?sel ?sp ?so }
WHERE {
  VALUES ?r { <IRI> }
  { ?r ?p ?o } UNION { ?s ?q ?r }
  UNION { ?a rdf:subject|rdf:object ?r ; a ctkg:Assertion ; ?ap ?ao }
  UNION { { ?a rdf:subject|rdf:object ?r ; ctkg:supportedBy ?m } UNION { ?r gaf:denotedBy ?m }
          { ?m ?mp ?mo } UNION { ?m oa:hasSelector ?sel . ?sel ?sp ?so } }
}"""


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

    def __init__(self, folder: Path, backend_port: int, root: Path, timeout: float) -> None:
        self.folder = folder.resolve()
        self.backend_port = backend_port
        self.query_page = QueryPage(root, f"http://127.0.0.1:{backend_port}/query", timeout)

    def handles(self, method: str, path: str) -> bool:
        """Everything but the SPARQL protocol paths, which the guard relays."""
        clean = path.rstrip("/")
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
        if path.startswith("/id/") and not path.endswith(".html"):
            return self.resource(path, accept)
        return self.static(path)

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
                answer.headers.update({**vary, "Content-Location": f"/{page}"})
            else:
                answer.headers.update(vary)
            return answer
        triples = self.describe(iri)
        if triples is None:
            return Answer(502, "text/plain; charset=utf-8",
                          b"the SPARQL server behind ctkg serve is not answering\n", vary)
        if not triples:
            return Answer(404, "text/plain; charset=utf-8",
                          f"the graph says nothing about <{iri}>\n".encode(), vary)
        data = ox.serialize(triples, format=fmt,
                            prefixes=clean_prefixes(triples, DUMP_PREFIXES)) or b""
        ctype = chosen + ("; charset=utf-8" if fmt != ox.RdfFormat.N_TRIPLES else "")
        return Answer(200, ctype, data, vary)

    def describe(self, iri: str) -> list[ox.Triple] | None:
        """The CONSTRUCT of :data:`DESCRIBE` for ``iri`` (None if Oxigraph is down)."""
        if any(c in iri for c in '<>"{}|^`\\ '):
            return []
        query = DESCRIBE.replace("<IRI>", f"<{iri}>")
        conn = http.client.HTTPConnection("127.0.0.1", self.backend_port, timeout=30)
        try:
            conn.request("POST", "/query", body=urllib.parse.urlencode({"query": query}),
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/n-triples"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                return None
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()
        return sorted(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), key=str)


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
