"""Compiling a dataset folder into its database, one changed data file at a time.

Each file of the dataset has a fingerprint (path, size, modification and change
time, inode, and a CRC-32 of its content, taken on every run: stat alone misses
an edit within one timestamp tick and one written through a shared memory map,
which can leave size and times as they were): a compile reads again only the
data files whose fingerprint changed (in worker processes when there are megabytes
of them), stores what each holds (`records`, `claims`, `problems`), runs the
cross-record checks, and derives the query tables again if the dataset is valid.

Within a changed file of meetings and context items, a record whose text is
unchanged (the digest of its piece of the file, `records.piece`) is kept: only
its lines and its index are moved, and only the records whose text changed are
parsed, checked and derived again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

from ..errors import DataError, Problem
from ..paths import dataset_files, is_data_file
from .cache import VERIFIER
from .derive import Forgotten, clear_derived, derive_all, derive_changes, list_words, store_articles
from .reading import Progress, parse_files, read_and_derive, read_file, store_parsed, worth_workers
from .tables import DIMENSIONS, FORMAT

#: Source files whose code decides what the database holds (patterns relative to the
#: package): editing one makes every database compiled before it out of date.
_SHAPING_MODULES = (
    "model.py",
    "schema.py",
    "load.py",
    "load/*.py",
    "compose.py",  # the loader's parts (problems' wording is stored too)
    "recordbuild.py",
    "terms.py",  # the search index's marker words and stems
    "wording.py",
    "checks.py",
    "contract.py",
    "names.py",
    "store/*.py",
)

Fingerprint = dict[str, tuple[int, int, int, int, bool, int]]


# --------------------------------------------------------------------------- fingerprints


def fingerprint(root: Path) -> Fingerprint:
    """{relative path: (size, mtime_ns, ctime_ns, inode, is data file, content CRC-32)} of
    every dataset file (the CRC is -1 for a file that is never read).

    ctime and inode change whenever content changes, even if the modification
    time is set back afterwards; the CRC covers what stat cannot see. Reading and
    summing every file costs about 30 ms for the 80 MB of 100,000 meetings.
    """
    import stat

    from ..paths import is_inside

    entries = {}
    badly_named = []
    for path in dataset_files(root):
        if not _utf8(str(path)):  # the database, the messages and JSON all hold text
            badly_named.append(path)
            continue
        relative = path.relative_to(root).as_posix()
        digest = -1
        try:
            info = path.stat()
        except OSError:
            status = (-1, 0, 0, 0)  # a dangling or looping link: the loader says what is wrong
        else:
            status = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            if not stat.S_ISREG(info.st_mode) or (path.is_symlink() and not is_inside(root, path)):
                # Never read (a FIFO, a device, a folder that cannot be listed, a link out of
                # the dataset): times negated, so that it is never taken for a readable file.
                status = (0, -info.st_mtime_ns, -info.st_ctime_ns, info.st_ino)
            else:
                digest = _digest(root, relative)
        entries[relative] = (*status, is_data_file(path), digest)
    if badly_named:
        message = "the file name is not valid UTF-8: rename the file"
        raise DataError(Problem(str(path), 0, 0, "", message) for path in badly_named)
    return entries


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def code_version() -> str:
    """FORMAT and the size and time of each module that shapes the database."""
    package = Path(__file__).resolve().parent.parent
    parts = [str(FORMAT)]
    for pattern in _SHAPING_MODULES:
        for path in sorted(package.glob(pattern)):
            with contextlib.suppress(OSError):
                info = path.stat()
                parts.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _digest(root: Path, relative: str) -> int:
    """The CRC-32 of a file's content, or -1 if it cannot be read. A CRC, not a
    cryptographic hash: it tells an edit from none, and sums 80 MB in 20 ms."""
    import stat
    import zlib

    from ..paths import MAX_DATA_FILE, Refused, read_inside

    # Not through a link, never blocking on a FIFO put in its place: as the loader reads.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(root / relative, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # a link inside the dataset: read_inside follows it and checks where
        try:
            return zlib.crc32(read_inside(root, relative, MAX_DATA_FILE))
        except (OSError, Refused):
            return -1
    with open(handle, "rb") as file:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DATA_FILE:
            return -1
        return zlib.crc32(file.read(info.st_size))


def changed_files(db: sqlite3.Connection, current: Fingerprint) -> set[str]:
    """Relative paths of files added, removed or changed since the database was built."""
    stored = {
        row[0]: row[1:]
        for row in db.execute("SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM files")
    }
    changed = set(stored).symmetric_difference(current)
    for relative, stored_fingerprint in stored.items():
        now = current.get(relative)
        if now is not None and stored_fingerprint != (*now[:4], now[5]):
            changed.add(relative)
    return changed


# --------------------------------------------------------------------------- compiling


def compile_into(
    root: Path,
    db: sqlite3.Connection,
    current: Fingerprint,
    progress: Progress | None = None,
    *,
    new_file: bool = False,
) -> None:
    """Re-read the changed data files of root into db, check, and derive the query tables.

    new_file: db is a file no one else reads yet, which a first build may commit
    midway (see `_checked_beside`); a database in use changes in one transaction."""
    progress = progress or Progress()
    db.execute("BEGIN IMMEDIATE")
    try:
        VERIFIER.learn(db)  # records about to be forgotten are read first, and may be packed
        changed = changed_files(db, current)
        order = {
            path: number for number, path in enumerate(sorted(p for p in current if current[p][4]))
        }
        data_changed = sorted(p for p in changed if p in order or _was_data(db, p))
        stored: dict[str, range] = {}  # the rowids each changed file's records were given
        forgotten: dict[str, Forgotten] = {}
        for relative in data_changed:
            updated = _update_file(root, db, relative, stored) if relative in order else None
            forgotten[relative] = updated or _forget_file(db, relative)
        to_read = [p for p in data_changed if p in order and p not in stored]
        first_build = not _holds_records(db)
        prepared = False
        indexes: list[str] = []  # dropped while a first build reads: made again as it checks
        sizes = {p: current[p][0] for p in to_read}
        if first_build and worth_workers(list(sizes.values())):
            progress.start(len(to_read))
            fresh, prepared, indexes = read_and_derive(root, db, sizes, progress)
            stored.update(fresh)
            progress.stage("checking references and quotes")
            dimensions_changed = True
        else:
            dimensions_changed = _read_files(root, db, to_read, current, progress, stored)
        dimensions_changed |= any(f.dimensions for f in forgotten.values())
        _write_files(db, current, order)
        articles_changed = bool(changed.difference(data_changed))
        quick = not (dimensions_changed or articles_changed)
        records = [i for rowids in stored.values() for i in rowids]
        # A first build lists the search index's words as it checks, if its rows are all in.
        words = bool(indexes) and prepared
        valid = _check(
            root, db, records, quick=quick, indexes=indexes, words=words, beside=new_file
        )
        if valid:
            progress.stage("indexing")
            _derive(
                root,
                db,
                forgotten,
                stored,
                everything=dimensions_changed,
                articles=articles_changed,
                prepared=prepared,
                words=not words,
            )
        else:  # nothing of a broken dataset is ever served
            clear_derived(db)
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [
                ("format", str(FORMAT)),
                ("code", code_version()),
                ("root", str(root.resolve())),
                ("derived", "1" if valid else "0"),
            ],
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        progress.finish()


def _read_files(
    root: Path,
    db: sqlite3.Connection,
    files: list[str],
    current: Fingerprint,
    progress: Progress,
    stored: dict[str, range],
) -> bool:
    """Parse and store files (their rowids into stored); True if one holds records others
    refer to (or is unreadable)."""
    progress.start(len(files))
    dimensions = False
    for parsed in parse_files(root, files, [current[p][0] for p in files]):
        stored[parsed.relative] = store_parsed(db, parsed)
        dimensions |= parsed.dimensions
        progress.file_read(parsed.relative, len(parsed.records))
    progress.stage("checking references and quotes")
    return dimensions


def _update_file(
    root: Path, db: sqlite3.Connection, relative: str, stored: dict[str, range]
) -> Forgotten | None:
    """Read again only the records of a changed data file whose text changed; what was
    deleted. None when the file must be read whole: no record's text is the same, or it
    held records others refer to (their order and lines matter to the checks)."""
    from ..load import FileReader

    rows = db.execute(
        "SELECT rowid, collection, piece, piece_line, position FROM records WHERE file = ?",
        (relative,),
    ).fetchall()
    if not rows or any(collection in DIMENSIONS for _, collection, *_ in rows):
        return None  # nothing to keep (a new file, or a first build), or read whole
    unchanged: dict[bytes, list[tuple[int, int, int]]] = {}
    for rowid, _, digest, line, position in rows:
        if digest is not None:
            unchanged.setdefault(digest, []).append((rowid, line, position))
    reader = FileReader(root / relative, relative)
    held: dict[tuple[str, int], tuple[int, int, int]] = {}  # piece -> (rowid, lines moved, was)
    for piece in reader.pieces() or ():
        if piece.plain and unchanged.get(piece.digest):
            rowid, line, position = unchanged[piece.digest].pop(0)
            held[(piece.collection, piece.position)] = (rowid, piece.line - line, position)
    if not held:
        return None
    kept = {rowid for rowid, _, _ in held.values()}
    forgotten = _forget_records(db, relative, [row[0] for row in rows if row[0] not in kept])
    parsed = read_file(reader, relative, skip=held.keys())
    if parsed.unreadable:  # a piece that split cleanly but does not parse: nothing is kept
        gone = _forget_records(db, relative, sorted(kept))
        forgotten = Forgotten(True, True, forgotten.meetings + gone.meetings)
    else:
        _move_records(db, held)
    stored[relative] = store_parsed(db, parsed)
    return forgotten._replace(dimensions=forgotten.dimensions or parsed.dimensions)


def _move_records(
    db: sqlite3.Connection, held: dict[tuple[str, int], tuple[int, int, int]]
) -> None:
    """Give kept records their new place: lines moved, index in the collection's list."""
    moved = [
        (lines, position, f"{collection}[{was}]", rowid)
        for (collection, position), (rowid, lines, was) in held.items()
        if lines or position != was
    ]
    if not moved:
        return
    db.executemany(
        "UPDATE records SET line = line + ?1, id_line = id_line + ?1,"
        " piece_line = piece_line + ?1, position = ?2 WHERE rowid = ?4",
        moved,
    )
    db.executemany(  # a claim's path begins with its record's own `collection[index]`
        "UPDATE claims SET line = line + ?1,"
        " path = substr(?3, 1, instr(?3, '[')) || ?2 || substr(path, length(?3))"
        " WHERE record = ?4",
        moved,
    )


