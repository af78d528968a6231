"""The annotation checker: one fixture per defect, each problem with file, line and message."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ctkg.annotations.brat import Document, read_collection
from ctkg.annotations.check import (
    _check_catalogue,
    _check_registry,
    check_corpus,
    check_inputs,
    sort_problems,
)
from ctkg.annotations.check_brat import check_trigger_references
from ctkg.annotations.check_document import check_document
from ctkg.annotations.check_norms import Context
from ctkg.annotations.check_relations import check_relations
from ctkg.annotations.check_times import check_unattached_times
from ctkg.annotations.paraphrase import check_paraphrases
from ctkg.annotations.scheme import build_scheme
from ctkg.annotations.suggestion_marks import unconfirmed_suggestions
from ctkg.errors import Problem
from ctkg.inputs import Inputs
from ctkg.paths import Layout
from tests.annotations.project import FIXTURES, fixture_inputs, fixture_project


def check(folder: Path) -> list[Problem]:
    """Read and check a fixture collection with its own registry, catalogue and links."""
    with tempfile.TemporaryDirectory() as root:
        return check_corpus(fixture_project(folder, Path(root)), folder)


def found(problems: list[Problem]) -> list[tuple[str, int | None, str, str]]:
    return [(Path(p.file).name, p.line, p.severity, p.message) for p in problems]


# case -> every problem expected: (file name, line, key phrase); nothing else may be reported
CASES: dict[str, list[tuple[str, int | None, str]]] = {
    "span_mismatch": [("doc.ann", 1, "stored text 'Antonio Guterres' differs from the text "
                                     "at 18 34: 'António Guterres'")],
    "offsets_outside": [("doc.ann", 12, "span 900 908 is outside the text")],
    "fragments_bad": [("doc.ann", 7, "fragment 2 (45 61) is out of order or overlaps")],
    "crosses_newline": [("doc.ann", 14, "crosses a newline"),
                        ("doc.ann", 14, "stored text '28 June 2018' differs")],
    "duplicate_id": [("doc.ann", 33, "duplicate id T5 (first defined at line 12)")],
    "dangling": [("doc.ann", 33, "E9: trigger T99 is not a T annotation"),
                 ("doc.ann", 33, "E9: Place argument T98 does not exist"),
                 ("doc.ann", 33, "E9: unnormalized event: a Meeting needs exactly one CTKG "
                                 "normalization on its E id"),
                 ("doc.ann", 34, "R9: Arg2 E77 does not exist"),
                 ("doc.ann", 35, "A9: target R77 does not exist"),
                 ("doc.ann", 36, "N9: target T97 does not exist"),
                 ("doc.ann", 37, "#9: target T96 does not exist"),
                 ("doc.ann", 38, "Equiv: member T95 is not a T annotation")],
    "unknown_names": [("doc.ann", 30, "E3: unknown role 'Moderator' for Meeting"),
                      ("doc.ann", 33, "T20: unknown type 'Country'"),
                      ("doc.ann", 35, "R20: unknown relation type 'likes'"),
                      ("doc.ann", 36, "A20: unknown attribute 'Certainty'"),
                      ("doc.ann", 37, "A21: Modality value 'Probable' is not one of")],
    "arg_types": [("doc.ann", 19, "Time argument T1 is a Person; HighLevelConference.Time "
                                  "takes TimeExpression"),
                  # T6 lost its Time role to T1: its value is attached to nothing (issue 16)
                  ("doc.ann", 15, "N7: normalized time 2018-06-28 of T6")],
    "trigger_mismatch": [("doc.ann", 19, "trigger T4 has type 'HighLevelConference', the "
                                         "event is 'Conference'")],
    "unnormalized": [("doc.ann", 12, "T5: unnormalized mention: a Place needs exactly one "
                                     "CTKG normalization"),
                     ("doc.ann", 13, "T6: a TimeExpression needs exactly one ISO8601")],
    "unnormalized_event": [("doc.ann", 29, "E3: unnormalized event: a Meeting needs exactly "
                                           "one CTKG normalization on its E id (N Reference "
                                           "E3 CTKG:slug), found 0"),
                           ("registry.toml", 33, "follow-up-meeting-spain: used by no mention")],
    # brat's loader refuses N and # on a trigger (TriggerReferenceError, check_brat)
    "trigger_references": [
        ("doc.ann", 11, "N5: normalization attached to T4, the trigger of E1: brat refuses to "
                        "open the document (TriggerReferenceError: trigger referenced by a "
                        "non-event); attach it to the event: 'Reference E1', not "
                        "'Reference T4'"),
        ("doc.ann", 19, "E1: unnormalized event: a HighLevelConference needs exactly one CTKG"),
        ("doc.ann", 33, "#2: note attached to T11, the trigger of E3: brat refuses to open the "
                        "document (TriggerReferenceError: trigger referenced by a non-event); "
                        "attach it to the event: 'AnnotatorNotes E3', not 'AnnotatorNotes "
                        "T11'")],
    "unknown_slug": [("doc.ann", 13, "unknown registry slug 'nowhere'")],
    "registry_type": [("doc.ann", 2, "T1 is a Person mention but registry entry "
                                     "'antonio-guterres' has type Organization")],
    "wikidata_bad": [("doc.ann", 32, "malformed Wikidata id 'Q0311440'"),
                     ("doc.ann", 33, "Wikidata:Q42 differs from"),
                     ("doc.ann", 34, "has no qid for 'spain'")],
    "iso_bad": [("doc.ann", 15, "malformed ISO8601 value: '2018-13-45'")],
    "time_unattached": [("doc.ann", 15, "N7: normalized time 2018-06-28 of T6 ('28 June 2018') "
                                        "is attached to nothing")],
    "statement_bad": [("doc.ann", 21, "Statement needs exactly one Speaker, found 0"),
                      ("doc.ann", 21, "needs a SpeechKind attribute"),
                      ("doc.ann", 32, "Statement needs exactly one Speaker, found 2")],
    "registry_unused": [("registry.toml", 46, "ghost: used by no mention")],
    "concept_missing": [("registry.toml", 9, "without a concept id/threat/terrorism-financing")],
    "file_pairs": [("lonely.txt", None, "lonely.txt has no lonely.ann"),
                   ("orphan.ann", None, "orphan.ann has no orphan.txt")],
    "notes_bad": [("doc.ann", 16, "anchor must be an ISO date"),
                  ("doc.ann", 16, "unknown note key 'colour'"),
                  ("doc.ann", 16, "'freeform' is not key=value")],
    "attributes_bad": [("doc.ann", 33, "Negation cannot be attached to T1"),
                       ("doc.ann", 34, "Negation is a binary attribute"),
                       ("doc.ann", 35, "E3 already has a Modality attribute (line 31)"),
                       ("doc.ann", 36, "SpeechKind cannot be attached to E1")],
}


def test_clean_fixture_passes() -> None:
    assert check(FIXTURES / "clean") == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_defect_is_reported_with_file_line_and_message(case: str) -> None:
    problems = found(check(FIXTURES / case))
    errors = [p for p in problems if p[2] == "error"]
    for name, line, phrase in CASES[case]:
        assert any(f == name and ln == line and phrase in msg for f, ln, _, msg in errors), \
            f"{case}: expected {name}:{line} {phrase!r} in {problems}"
    # all at once, and nothing else
    assert len(errors) == len(CASES[case]), problems


def test_statement_without_about_is_only_a_warning() -> None:
    problems = check(FIXTURES / "about_missing")
    assert [(Path(p.file).name, p.line, p.severity) for p in problems] == \
        [("doc.ann", 21, "warning")]
    assert "no About argument" in problems[0].message


def _copy_clean(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "clean", folder)
    return folder


@pytest.mark.parametrize("which", ["doc.txt", "doc.ann"])
def test_byte_order_mark(tmp_path: Path, which: str) -> None:
    folder = _copy_clean(tmp_path)
    path = folder / which
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    problems = [p for p in check(folder) if p.file.endswith(which)]
    assert any(p.line == 1 and "byte-order mark" in p.message for p in problems), problems


@pytest.mark.parametrize("which", ["doc.txt", "doc.ann"])
def test_crlf(tmp_path: Path, which: str) -> None:
    folder = _copy_clean(tmp_path)
    path = folder / which
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    problems = [p for p in check(folder) if p.file.endswith(which)]
    assert any(p.line == 1 and "CRLF line endings" in p.message for p in problems), problems


@pytest.mark.parametrize("which", ["doc.txt", "doc.ann"])
def test_not_utf8(tmp_path: Path, which: str) -> None:
    folder = _copy_clean(tmp_path)
    path = folder / which
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b"\xff"  # line 3
    path.write_bytes(b"\n".join(lines))
    problems = [p for p in check(folder) if p.file.endswith(which)]
    assert any(p.line == 3 and "not UTF-8" in p.message for p in problems), problems


def test_malformed_lines_are_reported_with_the_rest(tmp_path: Path) -> None:
    folder = _copy_clean(tmp_path)
    ann = folder / "doc.ann"
    ann.write_text(ann.read_text(encoding="utf-8") + "T40\tPerson zero 5\tx\nR40\tpartOf E1\n"
                   "N40\tReference T1 CTKG:nowhere\tx\n", encoding="utf-8")
    got = {(p.line, p.message.split(":")[0]) for p in check(folder)}
    assert {(33, "T40"), (34, "R40"), (35, "N40")} <= got


def test_discontinuous_span_is_checked_joined_by_one_space(tmp_path: Path) -> None:
    folder = _copy_clean(tmp_path)
    ann = folder / "doc.ann"
    # "terrorist use" + "internet": 45-58 and 66-74
    text = ann.read_text(encoding="utf-8").replace(
        "T3\tThreat 45 74\tterrorist use of the internet",
        "T3\tThreat 45 58;66 74\tterrorist use internet")
    ann.write_text(text, encoding="utf-8")
    assert check(folder) == []
    ann.write_text(text.replace("terrorist use internet", "terrorist useinternet"),
                   encoding="utf-8")
    assert any("stored text" in p.message for p in check(folder))


def test_inputs_and_documents_already_read_are_checked_without_reading(tmp_path: Path) -> None:
    folder = FIXTURES / "registry_unused"
    inputs = fixture_inputs(folder, tmp_path)
    docs, _ = read_collection(folder)
    [problem] = check_inputs(inputs, docs)
    assert (Path(problem.file).name, problem.line) == ("registry.toml", 46)
    assert "ghost: used by no mention" in problem.message


def test_problems_of_every_input_are_reported_with_the_documents(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(FIXTURES / "clean", folder)
    registry = folder / "registry.toml"
    registry.write_text(registry.read_text("utf-8") + '\n[x]\ntype = "Person"\nlabel = "X"\n'
                        'colour = "red"\nkeep = true\n', "utf-8")
    (folder / "links.toml").write_text('[spain]\nqid = "Q0"\n', "utf-8")
    found = {(Path(p.file).name, p.line, p.message.split(" (")[0]) for p in check(folder)}
    assert ("registry.toml", 46, "x: unknown key 'colour'") in found
    assert any(f == "links.toml" and line == 2 and "malformed QID 'Q0'" in m
               for f, line, m in found), found


def test_real_corpus_passes(layout: Layout) -> None:
    if not list(layout.corpus.glob("*.ann")):
        pytest.skip("data/corpus has no .ann files yet (annotation in progress)")
    for path in (layout.registry, layout.catalogue):
        if not path.is_file():
            pytest.skip(f"data/{path.name} does not exist yet (data in progress)")
    errors = [p for p in check_corpus(layout) if p.severity == "error"]
    assert errors == [], "\n".join(map(str, errors))


def _whole_collection(inputs: Inputs, docs: list[Document]) -> list[Problem]:
    """The checker as one pass over the documents, each whole-collection check reading
    every document (what check_inputs did before it checked a document at a time)."""
    scheme, problems = build_scheme(inputs.ontology)
    ctx = Context(scheme, inputs, {d.doc_id for d in docs})
    for doc in docs:
        problems += [*check_document(doc, ctx), *check_trigger_references(doc),
                     *check_unattached_times(doc)]
    problems += check_relations(docs)
    problems += check_paraphrases(docs, inputs.catalogue)
    problems += unconfirmed_suggestions(docs)
    problems += _check_catalogue(ctx) + _check_registry(ctx)
    return sort_problems(problems)


@pytest.mark.parametrize("case", ["cycles", "self_loops", "notes_bad", "registry_unused",
                                  "unknown_slug", "statement_bad", "clean"])
def test_document_shares_give_the_whole_collection_checks(case: str, tmp_path: Path) -> None:
    """check_inputs (a DocChecks per document, then the collection from them) reports what
    the checks over the whole collection report, in the same order."""
    folder = FIXTURES / case
    inputs = fixture_inputs(folder, tmp_path)
    docs, _ = read_collection(folder)
    assert check_inputs(inputs, docs) == _whole_collection(inputs, docs)
