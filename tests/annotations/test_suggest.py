"""ctkg suggest on a copy of the project: marked suggestions with the corpus's normalizations,
idempotent, never over a person's annotation; the checker refuses them until confirmed; and
the whole path of a new text (add, suggest, confirm, build)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("ahocorasick", reason="the suggest extra (pyahocorasick) is not installed")

from ctkg.annotations.brat import read_document
from ctkg.annotations.check import check_corpus
from ctkg.annotations.suggest import suggest_document
from ctkg.annotations.suggestion_marks import MARK
from ctkg.cli.main import main
from ctkg.inputs.add_text import NewDocument, add_document
from ctkg.paths import Layout
from tests.paths import ROOT

# the heading and two paragraphs of the 004 speech: true to its source
TEXT = "\n".join((ROOT / "data/corpus/004_39e803bda74c1e15.txt").read_text("utf-8")
                 .split("\n")[i] for i in (2, 10, 12)) + "\n"
META = NewDocument(date="2019-09-26", kind="SpeechTranscript", title="Excerpt")


def project(tmp_path: Path) -> Layout:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Layout(tmp_path)


def added(tmp_path: Path, text: str = TEXT) -> tuple[Layout, str]:
    layout = project(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text(text, encoding="utf-8")
    return layout, add_document(layout, source, META)


def confirm(ann: Path) -> None:
    """What a person does in brat: delete each mark (and a note that is only the mark)."""
    lines = [line.replace(f" note={MARK}", "") for line in ann.read_text("utf-8").split("\n")
             if not line.endswith(f"\tnote={MARK}")]
    ann.write_text("\n".join(lines), encoding="utf-8")


def attach_times(ann: Path, times_of: dict[str, str]) -> None:
    """What a person does next (CONTRIBUTING step 3): give an event, named by its trigger's
    text, the Time role of the confirmed time it has (named by its text)."""
    doc = read_document(ann.with_suffix(".txt"))
    times = {tb.text: tid for tid, tb in doc.textbounds.items() if tb.type == "TimeExpression"}
    lines = ann.read_text("utf-8").split("\n")
    for event in doc.events.values():
        time = times_of.get(doc.textbounds[event.trigger].text)
        if time is not None:
            head = f"{event.id}\t{event.type}:{event.trigger}"
            lines = [f"{line} Time:{times[time]}" if line == head else line for line in lines]
    ann.write_text("\n".join(lines), encoding="utf-8")


def test_suggestions_are_marked_and_normalized_as_the_corpus_writes_them(tmp_path: Path) -> None:
    layout, doc_id = added(tmp_path)
    found = suggest_document(layout, doc_id)
    doc = read_document(layout.corpus / f"{doc_id}.txt")
    assert not doc.problems
    by_text = {tb.text: tb for tb in doc.textbounds.values()}
    # registry and Wikidata normalizations with the labels registry and links.toml give
    voronkov = by_text["Vladimir Voronkov"]
    assert [(n.db, n.key, n.text) for n in doc.norms_of(voronkov.id)] == [
        ("CTKG", "vladimir-voronkov", "Vladimir Voronkov")]  # links.toml: unlinked
    minsk = by_text["Minsk"]
    assert [(n.db, n.key) for n in doc.norms_of(minsk.id)] == [("CTKG", "minsk"),
                                                                ("Wikidata", "Q2280")]
    # an event: trigger + E; N and # lines on the E, never on the trigger
    trigger = by_text["2018 High-Level Conference of Heads of Counter-Terrorism Agencies of Member "
                      "States"]
    event = next(e for e in doc.events.values() if e.trigger == trigger.id)
    assert event.type == trigger.type == "HighLevelConference"
    assert [n.key for n in doc.norms_of(event.id)] == ["hlc-2018"]
    triggers = {e.trigger for e in doc.events.values()}
    assert not [n for n in [*doc.normalizations.values(), *doc.notes.values()]
                if n.target in triggers]
    # a time, with the guidelines' note
    time = by_text["earlier this month"]
    assert [(n.db, n.key) for n in doc.norms_of(time.id)] == [("ISO8601", "2019-09")]
    assert [n.text for n in doc.notes_of(time.id)] == [
        f"anchor=2019-09-26 rule=earlier-this-month note={MARK}"]
    # every suggestion carries the mark; the checker reports each one
    marked = {n.target for n in doc.notes.values() if MARK in n.text}
    targets = {tb.id for tb in doc.textbounds.values() if tb.id not in triggers} | {
        e.id for e in doc.events.values()}
    assert marked == targets and len(found.names) + len(found.times) == len(doc.textbounds)
    # valid brat and CTKG otherwise: the marks are the only errors of the file, but for the
    # suggested times, which no event uses until a person attaches them (step 3; issue 16)
    where = f"{layout.corpus.name}/{doc_id}.ann"
    errors = [p for p in check_corpus(layout) if p.severity == "error" and p.file.endswith(where)]
    unattached = [p for p in errors if "is attached to nothing" in p.message]
    errors = [p for p in errors if p not in unattached]
    assert errors and all("unconfirmed suggestion" in p.message for p in errors)
    assert len(errors) == len(marked)
    assert len(unattached) == len(found.times) > 0


def test_idempotent_and_a_persons_annotations_kept(tmp_path: Path) -> None:
    layout, doc_id = added(tmp_path)
    ann = layout.corpus / f"{doc_id}.ann"
    start = TEXT.index("Vladimir Voronkov")
    human = (f"T1\tPerson {start} {start + 8}\tVladimir\n"
             "N1\tReference T1 CTKG:vladimir-voronkov\tVladimir Voronkov\n")
    ann.write_text(human, encoding="utf-8")
    suggest_document(layout, doc_id)
    once = ann.read_text("utf-8")
    assert once.startswith(human)
    doc = read_document(layout.corpus / f"{doc_id}.txt")
    spans = [tb.fragments[0] for tb in doc.textbounds.values() if tb.id != "T1"]
    assert all(e <= start or s >= start + 8 for s, e in spans)  # nothing over T1
    again = suggest_document(layout, doc_id)
    assert ann.read_text("utf-8") == once and not again.lines


def test_a_persons_mention_without_reference_gets_one(tmp_path: Path) -> None:
    layout, doc_id = added(tmp_path)
    ann = layout.corpus / f"{doc_id}.ann"
    minsk, month = TEXT.index("Minsk"), TEXT.index("earlier this month")
    ann.write_text(f"T1\tPlace {minsk} {minsk + 5}\tMinsk\n"
                   f"T2\tTimeExpression {month} {month + 18}\tearlier this month\n",
                   encoding="utf-8")
    found = suggest_document(layout, doc_id)
    assert [(target, item.start) for target, item in found.norms] == [("T1", minsk),
                                                                      ("T2", month)]
    doc = read_document(layout.corpus / f"{doc_id}.txt")
    assert [(n.db, n.key, n.text) for n in doc.norms_of("T1")] == [
        ("CTKG", "minsk", "Minsk"), ("Wikidata", "Q2280", "Minsk")]
    assert [(n.db, n.key) for n in doc.norms_of("T2")] == [("ISO8601", "2019-09")]
    assert [n.text for n in doc.notes_of("T1")] == [f"note={MARK}"]
    assert not [tb for tb in doc.textbounds.values()  # no second mention on those spans
                if tb.id not in ("T1", "T2") and tb.start in (minsk, month)]
    again = suggest_document(layout, doc_id)
    assert again.norms == [] and not again.lines


def test_a_statement_span_does_not_block_the_mentions_inside_it(tmp_path: Path) -> None:
    layout, doc_id = added(tmp_path)
    line = TEXT.split("\n")[1]
    start = TEXT.index(line)
    (layout.corpus / f"{doc_id}.ann").write_text(
        f"T1\tStatement {start} {start + len(line)}\t{line}\n", encoding="utf-8")
    found = suggest_document(layout, doc_id)
    assert "Minsk" in [TEXT[m.start:m.end] for m in found.names]


def test_unknown_names_are_listed_not_registered(tmp_path: Path) -> None:
    layout, doc_id = added(tmp_path, "Talks with the Zorbonian Ministry of Peace in Minsk.\n")
    registry = layout.registry.read_bytes()
    found = suggest_document(layout, doc_id)
    assert "Zorbonian Ministry of Peace" in found.candidates
    assert layout.registry.read_bytes() == registry


def test_add_refuses_a_bad_text_with_its_place(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    project(tmp_path)
    source = tmp_path / "bad.txt"
    source.write_bytes(b"line one\nline \xe9two\n")
    assert main(["add", str(source), "--date", "2019", "--kind", "NewsArticle",
                 "--publisher", "", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "bad.txt:2: error: not UTF-8 at line 2, column 6" in err


def test_add_suggest_confirm_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The path of CONTRIBUTING's "Add a document", through the command line."""
    layout = project(tmp_path)
    source = tmp_path / "new.txt"
    source.write_text(TEXT, encoding="utf-8")
    root = ["--root", str(tmp_path)]
    assert main(["add", str(source), "--date", "2019-09-26", "--kind", "SpeechTranscript",
                 "--publisher", "", "--title", "Excerpt", *root]) == 0
    doc_id = re.search(r"added (\S+):", capsys.readouterr().out)[1]  # type: ignore[index]
    assert main(["suggest", doc_id, *root]) == 0
    assert main(["check", *root]) == 1  # unconfirmed suggestions stop the build
    assert "unconfirmed suggestion" in capsys.readouterr().out
    confirm(layout.corpus / f"{doc_id}.ann")
    errors = [p for p in check_corpus(layout) if p.severity == "error"]
    assert len(errors) == 2 and all("is attached to nothing" in p.message for p in errors)
    attach_times(layout.corpus / f"{doc_id}.ann", {
        "International High-Level Conference": "earlier this month",
        "2018 High-Level Conference of Heads of Counter-Terrorism Agencies of Member States":
            "2018"})
    errors = [p for p in check_corpus(layout) if p.severity == "error"]
    assert errors == []
    assert main(["refresh", *root]) == 0
    out = capsys.readouterr().out
    assert "built 6 documents" in out and "ctkg.trig" in out
    quads = (layout.kg / "ctkg.nq").read_text("utf-8")
    assert f"<https://w3id.org/ctkg/id/person/vladimir-voronkov> " \
           f"<http://groundedannotationframework.org/gaf#denotedBy> " \
           f"<https://w3id.org/ctkg/id/mention/{doc_id}/T1> " \
           f"<https://w3id.org/ctkg/graph/{doc_id}> ." in quads
    assert main(["build", "--check", *root]) == 0


