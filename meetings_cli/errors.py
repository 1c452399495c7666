"""What is wrong with a dataset: problems with file, line, column and field.

Standard library only: every layer may use it at no cost.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections.abc import Iterable
from typing import NamedTuple

#: At most this many problems are listed; the rest are counted. A file stops being read
#: at as many problems of its own (`load.MAX_FILE_PROBLEMS`), and says so in this problem:
MAX_PROBLEMS = 1_000
STOPPED = f"stopped after {MAX_PROBLEMS:,} problems in this file: the rest of it was not read"

#: The most characters of a value or key that a message quotes (`echo`): a longer one is
#: cut, with an ellipsis, and its length is said. A key in a problem's path is cut alike.
ECHO_LIMIT = 80
#: The most characters of a problem's message, whatever it quotes: past that it is cut,
#: with an ellipsis, and its length is said (`capped`).
MESSAGE_LIMIT = 1_000


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value quoted as repr() quotes it, text cut to limit characters: 'aaaa…' (1,048,576
    characters)."""
    if not isinstance(value, str) or len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 1] + '…'!r} ({len(value):,} characters)"


#: The most characters of a file or folder name that a message shows (`shown_path`).
PATH_LIMIT = 240


def shown_path(path: object) -> str:
    """A file or folder name as a message shows it: cut past PATH_LIMIT characters."""
    return capped(str(path), PATH_LIMIT)


def capped(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """text cut to limit characters, with an ellipsis and its length when cut."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


def _shown_path(path: str) -> str:
    """A problem's path with each key longer than ECHO_LIMIT cut (with an ellipsis)."""
    if len(path) <= ECHO_LIMIT:
        return path
    return ".".join(
        key if len(key) <= ECHO_LIMIT else key[: ECHO_LIMIT - 1] + "…" for key in path.split(".")
    )


def _shown_message(path: str, message: str) -> str:
    """A message with every long key of path that it quotes echoed (cut), then capped."""
    if len(message) <= ECHO_LIMIT:
        return message
    for key in path.split("."):
        if len(key) > ECHO_LIMIT:
            key = key.split("[", 1)[0]
            message = message.replace(repr(key), echo(key))
    return capped(message)


#: The problem of a dataset folder without a data file.
NO_DATA_FILES = "no data files (*.yaml) in this folder"


class Problem(NamedTuple):
    """One thing wrong with the data, and where."""

    file: str
    line: int  # 1-based; 0 when the problem concerns a whole file or folder
    column: int
    path: str
    message: str

    def shown(self) -> "Problem":
        """The problem with its path and message as its line shows them (cut: see __str__)."""
        return self._replace(
            path=_shown_path(self.path), message=_shown_message(self.path, self.message)
        )

    def __str__(self) -> str:
        """The problem as one line: FILE:LINE:COL: PATH: MESSAGE. However long a value it
        quotes, a key of the path or the message is cut (see ECHO_LIMIT, MESSAGE_LIMIT)."""
        file = shown_path(self.file)
        where = f"{file}:{self.line}:{self.column}" if self.line else file
        message = _shown_message(self.path, self.message)
        return (
            f"{where}: {_shown_path(self.path)}: {message}" if self.path else f"{where}: {message}"
        )


class DataError(Exception):
    """The dataset cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: Iterable[Problem], more: int = 0) -> None:
        self.problems = tuple(problems)
        self.more = more  # problems found beyond those given (not kept, so not listed)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The problems as printable lines, the list cut at MAX_PROBLEMS."""
        # A dataset folder without data reads as the tool's own message.
        shown = [
            f"meetings: {p}" if p.message == NO_DATA_FILES else str(p)
            for p in self.problems[:MAX_PROBLEMS]
        ]
        hidden = len(self.problems) - len(shown) + self.more
        # Past a file's stop its problems were never counted: the count is a floor.
        floor = "at least " if any(p.message == STOPPED for p in self.problems) else ""
        if hidden:
            shown.append(f"... and {floor}{hidden:,} more problems")
        return shown


#: Exit statuses: answered, nothing found, usage or data error, a bug.
EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class Failure(Exception):
    """Something the person at the terminal can act on: a message and an exit status.

    Raised anywhere below the command line; the one error boundary (`app`)
    prints the message and exits with the status. Never a traceback.
    """

    exit_code = EXIT_USAGE


class UsageError(Failure, ValueError):
    """A command line that cannot be right: a bad value, options that disagree."""


class NotFound(Failure, LookupError):
    """Nothing in the dataset answers the question."""

    exit_code = EXIT_NOTHING


class CannotWrite(Failure):
    """A file the command was asked to write cannot be written."""


def refuse_option_as_value(option: str, value: str) -> None:
    """UsageError when an option's value is another option (`--svg --json`: the value of
    --svg was left out, and --json taken for it)."""
    if value and not value.strip():
        raise UsageError(f"{option} {echo(value)} is only spaces: give a value")
    bare = value[2:] if value.startswith("--") else value[1:] if value.startswith("-") else ""
    if bare[:1].isalpha() and all(c.isalnum() or c in "-_" for c in bare):
        raise UsageError(option_taken(option, value))


def option_taken(option: str, value: str) -> str:
    """What to say when an option took the next option (value) as its value."""
    return f"{option} took the option {value} as its value: give it a value first"
