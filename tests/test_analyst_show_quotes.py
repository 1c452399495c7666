"""`show` of any id (issue 15, item 2) and `quotes` as data (item 6)."""

from __future__ import annotations

import csv
import io
import json
import re
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


def _without_places(record: dict[str, Any]) -> dict[str, Any]:
    """record without what only `show` adds to its claims' evidence: where each passage is."""
    places = ("spans", "sentence", "at")
    claims = [
        {**c, "evidence": [{k: v for k, v in e.items() if k not in places} for e in c["evidence"]]}
        for c in record.get("claims") or ()
    ]
    return {**record, "claims": claims} if "claims" in record else record


def test_show_meeting_keeps_the_list_record_and_adds_only_its_kind(cli: Invoke) -> None:
    (listed,) = [m for m in as_json(cli, "list", "--json") if m["id"] == "mcis2018-kazakhstan"]
    shown = as_json(cli, "show", "MCIS2018 Kazakhstan", "--json")
    # ... and, for each passage of evidence, where it is in its article.
    assert _without_places(shown) == {"record": "meeting", **listed}
    article = cli("source", "iranproject-2018-04-07", "--json").stdout
    passages = [e for c in shown["claims"] for e in c["evidence"]]
    assert passages and all(e["spans"] and e["sentence"] for e in passages)
    text = json.loads(article)["text"]
    for passage in passages:
        if passage["source"] == "iranproject-2018-04-07":
            span = passage["spans"][0]
            assert " ".join(text[span["start"] : span["end"]].split()) == " ".join(
                passage["text"].split()
            )


def test_show_of_other_kinds_matches_their_listings(cli: Invoke) -> None:
    events = {e["id"]: e for e in as_json(cli, "events", "--json")}
    event = _without_places(as_json(cli, "show", "mcis-2018", "--json"))
    assert event == {"record": "event", **events["mcis-2018"]}
    people = {p["id"]: p for p in as_json(cli, "people", "--json")}
    shown = _without_places(as_json(cli, "show", "Amir-Hatami", "--json"))
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


def test_quotes_filters_keep_context_quotes_by_their_own_dates(cli: Invoke) -> None:
    rows = as_json(cli, "quotes", "--year", "2019", "--json")
    assert [(r["record"], r["id"]) for r in rows] == [
        ("context", "2019-astana-talks"),
        ("meeting", "mcis2019-russia"),
    ]
    assert all(r["date"].startswith("2019") for r in rows)
    # "What did Hatami say in 2020?": his talks with Shoigu and his dated remarks.
    said = as_json(cli, "quotes", "--speaker", "Hatami", "--year", "2020", "--json")
    assert sorted({r["id"] for r in said}) == [
        "2020-arrival-remarks",
        "2020-visit-remarks",
        "army2020-russia",
    ]
    assert len(said) == 4
    # An event keeps no context item; a date filter says what undated items it left out.
    at_event = as_json(cli, "quotes", "--event", "army-2020", "--json")
    assert {r["record"] for r in at_event} == {"meeting"}
    result = cli("context", "--year", "2020")
    assert "1 undated context item left out by the date filter" in result.stderr


def test_a_speaker_given_by_the_curators_is_marked_wherever_the_quote_is(cli: Invoke) -> None:
    (row,) = as_json(cli, "quotes", "--speaker", "Trump", "--json")
    assert (row["text"], row["speaker_basis"]) == ("the flaws", "curator")
    table = cli("quotes", "--speaker", "Trump").stdout
    assert re.search(r"^Donald Trump .*\n\[curator\]", table, re.MULTILINE), table
    shown = cli("show", "2018-us-jcpoa-deadline").stdout
    assert "— Donald Trump [curator]" in shown
    (finding,) = as_json(cli, "audit", "--issue", "curator-speaker", "--json")
    assert finding["id"] == "2018-us-jcpoa-deadline"


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
