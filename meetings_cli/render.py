"""Turning records into output: JSON, JSON Lines, CSV and Rich tables.

Rich is imported only inside the functions that draw tables, so machine
formats never pay for it. Dataset text reaches the terminal only through
`printable` and `rich.text.Text`, so markup and control characters in the
data are shown as text, never obeyed.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .model import (
    ContextItem,
    Dataset,
    DateSpan,
    Event,
    Meeting,
    Participant,
    Person,
    Quote,
    Source,
)
from .query import meeting_countries

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from .match import Candidate, PersonIndex, Resolution
    from .report import Finding, Graph, YearGroup
    from .search import SearchHit

#: Output formats every record-printing command accepts.
FORMATS = ("table", "json", "jsonl", "csv")

# C0/C1 control characters (but tab and newline) and the bidi overrides that
# can disguise text on a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, one_line: bool = False) -> str:
    """Text safe to show on a terminal: control characters removed."""
    text = _UNSAFE.sub("", text)
    return " ".join(text.split()) if one_line else text


def format_span(span: DateSpan) -> str:
    """A short form for tables: 2018-04-03, 2019-12 or 2018-04-03/06, with ~ when inferred."""
    start, end = span.start, span.end
    if span.precision == "day":
        text = start.isoformat()
    elif span.precision == "month":
        text = start.strftime("%Y-%m")
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.isoformat()}/{end.day:02d}"
    elif start.year == end.year:
        text = f"{start.isoformat()}/{end.strftime('%m-%d')}"
    else:
        text = f"{start.isoformat()}/{end.isoformat()}"
    return ("~" if span.basis == "inferred" else "") + text


# --------------------------------------------------------------------------- records


def meeting_record(dataset: Dataset, meeting: Meeting) -> dict[str, Any]:
    """A meeting as the documented JSON object."""
    event = dataset.event_by_id.get(meeting.event) if meeting.event else None
    return {
        "id": meeting.id,
        "title": meeting.title,
        **_span_fields(meeting.date),
        "kind": meeting.kind,
        "event": (
            {"id": event.id, "name": event.name, "short_name": event.short_name, "year": event.year}
            if event
            else None
        ),
        "location": meeting.location,
        "participants": [_participant(dataset, meeting, p) for p in meeting.participants],
        "countries": meeting_countries(dataset, meeting),
        "topics": list(meeting.topics),
        "summary": meeting.summary,
        "quotes": [_quote(dataset, q) for q in meeting.quotes],
        "sources": [_source(dataset, s) for s in meeting.sources],
        "disputed": meeting.disputed,
        "disagreements": [
            {
                "about": d.about,
                "claims": [{"says": c.says, "sources": list(c.sources)} for c in d.claims],
                "note": d.note,
            }
            for d in meeting.disagreements
        ],
        "notes": meeting.notes,
    }


def context_record(dataset: Dataset, item: ContextItem) -> dict[str, Any]:
    """A context item as a JSON object."""
    span: dict[str, Any] = (
        _span_fields(item.date)
        if item.date
        else dict.fromkeys(("date", "date_end", "date_precision", "date_basis", "date_how"))
    )
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        **span,
        "location": item.location,
        "people": [
            {
                "id": pid,
                "name": dataset.person_by_id[pid].name,
                "country": dataset.person_by_id[pid].country,
            }
            for pid in item.people
        ],
        "topics": list(item.topics),
        "summary": item.summary,
        "quotes": [_quote(dataset, q) for q in item.quotes],
        "sources": [_source(dataset, s) for s in item.sources],
        "notes": item.notes,
    }


def _span_fields(span: DateSpan) -> dict[str, Any]:
    return {
        "date": span.start.isoformat(),
        "date_end": span.end.isoformat(),
        "date_precision": span.precision,
        "date_basis": span.basis,
        "date_how": span.how,
    }


def _participant(dataset: Dataset, meeting: Meeting, participant: Participant) -> dict[str, Any]:
    person = dataset.person_by_id[participant.person]
    return {
        "id": person.id,
        "name": person.name,
        "country": person.country,
        "role": participant.role,
        "attested_by": list(meeting.attested_by(participant)),
        "disputed": bool(participant.sources),
    }


def _quote(dataset: Dataset, quote: Quote) -> dict[str, Any]:
    return {
        "speaker": dataset.person_by_id[quote.speaker].name,
        "speaker_id": quote.speaker,
        "text": quote.text,
        "source": quote.source,
    }


def _source(dataset: Dataset, source_id: str) -> dict[str, Any]:
    source = dataset.source_by_id[source_id]
    return {
        "id": source.id,
        "outlet": source.outlet,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "published_basis": source.published_basis,
        "file": source.file,
    }


def person_record(person: Person, meetings: int | None = None) -> dict[str, Any]:
    """A person as a JSON object (with their number of meetings, when given)."""
    record: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "short_name": person.short_name,
        "country": person.country,
        "rank": person.rank,
        "role": person.role,
        "native_names": [{"script": n.script, "name": n.name} for n in person.native_names],
        "spellings": list(person.spellings),
        "stated_as": [{"text": s.text, "source": s.source} for s in person.stated_as],
        "notes": person.notes,
    }
    if meetings is not None:
        record["meetings"] = meetings
    return record


def candidate_record(index: PersonIndex, candidate: Candidate) -> dict[str, Any]:
    """A person a name query may mean, with the alias that matched and the score."""
    person = index.people[candidate.person_id]
    return {
        "id": person.id,
        "name": person.name,
        "country": person.country,
        "score": candidate.score,
        "method": candidate.method,
        "alias": candidate.alias.text,
        "alias_kind": candidate.alias.kind,
    }


def who_record(
    dataset: Dataset,
    index: PersonIndex,
    resolution: Resolution,
    meetings: Sequence[Meeting],
    met: Sequence[tuple[Person, int]],
) -> dict[str, Any]:
    """The `who --json` object: the person, how the name matched, meetings, counterparts."""
    best = resolution.best
    return {
        "query": resolution.query,
        "person": person_record(index.people[best.person_id]) if best else None,
        "score": best.score if best else None,
        "match": {
            "status": resolution.status,
            "normalised": resolution.plain,
            "phonetic": resolution.phonetic,
            "method": best.method if best else None,
            "alias": best.alias.text if best else None,
            "alias_kind": best.alias.kind if best else None,
            "runner_up": (
                candidate_record(index, resolution.runner_up)
                if best and resolution.runner_up
                else None
            ),
        },
        "meetings": [meeting_record(dataset, m) for m in meetings],
        "counterparts": [
            {"id": p.id, "name": p.name, "country": p.country, "meetings": n} for p, n in met
        ],
        "candidates": [candidate_record(index, c) for c in resolution.candidates],
    }


def search_record(dataset: Dataset, hit: SearchHit) -> dict[str, Any]:
    """A meeting record with a `search` object: score and where each query word matched."""
    return {
        **meeting_record(dataset, hit.meeting),
        "search": {
            "score": hit.score,
            "matches": [
                {
                    "field": m.field,
                    "term": m.term,
                    "matched": m.matched,
                    "score": m.score,
                    "snippet": snippet(m.text, m.start, m.end)[0],
                }
                for m in hit.matches
            ],
        },
    }


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


# --------------------------------------------------------------------------- machine formats

MEETING_CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "date_end",
    "date_precision",
    "date_basis",
    "kind",
    "event_id",
    "event",
    "location",
    "participant_ids",
    "participants",
    "countries",
    "topics",
    "summary",
    "quotes",
    "source_ids",
    "disputed",
    "notes",
)

CONTEXT_CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "date",
    "date_end",
    "date_precision",
    "date_basis",
    "location",
    "people",
    "topics",
    "summary",
    "source_ids",
    "notes",
)


#: CSV columns by collection name.
PEOPLE_CSV_COLUMNS = (
    "id",
    "name",
    "country",
    "rank",
    "role",
    "meetings",
    "native_names",
    "spellings",
)

SEARCH_CSV_COLUMNS = (*MEETING_CSV_COLUMNS, "score", "matched_fields")


def meeting_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a meeting_record; lists are joined with '; '."""
    event = record["event"]
    return _cells(
        {
            **{key: record[key] for key in ("id", "title", "date", "date_end", "date_precision")},
            "date_basis": record["date_basis"],
            "kind": record["kind"],
            "event_id": event["id"] if event else "",
            "event": event["name"] if event else "",
            "location": record["location"],
            "participant_ids": [p["id"] for p in record["participants"]],
            "participants": [p["name"] for p in record["participants"]],
            "countries": record["countries"],
            "topics": record["topics"],
            "summary": record["summary"],
            "quotes": str(len(record["quotes"])),
            "source_ids": [s["id"] for s in record["sources"]],
            "disputed": "true" if record["disputed"] else "false",
            "notes": record["notes"],
        }
    )


