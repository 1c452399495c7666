"""The cache: a validated dataset kept in SQLite, so most runs read no YAML.

One cache file per dataset folder, under $MEETINGS_CACHE_DIR (default:
$XDG_CACHE_HOME/meetings or ~/.cache/meetings). It holds data, never output:

* a fingerprint of the data files (path, size, modification time, and a content
  hash for files modified within two seconds of the build, whose timestamps
  cannot be trusted), the cache format and the code that shaped the records;
* the whole validated dataset, encoded with `marshal` (plain values only:
  loading it cannot build arbitrary objects).

The fingerprint is taken before the YAML is read and checked on every run, so
an edited file is never answered from the cache. Only a dataset that validated
is written, to a temporary file renamed into place (atomic). A cache that is
missing, stale, unreadable or corrupt is rebuilt; if it cannot be written, the
run goes on from memory.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .paths import data_files

if TYPE_CHECKING:
    from .model import Dataset

#: Bump when the layout of the cache changes.
FORMAT = 7
CACHE_ENV = "MEETINGS_CACHE_DIR"
#: Files modified this recently (ns) before a build are also checked by content.
RACY_NS = 2_000_000_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dataset (blob BLOB NOT NULL);
"""

# Modules whose code decides what the cache holds: editing them invalidates it.
_SHAPING_MODULES = ("model.py", "load.py", "schema.py", "store.py")


