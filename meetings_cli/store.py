"""The compiled database: a validated dataset in SQLite, built per file and kept up to date.

One database per dataset folder, under $MEETINGS_CACHE_DIR (default:
$XDG_CACHE_HOME/meetings or ~/.cache/meetings); `--no-cache` builds the same
database in memory. It holds data, never output. Two layers of tables:

* what each data file holds, as parsed: `files` (fingerprint of every file of
  the dataset), `records` (each top-level record: its file, place, id and
  validated value), `refs` and `claims` (what cross-record checks look at),
  `problems`. A run re-parses only the data files that changed.
* the dataset for queries, derived from valid records when the whole dataset
  validates: `meetings`, `participants`, `people`, `aliases`, `events`,
  `sources`, `topics`, `quotes`, `context` and their link tables, and the
  FTS5 index `search`. The README documents them (`meetings export`).

The fingerprint (path, size, modification and change time, inode, and a
content hash for files modified within two seconds of the build) is compared
on every run, so an edited file is never answered from stale tables. A new
database is written to a temporary file and renamed into place; updates run in
one transaction, so a reader sees the old state or the new one.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import DataError, Problem
from .paths import dataset_files, is_data_file

if TYPE_CHECKING:
    from .load import RecordRead
    from .model import ContextItem, Dataset, DateSpan, Meeting, Person

#: Bump when the layout of the database changes.
FORMAT = 13
CACHE_ENV = "MEETINGS_CACHE_DIR"
#: Files modified this recently (ns) before a build are also checked by content.
RACY_NS = 2_000_000_000
#: Collections whose records other records' stored JSON depends on.
DIMENSIONS = ("sources", "people", "events", "topics")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
  path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,
  digest TEXT, is_data INTEGER NOT NULL, ordinal INTEGER, unreadable INTEGER NOT NULL DEFAULT 0);
CREATE TABLE records (
  rowid INTEGER PRIMARY KEY, file TEXT NOT NULL, collection TEXT NOT NULL, position INTEGER,
  id TEXT, line INTEGER, col INTEGER, id_line INTEGER, id_col INTEGER, value BLOB,
  checksum INTEGER);
CREATE INDEX records_file ON records (file);
CREATE INDEX records_id ON records (collection, id);
CREATE TABLE refs (record INTEGER, line INTEGER, col INTEGER, path TEXT, collection TEXT,
  target TEXT);
CREATE INDEX refs_record ON refs (record);
CREATE TABLE claims (record INTEGER, line INTEGER, col INTEGER, path TEXT, words TEXT,
  sources TEXT, place TEXT);
CREATE INDEX claims_record ON claims (record);
CREATE TABLE problems (file TEXT, line INTEGER, col INTEGER, path TEXT, message TEXT,
  stage TEXT NOT NULL, rank INTEGER NOT NULL);
CREATE INDEX problems_file ON problems (file);

CREATE TABLE sources (id TEXT PRIMARY KEY, file TEXT, outlet TEXT, title TEXT, published TEXT,
  published_basis TEXT, published_how TEXT, notes TEXT, value BLOB, checksum INTEGER);
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, short_name TEXT, country TEXT, rank TEXT,
  role TEXT, notes TEXT, value BLOB, checksum INTEGER);
CREATE INDEX people_country ON people (country);
CREATE TABLE aliases (person TEXT, text TEXT, kind TEXT, plain TEXT, phonetic TEXT);
CREATE INDEX aliases_plain ON aliases (plain);
CREATE INDEX aliases_phonetic ON aliases (phonetic);
CREATE TABLE events (id TEXT PRIMARY KEY, name TEXT, short_name TEXT, year INTEGER,
  location TEXT, name_basis TEXT, name_how TEXT, notes TEXT, value BLOB, checksum INTEGER);
CREATE TABLE topics (id TEXT PRIMARY KEY, description TEXT);
CREATE TABLE meetings (
  rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, file TEXT, title TEXT, start TEXT,
  end TEXT, date_precision TEXT, date_basis TEXT, date_how TEXT, location TEXT, event TEXT,
  kind TEXT, summary TEXT, notes TEXT, disputed INTEGER, record TEXT, checksum INTEGER);
CREATE INDEX meetings_order ON meetings (start, end, id);
CREATE INDEX meetings_file ON meetings (file);
CREATE INDEX meetings_event ON meetings (event);
CREATE INDEX meetings_kind ON meetings (kind);
CREATE TABLE meeting_days (meeting INTEGER, day TEXT);
CREATE INDEX meeting_days_day ON meeting_days (day);
CREATE INDEX meeting_days_meeting ON meeting_days (meeting);
CREATE TABLE meeting_years (meeting INTEGER, year INTEGER);
CREATE INDEX meeting_years_year ON meeting_years (year, meeting);
CREATE INDEX meeting_years_meeting ON meeting_years (meeting);
CREATE TABLE participants (meeting INTEGER, position INTEGER, person TEXT, role TEXT,
  seat TEXT, disputed INTEGER, country TEXT);
CREATE INDEX participants_person ON participants (person, meeting);
CREATE INDEX participants_meeting ON participants (meeting);
CREATE INDEX participants_country ON participants (country, meeting);
CREATE TABLE meeting_topics (meeting INTEGER, topic TEXT);
CREATE INDEX meeting_topics_topic ON meeting_topics (topic, meeting);
CREATE INDEX meeting_topics_meeting ON meeting_topics (meeting);
CREATE TABLE meeting_sources (meeting INTEGER, source TEXT);
CREATE INDEX meeting_sources_source ON meeting_sources (source, meeting);
CREATE INDEX meeting_sources_meeting ON meeting_sources (meeting);
CREATE TABLE disagreements (meeting INTEGER, position INTEGER, about TEXT, claims TEXT,
  note TEXT);
CREATE INDEX disagreements_meeting ON disagreements (meeting);
CREATE TABLE quotes (meeting INTEGER, context TEXT, position INTEGER, speaker TEXT,
  speaker_as TEXT, text TEXT, source TEXT);
CREATE INDEX quotes_meeting ON quotes (meeting);
CREATE INDEX quotes_speaker ON quotes (speaker);
CREATE TABLE context (id TEXT PRIMARY KEY, file TEXT, title TEXT, kind TEXT, start TEXT,
  end TEXT, date_basis TEXT, date_how TEXT, location TEXT, summary TEXT, record TEXT,
  checksum INTEGER);
CREATE TABLE context_people (item TEXT, person TEXT);
CREATE INDEX context_people_person ON context_people (person);
CREATE TABLE context_sources (item TEXT, source TEXT);
CREATE INDEX context_sources_source ON context_sources (source);
CREATE TABLE context_topics (item TEXT, topic TEXT);
CREATE INDEX context_topics_topic ON context_topics (topic);
CREATE VIRTUAL TABLE search USING fts5 (
  title, summary, quotes, topics, participants, event, location, notes,
  tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE search_vocabulary USING fts5vocab (search, 'col');
CREATE VIRTUAL TABLE context_search USING fts5 (
  title, summary, quotes, topics, participants, event, location, notes,
  tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE context_search_vocabulary USING fts5vocab (context_search, 'col');
CREATE TABLE search_words (word TEXT PRIMARY KEY, folded TEXT, phonetic TEXT);
CREATE TABLE articles (rowid INTEGER PRIMARY KEY, source TEXT UNIQUE, text TEXT,
  checksum INTEGER);
CREATE VIRTUAL TABLE article_search USING fts5 (
  text, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE article_search_vocabulary USING fts5vocab (article_search, 'row');
CREATE TABLE article_words (word TEXT PRIMARY KEY, folded TEXT);
"""

