"""The `meetings` command line: parse options, call query, call render."""

# No `from __future__ import annotations` here: Typer would then evaluate every
# option's annotation from a string on each run, which costs start-up time.

import os
import sys
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from . import __version__
from .paths import DATA_ENV, locate_dataset

if TYPE_CHECKING:
    from .model import Dataset, Meeting
    from .render.tables import Screen

app = typer.Typer(
    name="meetings",
    help=(
        "Query the curated record of the Iranian defence minister's meetings in Moscow, "
        "2018-2020. Every fact is traceable to a source article."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


class OutputFormat(str, Enum):
    """How records are printed."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ColorMode(str, Enum):
    """When tables are coloured."""

    auto = "auto"
    always = "always"
    never = "never"


@dataclass(frozen=True)
class Settings:
    """Global options, handed to every command through the Typer context."""

    data: str | None
    color: str = "auto"
    cache: bool = True


def _scan(ctx: typer.Context) -> dict[str, list[dict[str, str]]]:
    """Ids and names for shell completion, read without YAML or validation (fast on Tab)."""
    from .paths import quick_scan

    data = ctx.find_root().params.get("data")
    try:
        return quick_scan(locate_dataset(data))
    except OSError:
        return {}


def _starting_with(values: list[str], incomplete: str) -> list[str]:
    wanted = incomplete.casefold()
    return [v for v in dict.fromkeys(values) if v.casefold().startswith(wanted)]


def complete_meeting_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Meeting ids for Tab completion."""
    return _starting_with([r["id"] for r in _scan(ctx).get("meetings", [])], incomplete)


def complete_event_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Event ids for Tab completion."""
    return _starting_with([r["id"] for r in _scan(ctx).get("events", [])], incomplete)


def complete_people(ctx: typer.Context, incomplete: str) -> list[str]:
    """Surnames and full names for Tab completion."""
    people = _scan(ctx).get("people", [])
    names = [r.get("short_name", "") for r in people] + [r.get("name", "") for r in people]
    return _starting_with([n for n in names if n], incomplete)


def complete_topics(ctx: typer.Context, incomplete: str) -> list[str]:
    """Topic ids for Tab completion."""
    return _starting_with([r["id"] for r in _scan(ctx).get("topics", [])], incomplete)


FormatOption = Annotated[
    Optional[OutputFormat],
    typer.Option("--format", "-f", help="table (default), json, jsonl or csv.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
YearOption = Annotated[
    Optional[list[int]],
    typer.Option("--year", "-y", help="Only this year (repeatable).", show_default=False),
]
FromOption = Annotated[
    Optional[str],
    typer.Option(
        "--from", help="On or after this date (YYYY, YYYY-MM or YYYY-MM-DD).", show_default=False
    ),
]
ToOption = Annotated[
    Optional[str],
    typer.Option(
        "--to", help="On or before this date (YYYY, YYYY-MM or YYYY-MM-DD).", show_default=False
    ),
]
CountryOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--country", "-c", help="A participant from this country (repeatable).", show_default=False
    ),
]
EventOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--event",
        "-e",
        help="At this event: id or name (repeatable).",
        show_default=False,
        autocompletion=complete_event_ids,
    ),
]
KindOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--kind", "-k", help="Of this kind, e.g. bilateral-talks (repeatable).", show_default=False
    ),
]
TopicOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--topic",
        "-t",
        help="Tagged with this topic (repeatable).",
        show_default=False,
        autocompletion=complete_topics,
    ),
]
PersonOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--person",
        "-p",
        help="With a participant of this name, in any spelling (repeatable).",
        show_default=False,
        autocompletion=complete_people,
    ),
]
SvgOption = Annotated[
    Optional[Path],
    typer.Option("--svg", metavar="FILE", help="Also save the table as SVG.", show_default=False),
]
HtmlOption = Annotated[
    Optional[Path],
    typer.Option("--html", metavar="FILE", help="Also save the table as HTML.", show_default=False),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"meetings {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    data: Annotated[
        Optional[str],
        typer.Option(
            "--data",
            envvar=DATA_ENV,
            metavar="PATH",
            help="Dataset folder to read instead of the bundled one.",
            show_default=False,
        ),
    ] = None,
    color: Annotated[
        ColorMode,
        typer.Option(
            "--color",
            help="Colour in tables: auto (on a terminal, unless NO_COLOR is set), always, never.",
        ),
    ] = "auto",  # type: ignore[assignment]
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read the YAML files, neither using nor writing the cache."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Query the meetings dataset."""
    ctx.obj = Settings(data=data, color=ColorMode(color).value, cache=not no_cache)


# --------------------------------------------------------------------------- helpers


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"meetings: {message}", err=True)
    raise typer.Exit(code)


def _dataset(ctx: typer.Context) -> "Dataset":
    """The dataset, from the cache when it is current; exits 2 listing problems if invalid."""
    from .errors import DataError
    from .store import load_with_cache

    settings: Settings = ctx.obj
    try:
        dataset = load_with_cache(locate_dataset(settings.data), use_cache=settings.cache)
    except DataError as error:
        _print_problems(error.lines())
    return dataset


def _print_problems(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(EXIT_USAGE)


def _format(fmt: OutputFormat | None, as_json: bool) -> OutputFormat:
    if as_json and fmt not in (None, OutputFormat.json):
        _fail(f"--json and --format {fmt.value if fmt else ''} disagree: give one of them")
    return OutputFormat.json if as_json else fmt or OutputFormat.table


def _screen(
    ctx: typer.Context,
    output: OutputFormat,
    svg: Path | None = None,
    html: Path | None = None,
    *,
    ascii_only: bool = False,
) -> "Screen":
    """Drawing settings from the global --color and the command's --svg/--html/--ascii."""
    from .render.tables import Screen

    if (svg or html) and output is not OutputFormat.table:
        _fail("--svg and --html save table output: leave out --format/--json")
    settings: Settings = ctx.obj
    return Screen(color=settings.color, svg=svg, html=html, ascii=ascii_only)


def _parse_day(text: str | None, option: str, *, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, for end, last) day."""
    if text is None:
        return None
    from .dates import parse_partial_date

    try:
        return parse_partial_date(text, end=end)
    except ValueError:
        _fail(f"invalid value for {option}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


# --------------------------------------------------------------------------- commands


@app.command("list")
def list_meetings(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List meetings in date order, optionally filtered.

    Values of one option are alternatives (--year 2018 --year 2019); different
    options must all hold. A meeting known only to a range of days matches a
    date filter if any day of the range does.
    """
    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    meetings = _select(
        dataset, output, "meetings", year, from_, to, country, event, kind, topic, person
    )
    if not meetings:
        _print_empty(output, "meetings")
        _fail("no meetings match", EXIT_NOTHING)
    from .render import formats, records, tables

    rows = [records.meeting_record(dataset, m) for m in meetings]
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.meeting_table([tables.meeting_row(r) for r in rows])],
        records=lambda: rows,
        collection="meetings",
    )


