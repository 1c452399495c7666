"""Commands about the dataset itself: validate, export, schema, cache path and clear."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import (
    EXIT_USAGE,
    CannotWrite,
    DataError,
    UsageError,
    refuse_option_as_value,
    shown_path,
)
from ..paths import DATA_ENV
from ..shell.options import WholeSummaries, request, takes
from ..shell.output import Result
from ..shell.session import database, dataset_root, settings_of

app = typer.Typer()


@app.command()
@takes("validate", formats=("table", "json"), pictures=False)
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
) -> Result:
    """Check a dataset: structure, types, dates, ids, references, quotes against sources.

    Prints one line per problem (FILE:LINE:COL: field.path: what is wrong) and
    exits 2, or prints a one-line summary and exits 0.
    """
    from ..query import table_counts
    from ..render.text import escaped
    from ..shell.session import note, progress
    from ..store import open_dataset

    asked = request(ctx)
    settings = settings_of(ctx)
    if path == "":  # an unset variable ("$DIR"): never the bundled dataset in its place
        raise UsageError(
            "validate '' names no folder: give a dataset folder, or no argument to validate"
            " the dataset in use"
        )
    root = dataset_root(path or settings.data)
    notes: tuple[str, ...] = ()
    if not (path or settings.data or os.environ.get(DATA_ENV)):
        # Not named: say which copy, the checkout's or one installed with the package.
        notes = (f"meetings: validating the bundled dataset {root}",)
    try:
        db = open_dataset(
            root, use_cache=settings.cache, progress=progress(), warn=note, verify=True
        )
        ctx.find_root().call_on_close(db.close)
    except DataError as error:
        listed = [p.shown()._asdict() for p in error.problems]
        report = {"ok": False, "path": str(root), "problems": listed, "unlisted": error.more}
        value = report if asked.output.format == "json" else None
        return Result("validate", value=value, notes=(*notes, *error.lines()), status=EXIT_USAGE)
    counts = table_counts(db)
    if asked.output.format == "json":
        report = {"ok": True, "path": str(root), "counts": counts, "problems": []}
        return Result("validate", value=report, notes=notes)
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    line = f"ok: {escaped(str(root))}: {summary}; every quote found in its source\n"
    return Result("validate", text=line, notes=notes)


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
) -> Result:
    """Write the compiled dataset as an SQLite database, for sqlite3, sqlite-utils or datasette.

    The README documents its tables, with example queries.
    """
    import sqlite3

    from ..store import export as write_database

    if name in ("", "-"):  # a database is a file, not a stream
        raise UsageError(f"export needs a file name, not {name!r}")
    refuse_option_as_value("export", name)
    target, shown = Path(name), shown_path(name)
    try:
        if target.is_dir():
            raise CannotWrite(f"cannot write {shown}: it is a folder")
        if target.exists() and not target.is_file():
            # A device, a FIFO or a socket is not replaced by a file, --force or not.
            raise CannotWrite(f"cannot write {shown}: it is not a regular file")
        if target.exists() and not force:
            raise UsageError(f"{shown} exists: give --force to replace it")
        if not target.parent.is_dir():
            raise CannotWrite(f"cannot write {shown}: no such folder {shown_path(target.parent)}")
    except OSError as error:  # a name too long, say
        raise CannotWrite(f"cannot write {shown}: {error.strerror}") from None
    db = database(ctx)
    try:
        write_database(db, target)
    except OSError as error:
        raise CannotWrite(f"cannot write {shown}: {error.strerror}") from None
    except sqlite3.Error as error:
        raise CannotWrite(f"cannot write {shown}: {error}") from None
    return Result("export", notes=(f"meetings: wrote {shown}",))


@app.command()
def schema() -> Result:
    """Print the JSON Schema of the data files (for editors and other validators)."""
    from ..schema import json_schema

    return Result("schema", value=json_schema(), format="json")


cache_app = typer.Typer(
    help="Where compiled datasets are kept, and removing them.",
    no_args_is_help=True,
    cls=WholeSummaries,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("path")
def cache_path(ctx: typer.Context) -> Result:
    """Print the cache folder, and the cache file of the dataset in use (if it has one)."""
    from ..paths import locate_dataset
    from ..render.text import escaped
    from ..store import cache_dir, cache_file

    lines = [escaped(str(cache_dir()))]
    target = cache_file(locate_dataset(settings_of(ctx).data))
    if target.is_file():
        lines.append(escaped(str(target)))
    return Result("cache", text="".join(f"{line}\n" for line in lines))


@cache_app.command("clear")
def cache_clear() -> Result:
    """Remove this user's cache files; each dataset is compiled again when next read."""
    from ..shell.session import note
    from ..store import clear_cache

    cleared = clear_cache(warn=note)
    if cleared is None:
        raise UsageError("the cache folder is not cleared: it is not this user's alone")
    folder, removed = cleared
    return Result(
        "cache",
        notes=(f"meetings: removed {removed} cache file{'s' * (removed != 1)} from {folder}",),
    )
