"""The `meetings` command line: parse options, call query, call render."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__
from .load import DATA_ENV, DataError, load_dataset, locate_dataset
from .model import Dataset, Meeting

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


@dataclass(frozen=True)
class Settings:
    """Global options, handed to every command through the Typer context."""

    data: str | None


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
        "--event", "-e", help="At this event: id or name (repeatable).", show_default=False
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
    typer.Option("--topic", "-t", help="Tagged with this topic (repeatable).", show_default=False),
]
PersonOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--person", "-p", help="With a participant of this name (repeatable).", show_default=False
    ),
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
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Query the meetings dataset."""
    ctx.obj = Settings(data=data)


# --------------------------------------------------------------------------- helpers


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"meetings: {message}", err=True)
    raise typer.Exit(code)


def _dataset(ctx: typer.Context, *, verify_text: bool = False, path: str | None = None) -> Dataset:
    settings: Settings = ctx.obj
    try:
        return load_dataset(locate_dataset(path or settings.data), verify_text=verify_text)
    except DataError as error:
        for line in error.lines():
            typer.echo(line, err=True)
        raise typer.Exit(EXIT_USAGE) from None


def _format(fmt: OutputFormat | None, as_json: bool) -> OutputFormat:
    if as_json and fmt not in (None, OutputFormat.json):
        _fail(f"--json and --format {fmt.value if fmt else ''} disagree: give one of them")
    return OutputFormat.json if as_json else fmt or OutputFormat.table


def _parse_day(text: str | None, option: str, *, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, for end, last) day."""
    if text is None:
        return None
    from .query import parse_partial_date

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
    from . import render

    render.emit(
        sys.stdout,
        output.value,
        table=lambda console: render.print_meeting_table(console, dataset, meetings),
        records=lambda: [render.meeting_record(dataset, m) for m in meetings],
        collection="meetings",
    )


def _select(
    dataset: Dataset,
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
) -> list[Meeting]:
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
    """Keep pipelines valid when nothing matched: an empty array for JSON, a header for CSV."""
    from . import render

    if output is OutputFormat.json:
        render.write_json(sys.stdout, [])
    elif output is OutputFormat.csv:
        columns = render.CSV_LAYOUTS[collection][0]
        render.write_records(sys.stdout, "csv", [], columns=columns)


@app.command()
def show(
    ctx: typer.Context,
    meeting_id: Annotated[
        str, typer.Argument(metavar="ID", help="Meeting id, as `meetings list` shows it.")
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one meeting in full: participants, summary, quotes, sources, disagreements."""
    from . import render
    from .query import NotFound, find_meeting

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    try:
        meeting = find_meeting(dataset, meeting_id)
    except NotFound as error:
        _fail(str(error), EXIT_NOTHING)
    render.emit(
        sys.stdout,
        output.value,
        table=lambda console: render.print_meeting_detail(console, dataset, meeting),
        records=lambda: [render.meeting_record(dataset, meeting)],
        collection="meetings",
        single=True,
    )