#: The tables derived from valid records, emptied before a full derivation.
DERIVED = (
    "sources", "people", "aliases", "events", "topics", "meetings", "meeting_days",
    "meeting_years", "participants", "meeting_topics", "meeting_sources", "disagreements",
    "quotes", "context", "context_people", "context_sources", "context_topics",
    "search_words", "articles",
    "article_words",
)  # fmt: skip

#: Columns of the search index, in order; a hit names the column it matched in.
SEARCH_COLUMNS = (
    "title", "summary", "quotes", "topics", "participants", "event", "location", "notes",
)  # fmt: skip

# Modules whose code decides what the database holds: editing them invalidates it.
_SHAPING_MODULES = (
    "model.py",
    "load.py",
    "schema.py",
    "store.py",
    "checks.py",
    "contract.py",
    "names.py",
)


def cache_dir() -> Path:
    """Where compiled databases live."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "meetings"


def cache_file(root: Path) -> Path:
    """The database of a dataset folder (the folder is also recorded inside and checked)."""
    name = str(root.resolve()).encode("utf-8", "surrogateescape")
    # Two cheap checksums make a 64-bit name; hashlib would cost start-up time.
    return cache_dir() / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.sqlite3"


#: A cache file unused for this long is removed when another one is written.
UNUSED_DAYS = 90
_DAY = 86_400.0


def cache_files(folder: Path) -> list[Path]:
    """The cache files in folder that this program made for this user (named as cache_file)."""
    import re

    ours = re.compile(r"[0-9a-f]{16}\.sqlite3")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / n for n in names if ours.fullmatch(n) and _own_file(folder / n)]


def prune_cache(folder: Path, keep: Path | None = None) -> int:
    """Remove the cache files of dataset folders gone, or unused for UNUSED_DAYS; how many.

    Run when a new cache file is written, not on every command: it opens each file.
    """
    removed = 0
    now = time.time()
    for path in cache_files(folder):
        if path == keep:
            continue
        try:
            unused = now - os.lstat(path).st_mtime > UNUSED_DAYS * _DAY
            # A file that cannot be read now (being written) is left alone.
            root = None if unused else _root_of(path)
            if unused or (root is not None and not os.path.isdir(root)):
                _remove(path)
                removed += 1
        except OSError:
            continue
    return removed


def _root_of(path: Path) -> str | None:
    """The dataset folder a cache file was built for; None if it cannot be read."""
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def clear_cache(warn: Callable[[str], None] | None = None) -> tuple[Path, int] | None:
    """Remove every cache file of this user's: (folder, how many), or None if it is not theirs."""
    folder = _private_cache_folder(warn)
    if folder is None:
        return None
    removed = 0
    for path in cache_files(folder):
        with contextlib.suppress(OSError):
            _remove(path)
            removed += 1
    return folder, removed


def _remove(database: Path) -> None:
    """Remove a cache file and its checksum."""
    os.unlink(database)
    with contextlib.suppress(OSError):
        os.unlink(seal_file(database))


def _mark_used(target: Path) -> None:
    """Touch a cache file at most once a day, so that pruning sees it is in use."""
    with contextlib.suppress(OSError):
        if time.time() - os.lstat(target).st_mtime > _DAY:
            os.utime(target)


# --------------------------------------------------------------------------- integrity


def seal_file(target: Path) -> Path:
    """Where the checksum of the whole database file at target is kept."""
    return target.with_name(target.name + ".crc32")


def _file_sum(path: Path) -> str:
    crc = size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return f"{crc:08x} {size}"


