"""Start and stop a real Virtuoso 7 (Debian's ``virtuoso-opensource``) on loopback, for tests.

Virtuoso is a test peer, not something CTKG runs, so this lives beside the tests: a temporary
directory with its own ``virtuoso.ini`` (database, log and both ports in it, ports on
127.0.0.1 only), ``virtuoso-t +foreground``, and ``isql`` for what only SQL can do (the bulk
loader, granting SPARQL_UPDATE, dropping graphs between tests).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from ctkg.store.server import free_port

INSTALL_HINT = ("Virtuoso is not installed here (Debian package virtuoso-opensource, which "
                ".ci/run installs)")

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/vsp
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def canonical(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> ox.Literal | ox.NamedNode:
    """The one lexical change Virtuoso makes to the build's terms (seen on 7.2): it gives
    ``"true"^^xsd:boolean`` back as ``"1"^^xsd:boolean`` (the same value). Nothing else is
    mapped, so any other difference fails the comparison."""
    assert isinstance(term, (ox.NamedNode, ox.Literal)), term
    if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=XSD_BOOLEAN)
    return term


def binaries() -> tuple[str, str] | None:
    """``virtuoso-t`` and Debian's ``isql-vt`` (or ``isql``), or None when not installed."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    return (server, isql) if server and isql else None


@dataclass
class Virtuoso:
    """A running ``virtuoso-t`` with its directory, ports and SQL access."""

    process: subprocess.Popen[bytes]
    folder: Path
    sql_port: int
    http_port: int
    isql_binary: str
    update_granted: bool = False

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def gsp_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba; their output. A failing statement raises."""
        script = "\n".join(s.rstrip().rstrip(";") + ";" for s in statements)
        done = subprocess.run(
            [self.isql_binary, f"127.0.0.1:{self.sql_port}", "dba", "dba",
             "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT", f"exec={script}"],
            capture_output=True, text=True, timeout=120, check=False)
        out = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql failed: {out.strip()[-500:]}")
        return out

    def grant_update(self, granted: bool = True) -> None:
        """Let the anonymous SPARQL account run updates on ``/sparql`` (and the Graph Store
        Protocol), or take that right away again."""
        if granted == self.update_granted:
            return
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL"' if granted
                  else 'REVOKE SPARQL_UPDATE FROM "SPARQL"')
        self.update_granted = granted

    def drop_graphs(self, prefix: str = "https://w3id.org/ctkg/") -> None:
        """Drop every graph under ``prefix``: each test starts from an empty CTKG."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
        if rows:
            self.isql(*(f"SPARQL DROP SILENT GRAPH <{r['g']}>" for r in rows))

    def bulk_load(self, path: Path, graph: str = "http://default") -> None:
        """Virtuoso's bulk loader on one file (``ld_dir`` + ``rdf_loader_run``); a file it
        could not load raises."""
        target = self.folder / "load" / path.name
        target.parent.mkdir(exist_ok=True)
        for old in target.parent.iterdir():
            old.unlink()
        shutil.copyfile(path, target)
        self.isql("DELETE FROM DB.DBA.load_list",
                  f"ld_dir('{target.parent}', '{path.name}', '{graph}')",
                  "rdf_loader_run()", "checkpoint")
        errors = self.isql("SELECT ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL")
        if "Error" in errors or "error" in errors.lower().replace("ll_error", ""):
            raise RuntimeError(f"bulk load of {path.name} failed: {errors.strip()[-300:]}")

    def select(self, query: str, *, accept: str = "application/sparql-results+json"
               ) -> list[dict[str, str]]:
        """A SELECT on ``/sparql``: rows of variable -> value (IRIs and lexical forms)."""
        resp = requests.post(self.query_url, data={"query": query},
                             headers={"Accept": accept}, timeout=60)
        resp.raise_for_status()
        return [{k: v["value"] for k, v in b.items()}
                for b in resp.json()["results"]["bindings"]]

    def quads(self, prefix: str = "https://w3id.org/ctkg/") -> set[ox.Quad]:
        """Every quad of the graphs under ``prefix`` as Virtuoso gives them back (SPARQL JSON
        results parsed by pyoxigraph, so terms compare with the build's)."""
        resp = requests.post(self.query_url, headers={
            "Accept": "application/sparql-results+json"}, timeout=120, data={
            "query": "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                     f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'})
        resp.raise_for_status()
        solutions = ox.parse_query_results(resp.content, ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return {ox.Quad(s["s"], s["p"], canonical(s["o"]), s["g"]) for s in solutions}

    def stop(self) -> None:
        """Shut the server down cleanly (checkpoint), killing it if it does not stop."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(folder: Path, timeout: float = 60.0) -> Virtuoso:
    """Create a database in ``folder`` and start Virtuoso on two free loopback ports; return
    once ``/sparql`` answers. Raises RuntimeError if Virtuoso is missing or does not start."""
    found = binaries()
    if not found:
        raise RuntimeError(INSTALL_HINT)
    server, isql = found
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http),
                                         encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([server, "+foreground", "+configfile", "virtuoso.ini"],
                            cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    me = Virtuoso(proc, folder, sql, http, isql)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = (folder / "stdout.log").read_text(errors="replace")
            raise RuntimeError(f"virtuoso-t exited at start: {text.strip()[-400:]}")
        try:
            if requests.get(me.query_url, params={"query": "ASK {}"}, timeout=2).ok:
                return me
        except requests.RequestException:
            pass
        time.sleep(0.2)
    me.stop()
    raise RuntimeError(f"Virtuoso did not answer on port {http} within {timeout:.0f} s")
