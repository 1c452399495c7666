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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ..errors import DataError, Problem
from .cache import checksum
from .tables import (
    BY_MEETING,
    DERIVED,
    INSERTS,
    Rows,
    dimension_values,
    insert_dimensions,
    prepare_items,
    stored_records,
)

#: How many meetings and context items one batch prepares (in a worker, when it pays).
BATCH = 4000


class Forgotten(NamedTuple):
    """What a data file held before it changed, as far as deriving again needs it."""

    dimensions: bool  # records others refer to
    context: bool  # context items
    meetings: list[str]  # the stored value of each meeting


def derive_all(db: sqlite3.Connection) -> None:
    """Fill every query table afresh from the valid records."""
    clear_derived(db)
    dimensions = dimension_values(db)
    insert_dimensions(db, dimensions)
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
        remaining = Counter(before.meetings)
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
    for value in gone:
        _underive_meeting(db, json.loads(value)["id"])
    if context:
        for table in (
            "context", "context_people", "context_sources", "context_topics", "context_search",
        ):  # fmt: skip
            db.execute(f"DELETE FROM {table}")  # names from the tuple above
        db.execute("DELETE FROM quotes WHERE context IS NOT NULL")
        fresh += stored_records(db, ("context",))
    _derive_items(db, dimension_values(db), fresh)


def clear_derived(db: sqlite3.Connection) -> None:
    """Empty every query table (nothing of an invalid dataset is served)."""
    for table in DERIVED:
        db.execute(f"DELETE FROM {table}")  # names from the constant
    db.execute("DELETE FROM search")
    db.execute("DELETE FROM context_search")
    db.execute("DELETE FROM article_search")


def _underive_meeting(db: sqlite3.Connection, meeting_id: str) -> None:
    """Remove the query rows of one meeting."""
    row = db.execute("SELECT rowid FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    if row is None:
        return
    for table in (
        "meeting_days", "meeting_years", "participants", "meeting_topics", "meeting_sources",
        "disagreements", "quotes",
    ):  # fmt: skip
        db.execute(f"DELETE FROM {table} WHERE meeting = ?", row)
    db.execute("DELETE FROM search WHERE rowid = ?", row)
    db.execute("DELETE FROM meetings WHERE rowid = ?", row)


def _derive_items(
    db: sqlite3.Connection,
    dimensions: list[tuple[str, str]],
    values: Iterable[tuple[str, str, str]],
) -> None:
    """Insert the query rows of meetings and context items, prepared in batches."""
    import itertools

    remaining = iter(values)
    batches = iter(lambda: list(itertools.islice(remaining, BATCH)), [])
    for prepared in _prepare_batches(dimensions, batches):
        (first,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM meetings").fetchone()
        (item,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM context").fetchone()
        for table, rows in prepared.items():
            if table in BY_MEETING:
                rows = [(first + row[0], *row[1:]) for row in rows]
            elif table in ("context", "context_search"):
                rows = [(item + row[0], *row[1:]) for row in rows]
            db.executemany(INSERTS[table], rows)


def _prepare_batches(
    dimensions: list[tuple[str, str]], batches: Iterator[list[tuple[str, str, str]]]
) -> Iterator[Rows]:
    """Each batch's rows by table, in order; two batches at once in workers when it pays."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = min(os.cpu_count() or 1, 4)
    if second is None or workers < 2:
        yield prepare_items(dimensions, first)
        if second is not None:
            yield prepare_items(dimensions, second)
        yield from (prepare_items(dimensions, batch) for batch in batches)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # spawn, not fork: a forked child would inherit this process's open database.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[Rows]] = []
        for batch in itertools.chain([first, second], batches):
            pending.append(pool.submit(prepare_items, dimensions, batch))
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

    rows = db.execute(
        "SELECT term, max(col = 'participants') FROM (SELECT term, col FROM search_vocabulary"
        " UNION ALL SELECT term, col FROM context_search_vocabulary) GROUP BY term"
    ).fetchall()
    db.execute("DELETE FROM search_words")
    db.executemany(
        "INSERT INTO search_words VALUES (?, ?, ?)",
        [
            (word, fold(word), phonetic_key(plain_key(word)) if names else None)
            for word, names in rows
        ],
    )


def store_articles(root: Path, db: sqlite3.Connection) -> None:
    """Copy every source's article text (checked readable by now) into `articles`, indexed.

    `source` and `search --in sources` then read the database, never the files.
    """
    from ..names import fold
    from ..paths import MAX_ARTICLE, Refused, read_inside

    db.execute("DELETE FROM articles")
    db.execute("DELETE FROM article_search")
    rows = db.execute("SELECT id, file FROM sources ORDER BY rowid").fetchall()
    for number, (source_id, relative) in enumerate(rows, 1):
        try:
            text = read_inside(root, relative, MAX_ARTICLE).decode("utf-8-sig")
        except (OSError, Refused, UnicodeError) as error:  # changed since it was checked
            raise DataError([Problem(relative, 0, 0, "", f"cannot read it: {error}")]) from None
        db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?)", (number, source_id, text, checksum(text))
        )
        db.execute("INSERT INTO article_search (rowid, text) VALUES (?, ?)", (number, text))
    words = db.execute("SELECT term FROM article_search_vocabulary").fetchall()
    db.execute("DELETE FROM article_words")
    db.executemany("INSERT INTO article_words VALUES (?, ?)", [(w, fold(w)) for (w,) in words])