def _select(
    dataset: "Dataset",
    output: OutputFormat,
    collection: str,
    year: list[int] | None,
    from_: str | None,
    to: str | None,
    country: list[str] | None,
    event: list[str] | None,
    kind: list[str] | None,
    topic: list[str] | None,
    person: list[str] | None,
) -> "list[Meeting]":
    """The meetings the filter options select; exits 2 on a bad value, 1 on an unknown person."""
    from .query import MeetingFilter, NotFound, QueryError, select_meetings

    wanted = MeetingFilter(
        years=tuple(year or ()),
        first=_parse_day(from_, "--from", end=False),
        last=_parse_day(to, "--to", end=True),
        countries=tuple(country or ()),
        events=tuple(event or ()),
        kinds=tuple(kind or ()),
        topics=tuple(topic or ()),
        people=tuple(person or ()),
    )
    try:
        return select_meetings(dataset, wanted)
    except QueryError as error:
        _fail(str(error))
    except NotFound as error:
        _print_empty(output, collection)
        _fail(str(error), EXIT_NOTHING)


def _print_empty(output: OutputFormat, collection: str) -> None:
    """Keep pipelines valid when nothing matched (see formats.write_empty)."""
    from .render.formats import write_empty

    write_empty(sys.stdout, output.value, collection)


