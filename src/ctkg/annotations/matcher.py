"""Finding the mentions of things the registry knows: a gazetteer and an Aho-Corasick scan.

The names of a thing are its registry label, its ``alt_labels`` and the text of every
mention the corpus already normalizes to it, each trimmed as the guidelines trim spans (no
leading determiner or honorific, §2.1). A name shared by two things (``conference``,
``Secretary-General``) and a pronoun are no names: which thing they denote depends on the
sentence, so the person decides. pyahocorasick (the ``suggest`` extra) finds every name in one
pass over the text; the rules of a match are then:

* word boundaries: no letter or digit, and no hyphen joined to one, on either side
  (``terrorism`` is not found in ``counter-terrorism``);
* case: an all-capital word of a name (``UN``, ``ISIL``) matches only as written, a
  one-word capitalized name (``Mali``) only capitalized; otherwise case is free (a sentence
  may begin with ``Violent extremism``);
* longest first: a shorter name inside a longer one is kept only where the guidelines nest
  mentions (§2.2, :data:`NESTS`: a threat in a goal, a technology in a threat, an
  organization in a post or in a nominal like ``UN chief``), never inside a proper name;
  crossing matches are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ctkg.errors import CTKGError

_TRIM = re.compile(r"^(?:(?:the|a|an|mr\.|mrs\.|ms\.|dr\.|h\.e\.|(?:his|her|your) excellency,?)"
                   r"\s+)+", re.I)
_ANAPHORIC = re.compile(r"^(?:this|these|that|those|its|their|his|her|our)\s", re.I)
PRONOUNS = frozenset(["i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she",
                      "her", "it", "its", "they", "them", "their", "this", "that", "these", "those",
                      "who", "whom"])
_FUNCTION_WORDS = frozenset(["of", "the", "and", "for", "on", "in", "at", "to", "a", "an", "de"])
CONCEPTS = frozenset({"Threat", "PolicyGoal", "Technology"})
ENTITY_KINDS = frozenset({"Person", "Organization", "Place", "Post", "PolicyInstrument"})
# which mention may sit inside which (§2.2): a threat in a goal, a technology in a threat, an
# organization in a post or in a nominal person mention (``UN chief``)
NESTS = {"PolicyGoal": frozenset({"Threat"}), "Threat": frozenset({"Technology"}),
         "Post": frozenset({"Organization"}), "Person": frozenset({"Organization"})}
_LABEL_SUFFIX = re.compile(r"\s+\([^()]*\)$")


@dataclass(frozen=True)
class Match:
    """A name found in the text: its span and the registry slug it names."""

    start: int
    end: int
    slug: str
    outer_type: str  # the brat type it would get (decides nesting)


@dataclass
class Gazetteer:
    """Lower-cased name -> (form as written, slug); names of more than one slug dropped."""

    names: dict[str, tuple[str, str]]
    ambiguous: dict[str, set[str]]


def trim(name: str) -> str:
    """A name as the guidelines would span it: no leading determiner or honorific, no
    trailing ``(2018)``-style qualifier of a registry label."""
    return _TRIM.sub("", _LABEL_SUFFIX.sub("", name.strip())).strip()


def usable(name: str) -> bool:
    """A name that can be suggested without reading the sentence."""
    return len(name) >= 2 and name.lower() not in PRONOUNS and "\n" not in name \
        and not _ANAPHORIC.match(name)


def build_gazetteer(names: Iterable[tuple[str, str]], types: dict[str, str],
                    *, spans: Iterable[tuple[str, str]] = (),
                    expand: Callable[[str], list[str]] | None = None) -> Gazetteer:
    """From ``(name, slug)`` pairs of the registry (labels and alt labels, trimmed as the
    guidelines trim spans) and ``spans``, mention texts of the corpus (already spans as the
    guidelines want them); ``types`` gives each slug's brat type (see :func:`fits`).
    ``expand`` gives a name's spelling variants: one is a name of its thing unless it is
    a real name of another (or a variant of two things)."""
    by_key: dict[str, dict[str, str]] = {}
    pairs = [(trim(raw) if types.get(slug) not in CONCEPTS else raw.strip(), slug)
             for raw, slug in names if usable(raw)]
    for form, slug in [*pairs, *spans]:
        if usable(form) and fits(form, types.get(slug, "")):
            by_key.setdefault(form.lower(), {}).setdefault(slug, form)
    extra: dict[str, dict[str, str]] = {}
    for forms in list(by_key.values()) if expand is not None else ():
        for slug, form in forms.items():
            for variant in expand(form) if expand and types.get(slug) not in CONCEPTS else ():
                if variant.lower() not in by_key:
                    extra.setdefault(variant.lower(), {}).setdefault(slug, variant)
    by_key.update(extra)
    names_out: dict[str, tuple[str, str]] = {}
    for key, forms in by_key.items():
        posts = [slug for slug in forms if types.get(slug) == "Post"]
        if len(posts) == 1 and all(types.get(s) in ("Post", "Person") for s in forms):
            forms = {posts[0]: forms[posts[0]]}  # a bare title: the post (see titles rule)
        if len(forms) == 1:
            slug, form = next(iter(forms.items()))
            names_out[key] = (form, slug)
    ambiguous = {k: set(v) for k, v in by_key.items() if len(v) > 1}
    return Gazetteer(names_out, ambiguous)


def fits(form: str, mention_type: str) -> bool:
    """A one-word name is anaphoric (``conference``, ``official``, ``The Conference``)
    unless it names a concept (``terrorism``) or is capitalized inside the sentence as a
    proper name is (``Guterres``, ``UNOCT``); an event is never named by one word."""
    if " " in form:
        return True
    if mention_type in CONCEPTS:
        return True
    return form[:1].isupper() and mention_type in ENTITY_KINDS


def _lower(text: str) -> str:
    """Lower-case, one code point for one (offsets stay those of ``text``)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _boundary(text: str, i: int, step: int) -> bool:
    """Whether position ``i`` (the char after the end, or before the start) is outside a
    word: nothing, or not alphanumeric, and not a hyphen joined to a word."""
    if i < 0 or i >= len(text):
        return True
    c = text[i]
    if c.isalnum():
        return False
    if c == "-":
        j = i + step
        return not (0 <= j < len(text) and text[j].isalnum())
    return True


