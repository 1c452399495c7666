"""Every shared option once: filters (from `filters.FILTERS`), output, sorting, completion.

A command declares what it takes with `@takes(...)`; the app adds those
options to it (`command_options`) and their values reach the command as one
`Request` (`request(ctx)`), never as positional values.
"""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

import contextlib
import errno
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import typer
from typer.core import TyperGroup, TyperOption

from ..errors import CannotWrite, UsageError, echo, refuse_option_as_value
from ..filters import FILTERS, Given, filters_over

if TYPE_CHECKING:
    import sqlite3

#: Where a command's declaration is kept on its function.
TAKES = "__meetings_takes__"
#: ctx.meta keys: option values by name; the output, collection and context of the command run.
VALUES, OUTPUT = "meetings.values", "meetings.output"
COLLECTION, COMMAND = "meetings.collection", "meetings.command"

#: What each output format is, for the --format help.
FORMAT_HELP = {
    "table": "table (default)",
    "json": "json",
    "jsonl": "jsonl",
    "csv": "csv",
    "dot": "dot (Graphviz, the default)",
    "mermaid": "mermaid",
}
RECORD_FORMATS = ("table", "json", "jsonl", "csv")
GRAPH_FORMATS = ("dot", "mermaid", "json")


class Takes(NamedTuple):
    """What a command takes besides its own parameters, and what it lists."""

    collection: str  # its records: their CSV columns, --sort fields and empty output
    over: str | None = None  # the table whose filters it takes (filters.filters_over)
    without: tuple[str, ...] = ()  # filters of that table it does not take
    formats: tuple[str, ...] = RECORD_FORMATS  # the first is the default
    sort: bool = False  # --sort FIELD and --reverse
    pictures: bool = True  # --svg FILE and --html FILE, with the table
    single: bool = False  # it answers with one record: nothing found prints nothing


F = TypeVar("F", bound=Callable[..., Any])


def takes(
    collection: str,
    over: str | None = None,
    *,
    without: tuple[str, ...] = (),
    formats: tuple[str, ...] = RECORD_FORMATS,
    sort: bool = False,
    pictures: bool = True,
    single: bool = False,
) -> Callable[[F], F]:
    """Declare the shared options a command takes (put it under `@app.command()`)."""

    def declare(command: F) -> F:
        declared = Takes(collection, over, without, formats, sort, pictures, single)
        setattr(command, TAKES, declared)
        return command

    return declare


class Output(NamedTuple):
    """How a command's result is written."""

    format: str
    svg: str | None = None
    html: str | None = None
    color: str = "auto"
    #: CSV for Excel: a UTF-8 byte-order mark first and CRLF line ends.
    excel: bool = False


class Sorting(NamedTuple):
    """--sort and --reverse, checked."""

    field: str | None
    reverse: bool


class Request(NamedTuple):
    """Everything a command was asked besides its own parameters."""

    given: Given  # filter values by option name (only those given)
    output: Output
    sorting: Sorting | None  # None: the usual order

    @property
    def filtered(self) -> bool:
        """True if any filter was given."""
        return bool(self.given)


def request(ctx: typer.Context) -> Request:
    """The shared options of the command being run, checked (UsageError if they disagree)."""
    from .session import settings_of

    takes_: Takes = getattr(ctx.command.callback, TAKES)
    values: dict[str, Any] = ctx.meta.get(VALUES, {})
    output = _output(takes_, values, settings_of(ctx).color)
    collection = sort_collection(ctx)
    # Nothing found keeps a pipeline valid with the empty list, unless one record was asked.
    empty = None if takes_.single else collection
    ctx.meta[OUTPUT], ctx.meta[COLLECTION], ctx.meta[COMMAND] = output, empty, ctx
    given = {
        option.name: (True,) if values[option.name] is True else tuple(values[option.name])
        for name in filter_names(takes_)
        for option in FILTERS[name].options
        if values.get(option.name)
    }
    return Request(given, output, _sorting(collection, values.get("sort"), values.get("reverse")))


