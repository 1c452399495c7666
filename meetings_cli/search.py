"""Ranked search over the FTS5 indexes of the compiled database. No printing.

Every word of a query must be found somewhere in a meeting: its title, summary,
quotes, topics, participants (their names in any known spelling, countries and
roles), event, location or notes. A word stands for the indexed words equal to
it, those of the same English stem ("meeting" finds "meetings"), and with `word*`
those it begins; the forms of a term of the search vocabulary (`terms`: U.S., US,
United States) stand for each other. Only a word the index lacks and English
lacks too is corrected ("terorism" finds "terrorism"; a name by its sound): a
real word no record holds ("tanks") finds nothing and says so, with the nearest
words as a suggestion. A query of more than LONG_QUERY distinct words (a pasted
paragraph) is ranked instead: bm25 over any of its words, common words dropped.
A meeting's score is the mean over query words of the best expansion it holds.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import echo
from .expansion import (
    EXACT,
    LONG_QUERY,
    LONG_SHARE,
    MAX_QUERY_WORDS,
    STOPWORDS,
    Expansion,
    Vocabulary,
    WordFound,
    common_words,
    expand,
    vocabulary,
)
from .names import fold
from .query import QueryError, Selection
from .terms import MARKER, marker

_WORD = re.compile(r"\w+")

if TYPE_CHECKING:
    from .model import Person
    from .terms import TermIndex


class FieldMatch(NamedTuple):
    """Where one query word was found: the field, the word, its place in the text (the
    line of the field that holds it), and whose line that is (a participant, a speaker)."""

    field: str
    term: str
    matched: str
    text: str
    start: int
    end: int
    score: float
    who: str | None = None
    basis: str | None = None  # "curator": the name matched is the curators', not an article's


class SearchHit(NamedTuple):
    """A meeting that matched (its stored JSON), its score (0-100), where each word matched."""

    record: str
    score: float
    matches: tuple[FieldMatch, ...]
    kind: str = "meeting"  # or "context"


class Searched(NamedTuple):
    """What a search found, what it said about the query's words (corrections, on standard
    error), and why it found nothing, if it did not."""

    hits: list[Any]
    notes: tuple[str, ...] = ()
    missing: str = ""


def query_terms(text: str) -> list[str]:
    """The words and phrases of a query that are searched for (folded, without stopwords).

    Raises QueryError (a usage error) for a query with nothing to search for.
    """
    return [term.text for clause in parse_query(text).clauses for term in clause]


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
    """A word to find (with its forms and typos), or with several words an exact phrase;
    in one column of the index, or in any; with prefix, any word it begins (`word*`)."""

    words: tuple[str, ...]  # folded
    column: str | None = None
    prefix: bool = False
    typed: str = ""  # what a term's marker word stands for, as typed

    @property
    def text(self) -> str:
        """The term as a reader would write it."""
        return self.typed or " ".join(self.words) + ("*" if self.prefix else "")


class ParsedQuery(NamedTuple):
    """A search: every clause must hold, a clause if any of its terms does; no excluded
    term may."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]


