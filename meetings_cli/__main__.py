"""The `meetings` command, and `python -m meetings_cli`."""

import os
import signal


def main() -> None:
    """Load the program and run it on sys.argv.

    Ctrl-C while it loads (some tens of milliseconds, before anything is read or
    written) ends it at once with 130, as a run ends: no traceback of an import.
    The run itself takes Ctrl-C as KeyboardInterrupt, to end its work cleanly.
    """
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    from .app import run

    run()


if __name__ == "__main__":
    main()
