"""``ctkg query``: run a bundled or given SPARQL query on the build or on an endpoint.

The build is loaded into an embedded Oxigraph store whose default graph is the union of
all graphs, so a query without GRAPH sees everything and ``GRAPH ?g`` still tells where a
triple comes from. Parameters are bound as RDF terms (never pasted into the text) and a
query is checked before it runs so that it cannot reach the network unless allowed.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctkg import __version__
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.namespaces import PREFIXES
from ctkg.paths import Layout, find_root
from ctkg.sparqlsafety import (
    PARAM_TYPES,
    XSD,
    ParamError,
    Term,
    inject_values,
    network_problems,
    parse_term,
    tokenize,
    unescape_codepoints,
    uses_service,
)

Row = list[Term | None]
USER_AGENT = f"ctkg/{__version__} (https://w3id.org/ctkg; counter-terrorism KG query tool)"


def _fail(message: str, file: str | Path = "ctkg query", line: int | None = None) -> CTKGError:
    return CTKGError([Problem(display_path(file) if isinstance(file, Path) else file, line,
                              " ".join(message.split()))])


# --- the comment block of a query file -------------------------------------------------------

@dataclass(frozen=True)
class ParamDecl:
    """One ``# param: name (TYPE, required|optional) — what it means`` line."""

    name: str
    kind: str
    required: bool
    doc: str


@dataclass
class QueryInfo:
    """A query file with what its comment block says about it."""

    name: str
    path: Path
    text: str
    title: str = ""
    question: str = ""
    row: str = ""
    network: bool = False
    params: dict[str, ParamDecl] = field(default_factory=dict)
    declared: bool = False  # has `# param:` or `# params: none` lines
    examples: dict[str, str] = field(default_factory=dict)


_PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>[A-Za-z]+)\s*(?:,\s*(?P<req>required|optional))?"
    r"\s*\)\s*(?:[—–-]+\s*(?P<doc>.*))?$"
)


