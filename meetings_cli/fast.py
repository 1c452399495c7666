"""The fast path: `list` and `who` answered from the cache without Typer.

Importing Typer alone costs several times Python's own start-up, so the two
commands people run most are answered here when their arguments are plain:
known options with valid values. Anything else (help, an unknown option, a
bad value, a filter naming nothing in the dataset) returns None and the full
Typer command line handles it, with its usual messages. The test suite runs
both paths on the same arguments and requires the same output.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

# Only os and sys at import: anything not answered here pays nothing for this module.

EXIT_NOTHING, EXIT_USAGE = 1, 2
FORMATS = ("table", "json", "jsonl", "csv")
COLORS = ("auto", "always", "never")

_LIST_VALUES = {
    "--year": "year",
    "-y": "year",
    "--from": "from",
    "--to": "to",
    "--country": "country",
    "-c": "country",
    "--event": "event",
    "-e": "event",
    "--kind": "kind",
    "-k": "kind",
    "--topic": "topic",
    "-t": "topic",
    "--person": "person",
    "-p": "person",
    "--format": "format",
    "-f": "format",
    "--svg": "svg",
    "--html": "html",
}
_WHO_VALUES = {"--format": "format", "-f": "format", "--svg": "svg", "--html": "html"}
_SINGLE = {"from", "to", "format", "svg", "html"}


class _Unsure(Exception):
    """The arguments are not plain enough for the fast path."""


def run_fast(argv: list[str]) -> int | None:
    """Answer argv if it is a plain `list` or `who`; the exit status, or None to defer."""
    if is_top_level_help(argv):
        return _cached_help()
    try:
        settings, command, rest = _split_global(argv)
        if command == "list":
            return _list(settings, _parse(rest, _LIST_VALUES, flags={"--json"}, positional=False))
        if command == "who":
            options = _parse(rest, _WHO_VALUES, flags={"--json", "--explain"}, positional=True)
            return _who(settings, options)
    except _Unsure:
        return None
    return None


def _split_global(argv: list[str]) -> tuple[dict[str, str], str, list[str]]:
    settings: dict[str, str] = {}
    position = 0
    while position < len(argv):
        token = argv[position]
        name, has_value, value = token.partition("=")
        if name in ("--data", "--color") and token.startswith("--"):
            if not has_value:
                position += 1
                if position >= len(argv):
                    raise _Unsure
                value = argv[position]
            settings[name[2:]] = value
            position += 1
            continue
        if token in ("list", "who"):
            return settings, token, argv[position + 1 :]
        raise _Unsure
    raise _Unsure


def _parse(
    tokens: list[str], values: dict[str, str], *, flags: set[str], positional: bool
) -> dict[str, Any]:
    options: dict[str, Any] = {"words": []}
    position = 0
    while position < len(tokens):
        token = tokens[position]
        name, has_value, value = token.partition("=")
        if name in values and (token.startswith("--") or not has_value):
            if not has_value:
                position += 1
                if position >= len(tokens):
                    raise _Unsure
                value = tokens[position]
            key = values[name]
            if key in _SINGLE:
                options[key] = value
            else:
                options.setdefault(key, []).append(value)
        elif token in flags:
            options[token.lstrip("-")] = True
        elif positional and not token.startswith("-"):
            options["words"].append(token)
        else:
            raise _Unsure
        position += 1
    return options


def _output_format(settings: dict[str, str], options: dict[str, Any]) -> str:
    fmt = options.get("format")
    if settings.get("color", "auto") not in COLORS or (fmt is not None and fmt not in FORMATS):
        raise _Unsure
    if options.get("json"):
        if fmt not in (None, "json"):
            raise _Unsure
        fmt = "json"
    fmt = fmt or "table"
    if (options.get("svg") or options.get("html")) and fmt != "table":
        raise _Unsure
    return fmt


def _open(settings: dict[str, str]) -> Any:
    """The up-to-date cache, built from YAML if needed; DataError if the data is invalid."""
    from .paths import locate_dataset
    from .store import store_for

    return store_for(locate_dataset(settings.get("data")))


def _problems(error: Any) -> int:
    for line in error.lines():
        sys.stderr.write(line + "\n")
    return EXIT_USAGE


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"meetings: {message}\n")
    return code


def _screen(settings: dict[str, str], options: dict[str, Any]) -> Any:
    from pathlib import Path

    from .render.tables import Screen

    svg, html = options.get("svg"), options.get("html")
    return Screen(
        color=settings.get("color", "auto"),
        svg=Path(svg) if svg else None,
        html=Path(html) if html else None,
    )


# --------------------------------------------------------------------------- list


def _day(text: str | None, *, end: bool) -> date | None:
    if text is None:
        return None
    from .dates import parse_partial_date

    try:
        return parse_partial_date(text, end=end)
    except ValueError:
        raise _Unsure from None


def _list(settings: dict[str, str], options: dict[str, Any]) -> int:
    import json

    from .errors import DataError
    from .match import describe_failure, fold, resolve_name

    fmt = _output_format(settings, options)
    years = options.get("year", [])
    if not all(y.isdigit() and len(y) <= 4 for y in years):
        raise _Unsure  # odd or huge numbers: the full CLI parses them as Typer does
    first, last = _day(options.get("from"), end=False), _day(options.get("to"), end=True)
    if first and last and first > last:
        raise _Unsure
    try:
        store = _open(settings)
    except DataError as error:
        return _problems(error)

    def known(what: str, texts: list[str]) -> list[str]:
        found = [
            store.vocabulary(what, fold(t.replace(" ", "-") if what == "kind" else t))
            for t in texts
        ]
        if None in found:
            raise _Unsure  # the full CLI explains what is wrong
        return found

    people = []
    for name in options.get("person", []):
        resolution = resolve_name(store, name)
        if resolution.best is None:
            _write_empty(fmt)
            return _fail(describe_failure(resolution, store.name_of), EXIT_NOTHING)
        people.append(resolution.best.person_id)
    rows = store.meetings(
        years=[int(y) for y in years],
        first=first,
        last=last,
        events=known("event", options.get("event", [])),
        kinds=known("kind", options.get("kind", [])),
        topics=known("topic", options.get("topic", [])),
        countries=known("country", options.get("country", [])),
        people=people,
        form={"json": "element", "table": "table_row"}.get(fmt, "compact"),
    )
    if not rows:
        _write_empty(fmt)
        return _fail("no meetings match", EXIT_NOTHING)
    out = sys.stdout
    if fmt in ("json", "jsonl"):
        # Bytes straight from the cache: the stored records are already in output form.
        body = b"[\n" + b",\n".join(rows) + b"\n]\n" if fmt == "json" else b"\n".join(rows) + b"\n"
        binary = getattr(out, "buffer", None)
        if binary is None:  # a text-only stream (a caller's StringIO)
            out.write(body.decode())
        else:
            out.flush()
            binary.write(body)
            binary.flush()
    elif fmt == "table":
        from .render.tables import draw_view, meeting_table

        table = meeting_table([json.loads(r) for r in rows])
        draw_view(out, _screen(settings, options), [table], "meetings meetings")
    else:
        from .render import formats

        records = [json.loads(r) for r in rows]
        formats.emit(out, fmt, records=lambda: records, collection="meetings")
    return 0


def _write_empty(fmt: str) -> None:
    from .render.formats import write_empty

    write_empty(sys.stdout, fmt, "meetings")


# --------------------------------------------------------------------------- who


def _who(settings: dict[str, str], options: dict[str, Any]) -> int:
    import json

    from .errors import DataError
    from .match import describe_failure, resolve_name
    from .render import formats

    fmt = _output_format(settings, options)
    if fmt not in ("table", "json") or not options["words"]:
        raise _Unsure
    explain = bool(options.get("explain"))
    try:
        store = _open(settings)
    except DataError as error:
        return _problems(error)
    resolution = resolve_name(store, " ".join(options["words"]), runner_up=explain)
    best = resolution.best
    person = None
    meetings: list[dict[str, Any]] = []
    if best:
        person = store.person(best.person_id)
        person.pop("meetings", None)
        meetings = [json.loads(r) for r in store.meetings_with_person(best.person_id)]

    def someone(person_id: str) -> dict[str, Any]:
        record: dict[str, Any] = store.person(person_id)
        return record

    report = formats.who_record(resolution, person, meetings, someone)
    if fmt == "json":
        formats.write_json(sys.stdout, report)
    elif best:
        from .render.tables import draw_view, who_view

        view = who_view(report, explain=explain)
        title = f"meetings who {' '.join(options['words'])}"
        draw_view(sys.stdout, _screen(settings, options), view, title)
    if best is None:
        if explain and fmt == "table":
            from .render.tables import explain_lines

            for line in explain_lines(report):
                sys.stderr.write(line + "\n")
        return _fail(describe_failure(resolution, store.name_of), EXIT_NOTHING)
    return 0


def fast_path_enabled() -> bool:
    """The fast path can be switched off (MEETINGS_NO_FAST_PATH=1) to compare the two paths."""
    return not os.environ.get("MEETINGS_NO_FAST_PATH") and "_MEETINGS_COMPLETE" not in os.environ


# --------------------------------------------------------------------------- help


def is_top_level_help(argv: list[str]) -> bool:
    """True for `meetings [--data X] [--color X] --help` (the help does not depend on them)."""
    try:
        _split_global(argv)
    except _Unsure:
        pass
    else:
        return False  # a command follows
    rest = list(argv)
    while rest[:1] and rest[0].split("=", 1)[0] in ("--data", "--color"):
        rest = rest[1:] if "=" in rest[0] else rest[2:]
    return rest in (["--help"], ["-h"])


def help_cache_file() -> str | None:
    """Where the top-level help text is kept: one file per version, code and width.

    None when the cache folder is unknown. The text is written by the full CLI
    the first time `meetings --help` runs (see cli.run_typer).
    """
    import shutil

    from . import __version__

    package = os.path.dirname(os.path.abspath(__file__))
    try:
        info = os.stat(os.path.join(package, "cli.py"))
    except OSError:
        return None
    # Typer wraps help to the terminal, at most 80 columns.
    width = min(shutil.get_terminal_size().columns, 80)
    key = f"{__version__}-{info.st_size}-{info.st_mtime_ns}-{width}"
    folder = os.environ.get("MEETINGS_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "meetings",
    )
    return os.path.join(folder, f"help-{key}.txt")


def _cached_help() -> int | None:
    path = help_cache_file()
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    sys.stdout.write(text)
    return 0
