"""`meetings export`: the query tables of a compiled database, as a file to share.

The export holds the tables the README documents and nothing of the cache's
own bookkeeping: no parsed-file tables, no checksums, no path of the exporter's
computer. Every column holds text, numbers or JSON text.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

#: The tables of an export, as the README documents them (FTS5 keeps its own
#: shadow tables beside `search`, `context_search` and `article_search`).
EXPORTED = (
    "meetings", "participants", "meeting_years", "meeting_days", "meeting_topics",
    "meeting_sources", "disagreements", "quotes", "people", "aliases", "events", "sources",
    "topics", "context", "context_people", "context_sources", "context_topics", "articles",
    "article_search", "article_words", "search", "context_search", "search_words",
)  # fmt: skip

#: Tables with a `checksum` column: the cache verifies records by it; an export has none.
_CHECKSUMMED = ("meetings", "context", "people", "events", "sources", "articles")


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
    for name, _ in rows:
        if name not in EXPORTED and name not in shadows:
            db.execute(f'DROP TABLE IF EXISTS "{name}"')  # a name the database holds
    for table in _CHECKSUMMED:
        db.execute(f"ALTER TABLE {table} DROP COLUMN checksum")  # names from the constant
    db.execute("COMMIT")
    db.execute("VACUUM")


_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
