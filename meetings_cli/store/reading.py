"""Reading data files into `records`: each parsed on its own (in worker processes when
there are megabytes of them) and stored as rows.

A first build of a large dataset also derives as it reads (`read_and_derive`): the
files that may hold records others refer to are read first; then each worker, told
those records and the dictionaries to pack with, makes the query rows of the meetings
and context items it parsed. Deriving then adds no stage of its own after reading,
and the cores are busy while this process inserts. Those rows are made before the
checks: if the dataset turns out invalid they are cleared, and if a file read later
holds records others refer to after all, they are all derived again the usual way.
A file larger than its share of the work is read in parts (`_parts`), several workers
at once; its problems are counted across its parts as one reader counts them.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import Problem
from ..model import ContextItem, Event, Meeting, Source
from .cache import Packer, checksum
from .tables import (
    DIMENSIONS,
    INSERTS,
    SAMPLE_MEETINGS,
    Rows,
    dictionary,
    dimension_values,
    dumps,
    plain_value,
    prepare_items,
    record_dictionary,
)

if TYPE_CHECKING:
    from ..compose import Piece
    from ..load import FileReader, RecordRead

#: Below this many bytes of changed data files, parsing in other processes costs more
#: (starting them) than it saves.
PARALLEL_BYTES = 4_000_000


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


class ParsedFile(NamedTuple):
    """What one data file holds, as rows to store: plain tuples only, so that a worker's
    result crosses to this process at the cost of its bytes (a tuple of named tuples and
    Problems took four times as long to pickle and unpickle)."""

    relative: str
    #: Of each record: collection, position, id, line, col, id_line, id_col, the plain
    #: value as JSON (None if invalid; packed if `packed`), `piece`, `piece_line`, `refs`
    #: and `targets`.
    records: list[tuple[Any, ...]]
    claims: list[tuple[Any, ...]]  # `claims` rows, likewise
    problems: list[tuple[str, int, int, str, str, int]]  # `problems` rows (stage 'read')
    unreadable: bool
    dimensions: bool  # holds records others refer to, or cannot be parsed
    packed: bool = False  # values packed with the database's "values" dictionary


def parse_file(root: Path, relative: str) -> ParsedFile:
    """Parse and check one data file on its own (in this process or a worker)."""
    from ..load import FileReader

    return read_file(FileReader(root / relative, relative), relative)


def read_file(
    reader: FileReader,
    relative: str,
    skip: Collection[tuple[str, int]] = (),
    values: list[Any] | None = None,
) -> ParsedFile:
    """The records of reader's file but those in skip (see `FileReader.records`), to store;
    values, if given, is told each one's `plain_value` (None if invalid)."""
    return _parsed(reader, relative, reader.records(skip=skip), values)


def _parsed(
    reader: FileReader, relative: str, reading: Iterable[RecordRead], values: list[Any] | None
) -> ParsedFile:
    """What reader reads (reading: its records, as `read_file` says), to store."""
    from ..load import reusable

    reads = []
    dated: list[str | None] = []  # `records.dates`
    marks: list[tuple[bytes | None, int]] = []  # `records.piece` and `records.piece_line`
    problems: list[tuple[int, Problem]] = []
    # Parsing makes no reference cycles, but many objects that stay alive (a file's
    # records, one large record's nodes): each collection would walk them all again,
    # which made a record of 40,000 participants three times slower.
    with _collection_paused():
        for read in reading:
            # The record itself stays here: its plain value, as JSON, is what is stored.
            plain = None if read.record is None else plain_value(read.value)
            if values is not None:
                values.append(plain)
            value = None if plain is None else dumps(plain)
            dated.append(stored_dates(read))
            reads.append(read._replace(record=None, value=value))
            # The digest of its text if a later compile may keep the read for the same text
            # (`load.reusable`), and where it began.
            piece = reader.piece
            if piece is None:
                marks.append((None, 0))
            else:
                marks.append((piece.digest if reusable(piece, read) else None, piece.line))
            problems.extend((0, p) for p in read.problems)
            problems.extend((2, p) for p in read.check_problems)
    if reader.unreadable:  # nothing in a file that cannot be parsed is judged
        reads = []
        if not reader.stopped:  # ... but what was found before reading stopped still counts
            problems = []
    problems.extend((0, p) for p in reader.problems)
    return ParsedFile(
        relative,
        [
            (read.collection, read.position, read.id, read.line, read.column, read.id_line,
             read.id_column, read.value, *piece, *stored_references(read), dates)
            for read, piece, dates in zip(reads, marks, dated, strict=False)
        ],
        [
            (i, n, c.line, c.column, c.path, c.words, dumps(list(c.sources)), c.where)
            for i, read in enumerate(reads)
            for n, c in enumerate(read.claims)
        ],
        [(relative, p.line, p.column, p.path, p.message, rank) for rank, p in problems],
        reader.unreadable,
        reader.unreadable or any(read.collection in DIMENSIONS for read in reads),
    )  # fmt: skip