def parse_query(
    text: str, excluded: Sequence[str] = (), terms: "TermIndex | None" = None
) -> ParsedQuery:
    """The operators of a query: "exact phrase", OR between terms, -word (excluded),
    field:word (see FIELDS) and word* (any word it begins); excluded adds words given
    apart (--not); terms, the search vocabulary, makes each form of a term one word.

    Raises QueryError (a usage error) for an unknown field, a stray OR, an option
    after `--`, a query too long, or one with nothing to search for.
    """
    _refuse_options(text)
    typed: dict[str, str] = {}
    if terms is not None:
        text, typed = terms.in_query(text)
        excluded = [terms.in_query(word)[0] for word in excluded]
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) > MAX_QUERY_WORDS:
        raise QueryError(
            f"a query of {len(tokens):,} words: at most {MAX_QUERY_WORDS} are searched for;"
            " keep the passage's distinctive words"
        )
    clauses: list[list[Term]] = []
    left_out = [Term(tuple(_WORD.findall(fold(w)))) for w in excluded]
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
        prefix = phrase is None and word.endswith("*")
        words = tuple(_WORD.findall(fold(phrase if phrase is not None else word)))
        if not words:
            continue
        followed_by_or = number + 1 < len(tokens) and tokens[number + 1]["word"] == "OR"
        if token["exclude"]:
            left_out.append(Term(words, column))
            continue
        if phrase is not None or (len(words) > 1 and (joining or followed_by_or)):
            groups = [[Term(words, column)]]
        elif len(words) > 1 and "-" in word:  # counter-terrorism: as a phrase, or one word
            groups = [[Term(words, column), Term(("".join(words),), column)]]
        else:
            kept = [w for w in words if w not in STOPWORDS]
            dropped += [w for w in words if w in STOPWORDS]
            groups = [
                [Term((w,), column, prefix and w == kept[-1], typed.get(w, ""))] for w in kept
            ]
            if not groups:
                continue
        if joining:
            clauses[-1].extend(groups.pop(0))
            joining = False
        clauses += groups
    if joining:
        raise QueryError(f"OR in {echo(text)} needs a word on each side")
    left_out = [term for term in left_out if term.words]
    if not clauses:
        _nothing_to_search(text, dropped, bool(left_out))
    return ParsedQuery(tuple(map(tuple, clauses)), tuple(left_out))


def _refuse_options(text: str) -> None:
    """After `--` every word is query text: one that looks like an option is refused, never
    read as a word to leave out or find (`search -- syria --not terrorism`)."""
    for word in text.split():
        if word.startswith("--") and len(word) > 2:
            raise QueryError(
                f"{echo(word)} is in the query: after -- every word is searched for. Put"
                f" options before -- (search {word} ... -- WORDS), or leave a word out"
                " with -WORD"
            )


def _nothing_to_search(text: str, dropped: list[str], excluding: bool) -> None:
    if dropped:
        raise QueryError(
            f"{echo(text)} has only common words ({', '.join(dict.fromkeys(dropped))}),"
            " which are not searched for: add a name, place or topic"
        )
    if excluding:
        raise QueryError(
            f"nothing to search for in {echo(text)} but words to leave out: give a word"
        )
    raise QueryError(f"nothing to search for in {echo(text)}: give a word")


def _column(field: str, text: str) -> str:
    column = FIELDS.get(field.casefold())
    if column is None:
        from .query import suggestion

        fields = ", ".join(f"{name}:" for name in FIELDS)
        hint = suggestion(field, FIELDS)
        raise QueryError(f"no field {echo(field + ':')} in {echo(text)}{hint}; fields: {fields}")
    return column


class Plan(NamedTuple):
    """A query's clauses, each term's expansions, and what to say about its words."""

    parsed: ParsedQuery
    expanded: list[list[list[Expansion]]]  # per clause, per term
    notes: tuple[str, ...]
    missing: str

    @property
    def merged(self) -> list[list[Expansion]]:
        """Each clause's expansions, all its terms' together."""
        return [[e for term in clause for e in term] for clause in self.expanded]


def plan(parsed: ParsedQuery, words: Vocabulary, *, correct: bool = True) -> Plan:
    """Expand every term of a parsed query; say which words were corrected, and which stand
    for nothing (with the nearest indexed words)."""
    expanded: list[list[list[Expansion]]] = []
    notes: list[str] = []
    missing: list[str] = []
    for clause in parsed.clauses:
        found = [_term_expansions(words, term, correct=correct) for term in clause]
        expanded.append([f.expansions for f in found])
        if not any(f.expansions for f in found):
            nearest = sorted({w for f in found for w in f.nearest})[:3]
            hint = f"; nearest words: {', '.join(nearest)}" if nearest else ""
            missing.append(f"no record mentions {echo(clause[0].text)}{hint}")
        for term, f in zip(clause, found, strict=True):
            if f.corrected:
                shown = ", ".join(dict.fromkeys(e.word for e in f.expansions[:3]))
                notes.append(f"no record holds {echo(term.text)}: showing results for {shown}")
    return Plan(parsed, expanded, tuple(notes), "; ".join(missing))