def _seal(target: Path) -> None:
    """Record the checksum of the database file as it is now (after a write)."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".seal-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(_file_sum(target))
        os.replace(temporary, seal_file(target))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


#: Databases up to this size are verified whole on every use (about 0.05 s at the
#: limit); larger ones by their size and each record's own checksum, and whole by
#: `validate` (0.45 s for the 670 MB of 100,000 meetings).
VERIFY_WHOLE_BYTES = 128 * 1024**2


def _sealed(target: Path, *, whole: bool = False) -> bool:
    """Whether target is the user's and still has the checksum recorded when it was written.

    Checked on every use: a damaged disk block anywhere (an index, the search
    index, a record) means a new compile, never a wrong answer.
    """
    seal = seal_file(target)
    if not _own_file(target) or not _own_file(seal):
        return False
    try:
        recorded = seal.read_text(encoding="ascii")
        if not whole and os.lstat(target).st_size > VERIFY_WHOLE_BYTES:
            return recorded.endswith(f" {os.lstat(target).st_size}")
        return recorded == _file_sum(target)
    except (OSError, UnicodeDecodeError):
        return False


class CacheDamaged(Exception):
    """A stored record no longer matches its checksum (a damaged disk block, a stray write)."""


def checksum(value: str | bytes) -> int:
    """The checksum stored beside a record's value, verified when the value is read."""
    return zlib.crc32(value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value)


def _checked(encoded: Any) -> tuple[bytes, int]:
    value = marshal.dumps(encoded)
    return value, checksum(value)


class _Verifier:
    """The SQL function verified(value, checksum): the value, or an error if it is damaged.

    Every query reads stored records through it, so a damaged row fails loudly
    instead of printing something the dataset does not say.
    """

    def __init__(self) -> None:
        self.rows = 0  # verified so far: none means nothing read from the cache was shown
        self.damaged: str | None = None
        self.cache: Path | None = None  # the cache file in use, if any

    def __call__(self, value: str | bytes | None, expected: int | None) -> str | bytes | None:
        try:
            sound = value is None or checksum(value) == expected
        except (TypeError, UnicodeError):  # not even text or bytes any more
            sound = False
        if not sound:
            self.damaged = "a stored record does not match its checksum"
            raise CacheDamaged(self.damaged)
        self.rows += 1
        return value


#: The verifier of this process's connections (one dataset per process).
VERIFIER = _Verifier()


def damage_of(error: BaseException) -> str | None:
    """Why a database error means the cache is damaged, or None if it does not."""
    if isinstance(error, CacheDamaged):
        return str(error)
    if isinstance(error, sqlite3.OperationalError) and VERIFIER.damaged:
        return VERIFIER.damaged  # raised by verified(): SQLite re-raises it as its own error
    if isinstance(error, sqlite3.OperationalError) and "decode to UTF-8" in str(error):
        return "a stored text is not UTF-8 any more"
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, (sqlite3.OperationalError, sqlite3.IntegrityError, sqlite3.ProgrammingError)
    ):
        return f"the database is damaged ({error})"
    return None


def discard_damaged_cache() -> bool:
    """Remove the cache file in use, so that it is compiled afresh; True if there was one."""
    target, VERIFIER.cache = VERIFIER.cache, None
    VERIFIER.rows, VERIFIER.damaged = 0, None
    if target is None:
        return False
    with contextlib.suppress(OSError):
        _remove(target)
    return True


# --------------------------------------------------------------------------- fingerprints


def fingerprint(root: Path) -> dict[str, tuple[int, int, int, int, bool]]:
    """{relative path: (size, mtime_ns, ctime_ns, inode, is data file)} of every dataset file.

    ctime and inode change whenever content changes, even if the modification
    time is set back afterwards; a content hash covers edits within one tick.
    """
    import stat

    from .paths import is_inside

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


def _code_version() -> str:
    package = Path(__file__).resolve().parent
    parts = [str(FORMAT)]
    for name in _SHAPING_MODULES:
        with contextlib.suppress(OSError):
            info = (package / name).stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _digest(root: Path, relative: str) -> str:
    import hashlib

    from .paths import MAX_DATA_FILE, Refused, read_inside

    try:  # read as the loader reads: never a FIFO, a device or past the size cap
        return hashlib.sha256(read_inside(root, relative, MAX_DATA_FILE)).hexdigest()
    except (OSError, Refused):
        return "unreadable"


def _changed(root: Path, db: sqlite3.Connection, current: dict[str, Any]) -> set[str]:
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


# --------------------------------------------------------------------------- opening


