"""The `meetings` entry point: the fast path first, then the full command line."""

from __future__ import annotations

import os
import sys


def run() -> None:
    """Run `meetings` with sys.argv and exit with its status."""
    import signal

    if hasattr(signal, "SIGPIPE"):
        # When the reader goes away (`| head -1`), end quietly as cat and grep do,
        # instead of a BrokenPipeError from whichever write noticed it.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        code = _answer(sys.argv[1:])
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # the last line of defence against tracebacks
        if os.environ.get("MEETINGS_DEBUG"):
            raise
        sys.stderr.write(
            f"meetings: internal error: {type(error).__name__}: {error} "
            "(a bug: please report it; MEETINGS_DEBUG=1 shows the traceback)\n"
        )
        code = 3
    sys.exit(code)


def _answer(argv: list[str]) -> int:
    from .fast import fast_path_enabled, run_fast

    if fast_path_enabled():
        import sqlite3

        try:
            code = run_fast(argv)
        except sqlite3.Error:
            code = None  # a damaged or locked cache: the full path rebuilds it
        if code is not None:
            return code
    from .cli import run_typer

    return run_typer(argv)
