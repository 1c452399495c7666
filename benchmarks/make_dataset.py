"""Make a synthetic dataset in the project's schema: the bundled data plus N meetings.

    python benchmarks/make_dataset.py OUT_DIR --meetings 10000 [--seed 1]

The synthetic meetings (one file per year, synthetic/meetings-YEAR.yaml) are
between invented defence ministers of real countries, 2015-2024, with
realistic summaries, topics, events, date ranges,
disputed participants and quotes that appear verbatim in generated source
texts, so the result passes `meetings validate`. The bundled records are kept,
so `meetings who Hatami` answers the same as on the bundled data.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from meetings_cli.paths import bundled_data_dir

COUNTRIES = [
    "Armenia", "Azerbaijan", "Belarus", "China", "Cuba", "Egypt", "India", "Iraq", "Kazakhstan",
    "Kyrgyzstan", "Laos", "Mongolia", "Myanmar", "Nicaragua", "Pakistan", "Serbia", "Syria",
    "Tajikistan", "Turkey", "Uzbekistan", "Venezuela", "Vietnam",
]  # fmt: skip
CITIES = ["Moscow", "Minsk", "Astana", "Tehran", "Beijing", "Islamabad", "Belgrade", "Yerevan"]
SYLLABLES = (
    "al an ar ba be da de di ga go ka ko la li ma mi na no ra ri sa se ta to va vi za zo".split()
)
TOPICS = [
    "defence-cooperation", "military-technical-cooperation", "regional-security",
    "counter-terrorism", "syria", "astana-process", "refugees", "us-policy", "jcpoa",
    "united-nations", "arms-embargo", "border-cooperation", "military-exercises",
]  # fmt: skip
OPENINGS = [
    "The ministers reviewed", "Both sides discussed", "The talks covered",
    "The two delegations examined", "The meeting focused on",
]  # fmt: skip
SUBJECTS = [
    "joint exercises planned for the coming year", "the supply of air-defence systems",
    "training exchanges between staff colleges", "border security and smuggling",
    "the situation in Syria and the return of refugees", "cooperation against terrorism",
    "the expiry of the arms embargo", "naval visits and port calls",
    "maintenance of equipment bought in earlier years", "regional security architecture",
]  # fmt: skip
QUOTES = [
    "our cooperation serves peace and stability in the region",
    "we are ready to expand military and technical ties",
    "no outside power can dictate the security of our region",
    "the exercises show the level of trust between our armed forces",
    "terrorism remains the common threat to all of us",
]  # fmt: skip


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    family = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{given} {family}{rng.choice(['ov', 'ev', 'ic', 'ian', 'i', 'an'])}"


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_dataset(root: Path, meetings: int, seed: int = 1) -> Path:
    """Write the bundled data plus `meetings` synthetic meetings under root; return root."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundled_data_dir(), root)
    extra = root / "synthetic"
    extra.mkdir()

    people = []
    for number, country in enumerate(COUNTRIES * 4):
        pid = f"syn-person-{number:03d}"
        people.append((pid, _name(rng), country))
    person_lines = ["people:"]
    for pid, name, country in people:
        family = name.split()[-1]
        person_lines += [
            f"  - id: {pid}",
            f"    name: {_text(name)}",
            f"    short_name: {_text(family)}",
            f"    country: {_text(country)}",
            "    role: Minister of Defence",
            f"    spellings: [{_text(name)}]",
        ]
    (extra / "people.yaml").write_text("\n".join(person_lines) + "\n", encoding="utf-8")

    event_lines = ["events:"]
    for year in range(2015, 2025):
        event_lines += [
            f"  - id: syn-forum-{year}",
            f"    name: {_text(f'International Security Forum {year}')}",
            f"    short_name: {_text(f'ISF {year}')}",
            f"    year: {year}",
            "    location: Moscow",
            "    sources: [syn-source-0]",
        ]
    (extra / "events.yaml").write_text("\n".join(event_lines) + "\n", encoding="utf-8")

    per_source = 200
    source_count = max(1, (meetings + per_source - 1) // per_source)
    source_lines = ["sources:"]
    for number in range(source_count):
        source_lines += [
            f"  - id: syn-source-{number}",
            f"    file: sources/syn-source-{number}.txt",
            "    outlet: Synthetic Wire",
            f"    title: {_text(f'Synthetic report {number}')}",
        ]
        (root / "sources" / f"syn-source-{number}.txt").write_text(
            "Synthetic report. "
            + " ".join(f"“{q}”" for q in QUOTES)
            + "\n"
            + " ".join(name for _, name, _ in people)
            + "\n",
            encoding="utf-8",
        )
    (extra / "sources.yaml").write_text("\n".join(source_lines) + "\n", encoding="utf-8")

    by_year: dict[int, list[str]] = {}
    start = date(2015, 1, 1)
    for number in range(meetings):
        first, second = rng.sample(people, 2)
        while second[2] == first[2]:
            second = rng.choice(people)
        day = start + timedelta(days=rng.randrange(3650))
        source = f"syn-source-{number // per_source}"
        lines = by_year.setdefault(day.year, ["meetings:"])
        lines += [
            f"  - id: syn-{number:06d}",
            f"    title: {_text(f'Talks between {first[1]} and {second[1]}')}",
        ]
        lines.append("    date:")
        if rng.random() < 0.7:
            lines += [f"      day: {day.isoformat()}", "      basis: stated"]
        else:
            lines += [
                f"      from: {day.isoformat()}",
                f"      to: {(day + timedelta(days=rng.randrange(1, 6))).isoformat()}",
                "      basis: inferred",
            ]
        lines.append(f"      how: {_text('The report gives the date of the talks.')}")
        lines += [f"    location: {rng.choice(CITIES)}"]
        if rng.random() < 0.5:
            lines.append(f"    event: syn-forum-{day.year}")
        lines.append(
            f"    kind: {'bilateral-talks' if rng.random() < 0.9 else 'multilateral-talks'}"
        )
        lines.append("    participants:")
        lines.append(f"      - {{person: {first[0]}, role: Minister of Defence}}")
        lines.append(f"      - {{person: {second[0]}, role: Minister of Defence}}")
        topics = rng.sample(TOPICS, rng.randrange(1, 4))
        lines.append(f"    topics: [{', '.join(topics)}]")
        summary = " ".join(
            f"{rng.choice(OPENINGS)} {rng.choice(SUBJECTS)}." for _ in range(rng.randrange(2, 5))
        )
        lines.append(f"    summary: {_text(summary)}")
        lines += [
            "    quotes:",
            f"      - speaker: {first[0]}",
            f"        source: {source}",
            f"        text: {_text(rng.choice(QUOTES))}",
            f"    sources: [{source}]",
        ]
    # One file per year, as a curator would keep a dataset of this size.
    for year, lines in sorted(by_year.items()):
        (extra / f"meetings-{year}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root = write_dataset(args.out, args.meetings, args.seed)
    print(f"wrote {args.meetings:,} synthetic meetings (plus the bundled data) to {root}")


if __name__ == "__main__":
    main()
