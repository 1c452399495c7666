"""A crash and concurrency suite: compiles and updates killed or interrupted at random
points, and readers running against a writer, every answer checked against a fresh
`--no-cache` run of the same state of the dataset.

Kinds of trial:
  kill-build   kill -9 during a first build of the cache
  kill-update  kill -9 during an update of the cache after an edit
  interrupt    Ctrl-C (SIGINT to the process group) during a build or an update
  readers      readers asking while another process edits the data and updates the cache

After each trial: the next run answers as `--no-cache` does, with exit 0 and nothing on
standard error; no process of the trial is left running; and at the end `cache clear`
leaves no file behind.

    python tests/crash_suite.py --trials 20       # 20 trials of each kind
    python tests/crash_suite.py --kinds readers --trials 5 --meetings 2000

`tests/test_crash_suite.py` runs a few trials of each kind with the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KINDS = ("kill-build", "kill-update", "interrupt", "readers")
#: The question every trial asks: the whole state of the meetings, as JSON.
QUESTION = ("list", "--json")
#: The edit that makes the second state of the dataset (same file, a different title).
OLD, NEW = "Talks between ", "Talks (edited) between "


class Failed(AssertionError):
    """A trial whose outcome is wrong."""


class Trials:
    """A generated dataset in two states, their true answers, and a cache folder."""

    def __init__(self, folder: Path, meetings: int, rng: random.Random) -> None:
        self.root = folder / "data"
        self.cache = folder / "cache"
        self.rng = rng
        command = [sys.executable, str(REPO / "benchmarks" / "make_dataset.py"), str(self.root)]
        subprocess.run([*command, "--meetings", str(meetings)], check=True, capture_output=True)
        self.edited = sorted((self.root / "synthetic").glob("meetings-*.yaml"))[0]
        self.texts = {"before": self.edited.read_text(encoding="utf-8")}
        assert OLD in self.texts["before"]
        self.texts["after"] = self.texts["before"].replace(OLD, NEW)
        self.truth = {}
        for state in self.texts:
            self.set_state(state)
            self.truth[state] = self.ask("--no-cache").stdout
        self.set_state("before")
        self.env = {**os.environ, "MEETINGS_CACHE_DIR": str(self.cache), "NO_COLOR": "1"}
        self.durations = {"build": self.timed(fresh=True), "update": self.timed(fresh=False)}

    def set_state(self, state: str) -> None:
        """Edit the data to state, as an editor that saves atomically does (written beside,
        renamed into place): a reader never sees a file half written."""
        self.state = state
        beside = self.edited.with_name(f".{self.edited.name}.saving")
        beside.write_text(self.texts[state], encoding="utf-8")
        os.replace(beside, self.edited)

    def command(self, *extra: str) -> list[str]:
        return [sys.executable, "-m", "meetings_cli", *extra, "--data", str(self.root), *QUESTION]

    def ask(self, *extra: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MEETINGS_CACHE_DIR": str(self.cache)}
        return subprocess.run(
            self.command(*extra), env=env, capture_output=True, text=True, timeout=300
        )

    def timed(self, *, fresh: bool) -> float:
        """How long a build (fresh) or an update after one edit takes."""
        if fresh:
            self.clear()
        else:
            self.ask()
            self.set_state("after" if self.state == "before" else "before")
        started = time.monotonic()
        self.check(self.ask(), {self.state})
        return time.monotonic() - started

    def clear(self) -> None:
        for path in self.cache.glob("*") if self.cache.exists() else ():
            path.unlink()

    def check(self, answer: subprocess.CompletedProcess[str], states: set[str]) -> None:
        """The answer is right for one of states, with exit 0 and nothing on standard error."""
        if answer.returncode != 0 or answer.stderr:
            raise Failed(f"exit {answer.returncode}: {answer.stderr.strip()[-2000:]}")
        if answer.stdout not in {self.truth[s] for s in states}:
            raise Failed(f"an answer that is not one of {sorted(states)} (--no-cache)")

    # ------------------------------------------------------------------ kinds of trial

    def stopped(self, how: signal.Signals, *, fresh: bool) -> str:
        """Start a build (fresh) or an update, stop it with how at a random point, check
        what is left; how it ended."""
        if fresh:
            self.clear()
        else:
            self.ask()
            self.set_state("after" if self.state == "before" else "before")
        duration = self.durations["build" if fresh else "update"]
        running = subprocess.Popen(
            self.command(),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a group of its own, as a terminal gives a command
        )
        if how == signal.SIGINT:
            # A person's Ctrl-C comes after the program has begun its work, not while the
            # interpreter itself starts (which no program can take over).
            _wait_until_reading(running, (self.root, self.cache))
        time.sleep(self.rng.uniform(0, duration))
        stopped_at = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            if how == signal.SIGKILL:
                os.kill(running.pid, how)  # the main process only, as the OOM killer does
            else:
                os.killpg(running.pid, how)
        _, err = running.communicate(timeout=60)
        code = running.returncode
        if how == signal.SIGINT:
            # -2: ended by the signal itself, before Python took it over; a shell says 130
            if code not in (0, 130, -signal.SIGINT) or b"Traceback" in err:
                raise Failed(f"Ctrl-C: exit {code}: {err.decode()[-2000:]}")
            if time.monotonic() - stopped_at > 5:
                raise Failed("Ctrl-C: the process took more than 5 s to end")
        _no_process_left(running.pid)
        self.check(self.ask(), {self.state})
        return "finished" if code == 0 else "stopped"

    def readers(self, count: int = 4, edits: int = 3) -> str:
        """count readers asking in turn while a writer edits the data and updates the cache
        edits times; every answer must be the true one of a state the data was in."""
        self.ask()
        done = False

        def read() -> int:
            answered = 0
            while not done:
                self.check(self.ask(), {"before", "after"})
                answered += 1
            return answered

        with ThreadPoolExecutor(count) as pool:
            reading = [pool.submit(read) for _ in range(count)]
            try:
                for _ in range(edits):
                    time.sleep(self.rng.uniform(0, self.durations["update"]))
                    self.set_state("after" if self.state == "before" else "before")
                    self.check(self.ask(), {self.state})
            finally:
                done = True
            answered = sum(future.result() for future in reading)
        return f"{answered} answers"

    def run(self, kind: str) -> str:
        if kind == "kill-build":
            return self.stopped(signal.SIGKILL, fresh=True)
        if kind == "kill-update":
            return self.stopped(signal.SIGKILL, fresh=False)
        if kind == "interrupt":
            return self.stopped(signal.SIGINT, fresh=self.rng.random() < 0.5)
        return self.readers()

    def no_leftovers(self) -> None:
        """After the files settle, `cache clear` removes everything the trials left."""
        # As if store.cache.SETTLED_SECONDS had passed: every file untouched for longer.
        settled = time.time() - 2.1
        for path in self.cache.iterdir():
            os.utime(path, (settled, settled), follow_symlinks=False)
        subprocess.run(
            [sys.executable, "-m", "meetings_cli", "cache", "clear"],
            env=self.env,
            check=True,
            capture_output=True,
        )
        left = sorted(p.name for p in self.cache.iterdir())
        if left:
            raise Failed(f"cache clear left {left}")


def _wait_until_reading(running: subprocess.Popen[bytes], folders: Sequence[Path]) -> None:
    """Wait until the process has a file of folders open (it has begun its work) or ended."""
    wanted = tuple(str(folder) for folder in folders)
    deadline = time.monotonic() + 30
    while running.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{running.pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{running.pid}/fd/{fd}").startswith(wanted):
                        return
        time.sleep(0.002)


def _no_process_left(group: int, within: float = 10.0) -> None:
    """No process of the trial's process group (a worker) runs on after it ended."""
    deadline = time.monotonic() + within
    while True:
        found = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True)
        alive = [pid for pid in map(int, found.stdout.split()) if _running(pid)]
        if not alive:
            return
        if time.monotonic() > deadline:
            raise Failed(f"processes left running: {alive}")
        time.sleep(0.1)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def run_suite(
    kinds: Sequence[str],
    trials: int,
    meetings: int,
    seed: int,
    say: Callable[[str], None] = print,
) -> None:
    """Run trials of each kind; raises Failed at the first wrong outcome."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="meetings-crash-") as folder:
        suite = Trials(Path(folder), meetings, rng)
        figures = ", ".join(f"{k} {v:.2f} s" for k, v in suite.durations.items())
        say(f"{meetings} meetings (seed {seed}): {figures}")
        for kind in kinds:
            outcomes: dict[str, int] = {}
            for number in range(1, trials + 1):
                try:
                    outcome = suite.run(kind)
                except Failed as failure:
                    raise Failed(f"{kind}, trial {number}: {failure}") from None
                count, _, what = outcome.rpartition(" ")
                outcomes[what] = outcomes.get(what, 0) + int(count or 1)
            say(f"{kind}: {trials} trials passed ({outcomes})")
        suite.no_leftovers()
        say("cache clear: nothing left")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="trials of each kind")
    parser.add_argument(
        "--meetings",
        type=int,
        default=6000,
        help="size of the dataset (4 MB and more: read in workers)",
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    try:
        run_suite(kinds, args.trials, args.meetings, args.seed)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
