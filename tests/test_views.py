"""Golden views: what people read, drawn by Rich at the widths terminals come in.

Each view of the bundled data is compared with tests/golden/NAME.WIDTH.txt.
After a deliberate change to a view, rewrite them with

    MEETINGS_UPDATE_GOLDEN=1 pytest tests/test_views.py

and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Invoke

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = bool(os.environ.get("MEETINGS_UPDATE_GOLDEN"))
WIDTHS = (100, 80, 60, 40)

#: Every command that draws a view, with arguments that show all it can draw.
VIEWS = {
    "list": ["list"],
    "list-2018": ["list", "--year", "2018"],
    "show": ["show", "mcis2018-kazakhstan"],
    "who": ["who", "Shoigu"],
    "who-explain": ["who", "Khatami", "--explain"],
    "people": ["people"],
    "search": ["search", "terrorism"],
    "timeline": ["timeline"],
    "events": ["events"],
    "sources": ["sources"],
    "stats": ["stats"],
    "audit": ["audit"],
    "context": ["context"],
}

#: Settings under which Rich would treat the output as a terminal or colour it.
PLAIN = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "NO_COLOR": None, "MEETINGS_DEBUG": "1"}


def draw(cli: Invoke, args: list[str], width: int) -> str:
    result = cli(*args, env={**PLAIN, "COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", VIEWS)
def test_view_matches_its_golden_text(cli: Invoke, name: str, width: int) -> None:
    drawn = draw(cli, VIEWS[name], width)
    path = GOLDEN / f"{name}.{width}.txt"
    if UPDATE:
        path.write_text(drawn, encoding="utf-8")
    assert path.exists(), f"no golden text yet: MEETINGS_UPDATE_GOLDEN=1 pytest {__file__}"
    assert drawn == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", VIEWS)
def test_no_line_is_wider_than_the_terminal(cli: Invoke, name: str) -> None:
    for width in (20, 33, 40, 47, 60, 71, 80, 100, 130):
        lines = draw(cli, VIEWS[name], width).splitlines()
        assert lines and max(map(len, lines)) <= width, (name, width)


def test_a_table_too_wide_for_the_terminal_is_stacked_not_squeezed(cli: Invoke) -> None:
    wide = draw(cli, ["list", "--year", "2019"], 80)
    assert wide.splitlines()[0].split() == ["Date", "ID", "Event", "Kind", "Participants"]
    narrow = draw(cli, ["list", "--year", "2019"], 40)
    assert narrow.splitlines()[:6] == [
        "Date:         2019-04-26",
        "ID:           mcis2019-russia",
        "Event:        VIII MCIS",
        "              [curator]",
        "Kind:         talks",
        "Participants: Hatami (Iran)",
    ]


def test_ids_and_words_are_never_split_in_a_narrow_table(cli: Invoke) -> None:
    # Every id the dataset has must appear whole at every width, whatever the layout.
    ids = [
        line.split()[1]
        for line in draw(cli, ["list"], 200).splitlines()[2:-1]
        if line[:1] in "~2" and not line.startswith("~ ")  # not the legend
    ]
    assert len(ids) == 8
    for width in (40, 50, 60, 70, 80):
        drawn = draw(cli, ["list"], width)
        assert all(meeting_id in drawn for meeting_id in ids), width


def test_stacked_fields_never_split_a_word(cli: Invoke) -> None:
    import json

    topics = {t for m in json.loads(cli("list", "--json").stdout) for t in m["topics"]}
    for width in (40, 45, 50):
        drawn = draw(cli, ["who", "Hatami"], width)
        assert all(topic in drawn for topic in topics), width


def test_field_values_wrap_under_themselves(cli: Invoke) -> None:
    lines = draw(cli, ["show", "mcis2018-kazakhstan"], 40).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("How dated:"))
    assert lines[start + 1].startswith(" " * len("How dated: ")) and lines[start + 1].strip()


def readme_examples() -> list[tuple[str, str]]:
    """(command, output) of each console example in the README shown in full."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in readme.split("```console\n")[1:]:
        lines = block.split("\n```", 1)[0].splitlines()
        command, output = lines[0], lines[1:]
        if command.startswith("$ ") and "|" not in command and "..." not in output:
            examples.append((command[2:], "\n".join(output) + "\n"))
    return examples


def test_the_readme_examples_print_what_they_show(cli: Invoke) -> None:
    examples = readme_examples()
    assert len(examples) >= 3
    for command, shown in examples:
        words = command.split()
        width = 80
        if words[0].startswith("COLUMNS="):
            width = int(words.pop(0).removeprefix("COLUMNS="))
        assert words[0] == "meetings"
        assert draw(cli, words[1:], width) == shown, command