def _connect(target: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(target, timeout=30, isolation_level=None)
    db.create_function("verified", 2, VERIFIER, deterministic=True)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute(
        "PRAGMA synchronous = OFF" if target == ":memory:" else "PRAGMA synchronous = NORMAL"
    )
    return db


def _meta(db: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return {}


def _usable(root: Path, meta: dict[str, str]) -> bool:
    return meta.get("code") == _code_version() and meta.get("root") == str(root.resolve())


def _raise_problems(root: Path, db: sqlite3.Connection) -> None:
    from .errors import MAX_PROBLEMS

    # Only the problems that are listed are read: a dataset can have millions.
    rows = db.execute(
        "SELECT file, line, col, path, message FROM problems"
        " ORDER BY file, line, col, rank, rowid LIMIT ?",
        (MAX_PROBLEMS,),
    ).fetchall()
    if rows:
        (total,) = db.execute("SELECT count(*) FROM problems").fetchone()
        raise DataError(
            (
                Problem(_shown(root, file), line, col, path, message)
                for file, line, col, path, message in rows
            ),
            more=total - len(rows),
        )


def _shown(root: Path, relative: str) -> str:
    from .load import display_path

    return display_path(root / relative) if relative else str(root)


def open_dataset(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    verify: bool = False,
) -> sqlite3.Connection:
    """The compiled database of root, brought up to date; raises DataError if it is invalid.

    With use_cache False the database is compiled in memory and nothing is written.
    verify checks the whole cache file against its checksum, however large it is.
    A cache folder that is not the user's alone is not used: warn is told why, once.
    """
    _check_folder(root)
    folder = _private_cache_folder(warn) if use_cache else None
    if folder is None:
        db = _compile_in_memory(root, fingerprint(root), progress)
        _raise_problems(root, db)
        db.execute("PRAGMA query_only = ON")
        return db
    target = folder / cache_file(root).name
    sound = _sealed(target, whole=verify)
    if not sound and _own_file(seal_file(target)) and warn is not None:
        warn(f"warning: the cache file {target} is damaged (its checksum changed); compiling again")
    current = sound and _open_current(root, target)
    db_file = current or _compile_cached(root, target, progress, in_place=sound)
    _raise_problems(root, db_file)
    db_file.execute("PRAGMA query_only = ON")
    VERIFIER.rows, VERIFIER.damaged = 0, None  # what counts is what answers the question
    return db_file


_warned: list[str] = []  # what this process has already said about its cache folder


def _private_cache_folder(warn: Callable[[str], None] | None) -> Path | None:
    """The cache folder, made if missing (0700), if it is the user's alone; else None."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Judge, and then use, the folder a link leads to: a link cannot be re-aimed later.
        real = Path(os.path.realpath(folder))
        reason = _not_private(real)
    except OSError as error:
        real, reason = folder, f"it cannot be made ({error.strerror})"
    if reason is None:
        return real
    message = f"warning: not using the cache folder {folder}: {reason}; running without a cache"
    if warn is not None and message not in _warned:
        _warned.append(message)
        warn(message)
    return None


def _not_private(folder: Path) -> str | None:
    """Why another user could plant or swap files in folder, or None if they cannot.

    The folder must be the user's and writable by no one else; each folder above it
    must belong to the user or to root and, if others may write in it, be sticky
    (as /tmp is), so that no one else can rename it away.
    """
    import stat

    user = os.geteuid()
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if info.st_uid != user:
        return f"it belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o022:
        return f"other users can write in it (mode {stat.S_IMODE(info.st_mode):04o})"
    for parent in folder.parents:
        info = os.stat(parent)
        if info.st_uid not in (0, user):
            return f"{parent} belongs to another user (uid {info.st_uid})"
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            return f"other users can write in {parent}"
    return None


def _own_file(path: Path) -> bool:
    """True if path is a regular file (not a link) of the user's, writable by no one else."""
    import stat

    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022


def _check_folder(root: Path) -> None:
    from .paths import dataset_problem

    why = dataset_problem(root)
    if why is not None:
        raise DataError([Problem(str(root), 0, 0, "", why)])


def _open_current(root: Path, target: Path) -> sqlite3.Connection | None:
    """The (sound) database at target if it matches the dataset exactly, else None."""
    try:
        db = _connect(target)
        meta = _meta(db)
        if _usable(root, meta):
            current = fingerprint(root)
            if not _changed(root, db, current):
                VERIFIER.cache = target
                _mark_used(target)
                return db
        db.close()
    except sqlite3.Error:
        pass
    return None


def _compile_cached(
    root: Path, target: Path, progress: Progress | None, *, in_place: bool
) -> sqlite3.Connection:
    """Bring the (sound) database at target up to date in place if in_place, or build a new
    one; in memory if the cache folder cannot be written."""
    current = fingerprint(root)
    with contextlib.suppress(sqlite3.Error, OSError):
        if in_place:
            db = _connect(target)
            if _usable(root, _meta(db)):
                compile_into(root, db, current, progress)
                _seal(target)
                VERIFIER.cache = target
                return db
            db.close()
    import tempfile

    try:
        # mkstemp: an unpredictable name, created with O_EXCL, readable by the user alone.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".tmp")
        os.close(handle)
    except OSError:
        temporary = None
    if temporary is None:  # the cache folder cannot be written: compile in memory
        return _compile_in_memory(root, current, progress)
    try:
        db = _connect(temporary)
        db.executescript(SCHEMA)
        compile_into(root, db, current, progress)
        db.close()
        os.replace(temporary, target)  # atomic: readers see the old file or the new one
        _seal(target)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return _compile_in_memory(root, current, progress)
    prune_cache(target.parent, keep=target)  # a new file: a rare moment, so check the others
    VERIFIER.cache = target
    return _connect(target)


def _compile_in_memory(
    root: Path, current: dict[str, tuple[int, int, int, int, bool]], progress: Progress | None
) -> sqlite3.Connection:
    db = _connect(":memory:")
    db.executescript(SCHEMA)
    compile_into(root, db, current, progress)
    return db


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
    current: dict[str, tuple[int, int, int, int, bool]],
    progress: Progress | None = None,
) -> None:
    """Re-read the changed data files of root into db, check, and derive the query tables."""
    from . import checks

    progress = progress or Progress()
    built_ns = time.time_ns()
    db.execute("BEGIN IMMEDIATE")
    try:
        changed = _changed(root, db, current)
        order = {
            path: number for number, path in enumerate(sorted(p for p in current if current[p][4]))
        }
        data_changed = sorted(p for p in changed if p in order or _was_data(db, p))
        progress.start(sum(1 for p in data_changed if p in order))
        forgotten = {relative: _forget_file(db, relative) for relative in data_changed}
        dimensions_changed = any(f.dimensions for f in forgotten.values())
        to_read = [p for p in data_changed if p in order]
        for parsed in _parse_files(root, to_read, [current[p][0] for p in to_read]):
            dimensions_changed |= _store_parsed(db, parsed)
            progress.file_read(parsed.relative, len(parsed.records))
        _write_files(root, db, current, order, built_ns)
        progress.stage("checking references and quotes")
        db.execute("DELETE FROM problems WHERE stage = 'checks'")
        meta = _meta(db)
        # After a valid compile, if only meetings and context changed (no records others
        # refer to, no article), the only new problems are about the changed files.
        articles_changed = bool(changed.difference(data_changed))
        quick = meta.get("derived") == "1" and not dimensions_changed and not articles_changed
        problems = list(checks.cross_record_problems(root, db, to_read if quick else None))
        db.executemany(
            "INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'checks', ?)",
            [(p.file, p.line, p.column, p.path, p.message, rank) for rank, p in problems],
        )
        valid = db.execute("SELECT 1 FROM problems LIMIT 1").fetchone() is None
        if not valid:  # nothing of a broken dataset is ever served
            _clear_derived(db)
        else:
            progress.stage("indexing")
            if dimensions_changed or meta.get("derived") != "1":
                _derive_all(db)
            else:
                _derive_changes(db, forgotten)
            _list_words(db)
            if dimensions_changed or articles_changed or meta.get("derived") != "1":
                _store_articles(root, db)
        derived = "1" if valid else "0"
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [
                ("format", str(FORMAT)),
                ("code", _code_version()),
                ("root", str(root.resolve())),
                ("derived", derived),
            ],
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        progress.finish()


def _was_data(db: sqlite3.Connection, relative: str) -> bool:
    row = db.execute("SELECT is_data FROM files WHERE path = ?", (relative,)).fetchone()
    return bool(row and row[0])


class Forgotten(NamedTuple):
    """What a data file held before it changed, as far as deriving again needs it."""

    dimensions: bool  # records others refer to
    context: bool  # context items
    meetings: list[bytes]  # the stored value of each meeting


def _forget_file(db: sqlite3.Connection, relative: str) -> Forgotten:
    """Delete the records of a data file (its query rows stay until derived again)."""
    rows = db.execute(
        "SELECT collection, verified(value, checksum) FROM records WHERE file = ?", (relative,)
    ).fetchall()
    db.execute(
        "DELETE FROM refs WHERE record IN (SELECT rowid FROM records WHERE file = ?)", (relative,)
    )
    db.execute(
        "DELETE FROM claims WHERE record IN (SELECT rowid FROM records WHERE file = ?)", (relative,)
    )
    db.execute("DELETE FROM records WHERE file = ?", (relative,))
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
    """What one data file holds, ready to store: records with encoded values, problems."""

    relative: str
    records: list[RecordRead]  # each `record` encoded for the `records.value` column
    problems: list[tuple[int, Problem]]  # (rank, problem)
    unreadable: bool


def parse_file(root: Path, relative: str) -> ParsedFile:
    """Parse and check one data file on its own (in this process or a worker)."""
    import gc

    from .load import FileReader

    reader = FileReader(root / relative, relative)
    records = []
    problems: list[tuple[int, Problem]] = []
    # Parsing makes no reference cycles, but many objects that stay alive (a file's
    # records, one large record's nodes): each collection would walk them all again,
    # which made a record of 40,000 participants three times slower.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for read in reader.records():
            value = (
                None
                if read.record is None
                else marshal.dumps(ENCODERS[read.collection](read.record))
            )
            records.append(read._replace(record=value))
            problems.extend((0, p) for p in read.problems)
            problems.extend((2, p) for p in read.check_problems)
    finally:
        if collecting:
            gc.enable()
    if reader.unreadable:  # nothing in a file that cannot be parsed is judged
        records, problems = [], []
    problems.extend((0, p) for p in reader.problems)
    return ParsedFile(relative, records, problems, reader.unreadable)


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


def _store_parsed(db: sqlite3.Connection, parsed: ParsedFile) -> bool:
    """Store one parsed file; True if it holds records of a dimension (or is unreadable)."""
    (first,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM records").fetchone()
    numbered = list(enumerate(parsed.records, first))
    db.executemany(
        "INSERT INTO records (rowid, file, collection, position, id, line, col, id_line, id_col,"
        " value, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (rowid, parsed.relative, read.collection, read.position, read.id, read.line,
             read.column, read.id_line, read.id_column, read.record,  # encoded by parse_file
             None if read.record is None else checksum(read.record))
            for rowid, read in numbered
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?)",
        [(rowid, *ref) for rowid, read in numbered for ref in read.references],
    )
    db.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (rowid, c.line, c.column, c.path, c.words, json.dumps(c.sources), c.where)
            for rowid, read in numbered
            for c in read.claims
        ],
    )
    db.executemany(
        "INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'read', ?)",
        [(parsed.relative, p.line, p.column, p.path, p.message, r) for r, p in parsed.problems],
    )
    db.execute(
        "INSERT OR REPLACE INTO files (path, is_data, unreadable) VALUES (?, 1, ?)",
        (parsed.relative, int(parsed.unreadable)),
    )
    # References into a file that cannot be parsed cannot be judged: check everything again.
    return parsed.unreadable or any(read.collection in DIMENSIONS for read in parsed.records)


