"""`meetings export`: the query tables of a compiled database, as a file to share.

The export holds the tables the README documents and nothing of the cache's
own bookkeeping: no parsed-file tables, no checksums, no dictionaries, no path of
the exporter's computer. Every column holds text, numbers or JSON text: what the
cache keeps packed, or only in `record`, is unpacked into the documented
columns, and the search indexes, which keep no copy of their texts in the
cache, are made again with them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .cache import VERIFIER
from .tables import CONTENTLESS, SEARCH_COLUMNS, iter_people, search_texts

#: The tables of an export, as the README documents them (FTS5 keeps its own
#: shadow tables beside `search`, `context_search` and `article_search`).
EXPORTED = (
    "meetings", "participants", "meeting_years", "meeting_days", "meeting_topics",
    "meeting_sources", "disagreements", "quotes", "people", "aliases", "events", "sources",
    "topics", "context", "context_people", "context_sources", "context_topics", "articles",
    "article_search", "article_words", "search", "context_search", "search_words",
)  # fmt: skip

#: Tables with a `checksum` column: the cache verifies records by it; an export has none
#: (`meetings` is written anew without it).
_CHECKSUMMED = ("context", "people", "events", "sources", "articles")

#: `meetings` as the README documents it: the cache reads the title, summary and notes
#: from `record` alone, and keeps `record` packed.
_MEETINGS = """
CREATE TABLE exported_meetings (
  rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, file TEXT, title TEXT, start TEXT,
  end TEXT, date_precision TEXT, date_basis TEXT, date_how TEXT, location TEXT, event TEXT,
  kind TEXT, summary TEXT, notes TEXT, disputed INTEGER, record TEXT);
INSERT INTO exported_meetings
WITH unpacked AS MATERIALIZED (
  SELECT rowid, id, file, start, end, date_precision, date_basis, date_how, location, event,
    kind, disputed, verified(record, checksum) AS record FROM meetings)
SELECT rowid, id, file, json_extract(record, '$.title'), start, end, date_precision,
  date_basis, date_how, location, event, kind, json_extract(record, '$.summary'),
  json_extract(record, '$.notes'), disputed, record
FROM unpacked;
DROP TABLE meetings;
ALTER TABLE exported_meetings RENAME TO meetings;
"""


def export(db: sqlite3.Connection, target: Path) -> None:
    """Write the documented tables of the compiled database to target (a new SQLite file).

    Written to a temporary file beside target and renamed into place.
    """
    import tempfile

    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}-", suffix=".tmp")
    os.close(handle)
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.backup(copy)
            _keep_documented(copy)
        finally:
            copy.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # an export is the user's file, as any other
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _keep_documented(db: sqlite3.Connection) -> None:
    """Drop every table but the documented ones, and the checksum columns; compact the file."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"
    ).fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadows = {f"{name}_{part}" for name in virtual for part in _FTS5_SHADOWS}
    db.execute("BEGIN")
    _unpack(db)
    for name, _ in rows:
        if name not in EXPORTED and name not in shadows:
            db.execute(f'DROP TABLE IF EXISTS "{name}"')  # a name the database holds
    for table in _CHECKSUMMED:
        db.execute(f"ALTER TABLE {table} DROP COLUMN checksum")  # names from the constant
    db.execute("COMMIT")
    db.execute("VACUUM")


_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def _unpack(db: sqlite3.Connection) -> None:
    """Write `meetings` as documented, and the search indexes with their texts."""
    db.create_function("verified", 2, VERIFIER, deterministic=True)
    VERIFIER.learn(db)
    indexes = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = 'meetings' AND sql IS NOT NULL"
        )
    ]
    for statement in filter(str.strip, _MEETINGS.split(";")):
        db.execute(statement)  # one by one: executescript would end the transaction
    for sql in indexes:
        db.execute(sql)
    _index_with_texts(db, "search", "meetings")  # after `meetings`: its records are text
    _index_with_texts(db, "context_search", "context")
    # The cache's index of the articles holds the search vocabulary's marker words beside
    # each text; the export's is the articles' own words, as FTS5 reads them from `articles`.
    db.execute("INSERT INTO article_search (article_search) VALUES ('rebuild')")


def _index_with_texts(db: sqlite3.Connection, index: str, table: str) -> None:
    """Make a search index of the cache (which keeps no copy of its texts) an index that
    holds them, as the README documents it: its rows made again from table's records."""
    import json

    kind = "meeting" if table == "meetings" else "context"
    people = {person.id: person for person in iter_people(db)}
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    db.execute(f"DROP TABLE {index}")  # index and table: names of ours
    db.execute(sql.replace(CONTENTLESS, ""))
    columns, marks = ", ".join(SEARCH_COLUMNS), ", ?" * len(SEARCH_COLUMNS)
    last = 0
    # In slices, so that what the export holds in memory does not grow with the dataset.
    while rows := db.execute(
        f"SELECT rowid, record FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 10000", (last,)
    ).fetchall():
        db.executemany(
            f"INSERT INTO {index} (rowid, {columns}) VALUES (?{marks})",
            [(rowid, *search_texts(kind, json.loads(record), people)) for rowid, record in rows],
        )
        last = rows[-1][0]