def context_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a context_record."""
    return _cells(
        {
            **{key: record[key] for key in CONTEXT_CSV_COLUMNS if key in record},
            "people": [p["name"] for p in record["people"]],
            "source_ids": [s["id"] for s in record["sources"]],
        }
    )


def person_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a person_record."""
    return _cells(
        {
            **{key: record.get(key) for key in PEOPLE_CSV_COLUMNS},
            "native_names": [n["name"] for n in record["native_names"]],
        }
    )


def search_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a search_record: the meeting's columns, score and matched fields."""
    fields = dict.fromkeys(m["field"] for m in record["search"]["matches"])
    return {
        **meeting_csv_row(record),
        "score": str(record["search"]["score"]),
        "matched_fields": "; ".join(fields),
    }


#: CSV columns and row builder of each kind of record.
CSV_LAYOUTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], dict[str, str]]]] = {
    "meetings": (MEETING_CSV_COLUMNS, meeting_csv_row),
    "context": (CONTEXT_CSV_COLUMNS, context_csv_row),
    "people": (PEOPLE_CSV_COLUMNS, person_csv_row),
    "search": (SEARCH_CSV_COLUMNS, search_csv_row),
}


def _cells(row: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in row.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, list):
            out[key] = "; ".join(printable(str(v), one_line=True) for v in value)
        else:
            out[key] = printable(str(value), one_line=True)
    return out