def stored_references(read: RecordRead) -> tuple[str | None, str | None]:
    """`records.refs` and `records.targets` of a read (None if it makes no reference).

    refs: JSON of each reference's line (counted from the record's), column, path
    (after the record's own `collection[index]`), collection and target; one value
    per record, not a row per reference (seven per meeting), placed relative to the
    record, so that a record moved in its file takes its references along.
    targets: `collection:id` of each record named (an article's file is not one),
    separated by spaces (ids hold none): what the checks look up, without JSON.
    """
    if not read.references:
        return None, None
    skip = len(f"{read.collection}[{read.position}]")
    refs = [
        [ref.line - read.line, ref.column, ref.path[skip:], ref.collection, ref.target]
        for ref in read.references
    ]
    named = " ".join(f"{ref.collection}:{ref.target}" for ref in read.references
                     if ref.collection != "file")  # fmt: skip
    return dumps(refs), named or None


def stored_dates(read: RecordRead) -> str | None:
    """`records.dates`: JSON of what the date checks need of a valid record (see
    `checks`): a meeting's or context item's possible days (its candidates, or its first
    and last day), event and announcement; an event's year and dates; a source's
    publication. None for other records."""
    record = read.record
    if isinstance(record, Source):
        return dumps({"published": record.published.isoformat()}) if record.published else None
    if isinstance(record, Event):
        dates = record.dates
        held = [dates.start.isoformat(), dates.end.isoformat()] if dates else None
        return dumps({"year": record.year, "dates": held})
    if not isinstance(record, (Meeting, ContextItem)) or record.date is None:
        return None
    # Compact (a few bytes a meeting count in a large dataset): the days, then whether they
    # are candidates (1) or the first and last of a range (0), the event, the announcement.
    span = record.date
    days = span.candidates or tuple(dict.fromkeys((span.start, span.end)))
    facts = [*(day.isoformat() for day in days), int(bool(span.candidates))]
    facts += [getattr(record, "event", None), span.announced]
    while facts[-1] is None:
        facts.pop()
    return dumps(facts)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off, while what makes no cycles is made."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_files(root: Path, files: list[str], sizes: list[int]) -> Iterator[ParsedFile]:
    """Every file parsed, in order; several at once in worker processes when it pays."""
    if not (min(os.cpu_count() or 1, len(sizes)) >= 2 and sum(sizes) >= PARALLEL_BYTES):
        yield from (parse_file(root, relative) for relative in files)
        return
    with _pool() as pool:
        yield from _in_order(pool.submit(parse_file, root, relative) for relative in files)


def worth_workers(sizes: list[int]) -> bool:
    """Whether files of these sizes are read faster in worker processes (on a first build:
    one large file too, in parts)."""
    several = len(sizes) >= 2 and sum(sizes) >= PARALLEL_BYTES
    return (os.cpu_count() or 1) >= 2 and (several or max(sizes, default=0) >= 2 * PART_BYTES)


