"""The checker is the gate: what ``ctkg check`` passes, the build compiles or refuses cleanly.

Property: for any mutation of a real ``.ann``, either the annotation checker reports an error,
or the build raises nothing but a :class:`~ctkg.errors.CTKGError` whose every problem names
a file and a line (it may also succeed). Never a pyoxigraph ``SyntaxError``/``ValueError``, a
``KeyError`` or any other exception: those are tracebacks without ``file:line``, and they
mean the checker let through something the compiler cannot represent (issue 13, finding 5:
ids with a space, ``>`` or ``}`` passed the check and crashed the build).

The corpus is a small copy of the build fixture project (``fixtures/gate``: two documents,
their registry, catalogue and Wikidata links) with the repository's ontology, shapes, QC
queries and brat configuration. A mutation is one to three edits of its ``900_fixture.ann``
(or, less often, ``901_fixture.ann``), line by line: insert or replace a character (space,
``>``, ``}``, CR, ``"``, ``<``, TAB, NUL, LF, non-ASCII, IRI delimiters, digits), delete a
character, duplicate or delete a line, change an id, point a reference at another id, swap
or exchange offsets, or add a relation between two existing annotations (which makes
self-loops and cycles).

Every example runs the checker (in-process, about 25 ms; it must never raise either), and
a mutation the checker passes (about one in ten) runs the build, through its public entry
point :func:`ctkg.kg.pipeline.build` (about 1 s). To keep CI near 15 s, the default run
is 250 derandomized examples (the same ones every run), of which only the first passing
ones are built, within :data:`BUILD_BUDGET` (structural edits first: ids, references and
relations are what IRIs and the graph's shape are made of); the finding's own cases run
every time as :data:`SEEDS`. ``CTKG_FUZZ_EXAMPLES=N`` runs N fresh random examples and
builds every one the checker passes, e.g.::

    CTKG_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/annotations/test_check_gate.py \
        --hypothesis-show-statistics
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from ctkg.annotations.check import check_corpus
from ctkg.annotations.scheme import design_scheme
from ctkg.errors import CTKGError
from ctkg.kg.pipeline import build
from ctkg.paths import Layout
from tests.paths import ROOT

GATE = Path(__file__).parent / "fixtures" / "gate"
ENV = "CTKG_FUZZ_EXAMPLES"
EXAMPLES = int(os.environ.get(ENV, "250"))
RANDOM = ENV in os.environ
# builds per run: structural edits (ids, references, relations: what IRIs and the graph's
# shape are made of) first; a few textual ones (a note, a stored text, a key)
BUILD_BUDGET = {"structural": EXAMPLES if RANDOM else 7, "textual": EXAMPLES if RANDOM else 2}
_builds: list[str] = []

# what the finding's fuzzing inserted, plus every character an IRI may not hold and a few
# that brat or Python treat as line breaks
CHARS = (" ", ">", "}", "{", "\r", '"', "<", "\t", "\x00", "\n", "é", "\u2028", "\x85",
         "\ufeff", "|", "^", "`", "\\", "%", "#", ":", ";", "=", "-", ".", "0", "7")
RELATIONS = tuple(design_scheme(()).relations)
# edits, weighted towards those that found the finding's crashes (characters in ids)
OPS = ("insert", "insert", "insert", "replace", "replace", "delete", "duplicate", "drop",
       "id", "id", "reference", "offsets", "relation", "relation")
_ID_RE = re.compile(r"(?<![\w#])[TERAMN#]\d+\b")


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=not RANDOM,
                    database=None, suppress_health_check=list(HealthCheck))


@dataclass
class Project:
    """A project copy whose ``.ann`` files are rewritten by each example."""

    layout: Layout
    originals: dict[str, str]

    def write(self, name: str, text: str) -> None:
        (self.layout.corpus / name).write_bytes(text.encode("utf-8"))

    def restore(self) -> None:
        for name, text in self.originals.items():
            self.write(name, text)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("gate") / "proj"
    shutil.copytree(GATE, root / "data")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    for conf in (ROOT / "data" / "corpus").glob("*.conf"):
        shutil.copy(conf, root / "data" / "corpus" / conf.name)
    layout = Layout(root)
    originals = {p.name: p.read_text("utf-8") for p in layout.corpus.glob("*.ann")}
    assert not [p for p in check_corpus(layout) if p.severity == "error"]
    yield Project(layout, originals)


# -- mutations -----------------------------------------------------------------------------

def _ids(lines: list[str]) -> list[str]:
    return [line.split("\t", 1)[0] for line in lines if "\t" in line] or ["T1"]


@st.composite
def _edit(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """One edit of the lines of an .ann."""
    op = draw(st.sampled_from(OPS))
    i = draw(st.integers(0, len(lines) - 1))
    line, ids = lines[i], _ids(lines)
    out = list(lines)
    if op in ("insert", "replace", "delete"):
        # half of the edits land in the id, where an IRI is made of what is written
        id_end = line.find("\t") if "\t" in line else len(line)
        at = draw(st.integers(0, max(0, id_end)) | st.integers(0, max(0, len(line) - 1)))
        char = draw(st.sampled_from(CHARS))
        keep = at if op == "insert" else at + 1
        out[i] = line[:at] + ("" if op == "delete" else char) + line[keep:]
    elif op == "duplicate":
        out.insert(i, line)
    elif op == "drop":
        del out[i]
    elif op == "id" and "\t" in line:
        new = draw(st.sampled_from(ids) | st.from_regex(r"\A[TERAMN#][0-9]{1,3}\Z")
                   | st.builds(str.__add__, st.sampled_from(ids), st.sampled_from(CHARS)))
        out[i] = new + line[line.index("\t"):]
    elif op == "reference" and (refs := list(_ID_RE.finditer(line, line.find("\t") + 1))):
        m = draw(st.sampled_from(refs))
        out[i] = line[:m.start()] + draw(st.sampled_from(ids)) + line[m.end():]
    elif op == "offsets" and (m := re.search(r"(\d+) (\d+)", line)):
        spans = [s for other in lines if (s := re.search(r"\d+ \d+", other))]
        new = draw(st.sampled_from([f"{m.group(2)} {m.group(1)}",
                                    *(s.group(0) for s in spans)]))
        out[i] = line[:m.start()] + new + line[m.end():]
    elif op == "relation":
        rel, a, b = (draw(st.sampled_from(RELATIONS)), draw(st.sampled_from(ids)),
                     draw(st.sampled_from(ids)))
        out.append(f"R{draw(st.integers(90, 99))}\t{rel} Arg1:{a} Arg2:{b}")
    return out


@st.composite
def mutation(draw: st.DrawFn, originals: dict[str, str]) -> tuple[str, str]:
    """(file name, mutated text) of one or more edits of one .ann."""
    name = draw(st.sampled_from(["900_fixture.ann"] * 3 + ["901_fixture.ann"]))
    lines = originals[name].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(_edit(lines)) or [""]
    return name, "\n".join(lines)


def _structure(text: str) -> list[tuple[str, ...]]:
    """The ids of each line and what it refers to, without its free text."""
    out = []
    for line in text.split("\n"):
        fields = line.split("\t")
        out.append((fields[0], *_ID_RE.findall(fields[1] if len(fields) > 1 else "")))
    return sorted(out)


def _structural(project: Project, name: str, text: str) -> bool:
    return _structure(text) != _structure(project.originals[name])


def _check_errors(project: Project, name: str, text: str) -> list[str]:
    project.write(name, text)
    try:
        return [str(p) for p in check_corpus(project.layout) if p.severity == "error"]
    finally:
        project.restore()


# -- the property ---------------------------------------------------------------------------

# the finding's cases, each once (they passed the checker and crashed or polluted the build)
SEEDS = {
    "id with a space": ("R1\tholdsPost", "R1 x\tholdsPost"),
    "id with >": ("R2\tpostIn", "R2>\tpostIn"),
    "id with }": ("R3\tadvocates", "R3}\tadvocates"),
    "evidence with >": ("rule=next-season", "rule=next-season evidence=900>"),
    "negated statement that warns": ("A4\tNegation R5", "A4\tNegation R5\nA5\tNegation E3"),
    "partOf self-loop": ("R5\tmemberOf", "R6\tpartOf Arg1:E4 Arg2:E4\nR5\tmemberOf"),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_finding_s_cases_are_stopped_by_the_checker(project: Project, seed: str) -> None:
    old, new = SEEDS[seed]
    text = project.originals["900_fixture.ann"]
    assert old in text
    errors = _check_errors(project, "900_fixture.ann", text.replace(old, new, 1))
    assert errors and all(re.search(r"900_fixture\.ann:\d+: error: ", e) for e in errors), errors


def _gate(project: Project, name: str, text: str) -> str:
    """Check ``text`` as ``name``; if it passes, build: what happened, for the statistics."""
    if _check_errors(project, name, text):  # the checker may not raise either
        return "checker refused"
    kind = "structural" if _structural(project, name, text) else "textual"
    if _builds.count(kind) >= BUILD_BUDGET[kind]:
        return f"checker passed, {kind}, not built (budget spent)"
    _builds.append(kind)
    project.write(name, text)
    try:
        build(project.layout)
        return "checker passed, built"
    except CTKGError as exc:
        unplaced = [str(p) for p in exc.problems if not p.file or p.line is None]
        assert not unplaced, f"a build error without file:line: {unplaced}"
        return f"checker passed, build refused: {exc.problems[0].message[:60]}"
    finally:
        project.restore()


# -- the property ---------------------------------------------------------------------------

@_settings(EXAMPLES)
@given(data=st.data())
def test_whatever_the_checker_passes_builds_or_fails_with_file_and_line(
        project: Project, data: st.DataObject) -> None:
    name, text = data.draw(mutation(project.originals))
    note(f"{name}:\n{text}")
    event(_gate(project, name, text))
