"""Text for people to read: printable strings, dates as labels, snippets. A leaf module."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

# C0/C1 control characters (but tab and newline) and the bidi overrides that
# can disguise text on a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, one_line: bool = False) -> str:
    """Text safe to show on a terminal: control characters removed."""
    text = _UNSAFE.sub("", text)
    return " ".join(text.split()) if one_line else text


# What `escaped` shows as an escape: _UNSAFE, newline and the line and paragraph
# separators (a file name must not start a forged line of its own), invisible and
# direction marks, and lone surrogates (undecodable bytes of a file name).
_UNSAFE_IN_LINE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\xad\u061c\u200b\u200d-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8: show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """One line of a message, inert on a terminal: control characters, bidi overrides and
    undecodable bytes shown as escapes (\\x1b, \\u202e), so a file name stays recognisable."""
    return _UNSAFE_IN_LINE.sub(_escape, text)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def record_dates(record: dict[str, Any]) -> tuple[date, date, str, str]:
    """(first day, last day, precision, basis) of a record's date fields."""
    return (
        date.fromisoformat(record["date"]),
        date.fromisoformat(record["date_end"]),
        record["date_precision"],
        record["date_basis"],
    )


def candidate_days(record: dict[str, Any], *, year: bool) -> str:
    """Candidate days as a reader says them: 16 or 23 Aug (2020), 30 Jul or 6 Aug."""
    days = [date.fromisoformat(d) for d in record["date_candidates"]]
    same_month = len({(d.year, d.month) for d in days}) == 1
    words = [str(d.day) if same_month else f"{d.day} {_MONTHS[d.month - 1]}" for d in days]
    text = ", ".join(words[:-1]) + " or " + words[-1]
    if same_month:
        text += f" {_MONTHS[days[0].month - 1]}"
    if year:
        text += " " + " or ".join(dict.fromkeys(str(d.year) for d in days))
    return text


def format_dates(record: dict[str, Any]) -> str:
    """A short form for tables, in one style (ISO): 2018-04-03, 2019-12, 2018-04-03/06, and
    2020-08-16|23 for one of some days. Begins with ~ when the date is inferred."""
    start, end, precision, basis = record_dates(record)
    if precision == "one-of":
        days = [date.fromisoformat(d) for d in record["date_candidates"]]
        text = days[0].isoformat()
        for day in days[1:]:
            same = "%d" if (day.year, day.month) == (days[0].year, days[0].month) else "%m-%d"
            text += "|" + day.strftime(same if day.year == days[0].year else "%Y-%m-%d")
    elif precision == "day":
        text = start.isoformat()
    elif precision == "month":
        text = start.strftime("%Y-%m")
    elif precision == "year":
        text = str(start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.isoformat()}/{end.day:02d}"
    elif start.year == end.year:
        text = f"{start.isoformat()}/{end.strftime('%m-%d')}"
    else:
        text = f"{start.isoformat()}/{end.isoformat()}"
    return ("~" if basis == "inferred" else "") + text


def human_dates(record: dict[str, Any], *, ascii_only: bool = False) -> str:
    """A date as a reader says it, with its precision: 3 Apr, 3-6 Apr, Dec 2019; ~ if inferred."""
    start, end, precision, basis = record_dates(record)
    dash = "-" if ascii_only else "–"
    if precision == "one-of":
        text = candidate_days(record, year=False)
    elif precision == "day":
        text = f"{start.day} {_MONTHS[start.month - 1]}"
    elif precision == "month":
        text = f"{_MONTHS[start.month - 1]} {start.year}"
    elif precision == "year":
        text = str(start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}{dash}{end.day} {_MONTHS[start.month - 1]}"
    elif start.year == end.year:
        text = f"{start.day} {_MONTHS[start.month - 1]}{dash}{end.day} {_MONTHS[end.month - 1]}"
    else:
        text = f"{start.isoformat()}{dash}{end.isoformat()}"
    return ("~" if basis == "inferred" else "") + text


def snippet(text: str, start: int, end: int, width: int = 90) -> tuple[str, int, int]:
    """A one-line excerpt of text around [start, end), and where that span is in it."""
    text = printable(text)
    context = max(0, (width - (end - start)) // 2)
    left = max(0, start - context)
    right = min(len(text), end + context)
    # Cut at spaces, not inside words.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    excerpt = text[left:right].replace("\n", " ").replace("\t", " ")
    return prefix + excerpt + suffix, len(prefix) + start - left, len(prefix) + end - left


def person_country(person: dict[str, Any]) -> str:
    """A person's country, or the organisation they represent."""
    return str(person.get("country") or person.get("affiliation") or "—")


def participant_labels(
    participants: Sequence[dict[str, Any]], *, country: bool = True
) -> list[str]:
    """A label per participant: `Short (Country)`, `?` when only some sources name them;
    alternative readings of one seat on one line, `A or B (Country)?` (without country: full
    names, `A or` and `B?` on lines of their own)."""
    seats: dict[str, list[dict[str, Any]]] = {}
    for person in participants:
        seats.setdefault(person["seat"] or person["id"], []).append(person)
    labels = []
    for readings in seats.values():
        mark = "?" if any(p["disputed"] for p in readings) else ""
        if not country:  # full names, a line each: a timeline's column stays narrow
            labels.append(
                " or\n".join(printable(p["name"], one_line=True) for p in readings) + mark
            )
            continue
        countries = list(dict.fromkeys(person_country(p) for p in readings))
        names = [p["short_name"] for p in readings]
        if len(countries) == 1:
            label = f"{' or '.join(names)} ({countries[0]})"
        else:
            label = " or ".join(f"{n} ({c})" for n, c in zip(names, countries, strict=False))
        labels.append(printable(label, one_line=True) + mark)
    return labels


#: The legend of a seat's alternative readings, `A or B?` (the sources disagree on who).
SEAT_MARK = "A or B?: the sources name one or the other for one seat"


def date_and_seat_legend(dates: Sequence[str], labels: Sequence[str]) -> str | None:
    """The legend of the marks these dates and participant labels use, and only those."""
    legend = [
        "~ inferred date" if any(d.startswith("~") for d in dates) else "",
        "a/b: somewhere from a to b" if any("/" in d for d in dates) else "",
        "a|b: one of these days" if any("|" in d for d in dates) else "",
        SEAT_MARK if any(" or " in label and label.endswith("?") for label in labels) else "",
        "? named by only some sources"
        if any(" or " not in label and label.endswith("?") for label in labels)
        else "",
    ]
    return " · ".join(filter(None, legend)) or None
