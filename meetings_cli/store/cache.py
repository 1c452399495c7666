"""Where compiled databases live, whose they are, and whether they are still sound.

A cache file is used only if it and its folder are the user's alone, and only
while the whole file still has the checksum recorded when it was written (kept
beside it, in NAME.sqlite3.crc32). Each stored record also has a checksum of its
own, verified by the SQL function verified(value, checksum) whenever it is read.

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


#: What a compile or a checksum writes before renaming it into place, and its journal.
_LEFTOVER = r"\.(?:build|seal)-[A-Za-z0-9_]+\.tmp(?:-journal)?"
#: A file being written is written at least this often (seconds): one untouched for longer
#: was left by a compile that was killed.
LEFTOVER_SECONDS = 600


def remove_leftovers(folder: Path) -> int:
    """Remove what killed compiles left in folder (their temporary files and journals,
    untouched for LEFTOVER_SECONDS); how many."""
    import re

    ours = re.compile(_LEFTOVER)
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    removed = 0
    for name in names:
        path = folder / name
        if not ours.fullmatch(name) or not _own_file(path):
            continue
        with contextlib.suppress(OSError):
            if time.time() - os.lstat(path).st_mtime > LEFTOVER_SECONDS:
                os.unlink(path)
                removed += 1
    return removed


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
            _remove(path)
            removed += 1
    return folder, removed


def _remove(database: Path) -> None:
    """Remove a cache file, its checksum and any journal (which SQLite would otherwise
    roll into the next file of that name)."""
    os.unlink(database)
    for beside in (seal_file(database), Path(f"{database}-journal")):
        with contextlib.suppress(OSError):
            os.unlink(beside)


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
#: `validate` (about 0.16 s for the 230 MiB of 100,000 meetings).
VERIFY_WHOLE_BYTES = 128 * 1024**2


def recover(target: Path) -> None:
    """Let SQLite roll back what an update killed midway left (its journal beside target),
    so that the file is again as its last commit left it, and matches its checksum.

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