def test_a_month_dated_document_gets_the_week_of_the_event_it_names(tmp_path: Path) -> None:
    """001 (dated 2018-06) without its annotation: its "next week" and "next Thursday and
    Friday" get the week of the 2018 conference it names, with evidence= another document
    that dates the conference, and the note says how; valid brat, idempotent."""
    layout = project(tmp_path)
    ann = layout.corpus / "001_e7a55351cc1b0881.ann"
    ann.write_text("", encoding="utf-8")
    suggest_document(layout, "001_e7a55351cc1b0881")
    doc = read_document(layout.corpus / "001_e7a55351cc1b0881.txt")
    assert not doc.problems
    times = {tb.text: tb for tb in doc.textbounds.values() if tb.type == "TimeExpression"}
    week = times["next week"]
    assert [n.key for n in doc.norms_of(week.id)] == ["2018-W26"]  # a week, not a day
    assert [n.key for n in doc.norms_of(times["next Thursday and Friday"].id)] == [
        "2018-06-28/2018-06-29"]
    note = next(n.text for n in doc.notes.values() if n.target == week.id)
    assert note.startswith("anchor=2018-06 rule=next-week evidence=000_4f7ada5e30202a80 "
                           f"note={MARK}; the week of hlc-2018 (2018-06-28/2018-06-29)")
    before = ann.read_text("utf-8")
    assert suggest_document(layout, "001_e7a55351cc1b0881").lines == []
    assert ann.read_text("utf-8") == before
