"""The `meetings` app: the root Typer app, its global options, and the one error boundary.

Commands live in `commands/`, one module per family, each a `typer.Typer()`
added here. A command returns a `Result`; `Meetings.invoke` writes it with
`emit` and turns the project's exceptions into messages and exit statuses.
`run()`, the entry point, is the last line of defence: closed streams, Ctrl-C
and bugs (exit 3, without a traceback).
"""

# No `from __future__ import annotations` here: Typer would then evaluate every
# option's annotation from a string on each run, which costs start-up time.

import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .commands import data, lists, lookup, reports, search
from .errors import EXIT_BUG, EXIT_NOTHING, EXIT_OK, EXIT_USAGE, DataError, Failure, NotFound
from .paths import DATA_ENV
from .shell.options import (
    COLLECTION,
    COMMAND,
    OUTPUT,
    TAKES,
    Output,
    WholeSummaries,
    command_options,
)
from .shell.session import Settings, note


class ColorMode(str, Enum):
    """When tables are coloured."""

    auto = "auto"
    always = "always"
    never = "never"


class Shell(str, Enum):
    """Shells Tab completion is written for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"
    pwsh = "pwsh"


#: Settings fields of the global options (parameter name: field).
_GLOBAL_OPTIONS = {"data": "data", "color": "color", "no_cache": "cache"}


#: The commands by what they are for, in the order `meetings --help` lists them.
COMMAND_GROUPS: dict[str, list[str]] = {
    "Read the record": ["list", "show", "who", "search", "timeline", "quotes", "context"],
    "Look across it": ["people", "pairs", "graph", "events", "stats", "sources", "source"],
    "Check and keep it": ["audit", "validate", "schema", "export", "cache"],
}
#: Every command's name.
COMMANDS = frozenset(name for names in COMMAND_GROUPS.values() for name in names)


#: Two or three examples for each command's --help (after its own text).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "list": ("meetings list --year 2018", "meetings list --with Shoigu --disputed",
             "meetings list --country Serbia --json | jq -r '.[].id'"),
    "show": ("meetings show mcis2018-kazakhstan", "meetings show amir-hatami",
             "meetings show army2020-russia --json | jq '.claims[0]'"),
    "who": ("meetings who Shoygu", "meetings who 'Сергей Шойгу' --explain",
            "printf 'Shoigu\\nKhatami\\n' | meetings who - --json"),
    "search": ("meetings search refugees", "meetings search '\"fight against terrorism\"'",
               "meetings search -- talks -Kazakhstan"),
    "timeline": ("meetings timeline", "meetings timeline --year 2020 --ids"),
    "quotes": ("meetings quotes --speaker Hatami --year 2020",
               "meetings quotes --format csv > quotes.csv"),
    "context": ("meetings context --year 2019", "meetings context --person Shoigu"),
    "people": ("meetings people", "meetings people --with Shoigu --json"),
    "pairs": ("meetings pairs", "meetings pairs --year 2018 --format csv"),
    "graph": ("meetings graph | dot -Tsvg > graph.svg", "meetings graph --format mermaid"),
    "events": ("meetings events", "meetings show mcis-2019"),
    "stats": ("meetings stats", "meetings stats --country Russia --json"),
    "sources": ("meetings sources", "meetings sources --person Vulin"),
    "source": ("meetings source mehr-mcis2018 --quote",
               "meetings source army2020-repost --meeting army2020-russia | grep '>>>'"),
    "audit": ("meetings audit --issue disagreement", "meetings audit --issue no-evidence",
              "meetings audit --year 2018 --json"),
    "validate": ("meetings validate", "meetings validate path/to/data"),
    "export": ("meetings export meetings.db", "datasette meetings.db"),
    "schema": ("meetings schema > meetings.schema.json",),
    "path": ("meetings cache path", "du -h \"$(meetings cache path | head -n 1)\""),
    "clear": ("meetings cache clear",),
}  # fmt: skip


class Meetings(WholeSummaries):
    """The command group: shared options added to each command, results written, errors
    turned into exit statuses.

    Global options are also accepted after any command: `meetings list --data X`
    reads X as `meetings --data X list` does; given in both places, the one after
    the command wins (as in gh and kubectl).
    """

    def __init__(self, **attrs: Any) -> None:
        from .shell.typer_adapter import completing_in_any_case

        super().__init__(**attrs)
        shared = [p for p in self.params if p.name in _GLOBAL_OPTIONS]
        for command in _leaves(self):
            examples = EXAMPLES.get(command.name or "")
            if examples and command.help and "Examples:" not in command.help:
                shown = "\n".join(f"  {example}" for example in examples)
                command.help += f"\n\nExamples:\n\n\b\n{shown}"
            declared = getattr(command.callback, TAKES, None)
            if declared is not None:
                command.params.extend(command_options(declared))
            command.params.extend(_after_command(p) for p in shared)
            for param in command.params:
                completing_in_any_case(param)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; write its result; the one place failures become exit statuses."""
        from .shell.output import Result, emit

        try:
            result = super().invoke(ctx)
            if not isinstance(result, Result):
                return result
            # Commands without shared options (schema, export, cache) write tables or notes.
            output = ctx.meta.get(OUTPUT) or Output("table")
            if output.svg or output.html:
                from .shell.output import command_line

                result = result._replace(title=command_line(ctx.meta[COMMAND]))
            status = emit(result, output)
        except Failure as failure:
            status = _failed(ctx, failure)
        except DataError as error:
            for line in error.lines():
                note(line)
            status = EXIT_USAGE
        if status != EXIT_OK:
            raise typer.Exit(status)
        return None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands grouped by what they are for, each with its whole first sentence."""
        others = [name for name in self.list_commands(ctx) if name not in COMMANDS]
        for title, names in {**COMMAND_GROUPS, "Other": others}.items():
            self.write_summaries(ctx, formatter, title, names)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        from .shell.typer_adapter import quoting_bash_completion

        quoting_bash_completion()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


def _failed(ctx: typer.Context, failure: Failure) -> int:
    """Say what failed; for nothing found, keep the output valid (its empty shape) first."""
    if isinstance(failure, NotFound) and ctx.meta.get(COLLECTION):
        from .shell.output import write_empty

        write_empty(sys.stdout, ctx.meta[OUTPUT].format, ctx.meta[COLLECTION])
    note(f"meetings: {failure}")
    return failure.exit_code


def _leaves(group: TyperGroup) -> Iterator[Any]:
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
    from .shell.typer_adapter import given_on_command_line

    if not given_on_command_line(ctx, param.name):
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
    cls=Meetings,
    add_completion=False,
    help=(
        "Query the curated record of the Iranian defence minister's meetings in Moscow, "
        "2018-2020. Every fact is traceable to a passage of a source article, or marked"
        " [curator] as the curators' own (`meetings audit` lists them)."
    ),
    epilog=(
        "Examples:\n\n\b\n  meetings list --year 2018\n  meetings who Shoygu\n"
        "  meetings search refugees\n  meetings show mcis2018-kazakhstan\n"
        "  meetings timeline --ids\n  meetings list --json | jq -r '.[].id'"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for family in (lists, lookup, search, reports, data):
    app.add_typer(family.app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"meetings {__version__}")
        raise typer.Exit()


def _show_completion(ctx: typer.Context, shell: Optional[Shell]) -> None:
    if shell is None or ctx.resilient_parsing:
        return
    from .shell.typer_adapter import completion_script

    typer.echo(completion_script(Shell(shell).value))
    raise typer.Exit()


def _install_completion(ctx: typer.Context, shell: Optional[Shell]) -> None:
    if shell is None or ctx.resilient_parsing:
        return
    from .shell.typer_adapter import install_completion

    name, path = install_completion(Shell(shell).value)
    note(f"meetings: {name} completion installed in {path}; it works in a new terminal")
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
            case_sensitive=False,
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


# --------------------------------------------------------------------------- entry point


def main_status(argv: Sequence[str] | None = None) -> int:
    """Run the command line on argv (default: sys.argv); the exit status.

    A cache found damaged while answering is removed; the command runs again on a
    fresh compile if nothing read from the damaged cache was used yet.
    """
    try:
        return _status(argv)
    except Exception as error:
        if _cache_busy(error):
            note(
                "meetings: another meetings process kept the cache busy for too long:"
                " try again, or give --no-cache"
            )
            return EXIT_USAGE
        store = sys.modules.get(f"{__package__}.store")
        damage = store.damage_of(error) if store is not None else None
        if store is None or damage is None:
            raise
        untouched = store.VERIFIER.rows == 0
        if not store.discard_damaged_cache():
            raise  # a database in memory cannot be damaged by a disk: a bug
        if untouched:
            note(f"meetings: warning: the cache was damaged ({damage}); compiling it again")
            return _status(argv)
        note(f"meetings: the cache was damaged ({damage}); it is removed: run the command again")
        return EXIT_USAGE


def _status(argv: Sequence[str] | None) -> int:
    try:
        code = app(args=argv, prog_name="meetings", standalone_mode=False)
    except typer.TyperException as error:  # usage errors, printed as Typer would
        show = getattr(error, "show", None)
        if show is not None:
            from .shell import hints

            words = list(sys.argv[1:] if argv is None else argv)
            # Typer escapes some of the arguments it quotes, not all (bidi overrides).
            shown = io.StringIO()
            show(file=shown)
            hint = hints.usage_hint(str(error.format_message()), words, COMMANDS)
            for line in shown.getvalue().rstrip("\n").split("\n"):
                note(hints.shortened(line, words, hinted=bool(hint)))
            if hint:
                note(f"Hint: {hint}")
            ctx = getattr(error, "ctx", None)
            option = str(getattr(error, "option_name", "") or "")
            searching = ctx is not None and ctx.command.name == "search"
            if searching and option.startswith("-") and not option.startswith("--"):
                note(
                    "Hint: to leave out a word, put it after --"
                    " (meetings search [OPTIONS] -- talks -Kazakhstan) or give --not WORD"
                )
        else:
            note(f"meetings: {error}")
        code = error.exit_code
    except typer.Abort:
        note("Aborted!")
        code = EXIT_NOTHING
    return code if isinstance(code, int) else EXIT_OK


#: Why writing the output can fail through no fault of the program: a full disk or
#: quota, a file too large, a device error, a reader gone (where SIGPIPE is not default).
_WRITE_FAILURES = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EPIPE", "EBADF", "EAGAIN", "EWOULDBLOCK")
    if hasattr(errno, name)
)


def _cannot_write(error: OSError) -> None:
    # Straight to the descriptor: sys.stderr may be the stream that failed.
    with contextlib.suppress(OSError):
        os.write(2, f"meetings: cannot write the output: {error.strerror}\n".encode())


def run() -> NoReturn:
    """The `meetings` entry point: run sys.argv and exit with its status."""
    import signal

    _in_utf8_if_the_locale_cannot_say()
    _stand_in_for_closed_streams()
    _output_that_reports_failed_writes()

    if hasattr(signal, "SIGPIPE"):
        # When the reader goes away (`| head -1`), end quietly as cat and grep do,
        # instead of a BrokenPipeError from whichever write noticed it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        # A character the output's encoding lacks (PYTHONIOENCODING=ascii, a Latin-1
        # locale) is written as an escape, \u0634, as Python does on standard error.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    signal.signal(signal.SIGINT, _interrupt)
    _end_soon_after_ctrl_c()
    try:
        code = main_status()
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # the last line of defence against tracebacks
        if _interrupted:  # a Ctrl-C that surfaced as another error (see _interrupt)
            code = 130
        elif isinstance(error, OSError) and error.errno in _WRITE_FAILURES:
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
        if code != EXIT_USAGE:  # else the failed write is said already
            _cannot_write(error)
        code = code or EXIT_USAGE
    # Leave without the interpreter's teardown: finalising the few hundred modules
    # Typer loads takes longer than answering most questions (about 1.4 x a bare
    # Python start; benchmarks/bench.py). Output is flushed above, every file and
    # database is closed where it was opened, and nothing registers atexit work.
    os._exit(code)


_interrupted: list[int] = []


def _interrupt(signal_number: int, frame: object) -> None:
    """Ctrl-C: KeyboardInterrupt, as Python's own handler, and remembered: raised in a
    function SQLite called (a stored record's check), it reaches us as SQLite's error."""
    _interrupted.append(signal_number)
    raise KeyboardInterrupt


#: How long a run may take to end cleanly after Ctrl-C before it is ended (seconds).
CTRL_C_GRACE = 1.0


def _end_soon_after_ctrl_c() -> None:
    """End the process with 130 within CTRL_C_GRACE of a Ctrl-C, however the run takes it.

    Python runs its handler only between bytecodes: a run waiting in SQLite (for another
    process's lock) would not see Ctrl-C until the wait ends, and one that SQLite reports
    as its own error might be taken for another. Python writes each signal's number to a
    wakeup descriptor at once; a thread reading it ends the process if the run has not.
    Safe: an update cut short is rolled back from its journal by the next run.
    """
    import _thread
    import signal
    import time

    read, write = os.pipe()
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)

    def watch() -> None:
        while signal.SIGINT not in (received := os.read(read, 64)):
            if not received:
                return
        time.sleep(CTRL_C_GRACE)
        os._exit(130)

    _thread.start_new_thread(watch, ())


def _in_utf8_if_the_locale_cannot_say() -> None:
    """Run again in Python's UTF-8 mode if the locale says ASCII (LC_ALL=C without it) and
    an argument is not: Python kept its bytes as escapes, and `who Шойгу` would look
    for them. In UTF-8 mode arguments, file names and output are read as UTF-8 alike."""
    if sys.flags.utf8_mode or not any(_undecoded(arg) for arg in sys.argv[1:]):
        return
    import codecs
    import locale

    if codecs.lookup(locale.getpreferredencoding(False)).name == "ascii":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


def _stand_in_for_closed_streams() -> None:
    """Started with a standard stream closed (`>&-`), Python has None for it: standard
    input reads as empty, standard error as the null device, and writing the output fails
    as writing to a closed descriptor does (a message, exit 2)."""
    if sys.stdin is None:
        sys.stdin = io.StringIO("")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the run)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def _output_that_reports_failed_writes() -> None:
    """Unbuffered output (PYTHONUNBUFFERED, -u) writes straight to the descriptor, and a
    write that cannot complete (a full non-blocking pipe) returns without a word: the
    text it did not write was lost with exit 0. Through a buffer it raises, as usual."""
    raw = getattr(sys.stdout, "buffer", None)
    if isinstance(raw, io.FileIO) and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding=sys.stdout.encoding,
            errors=sys.stdout.errors,
            line_buffering=True,
        )


class _ClosedOutput(io.StringIO):
    """Standard output that was closed when the process started."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _cache_busy(error: Exception) -> bool:
    """SQLite waited its timeout for another process's lock on the cache file."""
    sqlite3 = sys.modules.get("sqlite3")
    return (
        sqlite3 is not None
        and isinstance(error, sqlite3.OperationalError)
        and "database is locked" in str(error)
    )


def _undecoded(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def _internal_error(error: Exception) -> int:
    """Say that a bug stopped the run, without a traceback; the exit status, 3."""
    note(
        f"meetings: internal error: {type(error).__name__}: {error} "
        "(a bug: please report it; MEETINGS_DEBUG=1 shows the traceback)"
    )
    return EXIT_BUG
