"""Time the first compile of meetings in one flow-style file against libyaml loading it.

    python benchmarks/bench_flow.py                        # 200,000 meetings, 3 pairs
    python benchmarks/bench_flow.py --meetings 50000 --runs 5
    python benchmarks/bench_flow.py --one-file             # every record in one file
    python benchmarks/bench_flow.py --data DIR             # a dataset made before (--keep)
    python benchmarks/bench_flow.py --stop                 # the huge broken files instead

The dataset is `make_dataset.py`'s, its synthetic meetings rewritten into one file,
`synthetic/meetings.yaml`, as one flow list (`meetings: [` then one `{...},` per line:
see `write_flow`); with --one-file, every collection of the dataset is in one file,
`all.yaml`, each a flow list. Each pair runs, one after the other, the floor (one
process loading the largest data file with `yaml.load(..., Loader=yaml.CSafeLoader)`,
as read text, the cyclic garbage collector
off, as benchmarks/bench.py measures it) and the first compile (`meetings --data DIR
stats` with an empty MEETINGS_CACHE_DIR); the ratio is the median over the pairs of
compile / floor, the budget of issue 22 being 1.5. Peak memory (maximum resident set)
is given for both.

--stop times `meetings validate` (with a cache folder, then --no-cache) on the files of
issue 22 whose reading must stop early: a million empty mappings (block and flow
style), and one mapping with a million unknown keys; and the floor on each.

Measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_dataset import write_dataset

#: One process loading the files named with libyaml's loader, gc off: the floor.
FLOOR = """
import gc, sys, time, yaml
gc.disable()
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""
BUDGET = 1.5


