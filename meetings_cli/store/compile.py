"""Compiling a dataset folder into its database, one changed data file at a time.

Each data file of the dataset has a fingerprint (path, size, modification and
change time, inode, and a content hash for files modified within two seconds of
the compile): a compile reads again only the data files whose fingerprint
changed (in worker processes when there are megabytes of them), stores what each
holds (`records`, `refs`, `claims`, `problems`), runs the cross-record checks,
and derives the query tables again if the dataset is valid.

Within a changed file of meetings and context items, a record whose text is
unchanged (the digest of its piece of the file, `records.piece`) is kept: only
its lines and its index are moved, and only the records whose text changed are
parsed, checked and derived again.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import DataError, Problem
from ..paths import dataset_files, is_data_file
from .cache import VERIFIER, checksum
from .derive import Forgotten, clear_derived, derive_all, derive_changes, list_words, store_articles
from .tables import DIMENSIONS, FORMAT, dumps, stored_value

if TYPE_CHECKING:
    from ..load import FileReader, RecordRead

#: Files modified this recently (ns) before a build are also checked by content.
RACY_NS = 2_000_000_000

#: Source files whose code decides what the database holds (patterns relative to the
#: package): editing one makes every database compiled before it out of date.
_SHAPING_MODULES = (
    "model.py",
    "schema.py",
    "load.py",
    "load/*.py",
    "compose.py",  # the loader's parts (problems' wording is stored too)
    "recordbuild.py",
    "wording.py",
    "checks.py",
    "contract.py",
    "names.py",
    "store/*.py",
)

Fingerprint = dict[str, tuple[int, int, int, int, bool]]


# --------------------------------------------------------------------------- fingerprints


def fingerprint(root: Path) -> Fingerprint:
    """{relative path: (size, mtime_ns, ctime_ns, inode, is data file)} of every dataset file.

    ctime and inode change whenever content changes, even if the modification
    time is set back afterwards; a content hash covers edits within one tick.
    """
    import stat

    from ..paths import is_inside

    entries = {}
    badly_named = []
    for path in dataset_files(root):
        if not _utf8(str(path)):  # the database, the messages and JSON all hold text
            badly_named.append(path)
            continue
        try:
            info = path.stat()
        except OSError:
            status = (-1, 0, 0, 0)  # a dangling or looping link: the loader says what is wrong
        else:
            status = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            if not stat.S_ISREG(info.st_mode) or (path.is_symlink() and not is_inside(root, path)):
                # Never read (a FIFO, a device, a folder that cannot be listed, a link out of
                # the dataset): times negated, so that no build takes it for a file to hash.
                status = (0, -info.st_mtime_ns, -info.st_ctime_ns, info.st_ino)
        entries[path.relative_to(root).as_posix()] = (*status, is_data_file(path))
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


def _digest(root: Path, relative: str) -> str:
    import hashlib

    from ..paths import MAX_DATA_FILE, Refused, read_inside

    try:  # read as the loader reads: never a FIFO, a device or past the size cap
        return hashlib.sha256(read_inside(root, relative, MAX_DATA_FILE)).hexdigest()
    except (OSError, Refused):
        return "unreadable"


def changed_files(root: Path, db: sqlite3.Connection, current: dict[str, Any]) -> set[str]:
    """Relative paths of files added, removed or changed since the database was built."""
    stored = {
        row[0]: row[1:]
        for row in db.execute("SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM files")
    }
    changed = set(stored).symmetric_difference(current)
    for relative, (*stat, digest) in stored.items():
        now = current.get(relative)
        if now is None:
            continue
        if tuple(stat) != now[:4] or (digest is not None and _digest(root, relative) != digest):
            changed.add(relative)
    return changed


# --------------------------------------------------------------------------- compiling


class Progress:
    """Told what a compile is doing; the default tells no one."""

    def start(self, files: int) -> None:
        """A compile that reads this many changed data files begins."""

    def file_read(self, name: str, records: int) -> None:
        """One more data file has been read, holding this many records."""

    def stage(self, what: str) -> None:
        """A stage other than reading files has begun (checks, indexing)."""

    def finish(self) -> None:
        """The compile is done."""


def compile_into(
    root: Path,
    db: sqlite3.Connection,
    current: Fingerprint,
    progress: Progress | None = None,
) -> None:
    """Re-read the changed data files of root into db, check, and derive the query tables."""
    progress = progress or Progress()
    built_ns = time.time_ns()
    db.execute("BEGIN IMMEDIATE")
    try:
        VERIFIER.learn(db)  # records about to be forgotten are read first, and may be packed
        changed = changed_files(root, db, current)
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
        dimensions_changed = _read_files(root, db, to_read, current, progress, stored)
        dimensions_changed |= any(f.dimensions for f in forgotten.values())
        _write_files(root, db, current, order, built_ns)
        articles_changed = bool(changed.difference(data_changed))
        quick = not (dimensions_changed or articles_changed)
        valid = _check(root, db, [i for rowids in stored.values() for i in rowids], quick=quick)
        if valid:
            progress.stage("indexing")
            _derive(
                root,
                db,
                forgotten,
                stored,
                everything=dimensions_changed,
                articles=articles_changed,
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
    for parsed in _parse_files(root, files, [current[p][0] for p in files]):
        stored[parsed.relative] = _store_parsed(db, parsed)
        dimensions |= _dimensions_in(parsed)
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
    if any(collection in DIMENSIONS for _, collection, *_ in rows):
        return None
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
    stored[relative] = _store_parsed(db, parsed)
    return forgotten._replace(dimensions=forgotten.dimensions or _dimensions_in(parsed))


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
    for table in ("refs", "claims"):  # paths begin with the record's own `collection[index]`
        db.executemany(
            f"UPDATE {table} SET line = line + ?1,"
            " path = substr(?3, 1, instr(?3, '[')) || ?2 || substr(path, length(?3))"
            " WHERE record = ?4",
            moved,
        )


def _check(root: Path, db: sqlite3.Connection, records: list[int], *, quick: bool) -> bool:
    """Run the cross-record checks and store their problems; True if there are none at all.

    After a valid compile, if only meetings and context changed (no records others
    refer to, no article: quick), the only new problems are about the records stored
    again (by rowid).
    """
    from .. import checks

    db.execute("DELETE FROM problems WHERE stage = 'checks'")
    quick = quick and read_meta(db).get("derived") == "1"
    problems = list(checks.cross_record_problems(root, db, records if quick else None))
    db.executemany(
        "INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'checks', ?)",
        [(p.file, p.line, p.column, p.path, p.message, rank) for rank, p in problems],
    )
    return db.execute("SELECT 1 FROM problems LIMIT 1").fetchone() is None


def _derive(
    root: Path,
    db: sqlite3.Connection,
    forgotten: dict[str, Forgotten],
    stored: dict[str, range],
    *,
    everything: bool,
    articles: bool,
) -> None:
    """Derive the query tables of a valid dataset: all of them, or what the changes need."""
    derived = read_meta(db).get("derived") == "1"
    if everything or not derived:
        derive_all(db)
    else:
        derive_changes(db, forgotten, stored)
    list_words(db)
    if everything or articles or not derived:
        store_articles(root, db)


def read_meta(db: sqlite3.Connection) -> dict[str, str]:
    """The `meta` table (format, code version, dataset folder, derived), empty if unreadable."""
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return {}


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
    for table, column in (("refs", "record"), ("claims", "record"), ("records", "rowid")):
        db.execute(f"DELETE FROM {table} WHERE {column} {chosen}", (listed,))
    db.execute("DELETE FROM problems WHERE file = ? AND stage = 'read'", (relative,))
    return Forgotten(
        any(collection in DIMENSIONS for collection, _ in rows),
        any(collection == "context" for collection, _ in rows),
        [value for collection, value in rows if collection == "meetings" and value is not None],
    )


#: Below this many bytes of changed data files, parsing in other processes costs more
#: (starting them) than it saves.
PARALLEL_BYTES = 4_000_000


class ParsedFile(NamedTuple):
    """What one data file holds, as rows to store: plain tuples only, so that a worker's
    result crosses to this process at the cost of its bytes (a tuple of named tuples and
    Problems took four times as long to pickle and unpickle)."""

    relative: str
    #: Of each record: collection, position, id, line, col, id_line, id_col, the plain
    #: value as JSON (None if invalid), `piece` and `piece_line` (see `piece_marks`).
    records: list[tuple[Any, ...]]
    refs: list[tuple[Any, ...]]  # `refs` rows, with the record's index in records
    claims: list[tuple[Any, ...]]  # `claims` rows, likewise
    problems: list[tuple[str, int, int, str, str, int]]  # `problems` rows (stage 'read')
    unreadable: bool
    dimensions: bool  # holds records of a dimension (see `_dimensions_in`)


def parse_file(root: Path, relative: str) -> ParsedFile:
    """Parse and check one data file on its own (in this process or a worker)."""
    from ..load import FileReader

    return read_file(FileReader(root / relative, relative), relative)


def read_file(
    reader: FileReader, relative: str, skip: Collection[tuple[str, int]] = ()
) -> ParsedFile:
    """The records of reader's file but those in skip (see `FileReader.records`), to store."""
    import gc

    reads = []
    problems: list[tuple[int, Problem]] = []
    # Parsing makes no reference cycles, but many objects that stay alive (a file's
    # records, one large record's nodes): each collection would walk them all again,
    # which made a record of 40,000 participants three times slower.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for read in reader.records(skip=skip):
            # The record itself stays here: its plain value, as JSON, is what is stored.
            value = None if read.record is None else stored_value(read.value)
            reads.append(read._replace(record=None, value=value))
            problems.extend((0, p) for p in read.problems)
            problems.extend((2, p) for p in read.check_problems)
    finally:
        if collecting:
            gc.enable()
    if reader.unreadable:  # nothing in a file that cannot be parsed is judged
        reads, problems = [], []
    problems.extend((0, p) for p in reader.problems)
    return ParsedFile(
        relative,
        [
            (read.collection, read.position, read.id, read.line, read.column, read.id_line,
             read.id_column, read.value, *piece)
            for read, piece in zip(reads, piece_marks(reader, reads), strict=True)
        ],
        [(i, n, *ref) for i, read in enumerate(reads) for n, ref in enumerate(read.references)],
        [
            (i, n, c.line, c.column, c.path, c.words, dumps(list(c.sources)), c.where)
            for i, read in enumerate(reads)
            for n, c in enumerate(read.claims)
        ],
        [(relative, p.line, p.column, p.path, p.message, rank) for rank, p in problems],
        reader.unreadable,
        reader.unreadable or any(read.collection in DIMENSIONS for read in reads),
    )  # fmt: skip