def write_records(
    out: TextIO,
    fmt: str,
    records: Sequence[dict[str, Any]],
    *,
    columns: Sequence[str] = (),
    to_row: Callable[[dict[str, Any]], dict[str, str]] | None = None,
    single: bool = False,
) -> None:
    """Write records as json (an array, or one object if single), jsonl or csv."""
    if fmt == "json":
        value: Any = records[0] if single and records else list(records)
        out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(to_row(record) if to_row else record)
    else:
        raise ValueError(f"not a machine format: {fmt}")


def emit(
    out: TextIO,
    fmt: str,
    *,
    table: Callable[[Console], None],
    records: Callable[[], list[dict[str, Any]]],
    collection: str,
    single: bool = False,
    screen: Screen | None = None,
) -> None:
    """Draw a table, or write the records in a machine format (json, jsonl, csv)."""
    if fmt == "table":
        screen = screen or Screen()
        console = make_console(out, screen)
        table(console)
        save_exports(console, screen, f"meetings {collection}")
        return
    columns, to_row = CSV_LAYOUTS[collection]
    write_records(out, fmt, records(), columns=columns, to_row=to_row, single=single)


def write_json(out: TextIO, value: Any) -> None:
    """Any JSON value, readable (non-ASCII kept as is)."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Screen:
    """How human-readable output is drawn: colour, exports, plain text."""

    color: str = "auto"  # auto (terminal, and not NO_COLOR), always, never
    svg: Path | None = None
    html: Path | None = None
    ascii: bool = False  # plain ASCII decorations (timeline), as when piped


def make_console(out: TextIO, screen: Screen | None = None) -> Console:
    """A Rich console for out, colouring as the screen settings say."""
    from rich.console import Console

    screen = screen or Screen()
    force: bool | None = None
    system: Any = "auto"
    if screen.color == "never" or (screen.color == "auto" and os.environ.get("NO_COLOR")):
        # NO_COLOR users want plain text, so drop bold too (Rich alone would keep it).
        system = None
    elif screen.color == "always":
        force, system = True, "standard"
    # highlight=False: Rich would otherwise colour numbers and quotes it finds in the data.
    return Console(
        file=out,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=system,
        force_terminal=force,
        record=bool(screen.svg or screen.html),
    )


def save_exports(console: Console, screen: Screen, title: str) -> None:
    """Write what the console showed to the --svg and --html files, if asked."""
    if screen.svg:
        console.save_svg(str(screen.svg), title=title, clear=False)
    if screen.html:
        console.save_html(str(screen.html), clear=False)


def print_meeting_table(console: Console, dataset: Dataset, meetings: Iterable[Meeting]) -> None:
    """The `list` table: one row a meeting."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
        caption="~ inferred date · a/b: somewhere from a to b · ? named by only some sources",
        caption_justify="left",
    )
    # Dates and ids never wrap: they are what people copy into the next command.
    table.add_column("Date", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Event", overflow="fold")
    table.add_column("Kind", overflow="fold")
    table.add_column("Participants", overflow="fold", ratio=1)
    for meeting in meetings:
        event = dataset.event_by_id.get(meeting.event) if meeting.event else None
        table.add_row(
            Text(format_span(meeting.date)),
            Text(meeting.id),
            Text(printable(event.short_name, one_line=True) if event else "—"),
            Text(KIND_LABELS.get(meeting.kind, meeting.kind)),
            Text("\n".join(_participant_label(dataset, p) for p in meeting.participants)),
        )
    _print(console, table)


#: Short names of meeting kinds for narrow table columns.
KIND_LABELS = {
    "bilateral-talks": "talks",
    "multilateral-talks": "multilateral",
    "conference-address": "address",
    "press-remarks": "remarks",
    "visit": "visit",
}


def _participant_label(dataset: Dataset, participant: Participant) -> str:
    person = dataset.person_by_id[participant.person]
    label = printable(f"{person.short_name} ({person.country})", one_line=True)
    return f"{label}?" if participant.sources else label


def print_meeting_detail(console: Console, dataset: Dataset, meeting: Meeting) -> None:
    """The `show` view: every field of one meeting."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    record = meeting_record(dataset, meeting)
    parts: list[Any] = []

    def field(label: str, value: str) -> None:
        line = Text(f"{label + ':':<11}", style="bold")
        line.append(printable(value, one_line=True))
        parts.append(line)

    def section(label: str) -> None:
        parts.append(Text(label, style="bold"))

    def item(value: str, indent: int = 2) -> None:
        parts.append(Padding(Text(printable(value, one_line=True)), (0, 0, 0, indent)))

    heading = Text(meeting.id, style="bold")
    heading.append("  " + printable(meeting.title, one_line=True))
    parts.append(heading)
    event = record["event"]
    span = meeting.date
    field("Date", f"{format_span(span).lstrip('~')} ({span.precision}, {span.basis})")
    field("How dated", span.how)
    field("Event", event["name"] if event else "—")
    field("Kind", meeting.kind.replace("-", " "))
    field("Location", meeting.location)
    field("Topics", ", ".join(meeting.topics) or "—")
    section("Participants")
    for person in record["participants"]:
        line = f"{person['name']} ({person['country']}): {person['role']}"
        if person["disputed"]:
            line += f" [named only by {', '.join(person['attested_by'])}]"
        item(line)
    section("Summary")
    item(meeting.summary)
    if meeting.quotes:
        section("Quotes")
        for quote in record["quotes"]:
            item(f"“{quote['text']}” — {quote['speaker']} [{quote['source']}]")
    if meeting.disagreements:
        section("Sources disagree")
        for disagreement in meeting.disagreements:
            item(disagreement.about + ":")
            for claim in disagreement.claims:
                item(f"{', '.join(claim.sources)}: {claim.says}", indent=4)
            if disagreement.note:
                item(disagreement.note, indent=4)
    section("Sources")
    for source in record["sources"]:
        published = source["published"] or "date not given"
        if source["published_basis"] == "inferred":
            published += " (inferred)"
        title = f"“{source['title']}”" if source["title"] else "untitled"
        item(f"{source['id']}: {source['outlet'] or 'outlet not named'}, {title}, {published}")
    if meeting.notes:
        section("Notes")
        item(meeting.notes)
    _print(console, Group(*parts))


def print_context_table(console: Console, dataset: Dataset, items: Iterable[ContextItem]) -> None:
    """The `context` table: things the sources mention that are not meetings."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for name in ("Date", "ID", "Kind", "Title"):
        table.add_column(name, overflow="fold")
    for item in items:
        table.add_row(
            Text(format_span(item.date) if item.date else "—", no_wrap=True),
            Text(item.id),
            Text(item.kind),
            Text(printable(item.title, one_line=True)),
        )
    _print(console, table)


def _print(console: Console, renderable: Any) -> None:
    """Print; off a terminal, drop the trailing spaces Rich pads lines with."""
    if console.is_terminal or console.record:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    console.file.write("".join(line.rstrip() + "\n" for line in capture.get().splitlines()))


def print_people_table(console: Console, people: Iterable[tuple[Person, int]]) -> None:
    """The `people` table: everyone, with country, role and number of meetings."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Name", overflow="fold")
    table.add_column("Country", overflow="fold")
    table.add_column("Role", overflow="fold", ratio=1)
    table.add_column("Meetings", justify="right")
    for person, count in people:
        table.add_row(
            Text(printable(person.name, one_line=True)),
            Text(printable(person.country, one_line=True)),
            Text(printable(person.role, one_line=True)),
            Text(str(count)),
        )
    _print(console, table)


def print_who(
    console: Console,
    dataset: Dataset,
    index: PersonIndex,
    resolution: Resolution,
    meetings: Sequence[Meeting],
    met: Sequence[tuple[Person, int]],
    *,
    explain: bool,
) -> None:
    """The `who` view: profile, meetings, counterparts, and with explain how the name matched."""
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    best = resolution.best
    assert best is not None
    person = index.people[best.person_id]
    parts: list[Any] = []

    def field(label: str, value: str) -> None:
        line = Text(f"{label + ':':<12}", style="bold")
        line.append(printable(value, one_line=True))
        parts.append(line)

    heading = Text(printable(person.name, one_line=True), style="bold")
    heading.append(f"  {person.id}")
    parts.append(heading)
    field("Country", person.country)
    if person.rank:
        field("Rank", person.rank)
    field("Role", person.role)
    if person.native_names:
        field("Native", "; ".join(f"{n.name} ({n.script})" for n in person.native_names))
    field("Spellings", ", ".join(person.spellings))
    if person.notes:
        field("Notes", person.notes)
    if explain:
        parts.append(Text("How the name matched", style="bold"))
        for line in explain_lines(index, resolution):
            parts.append(Padding(Text(printable(line)), (0, 0, 0, 2)))
    parts.append(Text(f"Meetings ({len(meetings)})", style="bold"))
    if meetings:
        table = Table(
            box=box.SIMPLE_HEAD,
            header_style="bold",
            pad_edge=False,
            show_edge=False,
            padding=(0, 1, 0, 0),
        )
        table.add_column("Date", no_wrap=True)
        table.add_column("Meeting", ratio=1)
        for meeting in meetings:
            event = dataset.event_by_id.get(meeting.event) if meeting.event else None
            others = [p for p in meeting.participants if p.person != person.id]
            cell = Text(meeting.id, style="bold")
            cell.append(f"  {printable(event.short_name, one_line=True)}" if event else "")
            cell.append("\nwith: ")
            cell.append(", ".join(_participant_label(dataset, p) for p in others) or "—")
            cell.append("\ntopics: ")
            cell.append(", ".join(meeting.topics) or "—")
            table.add_row(Text(format_span(meeting.date)), cell)
        parts.append(Padding(table, (0, 0, 0, 2)))
    else:
        parts.append(Padding(Text("none recorded"), (0, 0, 0, 2)))
    if met:
        parts.append(Text("Counterparts", style="bold"))
        for other, count in met:
            label = f"{other.name} ({other.country}): {count} meeting{'s' if count != 1 else ''}"
            parts.append(Padding(Text(printable(label, one_line=True)), (0, 0, 0, 2)))
    _print(console, Group(*parts))


def explain_lines(index: PersonIndex, resolution: Resolution) -> list[str]:
    """How a name query was normalised and matched, for --explain."""
    lines = [
        f"query:      {resolution.query!r}",
        f"normalised: {resolution.plain!r}",
        f"phonetic:   {resolution.phonetic!r}",
    ]
    best = resolution.best
    if best:
        lines.append(
            f"matched:    {best.alias.text!r} ({best.alias.kind}) by {best.method} match, "
            f"score {best.score:g}"
        )
    runner = resolution.runner_up if best else None
    if runner:
        other = index.people[runner.person_id]
        lines.append(
            f"runner-up:  {other.name} via {runner.alias.text!r} ({runner.alias.kind}), "
            f"score {runner.score:g}"
        )
    elif best:
        lines.append("runner-up:  none scored")
    return lines


def print_search_table(console: Console, dataset: Dataset, hits: Iterable[SearchHit]) -> None:
    """The `search` table: score, date, id, and a highlighted snippet per matched field."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Matched", overflow="fold", ratio=1)
    for hit in hits:
        lines = Text()
        by_field: dict[str, list[Any]] = {}
        for match in hit.matches:
            by_field.setdefault(match.field, []).append(match)
        for number, (field_name, matches) in enumerate(by_field.items()):
            if number:
                lines.append("\n")
            first = matches[0]
            excerpt, _, _ = snippet(first.text, first.start, first.end, width=60)
            lines.append(f"{field_name}: ", style="dim")
            line = Text(excerpt)
            for match in matches:
                line.highlight_regex(rf"\b{re.escape(match.matched)}\b", "bold reverse")
            lines.append(line)
        table.add_row(
            Text(f"{hit.score:g}"),
            Text(format_span(hit.meeting.date)),
            Text(hit.meeting.id),
            lines,
        )
    _print(console, table)