@app.command()
def show(
    ctx: typer.Context,
    meeting_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Meeting id, as `meetings list` shows it.",
            autocompletion=complete_meeting_ids,
        ),
    ],
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one meeting in full: participants, summary, quotes, sources, disagreements."""
    from .query import NotFound, find_meeting
    from .render import formats, records, tables

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    try:
        meeting = find_meeting(dataset, meeting_id)
    except NotFound as error:
        _fail(str(error), EXIT_NOTHING)
    record = records.meeting_record(dataset, meeting)
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: tables.meeting_view(record),
        records=lambda: [record],
        collection="meetings",
        single=True,
    )


@app.command()
def context(
    ctx: typer.Context,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List what the sources mention that is not a meeting in Moscow (summits, votes, remarks)."""
    from .query import sort_context
    from .render import formats, records, tables

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    items = sort_context(dataset.context)
    if not items:
        _print_empty(output, "context")
        _fail("the dataset has no context items", EXIT_NOTHING)
    rows = [records.context_record(dataset, item) for item in items]
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.context_table(rows)],
        records=lambda: rows,
        collection="context",
    )


@app.command()
def who(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME",
            help="A name in any spelling or script, e.g. Shoygu, Шойгу, حاتمی.",
            autocompletion=complete_people,
        ),
    ],
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show how the name was normalised and matched."),
    ] = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find a person however the name is written: profile, meetings and counterparts.

    With --explain (also in --json), say how the name was normalised, which
    alias matched, the score, and the runner-up. Exits 1 when no one in the
    dataset matches, or when two people match about equally well (the
    candidates are listed).
    """
    from .match import PersonIndex, describe_failure
    from .query import meetings_with
    from .render import formats, records, tables

    output = _format(fmt, as_json)
    if output not in (OutputFormat.table, OutputFormat.json):
        _fail("who prints a table or --json (use `meetings list --person` for jsonl or csv)")
    screen = _screen(ctx, output, svg, html)
    dataset = _dataset(ctx)
    index = PersonIndex.build(dataset.people)
    resolution = index.resolve(" ".join(name), runner_up=explain)
    best = resolution.best
    meetings = meetings_with(dataset, best.person_id) if best else []
    report = formats.who_record(
        resolution,
        records.person_record(index.people[best.person_id]) if best else None,
        [records.meeting_record(dataset, m) for m in meetings],
        lambda pid: records.person_record(index.people[pid]),
    )
    if output is OutputFormat.json:
        formats.write_json(sys.stdout, report)
    elif best:
        view = tables.who_view(report, explain=explain)
        tables.draw_view(sys.stdout, screen, view, f"meetings who {' '.join(name)}")
    if best is None:
        if explain and output is OutputFormat.table:
            for line in tables.explain_lines(report):
                typer.echo(line, err=True)
        _fail(describe_failure(resolution, index.name_of), EXIT_NOTHING)


@app.command()
def people(
    ctx: typer.Context,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List everyone in the dataset with country, role and number of meetings."""
    from .query import people_with_counts
    from .render import formats, records, tables

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    everyone = people_with_counts(dataset)
    if not everyone:
        _print_empty(output, "people")
        _fail("the dataset has no people", EXIT_NOTHING)
    rows = [records.person_record(p, n) for p, n in everyone]
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.people_table(rows)],
        records=lambda: rows,
        collection="people",
    )


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[
        list[str], typer.Argument(metavar="TEXT", help="Words to look for; typos are forgiven.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many results (0: all).")
    ] = 20,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search summaries, titles, topics, quotes, events, places and names, best match first.

    Every word must be found; each may be misspelt a little ("terorism") and
    names may be in any spelling. Takes the same filters as `list`.
    """
    from .render import formats, records, tables
    from .search import search_meetings

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    pool = _select(dataset, output, "search", year, from_, to, country, event, kind, topic, person)
    hits = search_meetings(dataset, " ".join(text), pool, limit or None)
    if not hits:
        _print_empty(output, "search")
        _fail(f"no meetings match {' '.join(text)!r}", EXIT_NOTHING)
    rows = [records.search_record(dataset, hit) for hit in hits]
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.search_table(rows)],
        records=lambda: rows,
        collection="search",
    )


@app.command()
def timeline(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    ascii_only: Annotated[
        bool,
        typer.Option("--ascii", help="Plain ASCII, no rules or dashes (the default when piped)."),
    ] = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Meetings by year and event, one line each: date, counterpart, country, kind.

    Takes the filters of `list`. Dates show their precision (3 Apr, 3–6 Apr)
    and ~ marks an inferred date; records where sources disagree are marked.
    """
    from .render import formats, records, tables
    from .report import principal_ids
    from .report import timeline as group_by_year

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    meetings = _select(
        dataset, output, "timeline", year, from_, to, country, event, kind, topic, person
    )
    if not meetings:
        _print_empty(output, "timeline")
        _fail("no meetings match", EXIT_NOTHING)
    years = records.timeline_record(dataset, group_by_year(dataset, meetings))
    if output is OutputFormat.json:
        formats.write_json(sys.stdout, years)
        return
    screen = _screen(ctx, output, svg, html, ascii_only=ascii_only)
    principals = principal_ids(dataset)

    formats.emit(
        sys.stdout,
        output.value,
        screen=screen,
        blocks=lambda terminal: tables.timeline_view(
            years, principals, ascii_only=screen.ascii or not terminal
        ),
        records=lambda: [m for y in years for e in y["events"] for m in e["meetings"]],
        collection="timeline",
    )


