"""Ranked, typo-tolerant search over the FTS5 index of the compiled database. No printing.

Every word of the query must be found somewhere in a meeting: its title,
summary, quotes, topics, participants (their names in any known spelling,
countries and roles), event, location or notes. Each query word is expanded to
the indexed words that equal it, start with it, sound like it (in names) or are
within a small edit distance of it ("terorism" finds "terrorism"): rapidfuzz
over the index's vocabulary, not over the meetings. FTS5 finds the meetings
holding an expansion of every word; a meeting's score is the mean over query
words of the best expansion it holds. Ties go to the earlier meeting.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import re
import sqlite3
from typing import Any, NamedTuple

from .names import fold, phonetic_key, plain_key
from .query import QueryError, Selection

#: Words too common to search for on their own.
STOPWORDS = frozenset("a an and the of in on at to for with by from or is was".split())

#: A fuzzy word match must score at least this (rapidfuzz ratio, 0-100).
FUZZY_WORD = 80.0
EXACT, PREFIX, SOUNDS_LIKE = 100.0, 90.0, 92.0

_WORD = re.compile(r"\w+")


class Expansion(NamedTuple):
    """An indexed word that stands for a query word, how well, and in which column (or all)."""

    word: str  # as the index has it
    folded: str  # as fold() has it, as query words are
    score: float
    column: str | None


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
    """A meeting that matched (its stored JSON), its score (0-100), where each word matched."""

    record: str
    score: float
    matches: tuple[FieldMatch, ...]
    kind: str = "meeting"  # or "context"


def query_terms(text: str) -> list[str]:
    """The words of a query that are searched for (folded, without stopwords).

    Raises QueryError (a usage error) for a query with nothing to search for.
    """
    words = _WORD.findall(fold(text))
    kept = [w for w in words if w not in STOPWORDS]
    if not words:
        raise QueryError(f"nothing to search for in {text!r}: give a word")
    if not kept:
        raise QueryError(
            f"{text!r} has only common words ({', '.join(dict.fromkeys(words))}),"
            " which are not searched for: add a name, place or topic"
        )
    return kept


def word_score(term: str, word: str, names: bool) -> float:
    """How well an indexed word stands for a query word (0: not at all).

    Sounding alike counts only in names (the participants column).
    """
    if word == term:
        return EXACT
    sound = phonetic_key(plain_key(term)) if names else ""
    if sound and sound == phonetic_key(plain_key(word)):
        return SOUNDS_LIKE
    if len(term) >= 3 and word.startswith(term):
        return PREFIX
    if len(term) >= 4 and abs(len(word) - len(term)) <= 3:
        from rapidfuzz.fuzz import ratio

        score = ratio(term, word)
        if score >= FUZZY_WORD:
            return round(score * 0.9, 1)  # below a prefix match of the same word
    return 0.0


class Word(NamedTuple):
    """An indexed word, folded as query words are, and its sound key if it occurs in names."""

    word: str
    folded: str
    phonetic: str | None


def vocabulary(db: sqlite3.Connection) -> list[Word]:
    """Every word of the search index (kept by the compile in `search_words`)."""
    rows = db.execute("SELECT word, folded, phonetic FROM search_words")
    return [Word(*row) for row in rows]


def expand(words: list[Word], term: str) -> list[Expansion]:
    """The indexed words (of vocabulary()) a query word stands for, best first."""
    from rapidfuzz import process
    from rapidfuzz.fuzz import ratio

    folded = [w.folded for w in words]
    close = process.extract(term, folded, scorer=ratio, score_cutoff=FUZZY_WORD, limit=None)
    near = {index for _, _, index in close}
    near.update(
        i for i, w in enumerate(folded) if w == term or (len(term) >= 3 and w.startswith(term))
    )
    found: list[Expansion] = []
    for index in near:
        word = words[index]
        score = word_score(term, word.folded, names=False)
        if score:
            found.append(Expansion(word.word, word.folded, score, None))
    sound = phonetic_key(plain_key(term))
    if sound:  # titles and offices ("minister") have no key: they sound like nothing
        found += [
            Expansion(w.word, w.folded, SOUNDS_LIKE, "participants")
            for w in words
            if w.phonetic == sound
        ]
    return sorted(found, key=lambda e: (-e.score, e.word))


def search_meetings(
    db: sqlite3.Connection,
    text: str,
    selection: Selection,
    limit: int | None = None,
    *,
    context: bool = False,
) -> list[SearchHit]:
    """The meetings (among those selected) that hold every query word, best first.

    With context, context items are searched too and ranked among the meetings.
    Raises QueryError for a query of only common words (see query_terms).
    """
    terms = query_terms(text)
    expanded = [expand(vocabulary(db), term) for term in terms]
    if not all(expanded):
        return []
    hits = _ranked(db, "meetings", "search", expanded, selection, limit)
    if context:
        hits += _ranked(db, "context", "context_search", expanded, Selection("1", ()), limit)
        hits.sort(key=lambda hit: (-hit[1], hit[2] is None, hit[2] or "", hit[3]))
    return [
        SearchHit(record, score, _where_matched(list(fields), terms, expanded), kind)
        for record, score, _, _, kind, *fields in (hits[:limit] if limit else hits)
    ]


def _ranked(
    db: sqlite3.Connection,
    table: str,
    index: str,
    expanded: list[list[Expansion]],
    selection: Selection,
    limit: int | None,
) -> list[tuple[Any, ...]]:
    """(record, score, start, id, kind, *indexed texts) of the rows of table (meetings or
    context) whose index row holds an expansion of every word, best first."""
    from .store import SEARCH_COLUMNS

    levels: list[str] = []
    params: list[Any] = []
    for number, expansions in enumerate(expanded):
        # One row per (record, score level) a word's expansions reach; the best counts.
        parts = []
        for score in sorted({e.score for e in expansions}, reverse=True):
            level = [e for e in expansions if e.score == score]
            parts.append(f"SELECT rowid, {score!r} AS score FROM {index} WHERE {index} MATCH ?")
            params.append(" OR ".join(_phrase(e) for e in level))
        levels.append(
            f"t{number} AS (SELECT rowid, max(score) AS score FROM ("
            + " UNION ALL ".join(parts)
            + ") GROUP BY rowid)"
        )
    joins = " ".join(f"JOIN t{n} ON t{n}.rowid = m.rowid" for n in range(len(expanded)))
    mean = " + ".join(f"t{n}.score" for n in range(len(expanded)))
    where, filter_params = selection
    texts = ", ".join(f"s.{column}" for column in SEARCH_COLUMNS)
    kind = "meeting" if table == "meetings" else "context"
    # Ranked on the index's columns alone; records and texts are read for the hits kept.
    sql = (
        f"WITH {', '.join(levels)}, hits AS (SELECT m.rowid, m.start, m.id,"
        f" round(({mean}) / {len(expanded)}.0, 1) AS rank FROM {table} m {joins}"
        f" WHERE {where} ORDER BY rank DESC, m.start IS NULL, m.start, m.id"
        + (" LIMIT ?" if limit else "")
        + ") SELECT verified(r.record, r.checksum), hits.rank, hits.start, hits.id,"
        f" '{kind}', {texts}"
        f" FROM hits JOIN {table} r ON r.rowid = hits.rowid"
        f" JOIN {index} s ON s.rowid = hits.rowid"
        " ORDER BY hits.rank DESC, hits.start IS NULL, hits.start, hits.id"
    )
    return db.execute(sql, (*params, *filter_params, *([limit] if limit else []))).fetchall()


def _best_match(
    term: str,
    fields: list[str],
    anywhere: dict[str, float] | None = None,
    in_names: dict[str, float] | None = None,
) -> FieldMatch | None:
    """The best-scoring word of the fields for a query word: by its expansions, if given."""
    from .store import SEARCH_COLUMNS

    best: FieldMatch | None = None
    for field, text in zip(SEARCH_COLUMNS, fields, strict=True):
        names = field == "participants"
        for word_match in _WORD.finditer(text or ""):
            word = fold(word_match.group())
            if anywhere is None or in_names is None:
                score = word_score(term, word, names)
            else:
                score = max(anywhere.get(word, 0.0), in_names.get(word, 0.0) if names else 0.0)
            if score and (best is None or score > best.score):
                best = FieldMatch(
                    field, term, word_match.group(), text,
                    word_match.start(), word_match.end(), score,
                )  # fmt: skip
    return best


def _phrase(expansion: Expansion) -> str:
    quoted = '"' + expansion.word.replace('"', '""') + '"'
    return f"{expansion.column} : {quoted}" if expansion.column else quoted


def _where_matched(
    fields: list[str], terms: list[str], expanded: list[list[Expansion]]
) -> tuple[FieldMatch, ...]:
    """For each query word, the field and word of a meeting (SEARCH_COLUMNS texts) matching best.

    A word of the text scores as the expansion it is; only a text tokenised
    differently from the index falls back to scoring every word.
    """
    found = []
    for term, expansions in zip(terms, expanded, strict=True):
        anywhere: dict[str, float] = {}
        in_names: dict[str, float] = {}
        for e in expansions:
            scores = anywhere if e.column is None else in_names
            scores[e.folded] = max(scores.get(e.folded, 0.0), e.score)
        best = _best_match(term, fields, anywhere, in_names) or _best_match(term, fields)
        if best is not None:
            found.append(best)
    return tuple(found)
