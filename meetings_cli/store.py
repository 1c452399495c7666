"""The cache: a validated dataset kept in SQLite, so most runs read no YAML.

One cache file per dataset folder, under $MEETINGS_CACHE_DIR (default:
$XDG_CACHE_HOME/meetings or ~/.cache/meetings). It holds:

* a fingerprint of the data files (path, size, modification time, and a content
  hash for files modified within two seconds of the build, whose timestamps
  cannot be trusted), the cache format and the code that shaped the records;
* every meeting's JSON record, with indexed columns for the filters of `list`;
* every person's record and every alias with its matching keys (for `who`);
* the whole dataset, encoded with `marshal` (plain values only: loading it
  cannot build arbitrary objects), for every other command.

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
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .match import Alias
from .paths import data_files

if TYPE_CHECKING:
    from .model import Dataset

#: Bump when the layout of the cache changes.
FORMAT = 3
CACHE_ENV = "MEETINGS_CACHE_DIR"
#: Files modified this recently (ns) before a build are also checked by content.
RACY_NS = 2_000_000_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE meetings (
    ord INTEGER PRIMARY KEY, id TEXT NOT NULL, start TEXT NOT NULL, end_ TEXT NOT NULL,
    event TEXT, kind TEXT NOT NULL, element BLOB NOT NULL, compact BLOB NOT NULL,
    table_row BLOB NOT NULL
);
CREATE INDEX meetings_start ON meetings (start);
CREATE INDEX meetings_end ON meetings (end_);
CREATE TABLE meeting_years (year INTEGER NOT NULL, ord INTEGER NOT NULL);
CREATE INDEX meeting_years_year ON meeting_years (year);
CREATE TABLE meeting_people (person TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE INDEX meeting_people_person ON meeting_people (person);
CREATE TABLE meeting_countries (country TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE INDEX meeting_countries_country ON meeting_countries (country);
CREATE TABLE meeting_topics (topic TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE INDEX meeting_topics_topic ON meeting_topics (topic);
CREATE TABLE people (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE aliases (
    person TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
    plain TEXT NOT NULL, phonetic TEXT NOT NULL
);
CREATE INDEX aliases_plain ON aliases (plain);
CREATE INDEX aliases_phonetic ON aliases (phonetic);
CREATE TABLE vocab (what TEXT NOT NULL, folded TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX vocab_folded ON vocab (what, folded);
CREATE TABLE dataset (blob BLOB NOT NULL);
"""

# Modules whose code decides what the cache holds: editing them invalidates it.
_SHAPING_MODULES = ("model.py", "load.py", "schema.py", "store.py", "match.py", "query.py")


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
    for path in sorted((package / "render").glob("*.py")):
        info = path.stat()
        parts.append(f"render/{path.name}:{info.st_size}:{info.st_mtime_ns}")
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