# --------------------------------------------------------------------------- timeline

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_span(span: DateSpan, *, ascii_only: bool = False) -> str:
    """A date as a reader says it, with its precision: 3 Apr, 3-6 Apr, Dec 2019; ~ if inferred."""
    dash = "-" if ascii_only else "–"
    start, end = span.start, span.end
    if span.precision == "day":
        text = f"{start.day} {_MONTHS[start.month - 1]}"
    elif span.precision == "month":
        text = f"{_MONTHS[start.month - 1]} {start.year}"
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}{dash}{end.day} {_MONTHS[start.month - 1]}"
    elif start.year == end.year:
        text = f"{start.day} {_MONTHS[start.month - 1]}{dash}{end.day} {_MONTHS[end.month - 1]}"
    else:
        text = f"{start.isoformat()}{dash}{end.isoformat()}"
    return ("~" if span.basis == "inferred" else "") + text


def timeline_record(dataset: Dataset, groups: Sequence[YearGroup]) -> list[dict[str, Any]]:
    """The timeline as JSON: years, each with events, each with meeting records."""
    return [
        {
            "year": group.year,
            "events": [
                {
                    "event": (
                        {"id": e.event.id, "name": e.event.name, "short_name": e.event.short_name}
                        if e.event
                        else None
                    ),
                    "meetings": [meeting_record(dataset, m) for m in e.meetings],
                }
                for e in group.events
            ],
        }
        for group in groups
    ]


