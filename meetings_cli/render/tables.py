"""Rich tables and views, drawn from JSON-shaped records.

Rich is imported inside the drawing functions only. Dataset text reaches the
terminal through `printable` and `rich.text.Text`, never as markup, so a
`[bold]` or an escape sequence in the data is shown inert. Simple tables are
described as `plain.SimpleTable`s, which `plain.draw_plain` draws without Rich
when the output is plain text (see `plain_width`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from .formats import format_dates, human_dates, printable
from .plain import Column, SimpleTable, draw_plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text


class Screen(NamedTuple):
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


#: Settings under which Rich may colour or treat the output as a terminal.
_RICH_TERMINAL_SETTINGS = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


def plain_width(out: TextIO, screen: Screen) -> int | None:
    """The width make_console's Rich console would draw at, if it would print plain text.

    None whenever Rich might colour, record for an export or see a terminal:
    this follows rich.console.Console's own checks (is_terminal, encoding and
    size), and gives up on any setting it does not follow.
    """
    environ = os.environ
    if screen.svg or screen.html or screen.color == "always" or sys.platform == "win32":
        return None
    if any(name in environ for name in _RICH_TERMINAL_SETTINGS):
        return None
    if not (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None  # Rich would swap the box characters for ASCII
    isatty = getattr(out, "isatty", None)
    try:
        if isatty is not None and isatty():
            return None
    except ValueError:  # a closed file: Rich takes it for not a terminal
        pass
    columns = environ.get("COLUMNS")
    width: int | None = None
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        for descriptor in (0, 1, 2):  # as Rich: the first standard stream that is a terminal
            try:
                width = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    return width if width > 0 else None


def draw_tables(out: TextIO, screen: Screen, specs: Sequence[SimpleTable], title: str) -> None:
    """Draw simple tables one after another: without Rich when the output is plain text."""
    width = plain_width(out, screen)
    if width is not None:
        texts = [draw_plain(spec, width) for spec in specs]
        if all(text is not None for text in texts):
            out.write("".join(text for text in texts if text is not None))
            return
    from rich.console import Group

    console = make_console(out, screen)
    tables = [rich_table(spec) for spec in specs]
    _print(console, tables[0] if len(tables) == 1 else Group(*tables))
    save_exports(console, screen, title)


def save_exports(console: Console, screen: Screen, title: str) -> None:
    """Write what the console showed to the --svg and --html files, if asked."""
    if screen.svg:
        console.save_svg(str(screen.svg), title=title, clear=False)
    if screen.html:
        console.save_html(str(screen.html), clear=False)


def _print(console: Console, renderable: Any) -> None:
    """Print; off a terminal, drop the trailing spaces Rich pads lines with."""
    if console.is_terminal or console.record:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    console.file.write("".join(line.rstrip() + "\n" for line in capture.get().splitlines()))


def _table(**options: Any) -> Table:
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
        **options,
    )


def rich_table(spec: SimpleTable) -> Table:
    """The Rich table a SimpleTable describes (cells as plain Text, never markup)."""
    from rich.text import Text

    caption = {"caption": spec.caption, "caption_justify": "left"} if spec.caption else {}
    table = _table(**caption)
    for column in spec.columns:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.no_wrap,
            overflow=column.overflow,  # type: ignore[arg-type]
            ratio=column.ratio,
        )
    for row in spec.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _text(value: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(printable(value, one_line=True), style=style)


#: Short names of meeting kinds for narrow table columns.
KIND_LABELS = {
    "bilateral-talks": "talks",
    "multilateral-talks": "multilateral",
    "conference-address": "address",
    "press-remarks": "remarks",
    "visit": "visit",
}


def _participant_label(participant: dict[str, Any]) -> str:
    label = printable(f"{participant['short_name']} ({participant['country']})", one_line=True)
    return f"{label}?" if participant["disputed"] else label


# --------------------------------------------------------------------------- meetings


def meeting_table(meetings: Iterable[dict[str, Any]]) -> SimpleTable:
    """The `list` table: one row a meeting."""
    rows = []
    for meeting in meetings:
        event = meeting["event"]
        rows.append(
            (
                format_dates(meeting),
                meeting["id"],
                printable(event["short_name"], one_line=True) if event else "—",
                KIND_LABELS.get(meeting["kind"], meeting["kind"]),
                "\n".join(_participant_label(p) for p in meeting["participants"]),
            )
        )
    # Dates and ids never wrap: they are what people copy into the next command.
    columns = (
        Column("Date", no_wrap=True),
        Column("ID", no_wrap=True),
        Column("Event", overflow="fold"),
        Column("Kind", overflow="fold"),
        Column("Participants", overflow="fold", ratio=1),
    )
    caption = "~ inferred date · a/b: somewhere from a to b · ? named by only some sources"
    return SimpleTable(columns, rows, caption)


def print_meeting_detail(console: Console, meeting: dict[str, Any]) -> None:
    """The `show` view: every field of one meeting."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list[Any] = []

    def field(label: str, value: str) -> None:
        line = Text(f"{label + ':':<11}", style="bold")
        line.append(printable(value, one_line=True))
        parts.append(line)

    def section(label: str) -> None:
        parts.append(Text(label, style="bold"))

    def item(value: str, indent: int = 2) -> None:
        parts.append(Padding(_text(value), (0, 0, 0, indent)))

    heading = Text(meeting["id"], style="bold")
    heading.append("  " + printable(meeting["title"], one_line=True))
    parts.append(heading)
    event = meeting["event"]
    dates = format_dates(meeting).lstrip("~")
    field("Date", f"{dates} ({meeting['date_precision']}, {meeting['date_basis']})")
    field("How dated", meeting["date_how"])
    field("Event", event["name"] if event else "—")
    field("Kind", meeting["kind"].replace("-", " "))
    field("Location", meeting["location"])
    field("Topics", ", ".join(meeting["topics"]) or "—")
    section("Participants")
    for person in meeting["participants"]:
        line = f"{person['name']} ({person['country']}): {person['role']}"
        if person["disputed"]:
            line += f" [named only by {', '.join(person['attested_by'])}]"
        item(line)
    section("Summary")
    item(meeting["summary"])
    if meeting["quotes"]:
        section("Quotes")
        for quote in meeting["quotes"]:
            item(f"“{quote['text']}” — {quote['speaker']} [{quote['source']}]")
    if meeting["disagreements"]:
        section("Sources disagree")
        for disagreement in meeting["disagreements"]:
            item(disagreement["about"] + ":")
            for claim in disagreement["claims"]:
                item(f"{', '.join(claim['sources'])}: {claim['says']}", indent=4)
            if disagreement["note"]:
                item(disagreement["note"], indent=4)
    section("Sources")
    for source in meeting["sources"]:
        published = source["published"] or "date not given"
        if source["published_basis"] == "inferred":
            published += " (inferred)"
        title = f"“{source['title']}”" if source["title"] else "untitled"
        item(f"{source['id']}: {source['outlet'] or 'outlet not named'}, {title}, {published}")
    if meeting["notes"]:
        section("Notes")
        item(meeting["notes"])
    _print(console, Group(*parts))


