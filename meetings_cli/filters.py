"""Every filter once: its options, how its values are checked, and its SQL.

A command names the filters it takes; the command line builds their options
from this table (`shell.options`), and one loop (`selection`) turns the values
given into SQL over `meetings m`, `context c` or `people p`. Adding a filter to
every command is one row of FILTERS, its name in the commands' lists, and its
test. Values of one option are alternatives; different filters must all hold.
"""

# Every command imports this table at start-up: what it needs from the query layer
# (and so sqlite3 and json) is imported where a filter is resolved.
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import NotFound, UsageError, echo, refuse_option_as_value
from .model import KIND_LABELS

if TYPE_CHECKING:
    import sqlite3
    from datetime import date

    from .query import Selection


class Option(NamedTuple):
    """One command-line option of a filter."""

    name: str  # the key its values are kept under
    flags: tuple[str, ...]
    metavar: str
    help: str
    kind: str = "text"  # "text"; "year": a whole number from 1 to 9999; "flag": on or off
    completion: str | None = None  # SQL listing the values Tab offers


class Condition(NamedTuple):
    """A filter's SQL over one table.

    Without `each`, `(?)` stands for the list of every value given. With
    `each` ("OR" or "AND"), the SQL is repeated once per value and joined so,
    each `?` bound by `bind(value)` (by default the value itself).
    """

    sql: str
    each: str = ""
    bind: Callable[[Any], tuple[Any, ...]] | None = None


class Filter(NamedTuple):
    """One filter: its options, how their values are checked, and its SQL per table.

    A table without a condition is not narrowed by the filter.
    """

    name: str
    options: tuple[Option, ...]
    resolve: Callable[[sqlite3.Connection, Mapping[str, tuple[Any, ...]]], tuple[Any, ...]]
    meetings: Condition | None = None
    context: Condition | None = None
    people: Condition | None = None


#: Values given on the command line, by option name (only options given are in it).
Given = Mapping[str, tuple[Any, ...]]
#: Values checked against the dataset, by filter name (only filters given are in it).
Resolved = Mapping[str, tuple[Any, ...]]


