"""Benchmark name resolution: per-query time against 100,000 aliases, and end to end.

Run from the repository root after installing the project:

    python benchmarks/bench_resolve.py            # defaults: 100,000 aliases, 30 runs
    python benchmarks/bench_resolve.py --aliases 10000 --runs 50

It prints the median time of each kind of query (exact, phonetic, fuzzy hit,
miss) against an index padded with synthetic people, and the median wall time
of `meetings who Hatami --json` next to bare `python -c pass` (B), run in
alternation so both see the same machine load. This is a measurement, not a
test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from meetings_cli.load import load_dataset
from meetings_cli.match import PersonIndex
from meetings_cli.model import NativeName, Person
from meetings_cli.paths import bundled_data_dir

SYLLABLES = """ba be bi bo ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro
sa se si so ta te ti to va ve vi vo za ze zi zo sha kho dzhe""".split()
CYRILLIC = dict(zip("abeioklmnrstvzhdj", "абеиоклмнрствзхдж", strict=True))

QUERIES = {
    "exact": "Hatami",
    "exact, Cyrillic": "Шойгу",
    "phonetic": "Schoigu",
    "fuzzy hit": "Hatemi",
    "miss": "Mattis",
}


def synthetic_people(count: int, rng: random.Random) -> list[Person]:
    people = []
    for number in range(count):
        given = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        family = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(
            ["ov", "ev", "i", "ian", "ic", ""]
        )
        name = f"{given} {family}"
        cyrillic = "".join(CYRILLIC.get(c, c) for c in name.lower())
        people.append(
            Person(
                id=f"synthetic-{rng.getrandbits(48):x}-{number}",
                name=name,
                short_name=family,
                country="Synthetica",
                rank=None,
                role="Minister",
                native_names=(NativeName("Cyrillic", cyrillic),),
                spellings=(name, f"{given[0]}. {family}"),
                stated_as=(),
                notes=None,
            )
        )
    return people


def build_index(target_aliases: int) -> tuple[PersonIndex, float]:
    real = list(load_dataset(bundled_data_dir()).people)
    rng = random.Random(20181103)
    people = real
    while True:
        started = time.perf_counter()
        index = PersonIndex.build(people)
        seconds = time.perf_counter() - started
        missing = target_aliases - len(index.aliases)
        if missing <= 0:
            return index, seconds
        # Each synthetic person adds about four distinct aliases.
        people = [*people, *synthetic_people(missing // 4 + 1, rng)]


def time_queries(index: PersonIndex, runs: int) -> dict[str, tuple[float, str]]:
    results = {}
    for label, query in QUERIES.items():
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            resolution = index.resolve(query)
            samples.append(time.perf_counter() - started)
        best = resolution.best
        outcome = (
            f"{resolution.status}: {best.person_id} ({best.method})" if best else resolution.status
        )
        results[label] = (statistics.median(samples), outcome)
    return results


def time_end_to_end(runs: int) -> tuple[float, float]:
    meetings = shutil.which("meetings", path=str(Path(sys.executable).parent)) or "meetings"
    commands = {
        "bare": [sys.executable, "-c", "pass"],
        "who": [meetings, "who", "Hatami", "--json"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():  # alternate, so both see the same load
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - started)
    return statistics.median(samples["bare"]), statistics.median(samples["who"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aliases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    index, build_seconds = build_index(args.aliases)
    print(
        f"index: {len(index.people):,} people, {len(index.aliases):,} aliases, "
        f"built in {build_seconds:.2f} s"
    )
    print(f"{'query':<18} {'text':<10} {'median':>10}  outcome")
    for label, (seconds, outcome) in time_queries(index, args.runs).items():
        print(f"{label:<18} {QUERIES[label]:<10} {seconds * 1000:>8.3f} ms  {outcome}")
    bare, who = time_end_to_end(args.runs)
    print(
        f"end to end (median of {args.runs}): python -c pass = B = {bare * 1000:.1f} ms; "
        f"meetings who Hatami --json = {who * 1000:.1f} ms = {who / bare:.1f} x B"
    )


if __name__ == "__main__":
    main()