def context_table(items: Iterable[dict[str, Any]]) -> SimpleTable:
    """The `context` table: things the sources mention that are not meetings."""
    columns = (
        Column("Date", no_wrap=True),
        Column("ID", no_wrap=True),
        Column("Kind"),
        Column("Title", overflow="fold", ratio=1),
    )
    rows = [
        (
            format_dates(item) if item["date"] else "—",
            item["id"],
            item["kind"],
            printable(item["title"], one_line=True),
        )
        for item in items
    ]
    return SimpleTable(columns, rows)


# --------------------------------------------------------------------------- people


def people_table(people: Iterable[dict[str, Any]]) -> SimpleTable:
    """The `people` table: everyone, with country, role and number of meetings."""
    columns = (
        Column("Name", overflow="fold"),
        Column("Country", overflow="fold"),
        Column("Role", overflow="fold", ratio=1),
        Column("Meetings", justify="right"),
    )
    rows = [
        (
            printable(person["name"], one_line=True),
            printable(person["country"], one_line=True),
            printable(person["role"], one_line=True),
            str(person["meetings"]),
        )
        for person in people
    ]
    return SimpleTable(columns, rows)


def print_who(console: Console, report: dict[str, Any], *, explain: bool) -> None:
    """The `who` view from a who record: profile, meetings, counterparts, how it matched."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    person = report["person"]
    meetings = report["meetings"]
    parts: list[Any] = []

    def field(label: str, value: str) -> None:
        line = Text(f"{label + ':':<12}", style="bold")
        line.append(printable(value, one_line=True))
        parts.append(line)

    heading = _text(person["name"], style="bold")
    heading.append(f"  {person['id']}")
    parts.append(heading)
    field("Country", person["country"])
    if person["rank"]:
        field("Rank", person["rank"])
    field("Role", person["role"])
    if person["native_names"]:
        field("Native", "; ".join(f"{n['name']} ({n['script']})" for n in person["native_names"]))
    field("Spellings", ", ".join(person["spellings"]))
    if person["notes"]:
        field("Notes", person["notes"])
    if explain:
        parts.append(Text("How the name matched", style="bold"))
        for line in explain_lines(report):
            parts.append(Padding(Text(printable(line)), (0, 0, 0, 2)))
    parts.append(Text(f"Meetings ({len(meetings)})", style="bold"))
    if meetings:
        table = _table()
        table.add_column("Date", no_wrap=True)
        table.add_column("Meeting", ratio=1)
        for meeting in meetings:
            event = meeting["event"]
            others = [p for p in meeting["participants"] if p["id"] != person["id"]]
            cell = Text(meeting["id"], style="bold")
            cell.append(f"  {printable(event['short_name'], one_line=True)}" if event else "")
            cell.append("\nwith: ")
            cell.append(", ".join(_participant_label(p) for p in others) or "—")
            cell.append("\ntopics: ")
            cell.append(", ".join(meeting["topics"]) or "—")
            table.add_row(Text(format_dates(meeting)), cell)
        parts.append(Padding(table, (0, 0, 0, 2)))
    else:
        parts.append(Padding(Text("none recorded"), (0, 0, 0, 2)))
    if report["counterparts"]:
        parts.append(Text("Counterparts", style="bold"))
        for other in report["counterparts"]:
            count = other["meetings"]
            label = (
                f"{other['name']} ({other['country']}): {count} meeting{'s' if count != 1 else ''}"
            )
            parts.append(Padding(_text(label), (0, 0, 0, 2)))
    _print(console, Group(*parts))


def explain_lines(report: dict[str, Any]) -> list[str]:
    """How a name query was normalised and matched, from a who record (for --explain)."""
    match = report["match"]
    lines = [
        f"query:      {report['query']!r}",
        f"normalised: {match['normalised']!r}",
        f"phonetic:   {match['phonetic']!r}",
    ]
    if match["status"] != "found":
        return lines
    lines.append(
        f"matched:    {match['alias']!r} ({match['alias_kind']}) by {match['method']} match, "
        f"score {report['score']:g}"
    )
    runner = match["runner_up"]
    if runner:
        lines.append(
            f"runner-up:  {runner['name']} via {runner['alias']!r} ({runner['alias_kind']}), "
            f"score {runner['score']:g}"
        )
    else:
        lines.append("runner-up:  none scored")
    return lines


# --------------------------------------------------------------------------- search


def print_search_table(console: Console, hits: Iterable[dict[str, Any]]) -> None:
    """The `search` table: score, date, id, and a highlighted snippet per matched field."""
    from rich.text import Text

    table = _table()
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Matched", overflow="fold", ratio=1)
    for hit in hits:
        cell = Text()
        by_field: dict[str, list[dict[str, Any]]] = {}
        for match in hit["search"]["matches"]:
            by_field.setdefault(match["field"], []).append(match)
        for number, (field_name, matches) in enumerate(by_field.items()):
            if number:
                cell.append("\n")
            cell.append(f"{field_name}: ", style="dim")
            line = Text(printable(matches[0]["snippet"], one_line=True))
            for match in matches:
                line.highlight_regex(rf"\b{re.escape(match['matched'])}\b", "bold reverse")
            cell.append(line)
        table.add_row(
            Text(f"{hit['search']['score']:g}"),
            Text(format_dates(hit)),
            Text(hit["id"]),
            cell,
        )
    _print(console, table)


# --------------------------------------------------------------------------- timeline


def print_timeline(
    console: Console,
    years: Sequence[dict[str, Any]],
    principals: frozenset[str],
    *,
    ascii_only: bool,
) -> None:
    """Years as sections, events as headings, one line per meeting (from timeline records)."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    rows = {
        meeting["id"]: _timeline_row(meeting, principals, ascii_only)
        for year in years
        for group in year["events"]
        for meeting in group["meetings"]
    }
    # The same column widths in every group, so the lines align down the page.
    widths = [
        max((line.cell_len for row in rows.values() for line in row[i].split("\n")), default=0)
        for i in range(5)
    ]
    parts: list[Any] = []
    for number, year in enumerate(years):
        if number:
            parts.append(Text(""))
        if ascii_only:
            parts.append(Text(f"== {year['year']} ==", style="bold"))
        else:
            parts.append(Rule(Text(str(year["year"]), style="bold"), align="left"))
        for group in year["events"]:
            event = group["event"]
            title = f"{event['name']} ({event['short_name']})" if event else "Not at a listed event"
            parts.append(_text(title, style="bold"))
            grid = Table.grid(padding=(0, 2))
            for column, width in enumerate(widths):
                grid.add_column(no_wrap=column in (0, 4), min_width=width if column < 3 else None)
            for meeting in group["meetings"]:
                grid.add_row(*rows[meeting["id"]])
            parts.append(Padding(grid, (0, 0, 0, 2)))
    separator = "; " if ascii_only else " · "
    legend = separator.join(
        (
            "~ date inferred, not stated",
            "? named by only some sources",
            "disputed: sources disagree (meetings audit)",
        )
    )
    parts.extend((Text(""), Text(legend, style="dim")))
    _print(console, Group(*parts))