class GraphFormat(str, Enum):
    """How the who-met-whom graph is written."""

    dot = "dot"
    mermaid = "mermaid"
    json = "json"


@app.command()
def graph(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    fmt: Annotated[
        GraphFormat,
        typer.Option("--format", "-f", help="dot (Graphviz), mermaid or json."),
    ] = GraphFormat.dot,
    as_json: JsonOption = False,
) -> None:
    """Who met whom: people as nodes, an edge per pair weighted by meetings, with years.

    Takes the filters of `list`. Edges through a participant only some sources
    name are marked disputed (dashed in dot and mermaid).
    """
    from .query import people_with_counts
    from .render import formats, records
    from .report import meeting_graph

    output = GraphFormat.json if as_json else fmt
    dataset = _dataset(ctx)
    meetings = _select(
        dataset,
        OutputFormat.table,
        "meetings",
        year,
        from_,
        to,
        country,
        event,
        kind,
        topic,
        person,
    )
    if not meetings:
        _fail("no meetings match", EXIT_NOTHING)
    who_met = meeting_graph(dataset, meetings)
    counts = {p.id: n for p, n in people_with_counts(dataset)}
    graph_rec = records.graph_record(who_met, counts)
    if output is GraphFormat.json:
        formats.write_json(sys.stdout, graph_rec)
    elif output is GraphFormat.mermaid:
        sys.stdout.write(formats.graph_mermaid(graph_rec))
    else:
        sys.stdout.write(formats.graph_dot(graph_rec))


@app.command()
def events(
    ctx: typer.Context,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the events (conferences, forums) with the meetings held at each."""
    from .render import formats, records, tables
    from .report import meetings_at

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    rows = [
        records.event_record(dataset, e, meetings_at(dataset, e.id))
        for e in sorted(dataset.events, key=lambda e: (e.year, e.id))
    ]
    if not rows:
        _print_empty(output, "events")
        _fail("the dataset has no events", EXIT_NOTHING)
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.events_table(rows)],
        records=lambda: rows,
        collection="events",
    )


@app.command()
def sources(
    ctx: typer.Context,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the source articles: outlet, date, and the meetings that cite each."""
    from .render import formats, records, tables
    from .report import citing

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    rows = [records.source_record(s, *citing(dataset, s)) for s in dataset.sources]
    if not rows:
        _print_empty(output, "sources")
        _fail("the dataset has no sources", EXIT_NOTHING)
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.sources_table(rows)],
        records=lambda: rows,
        collection="sources",
    )


