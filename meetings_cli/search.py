"""Ranked search over the FTS5 indexes of the compiled database. No printing.

Every word of a query must be found somewhere in a meeting: its title, summary,
quotes, topics, participants (their names in any known spelling, countries and
roles), event, location or notes. A word stands for the indexed words equal to
it, those of the same English stem ("meeting" finds "meetings"), and with `word*`
those it begins; the forms of a term of the search vocabulary (`terms`: U.S., US,
United States) stand for each other. Only a word the index lacks and English
lacks too is corrected ("terorism" finds "terrorism"; a name by its sound): a
real word no record holds ("tanks") finds nothing and says so, with the nearest
words as a suggestion. A meeting's score is the mean over query words of the best
expansion it holds. A query of more than LONG_QUERY distinct words (a pasted
paragraph) is ranked instead (`long_hits`): by the share of its words a record
holds, each weighing as rare as it is, common words dropped, bm25 breaking ties.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import echo
from .expansion import (
    EXACT,
    LONG_QUERY,
    LONG_SHARE,
    Expansion,
    Vocabulary,
    WordFound,
    common_words,
    expand,
    vocabulary,
)
from .grammar import ParsedQuery, Term, parse_query
from .names import fold
from .query import QueryError, Selection
from .terms import HYPHENATED, MARKER, marker

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
    #: Of a person's line: the names on it the curators supplied (marked where shown).
    curator_names: tuple[str, ...] = ()


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


def plan(
    parsed: ParsedQuery,
    words: Vocabulary,
    terms: "TermIndex",
    *,
    correct: bool = True,
    searched: str = "record",
) -> Plan:
    """Expand every term of a parsed query; say which words were corrected, and which stand
    for nothing (with the nearest indexed words) in what is searched (a record, an article)."""
    expanded: list[list[list[Expansion]]] = []
    notes: list[str] = []
    missing: list[str] = []
    for clause in parsed.clauses:
        found = [_term_expansions(words, terms, term, correct=correct) for term in clause]
        expanded.append([f.expansions for f in found])
        if not any(f.expansions for f in found):
            nearest = sorted({w for f in found for w in f.nearest})[:3]
            hint = f"; nearest words: {', '.join(nearest)}" if nearest else ""
            missing.append(f"no {searched} mentions {echo(clause[0].text)}{hint}")
        for term, f in zip(clause, found, strict=True):
            if f.corrected:
                shown = ", ".join(dict.fromkeys(e.word for e in f.expansions[:3]))
                notes.append(
                    f"meetings: no {searched} holds {echo(term.text)}: showing results for {shown}"
                )
    return Plan(parsed, expanded, tuple(notes), "; ".join(missing))


def _term_expansions(
    words: Vocabulary, terms: "TermIndex", term: Term, *, correct: bool = True
) -> WordFound:
    """What a term stands for in the index: an exact phrase, or a word's expansions,
    in the term's column if it has one."""
    if len(term.words) > 1:
        phrase = term.phrase or " ".join(term.words)
        return WordFound([Expansion(phrase, " ".join(term.words), EXACT, term.column)])
    if term.words[0].startswith(MARKER):  # a form of a term: every form, as the index has it
        term_id = terms.term_of(term.words[0])
        phrases = terms.phrases(term_id) if term_id else [term.words[0]]
        return WordFound([Expansion(p, fold(p), EXACT, term.column) for p in phrases])
    if term.exact:  # a word in quotes: that word alone
        known = words.by_folded.get(term.words[0], ())
        return WordFound([Expansion(w.word, w.folded, EXACT, term.column) for w in known])
    found = expand(words, term.words[0], prefix=term.prefix)
    if found.corrected and not correct:
        return WordFound([], nearest=found.nearest)
    if term.column is None:
        return found
    # Sounding alike counts in names only.
    kept = [e for e in found.expansions if e.column is None or e.column == term.column]
    return found._replace(expansions=[e._replace(column=term.column) for e in kept])