def _timeline_row(
    meeting: dict[str, Any], principals: frozenset[str], ascii_only: bool
) -> tuple[Text, ...]:
    from rich.text import Text

    others = [p for p in meeting["participants"] if p["id"] not in principals]
    names = [printable(p["name"], one_line=True) + ("?" if p["disputed"] else "") for p in others]
    countries = dict.fromkeys(p["country"] for p in others)
    return (
        Text(human_dates(meeting, ascii_only=ascii_only)),
        Text("\n".join(names) or "-"),
        Text(printable(", ".join(countries), one_line=True) or "-"),
        Text(meeting["kind"].replace("-", " ")),
        Text("disputed", style="bold yellow") if meeting["disputed"] else Text(""),
    )


# --------------------------------------------------------------------------- other listings


def _simple_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, wide: int = -1
) -> SimpleTable:
    """A table of plain text whose column `wide` takes the spare width."""
    columns = tuple(
        Column(header, overflow="fold", ratio=1 if number == wide % len(headers) else None)
        for number, header in enumerate(headers)
    )
    return SimpleTable(columns, [tuple(printable(cell) for cell in row) for row in rows])


def events_table(records: Sequence[dict[str, Any]]) -> SimpleTable:
    """The `events` table."""
    rows = [
        (str(r["year"]), r["id"], r["name"], r["location"], str(len(r["meetings"])))
        for r in records
    ]
    return _simple_table(("Year", "ID", "Name", "Location", "Meetings"), rows, wide=2)


def sources_table(records: Sequence[dict[str, Any]]) -> SimpleTable:
    """The `sources` table: outlet, date and what cites each source."""
    rows = []
    for r in records:
        published = r["published"] or "not given"
        if r["published_basis"] == "inferred":
            published = "~" + published
        cited = "\n".join(r["meetings"]) or "—"
        rows.append((r["id"], r["outlet"] or "not named", published, cited))
    return _simple_table(("ID", "Outlet", "Published", "Meetings"), rows, wide=3)


def stats_tables(stats: dict[str, dict[str, int]]) -> list[SimpleTable]:
    """The `stats` view: one small table per dimension."""
    return [
        _simple_table(
            (f"By {dimension}", "Meetings"), [(v, str(n)) for v, n in counts.items()], wide=0
        )
        for dimension, counts in stats.items()
    ]


def audit_table(findings: Sequence[dict[str, Any]]) -> SimpleTable:
    """The `audit` table: every disagreement and inferred date."""
    rows = [(f"{f['record']} {f['id']}\n{f['issue']}", f["detail"]) for f in findings]
    return _simple_table(("Where", "What"), rows, wide=1)