def _term_expansions(words: Vocabulary, term: Term, *, correct: bool = True) -> WordFound:
    """What a term stands for in the index: an exact phrase, or a word's expansions,
    in the term's column if it has one."""
    if len(term.words) > 1:
        return WordFound([Expansion(" ".join(term.words), term.text, EXACT, term.column)])
    found = expand(words, term.words[0], prefix=term.prefix)
    if found.corrected and not correct:
        return WordFound([], nearest=found.nearest)
    if term.column is None:
        return found
    # Sounding alike counts in names only.
    kept = [e for e in found.expansions if e.column is None or e.column == term.column]
    return found._replace(expansions=[e._replace(column=term.column) for e in kept])


def _left_out(parsed: ParsedQuery, words: Vocabulary) -> str | None:
    """The words to leave out as one FTS5 query: each in its forms and stems, as a word to
    find would be (never corrected: -tanks leaves out no "talks")."""
    phrases = []
    for term in parsed.excluded:
        found = _term_expansions(words, term, correct=False).expansions
        exact = Expansion(" ".join(term.words), term.text, EXACT, term.column)
        phrases += [_phrase(e) for e in (exact, *found)]
    return " OR ".join(dict.fromkeys(phrases)) or None


def _terms(db: sqlite3.Connection) -> "TermIndex":
    from .store.tables import read_terms, term_index

    return term_index(read_terms(db))


def search_meetings(
    db: sqlite3.Connection,
    text: str,
    selection: Selection,
    limit: int | None = None,
    *,
    context: bool = False,
    excluded: Sequence[str] = (),
) -> Searched:
    """The meetings (among those selected) that the query holds for, best first.

    See parse_query for the operators. With context, context items are searched
    too and ranked among the meetings. Raises QueryError for a query with
    nothing to search for, or an unknown field.
    """
    terms = _terms(db)
    parsed = parse_query(text, excluded, terms)
    long = _is_long(parsed)
    if long:
        parsed = _long_words(parsed)
    words = vocabulary(db)
    planned = plan(parsed, words, correct=not long)
    left_out = _left_out(parsed, words)
    if long:
        hits = _ranked_any(db, "meetings", "search", planned, selection, left_out)
        if context:
            every = Selection("1", ())
            hits += _ranked_any(db, "context", "context_search", planned, every, left_out)
    else:
        if not all(planned.merged):
            return Searched([], planned.notes, planned.missing)
        hits = _ranked(db, "meetings", "search", planned.merged, selection, limit, left_out)
        if context:
            every = Selection("1", ())
            hits += _ranked(db, "context", "context_search", planned.merged, every, limit, left_out)
    hits.sort(key=lambda hit: (-hit[1], hit[2] is None, hit[2] or "", hit[3]))
    texts = _texts_of(db)
    found = []
    for record, score, _, _, kind in hits[:limit] if limit else hits:
        fields, who = texts(kind, record)
        matches = _where_matched(fields, planned, terms)
        found.append(SearchHit(record, score, tuple(on_its_line(who(m)) for m in matches), kind))
    return Searched(found, planned.notes, "" if found else planned.missing)


def _is_long(parsed: ParsedQuery) -> bool:
    words = {term.words for clause in parsed.clauses for term in clause}
    return len(words) > LONG_QUERY


