"""Checks that span records, run as queries over the compiled tables.

Unique ids, references between records, articles that are plain files inside
the dataset folder, and words that must appear verbatim in the articles they
cite. Each problem keeps the file, line and column of the value it concerns
(paths relative to the dataset folder).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from . import schema
from .errors import MAX_PROBLEMS, NO_DATA_FILES, Problem, echo
from .load import clip, did_you_mean, normalise_for_quote_check
from .paths import MAX_ARTICLE, Refused, read_inside
from .verbatim import Needles


def cross_record_problems(
    root: Path, db: sqlite3.Connection, within: Sequence[int] | None = None
) -> Iterator[tuple[int, Problem]]:
    """Every problem that only shows when records are looked at together, with its rank.

    At one place, problems are listed by rank: structure (0), ids and references
    (1), checks within a record (2), texts (3). With `within` (rowids of records),
    only problems that involve those records: enough when the rest of the
    dataset, the records others refer to and the articles are as they were
    when it last validated.
    """
    only = _only(within)
    unlisted = list(_unlisted_folders(root, db))
    yield from ((0, problem) for problem in unlisted)
    if db.execute("SELECT 1 FROM files WHERE is_data LIMIT 1").fetchone() is None:
        if not unlisted:  # else the data files may be in a folder that could not be listed
            yield 0, Problem("", 0, 0, "", NO_DATA_FILES)
        return
    for problem in _duplicate_ids(db, only):
        yield 1, problem
    if db.execute("SELECT 1 FROM files WHERE unreadable LIMIT 1").fetchone() is None:
        # References into a file that could not be parsed cannot be judged.
        for problem in _dangling_references(db, only):
            yield 1, problem
        for problem in _dates_against_events_and_sources(db, only):
            yield 2, problem
    for problem in _claims_against_texts(root, db, only):
        yield 3, problem


def _only(within: Sequence[int] | None) -> tuple[str, tuple[str, ...]]:
    """An SQL condition on the records `r` (true when within is None), and its parameters."""
    if within is None:
        return "1", ()
    return "r.rowid IN (SELECT value FROM json_each(?))", (json.dumps(list(within)),)


def _unlisted_folders(root: Path, db: sqlite3.Connection) -> Iterator[Problem]:
    """Folders that could not be listed, and linked folders (never followed): the files in
    them are unknown, so nothing is valid."""
    # Such a folder is the only one among the files (see paths.dataset_files).
    for (relative,) in db.execute("SELECT path FROM files WHERE NOT is_data ORDER BY path"):
        folder = root / relative
        if folder.is_symlink() and folder.is_dir():  # never followed: said, not skipped
            message = "a linked folder is not read: copy its files in, or remove the link"
            yield Problem(relative, 0, 0, "(folder)", message)
            continue
        if not folder.is_dir() or folder.is_symlink():
            continue
        try:
            os.scandir(folder).close()
            reason = "it could not be listed"  # it can now: it changed since
        except OSError as error:
            reason = error.strerror or "it could not be listed"
        shown = "" if relative == "." else relative  # "": the dataset folder itself
        yield Problem(shown, 0, 0, "(folder)", f"cannot read: {reason}")


def _duplicate_ids(db: sqlite3.Connection, only: tuple[str, tuple[str, ...]]) -> Iterator[Problem]:
    condition, params = only
    rows = db.execute(
        f"""
        SELECT r.collection, r.id, r.file, r.id_line, r.id_col, r.position FROM records r
        JOIN files f ON f.path = r.file
        WHERE r.value IS NOT NULL AND (r.collection, r.id) IN (
          SELECT collection, id FROM records WHERE value IS NOT NULL
            AND (collection, id) IN (SELECT collection, id FROM records r WHERE {condition})
          GROUP BY collection, id HAVING count(*) > 1)
        ORDER BY r.collection, r.id, f.ordinal, r.position
        """,
        params,
    )
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for collection, record_id, file, line, column, position in rows:
        earlier = first.setdefault((collection, record_id), (file, line))
        if earlier != (file, line):
            yield Problem(
                file,
                line,
                column,
                f"{collection}[{position}].id",
                f"duplicate id {echo(record_id)} (first used at {earlier[0]}:{earlier[1]})",
            )


def _references(
    file: str, line: int, collection: str, position: int, refs: str
) -> list[tuple[str, int, int, str, str, str]]:
    """(file, line, column, path, collection, target) of each reference a record makes, from
    its `refs` (see `store.reading.stored_references`)."""
    return [
        (file, line + lines, column, f"{collection}[{position}]{path}", kind, target)
        for lines, column, path, kind, target in json.loads(refs)
    ]


#: Of a record `r`: what `_references` reads.
_REFERENCES = "r.file, r.line, r.collection, r.position, r.refs"


def _dangling_references(
    db: sqlite3.Connection, only: tuple[str, tuple[str, ...]]
) -> Iterator[Problem]:
    condition, params = only
    # A record of the collection, valid or not, is enough (an invalid one is reported).
    named = {
        f"{collection}:{record_id}"
        for collection, record_id in db.execute(
            "SELECT collection, id FROM records"
            " WHERE collection IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(schema.referenced(schema.DATA_FILE))),),
        )
    }
    dangling = []
    for *record, targets in db.execute(
        f"SELECT {_REFERENCES}, r.targets FROM records r WHERE {condition} AND r.targets NOTNULL",
        params,
    ):
        if named.issuperset(targets.split()):  # almost every record: no JSON read
            continue
        dangling += [
            reference
            for reference in _references(*record)
            if reference[4] != "file" and f"{reference[4]}:{reference[5]}" not in named
        ]
    dangling.sort(key=lambda reference: reference[:3])
    known: dict[str, list[str]] = {}  # the ids of each collection, listed once
    hints: dict[tuple[str, str], str] = {}  # a misspelt id is often used many times
    for number, (file, line, column, path, collection, target) in enumerate(dangling):
        if number >= MAX_PROBLEMS:  # past what is ever listed: counted, not worth a hint
            yield Problem(file, line, column, path, f"no such id {echo(target)}")
            continue
        if collection not in known:
            known[collection] = [
                i
                for (i,) in db.execute(
                    "SELECT DISTINCT id FROM records WHERE collection = ? AND value IS NOT NULL",
                    (collection,),
                )
            ]
        hint = hints.get((collection, target))
        if hint is None:
            hint = hints[collection, target] = did_you_mean(target, known[collection])
        singular = schema.COLLECTIONS[collection].name
        yield Problem(file, line, column, path, f"no {singular} with id {echo(target)}{hint}")


#: How many days before its first day and after its last a meeting counts as at an event:
#: a minister arriving the day before, or meeting the day after, is still there for it.
EVENT_TOLERANCE_DAYS = 1


def _dates_against_events_and_sources(
    db: sqlite3.Connection, only: tuple[str, tuple[str, ...]]
) -> Iterator[Problem]:
    """A meeting outside its event's dates (or year); a record dated after the publication
    of every dated source it cites, unless its date is announced ahead (a deadline)."""
    condition, params = only
    facts: dict[str, dict[str, Any]] = {
        f"{collection}:{record_id}": json.loads(dates)
        for collection, record_id, dates in db.execute(
            "SELECT collection, id, dates FROM records"
            " WHERE collection IN ('events', 'sources') AND dates NOTNULL"
        )
    }
    rows = db.execute(
        f"SELECT {_REFERENCES}, r.dates FROM records r"
        f" WHERE {condition} AND r.collection IN ('meetings', 'context') AND r.dates NOTNULL",
        params,
    )
    for *record, dates in rows:
        date_facts = _date_facts(json.loads(dates))
        references = _references(*record)
        event = date_facts["event"]
        if event is not None and f"events:{event}" in facts:
            (at,) = [ref for ref in references if ref[3].endswith(".event")]
            problem = _outside_event(date_facts, event, facts[f"events:{event}"])
            if problem:
                yield Problem(*at[:4], problem)
        cited = [
            ref
            for ref in references
            if ref[3].startswith(".sources[", ref[3].index("]") + 1)
            and f"sources:{ref[5]}" in facts
        ]
        published = [facts[f"sources:{ref[5]}"]["published"] for ref in cited]
        first = date_facts["days"][0]
        if published and first > max(published) and date_facts["announced"] is None:
            at = max(cited, key=lambda ref: facts[f"sources:{ref[5]}"]["published"])
            yield Problem(
                *at[:4],
                f"the record is dated {first} at the earliest, after the publication of every "
                f"dated source it cites (the latest: {max(published)}); a date announced "
                "ahead (a deadline) says so with `announced:`",
            )


def _date_facts(stored: list[Any]) -> dict[str, Any]:
    """`records.dates` of a meeting or context item (see `store.reading.stored_dates`)."""
    flag = next(i for i, item in enumerate(stored) if isinstance(item, int))
    event, announced = (*stored[flag + 1 :], None, None)[:2]
    return {"days": stored[:flag], "one_of": bool(stored[flag]), "event": event,
            "announced": announced}  # fmt: skip


def _outside_event(facts: dict[str, Any], event: str, held: dict[str, Any]) -> str | None:
    """Why a meeting's possible days cannot be at the event (None if they can)."""
    days: list[str] = facts["days"]
    shown = " or ".join(days) if facts["one_of"] else _span(days[0], days[-1])
    if held["dates"] is None:
        if any(int(day[:4]) == held["year"] for day in days) or (
            not facts["one_of"] and int(days[0][:4]) <= held["year"] <= int(days[-1][:4])
        ):
            return None
        year = held["year"]
        return f"the meeting's date ({shown}) is not in the year of event {echo(event)} ({year})"
    first, last = held["dates"]
    lo = (date.fromisoformat(first) - timedelta(EVENT_TOLERANCE_DAYS)).isoformat()
    hi = (date.fromisoformat(last) + timedelta(EVENT_TOLERANCE_DAYS)).isoformat()
    if facts["one_of"]:
        inside = any(lo <= day <= hi for day in days)
    else:
        inside = days[0] <= hi and days[-1] >= lo
    if inside:
        return None
    return (
        f"the meeting's date ({shown}) is outside the dates of event {echo(event)} ({first} to "
        f"{last}, with {EVENT_TOLERANCE_DAYS} day of tolerance either side)"
    )