def _write_files(
    root: Path,
    db: sqlite3.Connection,
    current: dict[str, tuple[int, int, int, int, bool]],
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


def _list_words(db: sqlite3.Connection) -> None:
    """Copy the search index's vocabulary into `search_words`, folded as query words are,
    with the sound key of words that occur in names.

    fts5vocab reads the whole index on every query; search reads this small table.
    """
    from .names import fold, phonetic_key, plain_key

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


def _store_articles(root: Path, db: sqlite3.Connection) -> None:
    """Copy every source's article text (checked readable by now) into `articles`, indexed.

    `source` and `search --in sources` then read the database, never the files.
    """
    from .names import fold
    from .paths import MAX_ARTICLE, Refused, read_inside

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


def _clear_derived(db: sqlite3.Connection) -> None:
    for table in DERIVED:
        db.execute(f"DELETE FROM {table}")  # names from the constant above
    db.execute("DELETE FROM search")
    db.execute("DELETE FROM context_search")
    db.execute("DELETE FROM article_search")


def _derive_all(db: sqlite3.Connection) -> None:
    _clear_derived(db)
    dimensions = read_dimensions(db)
    _insert_dimensions(db, dimensions)
    _derive_items(db, dimensions, _records(db, ("meetings", "context")))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('derived', '1')")


def _derive_changes(db: sqlite3.Connection, forgotten: dict[str, Forgotten]) -> None:
    """Bring the query rows up to date after some files of meetings and context changed.

    A meeting whose stored value is unchanged keeps its rows; the others are
    removed or derived again. Context items, few, are all derived again in order.
    """
    from collections import Counter

    fresh: list[tuple[str, str, bytes]] = []
    gone: list[bytes] = []
    context = False
    for relative, before in forgotten.items():
        remaining = Counter(before.meetings)
        rows = _records(db, ("meetings", "context"), "AND r.file = ?", (relative,))
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
        _underive_meeting(db, marshal.loads(value)[0])
    if context:
        for table in (
            "context",
            "context_people",
            "context_sources",
            "context_topics",
            "context_search",
        ):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM quotes WHERE context IS NOT NULL")
        fresh += _records(db, ("context",))
    _derive_items(db, read_dimensions(db), fresh)


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


#: Valid records of some collections, in dataset order: files in name order, then place.
_RECORDS_IN_ORDER = """
SELECT r.file, r.collection, verified(r.value, r.checksum)
FROM records r JOIN files f ON f.path = r.file
WHERE r.collection IN ({collections}) AND r.value IS NOT NULL {more}
ORDER BY f.ordinal, r.position
"""


def _records(
    db: sqlite3.Connection, collections: Iterable[str], more: str = "", params: Iterable[Any] = ()
) -> Iterator[tuple[str, str, bytes]]:
    """(file, collection, value) of valid records, read as they are used."""
    wanted = ", ".join(f"'{name}'" for name in collections if name in ENCODERS)
    sql = _RECORDS_IN_ORDER.format(collections=wanted, more=more)
    return iter(db.execute(sql, tuple(params)))


def read_dimensions(db: sqlite3.Connection) -> Dataset:
    """Sources, people, events and topics (no meetings or context) as a Dataset."""
    from .model import Dataset

    found: dict[str, list[Any]] = {name: [] for name in DIMENSIONS}
    for _, collection, value in _records(db, DIMENSIONS):
        found[collection].append(DECODERS[collection](marshal.loads(value)))
    return Dataset(
        sources=tuple(found["sources"]),
        people=tuple(found["people"]),
        events=tuple(found["events"]),
        topics=tuple(found["topics"]),
        meetings=(),
        context=(),
    )


def _insert_dimensions(db: sqlite3.Connection, dimensions: Dataset) -> None:
    from .names import person_aliases

    db.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.file, s.outlet, s.title, s.published.isoformat() if s.published else None,
             s.published_basis, s.published_how, s.notes, *_checked(_encode_source(s)))
            for s in dimensions.sources
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (p.id, p.name, p.short_name, p.country, p.rank, p.role, p.notes,
             *_checked(_encode_person(p)))
            for p in dimensions.people
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO aliases VALUES (?, ?, ?, ?, ?)",
        [tuple(alias) for person in dimensions.people for alias in person_aliases(person)],
    )
    db.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, e.name, e.short_name, e.year, e.location, e.name_basis, e.name_how, e.notes,
             *_checked(_encode_event(e)))
            for e in dimensions.events
        ],
    )  # fmt: skip
    db.executemany("INSERT INTO topics VALUES (?, ?)", [tuple(t) for t in dimensions.topics])