@app.command()
def stats(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Count meetings by year, country, kind and topic (with the filters of `list`).

    A meeting counts under every country among its participants and every
    topic it has, so those columns add up to more than the number of meetings.
    """
    from .render import formats, records, tables
    from .report import statistics

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    meetings = _select(
        dataset, output, "stats", year, from_, to, country, event, kind, topic, person
    )
    if not meetings:
        _print_empty(output, "stats")
        _fail("no meetings match", EXIT_NOTHING)
    counts = statistics(dataset, meetings)
    if output is OutputFormat.json:
        formats.write_json(sys.stdout, records.stats_record(counts))
        return
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: tables.stats_tables(records.stats_record(counts)),
        records=lambda: records.stats_rows(counts),
        collection="stats",
    )


@app.command()
def audit(
    ctx: typer.Context,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every place where sources disagree or a date is inferred rather than stated."""
    from .render import formats, records, tables
    from .report import audit as find_uncertainties

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    rows = [records.finding_record(f) for f in find_uncertainties(dataset)]
    if not rows:
        _print_empty(output, "audit")
        typer.echo(
            "meetings: nothing to report: every date is stated and no sources disagree", err=True
        )
        return
    formats.emit(
        sys.stdout,
        output.value,
        screen=_screen(ctx, output, svg, html),
        blocks=lambda _terminal: [tables.audit_table(rows)],
        records=lambda: rows,
        collection="audit",
    )


@app.command()
def validate(
    ctx: typer.Context,
    path: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[PATH]",
            help="Dataset folder (or a file in it). Default: --data, $MEETINGS_DATA, or bundled.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a dataset: structure, types, dates, ids, references, quotes against sources.

    Prints one line per problem (FILE:LINE:COL: field.path: what is wrong) and
    exits 2, or prints a one-line summary and exits 0.
    """
    from .errors import DataError
    from .load import load_dataset
    from .render.formats import write_json

    settings: Settings = ctx.obj
    root = locate_dataset(path or settings.data)
    try:
        dataset = load_dataset(root, verify_text=True)
    except DataError as error:
        if as_json:
            write_json(
                sys.stdout,
                {"ok": False, "path": str(root), "problems": [p._asdict() for p in error.problems]},
            )
        _print_problems(error.lines())
    counts = {
        "meetings": len(dataset.meetings),
        "people": len(dataset.people),
        "events": len(dataset.events),
        "sources": len(dataset.sources),
        "topics": len(dataset.topics),
        "context": len(dataset.context),
    }
    if as_json:
        write_json(sys.stdout, {"ok": True, "path": str(root), "counts": counts, "problems": []})
        return
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(f"ok: {root}: {summary}; every quote found in its source")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the data files (for editors and other validators)."""
    from .render.formats import write_json
    from .schema import json_schema

    write_json(sys.stdout, json_schema())


def _plain_completion_help() -> None:
    """Keep Tab fast: Typer would import Rich to render option help for zsh and fish.

    Our help texts carry no Rich markup (rich_markup_mode=None), so they can be
    passed through as they are.
    """
    try:
        from typer import _completion_classes
    except ImportError:  # pragma: no cover - layout of a future Typer
        return
    if hasattr(_completion_classes, "_sanitize_help_text"):
        _completion_classes._sanitize_help_text = lambda text: text


def _help_saved_for_next_time(argv: list[str]) -> int:
    """Print the top-level help, and keep a copy so the fast path can print it next time."""
    import contextlib
    import io

    from .fast import help_cache_file

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        code = run_typer_app(argv)
    sys.stdout.write(text.getvalue())
    path = help_cache_file()
    if code == 0 and path:
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text.getvalue())
            os.replace(temporary, path)
    return code


def run_typer_app(argv: list[str]) -> int:
    """The Typer app on argv, without the extras of run_typer."""
    code = app(args=argv, prog_name="meetings", standalone_mode=False)
    return code if isinstance(code, int) else EXIT_OK


def run_typer(argv: list[str] | None = None) -> int:
    """Run the full command line on argv (default: sys.argv); the exit status."""
    if "_MEETINGS_COMPLETE" in os.environ:
        _plain_completion_help()
    from .fast import is_top_level_help

    if argv is not None and is_top_level_help(argv):
        return _help_saved_for_next_time(argv)
    try:
        code = app(args=argv, prog_name="meetings", standalone_mode=False)
    except typer.TyperException as error:  # usage errors, printed as Typer would
        show = getattr(error, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"meetings: {error}", err=True)
        code = error.exit_code
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        code = EXIT_NOTHING
    return code if isinstance(code, int) else EXIT_OK


def run() -> None:
    """Entry point kept for `meetings_cli.cli:run`; see meetings_cli.main.run."""
    from .main import run as run_main

    run_main()
