"""Time every case of tests/bad_data/ and report its peak memory.

    python benchmarks/bench_bad_data.py            # every case, then the cases at scale
    python benchmarks/bench_bad_data.py --scale    # the cases at scale only

Each case is built as the test suite builds it and `meetings validate` (or the
case's command) runs once in its own process; the table gives wall time, peak
resident memory and exit status, and flags any case over 2 seconds. The cases
at scale (issue 13) are generated here, each timed against its budget.
Measurement, not a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_bad_data import BASE, FOLDERS, build, read_case


def main() -> None:
    if sys.argv[1:2] == ["--build"]:  # building in a child keeps this process small,
        build(Path(sys.argv[2]), Path(sys.argv[3]))  # so children's peak memory is their own
        return
    if sys.argv[1:2] != ["--scale"]:
        cases()
    scale()


def cases() -> None:
    """Each case of tests/bad_data/, as the tests run it."""
    slowest = 0.0
    print(f"{'case':<22} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    for folder in FOLDERS:
        spec = read_case(folder)
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "data"
            subprocess.run(
                [sys.executable, __file__, "--build", str(folder), str(root)], check=True
            )
            words = str(spec["command"]).split()
            args = ["validate", "."] if words == ["validate"] else ["--data", ".", *words]
            env = {**os.environ, "MEETINGS_CACHE_DIR": str(Path(scratch) / "cache")}
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "meetings_cli", *args],
                cwd=root,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        slowest = max(slowest, seconds)
        flag = "  over 2 s" if seconds > 2 else ""
        print(
            f"{folder.name:<22} {seconds:>8.2f} {usage.ru_maxrss / 1024:>9.0f} "
            f"{os.waitstatus_to_exitcode(status):>5}{flag}"
        )
    print(f"slowest: {slowest:.2f} s over {len(FOLDERS)} cases")
    print()


def scale() -> None:
    """The bad data at scale of issue 13, each against its budget."""
    print(f"{'at scale (issue 13)':<34} {'seconds':>8} {'peak MiB':>9} {'exit':>5}  budget")
    for name, make, budget, memory in SCALE_CASES:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "data"
            shutil.copytree(BASE, root)
            make(root)
            env = {**os.environ, "MEETINGS_CACHE_DIR": str(Path(scratch) / "cache")}
            with open(Path(scratch) / "stderr", "w+b") as stderr:
                started = time.perf_counter()
                process = subprocess.Popen(
                    [sys.executable, "-m", "meetings_cli", "validate", "."],
                    cwd=root,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
                _, status, usage = os.wait4(process.pid, 0)
                seconds = time.perf_counter() - started
                stderr.seek(0)
                errors = stderr.read()
        lines = errors.decode("utf-8", "replace").splitlines()
        mib = usage.ru_maxrss / 1024
        verdict = "within" if seconds <= budget and mib <= memory else "OVER"
        print(
            f"{name:<34} {seconds:>8.2f} {mib:>9.0f} {os.waitstatus_to_exitcode(status):>5}  "
            f"{budget:g} s, {memory} MiB: {verdict} ({len(lines)} lines on stderr)"
        )


def _meetings(root: Path, items: list[str]) -> None:
    (root / "more.yaml").write_text("meetings:\n" + "".join(items), encoding="utf-8")


def misspelt_people(root: Path) -> None:
    """3,000 meetings, each naming a slightly misspelt person id."""
    _meetings(root, [_meeting(n, "amir-hatamy") for n in range(3000)])


def unknown_participants(root: Path) -> None:
    """One meeting with 40,000 participants no one knows."""
    people = "".join(f"      - {{person: stranger-{n}, role: Guest}}\n" for n in range(40_000))
    meeting = _meeting(0, "amir-hatami")
    _meetings(root, [meeting.replace(_PARTICIPANTS.replace("PERSON", "amir-hatami"), people)])


def missing_everything(root: Path) -> None:
    """100,000 meetings, each missing every required field."""
    _meetings(root, [f"  - {{id: empty-{n}}}\n" for n in range(100_000)])


def flow_style(root: Path) -> None:
    """200,000 valid meetings in one flow-style file (one line each): not a problem at all."""
    lines = [_meeting(n, "amir-hatami", flow=True) for n in range(200_000)]
    (root / "more.yaml").write_text("meetings: [\n" + ",\n".join(lines) + "\n]\n")


_PARTICIPANTS = "      - {person: PERSON, role: Minister}\n"


def _meeting(number: int, person: str, *, flow: bool = False) -> str:
    if flow:
        return (
            f"{{id: extra-{number}, title: Extra talks {number}, date: {{day: 2018-04-03, "
            "basis: stated, how: The source gives the day.}, location: Moscow, "
            "kind: bilateral-talks, participants: [{person: " + person + ", role: Minister}], "
            "topics: [defence-cooperation], summary: They talked., sources: [src-a]}"
        )
    return (
        f"  - id: extra-{number}\n    title: Extra talks {number}\n"
        "    date: {day: 2018-04-03, basis: stated, how: The source gives the day.}\n"
        "    location: Moscow\n    kind: bilateral-talks\n    participants:\n"
        + _PARTICIPANTS.replace("PERSON", person)
        + "    topics: [defence-cooperation]\n    summary: They talked.\n    sources: [src-a]\n"
    )


#: (name, generator, seconds, MiB): the budgets of issue 13.
SCALE_CASES = [
    ("3,000 misspelt person ids", misspelt_people, 5.0, 500),
    ("40,000 unknown participants", unknown_participants, 3.0, 500),
    ("100,000 meetings missing fields", missing_everything, 10.0, 500),
    ("200,000 flow-style meetings", flow_style, 20.0, 500),
]


if __name__ == "__main__":
    main()