@contextlib.contextmanager
def _pool() -> Iterator[Any]:
    """Worker processes, one per core (at most four). Left by an error or Ctrl-C, they are
    not waited for: each ends once this process has (`_end_with_parent`)."""
    from concurrent.futures import ProcessPoolExecutor

    from .workers import QuietSpawnContext

    context = QuietSpawnContext()
    # Python's helper that tracks the workers' locks warns of those an interrupted run
    # leaves (they go with the processes): not a message for the user.
    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, (os.environ.get("PYTHONWARNINGS"), quiet)))
    pool = ProcessPoolExecutor(
        max_workers=min(os.cpu_count() or 1, 4),
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _worker_start(parent: int) -> None:
    import gc
    import signal
    import threading

    # Ctrl-C reaches every process of the terminal's group: this process's parent says
    # what it means (and this one ends with it), without a worker's traceback. Held back
    # since the worker started (workers.QuietProcess), a Ctrl-C now ignored is dropped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    # A worker holds a file's reads, rows and values at once and makes no reference cycles:
    # each collection would walk all of them again (4% of a first build's work).
    gc.disable()
    # The parent's pid as it gave it: one killed before this line ran is already gone.
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """End this worker once the process that started it is gone (killed with kill -9, or
    by the out-of-memory killer): nothing would ever take what it makes."""
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _in_order(submitted: Iterable[Any]) -> Iterator[Any]:
    """The results of futures, in order, submitting only twice as many as there are workers
    ahead of the one awaited: what waits to be stored stays small, and a worker that
    finishes while this process stores a result finds the next file waiting for it."""
    window = 2 * min(os.cpu_count() or 1, 4)
    pending: list[Any] = []
    for future in submitted:
        pending.append(future)
        if len(pending) > window:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


def store_parsed(db: sqlite3.Connection, parsed: ParsedFile) -> range:
    """Store one parsed file's records (and file-level problems); the rowids they were given."""
    from .tables import value_packer

    (first,) = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM records").fetchone()
    values = [row[7] for row in parsed.records]
    pack = None if parsed.packed else value_packer(db, [v for v in values if v is not None])
    if pack is not None:  # the values of a large dataset (see `tables`)
        values = [None if value is None else pack(value) for value in values]
    db.executemany(
        "INSERT INTO records (rowid, file, collection, position, id, line, col, id_line, id_col,"
        " value, checksum, piece, piece_line, refs, targets, dates)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (rowid, parsed.relative, *row[:7], value,
             None if value is None else checksum(value), *row[8:])
            for rowid, row, value in zip(itertools.count(first), parsed.records, values)
        ],
    )  # fmt: skip
    db.executemany(  # each claim's record by its index in the file, numbered from first here
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(first + index, *rest) for index, *rest in parsed.claims],
    )
    db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, 'read', ?)", parsed.problems)
    db.execute(
        "INSERT OR REPLACE INTO files (path, is_data, unreadable) VALUES (?, 1, ?)",
        (parsed.relative, int(parsed.unreadable)),
    )
    return range(first, first + len(parsed.records))


# --------------------------------------------------------------------------- a first build


def read_and_derive(
    root: Path, db: sqlite3.Connection, files: dict[str, int], progress: Progress
) -> tuple[dict[str, range], bool, list[str]]:
    """Read every data file of a first build (in workers) and make the query rows of its
    meetings and context items as they come (files: their sizes, in dataset order): the
    rowids each file's records were given, whether those rows are all in (if not, they
    must be derived from `records`), and the SQL of the indexes dropped meanwhile, to be
    made again (sorting once beats keeping each in order)."""
    from ..load import FileReader

    early = [relative for relative in files if _may_hold_dimensions(root, relative)]
    read_first = set(early)
    later = [relative for relative in files if relative not in read_first]
    stored: dict[str, range] = {}
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    # Rows from workers stay alive until stored: collections would walk them again and again.
    with _pool() as pool, _collection_paused():
        cancelled: set[str] = set()  # files whose parts are no longer wanted
        reading = _in_order_tagged(_jobs(pool, root, early, files, {}, None, cancelled))
        largest = max(later, key=files.__getitem__, default=None)
        readers = {} if largest is None else {largest: FileReader(root / largest, largest)}
        sample = [] if largest is None else _sample(readers[largest], largest)
        values_zdict = dictionary(db, "values", lambda: [value for _, _, value in sample])
        parsed_early: dict[str, list[ParsedFile]] = {}  # but those read in parts: stored
        for relative in early:
            reads = _file_results(pool, root, db, relative, reading, stored, cancelled)
            for number, (parsed, _) in enumerate(reads):  # a file read in parts is not kept
                parsed_early[relative] = [parsed] if number == 0 else []
            progress.file_read(relative, len(stored[relative]))
        dimensions = dimension_values(db)
        records_zdict = _records_dictionary(db, dimensions, sample)
        told = (dimensions, values_zdict, records_zdict)
        results = _in_order_tagged(_jobs(pool, root, later, files, readers, told, cancelled))
        numbers = (1, 1)  # of the next meeting and the next context item
        prepared = True
        for relative in files:
            if relative in parsed_early:
                parts = parsed_early.pop(relative)
                made = _early_rows(pool, db, dimensions, parts, stored[relative], records_zdict)
            else:
                reads = _file_results(pool, root, db, relative, results, stored, cancelled)
                made = (None if parsed.dimensions else rows for parsed, rows in reads)
            for rows in made:
                prepared = prepared and rows is not None
                if prepared and rows is not None:
                    numbers = _insert_numbered(db, rows, numbers)
            if relative not in read_first:
                progress.file_read(relative, len(stored[relative]))
    return stored, prepared, [sql for _, sql in indexes]


