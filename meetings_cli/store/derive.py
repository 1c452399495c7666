"""The query tables, derived from the valid records of a compiled database.

A full derivation fills every query table from `records`; after some files of
meetings and context items changed, only the meetings whose stored value changed
are derived again. Rows are prepared in batches, in worker processes when there
are many, and inserted here in dataset order.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import DataError, Problem
from .cache import VERIFIER, checksum
from .tables import (
    DERIVED,
    INSERTS,
    SEARCH_COLUMNS,
    Rows,
    db_term_index,
    dimension_values,
    dimensions_of,
    insert_dimensions,
    prepare_items,
    record_dictionary,
    search_texts,
    stored_records,
    term_index,
)

if TYPE_CHECKING:
    from ..model import Person
    from ..terms import TermIndex

#: How many meetings and context items one batch prepares (in a worker, when it pays).
BATCH = 4000


class Forgotten(NamedTuple):
    """What a data file held before it changed, as far as deriving again needs it."""

    dimensions: bool  # records others refer to
    context: bool  # context items
    meetings: list[str | bytes]  # the stored value of each meeting (as verified() read it)


def derive_all(db: sqlite3.Connection, *, prepared: bool = False) -> None:
    """Fill every query table afresh from the valid records (prepared: but for the rows of
    meetings and context items, made as the records were read: see `reading`)."""
    if not prepared:
        clear_derived(db)
    dimensions = dimension_values(db)
    insert_dimensions(db, dimensions)
    if not prepared:
        _derive_items(db, dimensions, stored_records(db, ("meetings", "context")))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('derived', '1')")


def derive_changes(
    db: sqlite3.Connection, forgotten: dict[str, Forgotten], stored: dict[str, range]
) -> None:
    """Bring the query rows up to date after some files of meetings and context changed.

    forgotten: what each changed file held that was deleted; stored: the rowids of
    `records` each one was given again. A meeting whose stored value is unchanged
    keeps its rows; the others are removed or derived again. Context items, few,
    are all derived again in order.
    """
    from collections import Counter

    fresh: list[tuple[str, str, str]] = []
    gone: list[str] = []
    context = False
    for relative, before in forgotten.items():
        remaining = Counter(VERIFIER.text_of(value) for value in before.meetings)
        given = stored.get(relative, range(0))
        rows = stored_records(
            db,
            ("meetings", "context"),
            "AND r.file = ? AND r.rowid >= ? AND r.rowid < ?",
            (relative, given.start, given.stop),
        )
        for row in rows:
            if row[1] == "context":
                context = True
            elif remaining[row[2]]:
                remaining[row[2]] -= 1
            else:
                fresh.append(row)
        gone += list(remaining.elements())
        context |= before.context
    dimensions = dimension_values(db)  # as when the rows were derived: none changed since
    dataset = dimensions_of(dimensions)
    terms = term_index(dataset.terms, dataset.people)  # as the rows were made
    for value in gone:
        _underive_meeting(db, json.loads(value)["id"], dataset.person_by_id, terms)
    if context:
        for table in ("context", "context_people", "context_sources", "context_topics"):
            db.execute(f"DELETE FROM {table}")  # names from the tuple above
        _empty_index(db, "context_search")
        db.execute("DELETE FROM quotes WHERE context IS NOT NULL")
        fresh += stored_records(db, ("context",))
    _derive_items(db, dimensions, fresh)


def clear_derived(db: sqlite3.Connection) -> None:
    """Empty every query table (nothing of an invalid dataset is served)."""
    for table in DERIVED:
        db.execute(f"DELETE FROM {table}")  # names from the constant
    for index in ("search", "context_search", "article_search"):
        _empty_index(db, index)


def _empty_index(db: sqlite3.Connection, index: str) -> None:
    """Empty a search index that keeps no copy of its texts (contentless, or reading them
    from `articles`), which DELETE cannot: it would read the texts to take out."""
    db.execute(f"INSERT INTO {index} ({index}) VALUES ('delete-all')")  # a name of ours


def _underive_meeting(
    db: sqlite3.Connection, meeting_id: str, people: Mapping[str, Person], terms: TermIndex
) -> None:
    """Remove the query rows of one meeting (people: every person, by id; terms: the term
    index its search row was made with)."""
    row = db.execute(
        "SELECT rowid, verified(record, checksum) FROM meetings WHERE id = ?", (meeting_id,)
    ).fetchone()
    if row is None:
        return
    rowid, record = row
    for table in (
        "meeting_days", "meeting_years", "participants", "meeting_topics", "meeting_sources",
        "disagreements", "quotes",
    ):  # fmt: skip
        db.execute(f"DELETE FROM {table} WHERE meeting = ?", (rowid,))
    # The index keeps no texts: it is told the ones it indexed (made again from the record
    # and the same people), to take their words out.
    texts = search_texts("meeting", json.loads(record), people, terms)
    columns, marks = ", ".join(SEARCH_COLUMNS), ", ?" * len(SEARCH_COLUMNS)
    db.execute(
        f"INSERT INTO search (search, rowid, {columns}) VALUES ('delete', ?{marks})",
        (rowid, *texts),
    )
    db.execute("DELETE FROM meetings WHERE rowid = ?", (rowid,))


def _derive_items(
    db: sqlite3.Connection,
    dimensions: list[tuple[str, str]],
    values: Iterable[tuple[str, str, str]],
) -> None:
    """Insert the query rows of meetings and context items, prepared in batches."""
    import itertools

    remaining = iter(values)
    batches = iter(lambda: list(itertools.islice(remaining, BATCH)), [])
    batch = next(batches, [])
    if not batch:
        return
    # Made (if new) from the first batch, before any batch is prepared with it.
    dictionary = record_dictionary(db, dimensions, batch)
    numbered = _numbered(db, itertools.chain([batch], batches))
    for prepared in _prepare_batches(dimensions, numbered, dictionary):
        for table, rows in prepared.items():
            db.executemany(INSERTS[table], rows)


Batch = tuple[list[tuple[str, str, str]], tuple[int, int]]


def _numbered(
    db: sqlite3.Connection, batches: Iterable[list[tuple[str, str, str]]]
) -> Iterator[Batch]:
    """Each batch with the row numbers its first meeting and first context item are given:
    the next free ones, after those of the batches before it."""
    (meeting,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM meetings").fetchone()
    (item,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM context").fetchone()
    for batch in batches:
        yield batch, (meeting, item)
        items = sum(1 for _, collection, _ in batch if collection == "context")
        meeting, item = meeting + len(batch) - items, item + items


def _prepare(dimensions: list[tuple[str, str]], batch: Batch, dictionary: bytes | None) -> Rows:
    values, first = batch
    return prepare_items(dimensions, values, dictionary, first)


def _prepare_batches(
    dimensions: list[tuple[str, str]], batches: Iterator[Batch], dictionary: bytes | None
) -> Iterator[Rows]:
    """Each batch's rows by table, in order; two batches at once in workers when it pays."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = min(os.cpu_count() or 1, 4)
    if second is None or workers < 2:
        yield _prepare(dimensions, first, dictionary)
        if second is not None:
            yield _prepare(dimensions, second, dictionary)
        yield from (_prepare(dimensions, batch, dictionary) for batch in batches)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # spawn, not fork: a forked child would inherit this process's open database.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[Rows]] = []
        for batch in itertools.chain([first, second], batches):
            pending.append(pool.submit(_prepare, dimensions, batch, dictionary))
            if len(pending) > workers:  # a bounded window, results in order
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def list_words(db: sqlite3.Connection) -> None:
    """Copy the search index's vocabulary into `search_words`, folded as query words are,
    with the sound key of words that occur in names.

    fts5vocab reads the whole index on every query; search reads this small table.
    """
    from ..names import fold, phonetic_key, plain_key
    from ..terms import MARKER, stem

    rows = db.execute(
        "SELECT term, max(col = 'participants') FROM (SELECT term, col FROM search_vocabulary"
        " UNION ALL SELECT term, col FROM context_search_vocabulary) WHERE term NOT LIKE ?"
        " GROUP BY term",
        (f"{MARKER}%",),
    ).fetchall()
    db.execute("DELETE FROM search_words")
    db.executemany(
        "INSERT INTO search_words VALUES (?, ?, ?, ?)",
        [
            (word, fold(word), phonetic_key(plain_key(word)) if names else None, stem(fold(word)))
            for word, names in rows
        ],
    )