def _long_words(parsed: ParsedQuery) -> ParsedQuery:
    """A long query's distinct words, common English words dropped, each a clause of its own
    (operators aside: a pasted passage is words)."""
    common = common_words()
    kept: dict[Term, None] = {}
    for clause in parsed.clauses:
        for term in clause:
            for word in term.words:
                if word not in common and (len(word) > 2 or word.isdigit()):
                    kept[Term((word,), term.column, False, term.typed)] = None
    if not kept:
        raise QueryError("a long query of common words only: add a name, place or topic")
    return parsed._replace(clauses=tuple((term,) for term in kept))


def _ranked_any(
    db: sqlite3.Connection,
    table: str,
    index: str,
    planned: Plan,
    selection: Selection,
    excluded: str | None,
) -> list[tuple[Any, ...]]:
    """(record, score, start, id, kind) of the rows holding a good share of a long query's
    words: any of them (FTS5 OR), ranked by how many they hold, then by bm25; one FTS5
    query per word, never a join per word."""
    kept, bm25 = _any_of(db, index, planned)
    if not kept:
        return []
    where, params = selection
    if excluded:
        where += f" AND m.rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
        params = (*params, excluded)
    kind = "meeting" if table == "meetings" else "context"
    rows = db.execute(
        f"SELECT verified(m.record, m.checksum), m.rowid, m.start, m.id FROM {table} m"
        f" WHERE m.rowid IN (SELECT value FROM json_each(?)) AND {where}",
        (json.dumps(list(kept)), *params),
    ).fetchall()
    words = len(planned.merged)
    ranked = sorted(rows, key=lambda row: (-kept[row[1]], bm25.get(row[1], 0.0)))
    return [
        (record, round(100.0 * kept[rowid] / words, 1), start, record_id, kind)
        for record, rowid, start, record_id in ranked
    ]


