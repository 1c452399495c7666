"""The words a search word stands for: the index's vocabulary, stems, prefixes, and, for a
word that is neither in the index nor English, corrections. No printing."""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

from .names import phonetic_key, plain_key
from .terms import MARKER, stem

#: Words too common to search for on their own.
STOPWORDS = frozenset("a an and the of in on at to for with by from or is was".split())

#: A query of more distinct words than this is ranked as any of them (a pasted passage);
#: one of more words than MAX_QUERY_WORDS is refused.
LONG_QUERY, MAX_QUERY_WORDS = 8, 200
#: In a long query, the most frequent English words (by the word list's counts) are
#: dropped as stop words; a hit must hold this share of the weight of words (each as rare
#: as it is) that the best hit holds.
COMMON_WORDS, LONG_SHARE = 300, 0.5

EXACT, STEM, SOUNDS_LIKE, PREFIX = 100.0, 95.0, 92.0, 90.0


class Expansion(NamedTuple):
    """An indexed word (or phrase) that stands for a query word, how well, and in which
    column (or all)."""

    word: str  # as the index has it
    folded: str  # as fold() has it, as query words are
    score: float
    column: str | None


class Word(NamedTuple):
    """An indexed word, folded as query words are, its sound key if it occurs in names, and
    its stem."""

    word: str
    folded: str
    phonetic: str | None
    stem: str


class Vocabulary:
    """The words of an index, looked up by their folded form and by their stem."""

    def __init__(self, words: Iterable[Word]) -> None:
        self.words = list(words)
        self.by_folded: dict[str, list[Word]] = {}
        self.by_stem: dict[str, list[Word]] = {}
        for word in self.words:
            self.by_folded.setdefault(word.folded, []).append(word)
            self.by_stem.setdefault(word.stem, []).append(word)


def vocabulary(db: sqlite3.Connection, table: str = "search_words") -> Vocabulary:
    """Every word of the meetings' search index (kept by the compile in `search_words`), or
    of the articles' (`article_words`)."""
    if table == "search_words":
        rows = db.execute("SELECT word, folded, phonetic, stem FROM search_words")
    else:
        rows = db.execute("SELECT word, folded, NULL, stem FROM article_words")
    return Vocabulary(Word(*row) for row in rows)


@functools.lru_cache(maxsize=1)
def _english() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency


def is_english(folded: str) -> bool:
    """Whether a word is a word of English (in pyspellchecker's English word list)."""
    return folded.isascii() and folded in _english()


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The COMMON_WORDS most frequent English words: a long query's stop words."""
    counts = _english()
    return frozenset(word for word, _ in counts.dictionary.most_common(COMMON_WORDS)) | STOPWORDS


class WordFound(NamedTuple):
    """What one query word stands for, and what to say about it."""

    expansions: list[Expansion]
    corrected: bool = False  # a typo, corrected: said, not silent
    nearest: tuple[str, ...] = ()  # when it stands for nothing: the closest indexed words


def expand(words: Vocabulary, term: str, *, prefix: bool = False) -> WordFound:
    """The indexed words a query word stands for, best first (see the module's doc)."""
    if term.startswith(MARKER):
        return WordFound([Expansion(term, term, EXACT, None)])
    found = [Expansion(w.word, w.folded, EXACT, None) for w in words.by_folded.get(term, ())]
    # A word of the index has its stem stored: the stemmer is imported for other words only.
    known = words.by_folded.get(term)
    stem_of = known[0].stem if known else stem(term)
    found += [
        Expansion(w.word, w.folded, STEM, None)
        for w in words.by_stem.get(stem_of, ())
        if w.folded != term
    ]
    if prefix:
        found += [
            Expansion(w.word, w.folded, PREFIX, None)
            for w in words.words
            if w.folded.startswith(term) and w.folded != term and w.stem != stem_of
        ]
    if found or prefix:
        return WordFound(_best_first(found))
    if is_english(term) or term.isdigit():  # a real word: never split, never corrected
        return WordFound([], nearest=_nearest(words, term))
    corrected = _corrections(words, term)
    if not corrected:
        return WordFound([], nearest=_nearest(words, term))
    return WordFound(_best_first(corrected), corrected=True)


def _best_first(found: list[Expansion]) -> list[Expansion]:
    return sorted(found, key=lambda e: (-e.score, e.word))


def _corrections(words: Vocabulary, term: str) -> list[Expansion]:
    """The indexed words a typo stands for: one edit away (two in a word of eight letters
    or more), adjacent letters swapped counting one; in names, those that sound alike."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found: list[Expansion] = []
    if len(term) >= 4:
        most = 1 if len(term) < 8 else 2
        folded = [w.folded for w in words.words]
        close = process.extract(term, folded, scorer=OSA.distance, score_cutoff=most, limit=None)
        # The nearest only: "terorism" is "terrorism" (one edit), not "terrorist" (two).
        fewest = min((edits for _, edits, _ in close), default=0)
        for _, edits, index in close:
            if edits == fewest:
                word = words.words[index]
                score = round(100.0 * (1 - edits / max(len(term), len(word.folded))) * 0.9, 1)
                found.append(Expansion(word.word, word.folded, score, None))
    sound = phonetic_key(plain_key(term))
    if sound:  # titles and offices ("minister") have no key: they sound like nothing
        found += [
            Expansion(w.word, w.folded, SOUNDS_LIKE, "participants")
            for w in words.words
            if w.phonetic == sound
        ]
    return found


def _nearest(words: Vocabulary, term: str) -> tuple[str, ...]:
    from rapidfuzz import process
    from rapidfuzz.fuzz import ratio

    folded = list(words.by_folded)
    close = process.extract(term, folded, scorer=ratio, score_cutoff=70, limit=3)
    return tuple(word for word, _, _ in close)