def read_query(path: Path, name: str | None = None) -> QueryInfo:
    """Read a query file and its leading comment block (title, question, params, …)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read the query: {exc.__class__.__name__}", path) from None
    info = QueryInfo(name or path.stem, path, text)
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").strip().partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            info.title = value
        elif key == "question":
            info.question = (info.question + " " + value).strip()
        elif key == "row":
            info.row = value
        elif key == "network":
            info.network = value.lower() == "required"
        elif key == "params" and value.lower() == "none":
            info.declared = True
        elif key == "example":
            pname, eq, pvalue = value.partition("=")
            if eq:
                info.examples[pname.strip()] = pvalue.strip()
        elif key == "param":
            m = _PARAM_LINE.match(value)
            if not m or m["kind"] not in PARAM_TYPES:
                raise _fail("a param line must read `# param: NAME (TYPE[, required|optional])"
                            f" — meaning` with TYPE one of {', '.join(PARAM_TYPES)}", path, lineno)
            info.declared = True
            info.params[m["name"]] = ParamDecl(m["name"], m["kind"], m["req"] != "optional",
                                               (m["doc"] or "").strip())
    return info


def bundled_queries(root: Path) -> list[tuple[str, Path, str]]:
    """The bundled queries ``queries/*.rq``: (name, path, title), sorted by name."""
    folder = Layout(Path(root)).queries
    return [(p.stem, p, read_query(p).title) for p in sorted(folder.glob("*.rq"))]


def resolve_query(root: Path, name: str) -> QueryInfo:
    """A bundled query by name, or a query file by path; unknown names get suggestions."""
    candidate = Path(name)
    if candidate.suffix == ".rq" or "/" in name or candidate.is_file():
        if not candidate.is_file():
            raise _fail(f"no such query file: {name}")
        return read_query(candidate)
    path = Layout(Path(root)).queries / f"{name}.rq"
    if path.is_file():
        return read_query(path, name)
    names = [n for n, _p, _t in bundled_queries(root)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see ctkg query --list"
    raise _fail(f"unknown query {name!r}{hint}")


# --- parameters -------------------------------------------------------------------------------

def bind_params(info: QueryInfo, raw: Sequence[str]) -> dict[str, Term]:
    """``NAME=VALUE`` arguments as terms, checked against the query's declarations."""
    values: dict[str, Term] = {}
    for item in raw:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise _fail(f"--param {item!r}: write NAME=VALUE")
        if name in values:
            raise _fail(f"--param {name} given twice")
        decl = info.params.get(name)
        if info.declared and decl is None:
            known = ", ".join(info.params) or "none"
            raise _fail(f"query {info.name} has no parameter {name!r} (parameters: {known})")
        if not info.declared and not _mentions_variable(info.text, name):
            raise _fail(f"query {info.name} has no variable ?{name} to bind")
        try:
            values[name] = parse_term(value, decl.kind if decl else None)
        except ParamError as exc:
            raise _fail(f"--param {name}: {exc}") from None
    missing = [p.name for p in info.params.values() if p.required and p.name not in values]
    if missing:
        decl = info.params[missing[0]]
        raise _fail(f"query {info.name} needs --param {decl.name}=… ({decl.kind}: {decl.doc})")
    return values


def _mentions_variable(text: str, name: str) -> bool:
    return any(t.kind == "var" and t.text[1:] == name
               for t in tokenize(unescape_codepoints(text)))


# --- running ----------------------------------------------------------------------------------

def load_store(root: Path) -> Any:
    """The build ``data/kg/ctkg.trig`` in an in-memory Oxigraph store."""
    layout = Layout(Path(root))
    trig = layout.kg / "ctkg.trig"
    if not trig.is_file():
        raise _fail("build missing: run python build.py", trig)
    try:
        from ctkg.build import load_dataset
    except ImportError:
        load_dataset = None
    if load_dataset is not None:
        return load_dataset(layout)
    import pyoxigraph as ox

    store = ox.Store()
    try:
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError) as exc:
        raise _fail(f"cannot load the build: {exc}", trig) from None
    return store


def _query_form(text: str) -> str:
    for t in tokenize(unescape_codepoints(text)):
        if t.kind == "word" and t.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return t.text.upper()
    return "SELECT"


def _syntax_error(exc: SyntaxError, source: str | Path) -> CTKGError:
    msg = " ".join(str(exc).split())
    m = re.search(r"error at (\d+):(\d+)", msg)
    line = int(m.group(1)) if m else None
    if m:
        msg = f"SPARQL syntax error at line {m.group(1)}, column {m.group(2)}" + msg[m.end():]
    else:
        msg = f"SPARQL syntax error: {msg}"
    return _fail(msg, source, line)


def run_query(query_text: str, *, store: Any = None, endpoint: str | None = None,
              params: Mapping[str, Any] | None = None, allow_network: bool = False,
              timeout: float = 30, source: str | Path = "query") -> tuple[list[str], list[Row]]:
    """Run a query; return (variables, rows) of engine-independent :class:`Term`s.

    ASK gives ``([], [[]])`` for true and ``([], [])`` for false (one empty solution or
    none); CONSTRUCT/DESCRIBE give subject, predicate, object rows.
    """
    reasons = network_problems(query_text, allow_network=allow_network)
    if reasons:
        raise _fail("refused before running: " + "; ".join(reasons), source)
    terms = {name: _as_term(value) for name, value in (params or {}).items()}
    if endpoint:
        return _run_endpoint(query_text, endpoint, terms, timeout, source, allow_network)
    if store is None:
        store = load_store(find_root())
    return _run_store(query_text, store, terms, source)


def _as_term(value: Any) -> Term:
    if isinstance(value, Term):
        return value
    if isinstance(value, str):
        try:
            return parse_term(value)
        except ParamError as exc:
            raise _fail(str(exc)) from None
    return Term.from_oxigraph(value)


def _run_store(text: str, store: Any, terms: dict[str, Term],
               source: str | Path) -> tuple[list[str], list[Row]]:
    import pyoxigraph as ox

    subs = {ox.Variable(n): t.to_oxigraph() for n, t in terms.items()}
    try:
        result = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        if isinstance(result, ox.QueryBoolean):
            return [], [[]] if bool(result) else []
        if isinstance(result, ox.QueryTriples):
            return ["subject", "predicate", "object"], [
                [Term.from_oxigraph(t.subject), Term.from_oxigraph(t.predicate),
                 Term.from_oxigraph(t.object)] for t in result]
        variables = [v.value for v in result.variables]
        rows = [[None if s[v] is None else Term.from_oxigraph(s[v]) for v in variables]
                for s in result]
    except SyntaxError as exc:
        raise _syntax_error(exc, source) from None
    except RuntimeError as exc:  # e.g. a substituted variable that is not projected
        raise _fail(f"cannot run the query: {exc}", source) from None
    except OSError as exc:
        raise _fail(f"query failed: {exc}", source) from None
    return variables, rows


def _run_endpoint(text: str, endpoint: str, terms: dict[str, Term], timeout: float,
                  source: str | Path, allow_network: bool) -> tuple[list[str], list[Row]]:
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    if not (allow_network and uses_service(text)):
        # parse locally first so that a bad query is reported the same way as embedded
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            raise _syntax_error(exc, source) from None
    try:
        sent = inject_values(text, {n: t.n3() for n, t in terms.items()})
    except ValueError as exc:
        raise _fail(f"cannot bind parameters: {exc}", source) from None
    form = _query_form(text)
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setOnlyConneg(True)  # no format=/output= parameters: some servers refuse them
    client.timeout = timeout  # setTimeout() truncates to int seconds; urlopen takes floats
    client.setQuery(sent)
    # SPARQLWrapper guesses the form with a regex that takes "address" in a comment for
    # ADD and would post the query as an update; the lexer knows better
    client.queryType = form
    client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    body = _fetch(client, endpoint, timeout)
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
        return ["subject", "predicate", "object"], [
            [Term.from_oxigraph(t.subject), Term.from_oxigraph(t.predicate),
             Term.from_oxigraph(t.object)] for t in triples]
    try:
        data = json.loads(body)
    except ValueError:
        raise _fail(f"endpoint {endpoint} did not answer with SPARQL JSON results") from None
    if "boolean" in data:
        return [], [[]] if data["boolean"] else []
    variables = list(data.get("head", {}).get("vars", []))
    rows = [[Term.from_json(b[v]) if v in b else None for v in variables]
            for b in data.get("results", {}).get("bindings", [])]
    return variables, rows


def _fetch(client: Any, endpoint: str, timeout: float) -> bytes:
    """The raw response body; every transport failure becomes one line."""
    import urllib.error

    from SPARQLWrapper import SPARQLExceptions as sx

    codes = {sx.QueryBadFormed: 400, sx.Unauthorized: 401, sx.EndPointNotFound: 404,
             sx.URITooLong: 414, sx.EndPointInternalError: 500}
    try:
        response = client.query().response
        return response.read()
    except tuple(codes) as exc:
        detail = _response_text(exc)
        raise _fail(f"endpoint {endpoint} answered HTTP {codes[type(exc)]}"
                    + (f": {detail}" if detail else "")) from None
    except urllib.error.HTTPError as exc:
        raise _fail(f"endpoint {endpoint} answered HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise _fail(f"endpoint {endpoint} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _fail(f"endpoint {endpoint} did not answer within {timeout:g} s") from None
        raise _fail(f"cannot reach endpoint {endpoint}: {exc.reason}") from None
    except (ConnectionError, OSError, ValueError) as exc:
        raise _fail(f"cannot reach endpoint {endpoint}: {exc}") from None


def _response_text(exc: Exception) -> str:
    """The server's message that SPARQLWrapper folds into its exception text, on one line."""
    import ast

    _head, sep, tail = str(exc).partition("Response:")
    if not sep:
        return ""
    try:
        body = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        body = tail
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return " ".join(str(body).split())[:200]


# --- output formats ---------------------------------------------------------------------------

def to_csv(variables: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF lines, IRIs plain, literals lexical)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else t.csv() for t in row])
    return out.getvalue()


def to_tsv(variables: list[str], rows: list[Row]) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_json(variables: list[str], rows: list[Row], *, ask: bool = False) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if ask:
        return json.dumps({"head": {}, "boolean": bool(rows)}, indent=2) + "\n"
    bindings = [{v: t.to_json() for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _short(term: Term | None, width: int = 60) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        text = term.value
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and len(text) > len(ns):
                text = f"{prefix}:{text[len(ns):]}"
                break
    elif term.kind == "literal" and term.lang:
        text = f"{term.value} @{term.lang}"
    else:
        text = term.value if term.kind == "literal" else f"_:{term.value}"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(variables: list[str], rows: list[Row]) -> str:
    """Aligned columns with prefixed names, for reading in a terminal."""
    cells = [[_short(t) for t in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(variables: list[str], rows: list[Row], fmt: str, *, ask: bool = False) -> str:
    if ask:
        if fmt == "json":
            return to_json(variables, rows, ask=True)
        return ("true" if rows else "false") + "\n"
    return {"csv": to_csv, "tsv": to_tsv, "json": to_json, "table": to_table}[fmt](
        variables, rows)


# --- the subcommand ---------------------------------------------------------------------------

def list_queries(root: Path) -> str:
    """``ctkg query --list``: name, title, parameters, network marker."""
    infos = [read_query(p, n) for n, p, _t in bundled_queries(root)]
    if not infos:
        return "no bundled queries in queries/\n"
    width = max(len(i.name) for i in infos)
    lines = []
    for info in infos:
        params = " ".join(f"{p.name}=" + ("" if p.required else "?")
                          for p in info.params.values())
        extra = " [network: needs --allow-network]" if info.network else ""
        lines.append(f"{info.name.ljust(width)}  {info.title}{extra}"
                     + (f"  (params: {params})" if params else ""))
    return "\n".join(lines) + "\n"


def run(args: Any) -> int:
    """Entry point of ``ctkg query`` (arguments wired in ctkg.cli)."""
    root = Path(args.root)
    if args.list:
        sys.stdout.write(list_queries(root))
        return 0
    if not args.name:
        raise _fail("give a bundled query name or a .rq file (or --list)")
    info = resolve_query(root, args.name)
    if info.network and not args.allow_network:
        raise _fail(f"query {info.name} needs the network (it calls a remote SPARQL service);"
                    " pass --allow-network to run it", info.path)
    params = bind_params(info, args.param)
    # refuse before loading anything (run_query checks again, for API callers)
    reasons = network_problems(info.text, allow_network=args.allow_network)
    if reasons:
        raise _fail("refused before running: " + "; ".join(reasons), info.path)
    store = None if args.endpoint else load_store(root)
    variables, rows = run_query(info.text, store=store, endpoint=args.endpoint, params=params,
                                allow_network=args.allow_network, timeout=args.timeout,
                                source=info.path)
    ask = _query_form(info.text) == "ASK"
    sys.stdout.write(render(variables, rows, args.format, ask=ask))
    return 0


__all__ = ["XSD", "QueryInfo", "Term", "bundled_queries", "load_store", "read_query",
           "render", "run", "run_query"]
