"""Issue 15, item 4: `--with PERSON` on every filtered command, and `meetings pairs`."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, edit
from typer.testing import Result

BASE = Path(__file__).parent / "bad_data" / "_base"


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(meetings: list[dict[str, Any]]) -> list[str]:
    return [m["id"] for m in meetings]


# --------------------------------------------------------------------------- --with


def test_with_keeps_the_meetings_every_named_person_attended(cli: Invoke) -> None:
    everything = as_json(cli, "list")
    both = [
        m
        for m in everything
        if {"amir-hatami", "sergei-shoigu"} <= {p["id"] for p in m["participants"]}
    ]
    assert len(both) >= 2 and len(both) < len(everything)
    # Names resolve in any spelling, as with --person.
    assert ids(as_json(cli, "list", "--with", "Hatami", "-w", "Шойгу")) == ids(both)


def test_with_is_and_where_person_is_or(cli: Invoke) -> None:
    either = as_json(cli, "list", "--person", "Shoigu", "--person", "Vulin")
    assert len(either) >= 2
    result = cli("list", "--with", "Shoigu", "--with", "Vulin", "--json")
    assert (result.exit_code, result.stdout) == (1, "[]\n")
    assert result.stderr == (
        "meetings: no meetings match: --with 'Shoigu' --with 'Vulin' keeps no meeting\n"
    )


@pytest.mark.parametrize(
    "command",
    [["list"], ["timeline"], ["stats"], ["search", "cooperation"], ["pairs"], ["graph"]],
    ids=lambda c: c[0],
)
def test_every_filtered_command_takes_with(cli: Invoke, command: list[str]) -> None:
    assert "--with" in cli(*command, "--help").stdout
    narrowed = cli(*command, "--with", "Shoigu", "--with", "Hatami", "--json")
    assert narrowed.exit_code == 0, narrowed.stderr
    unknown = cli(*command, "--with", "Nobody Atall", "--json")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("meetings: no person matches 'Nobody Atall'")
    json.loads(unknown.stdout)  # still valid JSON for a pipeline


def test_with_narrows_timeline_and_stats_like_list(cli: Invoke) -> None:
    listed = ids(as_json(cli, "list", "--with", "Shoigu"))
    years = as_json(cli, "timeline", "--with", "Shoigu")
    assert [m["id"] for y in years for e in y["events"] for m in e["meetings"]] == listed
    stats = as_json(cli, "stats", "--with", "Shoigu")
    assert sum(stats["kind"].values()) == len(listed)


# --------------------------------------------------------------------------- pairs


def key(pair: dict[str, Any]) -> tuple[str, str]:
    low, high = sorted((pair["person_a"], pair["person_b"]))
    return low, high


def expected_pairs(meetings: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """Who met whom, worked out from `list --json`: readings of one seat did not meet."""
    found: dict[tuple[str, str], list[str]] = {}
    for meeting in meetings:
        for a, b in itertools.combinations(meeting["participants"], 2):
            if a["seat"] is not None and a["seat"] == b["seat"]:
                continue
            found.setdefault(key({"person_a": a["id"], "person_b": b["id"]}), []).append(
                meeting["id"]
            )
    return found


def test_pairs_are_every_pair_that_met_most_first(cli: Invoke) -> None:
    meetings = as_json(cli, "list")
    pairs = as_json(cli, "pairs")
    expected = expected_pairs(meetings)
    assert {key(p): p["meetings"] for p in pairs} == expected
    assert [p["count"] for p in pairs] == sorted((p["count"] for p in pairs), reverse=True)
    assert all(p["count"] == len(p["meetings"]) for p in pairs)
    top = pairs[0]
    assert (top["name_a"], top["name_b"], top["count"]) == ("Amir Hatami", "Sergei Shoigu", 3)
    assert top["years"] == [2018, 2019, 2020]
    assert (top["country_a"], top["country_b"], top["disputed"]) == ("Iran", "Russia", False)


def test_alternative_readings_of_a_seat_did_not_meet_and_are_disputed(cli: Invoke) -> None:
    meetings = as_json(cli, "list")
    seats: dict[str, set[str]] = {}
    for m in meetings:
        for p in m["participants"]:
            if p["seat"]:
                seats.setdefault(f"{m['id']}/{p['seat']}", set()).add(p["id"])
    readings = [people for people in seats.values() if len(people) > 1]
    assert readings, "the bundled data has a seat with alternative readings"
    pairs = {key(p): p for p in as_json(cli, "pairs")}
    for people in readings:
        for a, b in itertools.combinations(sorted(people), 2):
            assert (a, b) not in pairs
        for person in people:
            assert all(p["disputed"] for k, p in pairs.items() if person in k)
    assert not pairs[("amir-hatami", "sergei-shoigu")]["disputed"]


def test_pairs_take_the_filters(cli: Invoke) -> None:
    pairs = as_json(cli, "pairs", "--year", "2019")
    assert pairs and all(p["years"] == [2019] for p in pairs)
    shoigu = as_json(cli, "pairs", "--with", "Shoigu")
    assert {key(p) for p in shoigu} == set(expected_pairs(as_json(cli, "list", "-w", "Shoigu")))


def test_pairs_table_csv_and_jsonl(cli: Invoke) -> None:
    pairs = as_json(cli, "pairs")
    table = cli("pairs", env={"COLUMNS": "100"})
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["Person", "Met", "Meetings", "Years"]
    assert "Amir Hatami (Iran)" in table.stdout and "2018, 2019, 2020" in table.stdout
    assert "1?" in table.stdout  # a disputed pair
    rows = list(csv.DictReader(io.StringIO(cli("pairs", "-f", "csv").stdout)))
    assert [r["person_a"] for r in rows] == [p["person_a"] for p in pairs]
    assert rows[0]["years"] == "2018; 2019; 2020"
    assert {r["disputed"] for r in rows} == {"true", "false"}
    lines = cli("pairs", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == pairs


@pytest.mark.parametrize(
    ("fmt", "empty"),
    [
        ("json", "[]\n"),
        ("jsonl", ""),
        (
            "csv",
            "person_a,name_a,country_a,person_b,name_b,country_b,count,years,meetings,disputed\n",
        ),
    ],
)
def test_no_pairs_is_an_empty_result_and_exit_1(cli: Invoke, fmt: str, empty: str) -> None:
    result: Result = cli("pairs", "--year", "2017", "--format", fmt)
    assert (result.exit_code, result.stdout) == (1, empty)
    assert result.stderr == (
        "meetings: no pairs of people met in the meetings that match: nothing in 2017: the data"
        " covers 2018–2020\n"
    )


def test_pairs_text_from_the_data_is_inert(tmp_path: Path, cli: Invoke) -> None:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    edit(data / "people.yaml", "name: Sergei Shoigu", 'name: "[red]Sergei[/red] Shoigu"')
    edit(data / "people.yaml", "country: Russia", 'country: "=Russia"')
    table = cli("--data", str(data), "--color", "always", "pairs")
    assert table.exit_code == 0, table.stderr
    assert "[red]Sergei[/red] Shoigu (=Russia)" in table.stdout  # shown, not obeyed
    (row,) = csv.DictReader(io.StringIO(cli("--data", str(data), "pairs", "-f", "csv").stdout))
    assert (row["name_b"], row["country_b"]) == ("[red]Sergei[/red] Shoigu", "'=Russia")
    (pair,) = as_json(cli, "--data", str(data), "pairs")
    assert pair["country_b"] == "=Russia"  # JSON keeps the exact text


def test_hostile_with_argument_is_escaped(cli: Invoke) -> None:
    result = cli("pairs", "--with", "zz\x1b]0;x\x07\u202e", "--json")
    assert (result.exit_code, result.stdout) == (1, "[]\n")
    assert result.stderr == "meetings: no person matches 'zz\\x1b]0;x\\x07\\u202e'\n"
