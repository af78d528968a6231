"""The lenient .ann reader: what it records, with line numbers, and what it reports."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.brat import base_role, parse_ann, read_document

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
        "",                                # 2 blank: skipped, still counted
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
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10]
    by_line = {p.line: p.message for p in doc.problems}
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
    assert doc.notes["#1"].pairs == {"anchor": "2019-09-26", "rule": "next-year", "note": "free"}
    assert doc.equivs[0].members == ("T1", "T2") and doc.equivs[0].line == 6


def test_read_document_reports_bad_encoding(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "d.ann").write_bytes(b"T1\tPerson 0 3\tcaf\n")
    doc = read_document(tmp_path / "d.txt")
    assert any("not UTF-8" in p.message for p in doc.problems)
    assert doc.textbounds["T1"].text == "caf"