def _left_out(parsed: ParsedQuery, words: Vocabulary, terms: "TermIndex") -> str | None:
    """The words to leave out as one FTS5 query: each in its forms and stems, as a word to
    find would be (never corrected: -tanks leaves out no "talks")."""
    phrases = []
    for term in parsed.excluded:
        found = _term_expansions(words, terms, term, correct=False).expansions
        exact = Expansion(term.phrase or " ".join(term.words), term.text, EXACT, term.column)
        phrases += [_phrase(e) for e in (exact, *found)]
    return " OR ".join(dict.fromkeys(phrases)) or None


def _terms(db: sqlite3.Connection) -> "TermIndex":
    from .store.tables import db_term_index

    return db_term_index(db)


def search_meetings(
    db: sqlite3.Connection,
    text: str,
    selection: Selection,
    limit: int | None = None,
    *,
    context: Selection | None = None,
    excluded: Sequence[str] = (),
) -> Searched:
    """The meetings (among those selected) that the query holds for, best first.

    See parse_query for the operators. With context (a selection of context
    items, SQL over `context c`), those items are searched too and ranked among
    the meetings. Raises
    QueryError for a query with nothing to search for, or an unknown field.
    """
    if context is not None and context.where != "1":  # as SQL over `context m`, as searched
        kept = f"m.rowid IN (SELECT c.rowid FROM context c WHERE {context.where})"
        context = Selection(kept, context.params)
    terms = _terms(db)
    parsed = parse_query(text, excluded, terms)
    long = _is_long(parsed)
    if long:
        parsed = _long_words(parsed)
    words = vocabulary(db)
    planned = plan(parsed, words, terms, correct=not long)
    left_out = _left_out(parsed, words, terms)
    if long:
        allowed = {"search": _allowed(db, "meetings", "search", selection, left_out)}
        if context:
            allowed["context_search"] = _allowed(db, "context", "context_search", context, left_out)
        found_long = long_hits(db, allowed, planned)
        hits = _ranked_any(db, "meetings", "search", planned, found_long, selection, left_out)
        if context:
            hits += _ranked_any(
                db, "context", "context_search", planned, found_long, context, left_out
            )
    else:
        if not all(planned.merged):
            return Searched([], planned.notes, planned.missing)
        hits = _ranked(db, "meetings", "search", planned.merged, selection, limit, left_out)
        if context:
            hits += _ranked(
                db, "context", "context_search", planned.merged, context, limit, left_out
            )
    hits.sort(key=lambda hit: (-hit[1], -hit[5], hit[2] is None, hit[2] or "", hit[3]))
    texts = _texts_of(db)
    found = []
    for record, score, _, _, kind, _ in hits[:limit] if limit else hits:
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


class LongHits(NamedTuple):
    """The rows a long query keeps, by index: rowid -> the weight of the words it holds; and
    the weight of all the query's words."""

    kept: dict[str, dict[int, float]]
    total: float


_TABLE_OF = {"search": "meetings", "context_search": "context", "article_search": "articles"}


def _allowed(
    db: sqlite3.Connection, table: str, index: str, selection: Selection, excluded: str | None
) -> set[int] | None:
    """The rowids of table that a selection keeps and excluded (an FTS5 query) leaves in;
    None for every row."""
    where, params = selection
    if excluded:
        where += f" AND m.rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
        params = (*params, excluded)
    if where == "1":
        return None
    return {
        rowid for (rowid,) in db.execute(f"SELECT m.rowid FROM {table} m WHERE {where}", params)
    }


def _keeps(rows: set[int] | None, rowid: int) -> bool:
    return rows is None or rowid in rows


