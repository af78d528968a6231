"""Re-anchoring: fix offsets only when the new place is unambiguous; keep other bytes."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.anchor import anchor_file
from ctkg.cli.main import main

TEXT = "The UN met. Then the UN spoke. Guterres spoke twice; Guterres left.\n"


def write(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    (tmp_path / "d.txt").write_text(text, encoding="utf-8", newline="\n")
    path = tmp_path / "d.ann"
    path.write_bytes(ann.encode("utf-8"))
    return path


def test_unique_occurrence_is_reanchored_and_other_bytes_kept(tmp_path: Path) -> None:
    ann = ("T1\tPerson 0 5\tGuterres\n"           # wrong offsets, two occurrences: nearest
           "#1\tAnnotatorNotes T1\tnote=keep  spacing\n"
           "T2\tOrganization 4 6\tUN\n")           # already right
    path = write(tmp_path, ann)
    outcomes, before, after = anchor_file(path)
    assert [(o.ann_id, o.new) for o in outcomes] == [("T1", ((31, 39),))]
    assert after == before.replace(b"Person 0 5", b"Person 31 39")
    code = main(["anchor", str(path)])
    assert code == 0 and path.read_bytes() == before  # report only
    assert main(["anchor", "--write", str(path)]) == 0
    assert path.read_bytes() == after


def test_ambiguous_is_reported_not_guessed(tmp_path: Path, capsys) -> None:
    # "ab" at 0 and 10, the old start 5 is 5 from each: a tie
    path = write(tmp_path, "T1\tOrganization 5 7\tab\n", text="ab...ZZ...ab\n")
    outcomes, before, after = anchor_file(path)
    assert len(outcomes) == 1 and outcomes[0].new is None
    assert "ambiguous: 2 occurrences equally near 5" in outcomes[0].reason
    assert after == before
    assert main(["anchor", "--write", str(path)]) == 1
    assert path.read_bytes() == before
    assert "d.ann:1: error: T1: not re-anchored" in capsys.readouterr().out


def test_missing_text_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "T1\tPerson 0 5\tNobody\n")
    outcomes, _, _ = anchor_file(path)
    assert outcomes[0].new is None and "'Nobody' not found" in outcomes[0].reason
    assert main(["anchor", str(path)]) == 1


def test_nearest_of_several_wins_when_strictly_nearest(tmp_path: Path) -> None:
    path = write(tmp_path, "T1\tOrganization 23 25\tUN\n")  # off by two from 21
    outcomes, _, _ = anchor_file(path)
    assert outcomes[0].new == ((21, 23),)


def test_discontinuous_fragments_are_reanchored_each(tmp_path: Path) -> None:
    # the text gained a prefix of 4 characters: both fragments move by 4
    old = "The UN met. Then"
    new_text = "New: " + TEXT
    ann = f"T1\tOrganization 4 6;12 16\tUN Then\n{'#'}1\tAnnotatorNotes T1\tnote=x\n"
    assert old[4:6] == "UN" and old[12:16] == "Then"
    path = write(tmp_path, ann, text=new_text)
    outcomes, _, after = anchor_file(path)
    assert outcomes[0].new == ((9, 11), (17, 21))
    assert after.startswith(b"T1\tOrganization 9 11;17 21\tUN Then\n")


def test_crlf_and_unicode_lines_are_preserved(tmp_path: Path) -> None:
    text = "António Guterres spoke.\n"
    ann = "T1\tPerson 1 17\tAntónio Guterres\r\nT2\tPerson 0 7\tAntónio\r\n"
    path = write(tmp_path, ann, text=text)
    outcomes, before, after = anchor_file(path)
    assert [o.ann_id for o in outcomes] == ["T1"]
    assert after == before.replace(b"Person 1 17", b"Person 0 16")
