"""The session: global settings, the dataset in use, the progress bar, notes on stderr."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import typer

from ..errors import UsageError
from ..paths import DATA_ENV, locate_dataset

if TYPE_CHECKING:
    import sqlite3

    from ..store import Progress


class Settings(NamedTuple):
    """Global options, handed to every command through the Typer context."""

    data: str | None
    color: str = "auto"
    cache: bool = True


def settings_of(ctx: typer.Context) -> Settings:
    """The global options in force (defaults where no callback set them, as in completion)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings(data=ctx.meta.get("meetings.data"))


def note(message: str) -> None:
    """One line for the person at the terminal, on standard error.

    Messages quote file names, arguments and data: whatever they hold is shown
    inert (escaped), never obeyed by the terminal, and never starts a line.
    """
    from ..render.text import escaped

    sys.stderr.write(escaped(message) + "\n")


def database(ctx: typer.Context, *, verify: bool = False) -> "sqlite3.Connection":
    """The compiled dataset in use, brought up to date (DataError if it does not validate)."""
    from ..store import open_dataset

    settings = settings_of(ctx)
    db = open_dataset(
        dataset_root(settings.data),
        use_cache=settings.cache,
        progress=progress(),
        warn=note,
        verify=verify,
    )
    # Closed when the whole command line ends, after its result is written: until then its
    # read transaction keeps the state it answers from.
    ctx.find_root().call_on_close(db.close)
    return db


def dataset_root(chosen: str | None) -> Path:
    """The dataset folder to read (UsageError if it is none); says so when ./data is another."""
    from ..errors import shown_path
    from ..paths import checkout_data, dataset_problem

    root = locate_dataset(chosen)
    why = dataset_problem(root)
    if why is not None:
        raise UsageError(f"{shown_path(root)}: {why}")
    if chosen in (None, "") and not os.environ.get(DATA_ENV):
        data = checkout_data(root)
        if data is not None:  # a curator editing data/ would otherwise see no change
            shown = os.path.relpath(data)
            shown = shown if shown.startswith(".") else f"./{shown}"
            note(
                f"meetings: note: reading the bundled dataset {root}, not {shown}"
                f" (which differs): give --data {shown} to read it"
            )
    return root


def progress() -> "Progress | None":
    """A progress bar on standard error for a long compile, when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    from ..render.draw import CompileProgress

    return CompileProgress()