class Window(NamedTuple):
    """--from and --to as ISO days (an open end is the first or last day there is)."""

    first: str
    last: str


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def _years(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
    return _unique(given["year"])


def _day(texts: tuple[str, ...] | None, option: str, *, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, for end, last) day."""
    if not texts:
        return None
    from .dates import parse_partial_date

    text = texts[-1]
    try:
        return parse_partial_date(text, end=end)
    except ValueError:
        pass
    import re

    why = "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    shaped = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text.strip())
    if shaped:
        padded = "-".join(part.zfill(2) for part in shaped.groups() if part)
        if padded != text.strip():
            try:
                parse_partial_date(padded, end=end)
                why += f" (did you mean {padded}?)"
            except ValueError:
                why = "is not in the calendar"
        else:
            why = "is not in the calendar"
    raise UsageError(f"invalid value for {option}: {echo(text)} {why}")


def _window(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
    from datetime import date

    first = _day(given.get("from"), "--from", end=False)
    last = _day(given.get("to"), "--to", end=True)
    if first and last and first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    return (Window((first or date.min).isoformat(), (last or date.max).isoformat()),)


def _events(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
    from .query import resolve_event

    return _unique(resolve_event(db, text) for text in given["event"])


def _kinds(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
    from .model import MEETING_KINDS
    from .query import pick

    kinds = {kind: (kind, KIND_LABELS.get(kind, kind)) for kind in MEETING_KINDS}
    short = ", ".join(KIND_LABELS.get(kind, kind) for kind in MEETING_KINDS)
    also = f" (or as `list` writes them: {short})"
    return _unique(pick("kind", text, kinds, "kinds", also) for text in given["kind"])


def _topics(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
    from .query import pick

    topics = dict.fromkeys(_column(db, "SELECT id FROM topics ORDER BY rowid"), ())
    return _unique(pick("topic", text, topics) for text in given["topic"])


#: Other names of the dataset's countries (official, local, usual abbreviations), so that
#: --country "Russian Federation" or Россия is Russia and never a suggestion's guess.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "Belarus": ("Republic of Belarus", "Беларусь", "Белоруссия", "Byelorussia", "بلاروس"),
    "Iran": ("Islamic Republic of Iran", "ایران", "Иран"),
    "Kazakhstan": ("Republic of Kazakhstan", "Қазақстан", "Казахстан", "قزاقستان"),
    "Pakistan": ("Islamic Republic of Pakistan", "پاکستان", "Пакистан"),
    "Russia": ("Russian Federation", "RF", "Россия", "Российская Федерация", "روسیه"),
    "Serbia": ("Republic of Serbia", "Србија", "Сербия", "صربستان"),
    "Syria": ("Syrian Arab Republic", "سوريا", "سوریه", "Сирия"),
    "Turkey": ("Türkiye", "Turkiye", "Republic of Türkiye", "Турция", "ترکیه"),
    "United States": ("US", "U.S.", "USA", "U.S.A.", "United States of America", "America",
                      "США", "آمریکا"),
}  # fmt: skip


def _countries_of(option: str) -> Callable[[sqlite3.Connection, Given], tuple[Any, ...]]:
    def countries(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
        from .query import pick

        known = {c: COUNTRY_NAMES.get(c, ()) for c in _column(db, _COUNTRIES)}
        for text in given[option]:
            repeated = run_together(f"--{option_flag(option)}", text)
            if repeated:
                raise UsageError(
                    f"--{option_flag(option)} takes one country: give it once per country"
                    f" ({repeated})"
                )
        return _unique(pick("country", text, known) for text in given[option])

    return countries


def run_together(flag: str, text: str) -> str:
    """For values run together with commas (`Russia,Serbia`), the option given once per
    value (`--country 'Russia' --country 'Serbia'`); empty for one value."""
    parts = text.split(",")
    if len(parts) < 2 or not all(part.strip() for part in parts):
        return ""
    return " ".join(f"{flag} {echo(part.strip())}" for part in parts)


def option_flag(option: str) -> str:
    """The long flag of a filter option by its name (nationality is --country)."""
    return "country" if option == "nationality" else option


def _people_of(option: str) -> Callable[[sqlite3.Connection, Given], tuple[Any, ...]]:
    def people(db: sqlite3.Connection, given: Given) -> tuple[Any, ...]:
        from .query import person_index, resolve_person

        for name in given[option]:
            if not name.strip():  # an unset variable, say
                raise UsageError(f"--{option} {echo(name)} names no one: give a name")
        index = person_index(db)
        found = []
        for name in given[option]:
            try:
                found.append(resolve_person(index, name).id)
            except NotFound as error:  # `--person Shoigu,Vulin`: two names run together
                repeated = run_together(f"--{option}", name)
                if repeated:
                    raise NotFound(f"{error} (one name each time: {repeated})") from None
                raise
        return _unique(found)

    return people


def _column(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[str]:
    return [row[0] for row in db.execute(sql, params)]


_DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
PEOPLE_COMPLETION = _PEOPLE = (
    "SELECT short_name FROM people UNION ALL SELECT name FROM people UNION ALL"
    " SELECT text FROM aliases WHERE kind IN ('spelling', 'native name', 'other name')"
    " OR kind LIKE 'native name (%)' OR kind LIKE 'other name (%)'"
    " OR kind LIKE 'part of native name (%)' OR kind LIKE 'part of other name (%)'"
)
COUNTRIES_COMPLETION = _COUNTRIES = (
    "SELECT DISTINCT country FROM people WHERE country NOTNULL ORDER BY 1"
)
# A context item mentions a person it names or quotes.
_MENTIONS = (
    "c.id IN (SELECT item FROM context_people WHERE person IN (?)"
    " UNION SELECT context FROM quotes WHERE speaker IN (?) AND context IS NOT NULL)"
)

#: The kinds of the meetings, and the words `list` shows them by (--kind takes both).
_KIND_COMPLETION = (
    "SELECT DISTINCT kind FROM meetings UNION ALL SELECT column2 FROM (VALUES "
    + ", ".join(f"('{kind}', '{label}')" for kind, label in KIND_LABELS.items() if kind != label)
    + ") WHERE column1 IN (SELECT kind FROM meetings)"
)

#: Every filter, in the order commands list their options.
FILTERS: dict[str, Filter] = {
    f.name: f
    for f in (
        Filter(
            "year",
            (
                Option(
                    "year",
                    ("--year", "-y"),
                    "YEAR",
                    "Only this year (repeatable).",
                    "year",
                    completion="SELECT DISTINCT CAST(year AS TEXT) FROM meeting_years ORDER BY 1",
                ),
            ),
            _years,
            meetings=Condition("m.rowid IN (SELECT meeting FROM meeting_years WHERE year IN (?))"),
            # A year is written as its first and last day (|| binds before <=).
            context=Condition("(c.start <= ? || '-12-31' AND c.end >= ? || '-01-01')", "OR"),
        ),
        Filter(
            "dates",
            (
                Option("from", ("--from",), "DATE", f"On or after this date ({_DATE_FORMS})."),
                Option("to", ("--to",), "DATE", f"On or before this date ({_DATE_FORMS})."),
            ),
            _window,
            # A span overlaps the window; a meeting on one of some days, if one of them is in it.
            meetings=Condition(
                "m.rowid IN (SELECT rowid FROM meetings WHERE start <= ? AND end >= ?"
                " AND date_precision != 'one-of'"
                " UNION SELECT meeting FROM meeting_days WHERE day BETWEEN ? AND ?)",
                "AND",
                lambda w: (w.last, w.first, w.first, w.last),
            ),
            context=Condition("c.start <= ? AND c.end >= ?", "AND", lambda w: (w.last, w.first)),
        ),
        Filter(
            "country",
            (
                Option(
                    "country",
                    ("--country", "-c"),
                    "COUNTRY",
                    "A participant from this country (repeatable).",
                    completion=_COUNTRIES,
                ),
            ),
            _countries_of("country"),
            meetings=Condition(
                "m.rowid IN (SELECT meeting FROM participants WHERE country IN (?))"
            ),
            context=Condition(
                "c.id IN (SELECT cp.item FROM context_people cp JOIN people p ON p.id = cp.person"
                " WHERE p.country IN (?))"
            ),
        ),
        Filter(
            "nationality",
            (
                Option(
                    "nationality",
                    ("--country", "-c"),
                    "COUNTRY",
                    "Only people from this country (repeatable).",
                    completion=_COUNTRIES,
                ),
            ),
            _countries_of("nationality"),
            people=Condition("p.country IN (?)"),
        ),
        Filter(
            "event",
            (
                Option(
                    "event",
                    ("--event", "-e"),
                    "EVENT",
                    "At this event: id or name (repeatable).",
                    completion="SELECT id FROM events UNION ALL SELECT short_name FROM events",
                ),
            ),
            _events,
            meetings=Condition("m.event IN (?)"),
            context=Condition("0"),  # a context item is at no event
        ),
        Filter(
            "kind",
            (
                Option(
                    "kind",
                    ("--kind", "-k"),
                    "KIND",
                    "Of this kind, e.g. bilateral-talks (repeatable).",
                    completion=_KIND_COMPLETION,
                ),
            ),
            _kinds,
            meetings=Condition("m.kind IN (?)"),
            context=Condition("0"),  # meeting kinds are not context kinds
        ),
        Filter(
            "topic",
            (
                Option(
                    "topic",
                    ("--topic", "-t"),
                    "TOPIC",
                    "Tagged with this topic (repeatable).",
                    completion="SELECT id FROM topics ORDER BY rowid",
                ),
            ),
            _topics,
            meetings=Condition(
                "m.rowid IN (SELECT meeting FROM meeting_topics WHERE topic IN (?))"
            ),
            context=Condition("c.id IN (SELECT item FROM context_topics WHERE topic IN (?))"),
        ),
        Filter(
            "person",
            (
                Option(
                    "person",
                    ("--person", "-p"),
                    "NAME",
                    "With a participant of this name, in any spelling (repeatable).",
                    completion=_PEOPLE,
                ),
            ),
            _people_of("person"),
            meetings=Condition("m.rowid IN (SELECT meeting FROM participants WHERE person IN (?))"),
            context=Condition(_MENTIONS),
        ),
        Filter(
            "with",
            (
                Option(
                    "with",
                    ("--with", "-w"),
                    "NAME",
                    "With this participant too, in any spelling (repeatable: all of them).",
                    completion=_PEOPLE,
                ),
            ),
            _people_of("with"),
            # All of them, each in a seat of their own: two readings of one disputed seat
            # (sources naming one or the other) did not meet together.
            meetings=Condition(
                "m.rowid IN (SELECT meeting FROM participants WHERE person IN (?)"
                " GROUP BY meeting HAVING count(DISTINCT coalesce(seat, person))"
                " = (SELECT count(*) FROM people WHERE id IN (?)))"
            ),
            context=Condition(_MENTIONS, "AND"),
        ),
        Filter(
            "disputed",
            (
                Option(
                    "disputed",
                    ("--disputed",),
                    "",
                    "Only records the sources disagree about (see `show` for how).",
                    "flag",
                ),
            ),
            lambda db, given: (True,),
            meetings=Condition("m.disputed"),
            context=Condition("json_extract(c.record, '$.disputed')"),
        ),
    )
}


def filters_over(table: str, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The filters a command listing a table takes: every one with SQL for it, in table
    order. People are also kept by the meetings they took part in: the filters of
    meetings apply to them too."""
    tables = ("people", "meetings") if table == "people" else (table,)
    return tuple(
        name
        for name, row in FILTERS.items()
        if name not in without and any(getattr(row, t) is not None for t in tables)
    )


#: Options whose values never hold a comma: one with a comma is several values run together.
_ONE_VALUE_EACH = ("event", "kind", "topic")


def resolve(db: sqlite3.Connection, given: Given) -> Resolved:
    """Every filter given, its values as the dataset has them.

    Raises UsageError for a value that names nothing the dataset knows (or several,
    run together with commas), and NotFound for a person no name matches.
    """
    for row in FILTERS.values():
        for declared in row.options:
            for text in given.get(declared.name) or ():
                if isinstance(text, str):
                    refuse_option_as_value(declared.flags[0], text)
    for option in _ONE_VALUE_EACH:
        for text in given.get(option) or ():
            repeated = run_together(f"--{option}", text)
            if repeated:
                raise UsageError(f"--{option} takes one value: give it once per value ({repeated})")
    resolved: dict[str, tuple[Any, ...]] = {}
    for name, row in FILTERS.items():
        if any(given.get(option.name) for option in row.options):
            resolved[name] = row.resolve(db, given)
    return resolved


def selection(resolved: Resolved, table: str) -> Selection:
    """The resolved filters as SQL over `meetings m`, `context c` or `people p`."""
    from .query import Selection

    parts: list[str] = []
    params: list[Any] = []
    for name, values in resolved.items():
        condition: Condition | None = getattr(FILTERS[name], table)
        if condition is None or not values:
            continue
        if not condition.each:
            marks = "(" + ",".join("?" * len(values)) + ")"
            parts.append(condition.sql.replace("(?)", marks))
            params += list(values) * condition.sql.count("(?)")
            continue
        parts.append("(" + f" {condition.each} ".join([condition.sql] * len(values)) + ")")
        count = condition.sql.count("?")
        for value in values:
            params += condition.bind(value) if condition.bind else (value,) * count
    return Selection(" AND ".join(parts) or "1", tuple(params))


def meeting_selection(db: sqlite3.Connection, given: Given | None = None) -> Selection:
    """The meetings the filters given keep, as SQL over `meetings m`."""
    return selection(resolve(db, given or {}), "meetings")


#: What the meetings a selection keeps link to, by kind of record: SQL over `meetings m`.
_LINKED = {
    "person": "SELECT person FROM participants WHERE meeting IN (SELECT m.rowid FROM meetings m"
    " WHERE {where})",
    "event": "SELECT m.event FROM meetings m WHERE {where}",
    "source": "SELECT source FROM meeting_sources WHERE meeting IN (SELECT m.rowid FROM"
    " meetings m WHERE {where})",
    "meeting": "SELECT m.id FROM meetings m WHERE {where}",
    "context": "SELECT c.id FROM context c WHERE {where}",
}


def linked_sql(kind: str, chosen: Selection) -> str:
    """SQL listing the ids of the records of a kind that a selection keeps (or links to)."""
    return _LINKED[kind].format(where=chosen.where)


def linked_ids(db: sqlite3.Connection, resolved: Resolved, kind: str) -> set[str] | None:
    """The ids of the people, events, sources, meetings or context items that the filters
    keep (those of, or at, the meetings they select); None when nothing is filtered."""
    if not resolved:
        return None
    chosen = selection(resolved, "context" if kind == "context" else "meetings")
    return {row[0] for row in db.execute(linked_sql(kind, chosen), chosen.params)}


def people_selection(resolved: Resolved) -> Selection:
    """The filters as SQL over `people p`: the person's own (--country of `people`), and a
    part in a meeting that the others keep."""
    from .query import Selection

    own = selection(resolved, "people")
    at_meetings = {n: v for n, v in resolved.items() if FILTERS[n].meetings is not None}
    if not at_meetings:
        return own
    chosen = selection(at_meetings, "meetings")
    return Selection(
        f"{own.where} AND p.id IN ({linked_sql('person', chosen)})", own.params + chosen.params
    )


def undated_left_out(
    db: sqlite3.Connection, resolved: Resolved, what: str, *, quoting: Any = None
) -> tuple[str, ...]:
    """A note naming the undated context items a date filter (--year, --from, --to) left
    out that the other filters keep (quoting: only those with quotes, of these speakers
    if a tuple); none when no date filter is given."""
    if not resolved.keys() & {"year", "dates"}:
        return ()
    others = {name: values for name, values in resolved.items() if name not in ("year", "dates")}
    chosen = selection(others, "context")
    where, params = f"{chosen.where} AND c.start IS NULL", chosen.params
    if quoting is not None:
        where += " AND c.id IN (SELECT context FROM quotes WHERE context IS NOT NULL"
        if isinstance(quoting, tuple):
            where += f" AND speaker IN ({', '.join('?' * len(quoting))})"
            params = (*params, *quoting)
        where += ")"
    ids = _column(db, f"SELECT c.id FROM context c WHERE {where} ORDER BY c.id", params)
    if not ids:
        return ()
    plural = "s" if len(ids) != 1 else ""
    return (
        f"meetings: {len(ids)} undated {what}{plural} left out by the date filter: "
        + ", ".join(ids),
    )


def seat_notes(db: sqlite3.Connection, resolved: Resolved) -> tuple[str, ...]:
    """A note for each meeting --with left out because two of the people asked for are
    readings of one disputed seat (the sources name one or the other)."""
    people = resolved.get("with") or ()
    if len(people) < 2:
        return ()
    marks = ", ".join("?" * len(people))
    rows = db.execute(
        "SELECT m.id, group_concat(p.short_name, ' and ') FROM participants pa"
        " JOIN meetings m ON m.rowid = pa.meeting JOIN people p ON p.id = pa.person"
        f" WHERE pa.person IN ({marks}) AND pa.seat NOTNULL"
        " GROUP BY pa.meeting, pa.seat HAVING count(*) > 1 ORDER BY m.start, m.id",
        people,
    )
    return tuple(
        f"meetings: {names} are alternative readings of one seat in {meeting_id} (the sources"
        " name one or the other): they did not meet together"
        for meeting_id, names in rows
    )


def given_text(given: Given) -> str:
    """The filters given, as they would be written: `--year 2019 --person Shoigu`."""
    words = []
    for row in FILTERS.values():
        for option in row.options:
            for value in given.get(option.name) or ():
                flag = option.flags[0]
                shown = str(value) if isinstance(value, int) else echo(str(value))
                words.append(flag if value is True else f"{flag} {shown}")
    return " ".join(words)


def why_no_meetings(
    db: sqlite3.Connection, given: Given, resolved: Resolved, what: str = "meetings"
) -> str:
    """Why filters that kept no WHAT (meetings, context items, people, quotes) kept none:
    a year outside the data (18 for 2018), people who took part in no meeting (only in
    context), a filter that keeps nothing alone, or filters that each keep some and
    never together; empty when it is none of these."""
    reasons = list(_years_outside(db, resolved))
    if what not in ("context items", "quotes"):  # those cover context: not a reason there
        reasons += _only_in_context(db, resolved)
    return "; ".join(reasons or _filters_apart(db, given, resolved, what))


def why_empty(db: sqlite3.Connection, given: Given, what: str) -> str:
    """`no WHAT match`, with why (see why_no_meetings)."""
    why = why_no_meetings(db, given, resolve(db, given), what) if given else ""
    return f"no {what} match" + (f": {why}" if why else "")


def why_unquoted(db: sqlite3.Connection, speakers: tuple[str, ...], given: Given) -> str:
    """For quotes of these speakers that the filters keep none of: how many they have in all
    the data."""
    marks = ", ".join("?" * len(speakers))
    (said,) = db.execute(
        f"SELECT count(*) FROM quotes WHERE speaker IN ({marks})", speakers
    ).fetchone()
    who = " or ".join(
        name
        for (name,) in db.execute(f"SELECT short_name FROM people WHERE id IN ({marks})", speakers)
    )
    if not said:
        return f"{who} is quoted nowhere in the data"
    plural = "s" if said != 1 else ""
    kept = f", none of them kept by {given_text(given)}" if given else ""
    return f"{who} has {said} quote{plural}{kept}"


def _years_outside(db: sqlite3.Connection, resolved: Resolved) -> Iterator[str]:
    first, last = db.execute("SELECT min(year), max(year) FROM meeting_years").fetchone()
    for year in resolved.get("year") or ():
        if first is not None and not first <= year <= last:
            reason = f"nothing in {year}: the data covers {first}–{last}"
            meant = _year_meant(year, range(first, last + 1))
            yield reason + (f" (did you mean {meant}?)" if meant else "")


def _year_meant(year: int, years: range) -> int | None:
    """The year of the data a slip most likely meant: 18 for 2018, 1018 or 2081 for 2018
    (a wrong digit of the century, or two swapped: a year a decade or a year off is a year
    asked for, not a slip); None if none or several."""
    if year < 100 and 2000 + year in years:
        return 2000 + year
    typed = f"{year:04d}"

    def near(other: str) -> bool:
        differ = [i for i in range(4) if typed[i] != other[i]]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and sorted(typed) == sorted(other)
        return (len(differ) == 1 and differ[0] < 2) or swapped

    close = [y for y in years if near(str(y))]
    return close[0] if len(close) == 1 else None


def _only_in_context(db: sqlite3.Connection, resolved: Resolved) -> Iterator[str]:
    for person in dict.fromkeys((*resolved.get("person", ()), *resolved.get("with", ()))):
        if db.execute("SELECT 1 FROM participants WHERE person = ?", (person,)).fetchone():
            continue
        name, short = db.execute(
            "SELECT name, short_name FROM people WHERE id = ?", (person,)
        ).fetchone()
        items = [
            f"{item} ({part})"
            for item, part in db.execute(
                "SELECT item, part FROM context_people WHERE person = ? ORDER BY item", (person,)
            )
        ]
        shown = f"meetings context --person {echo(short)}"
        where = f"; in context ({shown}): {', '.join(items)}" if items else ""
        yield f"{name} took part in no meeting{where}"


def _filters_apart(
    db: sqlite3.Connection, given: Given, resolved: Resolved, what: str
) -> list[str]:
    """The filters that keep no WHAT alone; or, when each keeps some and all of them
    together none, how many each keeps."""
    counted = what if what in _COUNTED else "meetings"  # events, sources: of the meetings
    if not resolved or count_kept(db, resolved, counted):
        return []  # what left everything out is not a filter (quotes: --speaker)
    singular, plural = _COUNTED[counted]
    alone = {name: count_kept(db, {name: values}, counted) for name, values in resolved.items()}
    shown = {name: given_text({o.name: given.get(o.name) or () for o in FILTERS[name].options})
             for name in alone}  # fmt: skip
    if not all(alone.values()):
        return [f"{shown[name]} keeps no {singular}{_span(db, name, counted)}"
                + _in_context(db, name, resolved[name], counted, shown[name])
                for name, count in alone.items() if not count]  # fmt: skip
    if len(alone) < 2:
        return []
    each = [f"{shown[name]} keeps {count} {singular if count == 1 else plural}"
            for name, count in alone.items()]  # fmt: skip
    together = "both" if len(alone) == 2 else "all of them"
    return [f"{', '.join(each[:-1])} and {each[-1]}, but no {singular} is kept by {together}"]


#: What count_kept counts: the singular and plural of its noun.
_COUNTED = {
    "meetings": ("meeting", "meetings"),
    "context items": ("context item", "context items"),
    "people": ("person", "people"),
    "quotes": ("quote", "quotes"),
}


def _span(db: sqlite3.Connection, name: str, counted: str) -> str:
    """For a date window that keeps nothing: the days the records run over."""
    if name != "dates":
        return ""
    tables = {"context items": ("context",), "quotes": ("meetings", "context")}
    spans = " UNION ALL ".join(
        f"SELECT start, end FROM {table}" for table in tables.get(counted, ("meetings",))
    )
    first, last = db.execute(f"SELECT min(start), max(end) FROM ({spans})").fetchone()
    shown = {"context items": "context items", "quotes": "records"}.get(counted, "meetings")
    return f" (the {shown} run from {first} to {last})" if first else ""


def _in_context(
    db: sqlite3.Connection, name: str, values: tuple[Any, ...], counted: str, shown: str
) -> str:
    """For a --country that keeps no meeting: the context items it keeps, if any; for one
    that keeps no context item, the meetings."""
    if name != "country" or counted == "quotes":
        return ""
    meetings = counted == "context items"  # the other kind of record than those counted
    kind, table, order = (
        ("meeting", "meetings", "m.start") if meetings else ("context", "context", "c.id")
    )
    chosen = selection({name: values}, table)
    ids = _column(db, f"{linked_sql(kind, chosen)} ORDER BY {order}", chosen.params)
    listing = "list" if meetings else "context"
    return f"; in {table} (meetings {listing} {shown}): {', '.join(ids)}" if ids else ""


def count_kept(db: sqlite3.Connection, resolved: Resolved, what: str) -> int:
    """How many WHAT (meetings, context items, people, quotes) the filters keep."""
    meetings, context = selection(resolved, "meetings"), selection(resolved, "context")
    if what == "people":
        chosen = people_selection(resolved)
        sql, params = f"SELECT count(*) FROM people p WHERE {chosen.where}", chosen.params
    elif what == "context items":
        sql, params = f"SELECT count(*) FROM context c WHERE {context.where}", context.params
    elif what == "quotes":
        sql = (
            "SELECT count(*) FROM quotes WHERE meeting IN (SELECT m.rowid FROM meetings m"
            f" WHERE {meetings.where}) OR context IN (SELECT c.id FROM context c"
            f" WHERE {context.where})"
        )
        params = (*meetings.params, *context.params)
    else:  # meetings, and the events, sources and years of the meetings kept
        sql, params = f"SELECT count(*) FROM meetings m WHERE {meetings.where}", meetings.params
    (count,) = db.execute(sql, params).fetchone()
    return int(count)
