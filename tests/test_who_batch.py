"""`meetings who -`: names from standard input, one result per line, in input order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, Invoke
from typer.testing import CliRunner

from meetings_cli.app import app


def batch(*args: str, names: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--data", str(DATA), "who", "-", *args], input=names)
    return result.exit_code, result.stdout


def test_results_come_one_per_line_in_input_order() -> None:
    code, out = batch(names="Shoygu\nХатами\nVulin\n")
    assert code == 0
    assert [line.split("\t") for line in out.splitlines()] == [
        ["Shoygu", "found", "sergei-shoigu", "Sergei Shoigu"],
        ["Хатами", "found", "amir-hatami", "Amir Hatami"],
        ["Vulin", "found", "aleksandar-vulin", "Aleksandar Vulin"],
    ]


def test_json_lines_are_the_objects_who_json_prints(cli: Invoke) -> None:
    code, out = batch("--json", names="Шойгу\nHatami\nحاتمی\n")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["person"]["id"] for line in lines] == [
        "sergei-shoigu",
        "amir-hatami",
        "amir-hatami",
    ]
    assert lines[1] == json.loads(cli("who", "Hatami", "--json").stdout)


def test_names_that_match_no_one_keep_their_place_and_exit_1() -> None:
    code, out = batch("--json", names="Mattis\nShoigu\nAlice Nobody\n")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["person"] and line["person"]["id"] for line in lines] == [
        None,
        "sergei-shoigu",
        None,
    ]
    assert [line["match"]["status"] for line in lines] == ["none", "found", "none"]


def test_empty_lines_give_an_empty_result_so_lines_stay_aligned() -> None:
    code, out = batch(names="Shoigu\n\nRavkov")  # no newline at the very end
    assert code == 1  # the empty line resolved to no one
    assert [line.split("\t")[:3] for line in out.splitlines()] == [
        ["Shoigu", "found", "sergei-shoigu"],
        ["", "none", ""],
        ["Ravkov", "found", "andrei-ravkov"],
    ]


def test_names_from_standard_input_are_printed_inert() -> None:
    code, out = batch(names="\x1b[31mShoigu\tx\n")
    assert code == 1 and "\x1b" not in out and out.count("\t") == 3


def test_empty_input_prints_nothing_and_succeeds() -> None:
    assert batch(names="") == (0, "")


def test_svg_is_refused_with_standard_input() -> None:
    result = CliRunner().invoke(
        app, ["--data", str(DATA), "who", "-", "--svg", "x.svg"], input="Shoigu\n"
    )
    assert result.exit_code == 2 and "--svg" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_a_thousand_names_and_a_closed_pipe(tmp_path: Path) -> None:
    names = "\n".join(["Shoigu", "Hatemi", "Шойгу", "nobody at all"] * 250) + "\n"
    script = Path(sys.executable).parent / "meetings"
    done = subprocess.run(
        [str(script), "--data", str(DATA), "who", "-", "--json"],
        input=names,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1  # "nobody at all" resolves to no one
    assert len(done.stdout.splitlines()) == 1000
    pipeline = f"'{script}' --data '{DATA}' who - | head -n 1; echo ${{PIPESTATUS[1]}}"
    closed = subprocess.run(
        ["bash", "-c", pipeline],
        input=names,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert closed.stdout.splitlines()[0].startswith("Shoigu\tfound")
    assert "Traceback" not in closed.stderr and "Broken pipe" not in closed.stderr
