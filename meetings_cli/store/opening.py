"""Opening the compiled database of a dataset: from the cache if it is current, else compiled.

One database per dataset folder, in the cache folder (`cache`); `--no-cache`
compiles the same database in memory. A new database is written to a temporary
file and renamed into place; an update runs in one transaction, so a reader
sees the old state or the new one.
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
    _seal,
    _sealed,
    cache_file,
    prune_cache,
    recover,
    seal_file,
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


def _connect(target: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(target, timeout=30, isolation_level=None)
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
    recover(target)
    sound = _sealed(target, whole=verify)
    if not sound and _own_file(seal_file(target)) and warn is not None:
        warn(f"warning: the cache file {target} is damaged (its checksum changed); compiling again")
    files = fingerprint(root)
    current = sound and _open_current(root, target, files)
    db_file = current or _compile_cached(root, target, files, progress, in_place=sound)
    _raise_problems(root, db_file)
    db_file.execute("PRAGMA query_only = ON")
    VERIFIER.rows, VERIFIER.damaged = 0, None  # what counts is what answers the question
    return db_file


_warned: list[str] = []  # what this process has already said about its cache folder


def _check_folder(root: Path) -> None:
    from ..paths import dataset_problem

    why = dataset_problem(root)
    if why is not None:
        raise DataError([Problem(str(root), 0, 0, "", why)])


def _open_current(root: Path, target: Path, current: Fingerprint) -> sqlite3.Connection | None:
    """The (sound) database at target if it matches the dataset (current) exactly, else None."""
    try:
        db = _connect(target)
        meta = read_meta(db)
        if _usable(root, meta) and not changed_files(root, db, current):
            VERIFIER.cache = target
            _mark_used(target)
            return db
        db.close()
    except sqlite3.Error:
        pass
    return None


def _compile_cached(
    root: Path, target: Path, current: Fingerprint, progress: Progress | None, *, in_place: bool
) -> sqlite3.Connection:
    """Bring the (sound) database at target up to date with the dataset (current) in place if
    in_place, or build a new one; in memory if the cache folder cannot be written."""
    with contextlib.suppress(sqlite3.Error, OSError):
        if in_place:
            db = _connect(target)
            if _usable(root, read_meta(db)):
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
    root: Path, current: Fingerprint, progress: Progress | None
) -> sqlite3.Connection:
    db = _connect(":memory:")
    db.executescript(SCHEMA)
    compile_into(root, db, current, progress)
    return db


def load_dataset(root: Path) -> Dataset:
    """Every record of a dataset, compiled in memory and checked (DataError if invalid)."""
    db = open_dataset(root, use_cache=False)
    try:
        return dataset_of(db)
    finally:
        db.close()
