"""The `meetings` command line: parse options, call query, call render."""

# No `from __future__ import annotations` here: Typer would then evaluate every
# option's annotation from a string on each run, which costs start-up time.

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .paths import DATA_ENV, locate_dataset

if TYPE_CHECKING:
    import sqlite3

    from .match import Resolution
    from .query import MeetingFilter, Resolved, Selection, StoredAliases
    from .render.draw import View
    from .store import Progress


class _Meetings(TyperGroup):
    """The command group: its global options are also accepted after any command.

    `meetings list --data X` reads X as `meetings --data X list` does; given in
    both places, the one after the command wins (as in gh and kubectl).
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        shared = [p for p in self.params if p.name in _GLOBAL_OPTIONS]
        for command in _leaves(self):
            command.params.extend(_after_command(p) for p in shared)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        import shlex

        from typer._click.shell_completion import add_completion_class
        from typer._completion_classes import BashComplete, completion_init

        class QuotingBash(BashComplete):
            # Bash inserts a completion as typed text: `Sergei Shoigu` unquoted would be
            # two arguments. (zsh and fish quote what they insert themselves.)
            def format_completion(self, item: Any) -> str:
                return shlex.quote(item.value) if item.type == "plain" else str(item.value)

        completion_init()
        add_completion_class(QuotingBash, "bash")
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


#: Settings fields of the global options (parameter name: field).
_GLOBAL_OPTIONS = {"data": "data", "color": "color", "no_cache": "cache"}


def _leaves(group: TyperGroup) -> "Iterator[Any]":
    for command in group.commands.values():
        if isinstance(command, TyperGroup):
            yield from _leaves(command)
        else:
            yield command


def _after_command(option: Any) -> Any:
    """A copy of a global option for a command's own options (no default, no env var)."""
    import copy

    after = copy.copy(option)
    after.envvar, after.expose_value, after.show_default = None, False, False
    after.callback = _override
    after.help = f"{option.help} Also before the command; here, it wins."
    return after


def _override(ctx: typer.Context, param: Any, value: Any) -> Any:
    """Put a global option given after the command into the Settings."""
    from typer._click.core import ParameterSource

    if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return value
    field = _GLOBAL_OPTIONS[param.name]
    if field == "color":
        value = ColorMode(value).value
    elif field == "cache":
        value = not value
    # Tab completion parses without running the group's callback: no Settings then.
    ctx.meta[f"meetings.{field}"] = value
    if isinstance(ctx.obj, Settings):
        ctx.obj = ctx.obj._replace(**{field: value})
    return value