def store_articles(root: Path, db: sqlite3.Connection) -> None:
    """Copy every source's article text (checked readable by now) into `articles`, indexed.

    `source` and `search --in sources` then read the database, never the files.
    """
    from ..names import fold
    from ..paths import MAX_ARTICLE, Refused, read_inside
    from ..terms import MARKER, stem

    db.execute("DELETE FROM articles")
    _empty_index(db, "article_search")  # its texts are those of `articles`, and term markers
    terms = db_term_index(db)
    rows = db.execute("SELECT id, file FROM sources ORDER BY rowid").fetchall()
    for number, (source_id, relative) in enumerate(rows, 1):
        try:
            text = read_inside(root, relative, MAX_ARTICLE).decode("utf-8-sig")
        except (OSError, Refused, UnicodeError) as error:  # changed since it was checked
            raise DataError([Problem(relative, 0, 0, "", f"cannot read it: {error}")]) from None
        db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?)", (number, source_id, text, checksum(text))
        )
        db.execute(
            "INSERT INTO article_search (rowid, text) VALUES (?, ?)", (number, terms.indexed(text))
        )
    words = db.execute(
        "SELECT term FROM article_search_vocabulary WHERE term NOT LIKE ?", (f"{MARKER}%",)
    ).fetchall()
    db.execute("DELETE FROM article_words")
    db.executemany(
        "INSERT INTO article_words VALUES (?, ?, ?)",
        [(w, fold(w), stem(fold(w))) for (w,) in words],
    )
