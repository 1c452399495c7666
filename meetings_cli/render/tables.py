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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from .formats import format_dates, human_dates, printable
from .plain import (
    Block,
    Cell,
    Column,
    RuleBlock,
    SimpleTable,
    Span,
    TextBlock,
    cell_text,
    draw_plain_view,
    draw_terminal_view,
    is_one_cell_text,
)

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
    if not _followed(out, screen) or screen.color == "always" or _isatty(out):
        return None
    return _console_width()


def terminal_mode(out: TextIO, screen: Screen) -> tuple[int, bool] | None:
    """(width, colour) of make_console's Rich console if it writes to a terminal; else None.

    As plain_width, None for anything not followed: a dumb terminal, colour
    forced on while NO_COLOR is set.
    """
    if not _followed(out, screen) or not (screen.color == "always" or _isatty(out)):
        return None
    environ = os.environ
    if environ.get("TERM", "").strip().lower() in ("dumb", "unknown"):
        return None  # Rich draws 80 columns without colour there
    no_color = bool(environ.get("NO_COLOR"))
    if screen.color == "always" and no_color:
        return None  # Rich keeps bold but drops colours
    colour = screen.color == "always" or (screen.color == "auto" and not no_color)
    width = _console_width()
    return None if width is None else (width, colour)


