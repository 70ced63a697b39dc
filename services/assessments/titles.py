"""Finding occupations by a job title a person would type ("cashier", "boda boda rider"). Pure.

Titles, O*NET's alternate titles and the titles of the ESCO occupations mapped to an occupation
are indexed word by word (lower case, punctuation dropped, a plural "s" taken off, small words
such as "and" ignored). A search ranks, best first:

1. ``title``: the text is the occupation's title ("cashier" finds *Cashiers*);
2. ``alternate_title``: the text is one of its other titles;
3. ``words``: every word of the text is in one of its titles, fewer other words first;
4. ``some_words``: some words are, more of them first.

Within a rank, a match on the title beats one on another title, then the code decides. A few
Kenyan ways of naming work are read as the words O*NET uses (``LOCAL_TERMS``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RANKS = ("title", "alternate_title", "words", "some_words")
SMALL_WORDS = frozenset(
    {"a", "an", "and", "or", "of", "the", "in", "for", "to", "at", "on", "with", "all", "other"}
)
# Kenyan names for work, in normalized form, read as O*NET's words.
LOCAL_TERMS = {
    "boda boda rider": "motorcycle taxi driver",
    "boda boda": "motorcycle taxi",
    "boda": "motorcycle taxi",
    "matatu": "bus",
    "tuk tuk": "taxi",
    "m pesa agent": "teller",
    "mpesa agent": "teller",
    "mobile money agent": "teller",
    "mama mboga": "produce vendor",
    "mitumba": "clothing vendor",
    "jua kali": "metal fabricator",
    "fundi": "repairer",
    "askari": "security guard",
    "house help": "housekeeper",
    "shamba": "farm",
}
_WORD = re.compile(r"[^\w+#]+")


def words_of(text: str) -> tuple[str, ...]:
    """The words a title is indexed and searched by: folded, stripped of a plural s and small words."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("'", "")
    plain = " ".join(_WORD.sub(" ", folded).replace("_", " ").split())
    for local, onet in LOCAL_TERMS.items():
        plain = re.sub(rf"\b{re.escape(local)}\b", onet, plain)
    return tuple(_stem(w) for w in plain.split() if w not in SMALL_WORDS)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class TitleHit:
    code: str
    title: str  # the occupation's own title
    matched_title: str  # the title the text was found in
    match: str  # one of RANKS

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "title": self.title,
            "matched_title": self.matched_title,
            "match": self.match,
        }


@dataclass(frozen=True)
class _Entry:
    code: str
    text: str
    words: tuple[str, ...]
    is_title: bool


class TitleIndex:
    """Every occupation's titles, indexed by word."""

    def __init__(self, occupations: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        """``occupations``: (code, title, other titles) each."""
        self.titles: dict[str, str] = {}
        self._entries: list[_Entry] = []
        self._whole: dict[tuple[str, ...], list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        for code, title, others in occupations:
            self.titles[code] = title
            seen: set[tuple[str, ...]] = set()
            for text, is_title in ((title, True), *((o, False) for o in others)):
                words = words_of(text)
                if not words or words in seen:
                    continue
                seen.add(words)
                index = len(self._entries)
                self._entries.append(_Entry(code, text, words, is_title))
                self._whole.setdefault(words, []).append(index)
                for word in set(words):
                    self._by_word.setdefault(word, []).append(index)

    def __len__(self) -> int:
        return len(self.titles)

    def search(self, text: str) -> list[TitleHit]:
        """Every occupation with a title sharing a word with ``text``, best first (see the module)."""
        wanted = words_of(text)
        if not wanted:
            return []
        best: dict[str, tuple[tuple[int, int, int, int], _Entry]] = {}

        def consider(entry: _Entry, key: tuple[int, int, int, int]) -> None:
            if entry.code not in best or key < best[entry.code][0]:
                best[entry.code] = (key, entry)

        for index in self._whole.get(wanted, ()):
            entry = self._entries[index]
            consider(entry, (0 if entry.is_title else 1, 0, 0, 0))
        shared: dict[int, int] = {}
        for word in set(wanted):
            for index in self._by_word.get(word, ()):
                shared[index] = shared.get(index, 0) + 1
        for index, count in shared.items():
            entry = self._entries[index]
            extra = len(set(entry.words)) - count
            if count == len(set(wanted)):
                consider(entry, (2, 0, extra, 0 if entry.is_title else 1))
            else:
                consider(entry, (3, len(set(wanted)) - count, extra, 0 if entry.is_title else 1))
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
        return [TitleHit(code, self.titles[code], entry.text, RANKS[key[0]]) for code, (key, entry) in ranked]
