"""The commands, run in-process with CliRunner: output, formats and exit status."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Invoke, edit

from meetings_cli import __version__

MEETING_KEYS = {
    "id",
    "date",
    "date_precision",
    "date_basis",
    "kind",
    "event",
    "location",
    "participants",
    "topics",
    "summary",
    "quotes",
    "sources",
    "notes",
}


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- list


def test_list_2018_table_shows_six_engagements(cli: Invoke) -> None:
    result = cli("list", "--year", "2018")
    assert result.exit_code == 0
    for meeting_id in (
        "mcis2018-russia",
        "mcis2018-belarus",
        "mcis2018-kazakhstan",
        "mcis2018-pakistan",
        "mcis2018-serbia",
        "mcis2018-address",
    ):
        assert meeting_id in result.stdout
    assert "mcis2019" not in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour codes
    assert result.stderr == ""


def test_list_json_is_an_array_with_the_contract_fields(cli: Invoke) -> None:
    meetings = as_json(cli, "list", "--json")
    assert [m["id"] for m in meetings][:1] == ["mcis2018-russia"]
    assert len(meetings) == 8
    for meeting in meetings:
        assert meeting.keys() >= MEETING_KEYS
        for participant in meeting["participants"]:
            assert {"id", "name", "country", "role"} <= participant.keys()
        for quote in meeting["quotes"]:
            assert {"speaker", "text", "source"} <= quote.keys()
        for source in meeting["sources"]:
            assert {"id", "outlet", "title", "published"} <= source.keys()
    dates = [(m["date"], m["date_end"]) for m in meetings]
    assert dates == sorted(dates)


def test_list_json_keeps_non_ascii_readable(cli: Invoke) -> None:
    result = cli("list", "--json")
    assert "Kazakhstan’s" in result.stdout and "\\u2019" not in result.stdout


def test_participant_names_like_the_readme_jq_pipeline(cli: Invoke) -> None:
    # meetings list --json | jq -r '.[].participants[].name'
    names = [p["name"] for m in as_json(cli, "list", "--json") for p in m["participants"]]
    assert names.count("Amir Hatami") == 8
    assert {"Sergei Shoigu", "Beibut Atamkulov", "Saken Zhasuzakov", "Aleksandar Vulin"} <= set(
        names
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2019"], ["mcis2019-russia"]),
        (["--year", "2019", "--year", "2020"], ["mcis2019-russia", "army2020-russia"]),
        (["--from", "2019-01-01"], ["mcis2019-russia", "army2020-russia"]),
        (
            ["--to", "2018-04-03"],
            [
                "mcis2018-russia",
                "mcis2018-kazakhstan",
                "mcis2018-pakistan",
                "mcis2018-serbia",
                "mcis2018-address",
                "mcis2018-belarus",
            ],
        ),
        (["--from", "2018-04-07", "--to", "2018-04-07"], ["mcis2018-address", "mcis2018-belarus"]),
        (["--from", "2020-08-20", "--to", "2020-08"], ["army2020-russia"]),
        (["--country", "serbia"], ["mcis2018-serbia"]),
        (["--country", "Russia", "--year", "2020"], ["army2020-russia"]),
        (["--event", "army-2020"], ["army2020-russia"]),
        (["--event", "VIII MCIS"], ["mcis2019-russia"]),
        (["--kind", "conference-address"], ["mcis2018-address"]),
        (["--topic", "astana-process"], ["mcis2019-russia"]),
        (
            ["--topic", "jcpoa", "--topic", "border-cooperation"],
            ["mcis2018-pakistan", "mcis2018-address"],
        ),
        (["--person", "shoygu"], ["mcis2018-russia", "mcis2019-russia", "army2020-russia"]),
        (["--person", "Шойгу", "--year", "2019"], ["mcis2019-russia"]),
        (["--person", "Zhasuzakov"], ["mcis2018-kazakhstan"]),
    ],
)
def test_list_filters(cli: Invoke, args: list[str], expected: list[str]) -> None:
    assert [m["id"] for m in as_json(cli, "list", *args, "--json")] == expected


def test_nothing_matched_exits_1_with_valid_empty_output(cli: Invoke) -> None:
    result = cli("list", "--year", "2017", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no meetings match" in result.stderr
    result = cli("list", "--year", "2017", "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.startswith("id,title,date,")
    result = cli("list", "--year", "2017")
    assert (result.exit_code, result.stdout) == (1, "")


def test_unknown_person_exits_1(cli: Invoke) -> None:
    result = cli("list", "--person", "Mattis")
    assert result.exit_code == 1
    assert "no person matches 'Mattis'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "Rusia"], "no country 'Rusia' (did you mean 'Russia'?)"),
        (["--event", "mcis-2017"], "no event 'mcis-2017'"),
        (["--kind", "dinner"], "no kind 'dinner'"),
        (["--topic", "terrorism"], "no topic 'terrorism'"),
        (["--from", "2019-02-30"], "invalid value for --from: '2019-02-30' is not in the calendar"),
        (["--to", "April"], "invalid value for --to"),
        (["--from", "2020", "--to", "2019"], "--from 2020-01-01 is after --to 2019-12-31"),
        (["--json", "--format", "csv"], "--json and --format csv disagree"),
    ],
)
def test_usage_errors_exit_2_without_traceback(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_bad_option_value_is_a_usage_error(cli: Invoke) -> None:
    result = cli("list", "--year", "twenty")
    assert result.exit_code == 2
    assert "twenty" in result.stderr


def test_jsonl_is_one_object_per_line(cli: Invoke) -> None:
    result = cli("list", "--format", "jsonl", "--year", "2018")
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert all(json.loads(line)["date"].startswith("2018") for line in lines)


def test_csv_opens_as_a_table(cli: Invoke) -> None:
    result = cli("list", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8
    kazakh = next(r for r in rows if r["id"] == "mcis2018-kazakhstan")
    # The two readings of one seat are one cell entry: never two people who met.
    assert (
        kazakh["participants"] == "Amir Hatami; Beibut Atamkulov | Saken Zhasuzakov (alternatives)"
    )
    assert kazakh["disputed"] == "true"
    army = next(r for r in rows if r["id"] == "army2020-russia")  # one of two days, not a range
    assert (army["date"], army["date_end"], army["date_candidates"]) == (
        "2020-08-16",
        "",
        "2020-08-16; 2020-08-23",
    )
    assert (kazakh["date"], kazakh["date_end"], kazakh["date_basis"]) == (
        "2018-04-03",
        "2018-04-06",
        "inferred",
    )


def test_table_marks_inferred_dates_and_disputed_participants(cli: Invoke) -> None:
    out = cli("list", "--year", "2018").stdout
    assert "~2018-04-03/06  mcis2018-kazakhstan" in out
    assert "Atamkulov or Zhasuzakov" in out and "(Kazakhstan)?" in out
    assert "A or B?: the sources name one or the other for one seat" in " ".join(out.split())
    assert "2019-04-26" in cli("list", "--year", "2019").stdout
    assert "~2019" not in cli("list", "--year", "2019").stdout


# ----------------------------------------------------------------------------- show


def test_show_table_has_everything(cli: Invoke) -> None:
    result = cli("show", "mcis2018-kazakhstan")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())  # the view wraps to the width
    for text in (
        "Beibut Atamkulov",
        "Saken Zhasuzakov",
        "Sources disagree",
        "one reading of a disputed seat, named only by iranproject-2018-04-07",
        "(range, inferred)",
        "How dated:",
        "The Iran Project",
        "profit-seeking and exploiting terrorist groups",
    ):
        assert text in out, text


def test_show_json_is_one_object_with_both_kazakh_claims(cli: Invoke) -> None:
    meeting = as_json(cli, "show", "mcis2018-kazakhstan", "--json")
    assert meeting["id"] == "mcis2018-kazakhstan"
    assert meeting["disputed"] is True
    claims = meeting["disagreements"][0]["claims"]
    assert [c["sources"] for c in claims] == [["iranproject-2018-04-07"], ["unnamed-2018-04-06"]]
    by_name = {p["name"]: p for p in meeting["participants"]}
    assert by_name["Beibut Atamkulov"]["attested_by"] == ["iranproject-2018-04-07"]
    assert by_name["Saken Zhasuzakov"]["disputed"] is True
    assert by_name["Amir Hatami"]["disputed"] is False


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_show_other_formats(cli: Invoke, fmt: str) -> None:
    result = cli("show", "mcis2019-russia", "--format", fmt)
    assert result.exit_code == 0
    assert "mcis2019-russia" in result.stdout
    assert len(result.stdout.strip().splitlines()) == (1 if fmt == "jsonl" else 2)


def test_show_unknown_id_suggests(cli: Invoke) -> None:
    result = cli("show", "mcis2018-rusia")
    assert result.exit_code == 1
    assert "did you mean 'mcis2018-russia'?" in result.stderr


# ----------------------------------------------------------------------------- validate, schema


def test_validate_ok(cli: Invoke) -> None:
    result = cli("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ") and "8 meetings" in result.stdout
    assert len(result.stdout.splitlines()) == 1


def test_validate_json(cli: Invoke) -> None:
    report = as_json(cli, "validate", "--json")
    assert report["ok"] is True and report["counts"]["meetings"] == 8


def test_validate_broken_copy_lists_each_problem(cli: Invoke, data_copy: Path) -> None:
    edit(
        data_copy / "meetings.yaml",
        "    location: Moscow\n",
        "    location: Moscow\n    location: X\n",
    )
    edit(data_copy / "meetings.yaml", "person: andrei-ravkov", "person: andrei-rafkov")
    edit(data_copy / "meetings.yaml", "day: 2019-04-26", "day: 2019-04-31")
    result = cli("validate", str(data_copy))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert all(line.split(":")[0].endswith("meetings.yaml") for line in lines)
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    assert "duplicate key 'location'" in lines[0]
    assert "no person with id 'andrei-rafkov'" in result.stderr
    assert "2019-04-31 is not a real date" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_json_reports_problems(cli: Invoke, data_copy: Path) -> None:
    edit(data_copy / "meetings.yaml", "day: 2019-04-26", "day: 2019-04-31")
    result = cli("validate", str(data_copy), "--json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    (problem,) = report["problems"]
    assert problem["path"] == "meetings[6].date.day" and problem["line"] > 0


def test_other_commands_refuse_broken_data(cli_bare: Invoke, data_copy: Path) -> None:
    edit(data_copy / "people.yaml", "country: Serbia", "country: [Serbia]")
    result = cli_bare("--data", str(data_copy), "list")
    assert result.exit_code == 2
    assert "people.yaml:" in result.stderr and "expected text, got a list" in result.stderr
    assert result.stdout == ""


def test_schema_is_json_schema_that_accepts_the_data(cli: Invoke) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = as_json(cli, "schema")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    class TextDates(yaml.SafeLoader):
        """Keep dates as text, as a JSON editor sees them."""

    TextDates.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for path in DATA.glob("*.yaml"):
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=TextDates)
        errors = list(validator.iter_errors(document))
        assert errors == [], (path.name, errors[:1])
    broken = {"meetings": [{"id": "x", "kind": "dinner"}]}
    assert list(validator.iter_errors(broken))


# ----------------------------------------------------------------------------- context, globals


def test_context_lists_things_that_are_not_meetings(cli: Invoke) -> None:
    items = as_json(cli, "context", "--json")
    ids = [i["id"] for i in items]
    assert "2018-ankara-summit" in ids and "2020-unsc-vote" in ids
    dated = [i["date"] is not None for i in items]
    assert dated == sorted(dated, reverse=True)  # undated items last
    assert [i for i in ids if not dated[ids.index(i)]] == sorted(
        i for i in ids if not dated[ids.index(i)]
    )
    table = cli("context").stdout
    assert "Ankara" in table


def test_data_option_and_environment(cli_bare: Invoke, data_copy: Path) -> None:
    edit(
        data_copy / "meetings.yaml",
        "title: Talks with Serbian",
        "title: Renamed talks with Serbian",
    )
    via_option = cli_bare("--data", str(data_copy), "show", "mcis2018-serbia", "--json")
    via_env = cli_bare("show", "mcis2018-serbia", "--json", env={"MEETINGS_DATA": str(data_copy)})
    for result in (via_option, via_env):
        assert json.loads(result.stdout)["title"].startswith("Renamed")


def test_missing_data_folder(cli_bare: Invoke, tmp_path: Path) -> None:
    result = cli_bare("--data", str(tmp_path / "nope"), "list")
    assert result.exit_code == 2
    assert "no such dataset folder" in result.stderr


def test_bundled_data_is_the_default(cli_bare: Invoke) -> None:
    assert "mcis2018-russia" in cli_bare("list", "--json").stdout


def test_version_and_help(cli_bare: Invoke) -> None:
    assert cli_bare("--version").stdout.strip() == f"meetings {__version__}"
    help_text = cli_bare("--help").stdout
    for command in ("list", "show", "validate", "schema", "context"):
        assert command in help_text
    assert "--person" in cli_bare("list", "--help").stdout


# ----------------------------------------------------------------------------- hostile text


def test_markup_and_control_characters_in_data_are_printed_inert(
    cli_bare: Invoke, data_copy: Path
) -> None:
    edit(
        data_copy / "meetings.yaml",
        "title: Talks with Serbian counterpart Aleksandar Vulin",
        'title: "[bold red]Vulin[/bold red] \\e[31mred\\e[0m \\a"',
    )
    edit(data_copy / "people.yaml", "short_name: Vulin", 'short_name: "[link=x]Vulin"')
    show = cli_bare("--data", str(data_copy), "show", "mcis2018-serbia")
    assert show.exit_code == 0
    assert "[bold red]Vulin[/bold red]" in show.stdout
    assert "\x1b" not in show.stdout and "\a" not in show.stdout
    listing = cli_bare("--data", str(data_copy), "list", "--country", "Serbia")
    assert "[link=x]Vulin" in listing.stdout and "\x1b" not in listing.stdout
    rows = cli_bare("--data", str(data_copy), "list", "--country", "Serbia", "-f", "csv").stdout
    assert "\x1b" not in rows
    # JSON carries the exact text, escaped by the JSON encoder.
    record = json.loads(
        cli_bare("--data", str(data_copy), "show", "mcis2018-serbia", "--json").stdout
    )
    assert "\x1b[31m" in record["title"]


def colour_codes(text: str) -> set[str]:
    """The SGR parameters in text that set a colour (foreground or background)."""
    codes = {p for params in re.findall(r"\x1b\[([0-9;]*)m", text) for p in params.split(";")}
    return {c for c in codes if c and ((c[0] in "349" and len(c) == 2) or c[:2] == "10")}


def test_no_colour_when_forced_terminal_but_no_color_set(cli: Invoke) -> None:
    # Rich decides: NO_COLOR drops colours and keeps bold, as the convention asks.
    coloured = cli("timeline", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    plain = cli("timeline", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm"})
    assert colour_codes(coloured.stdout) and "\x1b[1m" in coloured.stdout
    assert not colour_codes(plain.stdout) and "\x1b[1m" in plain.stdout
    never = cli("--color", "never", "timeline", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert "\x1b[" not in never.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_context_other_formats(cli: Invoke, fmt: str) -> None:
    result = cli("context", "--format", fmt)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    if fmt == "jsonl":
        assert json.loads(lines[0])["id"] == "2018-arrival-remarks"
        assert len(lines) == 12
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert len(rows) == 12
        undated = next(r for r in rows if r["id"] == "iran-russia-support-for-assad")
        assert (undated["date"], undated["people"]) == ("", "")
        jalali = next(r for r in rows if r["id"] == "2020-jalali-remarks")
        assert (jalali["date"], jalali["date_end"], jalali["people"]) == (
            "2020-08-15",
            "2020-08-23",
            "Kazem Jalali",
        )


def test_readme_validate_example_is_what_validate_prints(cli_bare: Invoke, data_copy: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = [
        line.strip().removeprefix("data/")
        for line in readme.splitlines()
        if line.strip().startswith("data/meetings.yaml:")
    ]
    text = (data_copy / "meetings.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: mcis2019-russia")
    tail = text[start:].replace("{person: sergei-shoigu", "{person: sergei-shoygu", 1)
    tail = tail.replace("day: 2019-04-26", "day: 2019-04-31", 1)
    (data_copy / "meetings.yaml").write_text(text[:start] + tail, encoding="utf-8")
    result = cli_bare("validate", str(data_copy))
    printed = [line.replace(f"{data_copy}/", "") for line in result.stderr.splitlines()]
    assert printed == shown and len(shown) == 2


def test_a_quote_names_its_speaker_or_describes_an_unnamed_one(
    cli_bare: Invoke, data_copy: Path
) -> None:
    item = next(i for i in as_json(cli_bare, "--data", str(DATA), "context", "--json")
                if i["id"] == "2019-astana-talks")  # fmt: skip
    assert item["quotes"][0] == {
        "speaker": "The top Russian negotiator",
        "speaker_id": None,
        "text": "clearly determined",
        "source": "presstv-mcis2019",
        "speaker_basis": None,
        "speaker_how": None,
    }
    edit(
        data_copy / "context.yaml",
        "speaker_as: The top Russian negotiator",
        "speaker_as: A spokesman",
    )
    result = cli_bare("--data", str(data_copy), "validate")
    assert result.exit_code == 2 and "speaker_as: not found verbatim" in result.stderr
    edit(
        data_copy / "context.yaml",
        "speaker_as: A spokesman",
        "speaker_as: The top Russian negotiator\n        speaker: sergei-shoigu",
    )
    result = cli_bare("--data", str(data_copy), "validate")
    assert result.exit_code == 2 and "give `speaker`" in result.stderr