def _any_of(
    db: sqlite3.Connection, index: str, planned: Plan
) -> tuple[dict[int, int], dict[int, float]]:
    """The rows of an index holding at least two of a long query's words and LONG_SHARE of
    as many as the best row holds (rowid: how many), and their bm25 (lower is better)."""
    # Each word weighs as rare as it is (its inverse document frequency): a passage's
    # words that every record holds (Iran, minister) do not make a record relevant.
    import math

    table = {"search": "meetings", "context_search": "context"}.get(index, "articles")
    (rows,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    counts: dict[int, int] = {}
    weights: dict[int, float] = {}
    for expansions in planned.merged:
        if not expansions:
            continue
        query = " OR ".join(_phrase(e) for e in expansions)
        holding = [
            r for (r,) in db.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", (query,))
        ]
        weight = math.log((rows + 1) / len(holding)) if holding else 0.0
        for rowid in holding:
            counts[rowid] = counts.get(rowid, 0) + 1
            weights[rowid] = weights.get(rowid, 0.0) + weight
    if not counts:
        return {}, {}
    best = max(weights.values())
    kept = {
        rowid: n for rowid, n in counts.items() if n >= 2 and weights[rowid] >= LONG_SHARE * best
    }
    every = " OR ".join(_phrase(e) for expansions in planned.merged for e in expansions)
    bm25 = dict(
        db.execute(
            f"SELECT rowid, bm25({index}) FROM {index} WHERE {index} MATCH ?"
            " AND rowid IN (SELECT value FROM json_each(?))",
            (every, json.dumps(list(kept))),
        ).fetchall()
    )
    return kept, bm25


def _texts_of(
    db: sqlite3.Connection,
) -> Callable[[str, str], tuple[list[str], Callable[[FieldMatch], FieldMatch]]]:
    """The texts a hit was indexed by, from its kind and its record's JSON (the index keeps
    no copy of them; people are read once, at the first hit), and what names a match's
    line: the participant or speaker it is of, and whether the name is the curators'."""
    from .store.tables import iter_people, search_texts

    people: dict[str, Person] = {}

    def texts(kind: str, record: str) -> tuple[list[str], Callable[[FieldMatch], FieldMatch]]:
        if not people:
            people.update((person.id, person) for person in iter_people(db))
        value = json.loads(record)
        return list(search_texts(kind, value, people)), functools.partial(
            _named, value, kind, people
        )

    return texts


def _named(
    record: dict[str, Any], kind: str, people: dict[str, "Person"], match: FieldMatch
) -> FieldMatch:
    """A match with whose line it is: a participant's (and whether the name matched is
    one the curators supplied) or a quote's speaker."""
    number = match.text.count("\n", 0, match.start) if match.text else 0
    if match.field == "participants":
        listed = record["participants"] if kind == "meeting" else record["people"]
        if number < len(listed):
            person = people.get(listed[number]["id"])
            if person is not None:
                return match._replace(who=person.name, basis=_name_basis(person, match.matched))
    if match.field == "quotes" and number < len(record["quotes"]):
        return match._replace(who=record["quotes"][number]["speaker"] or "speaker not named")
    return match


def _name_basis(person: "Person", matched: str) -> str | None:
    """ "curator" if the word matched is only in a name the curators supplied."""
    word = fold(matched)
    stated = [person.name, person.short_name, *person.spellings]
    if any(word in fold(name).split() for name in stated):
        return None
    supplied = [n.name for n in (*person.native_names, *person.other_names)]
    return "curator" if any(word in fold(name).split() for name in supplied) else None


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
) -> Searched:
    """The source articles whose texts the query holds for, best first (among the sources
    the selected meetings cite, if a selection is given)."""
    terms = _terms(db)
    parsed = parse_query(text, excluded, terms)
    if any(term.column for clause in parsed.clauses for term in clause) or any(
        term.column for term in parsed.excluded
    ):
        raise QueryError("field prefixes (person:, topic:, ...) search meetings, not articles")
    long = _is_long(parsed)
    if long:
        parsed = _long_words(parsed)
    words = vocabulary(db, "article_words")
    planned = plan(parsed, words, correct=not long)
    where, params = "1", []
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
        params.append(_left_out(parsed, words))
    if long:
        kept, bm25 = _any_of(db, "article_search", planned)
        rows = db.execute(
            "SELECT a.source, a.rowid, verified(a.text, a.checksum) FROM articles a"
            f" WHERE a.rowid IN (SELECT value FROM json_each(?)) AND {where}",
            (json.dumps(list(kept)), *params),
        ).fetchall()
        rows.sort(key=lambda row: (-kept[row[1]], bm25.get(row[1], 0.0)))
        size = len(planned.merged)
        found = [(source, round(100.0 * kept[n] / size, 1), body) for source, n, body in rows]
        found = found[:limit] if limit else found
    elif not all(planned.merged):
        return Searched([], planned.notes, planned.missing)
    else:
        ctes, joins, mean, level_params = _levels("article_search", planned.merged)
        sql = (
            f"WITH {ctes} SELECT a.source, round(({mean}) / {len(planned.merged)}.0, 1) AS rank,"
            f" verified(a.text, a.checksum) FROM articles a {joins.replace('m.rowid', 'a.rowid')}"
            f" WHERE {where} ORDER BY rank DESC, a.rowid" + (" LIMIT ?" if limit else "")
        )
        found = db.execute(sql, (*level_params, *params, *([limit] if limit else []))).fetchall()
    hits = [
        SourceHit(source, score, _where_matched([body], planned, terms, ("text",)))
        for source, score, body in found
    ]
    return Searched(hits, planned.notes, "" if hits else planned.missing)


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
    term: Term,
    fields: list[str],
    scores: tuple[dict[str, float], dict[str, float]],
    columns: Sequence[str],
    terms: "TermIndex",
) -> FieldMatch | None:
    """The best-scoring word of the fields (named by columns) for a query word, each word
    scoring as the expansion it is (anywhere, or in names only); never a word that is an
    exact-case form of a term (US, when the query says us)."""
    anywhere, in_names = scores
    best: FieldMatch | None = None
    for field, text in zip(columns, fields, strict=True):
        if term.column is not None and field != term.column:
            continue
        names = field == "participants"
        for word_match in _WORD.finditer(text or ""):
            word = fold(word_match.group())
            score = max(anywhere.get(word, 0.0), in_names.get(word, 0.0) if names else 0.0)
            if score and (best is None or score > best.score):
                if terms.is_exact(word_match.group()):
                    continue
                best = FieldMatch(
                    field, term.text, word_match.group(), text,
                    word_match.start(), word_match.end(), score,
                )  # fmt: skip
    return best