class Store:
    """An open cache: answers the fast path's questions and rebuilds the dataset."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    # -- people (an alias source for match.resolve_name)

    def with_plain(self, key: str) -> list[Alias]:
        """Aliases whose plain key is key."""
        return self._aliases("WHERE plain = ?", (key,))

    def with_phonetic(self, key: str) -> list[Alias]:
        """Aliases whose phonetic key is key."""
        return self._aliases("WHERE phonetic = ?", (key,))

    def every_alias(self) -> list[Alias]:
        """All aliases."""
        return self._aliases("", ())

    def _aliases(self, where: str, params: tuple[str, ...]) -> list[Alias]:
        rows = self.db.execute(
            f"SELECT person, text, kind, plain, phonetic FROM aliases {where} ORDER BY rowid",
            params,
        )
        return [Alias(*row) for row in rows]

    def person(self, person_id: str) -> dict[str, Any]:
        """A person's record (as `people --json` prints it, without the count)."""
        row = self.db.execute("SELECT record FROM people WHERE id = ?", (person_id,)).fetchone()
        record: dict[str, Any] = json.loads(row[0])
        return record

    def name_of(self, person_id: str) -> str:
        """A person's canonical name."""
        return str(self.person(person_id)["name"])

    # -- filter vocabulary

    def vocabulary(self, what: str, folded: str) -> str | None:
        """The dataset's value for a folded country, event, topic or kind; None if unknown."""
        row = self.db.execute(
            "SELECT value FROM vocab WHERE what = ? AND folded = ?", (what, folded)
        ).fetchone()
        return None if row is None else str(row[0])

    # -- meetings

    def meetings(
        self,
        *,
        years: Sequence[int] = (),
        first: date | None = None,
        last: date | None = None,
        events: Sequence[str] = (),
        kinds: Sequence[str] = (),
        topics: Sequence[str] = (),
        countries: Sequence[str] = (),
        people: Sequence[str] = (),
        form: str = "element",
    ) -> list[bytes]:
        """The stored UTF-8 JSON of the meetings that pass every filter, in date order.

        form "element": each record indented as an element of a JSON array (as
        json.dumps(records, indent=2) writes it), so an array is a join away;
        "compact": each record on one line; "table_row": the meeting's row of
        the `list` table (render.tables.meeting_row), a JSON array of strings.

        The same rules as query.select_meetings (checked by the test suite): one
        option's values are alternatives, options combine with AND, a date range
        matches if any of its days does.
        """
        where: list[str] = []
        params: list[Any] = []

        def within(table: str, column: str, values: Sequence[Any]) -> None:
            marks = ",".join("?" * len(values))
            where.append(f"ord IN (SELECT ord FROM {table} WHERE {column} IN ({marks}))")
            params.extend(values)

        if years:
            within("meeting_years", "year", years)
        if first:
            where.append("end_ >= ?")
            params.append(first.isoformat())
        if last:
            where.append("start <= ?")
            params.append(last.isoformat())
        for column, values in (("event", events), ("kind", kinds)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if topics:
            within("meeting_topics", "topic", topics)
        if countries:
            within("meeting_countries", "country", countries)
        if people:
            within("meeting_people", "person", people)
        if form not in ("element", "compact", "table_row"):
            raise ValueError(f"no stored form {form!r}")
        column = form
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.execute(f"SELECT {column} FROM meetings {clause} ORDER BY ord", params)
        return [row[0] for row in rows]

    def meetings_with_person(self, person_id: str) -> list[bytes]:
        """Compact JSON of every meeting a person took part in, in date order."""
        return self.meetings(people=(person_id,), form="compact")

    # -- everything

    def dataset(self) -> Dataset:
        """The whole dataset, rebuilt from the stored encoding."""
        (blob,) = self.db.execute("SELECT blob FROM dataset").fetchone()
        return _decode(marshal.loads(blob))


def _read_only(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA query_only = ON")
    db.execute("PRAGMA mmap_size = 1073741824")  # read large results without copying
    return db


def open_store(root: Path) -> Store | None:
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
    return Store(db)


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


def build_store(root: Path, dataset: Dataset, files: list[list[Any]]) -> Store:
    """Write the cache of a validated dataset (files: its fingerprint taken before reading).

    Falls back to a cache in memory when the cache folder cannot be written.
    """
    built_ns = time.time_ns()
    meta = {
        "format": str(FORMAT),
        "code": _code_version(),
        "root": str(root.resolve()),
        "files": json.dumps(_mark_racy(root, files, built_ns)),
    }
    import tempfile

    target = cache_file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".tmp")
        os.close(handle)
    except OSError:
        return Store(_fill(sqlite3.connect(":memory:"), dataset, meta))
    try:
        db = _fill(sqlite3.connect(temporary), dataset, meta)
        db.close()
        os.replace(temporary, target)  # atomic: readers see the old file or the new one
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return Store(_fill(sqlite3.connect(":memory:"), dataset, meta))
    return Store(_read_only(target))


def _fill(db: sqlite3.Connection, dataset: Dataset, meta: dict[str, str]) -> sqlite3.Connection:
    from .match import fold, person_aliases
    from .model import MEETING_KINDS
    from .query import meeting_countries, people_with_counts, sort_meetings
    from .render.records import meeting_record, person_record
    from .render.tables import meeting_row

    db.executescript(_SCHEMA)
    with db:
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        for ord_, meeting in enumerate(sort_meetings(dataset.meetings)):
            record = meeting_record(dataset, meeting)
            db.execute(
                "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ord_,
                    meeting.id,
                    meeting.date.start.isoformat(),
                    meeting.date.end.isoformat(),
                    meeting.event,
                    meeting.kind,
                    _array_element(record),
                    json.dumps(record, ensure_ascii=False).encode(),
                    json.dumps(meeting_row(record), ensure_ascii=False).encode(),
                ),
            )
            db.executemany(
                "INSERT INTO meeting_years VALUES (?, ?)", ((y, ord_) for y in meeting.date.years)
            )
            db.executemany(
                "INSERT INTO meeting_people VALUES (?, ?)",
                ((p, ord_) for p in dict.fromkeys(p.person for p in meeting.participants)),
            )
            db.executemany(
                "INSERT INTO meeting_countries VALUES (?, ?)",
                ((c, ord_) for c in meeting_countries(dataset, meeting)),
            )
            db.executemany(
                "INSERT INTO meeting_topics VALUES (?, ?)", ((t, ord_) for t in meeting.topics)
            )
        for person, count in people_with_counts(dataset):
            db.execute(
                "INSERT INTO people VALUES (?, ?)",
                (person.id, json.dumps(person_record(person, count), ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO aliases VALUES (?, ?, ?, ?, ?)",
                (
                    (a.person_id, a.text, a.kind, a.plain, a.phonetic)
                    for a in person_aliases(person)
                ),
            )
        vocab: list[tuple[str, str, str]] = []
        vocab += [("country", fold(p.country), p.country) for p in dataset.people]
        vocab += [("topic", fold(t.id), t.id) for t in dataset.topics]
        vocab += [("kind", fold(k), k) for k in MEETING_KINDS]
        for event in dataset.events:
            vocab += [
                ("event", fold(text), event.id) for text in (event.id, event.short_name, event.name)
            ]
        db.executemany("INSERT INTO vocab VALUES (?, ?, ?)", dict.fromkeys(vocab))
        db.execute("INSERT INTO dataset VALUES (?)", (marshal.dumps(_encode(dataset)),))
    return db


def _array_element(record: dict[str, Any]) -> bytes:
    pretty = json.dumps(record, ensure_ascii=False, indent=2)
    return ("  " + pretty.replace("\n", "\n  ")).encode()


def load_with_cache(root: Path, *, use_cache: bool = True) -> Dataset:
    """The dataset of root, from the cache when it is current, else from YAML (then cached).

    Raises errors.DataError when the YAML does not validate; nothing is cached then.
    """
    if use_cache:
        store = open_store(root)
        if store is not None:
            try:
                return store.dataset()
            except (sqlite3.Error, ValueError, EOFError, TypeError, IndexError):
                pass  # a damaged cache is rebuilt below
    from .load import load_dataset

    files = fingerprint(root)
    dataset = load_dataset(root)
    if use_cache:
        build_store(root, dataset, files)
    return dataset


def store_for(root: Path) -> Store:
    """An up-to-date cache of root, building it from YAML when needed (DataError if invalid)."""
    store = open_store(root)
    if store is not None:
        return store
    from .load import load_dataset

    files = fingerprint(root)
    return build_store(root, load_dataset(root), files)


# --------------------------------------------------------------------------- encoding
# The dataset as nested tuples of plain values, one layout per record type, so
# marshal can store it and decoding is a few constructor calls per record.


def _span(span: Any) -> Any:
    return (
        None
        if span is None
        else (span.start.toordinal(), span.end.toordinal(), span.basis, span.how)
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
             [(n.script, n.name) for n in p.native_names], list(p.spellings),
             [(s.text, s.source) for s in p.stated_as], p.notes)
            for p in dataset.people
        ],
        [(e.id, e.name, e.short_name, e.year, e.location, list(e.sources), e.notes)
         for e in dataset.events],
        [(t.id, t.description) for t in dataset.topics],
        [
            (m.id, m.title, _span(m.date), m.location, m.event, m.kind,
             [(p.person, p.role, list(p.sources)) for p in m.participants], list(m.topics),
             m.summary, [(q.speaker, q.text, q.source) for q in m.quotes], list(m.sources),
             [(d.about, [(c.says, list(c.sources)) for c in d.claims], d.note)
              for d in m.disagreements],
             m.notes)
            for m in dataset.meetings
        ],
        [
            (c.id, c.title, c.kind, _span(c.date), c.location, list(c.people), list(c.topics),
             c.summary, [(q.speaker, q.text, q.source) for q in c.quotes], list(c.sources), c.notes)
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
        start, end, basis, how = raw
        return DateSpan(date.fromordinal(start), date.fromordinal(end), basis, how)

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
                   tuple(StatedAs(*x) for x in st), no)
            for i, n, sn, c, r, ro, nn, sp, st, no in people
        ),
        events=tuple(Event(i, n, sn, y, lo, tuple(s), no) for i, n, sn, y, lo, s, no in events),
        topics=tuple(Topic(*t) for t in topics),
        meetings=tuple(
            Meeting(i, ti, span(d), lo, ev, k,  # type: ignore[arg-type]
                    tuple(Participant(p, r, tuple(s)) for p, r, s in pa), tuple(to), su,
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
