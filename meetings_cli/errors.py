"""What is wrong with a dataset: problems with file, line, column and field.

Standard library only: every layer may use it at no cost.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections.abc import Iterable
from typing import NamedTuple

#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 1_000


class Problem(NamedTuple):
    """One thing wrong with the data, and where."""

    file: str
    line: int  # 1-based; 0 when the problem concerns a whole file or folder
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DataError(Exception):
    """The dataset cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: Iterable[Problem], more: int = 0) -> None:
        self.problems = tuple(problems)
        self.more = more  # problems found beyond those given (not kept, so not listed)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The problems as printable lines, the list cut at MAX_PROBLEMS."""
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        hidden = len(self.problems) - len(shown) + self.more
        if hidden:
            shown.append(f"... and {hidden:,} more problems")
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
