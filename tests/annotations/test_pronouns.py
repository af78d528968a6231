"""The pronoun rule of ctkg suggest on small made-up texts (no corpus sentence): a speaker
``he``/``she`` takes the one person of its window; two persons, an unknown ``Mr. Name``, or a
possessive/``it``/``they`` give no suggestion (§2.3 does not annotate those)."""

from __future__ import annotations

from pathlib import Path

from ctkg.annotations.brat import Document, read_document
from ctkg.annotations.matcher import Match
from ctkg.annotations.pronouns import speaker_pronouns, window_start

TYPES = {"ana-silva": "Person", "ben-oduya": "Person", "harbour-office": "Organization"}


def at(text: str, name: str, slug: str, kind: str = "Person", nth: int = 0) -> Match:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Match(start, start + len(name), slug, kind)


def run(text: str, names: list[Match], taken: tuple[int, int] | None = None
        ) -> list[tuple[int, str, str]]:
    doc = Document("900_test", Path("900_test.txt"), Path("900_test.ann"), text)

    def free(start: int, end: int) -> bool:
        return taken is None or end <= taken[0] or start >= taken[1]

    return [(m.start, text[m.start:m.end], m.slug)
            for m in speaker_pronouns(doc, names, TYPES, free)]


def test_a_speaker_pronoun_names_the_one_person_before_it_even_past_a_quote() -> None:
    text = ("Ana Silva opened the harbour talks. “Ports are the front line. They need "
            "help,” she said. She also warned of piracy.\n\nThe Harbour Office agreed.")
    names = [at(text, "Ana Silva", "ana-silva"),
             at(text, "Harbour Office", "harbour-office", "Organization")]
    got = run(text, names)
    assert got == [(text.index("she said"), "she", "ana-silva"),
                   (text.index("She also"), "She", "ana-silva")]  # the second via the first


def test_two_persons_in_the_window_give_no_suggestion() -> None:
    """Gender is not read from anything: with two people the pronoun is left to the person."""
    text = "Ana Silva met Ben Oduya in the port. He said the talks went well."
    names = [at(text, "Ana Silva", "ana-silva"), at(text, "Ben Oduya", "ben-oduya")]
    assert run(text, names) == []
    # the same two people far enough back: the nearest alone is in the window
    text = ("Ana Silva met Ben Oduya. The port was busy. Trade grew. Ben Oduya spoke first. "
            "He said the talks went well.")
    names = [at(text, "Ana Silva", "ana-silva"), at(text, "Ben Oduya", "ben-oduya"),
             at(text, "Ben Oduya", "ben-oduya", nth=1)]
    assert run(text, names) == [(text.index("He said"), "He", "ben-oduya")]


def test_a_person_the_registry_does_not_know_blocks_the_guess() -> None:
    text = "Ana Silva welcomed Mr. Tamsin Kell to the port. He said the talks went well."
    assert run(text, [at(text, "Ana Silva", "ana-silva")]) == []
    # a known person written with an honorific is the same one, not an unknown one
    text = "Mr. Silva welcomed the delegates. He said the talks went well."
    assert run(text, [at(text, "Silva", "ana-silva")]) == [
        (text.index("He said"), "He", "ana-silva")]


def test_only_speaker_pronouns_are_suggested() -> None:
    """Possessives, object pronouns, ``it``/``its``, ``they`` and a ``he`` that is no
    speaker are not annotated by the guidelines (§2, §2.3), so never suggested."""
    text = ("Ana Silva opened the meeting. In his view and in her remarks, it was time; its "
            "aim, they said, was clear. He left early. Ana Silva thanked him.")
    assert run(text, [at(text, "Ana Silva", "ana-silva")]) == []


def test_no_person_before_or_a_covered_span_gives_nothing() -> None:
    text = "He said the port was safe. Ana Silva agreed, she added."
    names = [at(text, "Ana Silva", "ana-silva")]
    assert run(text, names) == [(text.index("she added"), "she", "ana-silva")]
    start = text.index("she added")
    assert run(text, names, taken=(start, start + 3)) == []


def test_annotated_persons_are_antecedents(tmp_path: Path) -> None:
    text = "Ben Oduya spoke. He noted the risks."
    (tmp_path / "900_test.txt").write_text(text, encoding="utf-8")
    (tmp_path / "900_test.ann").write_text(
        "T1\tPerson 0 9\tBen Oduya\nN1\tReference T1 CTKG:ben-oduya\tBen Oduya\n",
        encoding="utf-8")
    doc = read_document(tmp_path / "900_test.txt")
    assert not doc.problems
    found = speaker_pronouns(doc, [], TYPES, lambda a, b: True)
    assert [(text[m.start:m.end], m.slug) for m in found] == [("He", "ben-oduya")]


def test_window_starts_at_the_previous_sentence() -> None:
    text = "One. Two “three.” Four\n\nFive six"
    assert window_start(text, text.index("Four")) == text.index(" Two")
    assert window_start(text, text.index("six")) == text.index(" Four")
    assert window_start(text, 2) == 0