#: A file larger than this many bytes, and than its share of the work of every worker, is
#: read in parts of about this size (or PART_PIECES records), in several workers at once.
PART_BYTES = 4_000_000
PART_PIECES = 5_000

#: (dimensions, values' dictionary, records' dictionary): what each worker is told (no
#: dimensions: the file is read first, and its rows made afterwards).
_Told = tuple["list[tuple[str, str]] | None", "bytes | None", "bytes | None"]


def _jobs(
    pool: Any,
    root: Path,
    later: list[str],
    files: dict[str, int],
    readers: dict[str, FileReader],
    told: _Told | None,
    cancelled: set[str],
) -> Iterator[tuple[str, bool, Any]]:
    """(file, whether it is its last part, future) of each of those files, or of each of
    its parts: submitted as they are asked for (see `_in_order_tagged`). Once a file is in
    cancelled, its next part is its last, with no future. told None: the files are read
    first, to be stored, and their rows are made afterwards (`_early_rows`)."""
    from ..load import FileReader

    told = told or (None, None, None)
    share = sum(files[relative] for relative in later) / _workers()
    for relative in later:
        if files[relative] >= 2 * PART_BYTES and files[relative] > share:
            reader = readers.pop(relative, None) or FileReader(root / relative, relative)
            parts = _parts(reader)
            if parts is not None:
                for part, last in parts:
                    if relative in cancelled:
                        yield relative, True, None
                        break
                    yield relative, last, pool.submit(_parse_part, root, relative, *part, *told)
                continue
        yield relative, True, pool.submit(_parse_and_prepare, root, relative, *told)


def _early_rows(
    pool: Any,
    db: sqlite3.Connection,
    dimensions: list[tuple[str, str]],
    parts: list[ParsedFile],
    given: range,
    records_zdict: bytes | None,
) -> Iterator[Rows | None]:
    """The query rows of a file read first: of its one part, or (read in parts, not kept)
    of its records stored (given: their rowids), PART_PIECES at a time in the workers."""
    if parts:
        yield _prepared(dimensions, parts[0], records_zdict)
        return
    chunks = (
        db.execute(
            "SELECT file, collection, verified(value, checksum) FROM records WHERE rowid >= ?"
            " AND rowid < ? AND collection IN ('meetings', 'context') AND value IS NOT NULL"
            " ORDER BY rowid",
            (start, min(start + PART_PIECES, given.stop)),
        ).fetchall()
        for start in range(given.start, given.stop, PART_PIECES)
    )
    yield from _in_order(
        pool.submit(_prepared_items, dimensions, items, records_zdict) for items in chunks
    )


def _parts(reader: FileReader) -> Iterator[tuple[tuple[str, list[Piece], int], bool]] | None:
    """((text, pieces, offset), whether it is the last) of each part of reader's file, or
    None if it is not to be read in parts: not split, or anchors and aliases may cross."""
    pieces = reader.pieces()
    text = reader.text
    if not pieces or text is None or "&" in text or "*" in text:
        return None

    def cut() -> Iterator[tuple[tuple[str, list[Piece], int], bool]]:
        first = 0
        while first < len(pieces):
            begin = pieces[first].start
            last = first
            while (
                last + 1 < len(pieces)
                and last + 1 - first < PART_PIECES
                and pieces[last + 1].end - begin <= PART_BYTES
            ):
                last += 1
            part = list(pieces[first : last + 1])
            yield (text[begin : pieces[last].end], part, begin), last + 1 == len(pieces)
            first = last + 1

    return cut()


def _parse_part(
    root: Path,
    relative: str,
    text: str,
    pieces: list[Piece],
    offset: int,
    dimensions: list[tuple[str, str]] | None,
    values_zdict: bytes | None,
    records_zdict: bytes | None,
) -> bytes:
    """Run in a worker: some records of a file (`FileReader.part_records`), as
    `_parse_and_prepare` makes a whole file's, and whether its reading stopped there
    or the file is to be read whole."""
    from ..load import FileReader

    reader = FileReader(root / relative, relative)
    values: list[Any] = []
    parsed = _parsed(reader, relative, reader.part_records(text, pieces, offset), values)
    status = (_STOPPED if reader.stopped else _WHOLE) if reader.unreadable else _READ
    return _sent(parsed, dimensions, values, values_zdict, records_zdict, status)