#: How many meetings and context items one batch prepares (in a worker, when it pays).
BATCH = 4000

#: Where prepared rows go. Tables keyed by meeting get the meeting's row number first.
_INSERTS = {
    "meetings": "INSERT INTO meetings (rowid, id, file, title, start, end, date_precision,"
    " date_basis, date_how, location, event, kind, summary, notes, disputed, record, checksum)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "meeting_days": "INSERT INTO meeting_days VALUES (?, ?)",
    "meeting_years": "INSERT INTO meeting_years VALUES (?, ?)",
    "participants": "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?)",
    "meeting_topics": "INSERT INTO meeting_topics VALUES (?, ?)",
    "meeting_sources": "INSERT INTO meeting_sources VALUES (?, ?)",
    "disagreements": "INSERT INTO disagreements VALUES (?, ?, ?, ?, ?)",
    "meeting_quotes": "INSERT INTO quotes VALUES (?, NULL, ?, ?, ?, ?, ?)",
    "search": "INSERT INTO search (rowid, title, summary, quotes, topics, participants, event,"
    " location, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context": "INSERT INTO context (rowid, id, file, title, kind, start, end, date_basis,"
    " date_how, location, summary, record, checksum)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context_search": "INSERT INTO context_search (rowid, title, summary, quotes, topics,"
    " participants, event, location, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context_people": "INSERT INTO context_people VALUES (?, ?)",
    "context_sources": "INSERT INTO context_sources VALUES (?, ?)",
    "context_topics": "INSERT INTO context_topics VALUES (?, ?)",
    "context_quotes": "INSERT INTO quotes VALUES (NULL, ?, ?, ?, ?, ?, ?)",
}
_BY_MEETING = frozenset(
    ("meetings", "meeting_days", "meeting_years", "participants", "meeting_topics",
     "meeting_sources", "disagreements", "meeting_quotes", "search")
)  # fmt: skip


