"""Pure query and model functions, without the CLI."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import DATA

from meetings_cli.dates import parse_partial_date
from meetings_cli.filters import FILTERS, meeting_selection, resolve, selection
from meetings_cli.model import DateSpan
from meetings_cli.names import fold
from meetings_cli.query import (
    NotFound,
    QueryError,
    find_meeting,
    meeting_records,
    meetings_with,
    people_with_counts,
    person_index,
    resolve_person,
)
from meetings_cli.render.records import counterparts_of
from meetings_cli.render.text import format_dates, human_dates, printable
from meetings_cli.store import open_dataset


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    return open_dataset(DATA, use_cache=False)


def span(start: str, end: str, basis: str = "stated") -> DateSpan:
    return DateSpan(date.fromisoformat(start), date.fromisoformat(end), basis, "test")  # type: ignore[arg-type]


def test_precision() -> None:
    assert span("2018-04-03", "2018-04-03").precision == "day"
    assert span("2019-12-01", "2019-12-31").precision == "month"
    assert span("2020-02-01", "2020-02-29").precision == "month"
    assert span("2019-12-01", "2019-12-30").precision == "range"
    assert span("2020-08-16", "2020-08-23").precision == "range"


def test_overlaps_is_inclusive_at_both_ends() -> None:
    week = span("2020-08-16", "2020-08-23")
    assert week.overlaps(date(2020, 8, 23), None)
    assert week.overlaps(None, date(2020, 8, 16))
    assert not week.overlaps(date(2020, 8, 24), None)
    assert not week.overlaps(None, date(2020, 8, 15))
    assert list(span("2019-12-30", "2020-01-02").years) == [2019, 2020]


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2019", False, date(2019, 1, 1)),
        ("2019", True, date(2019, 12, 31)),
        ("2020-02", True, date(2020, 2, 29)),
        ("2020-02", False, date(2020, 2, 1)),
        ("2018-04-03", True, date(2018, 4, 3)),
    ],
)
def test_parse_partial_date(text: str, end: bool, expected: date) -> None:
    assert parse_partial_date(text, end=end) == expected


@pytest.mark.parametrize("text", ["19", "2019-13", "2019-02-30", "April", "2019-1-1x", ""])
def test_parse_partial_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_date(text)


def dates(start: str, end: str, basis: str = "stated") -> dict[str, str]:
    span_ = span(start, end, basis)
    return {"date": start, "date_end": end, "date_precision": span_.precision, "date_basis": basis}


def test_format_dates() -> None:
    assert format_dates(dates("2019-04-26", "2019-04-26")) == "2019-04-26"
    assert format_dates(dates("2018-04-03", "2018-04-06", "inferred")) == "~2018-04-03/06"
    assert format_dates(dates("2019-12-01", "2019-12-31")) == "2019-12"
    assert format_dates(dates("2018-03-30", "2018-04-02")) == "2018-03-30/04-02"
    assert format_dates(dates("2019-12-30", "2020-01-02")) == "2019-12-30/2020-01-02"


def test_human_dates() -> None:
    assert human_dates(dates("2019-04-26", "2019-04-26")) == "26 Apr"
    assert human_dates(dates("2018-04-03", "2018-04-06", "inferred")) == "~3–6 Apr"
    assert human_dates(dates("2018-04-03", "2018-04-06"), ascii_only=True) == "3-6 Apr"
    assert human_dates(dates("2019-12-01", "2019-12-31")) == "Dec 2019"
    assert human_dates(dates("2018-03-30", "2018-04-02")) == "30 Mar–2 Apr"


def test_printable_strips_controls_but_keeps_persian_joiners() -> None:
    assert printable("a\x1b[31mb\x07c\u202ed") == "a[31mbcd"
    assert printable("می\u200cخواهم") == "می\u200cخواهم"
    assert printable("a\n  b", one_line=True) == "a b"


def test_fold() -> None:
    assert fold("Šojgu") == "sojgu"
    assert fold("Dastgir-Khan") == "dastgir khan"
    assert fold("  SHOIGU ") == "shoigu"


def test_counterparts_and_people_counts(db: sqlite3.Connection) -> None:
    records = meetings_with(db, "amir-hatami")
    met = {entry["id"]: entry["meetings"] for entry in counterparts_of("amir-hatami", records)}
    assert met["sergei-shoigu"] == 3 and met["aleksandar-vulin"] == 1
    assert "amir-hatami" not in met
    assert next(iter(met)) == "sergei-shoigu"  # most meetings first
    counts = {c.person.id: c.meetings for c in people_with_counts(db)}
    assert (counts["amir-hatami"], counts["sergei-shoigu"], counts["kazem-jalali"]) == (8, 3, 0)
    assert [m["id"] for m in meetings_with(db, "andrei-ravkov")] == ["mcis2018-belarus"]


def test_resolve_person_explains_failures(db: sqlite3.Connection) -> None:
    index = person_index(db)
    assert resolve_person(index, "Shoygu").id == "sergei-shoigu"
    with pytest.raises(NotFound, match="no person matches 'Mattis'"):
        resolve_person(index, "Mattis")
    with pytest.raises(NotFound, match="did you mean Amir Hatami"):
        resolve_person(index, "Salami")


def select_meetings(db: sqlite3.Connection, **given: tuple[object, ...]) -> list[str]:
    return [m["id"] for m in meeting_records(db, meeting_selection(db, given))]


def test_select_meetings_combines_options_with_and(db: sqlite3.Connection) -> None:
    assert select_meetings(db, country=("Russia",), year=(2019,)) == ["mcis2019-russia"]


def test_values_of_one_option_are_alternatives(db: sqlite3.Connection) -> None:
    each = [select_meetings(db, year=(year,), country=("Russia",)) for year in (2018, 2019)]
    both = select_meetings(db, year=(2018, 2019), country=("Russia",))
    assert each[0] and each[1]
    assert both == each[0] + each[1]


def test_with_needs_every_person_and_person_any(db: sqlite3.Connection) -> None:
    anyone = select_meetings(db, person=("Shoigu", "Vulin"))
    everyone = select_meetings(db, **{"with": ("Hatami", "Shoigu")})
    assert set(everyone) < set(anyone)
    assert select_meetings(db, **{"with": ("Shoigu", "Vulin")}) == []


def test_select_meetings_rejects_unknown_values(db: sqlite3.Connection) -> None:
    with pytest.raises(QueryError):
        select_meetings(db, topic=("weather",))
    with pytest.raises(NotFound):
        select_meetings(db, person=("Mattis",))
    with pytest.raises(QueryError, match="is after --to"):
        select_meetings(db, **{"from": ("2020",), "to": ("2019",)})


def test_a_window_holds_one_of_the_candidate_days_not_one_on_each_side(
    db: sqlite3.Connection,
) -> None:
    # A meeting on one of two days is in a window only if one of those days is.
    one_of = db.execute(
        "SELECT m.id, group_concat(d.day) FROM meetings m JOIN meeting_days d"
        " ON d.meeting = m.rowid WHERE m.date_precision = 'one-of' GROUP BY m.id"
    ).fetchone()
    assert one_of is not None, "the bundled data has a meeting on one of some days"
    days = sorted(one_of[1].split(","))
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    assert (last - first).days >= 2
    middle = (first + (last - first) / 2).isoformat()
    assert one_of[0] in select_meetings(db, **{"from": (days[0],), "to": (days[0],)})
    assert one_of[0] not in select_meetings(db, **{"from": (middle,), "to": (middle,)})


def test_every_filter_has_sql_for_some_table_and_options_of_its_own() -> None:
    flags = [flag for f in FILTERS.values() for o in f.options for flag in o.flags]
    names = [o.name for f in FILTERS.values() for o in f.options]
    assert len(names) == len(set(names))
    for row in FILTERS.values():
        assert row.meetings or row.context or row.people, row.name
    # --country is two filters: a participant's (list) and the person's own (people).
    assert flags.count("--country") == 2


def test_a_filter_without_sql_for_a_table_leaves_it_unfiltered(db: sqlite3.Connection) -> None:
    resolved = resolve(db, {"nationality": ("Serbia",), "year": (2018,)})
    assert selection(resolved, "people").where == "p.country IN (?)"
    assert "meeting_years" in selection(resolved, "meetings").where
    assert selection(resolve(db, {"event": ("VII MCIS",)}), "context").where == "0"


def test_find_meeting(db: sqlite3.Connection) -> None:
    assert find_meeting(db, " mcis2018-serbia ")["id"] == "mcis2018-serbia"
    with pytest.raises(NotFound, match="did you mean 'mcis2018-serbia'"):
        find_meeting(db, "mcis2018-serbai")
