"""Questions to the compiled database: filters as SQL, written once. No printing.

Meetings and context items come back as their stored JSON records (the
documented contract), in date order: earliest possible day, then latest, then id.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from .model import MEETING_KINDS, Person

#: Short names of meeting kinds, for narrow table columns; --kind accepts them too.
KIND_LABELS = {
    "bilateral-talks": "talks",
    "multilateral-talks": "multilateral",
    "conference-address": "address",
    "press-remarks": "remarks",
    "visit": "visit",
}

#: The order of meetings everywhere.
MEETING_ORDER = "m.start, m.end, m.id"


class QueryError(ValueError):
    """A filter value that cannot be right for this dataset (a usage error)."""


class NotFound(LookupError):
    """Nothing in the dataset answers the question."""


class MeetingFilter(NamedTuple):
    """What `list` and friends were asked for. Each option is OR within, AND across."""

    years: tuple[int, ...] = ()
    first: date | None = None
    last: date | None = None
    countries: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    together: tuple[str, ...] = ()  # --with: every one of these people took part


class Selection(NamedTuple):
    """A filter as SQL: `m.rowid IN (...)` conditions over the `meetings m` table."""

    where: str
    params: tuple[Any, ...]


class Resolved(NamedTuple):
    """A filter's values checked against the dataset: ids as stored, dates as ISO days."""

    years: tuple[int, ...]
    first: str | None  # ISO day; with last, a window
    last: str | None
    events: tuple[str, ...]
    kinds: tuple[str, ...]
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    people: tuple[str, ...]
    together: tuple[str, ...]


def resolve_filter(db: sqlite3.Connection, wanted: MeetingFilter) -> Resolved:
    """Every value of a filter as the dataset has it.

    Raises QueryError for a value that names nothing the dataset knows (a usage
    error) and NotFound for a person no name matches.
    """
    if wanted.first and wanted.last and wanted.first > wanted.last:
        raise QueryError(f"--from {wanted.first} is after --to {wanted.last}")
    window = bool(wanted.first or wanted.last)
    kinds = {kind: (kind, KIND_LABELS.get(kind, kind)) for kind in MEETING_KINDS}
    topics = (
        dict.fromkeys(_column(db, "SELECT id FROM topics ORDER BY rowid"), ())
        if wanted.topics
        else {}
    )
    countries = (
        dict.fromkeys(_column(db, "SELECT DISTINCT country FROM people ORDER BY country"), ())
        if wanted.countries
        else {}
    )
    index = person_index(db) if wanted.people or wanted.together else None

    def person(name: str) -> str:
        assert index is not None
        return resolve_person(index, name).id

    def unique(values: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(values))

    return Resolved(
        years=unique(wanted.years),
        first=(wanted.first or date.min).isoformat() if window else None,
        last=(wanted.last or date.max).isoformat() if window else None,
        events=unique(resolve_event(db, e) for e in wanted.events),
        kinds=unique(_pick("kind", k, kinds) for k in wanted.kinds),
        topics=unique(_pick("topic", t, topics) for t in wanted.topics),
        countries=unique(_pick("country", c, countries) for c in wanted.countries),
        people=unique(person(name) for name in wanted.people),
        together=unique(person(name) for name in wanted.together),
    )