def _file_results(
    pool: Any,
    root: Path,
    db: sqlite3.Connection,
    relative: str,
    results: Iterator[tuple[str, bool, bytes]],
    stored: dict[str, range],
    cancelled: set[str],
) -> Iterator[tuple[ParsedFile, Rows | None]]:
    """Store each part of a file read later as it comes, and yield it with its rows.

    Its problems are counted across its parts: past MAX_FILE_PROBLEMS, or if a part
    cannot be read on its own, the records of the parts stored are deleted and the
    file is what one reader gives (its problems, stopped; or the whole file read)."""
    from ..errors import STOPPED
    from ..load import MAX_FILE_PROBLEMS

    first: int | None = None
    counted = 0  # problems of the parts stored
    last = False
    while not last:
        tagged, last, sent = next(results)
        if tagged != relative:
            raise RuntimeError(f"read {tagged} in place of {relative}")
        parsed, rows, status = _received(sent)
        found = [p for p in parsed.problems if p[4] != STOPPED]
        if status != _READ or counted + len(found) > MAX_FILE_PROBLEMS:
            cancelled.add(relative)
            while not last:  # the results of the rest of its parts are not wanted
                _, last, _ = next(results)
            if first is not None:  # the records of the parts before, not their problems
                db.execute("DELETE FROM claims WHERE record >= ?", (first,))
                db.execute("DELETE FROM records WHERE rowid >= ?", (first,))
            if status == _WHOLE:
                db.execute("DELETE FROM problems WHERE file = ?", (relative,))
                parsed = pool.submit(parse_file, root, relative).result()
            else:
                kept = found[: MAX_FILE_PROBLEMS - counted]
                note = (relative, 0, 0, "", STOPPED, 0)
                parsed = parsed._replace(records=[], claims=[], problems=[note, *kept],
                                         unreadable=True, dimensions=True)  # fmt: skip
            given = store_parsed(db, parsed)
            stored[relative] = given
            yield parsed, None
            return
        counted += len(found)
        given = store_parsed(db, parsed)
        first = given.start if first is None else first
        stored[relative] = range(first, given.stop)
        yield parsed, rows


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


def _in_order_tagged(submitted: Iterable[tuple[str, bool, Any]]) -> Iterator[tuple[str, bool, Any]]:
    """As `_in_order`, futures tagged with their file and whether each is its last part;
    the first ones are submitted at once, before their results are asked for."""
    jobs = iter(submitted)
    pending = list(itertools.islice(jobs, 2 * _workers()))

    def results() -> Iterator[tuple[str, bool, Any]]:
        for job in jobs:  # one more submitted as each result is taken
            pending.append(job)
            relative, last, future = pending.pop(0)
            yield relative, last, None if future is None else future.result()
        for relative, last, future in pending:
            yield relative, last, None if future is None else future.result()

    return results()


#: A top-level key of a collection others refer to: a file without one holds none of
#: them (a file misjudged here is found out when it is parsed; see the module's doc).
_DIMENSION_KEY = re.compile(rb"""\n["']?(?:%s)["']?[ \t]*:""" % "|".join(DIMENSIONS).encode())


def _may_hold_dimensions(root: Path, relative: str) -> bool:
    from ..paths import MAX_DATA_FILE, Refused, read_inside

    try:
        # After a line break, not at `^` in MULTILINE: a literal first is found ten times faster.
        text = b"\n" + read_inside(root, relative, MAX_DATA_FILE)
        return _DIMENSION_KEY.search(text) is not None
    except (OSError, Refused):
        return True  # read early, where what is wrong with it is found


