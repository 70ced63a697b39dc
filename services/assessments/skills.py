"""Mapping what people write about their skills ("MS Excel", "knowledge of Python", "Comunication")
to O*NET elements and technologies and to ESCO skills. Pure: the vocabulary comes in as an argument.

Each text is normalized the same way as every label (case, punctuation, leading phrases such as
"knowledge of", a trailing "skills", the alias table below), then looked up: a label equal to it
is an ``exact`` match, an alternative label equal to it an ``alt_label`` match. Failing both, a
``fuzzy`` match is offered only for a label with *as many words* that is spelled nearly the same
(difflib's ratio at least ``FUZZY_MIN``): it tolerates typos and inflection ("Comunication",
"communications") but never a word added or dropped, so "communication" is never taken for
"teaching communication" (a narrower skill) as embedding matchers are known to do. A fuzzy match
is flagged as such for a person to confirm; it is never counted as a plain match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

MatchKind = Literal["exact", "alt_label", "fuzzy", "none"]
FUZZY_MIN = 0.86
BLOCK = 3  # one-word fuzzy candidates share the first or the last letters with the text
SMALL_WORDS = frozenset({"a", "an", "and", "or", "of", "the", "in", "for", "to", "at", "on", "with"})
# Abbreviations and other names people write, in normalized form (see ``normalize``): whole texts.
ALIASES = {
    "ms excel": "microsoft excel",
    "excel": "microsoft excel",
    "ms word": "microsoft word",
    "ms office": "microsoft office software",
    "microsoft office": "microsoft office software",
    "ms powerpoint": "microsoft powerpoint",
    "powerpoint": "microsoft powerpoint",
    "ms access": "microsoft access",
    "ms outlook": "microsoft outlook",
    "ms teams": "microsoft teams",
    "ms project": "microsoft project",
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "k8s": "kubernetes",
    "postgres": "postgresql",
    "ml": "machine learning",
    "seo": "conduct search engine optimisation",
    "ui": "user interface design software",
    "erp": "enterprise resource planning erp software",
    "crm": "customer relationship management",
    "customer care": "customer service",
    "book keeping": "bookkeeping",
    "cashiering": "operate cash register",
    "teamwork": "work in teams",
    "first aid": "apply first aid",
    "cpr": "cardiopulmonary resuscitation",
    "hr": "human resources",
    "pm": "project management",
}
LEADING = (
    "knowledge of",
    "knowledge in",
    "proficiency in",
    "proficient in",
    "proficient with",
    "experience with",
    "experience in",
    "experienced in",
    "skilled in",
    "skills in",
    "expertise in",
    "familiarity with",
    "familiar with",
    "good",
    "excellent",
    "strong",
)
TRAILING = ("skills", "skill")
_PUNCTUATION = re.compile(r"[^\w+#]+")
_LEADING = re.compile(r"^(?:(?:" + "|".join(LEADING) + r") )+(?=\S)")
_TRAILING = re.compile(r"(?<=\S)(?: (?:" + "|".join(TRAILING) + r"))+$")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces (``+`` and ``#`` kept: C++, C#), leading phrases such as
    "knowledge of" and a trailing "skills" dropped, then the alias table."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    words = _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded).replace("_", " ")).strip()
    words = _TRAILING.sub("", _LEADING.sub("", words))
    return ALIASES.get(words, words)


@dataclass(frozen=True)
class Concept:
    """One thing a skill text can map to: an O*NET element or technology, or an ESCO skill."""

    scheme: str  # "onet" or "esco"
    id: str  # O*NET element id (2.A.1.a), "technology:<example>", or the ESCO skill's URI
    label: str
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkillMatch:
    text: str
    match: MatchKind
    concept: Concept | None = None
    matched_label: str | None = None  # the label or alternative label that matched
    score: float = 0.0  # 1 for exact and alternative-label matches, the spelling ratio for fuzzy ones

    def as_dict(self) -> dict[str, Any]:
        c = self.concept
        return {
            "text": self.text,
            "scheme": c.scheme if c else None,
            "id": c.id if c else None,
            "label": c.label if c else None,
            "match": self.match,
            "matched_label": self.matched_label,
            "score": round(self.score, 3),
        }


class Vocabulary:
    """Concepts indexed by normalized label, alternative label and the first letters of each word.
    Where two concepts share a normalized label, the one given first wins (give O*NET's first)."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: tuple[Concept, ...] = tuple(concepts)
        self._exact: dict[str, Concept] = {}
        self._alt: dict[str, tuple[Concept, str]] = {}
        self._blocks: dict[tuple[int, str], list[tuple[str, Concept, str]]] = {}
        self._by_id: dict[tuple[str, str], Concept] | None = None
        for concept in self.concepts:
            label = normalize(concept.label)
            if label:
                self._exact.setdefault(label, concept)
                self._block(label, concept, concept.label)
            for alt in concept.alt_labels:
                text = normalize(alt)
                if text and text not in self._alt:
                    self._alt[text] = (concept, alt)
                    self._block(text, concept, alt)

    def _block(self, text: str, concept: Concept, original: str) -> None:
        entry = (text, concept, original)
        for key in _blocks_of(text.split(" ")):
            self._blocks.setdefault(key, []).append(entry)

    def __len__(self) -> int:
        return len(self.concepts)

    def concept(self, scheme: str, concept_id: str) -> Concept | None:
        """The concept of that scheme and id, if the vocabulary holds it."""
        if self._by_id is None:
            self._by_id = {(c.scheme, c.id): c for c in self.concepts}
        return self._by_id.get((scheme, concept_id))

    def match(self, text: str) -> SkillMatch:
        """The best match for one skill text: exact, then alternative label, then fuzzy, else none."""
        wanted = normalize(text)
        if not wanted:
            return SkillMatch(text, "none")
        if wanted in self._exact:
            concept = self._exact[wanted]
            return SkillMatch(text, "exact", concept, concept.label, 1.0)
        if wanted in self._alt:
            concept, alt = self._alt[wanted]
            return SkillMatch(text, "alt_label", concept, alt, 1.0)
        return self._fuzzy(text, wanted)

    def _fuzzy(self, text: str, wanted: str) -> SkillMatch:
        words = wanted.split(" ")
        best: tuple[float, str, Concept, str] | None = None
        seen: set[str] = set()
        # difflib caches what it learns of its second text: the wanted one, compared to each candidate.
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(wanted)
        shortest = len(wanted) * FUZZY_MIN / (2 - FUZZY_MIN)
        longest = len(wanted) * (2 - FUZZY_MIN) / FUZZY_MIN
        for block in self._fewest(_blocks_of(words), len(words)):
            for candidate, concept, original in self._blocks.get(block, ()):
                if candidate in seen or not shortest <= len(candidate) <= longest:
                    continue  # a ratio of FUZZY_MIN needs lengths that close
                seen.add(candidate)
                matcher.set_seq1(candidate)
                if matcher.quick_ratio() < FUZZY_MIN:
                    continue
                ratio = matcher.ratio()
                if ratio >= FUZZY_MIN and (best is None or ratio > best[0]):
                    best = (ratio, candidate, concept, original)
        if best is None:
            return SkillMatch(text, "none")
        return SkillMatch(text, "fuzzy", best[2], best[3], best[0])

    def _fewest(self, blocks: set[tuple[int, str]], words: int) -> list[tuple[int, str]]:
        """A one-word text's blocks; of a longer text's, the smallest one there is: a label within
        reach of a text with one word misspelt shares each of its other words, the rarest too."""
        if words == 1:
            return sorted(blocks)
        found = sorted((len(self._blocks[b]), b) for b in blocks if b in self._blocks)
        return [found[0][1]] if found else []

    def match_all(self, texts: Iterable[str]) -> list[SkillMatch]:
        return [self.match(text) for text in texts]


def _blocks_of(words: list[str]) -> set[tuple[int, str]]:
    """Where fuzzy candidates are looked for: a one-word text among one-word labels sharing its
    first or last letters; a longer one among labels of as many words sharing a whole word (a typo
    rarely hits every word), small words such as "of" aside."""
    if len(words) == 1:
        return {(1, "<" + words[0][:BLOCK]), (1, words[0][-BLOCK:] + ">")}
    return {(len(words), word) for word in words if word not in SMALL_WORDS}


def vocabulary_of(
    requirements: Iterable[Mapping[str, Any]], esco_skills: Mapping[str, Mapping[str, Any]]
) -> Vocabulary:
    """O*NET's skill and knowledge elements and technologies named by the requirements documents,
    then the ESCO skills (``{uri: {label, alt_labels}}``)."""
    elements: dict[str, Concept] = {}
    technologies: dict[str, Concept] = {}
    for doc in requirements:
        for part in ("skills", "knowledge"):
            for element in doc.get(part) or ():
                elements.setdefault(element["id"], Concept("onet", element["id"], element["name"]))
        for tech in doc.get("technology") or ():
            key = tech["example"].casefold()
            technologies.setdefault(key, Concept("onet", f"technology:{tech['example']}", tech["example"]))
    esco = [
        Concept("esco", uri, str(skill["label"]), tuple(skill.get("alt_labels") or ()))
        for uri, skill in esco_skills.items()
    ]
    return Vocabulary([*sorted(elements.values(), key=lambda c: c.id), *technologies.values(), *esco])
