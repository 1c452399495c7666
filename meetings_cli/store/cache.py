"""Where compiled databases live, whose they are, and whether they are still sound.

A cache file is used only if it and its folder are the user's alone. Its soundness
rests on SQLite's own guarantees: every update is one transaction (a reader sees
the state before it or after it; a killed update is rolled back from its journal),
SQLite reports a page it cannot make sense of, and `validate` runs its integrity
check over every page and index. Each stored record (and each row of `meetings`,
`people`, `context`, ...) also has a checksum of its own, verified by the SQL
function verified(value, checksum) whenever it is read.

Records of a large dataset are stored packed: compressed by Zstandard with a
dictionary of the database (`dictionaries`, written once, sampled from its own
records), which is what makes a meeting's JSON eight times smaller. verified()
unpacks them, so every query reads text.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

CACHE_ENV = "MEETINGS_CACHE_DIR"


def cache_dir() -> Path:
    """Where compiled databases live: always an absolute path."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(os.path.abspath(chosen))
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):  # the XDG rule: a relative path is ignored
        return Path(base) / "meetings"
    home = _home()
    if home is None:  # no home to be had: a folder of the user's own in the system's temp
        import tempfile

        return Path(tempfile.gettempdir()) / f"meetings-cache-{os.getuid()}"
    return Path(home) / ".cache" / "meetings"


def _home() -> str | None:
    """The user's home folder, absolute: HOME if it is, else the password database's."""
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return home
    try:
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):  # no such module (Windows), or no entry for this uid
        return None
    return home if os.path.isabs(home) else None


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


#: What a compile writes before renaming it into place, and its journal.
_LEFTOVER = r"\.(?:build|seal)-[A-Za-z0-9_]+\.tmp(?:-journal)?"
#: What earlier versions kept beside a cache file (a whole-file checksum): removed at any age.
_OUTDATED = r"[0-9a-f]{16}\.sqlite3\.crc32"
#: A compile holds a lock on the file it builds from a moment after making it until it
#: renames it into place: an unlocked one untouched this long (seconds) was left by a
#: compile that was killed.
SETTLED_SECONDS = 2.0


def remove_leftovers(folder: Path) -> int:
    """Remove what killed compiles left in folder (their files, unlocked and untouched for
    SETTLED_SECONDS, and their journals) and what earlier versions kept; how many."""
    import re

    ours, outdated = re.compile(_LEFTOVER), re.compile(_OUTDATED)
    try:
        names = sorted(os.listdir(folder))  # a file before its journal
    except OSError:
        return 0
    removed = 0
    for name in names:
        path = folder / name
        if not (ours.fullmatch(name) or outdated.fullmatch(name)) or not _own_file(path):
            continue
        with contextlib.suppress(OSError):
            if outdated.fullmatch(name) or _left_behind(path):
                os.unlink(path)
                removed += 1
    return removed


def _left_behind(path: Path) -> bool:
    """Whether a compile's file (or journal) at path belongs to no compile at work."""
    if time.time() - os.lstat(path).st_mtime < SETTLED_SECONDS:
        return False
    if path.name.endswith("-journal"):  # goes with its file
        return not os.path.lexists(path.with_name(path.name.removesuffix("-journal")))
    return not (path.name.startswith(".build-") and _locked(path))


def _locked(path: Path) -> bool:
    """Whether a process holds a SQLite lock on the database file at path."""
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            db.execute("BEGIN EXCLUSIVE")
        finally:
            db.close()
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    except sqlite3.DatabaseError:  # not (yet) a database: no lock on it
        return False
    return False


def prune_cache(folder: Path, keep: Path | None = None) -> int:
    """Remove the cache files of dataset folders gone, or unused for UNUSED_DAYS (and what
    killed compiles left); how many cache files.

    Run when a new cache file is written, not on every command: it opens each file.
    """
    remove_leftovers(folder)
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
    """Remove every cache file of this user's (and what killed compiles left): (folder, how
    many cache files), or None if the folder is not theirs."""
    folder = _private_cache_folder(warn)
    if folder is None:
        return None
    remove_leftovers(folder)
    removed = 0
    for path in cache_files(folder):
        with contextlib.suppress(OSError):
            if replace_file(path, None):  # not under an update at work
                removed += 1
    return folder, removed