def long_hits(
    db: sqlite3.Connection, allowed: dict[str, set[int] | None], planned: Plan
) -> LongHits:
    """The rows of the indexes (allowed's keys; among its rowids, unless None) holding a
    good share of a long query's words: any of them (one FTS5 query per word, never a join
    per word), each word weighing as rare as it is across the indexes (its inverse
    document frequency: a word every record holds, Iran or minister, makes none relevant).
    A row is kept if it holds two words or more and LONG_SHARE of the weight the best row
    (of those the filters keep) holds."""
    import math

    indexes = list(allowed)
    size = sum(db.execute(f"SELECT count(*) FROM {_TABLE_OF[i]}").fetchone()[0] for i in indexes)
    counts: dict[tuple[str, int], int] = {}
    weights: dict[tuple[str, int], float] = {}
    total = 0.0
    for expansions in planned.merged:
        if not expansions:
            continue
        query = " OR ".join(_phrase(e) for e in expansions)
        holding = [
            (index, rowid)
            for index in indexes
            for (rowid,) in db.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", (query,))
            if _keeps(allowed[index], rowid)
        ]
        weight = math.log((size + 1) / len(holding)) if holding else 0.0
        total += weight
        for row in holding:
            counts[row] = counts.get(row, 0) + 1
            weights[row] = weights.get(row, 0.0) + weight
    best = max(weights.values(), default=0.0)
    kept: dict[str, dict[int, float]] = {index: {} for index in indexes}
    for (index, rowid), weight in weights.items():
        if counts[(index, rowid)] >= 2 and weight >= LONG_SHARE * best:
            kept[index][rowid] = weight
    return LongHits(kept, total)


def _bm25(
    db: sqlite3.Connection, index: str, planned: Plan, rowids: Iterable[int]
) -> dict[int, float]:
    """FTS5's bm25() of some rows for any of a query's words (lower is better)."""
    every = " OR ".join(_phrase(e) for expansions in planned.merged for e in expansions)
    return dict(
        db.execute(
            f"SELECT rowid, bm25({index}) FROM {index} WHERE {index} MATCH ?"
            " AND rowid IN (SELECT value FROM json_each(?))",
            (every, json.dumps(list(rowids))),
        ).fetchall()
    )


def _ranked_any(
    db: sqlite3.Connection,
    table: str,
    index: str,
    planned: Plan,
    found: LongHits,
    selection: Selection,
    excluded: str | None,
) -> list[tuple[Any, ...]]:
    """(record, score, start, id, kind, -bm25) of the rows a long query keeps (`long_hits`), ranked
    by the weight of the words they hold (the score: its share of the query's), then by
    bm25."""
    kept = found.kept[index]
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
    bm25 = _bm25(db, index, planned, kept)
    ranked = sorted(rows, key=lambda row: (-kept[row[1]], bm25.get(row[1], 0.0)))
    # The last value breaks ties as a title's words do for a short query: -bm25, higher first.
    return [
        (record, _share(kept[rowid], found.total), start, record_id, kind, -bm25.get(rowid, 0.0))
        for record, rowid, start, record_id in ranked
    ]


def _share(weight: float, total: float) -> float:
    return round(100.0 * weight / total, 1) if total else 0.0


