"""Issue 14, the command-line surface: global options anywhere, honest help, empty outputs,
output files checked first, pictures as a terminal shows them, completion, presentation."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
import typer
from conftest import DATA, Invoke
from test_cli_reports import complete as run_completion

from meetings_cli.app import app
from meetings_cli.errors import shown_path

# ----------------------------------------------------------------------------- item 2


def test_global_options_after_the_command(cli_bare: Invoke) -> None:
    plain = cli_bare("list", "--year", "2019", "--data", str(DATA), "--no-cache")
    assert plain.exit_code == 0, plain.stderr
    assert "mcis2019-russia" in plain.stdout and "\x1b[" not in plain.stdout
    coloured = cli_bare("list", "--data", str(DATA), "--year", "2019", "--color", "always")
    assert coloured.exit_code == 0 and "\x1b[" in coloured.stdout


def test_a_global_option_after_the_command_wins(cli_bare: Invoke, tmp_path: Path) -> None:
    result = cli_bare("--data", str(tmp_path / "none"), "list", "--data", str(DATA))
    assert result.exit_code == 0, result.stderr
    result = cli_bare("--color", "always", "list", "--data", str(DATA), "--color", "never")
    assert result.exit_code == 0 and "\x1b[" not in result.stdout


# ----------------------------------------------------------------------------- item 4


@pytest.mark.parametrize(
    ("option", "name", "message"),
    [
        ("--svg", "missing/x.svg", "cannot write {}: no such folder missing"),
        ("--svg", ".", "cannot write {}: it is a folder"),
        ("--html", ".", "cannot write {}: it is a folder"),
        ("--html", "x" * 300 + ".html", "cannot write {}: File name too long"),
        ("--svg", "", "--svg needs a file name, not ''"),
        ("--svg", "-", "--svg needs a file name, not '-'"),
    ],
)
def test_output_files_are_checked_before_anything_is_printed(
    cli: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    name: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("list", option, name)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "meetings: " + message.format(shown_path(name)) + "\n"
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- item 5

EMPTY = {"json": [], "jsonl": "", "csv": "header"}


@pytest.mark.parametrize("command", ["list", "timeline", "stats", "search"])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_empty_results_are_valid_in_their_format(cli: Invoke, command: str, fmt: str) -> None:
    words = ["search", "talks"] if command == "search" else [command]
    result = cli(*words, "--year", "1999", "--format", fmt)
    assert result.exit_code == 1 and result.stderr.startswith(
        ("meetings: no meetings match", "meetings: no records match")
    )
    if fmt == "json":
        expected = (
            {"year": {}, "country": {}, "kind": {}, "topic": {}} if command == "stats" else []
        )
        assert json.loads(result.stdout) == expected
    elif fmt == "jsonl":
        assert result.stdout == ""
    else:
        assert len(list(csv.reader(io.StringIO(result.stdout)))) == 1


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("json", '{\n  "nodes": [],\n  "edges": []\n}\n'), ("mermaid", "graph LR\n")],
)
def test_an_empty_graph_is_a_graph(cli: Invoke, fmt: str, expected: str) -> None:
    result = cli("graph", "--year", "1999", "--format", fmt)
    assert (result.exit_code, result.stdout) == (1, expected)


def test_an_empty_dot_graph_is_a_graph(cli: Invoke) -> None:
    result = cli("graph", "--year", "1999")
    assert result.exit_code == 1
    assert result.stdout.startswith("graph meetings {") and result.stdout.endswith("}\n")
    assert "--" not in result.stdout.replace("// ", "")


# ----------------------------------------------------------------------------- item 6

#: Arguments a command needs to run.
ARGUMENTS = {
    "show": ["mcis2018-russia"],
    "who": ["Hatami"],
    "search": ["talks"],
    "source": ["mehr-mcis2018", "--quote"],
}


def _commands() -> dict[str, typer.core.TyperCommand]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_advertised_format_works(cli: Invoke, name: str) -> None:
    command = _commands()[name]
    help_text = cli(name, "--help").stdout
    formats = [p for p in command.params if p.name == "format"]
    if not formats:
        assert "--format" not in help_text
        return
    for value in formats[0].type.choices:  # type: ignore[attr-defined]
        value = getattr(value, "value", value)
        assert value in help_text
        result = cli(name, *ARGUMENTS.get(name, []), "--format", value)
        assert result.exit_code == 0, (name, value, result.stderr)
        assert result.stdout.strip()
        if value == "json":
            json.loads(result.stdout)
        elif value == "jsonl":
            [json.loads(line) for line in result.stdout.splitlines()]


def test_who_csv_is_a_row_per_meeting_with_the_person(cli: Invoke) -> None:
    result = cli("who", "Shoygu", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    assert {(r["query"], r["person_id"], r["person"]) for r in rows} == {
        ("Shoygu", "sergei-shoigu", "Sergei Shoigu")
    }
    assert rows[0]["id"].startswith("mcis2018")


def test_who_jsonl_is_one_object(cli: Invoke) -> None:
    result = cli("who", "Shoygu", "--format", "jsonl")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["person"]["id"] == "sergei-shoigu"


# ----------------------------------------------------------------------------- item 8


def test_a_picture_does_not_change_stdout(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["list"], ["timeline"], ["search", "refugees"], ["stats"]):
        plain = cli(*command).stdout
        assert cli(*command, "--svg", "p.svg", "--html", "p.html").stdout == plain
        assert not any(line.endswith(" ") for line in plain.splitlines())


@pytest.mark.parametrize(
    ("command", "title"),
    [
        (["search", "refugees"], "meetings&#160;search&#160;refugees"),
        (["show", "mcis2018-russia"], "meetings&#160;show&#160;mcis2018-russia"),
        (["list"], "meetings&#160;list<"),
    ],
)
def test_the_svg_title_names_the_command(
    cli: Invoke, tmp_path: Path, command: list[str], title: str
) -> None:
    picture = tmp_path / "p.svg"
    assert cli(*command, "--svg", str(picture)).exit_code == 0
    assert title in picture.read_text(encoding="utf-8")


def test_a_timeline_picture_made_in_a_pipe_has_terminal_lines(cli: Invoke, tmp_path: Path) -> None:
    picture = tmp_path / "t.svg"
    result = cli("timeline", "--svg", str(picture))
    assert "== 2018 ==" in result.stdout  # the pipe gets ASCII
    assert "─" in picture.read_text(encoding="utf-8")  # the picture, the terminal's rules


# ----------------------------------------------------------------------------- item 7


def complete(words: str, shell: str = "bash") -> str:
    done = run_completion(words, shell)
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("meetings list --person Ser", ["'Sergei Shoigu'", "'Sergey Shoygu'"]),  # + spelling
        ("meetings list --country Ka", ["Kazakhstan"]),
        ("meetings list --kind conf", ["conference-address"]),
        ("meetings list --event army", ["army-2020", "Army-2020"]),  # id, short name
        ("meetings list --topic ref", ["refugees"]),
    ],
)
def test_bash_completion_of_values_quoted(words: str, expected: list[str]) -> None:
    assert complete(words).splitlines() == expected


def test_completion_reads_the_data_option_after_the_command(tmp_path: Path) -> None:
    # --data pointing nowhere after the command: nothing to complete from.
    assert complete(f"meetings list --data {tmp_path} --country Ka").strip() == ""


@pytest.mark.parametrize(("shell", "start"), [("zsh", "#compdef meetings"), ("fish", "complete")])
def test_show_completion_prints_the_requested_shell(cli: Invoke, shell: str, start: str) -> None:
    result = cli("--show-completion", shell)
    assert result.exit_code == 0 and result.stdout.startswith(start)


# ----------------------------------------------------------------------------- item 12


def test_graph_is_laid_out_from_the_most_connected_person(cli: Invoke) -> None:
    dot = cli("graph").stdout
    assert "rankdir=LR;" in dot
    edges = [line.split(" [")[0].strip() for line in dot.splitlines() if " -- " in line]
    assert all(edge.startswith('"amir-hatami" -- ') for edge in edges)
    assert edges[0] == '"amir-hatami" -- "sergei-shoigu"'
    nodes = json.loads(cli("graph", "--json").stdout)["nodes"]
    assert nodes[0]["id"] == "amir-hatami"


def test_mermaid_shows_weights_as_line_widths(cli: Invoke) -> None:
    mermaid = cli("graph", "--format", "mermaid").stdout
    assert "  linkStyle 0 stroke-width:3px\n" in mermaid
    assert "  linkStyle 1 stroke-width:1px\n" in mermaid


def test_stats_tables_have_titles_space_and_counts_at_the_right(cli: Invoke) -> None:
    lines = cli("stats").stdout.splitlines()
    # It counts engagements (talks and the 2018 address) and says so.
    assert lines[:3] == ["Engagements by year", "Year  Engagements", "─" * 17]
    assert lines[3] == "2018            6"
    assert lines[lines.index("Engagements by country") - 1] == ""


def test_context_table_explains_its_marks(cli: Invoke) -> None:
    out = " ".join(cli("context").stdout.split())
    assert "~2018-04-03" in out and "~ inferred date" in out and "— no date given" in out
    assert "a|b: one of these days" in out


def test_timeline_legend_only_for_marks_shown(cli: Invoke) -> None:
    out = cli("timeline", "--year", "2019").stdout
    assert "~ date" not in out and "A or B?" not in out and "disputed" not in out
    full = " ".join(cli("timeline").stdout.split())
    assert "~ inferred date" in full and "A or B?: the sources name one or the other" in full
    assert "named by only some" not in full  # the only ? marks the readings of one seat


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--year", "99999999999999999999"],
        ["timeline", "--year", "9223372036854775808"],
        ["search", "refugees", "--limit", "99999999999999999999"],
    ],
)
def test_numbers_too_large_are_usage_errors(cli: Invoke, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.exit_code == 2 and re.search(
        r"is not (a year|a number of results): give", result.stderr
    )


@pytest.mark.parametrize("name", ["", "-", "a-folder"])
def test_export_needs_a_file_it_can_write(cli: Invoke, tmp_path: Path, name: str) -> None:
    (tmp_path / "a-folder").mkdir()
    target = str(tmp_path / name) if name == "a-folder" else name
    result = cli("export", target, "--force")
    assert result.exit_code == 2 and result.stdout == ""
    assert ".tmp" not in result.stderr  # no temporary name leaks into the message


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_export_force_never_replaces_a_special_file(cli: Invoke, tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    result = cli("export", str(target), "--force")
    assert result.exit_code == 2 and result.stdout == ""
    assert "not a regular file" in result.stderr
    assert not target.is_file()  # still what it was


def test_an_export_is_made_as_the_user_makes_files(cli: Invoke, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert cli("export", str(tmp_path / "x.db")).exit_code == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "x.db").stat().st_mode & 0o777 == 0o644


def test_who_batch_csv_keeps_every_line_in_its_place(cli: Invoke) -> None:
    result = cli("who", "-", "--format", "csv", input="Nobodyxyz\n\nShoygu\nVladimir Putin\n")
    queries = [row.split(",", 3)[:3] for row in result.stdout.splitlines()[1:]]
    assert queries[:2] == [["Nobodyxyz", "", ""], ["", "", ""]]
    assert queries[2:5] == [["Shoygu", "sergei-shoigu", "Sergei Shoigu"]] * 3
    assert queries[5:] == [["Vladimir Putin", "vladimir-putin", "Vladimir Putin"]]
    assert result.exit_code == 1  # not every name was found


def test_the_list_legend_explains_only_the_marks_shown(cli: Invoke) -> None:
    assert "inferred" not in cli("list", "--year", "2019").stdout
    everything = cli("list").stdout
    everything = " ".join(everything.split())
    assert (
        "~ inferred date · a/b: somewhere from a to b · a|b: one of these days · A or B?: the"
        " sources name" in everything
    )