def piece_marks(reader: FileReader, reads: list[RecordRead]) -> list[tuple[bytes | None, int]]:
    """(`records.piece`, `records.piece_line`) of each read: the digest of its text if a
    later compile may keep the read for the same text (`load.reusable`), and where it began."""
    from ..load import reusable

    pieces = {(p.collection, p.position): p for p in reader.pieces() or ()}
    marks: list[tuple[bytes | None, int]] = []
    for read in reads:
        piece = pieces.get((read.collection, read.position))
        if piece is None:
            marks.append((None, 0))
        else:
            marks.append((piece.digest if reusable(piece, read) else None, piece.line))
    return marks


def _parse_files(root: Path, files: list[str], sizes: list[int]) -> Iterator[ParsedFile]:
    """Every file parsed, in order; several at once in worker processes when it pays."""
    workers = min(os.cpu_count() or 1, len(files))
    if workers < 2 or sum(sizes) < PARALLEL_BYTES:
        yield from (parse_file(root, relative) for relative in files)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # spawn, not fork: a forked child would inherit this process's open database.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[ParsedFile]] = []
        queue = iter(files)
        for relative in queue:
            pending.append(pool.submit(parse_file, root, relative))
            if len(pending) > workers:  # a bounded window: results are stored in order
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _store_parsed(db: sqlite3.Connection, parsed: ParsedFile) -> range:
    """Store one parsed file's records (and file-level problems); the rowids they were given."""
    from .tables import value_packer

    (first,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM records").fetchone()
    texts = [row[7] for row in parsed.records]
    pack = value_packer(db, [text for text in texts if text is not None])
    values = texts if pack is None else [None if text is None else pack(text) for text in texts]
    db.executemany(
        "INSERT INTO records (rowid, file, collection, position, id, line, col, id_line, id_col,"
        " value, checksum, piece, piece_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (rowid, parsed.relative, *row[:7], value,
             None if value is None else checksum(value), *row[8:])
            for rowid, row, value in zip(itertools.count(first), parsed.records, values)
        ],
    )  # fmt: skip
    for table, rows in (("refs", parsed.refs), ("claims", parsed.claims)):
        if rows:  # each row's record by its index in the file, numbered from first here
            marks = ", ?" * (len(rows[0]) - 1)
            db.executemany(
                f"INSERT INTO {table} VALUES (?{marks})",  # a name of ours
                [(first + index, *rest) for index, *rest in rows],
            )
    db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'read', ?)", parsed.problems)
    db.execute(
        "INSERT OR REPLACE INTO files (path, is_data, unreadable) VALUES (?, 1, ?)",
        (parsed.relative, int(parsed.unreadable)),
    )
    return range(first, first + len(parsed.records))


def _dimensions_in(parsed: ParsedFile) -> bool:
    """Whether a parsed file holds records of a dimension, or cannot be parsed (references
    into it cannot be judged): then everything must be checked and derived again."""
    return parsed.dimensions


def _write_files(
    root: Path,
    db: sqlite3.Connection,
    current: Fingerprint,
    order: dict[str, int],
    built_ns: int,
) -> None:
    unreadable = dict(db.execute("SELECT path, unreadable FROM files").fetchall())
    db.execute("DELETE FROM files")
    rows = []
    for relative, (size, mtime, ctime, inode, is_data) in current.items():
        racy = max(mtime, ctime) >= built_ns - RACY_NS
        digest = _digest(root, relative) if racy else None
        rows.append(
            (relative, size, mtime, ctime, inode, digest, int(is_data), order.get(relative),
             unreadable.get(relative, 0) or 0)
        )  # fmt: skip
    db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# --------------------------------------------------------------------------- deriving