def filter_names(takes_: Takes) -> tuple[str, ...]:
    """The filters a command takes, read from the table each time (a new row reaches them)."""
    return () if takes_.over is None else filters_over(takes_.over, takes_.without)


def _output(takes_: Takes, values: dict[str, Any], color: str) -> Output:
    fmt, as_json, excel = values.get("format"), values.get("json", False), values.get("excel")
    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json and --format {fmt} disagree: give one of them")
    if excel and (as_json or fmt not in (None, "csv")):
        raise UsageError("--excel writes CSV: leave out --json and --format, or give --format csv")
    chosen = "json" if as_json else fmt or ("csv" if excel else takes_.formats[0])
    svg, html = values.get("svg"), values.get("html")
    if (svg is not None or html is not None) and chosen != "table":
        given = "--excel" if excel else "--format/--json"
        raise UsageError(f"--svg and --html save table output: leave out {given}")
    output = Output(chosen, svg, html, color, bool(excel))
    check_pictures(output)
    return output


def _sorting(collection: str, field: str | None, reverse: bool | None) -> Sorting | None:
    """The order asked for (None: the usual one); UsageError for a field the records lack."""
    if field is None and not reverse:
        return None
    from ..render.formats import sort_fields

    fields = sort_fields(collection)
    if field is not None:
        refuse_option_as_value("--sort", field)
    field = field if field is None else field.strip().lower()
    if field == "engagements" and collection == "people":
        field = "meetings"  # the tables' name for the count the records call meetings
    if field is not None and field not in fields:
        from ..query import suggestion

        hint = suggestion(field, fields)
        raise UsageError(f"cannot sort by {echo(field)}{hint}: the fields are {', '.join(fields)}")
    return Sorting(field, bool(reverse))


def sort_collection(ctx: typer.Context) -> str:
    """The collection whose fields --sort takes (search --in sources lists articles)."""
    takes_: Takes | None = getattr(ctx.command.callback, TAKES, None)
    if takes_ is None:
        return ""
    inside = ctx.params.get("where")
    if takes_.collection == "search" and str(getattr(inside, "value", inside)) == "sources":
        return "source_search"
    return takes_.collection


def check_pictures(output: Output) -> None:
    """UsageError or CannotWrite unless the --svg and --html files can be written: checked
    before anything is printed."""
    for name, option in ((output.svg, "--svg"), (output.html, "--html")):
        if name is not None:
            check_writable(name, option)


def check_writable(name: str, option: str) -> None:
    """CannotWrite unless a file can be written at name (UsageError for no name)."""
    if name in ("", "-"):
        # Standard output has the table: the picture needs a file of its own.
        raise UsageError(f"{option} needs a file name, not {name!r}")
    refuse_option_as_value(option, name)
    from ..errors import shown_path

    shown = shown_path(name)
    if os.path.isdir(name):
        raise CannotWrite(f"cannot write {shown}: it is a folder")
    try:
        # Create it to learn whether it can be (permissions, name length, missing folder).
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        handle = None
    except OSError as error:
        if error.errno == errno.ENOENT:
            raise CannotWrite(
                f"cannot write {shown}: no such folder {shown_path(os.path.dirname(name))}"
            ) from None
        raise CannotWrite(f"cannot write {shown}: {error.strerror}") from None
    if handle is not None:
        os.close(handle)
        os.unlink(name)
        return
    try:  # an existing file is replaced: it must be writable
        os.close(os.open(name, os.O_WRONLY))
    except OSError as error:
        raise CannotWrite(f"cannot write {shown}: {error.strerror}") from None


# --------------------------------------------------------------------------- building options


