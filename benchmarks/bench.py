"""Time `meetings` against B, the start-up budgets, and jq and yq on synthetic datasets.

    python benchmarks/bench.py                      # budgets, then bundled, 1k, 10k meetings
    python benchmarks/bench.py --sizes 0 1000 --runs 15 --yq-max 10000
    python benchmarks/bench.py --sizes 10000 100000 --runs 5  # the budgets at scale

B is bare `python -c pass` with the same interpreter. Every command is run in
alternation with B, so both see the same machine load. The budgets are ratios
to B of warm runs on the bundled data: the median over pairs of (command / B)
from the same pair. The size table reports medians and the ratio of medians;
jq answers the same question on a JSON copy of the dataset (`meetings list
--json` saved to a file); yq (the Python jq wrapper for YAML, if installed)
answers it on the YAML, up to --yq-max meetings. The cache is warmed before
timing; the cold run (YAML parsed, validated and cached) is timed once per
size. Peak memory (maximum resident set) is reported for each command.

Run it from a virtual environment made as the README says. Its runs write and
load Python's bytecode caches, as users' runs do (PYTHONDONTWRITEBYTECODE is
dropped: with it, every run compiles each module's source again).

At 10,000 and 100,000 meetings the budgets of issue 12 are checked too: the
first run (compile), the run after one meeting of one year-file was edited,
warm questions (each against jq on the same question), and `list --json`
against jq reading the same JSON.

Measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from meetings_cli.paths import bundled_data_dir

MAKE_DATASET = Path(__file__).resolve().parent / "make_dataset.py"

JQ_QUESTIONS = {
    "list --year 2018 --json": (
        "[.[] | select((.date[:4] | tonumber) <= 2018 and (.date_end[:4] | tonumber) >= 2018)]"
    ),
    "who Hatami --json": '[.[] | select(any(.participants[]; .name == "Amir Hatami"))]',
    "search terrorism --json --limit 0": (
        '[.[] | select((.summary + " " + (.topics | join(" "))) | test("terrorism"; "i"))]'
    ),
    "timeline --json": "group_by(.date[:4])",
}
YQ_QUESTIONS = {
    "list --year 2018 --json": (
        '[.meetings[]? | select(.date.day // .date.from | tostring | startswith("2018"))]'
    ),
    "who Hatami --json": '[.meetings[]? | select(any(.participants[]; .person == "amir-hatami"))]',
}
EXTRA_COMMANDS = ["who hatemi --json", "--help", "list --year 2018", "who Hatami"]
#: Warm questions with a budget at scale, and jq's answer to the same question.
SCALE_QUESTIONS = {
    "show syn-000123": '.[] | select(.id == "syn-000123")',
    "who Hatami": '[.[] | select(any(.participants[]; .name == "Amir Hatami"))]',
    "search refugees --limit 20": '[.[] | select(.summary | test("refugees"; "i"))] | .[:20]',
    "stats": "[group_by(.kind)[] | {kind: .[0].kind, meetings: length}]",
    "timeline --person Hatami": (
        '[.[] | select(any(.participants[]; .name == "Amir Hatami"))] | group_by(.date[:4])'
    ),
    "list --year 2018 --person Hatami": (
        '[.[] | select(.date[:4] == "2018" and any(.participants[]; .name == "Amir Hatami"))]'
    ),
    "list --json": ".",
}
#: Budgets at scale (issue 12): seconds and MiB for warm questions, the first run
#: (compile) and the run after one meeting was edited; list --json against jq.
SCALE_BUDGETS = {
    100_000: {"warm": (0.3, 150), "compile": (20.0, 500), "incremental": 3.0},
    10_000: {"warm": (0.15, None)},
}
LIST_JSON_VS_JQ = 5.0
#: Budgets of issue 21, as ratios measured in the same run: the cache against the YAML
#: it compiles, the first run against one process loading every data file with libyaml
#: (garbage collection off), the run after one edit against a warm `show ID`.
CACHE_VS_YAML = 3.0
COMPILE_VS_LOAD = 1.0
EDIT_VS_SHOW = 5.0
#: One process loading every data file with libyaml's loader, gc off: the floor.
YAML_FLOOR = """
import gc, sys, time, yaml
gc.disable()
started = time.perf_counter()
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - started)
"""
#: Warm runs on the bundled data, as ratios to B, and the most each may take.
BUDGETS = {
    "list --year 2018 --json": 8.0,
    "who Hatami --json": 8.0,
    "--help": 8.0,
    "list --year 2018": 12.0,
}


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        message = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed: {' '.join(command)}: {message}")
    return elapsed, usage.ru_maxrss


def paired(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, int]:
    """Median of command, median of B, peak memory of command (alternating runs)."""
    bare = [sys.executable, "-c", "pass"]
    mine, base, peak = [], [], 0
    for _ in range(runs):
        seconds, memory = run_once(command, env)
        mine.append(seconds)
        peak = max(peak, memory)
        base.append(run_once(bare, env)[0])
    return statistics.median(mine), statistics.median(base), peak


def paired_ratio(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median over alternating pairs of (command time / B time), and median B (s)."""
    bare = [sys.executable, "-c", "pass"]
    ratios, base = [], []
    for _ in range(runs):
        mine = run_once(command, env)[0]
        b = run_once(bare, env)[0]
        ratios.append(mine / b)
        base.append(b)
    return statistics.median(ratios), statistics.median(base)


