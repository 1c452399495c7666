"""Opening the compiled database of a dataset: from the cache if it is current, else compiled.

One database per dataset folder, in the cache folder (`cache`); `--no-cache`
compiles the same database in memory. A new database is written to a temporary
file and renamed into place; an update runs in one transaction that also records
what it was built from (the files' fingerprints), so a reader sees the old state
or the new one, and a killed update leaves the old one, with its old fingerprints.
Readers answer within one read transaction; writers wait for them (rollback
journal mode, with a busy timeout), as SQLite intends.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, Problem
from .cache import (
    VERIFIER,
    _mark_used,
    _own_file,
    _private_cache_folder,
    cache_file,
    integrity_problem,
    prune_cache,
    recover,
    remove_leftovers,
    replace_file,
)
from .compile import (
    Fingerprint,
    changed_files,
    code_version,
    compile_into,
    fingerprint,
    read_meta,
)
from .reading import Progress
from .tables import SCHEMA, dataset_of

if TYPE_CHECKING:
    from ..model import Dataset


#: How long a question waits for a writer's commit, and an update for readers to finish
#: (seconds). An update that waits longer (a reader held up by a pager) builds a new file;
#: new readers wait for it meanwhile, so it is short.
READ_WAIT, UPDATE_WAIT = 30.0, 5.0


def _connect(target: Path | str, timeout: float | None = None) -> sqlite3.Connection:
    wait = READ_WAIT if timeout is None else timeout
    db = sqlite3.connect(target, timeout=wait, isolation_level=None)
    db.create_function("verified", 2, VERIFIER, deterministic=True)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute(
        "PRAGMA synchronous = OFF" if target == ":memory:" else "PRAGMA synchronous = NORMAL"
    )
    return db


def _usable(root: Path, meta: dict[str, str]) -> bool:
    return meta.get("code") == code_version() and meta.get("root") == str(root.resolve())


def _raise_problems(root: Path, db: sqlite3.Connection) -> None:
    from ..errors import MAX_PROBLEMS

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
    from ..load import display_path

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

    The connection is returned inside a read transaction on the state that matches
    the dataset: whatever other processes write meanwhile, every question it answers
    sees that one state. With use_cache False the database is compiled in memory and
    nothing is written. verify runs SQLite's integrity check over the whole cache file.
    A cache folder that is not the user's alone is not used: warn is told why, once.
    """
    _check_folder(root)
    folder = _private_cache_folder(warn) if use_cache else None
    files = fingerprint(root)
    db: sqlite3.Connection | None = None
    if folder is not None:
        target = folder / cache_file(root).name
        # Each turn either finds the file current or updates it; another process may
        # write an older state in between (it read the files earlier): then once more.
        for _ in range(_TURNS):
            db = _open_current(root, target, files, warn=warn, verify=verify)
            if db is not None or not _update(root, target, files, progress):
                break
    if db is None:
        db = _compile_in_memory(root, files, progress)
    try:
        _raise_problems(root, db)
    except DataError:
        db.close()
        raise
    db.execute("PRAGMA query_only = ON")
    VERIFIER.rows, VERIFIER.damaged = 0, None  # what counts is what answers the question
    return db


#: How many times a run tries to bring the cache file up to date before it compiles in memory.
_TURNS = 3


def _check_folder(root: Path) -> None:
    from ..paths import dataset_problem

    why = dataset_problem(root)
    if why is not None:
        raise DataError([Problem(str(root), 0, 0, "", why)])


def _open_current(
    root: Path,
    target: Path,
    current: Fingerprint,
    *,
    warn: Callable[[str], None] | None,
    verify: bool,
) -> sqlite3.Connection | None:
    """The database at target, in a read transaction, if it was built from the dataset as
    it is (current); else None. A file that SQLite finds damaged is removed."""
    recover(target)
    if not _own_file(target):
        return None
    db = None
    try:
        db = _connect(target)
        db.execute("BEGIN")
        meta = read_meta(db)  # takes the read lock: no one commits until the transaction ends
        damage = integrity_problem(db) if verify else None
        if damage is None and _usable(root, meta) and not changed_files(db, current):
            VERIFIER.learn(db)  # within this state: the file may be replaced meanwhile
            VERIFIER.cache = target
            _mark_used(target)
            return db
    except sqlite3.DatabaseError as error:  # not a database, or damaged beyond reading
        damage = None if isinstance(error, sqlite3.OperationalError) else str(error)
    if db is not None:
        db.close()
    if damage is not None:
        if warn is not None:
            warn(f"warning: the cache file {target} is damaged ({damage}); compiling again")
        replace_file(target, None)
    return None


def _update(root: Path, target: Path, current: Fingerprint, progress: Progress | None) -> bool:
    """Bring the database at target up to date with the dataset (current): in place, in one
    transaction, if it is of this version; else as a new file renamed into place. False
    if the cache folder cannot be written."""
    remove_leftovers(target.parent)  # what compiles killed before this one left
    with contextlib.suppress(sqlite3.Error, OSError):
        if _own_file(target):
            db = _connect(target, UPDATE_WAIT)
            # Changed pages stay in memory until the commit: spilling them midway would
            # take the file's exclusive lock, and wait on (and block) readers each time.
            db.execute("PRAGMA cache_spill = OFF")
            try:
                if _usable(root, read_meta(db)):
                    compile_into(root, db, current, progress)
                    return True
            finally:
                db.close()
    import tempfile

    try:
        # mkstemp: an unpredictable name, created with O_EXCL, readable by the user alone.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".tmp")
        os.close(handle)
    except OSError:  # the cache folder cannot be written
        return False
    try:
        db = _connect(temporary)
        try:
            # One transaction: sixty statements committed one by one cost sixty syncs.
            db.executescript(f"BEGIN; {SCHEMA}; COMMIT;")
            compile_into(root, db, current, progress, new_file=True)
            # A read lock held on the finished file while it waits to take its place, so
            # that no other run takes it for a killed compile's leftover (remove_leftovers).
            db.execute("BEGIN")
            read_meta(db)
            if not replace_file(target, temporary):
                return False
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False
    finally:
        for leftover in (temporary, f"{temporary}-journal"):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
    prune_cache(target.parent, keep=target)  # a new file: a rare moment, so check the others
    return True


def _compile_in_memory(
    root: Path, current: Fingerprint, progress: Progress | None
) -> sqlite3.Connection:
    db = _connect(":memory:")
    db.executescript(SCHEMA)
    compile_into(root, db, current, progress, new_file=True)
    return db


def load_dataset(root: Path) -> Dataset:
    """Every record of a dataset, compiled in memory and checked (DataError if invalid)."""
    db = open_dataset(root, use_cache=False)
    try:
        return dataset_of(db)
    finally:
        db.close()