def _span(start: str, end: str) -> str:
    return start if start == end else f"{start} to {end}"


def _claims_against_texts(
    root: Path, db: sqlite3.Connection, only: tuple[str, tuple[str, ...]]
) -> Iterator[Problem]:
    condition, params = only
    claims = db.execute(
        f"""
        SELECT r.file, c.line, c.col, c.path, c.words, c.sources, c.place
        FROM claims c JOIN records r ON r.rowid = c.record WHERE {condition}
        """,
        params,
    ).fetchall()
    # Claims cite the same few lists of sources, written the same way: each read once.
    sources_of: dict[str, list[str]] = {}
    for *_, sources, _ in claims:
        if sources not in sources_of:
            sources_of[sources] = json.loads(sources)
    cited = {s for listed in sources_of.values() for s in listed}
    every = any(sources == "[]" for *_, sources, _ in claims) or condition == "1"
    texts: dict[str, str] = {}
    files = [
        (source_id, reference)
        for source_id, *record in db.execute(
            f"SELECT r.id, {_REFERENCES} FROM records r"
            " WHERE r.collection = 'sources' AND r.value NOTNULL AND r.refs NOTNULL"
        )
        for reference in _references(*record)
        if reference[4] == "file"
    ]
    for source_id, (file, line, column, path, _, relative) in files:
        if not every and source_id not in cited:
            continue  # no claim to check cites it
        try:
            text = read_inside(root, relative, MAX_ARTICLE).decode("utf-8-sig")
        except Refused as refused:
            yield Problem(file, line, column, path, f"{clip(relative)!r} {refused}")
            continue
        except FileNotFoundError:
            yield Problem(file, line, column, path, f"no such file: {relative}")
            continue
        except OSError as error:
            yield Problem(file, line, column, path, f"cannot read {relative}: {error.strerror}")
            continue
        except UnicodeDecodeError as error:
            yield Problem(file, line, column, path, f"cannot read {relative}: {error}")
            continue
        texts[source_id] = normalise_for_quote_check(text)
    needles = [normalise_for_quote_check(claim[4]) for claim in claims]
    # Each text is read once for the words claims look for in it (see `verbatim`).
    asked: dict[str, set[str]] = {}  # source -> the words looked for in it alone
    anywhere: set[str] = set()  # the words looked for in any text
    for claim, needle in zip(claims, needles, strict=True):
        wanted = sources_of[claim[5]]
        for source_id in wanted:
            asked.setdefault(source_id, set()).add(needle)
        if not wanted:
            anywhere.add(needle)
    found = {s: Needles(asked[s]).occurring_in(texts[s]) for s in asked if s in texts}
    unseen, everywhere = set(anywhere), Needles(anywhere)
    for text in texts.values():
        if not unseen:
            break
        unseen -= everywhere.occurring_in(text, unseen)
    for claim, needle in zip(claims, needles, strict=True):
        file, line, column, path, words, sources, place = claim
        wanted = [s for s in sources_of[sources] if s in texts]
        if not texts or (sources_of[sources] and not wanted):
            continue  # the missing source is reported already
        if (needle in unseen) if not wanted else not any(needle in found[s] for s in wanted):
            yield Problem(
                file, line, column, path, f"not found verbatim in {place}: {clip(words)!r}"
            )