def report_budgets(meetings: str, env: dict[str, str], runs: int) -> None:
    """The start-up budgets on the bundled data (cache warmed first)."""
    base = [meetings, "--data", str(bundled_data_dir())]
    subprocess.run([*base, "list"], env=env, stdout=subprocess.DEVNULL, check=True)
    print(f"Start-up budgets, bundled data, warm cache, {runs} pairs with B:")
    for question, budget in BUDGETS.items():
        ratio, bare = paired_ratio([*base, *question.split()], env, runs)
        verdict = "within budget" if ratio <= budget else f"OVER by {ratio / budget - 1:.0%}"
        print(
            f"  {question:<26} {ratio:5.1f} x B  (budget {budget:g} x B; B = {bare * 1000:.1f} ms)"
            f"  {verdict}"
        )
    # 1,000 lines, each resolved on its own: `who -` resolves a repeated line once, so each
    # differs (by trailing spaces, which resolution ignores).
    bases = ["Shoigu", "Hatemi", "Шойгу", "nobody at all"]
    names = "".join(f"{bases[i % 4]}{' ' * (i // 4)}\n" for i in range(1000))
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(
            [*base, "who", "-", "--json"], input=names.encode(), env=env, capture_output=True
        )
        times.append(time.perf_counter() - started)
    print(f"  who - --json, 1,000 names  {statistics.median(times):5.2f} s    (budget 3 s)")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[0, 1000, 10_000],
        help="synthetic meetings to add (0: the bundled data alone)",
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tool-runs", type=int, default=3, help="runs of jq and yq")
    parser.add_argument("--yq-max", type=int, default=10_000)
    parser.add_argument("--budget-runs", type=int, default=31, help="pairs for the budgets")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "meetings-bench")
    args = parser.parse_args()

    meetings = shutil.which("meetings", path=str(Path(sys.executable).parent)) or "meetings"
    jq, yq = shutil.which("jq"), shutil.which("yq", path=str(Path(sys.executable).parent))
    args.work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MEETINGS_CACHE_DIR": str(args.work / "cache")}
    env.pop("MEETINGS_DATA", None)
    # Users' runs load Python's bytecode caches; without them every run compiles the source
    # of each module again (typer's and this package's: some 50 ms). The first runs write them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    report_budgets(meetings, env, args.budget_runs)
    rows = []
    verdicts: list[str] = []
    for size in args.sizes:
        root = bundled_data_dir() if size == 0 else args.work / f"data-{size}"
        if size and not (root / "synthetic" / "people.yaml").exists():
            # In a process of its own: a child's peak memory (ru_maxrss) starts
            # from its parent's size at fork, so this process must stay small.
            generate = [sys.executable, str(MAKE_DATASET), str(root), "--meetings", str(size)]
            subprocess.run(generate, check=True)
        label = "bundled (8)" if size == 0 else f"{size:,}"
        base = [meetings, "--data", str(root)]
        budgets = SCALE_BUDGETS.get(size, {})
        shutil.rmtree(args.work / "cache", ignore_errors=True)
        cold, cold_memory = run_once([*base, "validate"], env)
        rows.append((label, "first run: compile + validate", cold, None, None, None, cold_memory))
        if "compile" in budgets:
            verdicts.append(verdict(label, "first run", cold, cold_memory, *budgets["compile"]))
        if size:
            seconds, memory = edit_one_meeting(root, [*base, "show", "syn-000123"], env)
            rows.append((label, "after editing one meeting", seconds, None, None, None, memory))
            if "incremental" in budgets:
                verdicts.append(
                    verdict(label, "after one edit", seconds, memory, budgets["incremental"])
                )
            verdicts += ratio_budgets(label, root, base, env, seconds, args.runs)
        copy = args.work / f"copy-{size}.json"
        with copy.open("w", encoding="utf-8") as handle:
            subprocess.run([*base, "list", "--json"], env=env, stdout=handle, check=True)
        questions = {**JQ_QUESTIONS, **(SCALE_QUESTIONS if size else {})}
        for question in dict.fromkeys([*questions, *EXTRA_COMMANDS]):
            median, bare, peak = paired([*base, *question.split()], env, args.runs)
            jq_time = yq_time = None
            if jq and question in questions:
                jq_time = statistics.median(
                    run_once([jq, questions[question], str(copy)], env)[0]
                    for _ in range(args.tool_runs)
                )
            if yq and question in YQ_QUESTIONS and size <= args.yq_max:
                files = sorted(str(p) for p in root.rglob("meetings*.yaml"))
                yq_time = statistics.median(
                    run_once(
                        [
                            yq,
                            "-s",
                            f"[.[]] | {{meetings: [.[].meetings[]?]}} | {YQ_QUESTIONS[question]}",
                            *files,
                        ],
                        env,
                    )[0]
                    for _ in range(args.tool_runs)
                )
            rows.append((label, question, median, bare, jq_time, yq_time, peak))
            if question in SCALE_QUESTIONS and question != "list --json" and "warm" in budgets:
                verdicts.append(verdict(label, question, median, peak, *budgets["warm"]))
            if question == "list --json" and size and jq_time:
                times = jq_time / median
                ok = "within budget" if times >= LIST_JSON_VS_JQ else "OVER"
                verdicts.append(
                    f"{label:>8}  {'list --json vs jq':<34} {times:5.1f}x faster"
                    f"  (budget {LIST_JSON_VS_JQ:g}x)  {ok}"
                )

    if not rows:
        return
    print(f"python: {sys.executable}   runs: {args.runs} (jq, yq: {args.tool_runs})")
    header = (
        f"{'meetings':>12}  {'command':<34} {'median':>9} {'x B':>6} {'jq':>9} "
        f"{'x jq':>6} {'yq':>9} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, question, median, bare, jq_time, yq_time, peak in rows:
        ratio = f"{median / bare:.1f}" if bare else ""
        jq_text = f"{jq_time * 1000:.0f} ms" if jq_time else ""
        jq_ratio = f"{median / jq_time:.2f}" if jq_time else ""
        yq_text = f"{yq_time * 1000:.0f} ms" if yq_time else ""
        print(
            f"{label:>12}  {question:<34} {median * 1000:>6.0f} ms {ratio:>6} "
            f"{jq_text:>9} {jq_ratio:>6} {yq_text:>9} {peak / 1024:>9.0f}"
        )
    bare_all = [r[3] for r in rows if r[3]]
    if bare_all:
        median_b = statistics.median(bare_all) * 1000
        print(f"B (python -c pass), median over all pairs: {median_b:.1f} ms")
    if verdicts:
        print("\nBudgets at scale (issues 12 and 21):")
        print("\n".join(verdicts))


def verdict(
    label: str,
    question: str,
    seconds: float,
    peak_kib: int,
    budget_seconds: float,
    budget_mib: float | None = None,
) -> str:
    """One line: what a question took against its budget."""
    mib = peak_kib / 1024
    over = seconds > budget_seconds or (budget_mib is not None and mib > budget_mib)
    limit = f"{budget_seconds:g} s" + (f", {budget_mib:g} MiB" if budget_mib else "")
    return (
        f"{label:>8}  {question:<34} {seconds:6.2f} s {mib:6.0f} MiB  (budget {limit})"
        f"  {'OVER' if over else 'within budget'}"
    )


def ratio_budgets(
    label: str,
    root: Path,
    base: list[str],
    env: dict[str, str],
    edited: float,
    runs: int,
) -> list[str]:
    """Issue 21's budgets, each a ratio of two figures measured here and now."""
    files = sorted(str(p) for p in root.rglob("*.yaml"))
    yaml_bytes = sum(Path(f).stat().st_size for f in files)
    caches = list((Path(env["MEETINGS_CACHE_DIR"])).glob("*.sqlite3"))
    cache_bytes = max((c.stat().st_size for c in caches), default=0)
    pairs = [first_run_pair(files, base, env) for _ in range(FIRST_RUN_PAIRS)]
    ratios = sorted(first / floor for first, floor in pairs)
    first, floor = map(statistics.median, zip(*pairs, strict=True))
    show = statistics.median(run_once([*base, "show", "syn-000123"], env)[0] for _ in range(runs))
    lines = []
    for what, ratio, budget, detail in (
        ("cache size / YAML size", cache_bytes / yaml_bytes, CACHE_VS_YAML,
         f"{cache_bytes / 2**20:.0f} MiB / {yaml_bytes / 2**20:.0f} MiB"),
        ("first run / libyaml load (gc off)", statistics.median(ratios), COMPILE_VS_LOAD,
         f"median of {len(ratios)} pairs, {ratios[0]:.2f}-{ratios[-1]:.2f}:"
         f" {first:.2f} s / {floor:.2f} s"),
        ("after one edit / warm show", edited / show, EDIT_VS_SHOW,
         f"{edited:.2f} s / {show:.3f} s"),
    ):  # fmt: skip
        ok = "within budget" if ratio <= budget else "OVER"
        lines.append(
            f"{label:>8}  {what:<34} {ratio:6.2f} x  ({detail}; budget {budget:g} x)  {ok}"
        )
    return lines


#: Alternating runs of the floor and of a first run, whose ratios' median is the verdict.
FIRST_RUN_PAIRS = 3


def first_run_pair(files: list[str], base: list[str], env: dict[str, str]) -> tuple[float, float]:
    """A first run (`validate`, no cache) and, just before it, the floor: seconds of each."""
    floor = float(
        subprocess.run(
            [sys.executable, "-c", YAML_FLOOR, *files],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    with tempfile.TemporaryDirectory() as cache:
        first, _ = run_once([*base, "validate"], {**env, "MEETINGS_CACHE_DIR": cache})
    return first, floor


def edit_one_meeting(root: Path, command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Change one meeting's summary in one year-file; time the next run (then undo it)."""
    files = sorted((root / "synthetic").glob("meetings-*.yaml"))
    path = files[len(files) // 2]
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('summary: "', 'summary: "Edited. ', 1), encoding="utf-8")
    try:
        return run_once(command, env)
    finally:
        path.write_text(original, encoding="utf-8")
        run_once(command, env)  # compile the original back, untimed


if __name__ == "__main__":
    main()