def _derive_items(
    db: sqlite3.Connection, dimensions: Dataset, rows: Iterable[tuple[str, str, bytes]]
) -> None:
    """Insert the query rows of meetings and context items, prepared in batches."""
    import itertools

    remaining = iter(rows)
    batches = iter(lambda: list(itertools.islice(remaining, BATCH)), [])
    dimension_values = [
        (collection, ENCODERS[collection](record))
        for collection, records in (
            ("sources", dimensions.sources),
            ("people", dimensions.people),
            ("events", dimensions.events),
            ("topics", dimensions.topics),
        )
        for record in records
    ]
    for prepared in _prepare_batches(dimension_values, batches):
        (first,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM meetings").fetchone()
        (item,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM context").fetchone()
        for table, table_rows in prepared.items():
            if table in _BY_MEETING:
                table_rows = [(first + row[0], *row[1:]) for row in table_rows]
            elif table in ("context", "context_search"):
                table_rows = [(item + row[0], *row[1:]) for row in table_rows]
            db.executemany(_INSERTS[table], table_rows)


def _prepare_batches(
    dimension_values: list[tuple[str, Any]], batches: Iterator[list[tuple[str, str, bytes]]]
) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Each batch's rows by table, in order; two batches at once in workers when it pays."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = min(os.cpu_count() or 1, 4)
    if second is None or workers < 2:
        yield prepare_items(dimension_values, first)
        if second is not None:
            yield prepare_items(dimension_values, second)
        yield from (prepare_items(dimension_values, batch) for batch in batches)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # spawn, not fork: a forked child would inherit this process's open database.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[dict[str, list[tuple[Any, ...]]]]] = []
        for batch in itertools.chain([first, second], batches):
            pending.append(pool.submit(prepare_items, dimension_values, batch))
            if len(pending) > workers:  # a bounded window, results in order
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def prepare_items(
    dimension_values: list[tuple[str, Any]], rows: list[tuple[str, str, bytes]]
) -> dict[str, list[tuple[Any, ...]]]:
    """The query rows of a batch of meetings and context items, by table.

    Rows of tables keyed by meeting start with the meeting's place in the batch.
    """
    from .contract import context_record, meeting_record
    from .model import Dataset

    found: dict[str, list[Any]] = {name: [] for name in DIMENSIONS}
    for collection, value in dimension_values:
        found[collection].append(DECODERS[collection](value))
    dimensions = Dataset(
        tuple(found["sources"]), tuple(found["people"]), tuple(found["events"]),
        tuple(found["topics"]), (), (),
    )  # fmt: skip
    people, events = dimensions.person_by_id, dimensions.event_by_id
    out: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _INSERTS}
    number = items = 0
    for file, collection, value in rows:
        if collection == "context":
            item: ContextItem = _decode_context(marshal.loads(value))
            record = _dump(context_record(dimensions, item))
            _prepare_context(out, items, file, item, record, people)
            items += 1
            continue
        meeting: Meeting = _decode_meeting(marshal.loads(value))
        record = _dump(meeting_record(dimensions, meeting))
        span = meeting.date
        out["meetings"].append(
            (number, meeting.id, file, meeting.title, span.start.isoformat(), span.end.isoformat(),
             span.precision, span.basis, span.how, meeting.location, meeting.event, meeting.kind,
             meeting.summary, meeting.notes, int(meeting.disputed), record, checksum(record))
        )  # fmt: skip
        out["meeting_days"] += [(number, d.isoformat()) for d in span.candidates]
        out["meeting_years"] += [(number, y) for y in span.years]
        out["participants"] += [
            (number, n, p.person, p.role, p.seat, int(bool(p.sources)), people[p.person].country)
            for n, p in enumerate(meeting.participants)
        ]
        out["meeting_topics"] += [(number, t) for t in meeting.topics]
        out["meeting_sources"] += [(number, s) for s in meeting.sources]
        out["disagreements"] += [
            (number, n, d.about, json.dumps([[c.says, list(c.sources)] for c in d.claims]), d.note)
            for n, d in enumerate(meeting.disagreements)
        ]
        out["meeting_quotes"] += [
            (number, n, q.speaker, q.speaker_as, q.text, q.source)
            for n, q in enumerate(meeting.quotes)
        ]
        out["search"].append((number, *searchable_texts(meeting, people, events)))
        number += 1
    return out


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2)


def searchable_texts(meeting: Meeting, people: Any, events: Any) -> tuple[str, ...]:
    """The texts of a meeting that search looks in, one per SEARCH_COLUMNS entry."""
    from .names import aliases_of

    names = []
    for participant in meeting.participants:
        person: Person = people[participant.person]
        names.append(", ".join(dict.fromkeys(text for text, _ in aliases_of(person))))
        names.append(f"{person.country}, {participant.role}")
    event = events.get(meeting.event) if meeting.event else None
    return (
        meeting.title,
        meeting.summary,
        "\n".join(q.text for q in meeting.quotes),
        ", ".join(meeting.topics),
        "\n".join(names),
        f"{event.name} ({event.short_name})" if event else "",
        meeting.location,
        meeting.notes or "",
    )


def context_texts(item: ContextItem, people: Any) -> tuple[str, ...]:
    """The texts of a context item that search looks in, one per SEARCH_COLUMNS entry."""
    from .names import aliases_of

    names = []
    for person_id in item.people:
        person: Person = people[person_id]
        names.append(", ".join(dict.fromkeys(text for text, _ in aliases_of(person))))
        names.append(person.country)
    return (
        item.title,
        item.summary,
        "\n".join(q.text for q in item.quotes),
        ", ".join(item.topics),
        "\n".join(names),
        "",
        item.location or "",
        item.notes or "",
    )


def _prepare_context(
    out: dict[str, list[tuple[Any, ...]]],
    number: int,
    file: str,
    item: ContextItem,
    record: str,
    people: Any,
) -> None:
    span = item.date
    out["context"].append(
        (number, item.id, file, item.title, item.kind, span.start.isoformat() if span else None,
         span.end.isoformat() if span else None, span.basis if span else None,
         span.how if span else None, item.location, item.summary, record, checksum(record))
    )  # fmt: skip
    out["context_people"] += [(item.id, p) for p in item.people]
    out["context_sources"] += [(item.id, s) for s in item.sources]
    out["context_topics"] += [(item.id, t) for t in item.topics]
    out["context_quotes"] += [
        (item.id, n, q.speaker, q.speaker_as, q.text, q.source) for n, q in enumerate(item.quotes)
    ]
    out["context_search"].append((number, *context_texts(item, people)))


# --------------------------------------------------------------------------- whole datasets


def load_dataset(root: Path) -> Dataset:
    """Every record of a dataset, compiled in memory and checked (DataError if invalid)."""
    db = open_dataset(root, use_cache=False)
    try:
        return dataset_of(db)
    finally:
        db.close()