@app.command()
def context(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List what the sources mention that is not a meeting in Moscow (summits, votes, remarks)."""
    from . import render
    from .query import sort_context

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    items = sort_context(dataset.context)
    if not items:
        _print_empty(output, "context")
        _fail("the dataset has no context items", EXIT_NOTHING)
    render.emit(
        sys.stdout,
        output.value,
        table=lambda console: render.print_context_table(console, dataset, items),
        records=lambda: [render.context_record(dataset, item) for item in items],
        collection="context",
    )


@app.command()
def who(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME", help="A name in any spelling or script, e.g. Shoygu, Шойгу, حاتمی."
        ),
    ],
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show how the name was normalised and matched."),
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find a person however the name is written: profile, meetings and counterparts.

    With --explain (also in --json), say how the name was normalised, which
    alias matched, the score, and the runner-up. Exits 1 when no one in the
    dataset matches, or when two people match about equally well (the
    candidates are listed).
    """
    from . import render
    from .match import PersonIndex
    from .query import counterparts, describe_failure, meetings_with

    output = _format(fmt, as_json)
    if output not in (OutputFormat.table, OutputFormat.json):
        _fail("who prints a table or --json (use `meetings list --person` for jsonl or csv)")
    dataset = _dataset(ctx)
    index = PersonIndex.build(dataset.people)
    resolution = index.resolve(" ".join(name), runner_up=explain)
    best = resolution.best
    meetings = meetings_with(dataset, best.person_id) if best else []
    met = counterparts(dataset, best.person_id) if best else []
    if output is OutputFormat.json:
        render.write_json(sys.stdout, render.who_record(dataset, index, resolution, meetings, met))
    elif best:
        console = render.make_console(sys.stdout)
        render.print_who(console, dataset, index, resolution, meetings, met, explain=explain)
    if best is None:
        if explain and output is OutputFormat.table:
            for line in render.explain_lines(index, resolution):
                typer.echo(line, err=True)
        _fail(describe_failure(index, resolution), EXIT_NOTHING)


@app.command()
def people(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List everyone in the dataset with country, role and number of meetings."""
    from . import render
    from .query import people_with_counts

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    everyone = people_with_counts(dataset)
    if not everyone:
        _print_empty(output, "people")
        _fail("the dataset has no people", EXIT_NOTHING)
    render.emit(
        sys.stdout,
        output.value,
        table=lambda console: render.print_people_table(console, everyone),
        records=lambda: [render.person_record(p, n) for p, n in everyone],
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
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search summaries, titles, topics, quotes, events, places and names, best match first.

    Every word must be found; each may be misspelt a little ("terorism") and
    names may be in any spelling. Takes the same filters as `list`.
    """
    from . import render
    from .search import search_meetings

    output = _format(fmt, as_json)
    dataset = _dataset(ctx)
    pool = _select(dataset, output, "search", year, from_, to, country, event, kind, topic, person)
    hits = search_meetings(dataset, " ".join(text), pool, limit or None)
    if not hits:
        _print_empty(output, "search")
        _fail(f"no meetings match {' '.join(text)!r}", EXIT_NOTHING)
    render.emit(
        sys.stdout,
        output.value,
        table=lambda console: render.print_search_table(console, dataset, hits),
        records=lambda: [render.search_record(dataset, hit) for hit in hits],
        collection="search",
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
    from . import render

    settings: Settings = ctx.obj
    root = locate_dataset(path or settings.data)
    try:
        dataset = load_dataset(root, verify_text=True)
    except DataError as error:
        if as_json:
            render.write_json(
                sys.stdout,
                {"ok": False, "path": str(root), "problems": [p._asdict() for p in error.problems]},
            )
        for line in error.lines():
            typer.echo(line, err=True)
        raise typer.Exit(EXIT_USAGE) from None
    counts = {
        "meetings": len(dataset.meetings),
        "people": len(dataset.people),
        "events": len(dataset.events),
        "sources": len(dataset.sources),
        "topics": len(dataset.topics),
        "context": len(dataset.context),
    }
    if as_json:
        render.write_json(
            sys.stdout, {"ok": True, "path": str(root), "counts": counts, "problems": []}
        )
        return
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(f"ok: {root}: {summary}; every quote found in its source")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the data files (for editors and other validators)."""
    from . import render
    from .schema import json_schema

    render.write_json(sys.stdout, json_schema())


def run() -> None:
    """Entry point of the `meetings` script."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        # When the reader goes away (`| head -1`), end quietly as cat and grep do,
        # instead of a BrokenPipeError from whichever write noticed it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        code = app(standalone_mode=False)
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
    except Exception as error:  # the last line of defence against tracebacks
        if os.environ.get("MEETINGS_DEBUG"):
            raise
        typer.echo(
            f"meetings: internal error: {type(error).__name__}: {error} "
            "(a bug: please report it; MEETINGS_DEBUG=1 shows the traceback)",
            err=True,
        )
        code = 3
    sys.exit(code if isinstance(code, int) else EXIT_OK)