def command_options(takes_: Takes) -> list[TyperOption]:
    """The options a declaration adds to its command, in the order help lists them."""
    options = [_filter_option(o) for name in filter_names(takes_) for o in FILTERS[name].options]
    if takes_.sort:
        options += [
            _option(
                "sort", ("--sort",), "Order by this field: a column of --format csv (Tab completes"
                " them).", metavar="FIELD", completion=_sort_choices,
            ),
            _option(
                "reverse", ("--reverse", "-r"),
                "Turn the order round (with --sort, or the usual one).", flag=True,
            ),
        ]  # fmt: skip
    if takes_.pictures:
        for name in ("svg", "html"):
            what = name.upper()
            options.append(
                _option(
                    name, (f"--{name}",), f"Also save the table as {what}, drawn as on a"
                    " terminal (not - : stdout has the table).", metavar="FILE",
                )
            )  # fmt: skip
    listed = [FORMAT_HELP[f] for f in takes_.formats]
    described = ", ".join(listed[:-1]) + f" or {listed[-1]}"
    json_help = " (--json: short for json)." if "json" in takes_.formats else "."
    options += [
        _option(
            "format",
            ("--format", "-f"),
            described + json_help,
            metavar=f"[{'|'.join(takes_.formats)}]",
            choices=takes_.formats,
        ),
        _option("json", ("--json",), "Print JSON.", flag=True),
        *(
            [
                _option(
                    "excel",
                    ("--excel",),
                    "CSV that Excel opens as UTF-8 (a byte-order mark,"
                    " CRLF line ends); implies --format csv.",
                    flag=True,
                )
            ]
            if "csv" in takes_.formats
            else []
        ),
    ]
    return options


def _filter_option(option: Any) -> TyperOption:
    from .typer_adapter import whole_number

    if option.kind == "flag":
        return _option(option.name, option.flags, option.help, flag=True)
    return _option(
        option.name,
        option.flags,
        option.help,
        metavar=option.metavar,
        multiple=True,
        kind=whole_number(1, 9999, "a year", "2019") if option.kind == "year" else None,
        completion=_completion_of(option.completion) if option.completion else None,
    )


def _option(
    name: str,
    flags: tuple[str, ...],
    help: str,
    *,
    metavar: str | None = None,
    flag: bool = False,
    multiple: bool = False,
    kind: Any = None,
    choices: tuple[str, ...] = (),
    completion: Callable[[typer.Context, str], list[str]] | None = None,
) -> TyperOption:
    if choices:
        from .typer_adapter import choice

        kind = choice(choices)
    return TyperOption(
        param_decls=[name, *flags],
        type=kind,
        metavar=metavar,
        is_flag=flag or None,
        default=False if flag else None,
        multiple=multiple,
        help=help,
        expose_value=False,
        callback=_keep,
        # TyperOption calls it as Typer's own normalised form: (ctx, args, incomplete).
        autocompletion=None if completion is None else _unargued(completion),
        show_default=False,
    )


def _unargued(
    completion: Callable[[typer.Context, str], list[str]],
) -> Callable[[typer.Context, list[str], str], list[str]]:
    return lambda ctx, _args, incomplete: completion(ctx, incomplete)


def _keep(ctx: typer.Context, param: Any, value: Any) -> Any:
    """Keep an option's value for request(): the command's function does not take it."""
    values = ctx.meta.setdefault(VALUES, {})
    if value not in (None, (), []) and value is not False:
        values[param.name] = value
    return value


def option_value(ctx: typer.Context, name: str) -> Any:
    """The value of an option, whether the function takes it or request() does."""
    if name in ctx.params:
        return ctx.params[name]
    return ctx.meta.get(VALUES, {}).get(name)


# --------------------------------------------------------------------------- completion


def _completion_db(ctx: typer.Context) -> "sqlite3.Connection | None":
    """The compiled dataset in use, for Tab completion; None if it cannot be read or is invalid."""
    import sqlite3

    from ..errors import DataError
    from ..paths import locate_dataset
    from ..store import open_dataset

    data = ctx.meta.get("meetings.data", ctx.find_root().params.get("data"))
    try:
        return open_dataset(locate_dataset(data))
    except (DataError, OSError, sqlite3.Error):
        return None


def _completion_values(ctx: typer.Context, sql: str) -> list[str]:
    """The first column of sql over the dataset in use (none if it cannot be read)."""
    db = _completion_db(ctx)
    if db is None:
        return []
    with contextlib.closing(db):
        return [row[0] for row in db.execute(sql) if row[0] is not None]