def dataset_of(db: sqlite3.Connection) -> Dataset:
    """The whole dataset held by a compiled database, as records."""
    from .model import Dataset

    dims = read_dimensions(db)
    items: dict[str, list[Any]] = {"meetings": [], "context": []}
    for _, collection, value in _records(db, items):
        items[collection].append(DECODERS[collection](marshal.loads(value)))
    return Dataset(
        dims.sources,
        dims.people,
        dims.events,
        dims.topics,
        tuple(items["meetings"]),
        tuple(items["context"]),
    )


def export(db: sqlite3.Connection, target: Path) -> None:
    """Write the compiled database to target (a new SQLite file), via a temporary file."""
    import tempfile

    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}-", suffix=".tmp")
    os.close(handle)
    try:
        copy = sqlite3.connect(temporary)
        db.backup(copy)
        copy.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # an export is the user's file, as any other
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --------------------------------------------------------------------------- encoding
# Records as nested tuples of plain values, one layout per record type, so
# marshal can store them (loading marshal data cannot build arbitrary objects).


def _span(span: DateSpan | None) -> Any:
    return (
        None
        if span is None
        else (
            span.start.toordinal(),
            span.end.toordinal(),
            span.basis,
            span.how,
            [day.toordinal() for day in span.candidates],
        )
    )


def _encode_source(s: Any) -> Any:
    return (s.id, s.file, s.outlet, s.title, s.published.toordinal() if s.published else None,
            s.published_basis, s.published_how, s.notes)  # fmt: skip


def _encode_person(p: Any) -> Any:
    return (p.id, p.name, p.short_name, p.country, p.rank, p.role,
            [tuple(n) for n in p.native_names], list(p.spellings),
            [(s.text, s.source) for s in p.stated_as], p.notes,
            [tuple(n) for n in p.other_names], list(p.curator_fields))  # fmt: skip


def _encode_event(e: Any) -> Any:
    return (e.id, e.name, e.short_name, e.year, e.location, list(e.sources), e.notes,
            e.name_basis, e.name_how)  # fmt: skip


def _encode_meeting(m: Any) -> Any:
    return (m.id, m.title, _span(m.date), m.location, m.event, m.kind,
            [(p.person, p.role, list(p.sources), p.seat) for p in m.participants],
            list(m.topics), m.summary, [tuple(q) for q in m.quotes], list(m.sources),
            [(d.about, [(c.says, list(c.sources)) for c in d.claims], d.note)
             for d in m.disagreements],
            m.notes)  # fmt: skip


def _encode_context(c: Any) -> Any:
    return (c.id, c.title, c.kind, _span(c.date), c.location, list(c.people), list(c.topics),
            c.summary, [tuple(q) for q in c.quotes], list(c.sources), c.notes)  # fmt: skip


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "sources": _encode_source,
    "people": _encode_person,
    "events": _encode_event,
    "topics": tuple,
    "meetings": _encode_meeting,
    "context": _encode_context,
}


def _decode_span(raw: Any) -> Any:
    from .model import DateSpan

    if raw is None:
        return None
    start, end, basis, how, candidates = raw
    return DateSpan(
        date.fromordinal(start),
        date.fromordinal(end),
        basis,
        how,
        tuple(date.fromordinal(day) for day in candidates),
    )


def _decode_source(raw: Any) -> Any:
    from .model import Source

    i, f, o, t, p, b, h, n = raw
    return Source(i, f, o, t, date.fromordinal(p) if p is not None else None, b, h, n)


def _decode_person(raw: Any) -> Any:
    from .model import NativeName, Person, StatedAs

    i, n, sn, c, r, ro, nn, sp, st, no, on, cf = raw
    return Person(i, n, sn, c, r, ro, tuple(NativeName(*x) for x in nn), tuple(sp),
                  tuple(StatedAs(*x) for x in st), no, tuple(NativeName(*x) for x in on),
                  tuple(cf))  # fmt: skip


def _decode_event(raw: Any) -> Any:
    from .model import Event

    i, n, sn, y, lo, s, no, nb, nh = raw
    return Event(i, n, sn, y, lo, tuple(s), no, nb, nh)


def _decode_topic(raw: Any) -> Any:
    from .model import Topic

    return Topic(*raw)


def _quotes(raw: Any) -> Any:
    from .model import Quote

    return tuple(Quote(*q) for q in raw)


def _decode_meeting(raw: Any) -> Any:
    from .model import Claim, Disagreement, Meeting, Participant

    i, ti, d, lo, ev, k, pa, to, su, qu, so, di, notes = raw
    return Meeting(i, ti, _decode_span(d), lo, ev, k,
                   tuple(Participant(p, r, tuple(s), se) for p, r, s, se in pa), tuple(to), su,
                   _quotes(qu), tuple(so),
                   tuple(Disagreement(a, tuple(Claim(c, tuple(cs)) for c, cs in cl), no)
                         for a, cl, no in di),
                   notes)  # fmt: skip


def _decode_context(raw: Any) -> Any:
    from .model import ContextItem

    i, ti, k, d, lo, pe, to, su, qu, so, no = raw
    return ContextItem(i, ti, k, _decode_span(d), lo, tuple(pe), tuple(to), su, _quotes(qu),
                       tuple(so), no)  # fmt: skip


DECODERS: dict[str, Callable[[Any], Any]] = {
    "sources": _decode_source,
    "people": _decode_person,
    "events": _decode_event,
    "topics": _decode_topic,
    "meetings": _decode_meeting,
    "context": _decode_context,
}


def decode_person(value: bytes) -> Person:
    """A person from its stored value."""
    person: Person = _decode_person(marshal.loads(value))
    return person


def iter_people(db: sqlite3.Connection) -> Iterator[Person]:
    """Every person, in dataset order."""
    for (value,) in db.execute("SELECT verified(value, checksum) FROM people ORDER BY rowid"):
        yield decode_person(value)