def case_fits(form: str, found: str) -> bool:
    """The case rules of the module docstring."""
    for want, got in zip(form.split(), found.split(), strict=False):
        if len(want) >= 2 and want.isupper() and want != got:
            return False
    single = len(form.split()) == 1 and form[:1].isupper()
    return not single or found[:1].isupper()


def is_proper_name(form: str) -> bool:
    """Every content word capitalized (``Office of Counter-Terrorism``): nothing nests in it."""
    words = [w for w in re.split(r"[\s]+", form) if w.lower() not in _FUNCTION_WORDS]
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def find_names(text: str, gazetteer: Gazetteer, types: dict[str, str]) -> list[Match]:
    """Every registry name of ``text`` by the rules of the module docstring; ``types`` maps
    each slug to the brat type it would be annotated with."""
    try:
        import ahocorasick  # the optional "suggest" extra: imported where it is used
    except ImportError:
        raise CTKGError.single("ctkg suggest", None, "needs pyahocorasick: "
                               "pip install -e \".[suggest]\"") from None

    automaton = ahocorasick.Automaton()
    for key, (form, slug) in gazetteer.names.items():
        automaton.add_word(key, (form, slug))
    if not gazetteer.names:
        return []
    automaton.make_automaton()
    candidates: list[tuple[Match, str]] = []
    for end_index, (form, slug) in automaton.iter(_lower(text)):
        start, end = end_index - len(form) + 1, end_index + 1
        found = text[start:end]
        if _boundary(text, start - 1, -1) and _boundary(text, end, 1) \
                and case_fits(form, found):
            candidates.append((Match(start, end, slug, types.get(slug, "")), form))
    return _select(candidates)


def _select(candidates: list[tuple[Match, str]]) -> list[Match]:
    """Longest first; nested only inside descriptive outer mentions; no crossing."""
    candidates.sort(key=lambda c: (c[0].start - c[0].end, c[0].start))
    taken: list[tuple[Match, str]] = []
    for match, form in candidates:
        ok = True
        for other, other_form in taken:
            if match.end <= other.start or match.start >= other.end:
                continue
            inside = other.start <= match.start and match.end <= other.end
            nests = match.outer_type in NESTS.get(other.outer_type, ()) and (
                other.outer_type != "Person" or not is_proper_name(other_form))
            if not inside or not nests or other.slug == match.slug:
                ok = False
                break
        if ok:
            taken.append((match, form))
    return sorted((m for m, _ in taken), key=lambda m: (m.start, -m.end))