def _followed(out: TextIO, screen: Screen) -> bool:
    """False for settings under which the Rich console behaves in ways not copied here."""
    if screen.svg or screen.html or sys.platform == "win32":
        return False
    if any(name in os.environ for name in _RICH_TERMINAL_SETTINGS):
        return False
    # Off UTF-8, Rich swaps the box characters for ASCII.
    return (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf")


def _isatty(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # a closed file: Rich takes it for not a terminal
        return False


def _console_width() -> int | None:
    """Console.size's width: $COLUMNS, else the first standard stream's terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    width: int | None = None
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        for descriptor in (0, 1, 2):
            try:
                width = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    return width if width > 0 else None


def draw_view(
    out: TextIO,
    screen: Screen,
    blocks: Sequence[Block] | Callable[[bool], Sequence[Block]],
    title: str,
) -> None:
    """Draw tables and text one under the other: by render/plain.py where it can, else by Rich.

    blocks may be a function of whether the output is a terminal (which only
    Rich can tell for sure) for views that decorate a terminal differently.
    """
    make_blocks = blocks if callable(blocks) else lambda terminal: blocks
    width = plain_width(out, screen)
    text = None
    if width is not None:
        text = draw_plain_view(make_blocks(False), width)
    elif (terminal := terminal_mode(out, screen)) is not None:
        text = draw_terminal_view(make_blocks(True), terminal[0], colour=terminal[1])
    if text is not None:
        out.write(text)
        return
    from rich.console import Group

    console = make_console(out, screen)
    renderables = [rich_block(block) for block in make_blocks(console.is_terminal)]
    _print(console, renderables[0] if len(renderables) == 1 else Group(*renderables))
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


def rich_text(cell: Cell) -> Text:
    """Rich Text for a cell: its runs of text with their styles, never markup."""
    from rich.text import Text

    if isinstance(cell, str):
        return Text(cell)
    return Text.assemble(*((span.text, span.style) for span in cell))


def rich_table(spec: SimpleTable) -> Table:
    """The Rich table a SimpleTable describes (without its indent)."""
    from rich.table import Table

    if spec.grid:
        table = Table.grid(padding=(0, 2))
    else:
        caption = {"caption": spec.caption, "caption_justify": "left"} if spec.caption else {}
        table = _table(**caption)
    for column in spec.columns:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.no_wrap,
            overflow=column.overflow,  # type: ignore[arg-type]
            ratio=column.ratio,
            min_width=column.min_width,
        )
    for row in spec.rows:
        table.add_row(*(rich_text(cell) for cell in row))
    return table


def rich_block(block: Block) -> Any:
    """The Rich renderable for a block of a view, indented as it says."""
    from rich.padding import Padding

    renderable: Any
    if isinstance(block, TextBlock):
        renderable = rich_text(block.spans)
    elif isinstance(block, RuleBlock):
        from rich.rule import Rule
        from rich.text import Text

        renderable = Rule(Text(block.title, style="bold"), align="left")
    else:
        renderable = rich_table(block)
    return Padding(renderable, (0, 0, 0, block.indent)) if block.indent else renderable


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


# Dates and ids never wrap: they are what people copy into the next command.
MEETING_COLUMNS = (
    Column("Date", no_wrap=True),
    Column("ID", no_wrap=True),
    Column("Event", overflow="fold"),
    Column("Kind", overflow="fold"),
    Column("Participants", overflow="fold", ratio=1),
)
MEETING_CAPTION = "~ inferred date · a/b: somewhere from a to b · ? named by only some sources"


def meeting_row(meeting: dict[str, Any]) -> tuple[str, ...]:
    """A meeting record's row of the `list` table (the cache keeps these too)."""
    event = meeting["event"]
    return (
        format_dates(meeting),
        meeting["id"],
        printable(event["short_name"], one_line=True) if event else "—",
        KIND_LABELS.get(meeting["kind"], meeting["kind"]),
        "\n".join(_participant_label(p) for p in meeting["participants"]),
    )


def meeting_table(rows: Sequence[Sequence[str]]) -> SimpleTable:
    """The `list` table, one row a meeting, from meeting_row rows."""
    return SimpleTable(MEETING_COLUMNS, rows, MEETING_CAPTION)


def meeting_view(meeting: dict[str, Any]) -> list[Block]:
    """The `show` view: every field of one meeting."""
    blocks: list[Block] = []

    def field(label: str, value: str) -> None:
        spans = (Span(f"{label + ':':<11}", "bold"), Span(printable(value, one_line=True)))
        blocks.append(TextBlock(spans))

    def section(label: str) -> None:
        blocks.append(TextBlock((Span(label, "bold"),)))

    def item(value: str, indent: int = 2) -> None:
        blocks.append(TextBlock((Span(printable(value, one_line=True)),), indent))

    title = printable(meeting["title"], one_line=True)
    blocks.append(TextBlock((Span(meeting["id"], "bold"), Span(f"  {title}"))))
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
    return blocks


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


def who_view(report: dict[str, Any], *, explain: bool) -> list[Block]:
    """The `who` view from a who record: profile, meetings, counterparts, how it matched."""
    person = report["person"]
    meetings = report["meetings"]
    blocks: list[Block] = []

    def line(*spans: Span, indent: int = 0) -> None:
        blocks.append(TextBlock(spans, indent))

    def field(label: str, value: str) -> None:
        line(Span(f"{label + ':':<12}", "bold"), Span(printable(value, one_line=True)))

    line(Span(printable(person["name"], one_line=True), "bold"), Span(f"  {person['id']}"))
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
        line(Span("How the name matched", "bold"))
        for text in explain_lines(report):
            line(Span(printable(text)), indent=2)
    line(Span(f"Meetings ({len(meetings)})", "bold"))
    if meetings:
        rows = []
        for meeting in meetings:
            event = meeting["event"]
            others = [p for p in meeting["participants"] if p["id"] != person["id"]]
            cell = (
                Span(meeting["id"], "bold"),
                Span(f"  {printable(event['short_name'], one_line=True)}" if event else ""),
                Span("\nwith: " + (", ".join(_participant_label(p) for p in others) or "—")),
                Span("\ntopics: " + (", ".join(meeting["topics"]) or "—")),
            )
            rows.append((format_dates(meeting), cell))
        columns = (Column("Date", no_wrap=True), Column("Meeting", ratio=1))
        blocks.append(SimpleTable(columns, rows, indent=2))
    else:
        line(Span("none recorded"), indent=2)
    if report["counterparts"]:
        line(Span("Counterparts", "bold"))
        for other in report["counterparts"]:
            count = other["meetings"]
            label = (
                f"{other['name']} ({other['country']}): {count} meeting{'s' if count != 1 else ''}"
            )
            line(Span(printable(label, one_line=True)), indent=2)
    return blocks


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


def search_table(hits: Iterable[dict[str, Any]]) -> SimpleTable:
    """The `search` table: score, date, id, and a highlighted snippet per matched field."""
    columns = (
        Column("Score", justify="right", no_wrap=True),
        Column("Date", no_wrap=True),
        Column("ID", no_wrap=True),
        Column("Matched", overflow="fold", ratio=1),
    )
    rows = []
    for hit in hits:
        by_field: dict[str, list[dict[str, Any]]] = {}
        for match in hit["search"]["matches"]:
            by_field.setdefault(match["field"], []).append(match)
        cell: list[Span] = []
        for number, (field_name, matches) in enumerate(by_field.items()):
            if number:
                cell.append(Span("\n"))
            cell.append(Span(f"{field_name}: ", "dim"))
            snippet = printable(matches[0]["snippet"], one_line=True)
            words = [rf"\b{re.escape(match['matched'])}\b" for match in matches]
            cell.extend(_highlighted(snippet, words, "bold reverse"))
        score = f"{hit['search']['score']:g}"
        rows.append((score, format_dates(hit), hit["id"], tuple(cell)))
    return SimpleTable(columns, rows)


def _highlighted(text: str, patterns: Sequence[str], style: str) -> list[Span]:
    """text in runs, those matching any pattern (merged where they touch) in style."""
    marks = sorted(
        m.span() for pattern in patterns for m in re.finditer(pattern, text) if m.end() > m.start()
    )
    merged: list[list[int]] = []
    for start, end in marks:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    runs, position = [], 0
    for start, end in merged:
        runs += [Span(text[position:start]), Span(text[start:end], style)]
        position = end
    runs.append(Span(text[position:]))
    return [run for run in runs if run.text]


# --------------------------------------------------------------------------- timeline


def timeline_view(
    years: Sequence[dict[str, Any]], principals: frozenset[str], *, ascii_only: bool
) -> list[Block]:
    """Years as sections, events as headings, one line per meeting (from timeline records)."""
    rows = {
        meeting["id"]: _timeline_row(meeting, principals, ascii_only)
        for year in years
        for group in year["events"]
        for meeting in group["meetings"]
    }
    # The same column widths in every group, so the lines align down the page.
    widths = [
        max(
            (_cell_width(line) for row in rows.values() for line in cell_text(row[i]).split("\n")),
            default=0,
        )
        for i in range(5)
    ]
    columns = tuple(
        Column("", no_wrap=number in (0, 4), min_width=width if number < 3 else None)
        for number, width in enumerate(widths)
    )
    blocks: list[Block] = []
    for number, year in enumerate(years):
        if number:
            blocks.append(TextBlock((Span(""),)))
        if ascii_only:
            blocks.append(TextBlock((Span(f"== {year['year']} ==", "bold"),)))
        else:
            blocks.append(RuleBlock(str(year["year"])))
        for group in year["events"]:
            event = group["event"]
            title = f"{event['name']} ({event['short_name']})" if event else "Not at a listed event"
            blocks.append(TextBlock((Span(printable(title, one_line=True), "bold"),)))
            group_rows = [rows[meeting["id"]] for meeting in group["meetings"]]
            blocks.append(SimpleTable(columns, group_rows, indent=2, grid=True))
    separator = "; " if ascii_only else " · "
    legend = separator.join(
        (
            "~ date inferred, not stated",
            "? named by only some sources",
            "disputed: sources disagree (meetings audit)",
        )
    )
    blocks.extend((TextBlock((Span(""),)), TextBlock((Span(legend, "dim"),))))
    return blocks


def _cell_width(text: str) -> int:
    """Cells text takes on a terminal (Rich asked only for wide or zero-width characters)."""
    if is_one_cell_text(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _timeline_row(
    meeting: dict[str, Any], principals: frozenset[str], ascii_only: bool
) -> tuple[Cell, ...]:
    others = [p for p in meeting["participants"] if p["id"] not in principals]
    names = [printable(p["name"], one_line=True) + ("?" if p["disputed"] else "") for p in others]
    countries = dict.fromkeys(p["country"] for p in others)
    return (
        human_dates(meeting, ascii_only=ascii_only),
        "\n".join(names) or "-",
        printable(", ".join(countries), one_line=True) or "-",
        meeting["kind"].replace("-", " "),
        (Span("disputed", "bold yellow"),) if meeting["disputed"] else "",
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