def flow(value: Any) -> str:
    """value in YAML's flow style: mappings `{k: v}`, lists `[a, b]`, days plain, and text
    plain unless it holds what would end it or make it something else (then quoted)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (datetime.date, int)):
        return str(value)
    text = str(value)
    if text and text.strip() == text and not set(text) & _QUOTED and _is_text(text):
        return text
    return json.dumps(text, ensure_ascii=False)


_QUOTED = set(",[]{}:#'\"&*!|>%@`?-\\\n")


def _is_text(plain: str) -> bool:
    """Whether YAML reads plain, written plain, as text (not a number, a date, null...)."""
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    resolve: Any = Resolver().resolve  # untyped in PyYAML's stubs
    return bool(resolve(ScalarNode, plain, (True, False)) == "tag:yaml.org,2002:str")


def write_flow(root: Path) -> Path:
    """Rewrite root's synthetic meetings (make_dataset's year files) into one flow list."""
    import yaml

    target = root / "synthetic" / "meetings.yaml"
    years = sorted((root / "synthetic").glob("meetings-*.yaml"))
    with open(target, "w", encoding="utf-8") as out:
        out.write("meetings: [\n")
        first = True
        for year in years:
            for meeting in yaml.load(year.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)[
                "meetings"
            ]:
                out.write(("" if first else ",\n") + "  " + flow(meeting))
                first = False
            year.unlink()
        out.write("\n]\n")
    return target


def write_one_file(root: Path) -> Path:
    """Move every record of root's data files into one file, `all.yaml`, of flow lists."""
    import yaml

    merged: dict[str, list[Any]] = {}
    for path in sorted(root.rglob("*.yaml")):
        for key, items in yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader).items():
            merged.setdefault(key, []).extend(items or ())
        path.unlink()
    target = root / "all.yaml"
    with open(target, "w", encoding="utf-8") as out:
        for key, items in merged.items():
            out.write(f"{key}: [\n" + ",\n".join(f"  {flow(item)}" for item in items) + "\n]\n")
    return target


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall time (s), peak resident memory (KiB) and exit status of one run."""
    with tempfile.TemporaryFile() as errors:  # a pipe would fill up with problems
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1, 2):
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"failed ({code}): {' '.join(command)}: {message}")
    return elapsed, usage.ru_maxrss, code


def compile_pairs(root: Path, runs: int) -> None:
    meetings = shutil.which("meetings") or str(Path(sys.executable).with_name("meetings"))
    target = max(root.rglob("*.yaml"), key=lambda path: path.stat().st_size)
    floor = [sys.executable, "-c", FLOOR, str(target)]
    size = target.stat().st_size / 2**20
    print(f"{target} ({size:.0f} MiB), {runs} pairs, alternating:")
    ratios, compiles, floors = [], [], []
    for number in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "MEETINGS_CACHE_DIR": cache}
            base, base_peak, _ = run(floor, env)
            mine, peak, code = run([meetings, "--data", str(root), "stats"], env)
        if code != 0:
            raise SystemExit(f"the dataset does not compile (exit {code})")
        ratios.append(mine / base)
        compiles.append(mine)
        floors.append(base)
        print(
            f"  pair {number + 1}: floor {base:6.1f} s ({base_peak / 1024:5.0f} MiB), "
            f"compile {mine:6.1f} s ({peak / 1024:5.0f} MiB): {mine / base:.2f}x"
        )
    ratio = statistics.median(ratios)
    verdict = "within" if ratio <= BUDGET else "over"
    print(
        f"median: floor {statistics.median(floors):.1f} s, compile "
        f"{statistics.median(compiles):.1f} s, ratio {ratio:.2f}x ({verdict} {BUDGET}x)"
    )


def stop_cases(runs: int) -> None:
    """The huge broken files of issue 22, item 5: reading must stop early."""
    # Made as they are written, so that the children this process starts (whose peak
    # memory counts what they shared with it when started) do not start large.
    cases: dict[str, Callable[[], str]] = {
        "1,000,000 `- {}` (block)": lambda: "meetings:\n" + "  - {}\n" * 1_000_000,
        "1,000,000 `{}` (flow)": lambda: "meetings: [" + ",".join(["{}"] * 1_000_000) + "]\n",
        "1 mapping, 1,000,000 unknown keys": lambda: (
            "meetings:\n  - " + "\n    ".join(f"k{i}: 1" for i in range(1_000_000)) + "\n"
        ),
    }
    meetings = shutil.which("meetings") or str(Path(sys.executable).with_name("meetings"))
    print(f"{'case':<36} {'MiB':>5} {'floor':>13} {'validate':>13} {'--no-cache':>13}")
    for name, make in cases.items():
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "data"
            root.mkdir()
            size = (root / "meetings.yaml").write_bytes(make().encode()) / 2**20
            env = {**os.environ, "MEETINGS_CACHE_DIR": str(Path(scratch) / "cache")}
            cells = []
            for command in (
                [sys.executable, "-c", FLOOR, str(root / "meetings.yaml")],
                [meetings, "--data", str(root), "validate"],
                [meetings, "--data", str(root), "--no-cache", "validate"],
            ):
                times, peaks = [], []
                for _ in range(runs):
                    shutil.rmtree(Path(scratch) / "cache", ignore_errors=True)
                    seconds, peak, _ = run(command, env)
                    times.append(seconds)
                    peaks.append(peak)
                cells.append(f"{statistics.median(times):5.2f}s {max(peaks) / 1024:5.0f}M")
            print(f"{name:<36} {size:>5.1f} {cells[0]:>13} {cells[1]:>13} {cells[2]:>13}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, help="a dataset written with --keep before")
    parser.add_argument("--keep", type=Path, help="write the dataset here, and keep it")
    parser.add_argument("--one-file", action="store_true", help="every record in one file")
    parser.add_argument("--stop", action="store_true", help="the huge broken files instead")
    args = parser.parse_args()
    if args.stop:
        stop_cases(args.runs)
        return
    if args.data is not None:
        compile_pairs(args.data, args.runs)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch) / "data"
        write_dataset(root, args.meetings)
        write_flow(root)
        if args.one_file:
            write_one_file(root)
        compile_pairs(root, args.runs)


if __name__ == "__main__":
    main()
