"""Ranked, typo-tolerant search over meetings. Pure functions: no I/O, no printing.

Every word of the query must be found somewhere in a meeting (in its title,
summary, topics, quotes, event, location, participants' names in any known
spelling, or notes). A word counts as found when a word of the field equals
it, starts with it, sounds like it (names), or is within a small edit distance
("terorism" finds "terrorism"). A meeting's score is the mean of its words'
best scores; meetings are ranked by score, then by date.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .match import aliases_of, fold, phonetic_key, plain_key
from .model import Dataset, Meeting

#: Words too common to search for on their own.
STOPWORDS = frozenset("a an and the of in on at to for with by from or is was".split())

#: A fuzzy word match must score at least this (rapidfuzz ratio, 0-100).
FUZZY_WORD = 80.0
EXACT, PREFIX, SOUNDS_LIKE = 100.0, 90.0, 92.0

_WORD = re.compile(r"\w+")


class FieldText(NamedTuple):
    """One searchable text of a meeting."""

    field: str
    text: str


class FieldMatch(NamedTuple):
    """Where one query word was found: the field, the word, its place in the text."""

    field: str
    term: str
    matched: str
    text: str
    start: int
    end: int
    score: float


class SearchHit(NamedTuple):
    """A meeting that matched, its score (0-100) and where each query word matched."""

    meeting: Meeting
    score: float
    matches: tuple[FieldMatch, ...]


def query_terms(text: str) -> list[str]:
    """The words of a query that are searched for (folded, without stopwords)."""
    words = fold(text).split()
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words


def searchable_fields(dataset: Dataset, meeting: Meeting) -> Iterator[FieldText]:
    """Every text of a meeting that search looks in, with the field's name."""
    # On a tie the earlier field wins, so prose (better snippets) comes first.
    yield FieldText("title", meeting.title)
    yield FieldText("summary", meeting.summary)
    for quote in meeting.quotes:
        yield FieldText("quotes", quote.text)
    yield FieldText("topics", ", ".join(meeting.topics))
    for participant in meeting.participants:
        person = dataset.person_by_id[participant.person]
        names = [text for text, _ in aliases_of(person)]
        yield FieldText("participants", ", ".join(dict.fromkeys(names)))
    event = dataset.event_by_id.get(meeting.event) if meeting.event else None
    if event:
        yield FieldText("event", f"{event.name} ({event.short_name})")
    yield FieldText("location", meeting.location)
    if meeting.notes:
        yield FieldText("notes", meeting.notes)


def search_meetings(
    dataset: Dataset, text: str, meetings: Iterable[Meeting], limit: int | None = None
) -> list[SearchHit]:
    """The meetings that contain every query word, best first."""
    terms = query_terms(text)
    if not terms:
        return []
    hits = []
    for meeting in meetings:
        hit = _score(terms, meeting, list(searchable_fields(dataset, meeting)))
        if hit is not None:
            hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.meeting.date.start, h.meeting.id))
    return hits[:limit] if limit else hits


def _score(terms: list[str], meeting: Meeting, fields: list[FieldText]) -> SearchHit | None:
    found: list[FieldMatch] = []
    for term in terms:
        best: FieldMatch | None = None
        for field in fields:
            candidate = _best_in_field(term, field)
            if candidate is not None and (best is None or candidate.score > best.score):
                best = candidate
        if best is None:
            return None
        found.append(best)
    score = sum(m.score for m in found) / len(found)
    return SearchHit(meeting, round(score, 1), tuple(found))


def _best_in_field(term: str, field: FieldText) -> FieldMatch | None:
    best: FieldMatch | None = None
    term_sound = phonetic_key(plain_key(term)) if field.field == "participants" else ""
    for word_match in _WORD.finditer(field.text):
        word = fold(word_match.group())
        score = _word_score(term, word, term_sound)
        if score and (best is None or score > best.score):
            best = FieldMatch(
                field.field,
                term,
                word_match.group(),
                field.text,
                word_match.start(),
                word_match.end(),
                score,
            )
            if score == EXACT:
                break
    return best


def _word_score(term: str, word: str, term_sound: str) -> float:
    if word == term:
        return EXACT
    if term_sound and term_sound == phonetic_key(plain_key(word)):
        return SOUNDS_LIKE
    if len(term) >= 3 and word.startswith(term):
        return PREFIX
    if len(term) >= 4 and abs(len(word) - len(term)) <= 3:
        from rapidfuzz.fuzz import ratio

        score = ratio(term, word)
        if score >= FUZZY_WORD:
            return round(score * 0.9, 1)  # below a prefix match of the same word
    return 0.0