def _remove(database: Path) -> None:
    """Remove a cache file and any journal (which SQLite would otherwise roll into the
    next file of that name)."""
    os.unlink(database)
    for beside in (Path(f"{database}.crc32"), Path(f"{database}-journal")):
        with contextlib.suppress(OSError):
            os.unlink(beside)


#: How long replacing a cache file waits for an update of it to end (seconds).
LOCK_WAIT = 30.0


def replace_file(target: Path, new: str | None) -> bool:
    """Rename new into place at target (or remove target if new is None); False if a writer
    is at work on target.

    Done holding the write lock of the file it replaces: no update of that file can be
    under way, so no journal of it lies beside target to be rolled into the new file,
    and SQLite refuses to start one on a file renamed away (SQLITE_READONLY_DBMOVED).
    A reader of the old file reads on, undisturbed.
    """
    old = None
    if _own_file(target):
        try:
            old = sqlite3.connect(target, timeout=LOCK_WAIT, isolation_level=None)
            old.execute("BEGIN IMMEDIATE")  # rolls back a killed update's journal first
        except sqlite3.DatabaseError as error:
            if old is not None:
                old.close()
            old = None
            if isinstance(error, sqlite3.OperationalError):  # busy: a writer at work
                return False
            # else not a database at all: no one can be writing it
    try:
        # Any journal beside target now is no update's at work (none holds the lock, or
        # there is no file): one of a file removed since would roll into the new one.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{target}-journal")
        if new is None:
            _remove(target)
        else:
            os.replace(new, target)  # atomic: readers see the old file or the new one
    finally:
        if old is not None:
            old.close()
    return True


def _mark_used(target: Path) -> None:
    """Touch a cache file at most once a day, so that pruning sees it is in use."""
    with contextlib.suppress(OSError):
        if time.time() - os.lstat(target).st_mtime > _DAY:
            os.utime(target)


# --------------------------------------------------------------------------- integrity


def recover(target: Path) -> None:
    """Let SQLite roll back what an update killed midway left (its journal beside target),
    so that the file is again as its last commit left it.

    Judged damaged first, the file would be built again under the same name, and
    SQLite would then roll that old journal into the new file. A journal in use (a
    writer at work) is not rolled back: SQLite knows it by the writer's lock.
    """
    if not os.path.lexists(f"{target}-journal") or not _own_file(target):
        return
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(target, timeout=30)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reading rolls back
        finally:
            db.close()


def integrity_problem(db: sqlite3.Connection) -> str | None:
    """What SQLite's own integrity check finds wrong with db (every page, every index
    against its table), or None if nothing; within the caller's read transaction."""
    rows = db.execute("PRAGMA integrity_check(1)").fetchall()
    return None if rows == [("ok",)] else str(rows[0][0])


class CacheDamaged(Exception):
    """A stored record no longer matches its checksum (a damaged disk block, a stray write)."""


def checksum(value: str | bytes) -> int:
    """The checksum stored beside a record's value, verified when the value is read.

    Of a packed value, the checksum of its bytes: damage is found before unpacking.
    """
    return zlib.crc32(value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value)


# A packed value is the id of its dictionary (4 bytes) and one Zstandard frame of the text,
# compressed with that dictionary (as raw content). Level 5 packs 10,000 meetings' JSON
# in 0.07 s, to an eighth; zlib with the same dictionary took twice as long (copying its
# primed state for each value) for 1% fewer bytes; zstd level 7 packs 10% smaller, 60% slower.
_ID_BYTES = 4
_LEVEL = 5
#: The size of a dictionary, sampled from the texts it packs.
DICTIONARY_BYTES = 32 * 1024


def dictionary_id(zdict: bytes) -> int:
    """The id a dictionary is known by (in `dictionaries` and in each value packed with it)."""
    return zlib.crc32(zdict)


