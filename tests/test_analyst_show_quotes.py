"""`show` of any id (issue 15, item 2) and `quotes` as data (item 6)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, edit


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- show ID


@pytest.mark.parametrize(
    ("record_id", "kind", "field"),
    [
        ("mcis2018-kazakhstan", "meeting", "participants"),
        ("2018-jcpoa-remarks", "context", "people"),
        ("mcis-2018", "event", "short_name"),
        ("mehr-mcis2018", "source", "outlet"),
        ("amir-hatami", "person", "native_names"),
    ],
)
def test_show_finds_every_kind_of_id_and_says_which(
    cli: Invoke, record_id: str, kind: str, field: str
) -> None:
    record = as_json(cli, "show", record_id, "--json")
    assert (record["record"], record["id"]) == (kind, record_id)
    assert field in record
    table = cli("show", record_id, env={"COLUMNS": "100"})
    assert table.exit_code == 0, table.stderr
    assert table.stdout.startswith(record_id)


def test_show_meeting_keeps_the_list_record_and_adds_only_its_kind(cli: Invoke) -> None:
    (listed,) = [m for m in as_json(cli, "list", "--json") if m["id"] == "mcis2018-kazakhstan"]
    shown = as_json(cli, "show", "MCIS2018 Kazakhstan", "--json")
    assert shown == {"record": "meeting", **listed}


def test_show_of_other_kinds_matches_their_listings(cli: Invoke) -> None:
    events = {e["id"]: e for e in as_json(cli, "events", "--json")}
    assert as_json(cli, "show", "mcis-2018", "--json") == {"record": "event", **events["mcis-2018"]}
    people = {p["id"]: p for p in as_json(cli, "people", "--json")}
    shown = as_json(cli, "show", "Amir-Hatami", "--json")
    assert shown == {"record": "person", **people["amir-hatami"]}
    csv_rows = list(csv.DictReader(io.StringIO(cli("show", "mehr-mcis2018", "-f", "csv").stdout)))
    assert [row["id"] for row in csv_rows] == ["mehr-mcis2018"]
    assert "mcis2018-russia" in csv_rows[0]["meetings"]


def test_show_unknown_id_suggests_ids_of_any_kind(cli: Invoke) -> None:
    result = cli("show", "amir-hatam", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no meeting, context item, event, source or person with id 'amir-hatam'" in (
        result.stderr
    )
    assert "'amir-hatami'" in result.stderr


# --------------------------------------------------------------------------- quotes


def test_quotes_lists_every_quote_of_meetings_and_context_by_date(cli: Invoke) -> None:
    rows = as_json(cli, "quotes", "--json")
    meetings = as_json(cli, "list", "--json")
    context = as_json(cli, "context", "--json")
    every = sum(len(r["quotes"]) for r in meetings + context)
    assert len(rows) == every > 0
    assert {r["record"] for r in rows} == {"meeting", "context"}
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    first = rows[0]
    assert set(first) >= {"speaker", "speaker_id", "text", "date", "id", "source", "outlet"}


def test_quotes_speaker_goes_through_the_name_resolver(cli: Invoke) -> None:
    rows = as_json(cli, "quotes", "--speaker", "Шойгу", "--json")
    assert rows and {r["speaker_id"] for r in rows} == {"sergei-shoigu"}
    latin = as_json(cli, "quotes", "--speaker", "Shoygu", "--json")
    assert latin == rows


def test_quotes_take_the_meeting_filters_and_leave_out_context(cli: Invoke) -> None:
    rows = as_json(cli, "quotes", "--year", "2019", "--json")
    assert rows and {r["record"] for r in rows} == {"meeting"}
    assert all(r["date"].startswith("2019") for r in rows)


@pytest.mark.parametrize(
    ("fmt", "empty"), [("json", "[]\n"), ("jsonl", ""), ("csv", "record,id,title,")]
)
def test_quotes_with_no_match_are_empty_in_their_format(cli: Invoke, fmt: str, empty: str) -> None:
    result = cli("quotes", "--year", "1999", "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout.startswith(empty) and (fmt != "json" or result.stdout == empty)
    assert "no quotes match" in result.stderr
    unknown = cli("quotes", "--speaker", "Zzyzx Qwerty", "--format", fmt)
    assert unknown.exit_code == 1
    assert unknown.stdout.startswith(empty)


def test_quotes_csv_and_jsonl_have_one_row_per_quote(cli: Invoke) -> None:
    count = len(as_json(cli, "quotes", "--json"))
    rows = list(csv.DictReader(io.StringIO(cli("quotes", "-f", "csv").stdout)))
    assert len(rows) == count
    assert rows[0]["record"] in ("meeting", "context") and rows[0]["text"]
    lines = cli("quotes", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == count and json.loads(lines[0])["text"] == rows[0]["text"]


def test_hostile_names_stay_inert_in_quotes_and_show(cli: Invoke, data_copy: Path) -> None:
    hostile = "=Sergei [bold]Shoigu[/bold]"
    edit(data_copy / "people.yaml", "name: Sergei Shoigu", f'name: "{hostile}"')
    data = ("--data", str(data_copy))
    result = cli(*data, "quotes", "--speaker", "Shoigu", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    speakers = {row["speaker"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert speakers == {"'" + hostile}
    for args in (("quotes", "-s", "Shoigu"), ("show", "sergei-shoigu")):
        table = cli(*data, "--color", "always", *args, env={"COLUMNS": "200"})
        assert table.exit_code == 0, table.stderr
        assert "[bold]Shoigu[/bold]" in table.stdout
    (row, *_) = as_json(cli, *data, "quotes", "-s", "Shoigu", "--json")
    assert row["speaker"] == hostile