def _phrase_match(
    words: tuple[str, ...], label: str, score: float, fields: list[str], columns: Sequence[str],
    column: str | None,
) -> FieldMatch | None:  # fmt: skip
    """The first place in the fields where the words of a phrase follow one another."""
    size = len(words)
    for field, text in zip(columns, fields, strict=True):
        if column is not None and field != column:
            continue
        found = list(_WORD.finditer(text or ""))
        folded = [fold(match.group()) for match in found]
        for at in range(len(folded) - size + 1):
            if tuple(folded[at : at + size]) == words:
                start, end = found[at].start(), found[at + size - 1].end()
                return FieldMatch(field, label, text[start:end], text, start, end, score)
    return None


def _form_match(
    term: Term, fields: list[str], columns: Sequence[str], terms: "TermIndex"
) -> FieldMatch | None:
    """The first place in the fields where a form of the term a marker stands for is."""
    term_id = next((t for t in terms.terms if marker(t) == term.words[0]), None)
    for field, text in zip(columns, fields, strict=True):
        if term.column is not None and field != term.column:
            continue
        outer = terms.find(text or "")
        for start, end, found in sorted(outer + terms.nested(text, outer)):
            if found == term_id:
                return FieldMatch(field, term.text, text[start:end], text, start, end, EXACT)
    return None


def _phrase(expansion: Expansion) -> str:
    quoted = '"' + expansion.word.replace('"', '""') + '"'
    return f"{expansion.column} : {quoted}" if expansion.column else quoted


def _where_matched(
    fields: list[str],
    planned: Plan,
    terms: "TermIndex",
    columns: Sequence[str] | None = None,
) -> tuple[FieldMatch, ...]:
    """For each clause of a query, the field and word (or phrase, or form of a term) of a
    record's texts (one per column: the index's, by default) that matches best."""
    from .store import SEARCH_COLUMNS

    columns = columns or SEARCH_COLUMNS
    found = []
    for clause, clause_expansions in zip(planned.parsed.clauses, planned.expanded, strict=True):
        candidates: list[FieldMatch | None] = []
        for term, expansions in zip(clause, clause_expansions, strict=True):
            if term.words[0].startswith(MARKER):
                candidates.append(_form_match(term, fields, columns, terms))
                continue
            if len(term.words) > 1:
                candidates.append(
                    _phrase_match(term.words, term.text, EXACT, fields, columns, term.column)
                )
                continue
            anywhere: dict[str, float] = {}
            in_names: dict[str, float] = {}
            for e in expansions:
                if " " in e.folded:  # a compound, as two words
                    words = tuple(e.folded.split())
                    candidates.append(
                        _phrase_match(words, term.text, e.score, fields, columns, term.column)
                    )
                    continue
                scores = in_names if e.column == "participants" and not term.column else anywhere
                scores[e.folded] = max(scores.get(e.folded, 0.0), e.score)
            candidates.append(_best_match(term, fields, (anywhere, in_names), columns, terms))
        matches = [match for match in candidates if match is not None]
        if matches:
            found.append(max(matches, key=lambda match: match.score))
    return tuple(found)


def on_its_line(match: FieldMatch) -> FieldMatch:
    """A match with its text cut to the line that holds it (one participant, one quote)."""
    start = match.text.rfind("\n", 0, match.start) + 1
    end = match.text.find("\n", match.end)
    end = len(match.text) if end == -1 else end
    return match._replace(
        text=match.text[start:end], start=match.start - start, end=match.end - start
    )
