"""Questions to the compiled database: filters as SQL, written once. No printing.

Meetings and context items come back as their stored JSON records (the
documented contract), in date order: earliest possible day, then latest, then id.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

__all__ = ["NotFound", "QueryError", "Selection"]

from .contract import StoredRecords
from .errors import NotFound, UsageError, echo
from .model import Person

#: The order of meetings everywhere.
MEETING_ORDER = "m.start, m.end, m.id"


#: A filter value that cannot be right for this dataset (a usage error).
QueryError = UsageError


class Selection(NamedTuple):
    """Conditions as SQL (`m.rowid IN (...)` over `meetings m`, and the like) with parameters."""

    where: str
    params: tuple[Any, ...]


def meeting_texts(db: sqlite3.Connection, selection: Selection) -> Iterator[str]:
    """The stored JSON of the selected meetings, in date order, as read."""
    where, params = selection
    sql = (
        f"SELECT verified(m.record, m.checksum) FROM meetings m WHERE {where}"
        f" ORDER BY {MEETING_ORDER}"
    )
    return (text for (text,) in db.execute(sql, params))


def meeting_records(db: sqlite3.Connection, selection: Selection) -> StoredRecords:
    """The records of the selected meetings, in date order."""
    return StoredRecords(list(meeting_texts(db, selection)))


def find_meeting(db: sqlite3.Connection, meeting_id: str) -> dict[str, Any]:
    """The meeting with this id, in any case; NotFound (with suggestions) if there is none."""
    from .names import fold

    sql = "SELECT verified(record, checksum) FROM meetings WHERE id = ?"
    row = db.execute(sql, (meeting_id.strip(),)).fetchone()
    if row is None:  # ids are lower-case words joined by hyphens: MCIS2018 RUSSIA is one
        row = db.execute(sql, ("-".join(fold(meeting_id).split()),)).fetchone()
    if row is None:
        ids = _column(db, "SELECT id FROM meetings ORDER BY rowid")
        raise NotFound(f"no meeting with id {echo(meeting_id)}{suggestion(meeting_id, ids)}")
    record: dict[str, Any] = json.loads(row[0])
    return record


#: What `show` finds by id, in the order an id is looked for: (kind, table).
RECORD_KINDS = (
    ("meeting", "meetings"),
    ("context", "context"),
    ("event", "events"),
    ("source", "sources"),
    ("person", "people"),
)


def find_any(db: sqlite3.Connection, text: str) -> tuple[str, str]:
    """The kind and id of the record with this id, in any case; NotFound with suggestions."""
    from .names import fold

    for kind, table in RECORD_KINDS:
        for wanted in (text.strip(), "-".join(fold(text).split())):
            if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (wanted,)).fetchone():
                return kind, wanted
    named = db.execute(  # an event by its name (`show 'VII MCIS'`): one record, unambiguous
        "SELECT id FROM events WHERE lower(name) = lower(?) OR lower(short_name) = lower(?)",
        (text.strip(), text.strip()),
    ).fetchall()
    if len(named) == 1:
        return "event", named[0][0]
    close = suggestion(text, _column(db, "SELECT id FROM meetings ORDER BY rowid"))
    if close:  # most ids asked for are meetings': name only those when some are near
        raise NotFound(f"no meeting with id {echo(text)}{close}")
    every = [i for _, table in RECORD_KINDS for i in ids(db, table)]
    hint = suggestion(text, every)
    raise NotFound(f"no meeting, context item, event, source or person with id {echo(text)}{hint}")


def find_id(db: sqlite3.Connection, table: str, text: str, what: str) -> str:
    """The id in table (as ids() allows) that text names, in any case; NotFound naming what
    was looked for, with suggestions, if none."""
    from .names import fold

    if table not in ID_TABLES:  # table names are SQL, never user text
        raise ValueError(table)
    for wanted in (text.strip(), "-".join(fold(text).split())):
        if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (wanted,)).fetchone():
            return wanted
    raise NotFound(f"no {what} with id {echo(text)}{suggestion(text, ids(db, table))}")


def context_item(db: sqlite3.Connection, item_id: str) -> dict[str, Any]:
    """The context item with this id (which exists)."""
    sql = "SELECT verified(record, checksum) FROM context WHERE id = ?"
    record: dict[str, Any] = json.loads(db.execute(sql, (item_id,)).fetchone()[0])
    return record


def meetings_with(db: sqlite3.Connection, person_id: str) -> list[dict[str, Any]]:
    """Every meeting the person took part in, in date order."""
    sql = (
        "SELECT verified(m.record, m.checksum) FROM meetings m WHERE m.rowid IN"
        f" (SELECT meeting FROM participants WHERE person = ?) ORDER BY {MEETING_ORDER}"
    )
    return [json.loads(text) for (text,) in db.execute(sql, (person_id,))]


def context_records(
    db: sqlite3.Connection, person_id: str | None = None, selection: Selection | None = None
) -> list[dict[str, Any]]:
    """Context items (those that mention or quote a person, if given; those a context_selection
    selects, if given): dated first, by date."""
    where, params = selection or Selection("1", ())
    if person_id is not None:
        where += (
            " AND c.id IN (SELECT item FROM context_people WHERE person = ?"
            " UNION SELECT context FROM quotes WHERE speaker = ? AND context IS NOT NULL)"
        )
        params = (*params, person_id, person_id)
    sql = (
        f"SELECT verified(c.record, c.checksum) FROM context c WHERE {where}"
        " ORDER BY c.start IS NULL, c.start, c.id"
    )
    return [json.loads(text) for (text,) in db.execute(sql, params)]


def resolve_event(db: sqlite3.Connection, text: str) -> str:
    """The id of the event named by id, short name or full name (ignoring case and hyphens)."""
    rows = db.execute("SELECT id, short_name, name FROM events ORDER BY year, id").fetchall()
    names = {str(event_id): (event_id, short, name) for event_id, short, name in rows}
    return pick("event", text, names, listing="events")


#: The columns of an Alias, in its order.
_ALIASES = "SELECT person, text, kind, plain, phonetic FROM aliases"


class StoredAliases:
    """Name resolution over the `aliases` table (see match.AliasSource)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._people: dict[str, Person] = {}
        self._every: list[Any] | None = None

    def _aliases(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        from .names import Alias

        return [Alias(*row) for row in self.db.execute(sql, params)]

    def with_plain(self, key: str) -> list[Any]:
        """Aliases whose plain key is key."""
        return self._aliases(f"{_ALIASES} WHERE plain = ? ORDER BY rowid", (key,))

    def with_phonetic(self, key: str) -> list[Any]:
        """Aliases whose phonetic key is key."""
        return self._aliases(f"{_ALIASES} WHERE phonetic = ? ORDER BY rowid", (key,))

    def every_alias(self) -> list[Any]:
        """All aliases, for fuzzy scoring (read once)."""
        if self._every is None:
            self._every = self._aliases(f"{_ALIASES} ORDER BY rowid")
        return self._every

    def person(self, person_id: str) -> Person:
        """A person by id."""
        if person_id not in self._people:
            from .store import decode_person

            (value,) = self.db.execute(
                "SELECT verified(value, checksum) FROM people WHERE id = ?", (person_id,)
            ).fetchone()
            self._people[person_id] = decode_person(value)
        return self._people[person_id]

    def name_of(self, person_id: str) -> str:
        """A person's canonical name."""
        return self.person(person_id).name

    def resolve(self, query: str, *, runner_up: bool = False) -> Any:
        """Resolve a name (see match.resolve_name)."""
        from .match import resolve_name

        return resolve_name(self, query, runner_up=runner_up)


def person_index(db: sqlite3.Connection) -> StoredAliases:
    """Name resolution over the compiled database."""
    return StoredAliases(db)


def resolve_person(index: StoredAliases, name: str) -> Person:
    """The one person a name means; NotFound (with suggestions or candidates) otherwise."""
    from .match import describe_failure

    resolution = index.resolve(name)
    if resolution.best is None:
        raise NotFound(describe_failure(resolution, index.name_of))
    return index.person(resolution.best.person_id)


class PersonCount(NamedTuple):
    """A person, their number of meetings, and how many of those are disputed."""

    person: Person
    meetings: int  # engagements: every meeting record they are in
    disputed: int  # meetings where they are one of several readings of a seat
    talks: int = 0  # of those, talks (bilateral or multilateral)


def people_with_counts(
    db: sqlite3.Connection, person_id: str | None = None, *, selection: Selection | None = None
) -> list[PersonCount]:
    """Everyone (or the person with this id, or those a selection over `people p` keeps)
    with their number of meetings in all, most first."""
    from .store import decode_person

    where, params = selection or Selection("1", ())
    if person_id:
        where, params = f"{where} AND p.id = ?", (*params, person_id)
    from .model import TALK_KINDS

    talks = ", ".join(f"'{kind}'" for kind in TALK_KINDS)
    rows = db.execute(
        "SELECT verified(p.value, p.checksum), count(pa.meeting), count(pa.seat),"
        f" count(CASE WHEN m.kind IN ({talks}) THEN 1 END) FROM people p"
        " LEFT JOIN participants pa ON pa.person = p.id"
        f" LEFT JOIN meetings m ON m.rowid = pa.meeting WHERE {where}"
        " GROUP BY p.id ORDER BY count(pa.meeting) DESC, p.name",
        params,
    )
    return [PersonCount(decode_person(value), n, d, t) for value, n, d, t in rows]


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many records each collection of the dataset holds."""
    return {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("meetings", "people", "events", "sources", "topics", "context")
    }


#: The tables whose records have ids.
ID_TABLES = ("meetings", "events", "topics", "people", "sources", "context")


def ids(db: sqlite3.Connection, table: str) -> list[str]:
    """Every id of a table (meetings, events, topics, people, sources, context), in order."""
    if table not in ID_TABLES:
        raise ValueError(table)
    order = "start, end, id" if table == "meetings" else "rowid"
    return _column(db, f"SELECT id FROM {table} ORDER BY {order}")


def _column(db: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[str]:
    return [row[0] for row in db.execute(sql, tuple(params))]


def pick(
    what: str,
    text: str,
    names: Mapping[str, Sequence[str]],
    listing: str | None = None,
    also: str = "",
) -> str:
    """The value (a key of names) that text names: the value itself or one of its names.

    Case, accents, punctuation and script are folded (names.compact_key); QueryError
    with every close candidate and the full list (then `also`) otherwise.
    """
    from .names import compact_key

    wanted = compact_key(text)
    for choice, other_names in names.items():
        if wanted in (compact_key(name) for name in (choice, *other_names)):
            return choice
    listed = f"{listing}: " if listing else f"{what} values: "
    raise QueryError(
        f"no {what} {echo(text)}{suggestion(text, names)}; {listed}{', '.join(names)}{also}"
    )


#: At most this many suggestions are named.
SUGGESTIONS = 8
#: How alike (difflib's ratio) a suggestion must be: a slip or two (Rusia 0.91, Serbja 0.83),
#: never a word that only shares letters (Narnia and America, 0.62).
CLOSE = 0.7


def suggestion(text: str, choices: Iterable[str] | Mapping[str, Sequence[str]]) -> str:
    """ " (did you mean 'a' or 'b'?)": every choice text begins, else the closest few.

    Choices (with other names, if a dict) are compared by names.compact_key, so
    "mcis" suggests both MCIS events and Россия suggests Russia.
    """
    import difflib

    from .names import compact_key

    names = choices if isinstance(choices, Mapping) else dict.fromkeys(choices, ())
    wanted = compact_key(text)
    if not wanted:
        return ""
    keys = {choice: {compact_key(n) for n in (choice, *others)} for choice, others in names.items()}
    close = [choice for choice, found in keys.items() if any(k.startswith(wanted) for k in found)]
    if not close:
        matcher = difflib.SequenceMatcher(b=wanted)
        scores: dict[str, float] = {}
        for choice, found in keys.items():
            for key in found:
                matcher.set_seq1(key)
                if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                    scores[choice] = max(scores.get(choice, 0.0), matcher.ratio())
        best = max(scores.values(), default=0.0)
        # Within a whisker of the best: the candidates a reader could not tell apart.
        close = [c for c, score in scores.items() if score >= CLOSE and best - score < 0.05]
    if not close:
        return ""
    shown = [echo(choice) for choice in close[:SUGGESTIONS]]
    if len(close) > SUGGESTIONS:
        shown.append(f"{len(close) - SUGGESTIONS} more")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f" (did you mean {listed}?)"
