"""The command line's shell: filters declared once, one printer, one error boundary."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import typer
import typer.testing
from conftest import BUILD_GROUP, Invoke

from meetings_cli import filters
from meetings_cli.app import app
from meetings_cli.errors import NotFound, UsageError
from meetings_cli.filters import Condition, Filter, Option
from meetings_cli.shell import output
from meetings_cli.shell.options import TAKES, Output, filter_names


def _location(db: Any, given: filters.Given) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(given["location"]))


#: The filter a maintainer adds in the README's walk-through: one row, nothing else.
LOCATION = Filter(
    "location",
    (Option("location", ("--location",), "CITY", "Held in this place (repeatable)."),),
    _location,
    meetings=Condition("m.location IN (?)"),
    context=Condition("c.location IN (?)"),
)


@pytest.fixture
def with_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(filters.FILTERS, "location", LOCATION)
    # The options are read from the filter table when the group is built: build it afresh.
    monkeypatch.setattr(typer.testing, "_get_command", BUILD_GROUP)
    monkeypatch.setattr(typer.main, "get_command", BUILD_GROUP)


def _commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("with_location")
def test_one_row_of_the_filter_table_reaches_every_command_that_filters(cli: Invoke) -> None:
    takes = {name: getattr(command.callback, TAKES, None) for name, command in _commands().items()}
    filtering = sorted(name for name, declared in takes.items() if declared and declared.over)
    assert len(filtering) >= 12
    for name in filtering:
        assert "--location" in cli(name, "--help").stdout, name
    moscow = json.loads(cli("list", "--location", "Moscow", "--json").stdout)
    assert moscow and all(m["location"] == "Moscow" for m in moscow)
    nowhere = cli("timeline", "--location", "Atlantis", "--json")
    assert (nowhere.exit_code, nowhere.stdout) == (1, "[]\n")
    ankara = json.loads(cli("context", "--location", "Ankara", "--json").stdout)
    assert [item["location"] for item in ankara] == ["Ankara"]
    people = json.loads(cli("people", "--location", "Moscow", "--json").stdout)
    assert {"amir-hatami", "sergei-shoigu"} <= {p["id"] for p in people}


def test_filters_are_read_from_the_table_not_listed_per_command() -> None:
    declared = getattr(_commands()["list"].callback, TAKES)
    assert filter_names(declared) == tuple(filters.filters_over("meetings"))
    people = getattr(_commands()["people"].callback, TAKES)
    assert "nationality" in filter_names(people) and "country" not in filter_names(people)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


RECORDS = [{"id": "a", "n": 1}, {"id": "b", "n": 2}]


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (io.StringIO(), '[\n{"id":"a","n":1},\n{"id":"b","n":2}\n]\n'),
        (Terminal(), json.dumps(RECORDS, indent=2) + "\n"),
    ],
)
def test_json_is_one_record_per_line_when_piped_and_indented_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, expected: str
) -> None:
    monkeypatch.setattr("sys.stdout", stream)
    status = output.emit(output.Result("meetings", RECORDS), Output("json"))
    assert (status, stream.getvalue()) == (0, expected)
    assert json.loads(stream.getvalue()) == RECORDS


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_stored_records_are_written_as_their_decoded_values_would_be(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Piped JSON of records read from the database is their stored text, unparsed:
    byte for byte what writing the decoded values gives."""
    from meetings_cli.contract import StoredRecords
    from meetings_cli.paths import bundled_data_dir
    from meetings_cli.query import Selection, meeting_records
    from meetings_cli.store import open_dataset

    stored = meeting_records(open_dataset(bundled_data_dir(), use_cache=False), Selection("1", ()))
    assert isinstance(stored, StoredRecords) and len(stored) > 1
    written = []
    for records in (stored, [dict(record) for record in stored]):
        stream = io.StringIO()
        monkeypatch.setattr("sys.stdout", stream)
        output.emit(output.Result("meetings", records), Output(fmt))
        written.append(stream.getvalue())
    assert written[0] == written[1]


@pytest.mark.parametrize("pretty", [False, True], ids=["piped", "terminal"])
def test_stored_records_inside_a_value_are_written_as_their_decoded_values_would_be(
    pretty: bool,
) -> None:
    """A value holding records read from the database (the timeline's years and events):
    piped, their stored texts are written as they are; either way the JSON is the same
    as that of the decoded value, a text that holds a NUL included."""
    from meetings_cli.contract import StoredRecords, compact
    from meetings_cli.render.formats import write_json

    records = [{"id": "a", "notes": "nul \x00 here"}, {"id": "b", "title": "\u0000 0"}]
    texts = [compact(record) for record in records]
    value = [
        {"year": 2018, "events": [{"event": None, "meetings": StoredRecords(texts)}]},
        {"year": 2019, "events": [{"event": "\x00", "meetings": StoredRecords([])}]},
    ]
    plain = [{"year": 2018, "events": [{"event": None, "meetings": records}]},
             {"year": 2019, "events": [{"event": "\x00", "meetings": []}]}]  # fmt: skip
    written = []
    for each in (value, plain):
        stream = io.StringIO()
        write_json(stream, each, pretty=pretty)
        written.append(stream.getvalue())
    assert written[0] == written[1]
    assert json.loads(written[0]) == plain


def test_every_format_a_command_offers_has_a_writer() -> None:
    for name, command in _commands().items():
        declared = getattr(command.callback, TAKES, None)
        if declared is not None:
            assert set(declared.formats) <= set(output.FORMATS), name


def test_an_empty_result_writes_the_empty_shape_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = output.emit(output.Result("meetings", empty="no meetings match"), Output("csv"))
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out.startswith("id,title,date,")
    assert captured.err == "meetings: no meetings match\n"


@pytest.mark.parametrize(
    ("error", "status", "stdout"),
    [(UsageError("a bad value"), 2, ""), (NotFound("nothing like it"), 1, "[]\n")],
)
def test_the_one_error_boundary_turns_exceptions_into_statuses(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int, stdout: str
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    # Deep below the command: where a filter's values are checked.
    monkeypatch.setattr(filters, "resolve", fail)
    result = cli("list", "--year", "2018", "--json")
    assert (result.exit_code, result.stdout) == (status, stdout)
    assert result.stderr == f"meetings: {error}\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)
