"""Issue 22, item 5: an error line quotes at most ECHO_LIMIT characters of any value or key.

A 1 MB key was printed twice in one 2 MB line: in the field path and in the
message. Now each is cut, with an ellipsis and the value's length, and a whole
message at MESSAGE_LIMIT characters, whatever made it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, REPO, Invoke

from meetings_cli.errors import ECHO_LIMIT, MESSAGE_LIMIT, Problem, capped, echo

MEGA = 1_048_576


def test_echo_quotes_short_values_as_repr_and_cuts_long_ones() -> None:
    assert echo("Hatami") == "'Hatami'"
    assert echo("it's") == '"it\'s"'
    assert echo(7) == "7"
    assert echo("a" * ECHO_LIMIT) == repr("a" * ECHO_LIMIT)
    long = echo("a" * MEGA)
    assert long == "'" + "a" * (ECHO_LIMIT - 1) + "…' (1,048,576 characters)"
    assert capped("b" * 10) == "b" * 10
    assert capped("b" * 5_000) == "b" * (MESSAGE_LIMIT - 1) + "… (5,000 characters)"


def test_a_problem_cuts_a_long_key_in_its_path_and_its_message() -> None:
    key = "k" * MEGA
    problem = Problem("meetings.yaml", 17, 7, f"meetings[0].{key}", f"unknown field {key!r}")
    line = str(problem)
    assert len(line) < 300
    assert line == (
        f"meetings.yaml:17:7: meetings[0].{'k' * (ECHO_LIMIT - 1)}…: unknown field {echo(key)}"
    )
    shown = problem.shown()
    assert f"{shown.file}:{shown.line}:{shown.column}: {shown.path}: {shown.message}" == line
    # A message made anywhere is cut as a whole.
    message = f"{'v' * MEGA!r} is not one of: a, b"
    line = str(Problem("a.yaml", 1, 1, "x", message))
    assert line == f"a.yaml:1:1: x: {capped(message)}"
    assert len(line) < MESSAGE_LIMIT + 50 and line.endswith(f"({len(message):,} characters)")


def big_key_dataset(root: Path) -> Path:
    shutil.copytree(DATA, root)
    meetings = root / "meetings.yaml"
    text = meetings.read_text(encoding="utf-8")
    # An explicit key (`? KEY`): a plain key is limited to 1,024 characters by YAML itself.
    text = text.replace(
        "    location: Moscow\n", f"    location: Moscow\n    ? {'k' * MEGA}\n    : 1\n", 1
    )
    meetings.write_text(text, encoding="utf-8")
    people = root / "people.yaml"
    text = people.read_text(encoding="utf-8")
    long_id = "i" * 90_000  # a valid id, under the 100,000 characters text may have
    text = text.replace("  - id: sergei-shoigu\n", f"  - id: {long_id}\n", 1)
    text = text.replace("  - id: andrei-ravkov\n", f"  - id: {long_id}\n", 1)
    people.write_text(text, encoding="utf-8")
    return root


def test_validate_lines_stay_short_however_long_a_key_or_id(cli: Invoke, tmp_path: Path) -> None:
    result = cli("--no-cache", "--data", str(big_key_dataset(tmp_path / "data")), "validate")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines and max(map(len, lines)) < 600, max(map(len, lines))
    (unknown,) = [line for line in lines if "unknown field" in line]
    assert unknown.count("(1,048,576 characters)") == 1
    (duplicate,) = [line for line in lines if "duplicate id" in line]
    assert "(90,000 characters)" in duplicate


def test_usage_errors_cut_what_they_quote(cli: Invoke) -> None:
    result = cli("show", "z" * 100_000)
    assert result.exit_code == 1
    assert len(result.stderr) < 400 and "(100,000 characters)" in result.stderr


def test_the_readme_documents_the_limits() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"at most {ECHO_LIMIT} characters of a value or a key" in readme
    assert f"at {MESSAGE_LIMIT:,} characters" in readme