class Packer:
    """Packs texts with one dictionary, for a BLOB column read through verified()."""

    def __init__(self, zdict: bytes) -> None:
        import zstandard

        self.head = dictionary_id(zdict).to_bytes(_ID_BYTES, "big")
        # Prepared once: loading a 32 KiB dictionary costs more than packing one record.
        prepared = zstandard.ZstdCompressionDict(zdict, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        prepared.precompute_compress(level=_LEVEL)
        self._compress = zstandard.ZstdCompressor(
            dict_data=prepared, write_checksum=False, write_content_size=True, write_dict_id=False
        ).compress

    def __call__(self, text: str) -> bytes:
        return self.head + self._compress(text.encode("utf-8"))


class _Verifier:
    """The SQL function verified(value, checksum): the value as text, or an error if it is
    damaged.

    Every query reads stored records through it, so a damaged row fails loudly
    instead of printing something the dataset does not say. A packed value is
    unpacked with its dictionary, which the store tells the verifier of (`learn`)
    before it reads, or which is read from the cache file in use. The one value
    that can come back packed is one a compile reads before the store has learnt
    the dictionaries (`compile` reads the records it replaces first), with no cache
    file in use yet: the store unpacks it with `text_of`.
    """

    def __init__(self) -> None:
        self.rows = 0  # verified so far: none means nothing read from the cache was shown
        self.damaged: str | None = None
        self.cache: Path | None = None  # the cache file in use, if any
        # Of every database read so far, by the head of the values packed with them.
        self.dictionaries: dict[bytes, bytes] = {}
        self._unpackers: dict[bytes, Any] = {}  # by head: a decompressor of that dictionary
        self._learnt_from: tuple[Path, int, int] | None = None  # cache file read: path, inode, time

    def __call__(self, value: str | bytes | None, expected: int | None) -> str | bytes | None:
        try:
            sound = value is None or checksum(value) == expected
        except (TypeError, UnicodeError):  # not even text or bytes any more
            sound = False
        if not sound:
            self._fail("a stored record does not match its checksum")
        self.rows += 1
        if not isinstance(value, bytes):
            return value
        text = self._unpacked(value)
        if text is not None:
            return text
        if self.cache is None:
            return value  # a compile reading before the store learnt: see the docstring
        self._fail("a stored record's dictionary is missing")

    def text_of(self, value: str | bytes) -> str:
        """A stored value, verified, as text: unpacked if it is packed."""
        if isinstance(value, str):
            return value
        text = self._unpacked(value)
        if text is None:
            self._fail("a stored record's dictionary is missing")
        return text

    def _unpacked(self, value: bytes) -> str | None:
        """A packed value's text; None if its dictionary is not known."""
        head = value[:_ID_BYTES]
        if head not in self.dictionaries and self.cache is not None:
            self._learn_cache(self.cache)
        zdict = self.dictionaries.get(head)
        if zdict is None:
            return None
        import zstandard

        unpacker = self._unpackers.get(head)
        if unpacker is None:
            raw = zstandard.ZstdCompressionDict(zdict, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            unpacker = self._unpackers[head] = zstandard.ZstdDecompressor(dict_data=raw)
        try:
            return str(unpacker.decompress(value[_ID_BYTES:]).decode("utf-8"))
        except (zstandard.ZstdError, UnicodeDecodeError):
            self._fail("a stored record cannot be unpacked")

    def learn(self, db: sqlite3.Connection) -> None:
        """Know the dictionaries of db, so that its packed values are read as text."""
        for ident, zdict in db.execute("SELECT id, zdict FROM dictionaries"):
            if not isinstance(zdict, bytes) or dictionary_id(zdict) != ident:
                self._fail("a dictionary of the database does not match its id")
            self.dictionaries[ident.to_bytes(_ID_BYTES, "big")] = zdict

    def _learn_cache(self, path: Path) -> None:
        # A query's connection is not at hand here: the file is opened again to read them
        # (once, unless it has been written since).
        try:
            info = os.stat(path)
        except OSError:
            return
        if self._learnt_from == (path, info.st_ino, info.st_mtime_ns):
            return
        self._learnt_from = (path, info.st_ino, info.st_mtime_ns)
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                self.learn(db)
            finally:
                db.close()
        except sqlite3.Error:
            pass  # the values stay unknown: reported where they are read

    def _fail(self, why: str) -> NoReturn:
        self.damaged = why
        raise CacheDamaged(why)


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
    if isinstance(error, sqlite3.OperationalError) and "disk I/O error" in str(error):
        return "SQLite could not read it: disk I/O error"
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
        replace_file(target, None)
    return True


# --------------------------------------------------------------------------- ownership


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
