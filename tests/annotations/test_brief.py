"""What the build keeps of a document after compiling (ctkg.annotations.brief)."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.brat import read_document
from ctkg.annotations.brief import DocBrief


def test_a_brief_keeps_the_ids_files_hashes_and_counts(tmp_path: Path) -> None:
    txt = tmp_path / "001_a.txt"
    txt.write_text("Alice met Bob. Bob did not leave.\n", encoding="utf-8")
    ann = tmp_path / "001_a.ann"
    ann.write_text("T1\tPerson 0 5\tAlice\nT2\tPerson 10 13\tBob\n"
                   "T3\tMeeting 6 9\tmet\nE1\tMeeting:T3 Participant:T1 Participant2:T2\n"
                   "A1\tNegation E1\nR1\tSameAs Arg1:T1 Arg2:T2\n", encoding="utf-8")
    doc = read_document(txt, ann)
    brief = DocBrief.of(doc)
    assert (brief.doc_id, brief.txt_path, brief.ann_path) == ("001_a", txt, ann)
    assert (brief.txt_sha256, brief.ann_sha256) == (doc.txt_sha256, doc.ann_sha256)
    assert brief.txt_sha256 and brief.ann_sha256
    assert (brief.textbounds, brief.events, brief.relations, brief.negated) == (
        len(doc.textbounds), len(doc.events), len(doc.relations), 1)
    assert (brief.textbounds, brief.events, brief.relations) == (3, 1, 1)