def _check(
    root: Path,
    db: sqlite3.Connection,
    records: list[int],
    *,
    quick: bool,
    indexes: list[str],
    words: bool,
    beside: bool,
) -> bool:
    """Run the cross-record checks and store their problems; True if there are none at all.

    After a valid compile, if only meetings and context changed (no records others
    refer to, no article: quick), the only new problems are about the records stored
    again (by rowid). indexes: SQL of indexes to make meanwhile (see `_checked_beside`, if
    beside), and then `list_words` if words.
    """
    from .. import checks

    db.execute("DELETE FROM problems WHERE stage = 'checks'")
    quick = quick and read_meta(db).get("derived") == "1"
    if indexes and beside:
        problems = _checked_beside(root, db, indexes, words=words)
    elif indexes:
        _make(db, indexes, words=words)
        problems = list(checks.cross_record_problems(root, db))
    else:
        problems = list(checks.cross_record_problems(root, db, records if quick else None))
    db.executemany(
        "INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'checks', ?)",
        [(p.file, p.line, p.column, p.path, p.message, rank) for rank, p in problems],
    )
    return db.execute("SELECT 1 FROM problems LIMIT 1").fetchone() is None


def _checked_beside(
    root: Path, db: sqlite3.Connection, indexes: list[str], *, words: bool
) -> list[tuple[int, Problem]]:
    """The problems of a first build, found on a connection of their own (in a thread)
    while db makes its indexes (and lists the search index's words, if words): SQLite
    works without Python's lock, so the checks' Python runs meanwhile. What db holds is
    committed first: a first build writes a new file that no one reads before it is
    complete. A database in memory does one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    from .. import checks

    (path,) = [row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"]
    if not path:
        _make(db, indexes, words=words)
        return list(checks.cross_record_problems(root, db))
    for sql in indexes:  # the checks' own, first
        if " ON records " in sql:
            db.execute(sql)
    indexes = [sql for sql in indexes if " ON records " not in sql]
    db.execute("COMMIT")
    db.execute("BEGIN IMMEDIATE")
    # The reader's snapshot is taken here, before db writes: until the checks end, db keeps
    # what it writes in memory (writing to the file would wait for the reader).
    reader = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT 1 FROM records LIMIT 1").fetchall()
    (cache,) = db.execute("PRAGMA cache_size").fetchone()
    db.execute(f"PRAGMA cache_size = {-_CHECKING_CACHE_KIB}")
    try:
        with ThreadPoolExecutor(1) as pool:
            checking = pool.submit(_problems_in, root, reader)
            _make(db, indexes, words=words)
            return checking.result()
    finally:
        reader.close()
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _make(db: sqlite3.Connection, indexes: list[str], *, words: bool) -> None:
    for sql in indexes:
        db.execute(sql)
    if words:  # only search_words is written: cleared with the rest if the checks fail
        list_words(db)


#: The most the page cache may hold while a first build makes its indexes beside the checks
#: (KiB): the new indexes of 100,000 meetings fill about a quarter of it.
_CHECKING_CACHE_KIB = 256 * 1024


def _problems_in(root: Path, reader: sqlite3.Connection) -> list[tuple[int, Problem]]:
    """The problems of what reader sees; its snapshot ends with them."""
    from .. import checks

    try:
        return list(checks.cross_record_problems(root, reader))
    finally:
        reader.execute("ROLLBACK")  # its lock ends: the writer may write to the file


def _derive(
    root: Path,
    db: sqlite3.Connection,
    forgotten: dict[str, Forgotten],
    stored: dict[str, range],
    *,
    everything: bool,
    articles: bool,
    prepared: bool,
    words: bool,
) -> None:
    """Derive the query tables of a valid dataset: all of them, or what the changes need
    (prepared: the rows of meetings and context items are in, made as they were read;
    words: the search index's words are to be listed)."""
    derived = read_meta(db).get("derived") == "1"
    if everything or not derived:
        derive_all(db, prepared=prepared)
    else:
        derive_changes(db, forgotten, stored)
    if words:
        list_words(db)
    if everything or articles or not derived:
        store_articles(root, db)


def read_meta(db: sqlite3.Connection) -> dict[str, str]:
    """The `meta` table (format, code version, dataset folder, derived), empty if unreadable."""
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return {}


def _holds_records(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None


def _was_data(db: sqlite3.Connection, relative: str) -> bool:
    row = db.execute("SELECT is_data FROM files WHERE path = ?", (relative,)).fetchone()
    return bool(row and row[0])


def _forget_file(db: sqlite3.Connection, relative: str) -> Forgotten:
    """Delete the records of a data file (its query rows stay until derived again)."""
    rowids = [
        rowid for (rowid,) in db.execute("SELECT rowid FROM records WHERE file = ?", (relative,))
    ]
    return _forget_records(db, relative, rowids)


def _forget_records(db: sqlite3.Connection, relative: str, rowids: list[int]) -> Forgotten:
    """Delete some records of a data file, and the file's problems found in reading it."""
    chosen = "IN (SELECT value FROM json_each(?))"
    listed = json.dumps(rowids)
    rows = db.execute(
        f"SELECT collection, verified(value, checksum) FROM records WHERE rowid {chosen}",
        (listed,),
    ).fetchall()
    for table, column in (("claims", "record"), ("records", "rowid")):
        db.execute(f"DELETE FROM {table} WHERE {column} {chosen}", (listed,))
    db.execute("DELETE FROM problems WHERE file = ? AND stage = 'read'", (relative,))
    return Forgotten(
        any(collection in DIMENSIONS for collection, _ in rows),
        any(collection == "context" for collection, _ in rows),
        [value for collection, value in rows if collection == "meetings" and value is not None],
    )


def _write_files(
    db: sqlite3.Connection,
    current: Fingerprint,
    order: dict[str, int],
) -> None:
    unreadable = dict(db.execute("SELECT path, unreadable FROM files").fetchall())
    db.execute("DELETE FROM files")
    rows = []
    for relative, (size, mtime, ctime, inode, is_data, digest) in current.items():
        rows.append(
            (relative, size, mtime, ctime, inode, digest, int(is_data), order.get(relative),
             unreadable.get(relative, 0) or 0)
        )  # fmt: skip
    db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# --------------------------------------------------------------------------- deriving
