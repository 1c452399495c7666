"""The context worker processes are started in: spawn, with Ctrl-C held back until they
ignore it. Imported only when a compile starts workers (multiprocessing is not cheap)."""

from __future__ import annotations

import multiprocessing.context
import signal


class QuietProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that starts with Ctrl-C blocked: one that reached a worker still
    starting (importing, before it could ignore Ctrl-C) would print its traceback."""

    def start(self) -> None:
        """Start the process; the blocked set is inherited through fork and exec."""
        if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups
            return super().start()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


class QuietSpawnContext(multiprocessing.context.SpawnContext):
    """spawn, not fork (a forked child would inherit the open database), of QuietProcess."""

    Process = QuietProcess