class _Conditions:
    """SQL conditions joined by AND, with their parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, sql: str, *params: Any) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def among(self, sql: str, values: Sequence[Any], repeat: int = 1) -> None:
        """sql with each (?) a list of the values (repeat times over)."""
        marks = "(" + ",".join("?" * len(values)) + ")"
        self.add(sql.replace("(?)", marks), *(list(values) * repeat))

    def selection(self) -> Selection:
        return Selection(" AND ".join(self.parts) or "1", tuple(self.params))


def meeting_selection(db: sqlite3.Connection, wanted: MeetingFilter) -> Selection:
    """The one implementation of every meeting filter, as SQL over `meetings m`.

    Raises QueryError for a value that names nothing the dataset knows (a usage
    error) and NotFound for a person no name matches.
    """
    return selection_of(resolve_filter(db, wanted))


def selection_of(values: Resolved) -> Selection:
    """A resolved filter as SQL over `meetings m`."""
    where = _Conditions()
    if values.years:
        where.among(
            "m.rowid IN (SELECT meeting FROM meeting_years WHERE year IN (?))", values.years
        )
    if values.first is not None:
        # A span overlaps the window; a meeting on one of some days, if one of them is in it.
        where.add(
            "m.rowid IN (SELECT rowid FROM meetings WHERE start <= ? AND end >= ?"
            " AND date_precision != 'one-of'"
            " UNION SELECT meeting FROM meeting_days WHERE day BETWEEN ? AND ?)",
            values.last, values.first, values.first, values.last,
        )  # fmt: skip
    if values.events:
        where.among("m.event IN (?)", values.events)
    if values.kinds:
        where.among("m.kind IN (?)", values.kinds)
    if values.topics:
        where.among(
            "m.rowid IN (SELECT meeting FROM meeting_topics WHERE topic IN (?))", values.topics
        )
    if values.countries:
        where.among(
            "m.rowid IN (SELECT meeting FROM participants WHERE country IN (?))", values.countries
        )
    if values.people:
        where.among(
            "m.rowid IN (SELECT meeting FROM participants WHERE person IN (?))", values.people
        )
    for person_id in values.together:
        where.add("m.rowid IN (SELECT meeting FROM participants WHERE person = ?)", person_id)
    return where.selection()


def context_selection(values: Resolved) -> Selection:
    """A resolved filter as SQL over `context c`: its dates, people, their countries and its
    topics. An event or meeting kind matches no context item."""
    where = _Conditions()
    if values.events or values.kinds:
        where.add("0")
    if values.years:
        years = " OR ".join("(c.start <= ? AND c.end >= ?)" for _ in values.years)
        where.add(f"({years})", *(v for y in values.years for v in (f"{y}-12-31", f"{y}-01-01")))
    if values.first is not None:
        where.add("c.start <= ? AND c.end >= ?", values.last, values.first)
    if values.topics:
        where.among("c.id IN (SELECT item FROM context_topics WHERE topic IN (?))", values.topics)
    if values.countries:
        where.among(
            "c.id IN (SELECT cp.item FROM context_people cp JOIN people p ON p.id = cp.person"
            " WHERE p.country IN (?))",
            values.countries,
        )
    mentions = (
        "c.id IN (SELECT item FROM context_people WHERE person IN (?)"
        " UNION SELECT context FROM quotes WHERE speaker IN (?) AND context IS NOT NULL)"
    )
    if values.people:
        where.among(mentions, values.people, repeat=2)
    for person_id in values.together:
        where.among(mentions, (person_id,), repeat=2)
    return where.selection()


def meeting_texts(db: sqlite3.Connection, selection: Selection) -> Iterator[str]:
    """The stored JSON of the selected meetings, in date order, as read."""
    where, params = selection
    sql = (
        f"SELECT verified(m.record, m.checksum) FROM meetings m WHERE {where}"
        f" ORDER BY {MEETING_ORDER}"
    )
    return (text for (text,) in db.execute(sql, params))


def select_meetings(db: sqlite3.Connection, wanted: MeetingFilter) -> list[dict[str, Any]]:
    """The meeting records that pass every filter, in date order."""
    return [json.loads(text) for text in meeting_texts(db, meeting_selection(db, wanted))]


def find_meeting(db: sqlite3.Connection, meeting_id: str) -> dict[str, Any]:
    """The meeting with this id, in any case; NotFound (with suggestions) if there is none."""
    from .names import fold

    sql = "SELECT verified(record, checksum) FROM meetings WHERE id = ?"
    row = db.execute(sql, (meeting_id.strip(),)).fetchone()
    if row is None:  # ids are lower-case words joined by hyphens: MCIS2018 RUSSIA is one
        row = db.execute(sql, ("-".join(fold(meeting_id).split()),)).fetchone()
    if row is None:
        ids = _column(db, "SELECT id FROM meetings ORDER BY rowid")
        raise NotFound(f"no meeting with id {meeting_id!r}{suggestion(meeting_id, ids)}")
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
    close = suggestion(text, _column(db, "SELECT id FROM meetings ORDER BY rowid"))
    if close:  # most ids asked for are meetings': name only those when some are near
        raise NotFound(f"no meeting with id {text!r}{close}")
    every = [i for _, table in RECORD_KINDS for i in ids(db, table)]
    hint = suggestion(text, every)
    raise NotFound(f"no meeting, context item, event, source or person with id {text!r}{hint}")


def find_id(db: sqlite3.Connection, table: str, text: str, what: str) -> str:
    """The id in table (as ids() allows) that text names, in any case; NotFound naming what
    was looked for, with suggestions, if none."""
    from .names import fold

    if table not in ID_TABLES:  # table names are SQL, never user text
        raise ValueError(table)
    for wanted in (text.strip(), "-".join(fold(text).split())):
        if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (wanted,)).fetchone():
            return wanted
    raise NotFound(f"no {what} with id {text!r}{suggestion(text, ids(db, table))}")


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


#: What the meetings a selection keeps link to, by kind of record: SQL over `meetings m`.
_LINKED = {
    "person": "SELECT person FROM participants WHERE meeting IN (SELECT m.rowid FROM meetings m"
    " WHERE {where})",
    "event": "SELECT m.event FROM meetings m WHERE {where}",
    "source": "SELECT source FROM meeting_sources WHERE meeting IN (SELECT m.rowid FROM"
    " meetings m WHERE {where})",
    "meeting": "SELECT m.id FROM meetings m WHERE {where}",
}


def linked_ids(db: sqlite3.Connection, kind: str, selection: Selection) -> set[str]:
    """The ids of the people, events or sources of the selected meetings (or theirs)."""
    where, params = selection
    return {row[0] for row in db.execute(_LINKED[kind].format(where=where), params)}


def context_ids(db: sqlite3.Connection, selection: Selection) -> set[str]:
    """The ids of the context items a context_selection keeps."""
    where, params = selection
    return {row[0] for row in db.execute(f"SELECT c.id FROM context c WHERE {where}", params)}


def resolve_event(db: sqlite3.Connection, text: str) -> str:
    """The id of the event named by id, short name or full name (ignoring case and hyphens)."""
    rows = db.execute("SELECT id, short_name, name FROM events ORDER BY year, id").fetchall()
    names = {str(event_id): (event_id, short, name) for event_id, short, name in rows}
    return _pick("event", text, names, listing="events")


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
    meetings: int
    disputed: int  # meetings where they are one of several readings of a seat


def people_with_counts(
    db: sqlite3.Connection,
    person_id: str | None = None,
    *,
    countries: Sequence[str] = (),
    selection: Selection | None = None,
) -> list[PersonCount]:
    """Everyone (or the person with this id; those of these countries; those at a selected
    meeting) with their number of meetings in all, most first."""
    from .store import decode_person

    where = _Conditions()
    if person_id:
        where.add("p.id = ?", person_id)
    if countries:
        where.among("p.country IN (?)", countries)
    if selection is not None:
        where.add(f"p.id IN ({_LINKED['person'].format(where=selection.where)})", *selection.params)
    condition, params = where.selection()
    rows = db.execute(
        "SELECT verified(p.value, p.checksum), count(pa.meeting), count(pa.seat) FROM people p"
        f" LEFT JOIN participants pa ON pa.person = p.id WHERE {condition}"
        " GROUP BY p.id ORDER BY count(pa.meeting) DESC, p.name",
        params,
    )
    return [PersonCount(decode_person(value), n, d) for value, n, d in rows]


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


def _pick(
    what: str, text: str, names: Mapping[str, Sequence[str]], listing: str | None = None
) -> str:
    """The value (a key of names) that text names: the value itself or one of its names.

    Case, accents, punctuation and script are folded (names.compact_key); QueryError
    with every close candidate and the full list otherwise.
    """
    from .names import compact_key

    wanted = compact_key(text)
    for choice, other_names in names.items():
        if wanted in (compact_key(name) for name in (choice, *other_names)):
            return choice
    listed = f"{listing}: " if listing else f"{what} values: "
    raise QueryError(f"no {what} {text!r}{suggestion(text, names)}; {listed}{', '.join(names)}")


#: At most this many suggestions are named.
SUGGESTIONS = 8


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
                if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                    scores[choice] = max(scores.get(choice, 0.0), matcher.ratio())
        best = max(scores.values(), default=0.0)
        # Within a whisker of the best: the candidates a reader could not tell apart.
        close = [c for c, score in scores.items() if score >= 0.6 and best - score < 0.05]
    if not close:
        return ""
    shown = [repr(choice) for choice in close[:SUGGESTIONS]]
    if len(close) > SUGGESTIONS:
        shown.append(f"{len(close) - SUGGESTIONS} more")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f" (did you mean {listed}?)"