def cache_dir() -> Path:
    """Where cache files live."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "meetings"


def cache_file(root: Path) -> Path:
    """The cache file of a dataset folder (the folder is also recorded inside and checked)."""
    name = str(root.resolve()).encode("utf-8", "surrogateescape")
    # Two cheap checksums make a 64-bit name; hashlib would cost start-up time.
    return cache_dir() / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.sqlite3"


def fingerprint(root: Path) -> list[list[Any]]:
    """[relative path, size, mtime_ns, ctime_ns, inode, content hash or None] of every data file.

    ctime and inode change whenever content changes, even if the modification
    time is set back afterwards; the hash covers edits within one timestamp tick.
    """
    entries = []
    for path in data_files(root):
        try:
            info = path.stat()
        except OSError:
            continue  # vanished: the loader will say so
        entries.append(
            [
                str(path.relative_to(root)),
                info.st_size,
                info.st_mtime_ns,
                info.st_ctime_ns,
                info.st_ino,
                None,
            ]
        )
    return entries


def _code_version() -> str:
    package = Path(__file__).resolve().parent
    parts = [str(FORMAT)]
    for name in _SHAPING_MODULES:
        with contextlib.suppress(OSError):
            info = (package / name).stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mark_racy(root: Path, entries: list[list[Any]], built_ns: int) -> list[list[Any]]:
    """Add content hashes for files whose timestamp is too close to the build to trust."""
    marked = []
    for *stat, _ in entries:
        digest = None
        if max(stat[2], stat[3]) >= built_ns - RACY_NS:
            try:
                digest = _digest(root / stat[0])
            except OSError:
                digest = "unreadable"
        marked.append([*stat, digest])
    return marked


# --------------------------------------------------------------------------- reading


def _read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA query_only = ON")
    return db


def open_store(root: Path) -> sqlite3.Connection | None:
    """The cache of root if it exists and matches the data files exactly; else None."""
    path = cache_file(root)
    if not path.is_file():
        return None
    try:
        db = _read_only(path)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return None
    if not _still_valid(root, meta):
        db.close()
        return None
    return db


def _still_valid(root: Path, meta: dict[str, str]) -> bool:
    if meta.get("code") != _code_version() or meta.get("root") != str(root.resolve()):
        return False
    try:
        stored = json.loads(meta["files"])
    except (KeyError, ValueError):
        return False
    current = fingerprint(root)
    if [entry[:-1] for entry in stored] != [entry[:-1] for entry in current]:
        return False
    for relative, *_, digest in stored:
        if digest is not None:
            try:
                if _digest(root / relative) != digest:
                    return False
            except OSError:
                return False
    return True


# --------------------------------------------------------------------------- writing


def write_store(root: Path, dataset: Dataset, files: list[list[Any]]) -> None:
    """Write the cache of a validated dataset (files: its fingerprint taken before reading).

    Does nothing when the cache folder cannot be written: the run goes on from memory.
    """
    meta = {
        "format": str(FORMAT),
        "code": _code_version(),
        "root": str(root.resolve()),
        "files": json.dumps(_mark_racy(root, files, time.time_ns())),
    }
    import tempfile

    target = cache_file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".tmp")
        os.close(handle)
    except OSError:
        return
    try:
        db = sqlite3.connect(temporary)
        db.executescript(_SCHEMA)
        with db:
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.execute("INSERT INTO dataset VALUES (?)", (marshal.dumps(_encode(dataset)),))
        db.close()
        os.replace(temporary, target)  # atomic: readers see the old file or the new one
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def load_with_cache(root: Path, *, use_cache: bool = True) -> Dataset:
    """The dataset of root, from the cache when it is current, else from YAML (then cached).

    Raises errors.DataError when the YAML does not validate; nothing is cached then.
    """
    if use_cache:
        db = open_store(root)
        if db is not None:
            try:
                (blob,) = db.execute("SELECT blob FROM dataset").fetchone()
                return _decode(marshal.loads(blob))
            except (sqlite3.Error, ValueError, EOFError, TypeError, IndexError):
                pass  # a damaged cache is rebuilt below
            finally:
                db.close()
    from .load import load_dataset

    files = fingerprint(root)
    dataset = load_dataset(root)
    if use_cache:
        write_store(root, dataset, files)
    return dataset


# --------------------------------------------------------------------------- encoding
# The dataset as nested tuples of plain values, one layout per record type, so
# marshal can store it and decoding is a few constructor calls per record.


def _span(span: Any) -> Any:
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


def _encode(dataset: Dataset) -> tuple[Any, ...]:
    return (
        [
            (s.id, s.file, s.outlet, s.title, s.published.toordinal() if s.published else None,
             s.published_basis, s.published_how, s.notes)
            for s in dataset.sources
        ],
        [
            (p.id, p.name, p.short_name, p.country, p.rank, p.role,
             [tuple(n) for n in p.native_names], list(p.spellings),
             [(s.text, s.source) for s in p.stated_as], p.notes,
             [tuple(n) for n in p.other_names], list(p.curator_fields))
            for p in dataset.people
        ],
        [(e.id, e.name, e.short_name, e.year, e.location, list(e.sources), e.notes,
          e.name_basis, e.name_how)
         for e in dataset.events],
        [(t.id, t.description) for t in dataset.topics],
        [
            (m.id, m.title, _span(m.date), m.location, m.event, m.kind,
             [(p.person, p.role, list(p.sources), p.seat) for p in m.participants],
             list(m.topics),
             m.summary, [tuple(q) for q in m.quotes], list(m.sources),
             [(d.about, [(c.says, list(c.sources)) for c in d.claims], d.note)
              for d in m.disagreements],
             m.notes)
            for m in dataset.meetings
        ],
        [
            (c.id, c.title, c.kind, _span(c.date), c.location, list(c.people), list(c.topics),
             c.summary, [tuple(q) for q in c.quotes], list(c.sources), c.notes)
            for c in dataset.context
        ],
    )  # fmt: skip


def _decode(data: Iterable[Any]) -> Dataset:
    from .model import (
        Claim,
        ContextItem,
        Dataset,
        DateSpan,
        Disagreement,
        Event,
        Meeting,
        NativeName,
        Participant,
        Person,
        Quote,
        Source,
        StatedAs,
        Topic,
    )

    def span(raw: Any) -> DateSpan | None:
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

    def quotes(raw: Any) -> tuple[Quote, ...]:
        return tuple(Quote(*q) for q in raw)

    sources, people, events, topics, meetings, context = data
    return Dataset(
        sources=tuple(
            Source(i, f, o, t, date.fromordinal(p) if p is not None else None, b, h, n)
            for i, f, o, t, p, b, h, n in sources
        ),
        people=tuple(
            Person(i, n, sn, c, r, ro, tuple(NativeName(*x) for x in nn), tuple(sp),
                   tuple(StatedAs(*x) for x in st), no, tuple(NativeName(*x) for x in on),
                   tuple(cf))
            for i, n, sn, c, r, ro, nn, sp, st, no, on, cf in people
        ),
        events=tuple(
            Event(i, n, sn, y, lo, tuple(s), no, nb, nh)
            for i, n, sn, y, lo, s, no, nb, nh in events
        ),
        topics=tuple(Topic(*t) for t in topics),
        meetings=tuple(
            Meeting(i, ti, span(d), lo, ev, k,  # type: ignore[arg-type]
                    tuple(Participant(p, r, tuple(s), se) for p, r, s, se in pa), tuple(to), su,
                    quotes(qu), tuple(so),
                    tuple(Disagreement(a, tuple(Claim(c, tuple(cs)) for c, cs in cl), no)
                          for a, cl, no in di),
                    notes)
            for i, ti, d, lo, ev, k, pa, to, su, qu, so, di, notes in meetings
        ),
        context=tuple(
            ContextItem(i, ti, k, span(d), lo, tuple(pe), tuple(to), su, quotes(qu), tuple(so), no)
            for i, ti, k, d, lo, pe, to, su, qu, so, no in context
        ),
    )  # fmt: skip
