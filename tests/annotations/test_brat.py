"""The lenient .ann reader: what it records, with line numbers, and what it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkg.annotations.brat import base_role, parse_ann, parse_pairs, read_collection, read_document

TEXT = "The United Nations and the Nations of the world met.\n"


def parse(ann: str):
    return parse_ann(ann, doc_id="d", txt_path=Path("d.txt"), ann_path=Path("d.ann"),
                     text=TEXT)


def test_discontinuous_span() -> None:
    doc = parse("T1\tOrganization 4 10;27 34\tUnited Nations\n")
    tb = doc.textbounds["T1"]
    assert tb.fragments == ((4, 10), (27, 34))
    assert (tb.start, tb.end, tb.text, tb.line) == (4, 34, "United Nations", 1)
    assert " ".join(TEXT[s:e] for s, e in tb.fragments) == tb.text


def test_numbered_roles() -> None:
    doc = parse("E1\tMeeting:T1 Participant:T2 Participant2:T3 Place:T4\n")
    ev = doc.events["E1"]
    assert ev.trigger == "T1"
    assert ev.args == (("Participant", "T2"), ("Participant", "T3"), ("Place", "T4"))
    assert ev.raw_roles == ("Participant", "Participant2", "Place")
    assert base_role("CoOrganizer12") == "CoOrganizer" and base_role("Arg1") == "Arg"


def test_malformed_lines_keep_their_line_numbers() -> None:
    ann = "\n".join([
        "T1\tPerson 0 3\tThe",            # 1 ok
        "",                                # 2 empty: brat cannot parse it
        "T2\tPerson zero 3\tThe",          # 3 bad offsets
        "T3\tPerson 0 3",                  # 4 missing text field
        "E1\tMeeting",                     # 5 no TYPE:TRIGGER
        "R1\tpartOf Arg1:E1",              # 6 missing Arg2
        "N1\tReference T1",                # 7 missing DB:KEY
        "X1\tFoo T1",                      # 8 unknown kind
        "A1\tNegation",                    # 9 missing target
        "E2\tMeeting:T1 Place",            # 10 malformed argument
        "T1\tPerson 4 10\tUnited",         # 11 duplicate id (recorded, first kept)
    ]) + "\n"
    doc = parse(ann)
    lines = sorted(p.line for p in doc.problems)
    assert lines == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    by_line = {p.line: p.message for p in doc.problems}
    assert "empty line: brat's loader cannot parse it" in by_line[2]
    assert "malformed offsets" in by_line[3]
    assert "3 TAB-separated fields" in by_line[4]
    assert "unknown annotation kind 'X'" in by_line[8]
    assert "malformed argument 'Place'" in by_line[10]
    assert all(p.file == "d.ann" for p in doc.problems)
    assert doc.id_lines["T1"] == [1, 11] and doc.textbounds["T1"].text == "The"


def test_notes_attributes_normalizations_equivs() -> None:
    doc = parse("T1\tOrganization 4 18\tUnited Nations\n"
                "N1\tReference T1 Wikidata:Q1065\tUnited Nations\n"
                "A1\tModality E1 Planned\n"
                "A2\tNegation R1\n"
                "#1\tAnnotatorNotes T1\tanchor=2019-09-26 rule=next-year note=free text\n"
                "*\tEquiv T1 T2\n")
    n = doc.normalizations["N1"]
    assert (n.target, n.db, n.key, n.line) == ("T1", "Wikidata", "Q1065", 2)
    assert doc.attrs_of("E1") == {"Modality": "Planned"}
    assert doc.attrs_of("R1") == {"Negation": None}
    assert doc.notes["#1"].pairs == {"anchor": "2019-09-26", "rule": "next-year",
                                     "note": "free text"}
    assert doc.equivs[0].members == ("T1", "T2") and doc.equivs[0].line == 6


def test_read_document_reports_bad_encoding(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "d.ann").write_bytes(b"T1\tPerson 0 3\tcaf\n")
    doc = read_document(tmp_path / "d.txt")
    assert any("not UTF-8" in p.message for p in doc.problems)
    assert doc.textbounds["T1"].text == "caf"


@pytest.mark.parametrize("ann_id", ["T1 x", "R1>", "T5}", "T1\r", 'E1"', "T1<", "N1\x00",
                                    "A1é", "TT1", "T1a", "T", "#a1", "#"])
def test_an_id_outside_brat_s_id_rule_is_refused_at_its_line(ann_id: str) -> None:
    """brat's standoff rule: the kind letter (or #) and a number. Its loader also takes a
    free tail after the number ('T1>'), which the compiler cannot put in an IRI."""
    doc = parse(f"T1\tOrganization 4 18\tUnited Nations\n{ann_id}\tOrganization 4 18\tx\n")
    bad = [p for p in doc.problems if p.line == 2]
    assert bad, doc.problems
    assert f"{ann_id!r} is not an annotation id" in bad[0].message
    assert "brat ID rule" in bad[0].message


@pytest.mark.parametrize("ann_id", ["T1", "E12", "R3", "A4", "M5", "N6", "#7", "T01"])
def test_ids_of_every_kind_follow_the_rule(ann_id: str) -> None:
    line = {"T": "Organization 4 18\tUnited Nations", "E": "Meeting:T1", "R":
            "partOf Arg1:E1 Arg2:E2", "A": "Negation E1", "M": "Negation E1",
            "N": "Reference T1 CTKG:un\tUN", "#": "AnnotatorNotes T1\tnote=x"}[ann_id[0]]
    assert parse(f"{ann_id}\t{line}\n").problems == []


@pytest.mark.parametrize("which", ["d.txt", "d.ann"])
def test_not_utf8_names_the_line_and_column_of_the_first_bad_byte(tmp_path: Path,
                                                                   which: str) -> None:
    (tmp_path / "d.txt").write_text("The United Nations\nmet in Genève.\n", "utf-8")
    (tmp_path / "d.ann").write_text("T1\tOrganization 4 18\tUnited Nations\n", "utf-8")
    path = tmp_path / which
    lines = path.read_bytes().split(b"\n")
    lines.insert(1, "é".encode() + b"ab\xffcd")  # line 2, column 4 (é is one character)
    path.write_bytes(b"\n".join(lines))
    [problem] = [p for p in read_document(tmp_path / "d.txt").problems if "UTF-8" in p.message]
    assert (Path(problem.file).name, problem.line) == (which, 2)
    offset = path.read_bytes().index(b"\xff")
    assert f"line 2, column 4 (byte {offset} of the file): 0xff" in problem.message


def test_note_pairs_end_where_note_begins() -> None:
    """``note=`` takes the rest of the line (what the checker checks is what is compiled):
    an ``evidence=`` inside free text is not a key."""
    assert parse_pairs("rule=next-year note=see evidence=a>b") == \
        {"rule": "next-year", "note": "see evidence=a>b"}


@pytest.mark.parametrize("stem", ["a b", "a>b", "a{b}", "é", ".hidden", "x.", "a..b"])
def test_a_document_id_that_cannot_be_an_iri_segment_is_refused(tmp_path: Path,
                                                                 stem: str) -> None:
    (tmp_path / f"{stem}.txt").write_text("The United Nations\n", "utf-8")
    (tmp_path / f"{stem}.ann").write_text("T1\tOrganization 4 18\tUnited Nations\n", "utf-8")
    docs, problems = read_collection(tmp_path)
    assert [d.doc_id for d in docs] == [stem]
    [problem] = problems
    assert problem.line is None and Path(problem.file).name == f"{stem}.txt"
    assert f"document id {stem!r}" in problem.message


def test_document_ids_of_the_corpus_form(tmp_path: Path) -> None:
    for stem in ("000_4f7ada5e30202a80", "900_fixture", "doc.v2", "A-1"):
        (tmp_path / f"{stem}.txt").write_text("x\n", "utf-8")
        (tmp_path / f"{stem}.ann").write_text("", "utf-8")
    assert read_collection(tmp_path)[1] == []


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_a_character_brat_reads_as_a_line_break_is_refused(char: str) -> None:
    """brat reads an .ann with readlines(), which breaks where str.splitlines does."""
    doc = parse(f"T1\tOrganization 4 18\tUnited Nations\n#1\tAnnotatorNotes T1\tnote=a{char}b\n")
    [problem] = doc.problems
    assert problem.line == 2
    assert problem.message.startswith(f"U+{ord(char):04X} in the line: brat's loader")
