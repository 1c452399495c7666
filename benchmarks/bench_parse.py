"""Time reading data files: the floor (libyaml loading), the streaming path, the fast path.

    python benchmarks/bench_parse.py                     # datasets of 10,000 and 100,000 meetings
    python benchmarks/bench_parse.py --meetings 10000 --repeat 3
    python benchmarks/bench_parse.py --data DIR          # an existing dataset

For one year-file (the largest data file) and for all data files, in one process
with the cyclic garbage collector off (as the store parses), it prints the best
of --repeat runs of:

- floor: `yaml.load(text, Loader=yaml.CSafeLoader)` per file, the figure the
  compile budget is a ratio to;
- streaming: `FileReader(..., split=False)`, PyYAML's composer on libyaml's events;
- fast: `FileReader(...)`, each top-level record composed by libyaml, then validated.

Texts are read before timing. Measurement, not a test.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_dataset import write_dataset

from meetings_cli.load import FileReader


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(files: list[tuple[Path, str, str]], repeat: int) -> dict[str, float]:
    def floor() -> None:
        for _, _, text in files:
            yaml.load(text, Loader=yaml.CSafeLoader)

    def reading(split: bool) -> Callable[[], None]:
        def run() -> None:
            for path, name, text in files:
                reader = FileReader(path, name, split=split)
                for _ in reader.records(text):
                    pass
                assert not reader.unreadable, name

        return run

    return {
        "floor": best(repeat, floor),
        "streaming": best(repeat, reading(False)),
        "fast": best(repeat, reading(True)),
    }


def report(root: Path, repeat: int) -> None:
    paths = sorted(p for p in root.rglob("*.yaml") if p.is_file())
    files = [(p, str(p.relative_to(root)), p.read_text(encoding="utf-8")) for p in paths]
    largest = max(files, key=lambda f: len(f[2]))
    split = sum(FileReader(p, n).pieces(t) is not None for p, n, t in files)
    print(f"{root}: {len(files)} data files, {sum(len(t) for _, _, t in files) / 1e6:.1f} MB;")
    print(f"  {split} of them split into top-level records (the rest are read whole)")
    print(
        f"  {'':<14} {'floor s':>8} {'streaming s':>12} {'fast s':>8} {'streaming/floor':>16}"
        f" {'fast/floor':>11}"
    )
    chosen = [(f"one year-file {largest[1]} ({len(largest[2]) / 1e6:.1f} MB)", [largest])]
    for label, group in [*chosen, ("all files", files)]:
        times = measure(group, repeat)
        floor = times["floor"]
        print(f"  {label}")
        print(
            f"  {'':<14} {floor:>8.3f} {times['streaming']:>12.3f} {times['fast']:>8.3f}"
            f" {times['streaming'] / floor:>15.2f}x {times['fast'] / floor:>10.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, action="append")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gc.disable()  # as store.parse_file does around the reader
    if args.data:
        report(args.data, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        for count in args.meetings or [10_000, 100_000]:
            root = write_dataset(Path(folder) / f"d{count}", count)
            print(f"{count:,} synthetic meetings")
            report(root, args.repeat)


if __name__ == "__main__":
    main()