def _sample(reader: FileReader, largest: str) -> list[tuple[str, str, str]]:
    """(file, collection, stored value) of an even sample of the meetings of a file (the
    largest read later, by reader), to make dictionaries from before any worker needs
    them; made while the workers read the files read first."""
    pieces = [piece for piece in reader.pieces() or () if piece.collection == "meetings"]
    if not pieces:  # a file not plain enough to split is not parsed whole here
        return []
    chosen = pieces[:: max(1, len(pieces) // SAMPLE_MEETINGS)]
    skip = {(p.collection, p.position) for p in pieces} - {
        (p.collection, p.position) for p in chosen
    }
    parsed = read_file(reader, largest, skip=skip)
    return [(largest, row[0], row[7]) for row in parsed.records if row[7] is not None]


def _records_dictionary(
    db: sqlite3.Connection, dimensions: list[tuple[str, str]], sample: list[tuple[str, str, str]]
) -> bytes | None:
    try:
        return record_dictionary(db, dimensions, sample)
    except _UNPREPARED:  # the sample names what is not there: the checks will say so
        return None


def _parse_and_prepare(
    root: Path,
    relative: str,
    dimensions: list[tuple[str, str]] | None,
    values_zdict: bytes | None,
    records_zdict: bytes | None,
) -> bytes:
    """Run in a worker: one file parsed, its values packed, and its query rows (`_received`;
    none without dimensions)."""
    from ..load import FileReader

    values: list[Any] = []  # the records' values as read, not made again from their JSON
    parsed = read_file(FileReader(root / relative, relative), relative, values=values)
    return _sent(parsed, dimensions, values, values_zdict, records_zdict)


def _sent(
    parsed: ParsedFile,
    dimensions: list[tuple[str, str]] | None,
    values: list[Any],
    values_zdict: bytes | None,
    records_zdict: bytes | None,
    status: int = 0,
) -> bytes:
    """What a worker sends of a file (or a part) it parsed: see `_received`."""
    rows = None  # none made of a file read first (no dimensions yet), or that holds some
    if dimensions is not None and not parsed.dimensions:
        rows = _prepared(dimensions, parsed, records_zdict, values)
    if values_zdict is not None:
        pack = Packer(values_zdict)
        records = [(*row[:7], None if row[7] is None else pack(row[7]), *row[8:])
                   for row in parsed.records]  # fmt: skip
        parsed = parsed._replace(records=records, packed=True)
    # Plain tuples and lists cross as marshal's bytes: half the time of pickling them, and
    # never stored (marshal's format is Python's own, and changes with it).
    return marshal.dumps((tuple(parsed), rows, status))


#: How a part of a file was read: to its end; stopped there (MAX_FILE_PROBLEMS); or not,
#: a piece of it needing the whole file (see `FileReader.part_records`).
_READ, _STOPPED, _WHOLE = 0, 1, 2


def _received(sent: bytes) -> tuple[ParsedFile, Rows | None, int]:
    """What `_sent` sent: the file (or part) parsed, its query rows (None if it holds
    records others refer to, or if they cannot be made), and how it was read (a part:
    `_READ`, `_STOPPED` or `_WHOLE`)."""
    parsed, rows, status = marshal.loads(sent)
    return ParsedFile(*parsed), rows, status


def _prepared(
    dimensions: list[tuple[str, str]],
    parsed: ParsedFile,
    records_zdict: bytes | None,
    values: list[Any] | None = None,
) -> Rows | None:
    """The query rows of a parsed file's meetings and context items, numbered from 0 (from
    their values as read, if given, or their JSON); None if they cannot be made (a dangling
    reference: the checks say so, and nothing is derived)."""
    items = [
        (parsed.relative, row[0], row[7] if values is None else values[n])
        for n, row in enumerate(parsed.records)
        if row[0] in ("meetings", "context") and row[7] is not None
    ]
    return _prepared_items(dimensions, items, records_zdict)


def _prepared_items(
    dimensions: list[tuple[str, str]], items: list[Any], records_zdict: bytes | None
) -> Rows | None:
    """The query rows of items (file, collection, value or its JSON), as `_prepared` says."""
    try:
        return prepare_items(dimensions, items, records_zdict)
    except _UNPREPARED:
        return None


#: What making the rows of records not yet checked may raise: a dangling reference
#: (KeyError), a value of the wrong shape where another record should have given it.
_UNPREPARED = (LookupError, TypeError, ValueError)


#: Tables whose rows' first value numbers a context item (`_insert_numbered`); those of
#: the other context tables name it by id; all other rows' number a meeting.
_BY_ITEM = ("context", "context_search")
_BY_ID = ("context_people", "context_sources", "context_topics", "context_quotes")


def _insert_numbered(
    db: sqlite3.Connection, rows: Rows, numbers: tuple[int, int]
) -> tuple[int, int]:
    """Insert rows numbered from 0, renumbered from numbers (of the next meeting and context
    item); the numbers after them."""
    for table, batch in rows.items():
        sql = INSERTS[table]
        if table not in _BY_ID:  # renumbered by SQLite: no row is made again here
            sql = sql.replace("VALUES (?", f"VALUES (? + {int(numbers[table in _BY_ITEM])}", 1)
        db.executemany(sql, batch)
    return numbers[0] + len(rows["meetings"]), numbers[1] + len(rows["context"])