def _texts_of(
    db: sqlite3.Connection,
) -> Callable[[str, str], tuple[list[str], Callable[[FieldMatch], FieldMatch]]]:
    """The texts a hit was indexed by, from its kind and its record's JSON (the index keeps
    no copy of them; people are read at the first hit), and what names a match's
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
    from .store.tables import context_people

    number = match.text.count("\n", 0, match.start) if match.text else 0
    if match.field == "participants":
        listed = record["participants"] if kind == "meeting" else context_people(record)
        if number < len(listed):
            person = people.get(listed[number]["id"])
            if person is not None:
                # A context item's people did not all take part: the field says how.
                field = listed[number].get("part", match.field)
                basis = _name_basis(person, match.matched)
                supplied = tuple(
                    n.name
                    for n in (*person.native_names, *person.other_names)
                    if n.basis == "curator"
                )
                return match._replace(
                    field=field, who=person.name, basis=basis, curator_names=supplied
                )
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
    planned = plan(parsed, words, terms, correct=not long, searched="article")
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
        params.append(_left_out(parsed, words, terms))
    if long:
        chosen = None
        if where != "1":
            sql = f"SELECT a.rowid FROM articles a WHERE {where}"
            chosen = {rowid for (rowid,) in db.execute(sql, params)}
        long_found = long_hits(db, {"article_search": chosen}, planned)
        kept = long_found.kept["article_search"]
        rows = db.execute(
            "SELECT a.source, a.rowid, verified(a.text, a.checksum) FROM articles a"
            f" WHERE a.rowid IN (SELECT value FROM json_each(?)) AND {where}",
            (json.dumps(list(kept)), *params),
        ).fetchall()
        bm25 = _bm25(db, "article_search", planned, kept)
        rows.sort(key=lambda row: (-kept[row[1]], bm25.get(row[1], 0.0)))
        found = [(source, _share(kept[n], long_found.total), body) for source, n, body in rows]
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
    """(record, score, start, id, kind, words in the title) of the rows of table (meetings or
    context) whose index row holds an expansion of every clause and none of excluded (an
    FTS5 query), best first."""
    ctes, joins, mean, params = _levels(index, expanded)
    titled, titled_params = _titled(index, expanded)
    where, filter_params = selection
    if excluded:
        where += f" AND m.rowid NOT IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)"
        filter_params = (*filter_params, excluded)
    kind = "meeting" if table == "meetings" else "context"
    # Ranked on the index's columns alone; records are read for the hits kept. Of equal
    # scores, those with more of the query's words in their title come first.
    sql = (
        f"WITH {ctes}, {titled}, hits AS (SELECT m.rowid, m.start, m.id,"
        f" round(({mean}) / {len(expanded)}.0, 1) AS rank, coalesce(titled.n, 0) AS n"
        f" FROM {table} m {joins} LEFT JOIN titled ON titled.rowid = m.rowid"
        f" WHERE {where} ORDER BY rank DESC, n DESC, m.start IS NULL, m.start, m.id"
        + (" LIMIT ?" if limit else "")
        + ") SELECT verified(r.record, r.checksum), hits.rank, hits.start, hits.id,"
        f" '{kind}', hits.n FROM hits JOIN {table} r ON r.rowid = hits.rowid"
        " ORDER BY hits.rank DESC, hits.n DESC, hits.start IS NULL, hits.start, hits.id"
    )
    values = (*params, *titled_params, *filter_params, *([limit] if limit else []))
    return db.execute(sql, values).fetchall()


def _titled(index: str, expanded: list[list[Expansion]]) -> tuple[str, list[str]]:
    """The common table expression `titled` (rowid, n): how many of the clauses a row's
    title holds, and its parameters."""
    parts, params = [], []
    for expansions in expanded:
        anywhere = [e for e in expansions if e.column is None]
        if anywhere:
            parts.append(f"SELECT rowid FROM {index} WHERE {index} MATCH ?")
            params.append("title : (" + " OR ".join(_phrase(e) for e in anywhere) + ")")
    if not parts:
        return "titled AS (SELECT 0 AS rowid, 0 AS n WHERE 0)", []
    union = " UNION ALL ".join(parts)
    return f"titled AS (SELECT rowid, count(*) AS n FROM ({union}) GROUP BY rowid)", params


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


def _joined_match(
    term: Term, fields: list[str], scores: dict[str, float], columns: Sequence[str]
) -> FieldMatch | None:
    """The first hyphenated word of the fields that, joined, is an expansion of a query word
    ("de-escalation" for deescalation: the index holds it joined too)."""
    for field, text in zip(columns, fields, strict=True):
        if term.column is not None and field != term.column:
            continue
        for found in HYPHENATED.finditer(text or ""):
            score = scores.get(fold(found.group(1) + found.group(2)), 0.0)
            if score:
                start, end = found.span()
                return FieldMatch(field, term.text, text[start:end], text, start, end, score)
    return None


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
    """Where a form of the term a marker stands for is: the form as typed, if a field holds
    it (a name the curators supplied is then shown, and marked, as such), or the first."""
    term_id = next((t for t in terms.terms if marker(t) == term.words[0]), None)
    places: list[FieldMatch] = []
    for field, text in zip(columns, fields, strict=True):
        if term.column is not None and field != term.column:
            continue
        outer = terms.find(text or "")
        for start, end, found in sorted(outer + terms.nested(text, outer)):
            if found == term_id:
                places.append(
                    FieldMatch(field, term.text, text[start:end], text, start, end, EXACT)
                )
    typed = term.text.casefold()
    return next((p for p in places if p.matched.casefold() == typed), None) or next(
        iter(places), None
    )


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
                scores = in_names if e.column == "participants" and not term.column else anywhere
                scores[e.folded] = max(scores.get(e.folded, 0.0), e.score)
            candidates.append(_best_match(term, fields, (anywhere, in_names), columns, terms))
            candidates.append(_joined_match(term, fields, anywhere, columns))
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
