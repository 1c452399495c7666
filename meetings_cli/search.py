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

import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import echo
from .names import fold, phonetic_key, plain_key
from .query import QueryError, Selection

if TYPE_CHECKING:
    from .model import Person

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
    """The words and phrases of a query that are searched for (folded, without stopwords).

    Raises QueryError (a usage error) for a query with nothing to search for.
    """
    return [term.text for clause in parse_query(text).clauses for term in clause]


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


#: Field prefixes (`person:shoigu`) and the index column each searches.
FIELDS = {
    "person": "participants",
    "country": "participants",
    "topic": "topics",
    "quote": "quotes",
    "summary": "summary",
    "title": "title",
    "event": "event",
    "location": "location",
    "notes": "notes",
}

_TOKEN = re.compile(
    r'(?P<exclude>-)?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)


class Term(NamedTuple):
    """A word to find (with its typos and forms), or with several words an exact phrase;
    in one column of the index, or in any."""

    words: tuple[str, ...]  # folded
    column: str | None = None

    @property
    def text(self) -> str:
        """The term as a reader would write it."""
        return " ".join(self.words)


class ParsedQuery(NamedTuple):
    """A search: every clause must hold, a clause if any of its terms does; no excluded
    term may."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]


def parse_query(text: str, excluded: Sequence[str] = ()) -> ParsedQuery:
    """The operators of a query: "exact phrase", OR between terms, -word (excluded), and
    field:word (see FIELDS); excluded adds words given apart (--not).

    Raises QueryError (a usage error) for an unknown field, a stray OR, or a query
    with nothing to search for.
    """
    tokens = list(_TOKEN.finditer(text))
    clauses: list[list[Term]] = []
    left_out: list[Term] = [Term(tuple(_WORD.findall(fold(w)))) for w in excluded]
    dropped: list[str] = []
    joining = False
    for number, token in enumerate(tokens):
        field, phrase, word = token["field"], token["phrase"], token["word"]
        if word == "OR" and not field and not token["exclude"]:
            if not clauses or joining:
                raise QueryError(f"OR in {echo(text)} needs a word on each side")
            joining = True
            continue
        column = _column(field, text) if field else None
        words = tuple(_WORD.findall(fold(phrase if phrase is not None else word)))
        if not words:
            continue
        followed_by_or = number + 1 < len(tokens) and tokens[number + 1]["word"] == "OR"
        if token["exclude"]:
            left_out.append(Term(words, column))
            continue
        if phrase is not None or (len(words) > 1 and (joining or followed_by_or)):
            terms = [Term(words, column)]
        else:
            terms = [Term((w,), column) for w in words if w not in STOPWORDS]
            dropped += [w for w in words if w in STOPWORDS]
            if not terms:
                continue
        if joining:
            clauses[-1].append(terms.pop(0))
            joining = False
        clauses += [[term] for term in terms]
    if joining:
        raise QueryError(f"OR in {echo(text)} needs a word on each side")
    left_out = [term for term in left_out if term.words]
    if not clauses:
        if dropped:
            raise QueryError(
                f"{echo(text)} has only common words ({', '.join(dict.fromkeys(dropped))}),"
                " which are not searched for: add a name, place or topic"
            )
        if left_out:
            raise QueryError(
                f"nothing to search for in {echo(text)} but words to leave out: give a word"
            )
        raise QueryError(f"nothing to search for in {echo(text)}: give a word")
    return ParsedQuery(tuple(map(tuple, clauses)), tuple(left_out))


def _column(field: str, text: str) -> str:
    column = FIELDS.get(field.casefold())
    if column is None:
        from .query import suggestion

        fields = ", ".join(f"{name}:" for name in FIELDS)
        hint = suggestion(field, FIELDS)
        raise QueryError(f"no field {echo(field + ':')} in {echo(text)}{hint}; fields: {fields}")
    return column


def _term_expansions(words: list[Word], term: Term) -> list[Expansion]:
    """What a term stands for in the index: an exact phrase, or a word's expansions,
    in the term's column if it has one."""
    if len(term.words) > 1:
        return [Expansion(term.text, term.text, EXACT, term.column)]
    found = expand(words, term.words[0])
    if term.column is None:
        return found
    # Sounding alike counts in names only.
    kept = [e for e in found if e.column is None or e.column == term.column]
    return [e._replace(column=term.column) for e in kept]


def _fts(term: Term) -> str:
    """A term as an FTS5 query: its words as one phrase, in its column if it has one."""
    return _phrase(Expansion(term.text, term.text, EXACT, term.column))


def search_meetings(
    db: sqlite3.Connection,
    text: str,
    selection: Selection,
    limit: int | None = None,
    *,
    context: bool = False,
    excluded: Sequence[str] = (),
) -> list[SearchHit]:
    """The meetings (among those selected) that the query holds for, best first.

    See parse_query for the operators. With context, context items are searched
    too and ranked among the meetings. Raises QueryError for a query with
    nothing to search for, or an unknown field.
    """
    parsed = parse_query(text, excluded)
    vocabulary_words = vocabulary(db)
    expanded = [
        [_term_expansions(vocabulary_words, t) for t in clause] for clause in parsed.clauses
    ]
    merged = [[e for term in clause for e in term] for clause in expanded]
    if not all(merged):
        return []
    left_out = " OR ".join(_fts(term) for term in parsed.excluded) or None
    hits = _ranked(db, "meetings", "search", merged, selection, limit, left_out)
    if context:
        every = Selection("1", ())
        hits += _ranked(db, "context", "context_search", merged, every, limit, left_out)
        hits.sort(key=lambda hit: (-hit[1], hit[2] is None, hit[2] or "", hit[3]))
    texts = _texts_of(db)
    return [
        SearchHit(
            record, score, _where_matched(texts(kind, record), parsed.clauses, expanded), kind
        )
        for record, score, _, _, kind in (hits[:limit] if limit else hits)
    ]


def _texts_of(db: sqlite3.Connection) -> Callable[[str, str], list[str]]:
    """The texts a hit was indexed by, from its kind and its record's JSON: the index keeps
    no copy of them (people are read once, at the first hit)."""
    from .store.tables import iter_people, search_texts

    people: dict[str, Person] = {}

    def texts(kind: str, record: str) -> list[str]:
        if not people:
            people.update((person.id, person) for person in iter_people(db))
        return list(search_texts(kind, json.loads(record), people))

    return texts


class SourceHit(NamedTuple):
    """An article that matched: its source's id, its score (0-100), where each word matched."""

    source: str
    score: float
    matches: tuple[FieldMatch, ...]


def search_sources(
    db: sqlite3.Connection,
    text: str,
    selection: Selection | None = None,
    limit: int | None = None,
    *,
    excluded: Sequence[str] = (),
) -> list[SourceHit]:
    """The source articles whose texts the query holds for, best first (among the sources
    the selected meetings cite, if a selection is given)."""
    parsed = parse_query(text, excluded)
    if any(term.column for clause in parsed.clauses for term in clause) or any(
        term.column for term in parsed.excluded
    ):
        raise QueryError("field prefixes (person:, topic:, ...) search meetings, not articles")
    rows = db.execute("SELECT word, folded FROM article_words")
    words = [Word(word, folded, None) for word, folded in rows]
    expanded = [[_term_expansions(words, t) for t in clause] for clause in parsed.clauses]
    merged = [[e for term in clause for e in term] for clause in expanded]
    if not all(merged):
        return []
    ctes, joins, mean, params = _levels("article_search", merged)
    where = "1"
    if selection is not None:
        where = (
            "a.source IN (SELECT source FROM meeting_sources WHERE meeting IN"
            f" (SELECT m.rowid FROM meetings m WHERE {selection.where}))"
        )
        params += list(selection.params)
    if parsed.excluded:
        where += (
            " AND a.rowid NOT IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)"
        )
        params.append(" OR ".join(_fts(term) for term in parsed.excluded))
    sql = (
        f"WITH {ctes} SELECT a.source, round(({mean}) / {len(merged)}.0, 1) AS rank,"
        f" verified(a.text, a.checksum) FROM articles a {joins.replace('m.rowid', 'a.rowid')}"
        f" WHERE {where} ORDER BY rank DESC, a.rowid" + (" LIMIT ?" if limit else "")
    )
    found = db.execute(sql, (*params, *([limit] if limit else []))).fetchall()
    return [
        SourceHit(source, score, _where_matched([body], parsed.clauses, expanded, ("text",)))
        for source, score, body in found
    ]


def _levels(index: str, expanded: list[list[Expansion]]) -> tuple[str, str, str, list[Any]]:
    """The common table expressions t0, t1, ... (rowid, best score) of the rows of an index
    holding an expansion of each clause; the joins to them from `m`; the sum of their
    scores; and the parameters."""
    levels: list[str] = []
    params: list[Any] = []
    for number, expansions in enumerate(expanded):
        # One row per (record, score level) a clause's expansions reach; the best counts.
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
    return ", ".join(levels), joins, mean, params


def _ranked(
    db: sqlite3.Connection,
    table: str,
    index: str,
    expanded: list[list[Expansion]],
    selection: Selection,
    limit: int | None,
    excluded: str | None = None,
) -> list[tuple[Any, ...]]:
    """(record, score, start, id, kind) of the rows of table (meetings or context) whose
    index row holds an expansion of every clause and none of excluded (an FTS5 query), best
    first."""
    ctes, joins, mean, params = _levels(index, expanded)
    where, filter_params = selection
    if excluded:
        where += f" AND m.rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
        filter_params = (*filter_params, excluded)
    kind = "meeting" if table == "meetings" else "context"
    # Ranked on the index's columns alone; records are read for the hits kept.
    sql = (
        f"WITH {ctes}, hits AS (SELECT m.rowid, m.start, m.id,"
        f" round(({mean}) / {len(expanded)}.0, 1) AS rank FROM {table} m {joins}"
        f" WHERE {where} ORDER BY rank DESC, m.start IS NULL, m.start, m.id"
        + (" LIMIT ?" if limit else "")
        + ") SELECT verified(r.record, r.checksum), hits.rank, hits.start, hits.id,"
        f" '{kind}' FROM hits JOIN {table} r ON r.rowid = hits.rowid"
        " ORDER BY hits.rank DESC, hits.start IS NULL, hits.start, hits.id"
    )
    return db.execute(sql, (*params, *filter_params, *([limit] if limit else []))).fetchall()


def _best_match(
    term: str,
    fields: list[str],
    anywhere: dict[str, float] | None = None,
    in_names: dict[str, float] | None = None,
    columns: Sequence[str] | None = None,
    only: str | None = None,
) -> FieldMatch | None:
    """The best-scoring word of the fields (named by columns: the index's, by default) for a
    query word: by its expansions, if given; in column only, if given."""
    from .store import SEARCH_COLUMNS

    best: FieldMatch | None = None
    for field, text in zip(columns or SEARCH_COLUMNS, fields, strict=True):
        if only is not None and field != only:
            continue
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


def _phrase_match(term: Term, fields: list[str], columns: Sequence[str]) -> FieldMatch | None:
    """The first place in the fields where the words of a phrase follow one another."""
    size = len(term.words)
    for field, text in zip(columns, fields, strict=True):
        if term.column is not None and field != term.column:
            continue
        found = list(_WORD.finditer(text or ""))
        words = [fold(match.group()) for match in found]
        for at in range(len(words) - size + 1):
            if tuple(words[at : at + size]) == term.words:
                start, end = found[at].start(), found[at + size - 1].end()
                return FieldMatch(field, term.text, text[start:end], text, start, end, EXACT)
    return None


def _phrase(expansion: Expansion) -> str:
    quoted = '"' + expansion.word.replace('"', '""') + '"'
    return f"{expansion.column} : {quoted}" if expansion.column else quoted


def _where_matched(
    fields: list[str],
    clauses: tuple[tuple[Term, ...], ...],
    expanded: list[list[list[Expansion]]],
    columns: Sequence[str] | None = None,
) -> tuple[FieldMatch, ...]:
    """For each clause of a query, the field and word (or phrase) of a record's texts (one per
    column: the index's, by default) that matches best.

    A word of the text scores as the expansion it is; only a text tokenised
    differently from the index falls back to scoring every word.
    """
    from .store import SEARCH_COLUMNS

    columns = columns or SEARCH_COLUMNS
    found = []
    for clause, clause_expansions in zip(clauses, expanded, strict=True):
        best: FieldMatch | None = None
        for term, expansions in zip(clause, clause_expansions, strict=True):
            if len(term.words) > 1:
                match = _phrase_match(term, fields, columns)
            else:
                anywhere: dict[str, float] = {}
                in_names: dict[str, float] = {}
                for e in expansions:
                    scores = (
                        in_names if e.column == "participants" and not term.column else anywhere
                    )
                    scores[e.folded] = max(scores.get(e.folded, 0.0), e.score)
                word = term.words[0]
                match = _best_match(
                    word, fields, anywhere, in_names, columns, term.column
                ) or _best_match(word, fields, None, None, columns, term.column)
            if match is not None and (best is None or match.score > best.score):
                best = match
        if best is not None:
            found.append(best)
    return tuple(found)
