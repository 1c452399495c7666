"""The one printer: a command's Result, written in the format asked for.

FORMATS maps each format to its writer, so a new format is an entry, not a
branch in every command. The empty shapes (`[]`, a CSV header, a graph with no
nodes) keep pipelines valid when nothing matched. JSON is indented on a
terminal and written one record per line when piped (as gh does): the same
values either way.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO, TypeVar, cast

from ..errors import EXIT_NOTHING, EXIT_OK, CannotWrite, UsageError
from .options import Output, Sorting

if TYPE_CHECKING:
    from ..render.draw import View

Rows = TypeVar("Rows", bound=Sequence[dict[str, Any]])


class Streamed(Protocol):
    """Records written as they are made, too many to hold at once (`render.streamed`)."""

    def empty(self) -> bool: ...

    def write(self, out: TextIO, fmt: str, *, pretty: bool) -> None: ...


class Result(NamedTuple):
    """What a command computed, for `emit` to write.

    `records` are what json, jsonl and csv write (csv with the CSV columns of
    `collection`); `value`, when given, is the JSON instead (one object, or a
    graph); `view` is the table; `text`, where a command prints plain lines
    instead of a table; `format`, where the command writes another format than the one
    asked for (JSON Lines for many answers); `stream`, records that write themselves in
    the format asked for as they are made. With no records, no value and an empty stream,
    the empty shape is written and `empty` is said (exit 1), unless `empty` is blank.
    """

    collection: str
    records: Sequence[dict[str, Any]] = ()
    view: View | None = None
    value: Any = None
    text: str | None = None
    empty: str = ""
    notes: tuple[str, ...] = ()
    status: int = EXIT_OK
    title: str = "meetings"
    format: str | None = None
    stream: Streamed | None = None


def emit(result: Result, output: Output) -> int:
    """Write a result to standard output in the chosen format; its notes to standard error.

    The exit status: the result's, or 1 when it is empty and says why.
    """
    from .session import note

    out: TextIO = sys.stdout
    fmt = result.format or output.format
    if output.excel and fmt == "csv":
        out = cast(TextIO, _ForExcel(out))
    nothing = result.stream is None or result.stream.empty()
    if not result.records and result.value is None and result.text is None and nothing:
        write_empty(out, fmt, result.collection)
        for line in result.notes:
            note(line)
        if result.empty:
            note(f"meetings: {result.empty}")
            return EXIT_NOTHING
        return result.status
    if result.stream is not None:
        result.stream.write(out, fmt, pretty=out.isatty())
    else:
        FORMATS[fmt](out, result, output)
    for line in result.notes:
        note(line)
    return result.status


class _ForExcel(io.TextIOBase):
    """Text written as Excel reads CSV: a UTF-8 byte-order mark first, CRLF line ends
    (the CSV writers write LF; a quoted value's own line breaks become CRLF too)."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.started = out, False

    def write(self, text: str) -> int:
        if not self.started:
            self.out.write("\ufeff")
            self.started = True
        self.out.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        return False


def write_empty(out: TextIO, fmt: str, collection: str) -> None:
    """The empty value of a format (nothing for a table)."""
    from ..render.formats import write_empty as write

    write(out, fmt, collection)


def _table(out: TextIO, result: Result, output: Output) -> None:
    if result.text is not None:
        out.write(result.text)
        return
    if result.view is None:
        raise UsageError(f"{result.collection} has no table: give --format json")
    from ..render.draw import draw

    try:
        draw(
            out,
            result.view,
            color=output.color,
            svg=output.svg,
            html=output.html,
            title=result.title,
        )
    except OSError as error:
        if error.filename is None:  # standard output itself: the entry point reports it
            raise
        raise CannotWrite(f"cannot write {error.filename}: {error.strerror}") from None


def _json(out: TextIO, result: Result, output: Output) -> None:
    from ..render.formats import write_json, write_json_array

    pretty = out.isatty()
    if result.value is not None:
        write_json(out, result.value, pretty=pretty)
    else:
        write_json_array(out, result.records, pretty=pretty)


def _jsonl(out: TextIO, result: Result, output: Output) -> None:
    from ..render.formats import write_records

    write_records(out, "jsonl", result.records)


def _csv(out: TextIO, result: Result, output: Output) -> None:
    from ..render.formats import write_collection

    write_collection(out, "csv", result.records, result.collection)


def _graph(fmt: str) -> Callable[[TextIO, Result, Output], None]:
    def write(out: TextIO, result: Result, output: Output) -> None:
        from ..render import formats

        out.write(
            formats.graph_dot(result.value) if fmt == "dot" else formats.graph_mermaid(result.value)
        )

    return write


#: Every output format and its writer.
FORMATS: dict[str, Callable[[TextIO, Result, Output], None]] = {
    "table": _table,
    "json": _json,
    "jsonl": _jsonl,
    "csv": _csv,
    "dot": _graph("dot"),
    "mermaid": _graph("mermaid"),
}


#: Options a picture's title leaves out: where it is saved, which dataset, how drawn.
_NOT_IN_TITLES = frozenset(("svg", "html", "data", "color", "no_cache"))


def command_line(ctx: Any) -> str:
    """The command as a picture's title: its arguments and options, not where it is saved."""
    import shlex

    from typer.core import TyperArgument, TyperOption

    from .options import option_value

    words = ["meetings", ctx.info_name or ""]
    for param in ctx.command.params:
        value = option_value(ctx, param.name or "")
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


def in_order(rows: Rows, collection: str, sorting: Sorting | None) -> Rows | list[dict[str, Any]]:
    """The rows in the order asked for (--sort, --reverse), or as they are."""
    if sorting is None:
        return rows
    from ..render.formats import sorted_records

    return sorted_records(rows, collection, *sorting)