app = typer.Typer(
    name="meetings",
    cls=_Meetings,
    add_completion=False,
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


class Settings(NamedTuple):
    """Global options, handed to every command through the Typer context."""

    data: str | None
    color: str = "auto"
    cache: bool = True


def _completion_db(ctx: typer.Context) -> "sqlite3.Connection | None":
    """The compiled dataset in use, for Tab completion; None if it cannot be read or is invalid."""
    import sqlite3

    from .errors import DataError
    from .store import open_dataset

    data = ctx.meta.get("meetings.data", ctx.find_root().params.get("data"))
    try:
        return open_dataset(locate_dataset(data))
    except (DataError, OSError, sqlite3.Error):
        return None


def _complete(table: str, sql: str | None = None) -> Callable[[typer.Context, str], list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from .query import ids

        db = _completion_db(ctx)
        if db is None:
            return []
        values = [row[0] for row in db.execute(sql)] if sql else ids(db, table)
        wanted = incomplete.casefold()
        return [v for v in dict.fromkeys(values) if v.casefold().startswith(wanted)]

    complete.__doc__ = f"Complete {table} for Tab."
    return complete


complete_meeting_ids = _complete("meetings")
complete_any_ids = _complete(
    "ids",
    "SELECT id FROM meetings UNION ALL SELECT id FROM context UNION ALL SELECT id FROM events"
    " UNION ALL SELECT id FROM sources UNION ALL SELECT id FROM people",
)
complete_event_ids = _complete("events")
complete_source_ids = _complete("sources")
complete_topics = _complete("topics")
complete_people = _complete(
    "people", "SELECT short_name FROM people UNION ALL SELECT name FROM people"
)
complete_countries = _complete("countries", "SELECT DISTINCT country FROM people ORDER BY 1")
complete_kinds = _complete("kinds", "SELECT DISTINCT kind FROM meetings ORDER BY 1")


class Shell(str, Enum):
    """Shells Tab completion is written for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"
    pwsh = "pwsh"


def _show_completion(ctx: typer.Context, shell: Shell | None) -> None:
    if shell is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script

    typer.echo(
        get_completion_script(
            prog_name="meetings", complete_var="_MEETINGS_COMPLETE", shell=Shell(shell).value
        )
    )
    raise typer.Exit()


def _install_completion(ctx: typer.Context, shell: Shell | None) -> None:
    if shell is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    name, path = install(shell=Shell(shell).value, prog_name="meetings")
    _note(f"meetings: {name} completion installed in {path}; it works in a new terminal")
    raise typer.Exit()


FormatOption = Annotated[
    Optional[OutputFormat],
    typer.Option(
        "--format",
        "-f",
        help="table (default), json, jsonl or csv (--json: short for json).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
YearOption = Annotated[
    Optional[list[int]],
    typer.Option(
        "--year", "-y", min=1, max=9999, help="Only this year (repeatable).", show_default=False
    ),
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
        "--country",
        "-c",
        help="A participant from this country (repeatable).",
        show_default=False,
        autocompletion=complete_countries,
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
        "--kind",
        "-k",
        help="Of this kind, e.g. bilateral-talks (repeatable).",
        show_default=False,
        autocompletion=complete_kinds,
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
WithOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--with",
        "-w",
        metavar="PERSON",
        help="With this participant too, in any spelling (repeatable: all of them).",
        show_default=False,
        autocompletion=complete_people,
    ),
]
SortOption = Annotated[
    Optional[str],
    typer.Option(
        "--sort",
        metavar="FIELD",
        help="Order by this field: a column of --format csv (Tab completes them).",
        show_default=False,
        autocompletion=lambda ctx, incomplete: _sort_choices(ctx, incomplete),
    ),
]
ReverseOption = Annotated[
    bool,
    typer.Option("--reverse", "-r", help="Turn the order round (with --sort, or the usual one)."),
]
# Text, not Path: Typer would turn '' into '.', which must be refused as no file name.
SvgOption = Annotated[
    Optional[str],
    typer.Option(
        "--svg",
        metavar="FILE",
        help="Also save the table as SVG, drawn as on a terminal (not - : stdout has the table).",
        show_default=False,
    ),
]
HtmlOption = Annotated[
    Optional[str],
    typer.Option(
        "--html",
        metavar="FILE",
        help="Also save the table as HTML, drawn as on a terminal (not - : stdout has the table).",
        show_default=False,
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
    show_completion: Annotated[
        Optional[Shell],
        typer.Option(
            "--show-completion",
            metavar="SHELL",
            callback=_show_completion,
            is_eager=True,
            help="Print Tab completion for SHELL: bash, zsh, fish, powershell or pwsh.",
            show_default=False,
        ),
    ] = None,
    install_completion: Annotated[
        Optional[Shell],
        typer.Option(
            "--install-completion",
            metavar="SHELL",
            callback=_install_completion,
            is_eager=True,
            help="Install Tab completion for SHELL (bash, zsh, fish, powershell or pwsh).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Query the meetings dataset."""
    ctx.obj = Settings(data=data, color=ColorMode(color).value, cache=not no_cache)


# --------------------------------------------------------------------------- helpers


def _note(message: str) -> None:
    """One line for the person at the terminal, on standard error.

    Messages quote file names, arguments and data: whatever they hold is shown
    inert (escaped), never obeyed by the terminal, and never starts a line.
    """
    from .render.text import escaped

    sys.stderr.write(escaped(message) + "\n")


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    _note(f"meetings: {message}")
    raise typer.Exit(code)


def _db(ctx: typer.Context) -> "sqlite3.Connection":
    """The compiled dataset, brought up to date; exits 2 listing problems if it is invalid."""
    from .errors import DataError
    from .store import open_dataset

    settings: Settings = ctx.obj
    try:
        return open_dataset(
            _dataset_root(settings.data), use_cache=settings.cache, progress=_progress(), warn=_note
        )
    except DataError as error:
        _print_problems(error.lines())


def _dataset_root(chosen: str | None) -> Path:
    """The dataset folder to read; exits 2 if it is none. Says so when ./data is another."""
    from .paths import checkout_data, dataset_problem

    root = locate_dataset(chosen)
    why = dataset_problem(root)
    if why is not None:
        _fail(f"{root}: {why}")
    if chosen in (None, "") and not os.environ.get(DATA_ENV):
        data = checkout_data(root)
        if data is not None:  # a curator editing data/ would otherwise see no change
            shown = os.path.relpath(data)
            shown = shown if shown.startswith(".") else f"./{shown}"
            _note(
                f"meetings: note: reading the bundled dataset {root}, not {shown}"
                f" (which differs): give --data {shown} to read it"
            )
    return root


def _progress() -> "Progress | None":
    """A progress bar on standard error for a long compile, when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    from .render.draw import CompileProgress

    return CompileProgress()


def _print_problems(lines: list[str]) -> NoReturn:
    for line in lines:
        _note(line)
    raise typer.Exit(EXIT_USAGE)


def _format(
    fmt: OutputFormat | None, as_json: bool, svg: str | None = None, html: str | None = None
) -> OutputFormat:
    """The output format the options ask for; exits 2 if they contradict each other."""
    if as_json and fmt not in (None, OutputFormat.json):
        _fail(f"--json and --format {fmt.value if fmt else ''} disagree: give one of them")
    output = OutputFormat.json if as_json else fmt or OutputFormat.table
    if (svg is not None or html is not None) and output is not OutputFormat.table:
        _fail("--svg and --html save table output: leave out --format/--json")
    _check_writable(svg, "--svg")
    _check_writable(html, "--html")
    return output


def _check_writable(name: str | None, option: str) -> None:
    """Exit 2 unless a file can be written at name: checked before anything is printed."""
    if name is None:
        return
    if name in ("", "-"):
        # Standard output has the table: the picture needs a file of its own.
        _fail(f"{option} needs a file name, not {name!r}")
    if os.path.isdir(name):
        _fail(f"cannot write {name}: it is a folder")
    try:
        # Create it to learn whether it can be (permissions, name length, missing folder).
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        handle = None
    except OSError as error:
        if error.errno == errno.ENOENT:
            _fail(f"cannot write {name}: no such folder {os.path.dirname(name)}")
        _fail(f"cannot write {name}: {error.strerror}")
    if handle is not None:
        os.close(handle)
        os.unlink(name)
        return
    try:  # an existing file is replaced: it must be writable
        os.close(os.open(name, os.O_WRONLY))
    except OSError as error:
        _fail(f"cannot write {name}: {error.strerror}")


def _emit(
    ctx: typer.Context,
    output: OutputFormat,
    *,
    view: "View",
    records: Callable[[], Sequence[dict[str, Any]]],
    collection: str,
    title: str,
    svg: str | None = None,
    html: str | None = None,
    single: bool = False,
) -> None:
    """Draw the view (a table), or write the records as json, jsonl or csv."""
    if output is not OutputFormat.table:
        from .render.formats import write_collection

        write_collection(sys.stdout, output.value, records(), collection, single=single)
        return
    from .render.draw import draw

    settings: Settings = ctx.obj
    if svg or html:
        title = _command_line(ctx)
    try:
        draw(sys.stdout, view, color=settings.color, svg=svg, html=html, title=title)
    except OSError as error:
        if error.filename is None:  # standard output itself: run() reports it
            raise
        _fail(f"cannot write {error.filename}: {error.strerror}")


def _command_line(ctx: typer.Context) -> str:
    """The command as a picture's title: its arguments and options, not where it is saved."""
    import shlex

    from typer.core import TyperArgument, TyperOption

    words = ["meetings", ctx.info_name or ""]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.name in _NOT_IN_TITLES or value in (None, False, (), []) or value == param.default:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        if isinstance(param, TyperArgument):
            words += [str(v) for v in values]
        elif isinstance(param, TyperOption) and param.is_flag:
            words.append(param.opts[0])
        else:
            for v in values:
                words += [param.opts[0], str(getattr(v, "value", v))]
    return shlex.join(words)


#: Options a picture's title leaves out: where it is saved, which dataset, how drawn.
_NOT_IN_TITLES = frozenset(("svg", "html", "data", "color", "no_cache"))


def _parse_day(text: str | None, option: str, *, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, for end, last) day."""
    if text is None:
        return None
    from .dates import parse_partial_date

    try:
        return parse_partial_date(text, end=end)
    except ValueError:
        _fail(f"invalid value for {option}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def _filters(
    year: list[int] | None,
    from_: str | None,
    to: str | None,
    country: list[str] | None,
    event: list[str] | None,
    kind: list[str] | None,
    topic: list[str] | None,
    person: list[str] | None,
    with_: list[str] | None,
) -> "MeetingFilter":
    """The filter options of `list` and friends as one value; exits 2 on a bad date."""
    from .query import MeetingFilter

    return MeetingFilter(
        years=tuple(year or ()),
        first=_parse_day(from_, "--from", end=False),
        last=_parse_day(to, "--to", end=True),
        countries=tuple(country or ()),
        events=tuple(event or ()),
        kinds=tuple(kind or ()),
        topics=tuple(topic or ()),
        people=tuple(person or ()),
        together=tuple(with_ or ()),
    )


def _selection(
    db: "sqlite3.Connection", wanted: "MeetingFilter", output: OutputFormat, collection: str
) -> "Selection":
    """The filters as SQL; exits 2 on a bad value, 1 on an unknown person."""
    from .query import NotFound, QueryError, meeting_selection

    try:
        return meeting_selection(db, wanted)
    except QueryError as error:
        _fail(str(error))
    except NotFound as error:
        _print_empty(output, collection)
        _fail(str(error), EXIT_NOTHING)


def _resolved(
    db: "sqlite3.Connection", wanted: "MeetingFilter", output: OutputFormat, collection: str
) -> "Resolved":
    """The filter's values as the dataset has them; exits 2 on a bad value, 1 on an unknown
    person."""
    from .query import NotFound, QueryError, resolve_filter

    try:
        return resolve_filter(db, wanted)
    except QueryError as error:
        _fail(str(error))
    except NotFound as error:
        _print_empty(output, collection)
        _fail(str(error), EXIT_NOTHING)


def _linked(
    db: "sqlite3.Connection", wanted: "MeetingFilter", output: OutputFormat, collection: str
) -> "Callable[[str], set[str] | None]":
    """For a kind of record (person, event, source, meeting, context), the ids of those the
    filter keeps: those of (or at) the meetings it selects; None when nothing is filtered."""
    from .query import MeetingFilter, context_ids, context_selection, linked_ids, selection_of

    if wanted == MeetingFilter():
        return lambda _kind: None
    values = _resolved(db, wanted, output, collection)

    def kept(kind: str) -> set[str]:
        if kind == "context":
            return context_ids(db, context_selection(values))
        return linked_ids(db, kind, selection_of(values))

    return kept


def _select(
    db: "sqlite3.Connection", wanted: "MeetingFilter", output: OutputFormat, collection: str
) -> "Iterator[str]":
    """The stored JSON of the meetings the filters select, in date order, as read."""
    from .query import meeting_texts

    return meeting_texts(db, _selection(db, wanted, output, collection))


#: The records each command with --sort lists (their fields are its CSV columns).
SORTED_COLLECTIONS = {
    "list": "meetings",
    "context": "context",
    "people": "people",
    "events": "events",
    "sources": "sources",
    "audit": "audit",
    "pairs": "pairs",
    "quotes": "quotes",
    "stats": "stats",
}


def _sort_choices(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete --sort with the fields of the command's records."""
    from .render.formats import sort_fields

    command = ctx.command.name or ""
    if command == "search":
        inside = ctx.params.get("where")
        collection = (
            "source_search" if str(getattr(inside, "value", inside)) == "sources" else "search"
        )
    else:
        collection = SORTED_COLLECTIONS.get(command, "")
    if not collection:
        return []
    return [field for field in sort_fields(collection) if field.startswith(incomplete)]


class Sorting(NamedTuple):
    """--sort and --reverse, checked."""

    field: str | None
    reverse: bool


def _sorting(collection: str, field: str | None, reverse: bool) -> Sorting | None:
    """The order asked for (None: the usual one); exits 2 for a field the records lack."""
    if field is None and not reverse:
        return None
    from .render.formats import sort_fields

    fields = sort_fields(collection)
    field = field if field is None else field.strip().lower()
    if field is not None and field not in fields:
        from .query import suggestion

        hint = suggestion(field, fields)
        _fail(f"cannot sort by {field!r}{hint}: the fields are {', '.join(fields)}")
    return Sorting(field, reverse)


def _sorted(
    rows: "list[dict[str, Any]]", collection: str, sorting: Sorting | None
) -> "list[dict[str, Any]]":
    """The rows in the order asked for."""
    if sorting is None:
        return rows
    from .render.formats import sorted_records

    return sorted_records(rows, collection, *sorting)


def _print_empty(output: OutputFormat, collection: str) -> None:
    """Keep pipelines valid when nothing matched (see formats.write_empty)."""
    from .render.formats import write_empty

    write_empty(sys.stdout, output.value, collection)


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
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List meetings in date order (or --sort FIELD), optionally filtered.

    Values of one option are alternatives (--year 2018 --year 2019); different
    options must all hold. A meeting known only to a range of days matches a
    date filter if any day of the range does.
    """
    import json

    from .render import views

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    sorting = _sorting("meetings", sort, reverse)
    db = _db(ctx)
    texts = _select(db, wanted, output, "meetings")
    if output is OutputFormat.json and sorting is None:
        from .render.formats import write_json_texts

        if not write_json_texts(sys.stdout, texts):
            _fail("no meetings match", EXIT_NOTHING)
        return
    rows = _sorted([json.loads(text) for text in texts], "meetings", sorting)
    if not rows:
        _print_empty(output, "meetings")
        _fail("no meetings match", EXIT_NOTHING)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.meeting_table(rows),
        records=lambda: rows,
        collection="meetings",
        title="meetings list",
        svg=svg,
        html=html,
    )


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Id of a meeting, context item, event, source or person, as listed.",
            autocompletion=complete_any_ids,
        ),
    ],
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one record in full: a meeting, context item, event, source or person.

    A meeting shows its participants, summary, quotes, sources and
    disagreements; under each quote, the sentence of the article that holds it
    (the quote highlighted, or between >>> and <<< when piped). The JSON has a
    `record` key saying which kind it is. `meetings source ID` prints a whole article.
    """
    from .query import NotFound, find_any

    output = _format(fmt, as_json, svg, html)
    db = _db(ctx)
    try:
        kind, found = find_any(db, record_id)
    except NotFound as error:
        _fail(str(error), EXIT_NOTHING)
    record, collection = _any_record(db, kind, found)
    from .render import views
    from .report import quote_passages

    passages = quote_passages(db, record) if kind in ("meeting", "context") else None
    _emit(
        ctx,
        output,
        view=lambda terminal: (
            views.meeting_view(record, passages, marks=not terminal)
            if kind == "meeting"
            else views.record_view(record, passages, marks=not terminal)
        ),
        records=lambda: [record],
        collection=collection,
        title=f"meetings show {found}",
        svg=svg,
        html=html,
        single=True,
    )


def _any_record(db: "sqlite3.Connection", kind: str, record_id: str) -> tuple[dict[str, Any], str]:
    """The `show` record of an id of this kind, `record` first; and its CSV collection."""
    from .query import context_item, find_meeting, people_with_counts
    from .render import records
    from .report import citing, meeting_ids_at
    from .store import read_dimensions

    if kind == "meeting":
        return {"record": kind, **find_meeting(db, record_id)}, "meetings"
    if kind == "context":
        return {"record": kind, **context_item(db, record_id)}, "context"
    if kind == "person":
        (count,) = people_with_counts(db, record_id)
        person = records.person_record(count.person, count.meetings, count.disputed)
        return {"record": kind, **person}, "people"
    dims = read_dimensions(db)
    if kind == "event":
        meetings = meeting_ids_at(db, record_id)
        event = records.event_record(dims, dims.event_by_id[record_id], meetings)
        return {"record": kind, **event}, "events"
    source = records.source_record(dims.source_by_id[record_id], *citing(db, record_id))
    return {"record": kind, **source}, "sources"


@app.command()
def source(
    ctx: typer.Context,
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Id of a source, as `meetings sources` lists them.",
            autocompletion=complete_source_ids,
        ),
    ],
    quoted: Annotated[
        bool,
        typer.Option("--quote", "-q", help="Highlight every passage the dataset quotes from it."),
    ] = False,
    meeting: Annotated[
        Optional[str],
        typer.Option(
            "--meeting",
            "-m",
            metavar="ID",
            help="Highlight only the passages this meeting (or context item) quotes from it.",
            show_default=False,
            autocompletion=complete_meeting_ids,
        ),
    ] = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read a source article: its metadata and its text, as the dataset keeps it.

    With --quote, every passage the dataset quotes from it is highlighted (on a
    terminal) or set between >>> and <<< (piped); --meeting ID highlights only
    that meeting's quotes. --json gives the record, its `text`, and `quotes`
    with the character offsets of each highlighted passage (`spans`: start,
    end exclusive, in Unicode characters, as jq's string slices count them).
    --format csv gives one row per highlighted passage.
    """
    from .query import NotFound, find_id
    from .render import records, views
    from .report import article_text, citing, source_quotes
    from .store import read_dimensions

    output = _format(fmt, as_json, svg, html)
    db = _db(ctx)
    try:
        found = find_id(db, "sources", source_id, "source")
    except NotFound as error:
        _fail(str(error) + _sources_of_record(db, source_id), EXIT_NOTHING)
    try:
        within = None if meeting is None else _quoting_record(db, meeting)
    except NotFound as error:
        _fail(str(error), EXIT_NOTHING)
    cited_by = citing(db, found)
    if within is not None and within not in cited_by[0] + cited_by[1]:
        listed = ", ".join(cited_by[0] + cited_by[1]) or "nothing"
        _fail(f"{within} does not cite source {found} (cited by: {listed})", EXIT_NOTHING)
    text = article_text(db, found) or ""
    highlight = quoted or within is not None
    passages = source_quotes(db, found, text, within) if highlight else []
    source_record = records.source_record(read_dimensions(db).source_by_id[found], *cited_by)
    record = {"record": "source", **source_record, "text": text, "quotes": passages}
    if within is not None and not passages:
        _note(f"meetings: {within} cites source {found} but quotes nothing from it")
    rows = [
        {"source": found, **{k: q[k] for k in q if k != "spans"}, **span}
        for q in passages
        for span in q["spans"]
    ]
    if output is OutputFormat.csv:
        from .render.formats import write_collection

        write_collection(sys.stdout, "csv", rows, "passages")
        if not highlight:
            _note("meetings: no passages chosen: add --quote (all) or --meeting ID (one record's)")
        return
    _emit(
        ctx,
        output,
        view=lambda terminal: views.source_view(
            record, passages, highlight=highlight, marks=not terminal
        ),
        records=lambda: [record],
        collection="sources",
        title=f"meetings source {found}",
        svg=svg,
        html=html,
        single=True,
    )


def _sources_of_record(db: "sqlite3.Connection", text: str) -> str:
    """ "; it is a meeting, whose sources are a, b" when text is another kind of record's id."""
    from .query import NotFound, find_any

    try:
        kind, record_id = find_any(db, text)
    except NotFound:
        return ""
    record, _ = _any_record(db, kind, record_id)
    cited = [s["id"] if isinstance(s, dict) else s for s in record.get("sources") or []]
    label = {"context": "context item"}.get(kind, kind)
    if not cited:
        return f"; {record_id} is a {label}"
    return f"; {record_id} is a {label}, whose sources are {', '.join(cited)}"


def _quoting_record(db: "sqlite3.Connection", text: str) -> str:
    """The id of the meeting, or else context item, that text names; NotFound otherwise."""
    from .query import NotFound, find_id, ids, suggestion

    for table, what in (("meetings", "meeting"), ("context", "context item")):
        try:
            return find_id(db, table, text, what)
        except NotFound:
            pass
    hint = suggestion(text, [*ids(db, "meetings"), *ids(db, "context")])
    raise NotFound(f"no meeting or context item with id {text!r}{hint}")


@app.command()
def context(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List what the sources mention that is not a meeting in Moscow (summits, votes, remarks).

    Filters as `list` has them: a date filter keeps items whose dates overlap
    it (undated items only when none is given); --person keeps those that name
    or quote the person; --country, those naming someone from it.
    """
    from .query import MeetingFilter, context_records, context_selection
    from .render import views

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, None, None, topic, person, with_)
    sorting = _sorting("context", sort, reverse)
    db = _db(ctx)
    values = _resolved(db, wanted, output, "context")
    rows = _sorted(context_records(db, selection=context_selection(values)), "context", sorting)
    if not rows:
        _print_empty(output, "context")
        filtered = wanted != MeetingFilter()
        _fail(
            "no context items match" if filtered else "the dataset has no context items",
            EXIT_NOTHING,
        )
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.context_table(rows),
        records=lambda: rows,
        collection="context",
        title="meetings context",
        svg=svg,
        html=html,
    )


@app.command()
def who(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME",
            help=(
                "A name in any spelling or script, e.g. Shoygu, Шойгу, حاتمی; "
                "- reads names from standard input, one per line."
            ),
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

    `meetings who -` resolves the names on standard input, one per line, and
    prints one line per name in input order: tab-separated query, status, id
    and name, or with --json or --format jsonl one `who --json` object per line
    (JSON Lines). It exits 1 if any line did not resolve.

    --format csv prints one row per meeting of the person found: the query,
    the person's id and name, then the columns of `list --format csv`.
    """
    from .match import describe_failure
    from .query import person_index

    output = _format(fmt, as_json, svg, html)
    db = _db(ctx)
    index = person_index(db)
    if name == ["-"]:
        if svg is not None or html is not None:
            _fail("--svg and --html save one person's view: leave them out with `who -`")
        resolved = _who_batch(db, index, output, explain)
        raise typer.Exit(EXIT_OK if resolved else EXIT_NOTHING)
    resolution, report = _who_report(db, index, " ".join(name), explain)
    if output is not OutputFormat.table:
        _write_who(output, [report])
    elif report["person"]:
        from .render import views

        _emit(
            ctx,
            output,
            view=views.who_view(report, explain=explain),
            records=lambda: [report],
            collection="people",
            title=f"meetings who {' '.join(name)}",
            svg=svg,
            html=html,
        )
    if report["person"] is None:
        if explain and output is OutputFormat.table:
            from .render.views import explain_lines

            for line in explain_lines(report):
                _note(line)
        _fail(describe_failure(resolution, index.name_of), EXIT_NOTHING)


def _who_report(
    db: "sqlite3.Connection",
    index: "StoredAliases",
    name: str,
    explain: bool,
    meetings_of: "Callable[[str], list[dict[str, Any]]] | None" = None,
) -> "tuple[Resolution, dict[str, Any]]":
    """How a name resolved, and its `who --json` object (meetings_of: a person's meetings)."""
    from .query import context_records, meetings_with
    from .render import records

    resolution = index.resolve(name, runner_up=explain)
    best = resolution.best
    return resolution, records.who_record(
        resolution,
        records.person_record(index.person(best.person_id)) if best else None,
        (meetings_of or (lambda pid: meetings_with(db, pid)))(best.person_id) if best else [],
        lambda pid: records.person_record(index.person(pid)),
        context_records(db, best.person_id) if best else [],
    )


def _write_who(output: OutputFormat, reports: list[dict[str, Any]]) -> None:
    """`who` reports as json (one object), jsonl, or csv (a row per meeting)."""
    from .render.formats import who_csv_rows, write_collection

    if output is OutputFormat.csv:
        rows = [row for report in reports for row in who_csv_rows(report)]
        write_collection(sys.stdout, "csv", rows, "who")
    else:
        write_collection(sys.stdout, output.value, reports, "who", single=True)


def _who_batch(
    db: "sqlite3.Connection", index: "StoredAliases", output: OutputFormat, explain: bool
) -> bool:
    """Resolve every line of standard input in order; True if every one resolved."""
    import functools

    from .query import meetings_with
    from .render.formats import write_records
    from .render.text import printable

    @functools.cache
    def meetings_of(person_id: str) -> list[dict[str, Any]]:
        return meetings_with(db, person_id)

    try:
        lines = sys.stdin.readlines()
        # In the C locale Python keeps undecodable bytes as lone surrogates instead.
        "".join(lines).encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        _fail(
            f"cannot read names from standard input: it is not {sys.stdin.encoding} text "
            "(the locale or PYTHONIOENCODING says which encoding to expect)"
        )
    except OSError as error:
        _fail(f"cannot read names from standard input: {error}")
    every_one = True
    csv_reports = []
    for line in lines:
        _, report = _who_report(db, index, line.rstrip("\r\n"), explain, meetings_of)
        person = report["person"]
        every_one = every_one and person is not None
        if output is OutputFormat.csv:
            csv_reports.append(report)
        elif output is not OutputFormat.table:  # json in a batch is JSON Lines
            write_records(sys.stdout, "jsonl", [report])
        else:
            cells = (report["query"], report["match"]["status"])
            cells += (person["id"], person["name"]) if person else ("", "")
            sys.stdout.write("\t".join(printable(c, one_line=True) for c in cells) + "\n")
    if output is OutputFormat.csv:
        _write_who(output, csv_reports)
    return every_one


@app.command()
def people(
    ctx: typer.Context,
    country: Annotated[
        Optional[list[str]],
        typer.Option(
            "--country",
            "-c",
            help="Only people from this country (repeatable).",
            show_default=False,
            autocompletion=complete_countries,
        ),
    ] = None,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List everyone in the dataset with country, role and number of meetings.

    --country is the person's own country. The other filters, as `list` has
    them, keep the people who took part in a meeting they select (--with
    Shoigu: everyone who met with Shoigu); the counts stay those of all meetings.
    """
    from .query import MeetingFilter, people_with_counts, selection_of
    from .render import records, views

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, None, event, kind, topic, None, with_)
    sorting = _sorting("people", sort, reverse)
    db = _db(ctx)
    countries = _resolved(db, MeetingFilter(countries=tuple(country or ())), output, "people")
    values = _resolved(db, wanted, output, "people")
    selection = selection_of(values) if wanted != MeetingFilter() else None
    everyone = people_with_counts(db, countries=countries.countries, selection=selection)
    if not everyone:
        _print_empty(output, "people")
        filtered = selection is not None or country
        _fail("no people match" if filtered else "the dataset has no people", EXIT_NOTHING)
    rows = [records.person_record(c.person, c.meetings, c.disputed) for c in everyone]
    rows = _sorted(rows, "people", sorting)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.people_table(rows),
        records=lambda: rows,
        collection="people",
        title="meetings people",
        svg=svg,
        html=html,
    )


class SearchIn(str, Enum):
    """What `search` looks in."""

    meetings = "meetings"
    sources = "sources"


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help='Words to look for (typos are forgiven), "exact phrases", OR, -word, field:word.',
        ),
    ],
    exclude: Annotated[
        Optional[list[str]],
        typer.Option(
            "--not",
            metavar="WORD",
            help="Leave out what holds this word (repeatable); the same as -WORD.",
            show_default=False,
        ),
    ] = None,
    where: Annotated[
        SearchIn,
        typer.Option(
            "--in",
            help="meetings (and context items), or sources: the articles' own texts.",
        ),
    ] = SearchIn.meetings,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=0, max=2**31, help="At most this many results (0: all)."),
    ] = 20,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search summaries, titles, topics, quotes, events, places and names, best match first.

    Every word must be found; each may be misspelt a little ("terorism") and
    names may be in any spelling. Operators: "exact phrase" (quote it for the
    shell too: '"fight against terrorism"'); a OR b; -word or --not word to
    leave out what holds it (put -word after --, as in `search -- syria
    -terrorism`); field:word to look in one field only: person:, country:,
    topic:, quote:, summary:, title:, event:, location:, notes:.

    --in sources searches the source articles' texts instead (field prefixes do
    not apply). Takes the filters of `list`: with --in sources they keep the
    articles cited by the meetings they select.
    """
    from .query import MeetingFilter, QueryError
    from .render import records, views
    from .search import search_meetings, search_sources

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    selection = _selection(db, wanted, output, "search")
    query = " ".join(text)
    # Filters select meetings: context items are searched only when none is given.
    unfiltered = wanted == MeetingFilter()
    collection = "search" if where is SearchIn.meetings else "source_search"
    sorting = _sorting(collection, sort, reverse)
    # In another order, the first N of every hit, not the best N put in that order.
    best = limit or None if sorting is None else None
    try:
        if where is SearchIn.sources:
            chosen = None if unfiltered else selection
            found = search_sources(db, query, chosen, best, excluded=exclude or ())
        else:
            hits = search_meetings(
                db, query, selection, best, context=unfiltered, excluded=exclude or ()
            )
    except QueryError as error:
        _fail(str(error))
    if where is SearchIn.sources:
        from .store import read_dimensions

        dims = read_dimensions(db)
        rows = [records.source_search_record(dims.source_by_id[hit.source], hit) for hit in found]
    elif output is OutputFormat.json and sorting is None:
        from .render.formats import write_json_texts

        if not write_json_texts(sys.stdout, (records.search_text(hit) for hit in hits)):
            _fail(f"no meetings match {query!r}", EXIT_NOTHING)
        return
    else:
        rows = [records.search_record(hit) for hit in hits]
    if not rows:
        _print_empty(output, collection)
        what = "meetings" if where is SearchIn.meetings else "articles"
        either = " (for either of two words, write OR in capitals)" if " or " in query else ""
        _fail(f"no {what} match {query!r}{either}", EXIT_NOTHING)
    rows = _sorted(rows, collection, sorting)[: limit or None]
    _emit(
        ctx,
        output,
        view=lambda _terminal: (
            views.search_table(rows)
            if where is SearchIn.meetings
            else views.source_search_table(rows)
        ),
        records=lambda: rows,
        collection=collection,
        title=f"meetings search {query}",
        svg=svg,
        html=html,
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
    with_: WithOption = None,
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

    from .render import records, views
    from .report import principal_ids
    from .report import timeline as group_by_year

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    groups = group_by_year(db, _selection(db, wanted, output, "timeline"))
    if output is OutputFormat.json:
        from .render.formats import timeline_year_text, write_json_texts

        if not write_json_texts(sys.stdout, (timeline_year_text(y) for y in groups)):
            _fail("no meetings match", EXIT_NOTHING)
        return
    years = records.timeline_record(groups)
    if not years:
        _print_empty(output, "timeline")
        _fail("no meetings match", EXIT_NOTHING)
    principals = principal_ids(db)
    _emit(
        ctx,
        output,
        view=lambda terminal: views.timeline_view(
            years, principals, ascii_only=ascii_only or not terminal
        ),
        records=lambda: [m for y in years for e in y["events"] for m in e["meetings"]],
        collection="timeline",
        title="meetings timeline",
        svg=svg,
        html=html,
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
    with_: WithOption = None,
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
    from .query import NotFound, QueryError, meeting_selection
    from .render import formats
    from .report import meeting_graph

    output = GraphFormat.json if as_json else fmt
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    try:
        graph_rec = meeting_graph(db, meeting_selection(db, wanted))
    except QueryError as error:
        _fail(str(error))
    except NotFound as error:
        formats.write_empty(sys.stdout, output.value, "graph")
        _fail(str(error), EXIT_NOTHING)
    if not graph_rec["nodes"]:
        formats.write_empty(sys.stdout, output.value, "graph")
        _fail("no meetings match", EXIT_NOTHING)
    if output is GraphFormat.json:
        formats.write_json(sys.stdout, graph_rec)
    elif output is GraphFormat.mermaid:
        sys.stdout.write(formats.graph_mermaid(graph_rec))
    else:
        sys.stdout.write(formats.graph_dot(graph_rec))


@app.command()
def events(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the events (conferences, forums) with the meetings held at each.

    Filters as `list` has them keep the events of the meetings they select
    (each event is still listed with all its meetings).
    """
    from .render import records, views
    from .report import meeting_ids_at
    from .store import read_dimensions

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, None, kind, topic, person, with_)
    sorting = _sorting("events", sort, reverse)
    db = _db(ctx)
    kept = _linked(db, wanted, output, "events")("event")
    dims = read_dimensions(db)
    rows = [
        records.event_record(dims, e, meeting_ids_at(db, e.id))
        for e in sorted(dims.events, key=lambda e: (e.year, e.id))
        if kept is None or e.id in kept
    ]
    if not rows:
        _print_empty(output, "events")
        _fail("no events match" if kept is not None else "the dataset has no events", EXIT_NOTHING)
    rows = _sorted(rows, "events", sorting)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.events_table(rows),
        records=lambda: rows,
        collection="events",
        title="meetings events",
        svg=svg,
        html=html,
    )


@app.command()
def sources(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the source articles: outlet, date, and the meetings that cite each.

    Filters as `list` has them keep the sources cited by the meetings they
    select (each still listed with everything that cites it). `meetings source
    ID` prints one article's text.
    """
    from .render import records, views
    from .report import citing
    from .store import read_dimensions

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    sorting = _sorting("sources", sort, reverse)
    db = _db(ctx)
    kept = _linked(db, wanted, output, "sources")("source")
    rows = [
        records.source_record(s, *citing(db, s.id))
        for s in read_dimensions(db).sources
        if kept is None or s.id in kept
    ]
    if not rows:
        _print_empty(output, "sources")
        _fail(
            "no sources match" if kept is not None else "the dataset has no sources", EXIT_NOTHING
        )
    rows = _sorted(rows, "sources", sorting)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.sources_table(rows),
        records=lambda: rows,
        collection="sources",
        title="meetings sources",
        svg=svg,
        html=html,
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
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Count meetings by year, country, kind and topic (with the filters of `list`).

    A meeting counts under every country among its participants and every
    topic it has, so those columns add up to more than the number of meetings.
    """
    from .render import records, views
    from .report import statistics

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    sorting = _sorting("stats", sort, reverse)
    counts = statistics(db, _selection(db, wanted, output, "stats"))
    if sorting is not None:
        from .render.formats import sorted_records

        for dimension, pairs in counts.items():
            rows = [{"dimension": dimension, "value": v, "count": n} for v, n in pairs]
            in_order = sorted_records(rows, "stats", *sorting)
            counts[dimension] = [(row["value"], row["count"]) for row in in_order]
    if not counts["kind"]:
        _print_empty(output, "stats")
        _fail("no meetings match", EXIT_NOTHING)
    if output is OutputFormat.json:
        from .render.formats import write_json

        write_json(sys.stdout, records.stats_record(counts))
        return
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.stats_tables(records.stats_record(counts)),
        records=lambda: records.stats_rows(counts),
        collection="stats",
        title="meetings stats",
        svg=svg,
        html=html,
    )


@app.command()
def audit(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every place where sources disagree or a date is inferred rather than stated.

    Filters keep the findings about the records they keep elsewhere: the
    meetings of `list`, the items of `context`, and the people, events and
    sources of those meetings.
    """
    from .render import records, views
    from .report import audit as find_uncertainties

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    sorting = _sorting("audit", sort, reverse)
    db = _db(ctx)
    kept = _linked(db, wanted, output, "audit")
    findings = find_uncertainties(db)
    by_kind = {kind: kept(kind) for kind in dict.fromkeys(f.record for f in findings)}
    rows = [
        records.finding_record(f)
        for f in findings
        if by_kind[f.record] is None or f.id in (by_kind[f.record] or ())
    ]
    if not rows:
        _print_empty(output, "audit")
        if any(ids is not None for ids in by_kind.values()):
            _fail("no findings about the records that match", EXIT_NOTHING)
        _note("meetings: nothing to report: every date is stated and no sources disagree")
        return
    rows = _sorted(rows, "audit", sorting)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.audit_table(rows),
        records=lambda: rows,
        collection="audit",
        title="meetings audit",
        svg=svg,
        html=html,
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
    from .render.formats import write_json
    from .store import open_dataset

    settings: Settings = ctx.obj
    root = _dataset_root(path or settings.data)
    if not (path or settings.data or os.environ.get(DATA_ENV)):
        # Not named: say which copy, the checkout's or one installed with the package.
        _note(f"meetings: validating the bundled dataset {root}")
    try:
        db = open_dataset(
            root, use_cache=settings.cache, progress=_progress(), warn=_note, verify=True
        )
    except DataError as error:
        if as_json:
            listed = [p._asdict() for p in error.problems]
            write_json(
                sys.stdout,
                {"ok": False, "path": str(root), "problems": listed, "unlisted": error.more},
            )
        _print_problems(error.lines())
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("meetings", "people", "events", "sources", "topics", "context")
    }
    if as_json:
        write_json(sys.stdout, {"ok": True, "path": str(root), "counts": counts, "problems": []})
        return
    from .render.text import escaped

    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(f"ok: {escaped(str(root))}: {summary}; every quote found in its source")


@app.command()
def pairs(
    ctx: typer.Context,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every pair of people who met: how many meetings, in which years, most first.

    Takes the filters of `list` (they choose the meetings; every pair at them
    is listed). Alternative readings of one seat did not meet each other; a
    pair is disputed (? in the table) when either is named by only some sources.
    """
    from .render import views
    from .report import meeting_pairs

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    sorting = _sorting("pairs", sort, reverse)
    rows = _sorted(meeting_pairs(db, _selection(db, wanted, output, "pairs")), "pairs", sorting)
    if not rows:
        _print_empty(output, "pairs")
        _fail("no pairs of people met in the meetings that match", EXIT_NOTHING)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.pairs_table(rows),
        records=lambda: rows,
        collection="pairs",
        title="meetings pairs",
        svg=svg,
        html=html,
    )


@app.command()
def export(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="FILE.db", help="Where to write the SQLite database.", show_default=False
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE.db if it exists.")] = False,
) -> None:
    """Write the compiled dataset as an SQLite database, for sqlite3, sqlite-utils or datasette.

    The README documents its tables, with example queries.
    """
    import sqlite3

    from .store import export as write_database

    if name in ("", "-"):  # a database is a file, not a stream
        _fail(f"export needs a file name, not {name!r}")
    target = Path(name)
    if target.is_dir():
        _fail(f"cannot write {target}: it is a folder")
    if target.exists() and not force:
        _fail(f"{target} exists: give --force to replace it")
    if not target.parent.is_dir():
        _fail(f"cannot write {target}: no such folder {target.parent}")
    db = _db(ctx)
    try:
        write_database(db, target)
    except OSError as error:
        _fail(f"cannot write {target}: {error.strerror}")
    except sqlite3.Error as error:
        _fail(f"cannot write {target}: {error}")
    _note(f"meetings: wrote {target}")


SpeakerOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--speaker",
        "-s",
        metavar="NAME",
        help="Only this speaker's quotes: a name in any spelling or script (repeatable).",
        show_default=False,
        autocompletion=complete_people,
    ),
]


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: SpeakerOption = None,
    year: YearOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    country: CountryOption = None,
    event: EventOption = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    person: PersonOption = None,
    with_: WithOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every quote: its words, speaker, date, meeting or context item, and source.

    Takes the filters of `list`; context items' quotes are listed only when
    none is given (--speaker is not a filter of meetings). --format csv and
    jsonl give one row per quote.
    """
    from .query import MeetingFilter, NotFound, person_index, resolve_person
    from .render import views
    from .report import quotes as quotes_of

    output = _format(fmt, as_json, svg, html)
    wanted = _filters(year, from_, to, country, event, kind, topic, person, with_)
    db = _db(ctx)
    selection = _selection(db, wanted, output, "quotes")
    sorting = _sorting("quotes", sort, reverse)
    try:
        index = person_index(db)
        speakers = tuple(dict.fromkeys(resolve_person(index, s).id for s in speaker or ()))
    except NotFound as error:
        _print_empty(output, "quotes")
        _fail(str(error), EXIT_NOTHING)
    rows = quotes_of(db, selection, context=wanted == MeetingFilter(), speakers=speakers)
    rows = _sorted(rows, "quotes", sorting)
    if not rows:
        _print_empty(output, "quotes")
        _fail("no quotes match", EXIT_NOTHING)
    _emit(
        ctx,
        output,
        view=lambda _terminal: views.quotes_table(rows),
        records=lambda: rows,
        collection="quotes",
        title="meetings quotes",
        svg=svg,
        html=html,
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the data files (for editors and other validators)."""
    from .render.formats import write_json
    from .schema import json_schema

    write_json(sys.stdout, json_schema())


# --------------------------------------------------------------------------- cache

cache_app = typer.Typer(
    help="Where compiled datasets are kept, and removing them.", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("path")
def cache_path(ctx: typer.Context) -> None:
    """Print the cache folder, and the cache file of the dataset in use (if it has one)."""
    from .store import cache_dir, cache_file

    typer.echo(escaped_path(cache_dir()))
    settings: Settings = ctx.obj
    target = cache_file(locate_dataset(settings.data))
    if target.is_file():
        typer.echo(escaped_path(target))


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove this user's cache files; each dataset is compiled again when next read."""
    from .store import clear_cache

    cleared = clear_cache(warn=_note)
    if cleared is None:
        _fail("the cache folder is not cleared: it is not this user's alone")
    folder, removed = cleared
    _note(f"meetings: removed {removed} cache file{'s' * (removed != 1)} from {folder}")


def escaped_path(path: Path) -> str:
    """A path as printed on standard output: control and bidi characters escaped."""
    from .render.text import escaped

    return escaped(str(path))


# --------------------------------------------------------------------------- entry point


def main_status(argv: Sequence[str] | None = None) -> int:
    """Run the command line on argv (default: sys.argv); the exit status.

    A cache found damaged while answering is removed; the command runs again on a
    fresh compile if nothing read from the damaged cache was used yet.
    """
    try:
        return _status(argv)
    except Exception as error:
        store = sys.modules.get(f"{__package__}.store")
        damage = store.damage_of(error) if store is not None else None
        if store is None or damage is None:
            raise
        untouched = store.VERIFIER.rows == 0
        if not store.discard_damaged_cache():
            raise  # a database in memory cannot be damaged by a disk: a bug
        if untouched:
            _note(f"meetings: warning: the cache was damaged ({damage}); compiling it again")
            return _status(argv)
        _note(f"meetings: the cache was damaged ({damage}); it is removed: run the command again")
        return EXIT_USAGE


def _status(argv: Sequence[str] | None) -> int:
    try:
        code = app(args=argv, prog_name="meetings", standalone_mode=False)
    except typer.TyperException as error:  # usage errors, printed as Typer would
        show = getattr(error, "show", None)
        if show is not None:
            # Typer escapes some of the arguments it quotes, not all (bidi overrides).
            shown = io.StringIO()
            show(file=shown)
            for line in shown.getvalue().rstrip("\n").split("\n"):
                _note(line)
            ctx = getattr(error, "ctx", None)
            option = str(getattr(error, "option_name", "") or "")
            searching = ctx is not None and ctx.command.name == "search"
            if searching and option.startswith("-") and not option.startswith("--"):
                _note(
                    "Hint: to leave out a word, put it after --"
                    " (meetings search [OPTIONS] -- talks -Kazakhstan) or give --not WORD"
                )
        else:
            _note(f"meetings: {error}")
        code = error.exit_code
    except typer.Abort:
        _note("Aborted!")
        code = EXIT_NOTHING
    return code if isinstance(code, int) else EXIT_OK


#: Why writing the output can fail through no fault of the program: a full disk or
#: quota, a file too large, a device error, a reader gone (where SIGPIPE is not default).
_WRITE_FAILURES = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EPIPE")
    if hasattr(errno, name)
)


def _cannot_write(error: OSError) -> None:
    # Straight to the descriptor: sys.stderr may be the stream that failed.
    with contextlib.suppress(OSError):
        os.write(2, f"meetings: cannot write the output: {error.strerror}\n".encode())


def run() -> NoReturn:
    """The `meetings` entry point: run sys.argv and exit with its status."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        # When the reader goes away (`| head -1`), end quietly as cat and grep do,
        # instead of a BrokenPipeError from whichever write noticed it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        # A character the output's encoding lacks (PYTHONIOENCODING=ascii, a Latin-1
        # locale) is written as an escape, \u0634, as Python does on standard error.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = main_status()
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # the last line of defence against tracebacks
        if isinstance(error, OSError) and error.errno in _WRITE_FAILURES:
            _cannot_write(error)
            code = EXIT_USAGE
        elif os.environ.get("MEETINGS_DEBUG"):
            raise
        else:
            code = _internal_error(error)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError as error:
        _cannot_write(error)
        code = code or EXIT_USAGE
    # Leave without the interpreter's teardown: finalising the few hundred modules
    # Typer loads takes longer than answering most questions (about 1.4 x a bare
    # Python start; benchmarks/bench.py). Output is flushed above, every file and
    # database is closed where it was opened, and nothing registers atexit work.
    os._exit(code)


def _internal_error(error: Exception) -> int:
    """Say that a bug stopped the run, without a traceback; the exit status, 3."""
    _note(
        f"meetings: internal error: {type(error).__name__}: {error} "
        "(a bug: please report it; MEETINGS_DEBUG=1 shows the traceback)"
    )
    return 3