def _completion_of(sql: str) -> Callable[[typer.Context, str], list[str]]:
    """How a filter option completes: people's names as `who` completes them, else the values
    sql lists."""
    from ..filters import COUNTRIES_COMPLETION, PEOPLE_COMPLETION

    if sql == PEOPLE_COMPLETION:
        return complete_people
    return _complete_countries if sql == COUNTRIES_COMPLETION else _completer(sql)


def _complete_countries(ctx: typer.Context, incomplete: str) -> list[str]:
    """The countries of the data, and their other names that --country takes (Росс<Tab>:
    Россия, USA)."""
    from ..filters import COUNTRIES_COMPLETION, COUNTRY_NAMES

    countries = _completion_values(ctx, COUNTRIES_COMPLETION)
    wanted = incomplete.casefold()
    names = [n for c in countries for n in (c, *COUNTRY_NAMES.get(c, ()))]
    return [name for name in dict.fromkeys(names) if name.casefold().startswith(wanted)]


def _completer(sql: str) -> Callable[[typer.Context, str], list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        wanted = incomplete.casefold()
        values = dict.fromkeys(_completion_values(ctx, sql))
        return [v for v in values if v.casefold().startswith(wanted)]

    return complete


def _sort_choices(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete --sort with the fields of the command's records."""
    from ..render.formats import sort_fields

    collection = sort_collection(ctx)
    if not collection:
        return []
    wanted = incomplete.strip().lower()  # --sort takes a field in any case
    return [field for field in sort_fields(collection) if field.startswith(wanted)]


_ANY_ID = (
    "SELECT id FROM meetings UNION ALL SELECT id FROM context UNION ALL SELECT id FROM events"
    " UNION ALL SELECT id FROM sources UNION ALL SELECT id FROM people"
)
complete_meeting_ids = _completer("SELECT id FROM meetings ORDER BY start, end, id")
complete_any_ids = _completer(_ANY_ID)
complete_source_ids = _completer("SELECT id FROM sources ORDER BY rowid")


def complete_people(ctx: typer.Context, incomplete: str) -> list[str]:
    """Names Tab offers: as the articles print them, and in the scripts the curators give,
    whole or their surname (`who Шой<Tab>`, `who شوی<Tab>`); not the romanisations and
    spellings made from them."""
    texts = _completion_values(ctx, _NAMES)
    wanted = incomplete.casefold()
    offered = dict.fromkeys(
        name
        for text in texts
        # A surname alone names someone (a given name not): the Latin ones are the short
        # names already; in another script, the last word (Шойгу).
        for name in ((text,) if text.isascii() else (text, text.split()[-1]))
        if name.casefold().startswith(wanted)
    )
    return list(offered)


_NAMES = (
    "SELECT short_name FROM people UNION ALL SELECT name FROM people UNION ALL"
    # Names in other scripts as the records give them: the aliases keep one of each fold
    # (Сергей and Сергій fold alike), and a homonym is somebody else.
    " SELECT json_extract(n.value, '$.name') FROM people p,"
    " json_each(verified(p.value, p.checksum), '$.native_names') n UNION ALL"
    " SELECT json_extract(n.value, '$.name') FROM people p,"
    " json_each(verified(p.value, p.checksum), '$.other_names') n UNION ALL"
    " SELECT text FROM aliases WHERE kind NOT LIKE '%romanisation%'"
    " AND kind NOT LIKE '%Arabic script writes it%' AND kind NOT LIKE '%written together%'"
    " AND kind NOT LIKE 'homonym%'"
)


class WholeSummaries(TyperGroup):
    """A group of commands whose help lists each command with its whole first sentence
    (Click cuts them at 45 characters)."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self.write_summaries(ctx, formatter, "Commands", self.list_commands(ctx))

    def write_summaries(self, ctx: Any, formatter: Any, title: str, names: list[str]) -> None:
        """A help section: each of the commands named, with the first paragraph of its help."""
        rows = []
        for name in names:
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                first = (command.help or "").strip().split("\n\n")[0]
                rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)