def print_timeline(
    console: Console,
    dataset: Dataset,
    groups: Sequence[YearGroup],
    principals: frozenset[str],
    *,
    ascii_only: bool,
) -> None:
    """Years as sections, events as headings, one line per meeting."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    rows: dict[str, tuple[Text, ...]] = {}
    for group in groups:
        for event_group in group.events:
            for meeting in event_group.meetings:
                rows[meeting.id] = _timeline_row(dataset, meeting, principals, ascii_only)
    # The same column widths in every group, so the lines align down the page.
    widths = [
        max((cell.cell_len for row in rows.values() for cell in _lines(row[i])), default=0)
        for i in range(5)
    ]
    parts: list[Any] = []
    for number, group in enumerate(groups):
        if number:
            parts.append(Text(""))
        if ascii_only:
            parts.append(Text(f"== {group.year} ==", style="bold"))
        else:
            parts.append(Rule(Text(str(group.year), style="bold"), align="left"))
        for event_group in group.events:
            event = event_group.event
            title = f"{event.name} ({event.short_name})" if event else "Not at a listed event"
            parts.append(Text(printable(title, one_line=True), style="bold"))
            grid = Table.grid(padding=(0, 2))
            for column, width in enumerate(widths):
                grid.add_column(no_wrap=column in (0, 4), min_width=width if column < 3 else None)
            for meeting in event_group.meetings:
                grid.add_row(*rows[meeting.id])
            parts.append(Padding(grid, (0, 0, 0, 2)))
    parts.append(Text(""))
    parts.append(
        Text(
            "~ date inferred, not stated · ? named by only some sources · "
            "disputed: sources disagree (meetings audit)"
            if not ascii_only
            else "~ date inferred, not stated; ? named by only some sources; "
            "disputed: sources disagree (meetings audit)",
            style="dim",
        )
    )
    _print(console, Group(*parts))


def _timeline_row(
    dataset: Dataset, meeting: Meeting, principals: frozenset[str], ascii_only: bool
) -> tuple[Text, ...]:
    from rich.text import Text

    others = [p for p in meeting.participants if p.person not in principals]
    names = [
        printable(dataset.person_by_id[p.person].name, one_line=True) + ("?" if p.sources else "")
        for p in others
    ]
    countries = dict.fromkeys(dataset.person_by_id[p.person].country for p in others)
    return (
        Text(human_span(meeting.date, ascii_only=ascii_only)),
        Text("\n".join(names) or "-"),
        Text(printable(", ".join(countries), one_line=True) or "-"),
        Text(meeting.kind.replace("-", " ")),
        Text("disputed", style="bold yellow") if meeting.disputed else Text(""),
    )


def _lines(text: Text) -> list[Text]:
    return list(text.split("\n"))


# --------------------------------------------------------------------------- graph


def graph_record(graph: Graph, counts: dict[str, int]) -> dict[str, Any]:
    """Who met whom as JSON: nodes and weighted edges."""
    return {
        "nodes": [
            {"id": p.id, "name": p.name, "country": p.country, "meetings": counts.get(p.id, 0)}
            for p in graph.people
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "weight": e.weight,
                "years": list(e.years),
                "meetings": list(e.meetings),
                "disputed": e.disputed,
            }
            for e in graph.edges
        ],
    }


def graph_dot(graph: Graph) -> str:
    """Who met whom in Graphviz DOT: edge label = number of meetings and years."""

    def quote(text: str) -> str:
        return '"' + printable(text, one_line=True).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "graph meetings {",
        "  // who met whom; edge label: number of meetings (years); dashed: disputed",
        "  node [shape=box];",
    ]
    for person in graph.people:
        # Two quoted halves joined by DOT's own line break escape.
        label = quote(person.name)[:-1] + "\\n" + quote(person.country)[1:]
        lines.append(f"  {quote(person.id)} [label={label}];")
    for edge in graph.edges:
        label = f"{edge.weight} ({', '.join(map(str, edge.years))})"
        style = ", style=dashed" if edge.disputed else ""
        lines.append(
            f"  {quote(edge.source)} -- {quote(edge.target)} "
            f"[label={quote(label)}, weight={edge.weight}, penwidth={edge.weight}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_mermaid(graph: Graph) -> str:
    """Who met whom as a Mermaid flowchart."""

    def node(pid: str) -> str:
        return re.sub(r"\W", "_", pid)

    def label(text: str) -> str:
        return printable(text, one_line=True).replace('"', "#quot;")

    lines = ["graph LR"]
    for person in graph.people:
        lines.append(f'  {node(person.id)}["{label(person.name)} ({label(person.country)})"]')
    for edge in graph.edges:
        link = "-.-" if edge.disputed else "---"
        text = f"{edge.weight}: {', '.join(map(str, edge.years))}"
        lines.append(f'  {node(edge.source)} {link}|"{text}"| {node(edge.target)}')
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- other listings


def event_record(dataset: Dataset, event: Event, meetings: Sequence[Meeting]) -> dict[str, Any]:
    """An event as JSON, with the meetings held at it."""
    return {
        "id": event.id,
        "name": event.name,
        "short_name": event.short_name,
        "year": event.year,
        "location": event.location,
        "meetings": [m.id for m in meetings],
        "sources": [_source(dataset, s) for s in event.sources],
        "notes": event.notes,
    }


def source_record(
    source: Source, meetings: Sequence[Meeting], context: Sequence[str]
) -> dict[str, Any]:
    """A source as JSON, with the meetings and context items that cite it."""
    return {
        "id": source.id,
        "outlet": source.outlet,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "published_basis": source.published_basis,
        "published_how": source.published_how,
        "file": source.file,
        "meetings": [m.id for m in meetings],
        "context": list(context),
        "notes": source.notes,
    }


def stats_record(stats: dict[str, list[tuple[str, int]]]) -> dict[str, dict[str, int]]:
    """Counts as JSON: {dimension: {value: count}}."""
    return {dimension: dict(pairs) for dimension, pairs in stats.items()}


def stats_rows(stats: dict[str, list[tuple[str, int]]]) -> list[dict[str, Any]]:
    """Counts as rows {dimension, value, count}, for JSON Lines and CSV."""
    return [
        {"dimension": dimension, "value": value, "count": count}
        for dimension, pairs in stats.items()
        for value, count in pairs
    ]


def finding_record(finding: Finding) -> dict[str, Any]:
    """An audit finding as JSON."""
    return {
        "record": finding.record,
        "id": finding.id,
        "issue": finding.issue,
        "detail": finding.detail,
        "sources": list(finding.sources),
    }


def _plain_row(columns: Sequence[str]) -> Callable[[dict[str, Any]], dict[str, str]]:
    def to_row(record: dict[str, Any]) -> dict[str, str]:
        return _cells({key: record.get(key) for key in columns})

    return to_row


EVENT_CSV_COLUMNS = ("id", "name", "short_name", "year", "location", "meetings", "notes")
SOURCE_CSV_COLUMNS = (
    "id",
    "outlet",
    "title",
    "published",
    "published_basis",
    "file",
    "meetings",
    "context",
)
STATS_CSV_COLUMNS = ("dimension", "value", "count")
AUDIT_CSV_COLUMNS = ("record", "id", "issue", "detail", "sources")

CSV_LAYOUTS.update(
    {
        "events": (EVENT_CSV_COLUMNS, _plain_row(EVENT_CSV_COLUMNS)),
        "sources": (SOURCE_CSV_COLUMNS, _plain_row(SOURCE_CSV_COLUMNS)),
        "stats": (STATS_CSV_COLUMNS, _plain_row(STATS_CSV_COLUMNS)),
        "audit": (AUDIT_CSV_COLUMNS, _plain_row(AUDIT_CSV_COLUMNS)),
        "timeline": (MEETING_CSV_COLUMNS, meeting_csv_row),
    }
)


def _simple_table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, wide: int = -1) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    for number, header in enumerate(headers):
        is_wide = number == (wide % len(headers))
        table.add_column(header, overflow="fold", ratio=1 if is_wide else None)
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))
    return table


def print_events_table(console: Console, records: Sequence[dict[str, Any]]) -> None:
    """The `events` table."""
    rows = [
        (str(r["year"]), r["id"], r["name"], r["location"], str(len(r["meetings"])))
        for r in records
    ]
    _print(console, _simple_table(("Year", "ID", "Name", "Location", "Meetings"), rows, wide=2))


def print_sources_table(console: Console, records: Sequence[dict[str, Any]]) -> None:
    """The `sources` table: outlet, date and what cites each source."""
    rows = []
    for r in records:
        published = r["published"] or "not given"
        if r["published_basis"] == "inferred":
            published = "~" + published
        cited = "\n".join(r["meetings"]) or "—"
        rows.append((r["id"], r["outlet"] or "not named", published, cited))
    _print(console, _simple_table(("ID", "Outlet", "Published", "Meetings"), rows, wide=3))


def print_stats_tables(console: Console, stats: dict[str, list[tuple[str, int]]]) -> None:
    """The `stats` view: one small table per dimension."""
    from rich.console import Group

    tables = [
        _simple_table((f"By {dimension}", "Meetings"), [(v, str(n)) for v, n in pairs], wide=0)
        for dimension, pairs in stats.items()
    ]
    _print(console, Group(*tables))


def print_audit_table(console: Console, findings: Sequence[Finding]) -> None:
    """The `audit` table: every disagreement and inferred date."""
    rows = [(f"{f.record} {f.id}\n{f.issue}", f.detail) for f in findings]
    _print(console, _simple_table(("Where", "What"), rows, wide=1))
