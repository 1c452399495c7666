"""Make the hostile datasets of issue 22, item 5: the bundled data plus one big case.

    python benchmarks/make_hostile.py OUT_DIR crowd --people 2000 [--meetings 1] [--same-name]
    python benchmarks/make_hostile.py OUT_DIR spellings --people 1000 --spellings 10 --mb 4

crowd: one meeting with N participants, every one of them in people (its
pairs and graph have N*(N-1)/2 edges); with --meetings M, M such meetings of the
same people (every pair met M times); with --same-name, everyone has one name.
spellings: N people with S spellings each, all checked against one article of
about MB megabytes of text (the spellings are found near its end, so a search
per spelling reads it all).
Either passes `meetings validate`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from meetings_cli.paths import bundled_data_dir


def _name(number: int) -> str:
    """A name of letters only, distinct per number (no name is a prefix of another's words)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += letters[digit]
        if not number:
            break
    return "Q" + word + "x"


def _source(root: Path, sid: str, text: str) -> str:
    path = root / "sources" / f"{sid}.txt"
    path.write_text(text, encoding="utf-8")
    return (
        f"sources:\n  - id: {sid}\n    file: sources/{sid}.txt\n    outlet: Hostile Wire\n"
        f"    title: A hostile case\n"
    )


def write_crowd(root: Path, people: int, meetings: int = 1, same_name: bool = False) -> None:
    """`meetings` meetings of the same `people` participants."""
    names = [f"Crowd {_name(0 if same_name else n)}" for n in range(people)]
    (root / "hostile").mkdir()
    sources = _source(root, "hostile-crowd", "A crowd met. " + " ".join(names) + "\n")
    (root / "hostile" / "sources.yaml").write_text(sources, encoding="utf-8")
    lines = ["people:"]
    for number, name in enumerate(names):
        lines += [
            f"  - id: crowd-{number:05d}",
            f"    name: {name}",
            f"    short_name: {name.split()[-1]}",
            "    country: Russia",
            "    role: Delegate",
            f"    spellings: [{name}]",
        ]
    (root / "hostile" / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["meetings:"]
    for meeting in range(meetings):
        lines += [
            f"  - id: hostile-crowd-{meeting}",
            "    title: A crowd",
            f"    date: {{day: {2019 + meeting % 2}-04-24, basis: stated, how: Said.}}",
            "    location: Moscow",
            "    kind: multilateral-talks",
            "    participants:",
        ]
        lines += [f"      - {{person: crowd-{n:05d}, role: Delegate}}" for n in range(people)]
        lines += ["    topics: [regional-security]", "    summary: A crowd met.", "    quotes: []"]
        lines += ["    sources: [hostile-crowd]"]
    (root / "hostile" / "meetings.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_spellings(root: Path, people: int, spellings: int, megabytes: float) -> None:
    """`people` people with `spellings` spellings each, all in one article of `megabytes`."""
    (root / "hostile").mkdir()
    spelled = [[f"Spelt {_name(p)} {_name(s)}" for s in range(spellings)] for p in range(people)]
    filler = "The delegations met and talked about many things at length. "
    words = " ".join(s for each in spelled for s in each)
    repeat = max(0, int(megabytes * 1_000_000) - len(words)) // len(filler)
    text = filler * repeat + "\n" + words + "\n"
    sources = _source(root, "hostile-spellings", text)
    (root / "hostile" / "sources.yaml").write_text(sources, encoding="utf-8")
    lines = ["people:"]
    for number, each in enumerate(spelled):
        lines += [
            f"  - id: spelt-{number:05d}",
            f"    name: {each[0]}",
            f"    short_name: {each[0].split()[-1]}",
            "    country: Russia",
            "    role: Delegate",
            f"    spellings: [{', '.join(each)}]",
        ]
    (root / "hostile" / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("case", choices=("crowd", "spellings"))
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=1)
    parser.add_argument("--same-name", action="store_true")
    parser.add_argument("--spellings", type=int, default=10)
    parser.add_argument("--mb", type=float, default=4.0)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(bundled_data_dir(), args.out)
    if args.case == "crowd":
        write_crowd(args.out, args.people, args.meetings, args.same_name)
    else:
        write_spellings(args.out, args.people, args.spellings, args.mb)
    print(f"wrote the {args.case} case to {args.out}")


if __name__ == "__main__":
    main()
