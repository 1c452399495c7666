"""What an independent review of the hostile-input rules found, each pinned.

Names that are not UTF-8, a deleted working folder with a relative path, a path
too long for the system, control characters written as YAML escapes in names,
invisible separators in file names, undecodable names on standard input.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_hostile_output import base_copy, inert, meetings_script, run, run_in_deleted_folder

BAD_BYTE = os.fsdecode(b"\xff")


@pytest.mark.parametrize("where", ["article", "data file", "dataset folder"])
def test_a_name_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path: Path, where: str) -> None:
    root = base_copy(tmp_path, f"data{BAD_BYTE}" if where == "dataset folder" else "data")
    if where == "article":
        (root / "sources" / f"{BAD_BYTE}.txt").write_text("x", encoding="utf-8")
    elif where == "data file":
        (root / f"{BAD_BYTE}.yaml").write_text("topics: []\n", encoding="utf-8")
    for cache in ([], ["--no-cache"]):
        result = run([meetings_script(), *cache, "--data", str(root), "list"], tmp_path)
        assert result.returncode == 2
        message = inert(result.stderr)
        assert "\\xff" in message and "not valid UTF-8" in message


@pytest.mark.parametrize("args", [["--data", ".", "list"], ["validate", "."]])
def test_a_relative_path_in_a_deleted_folder_is_a_clear_error(
    tmp_path: Path, args: list[str]
) -> None:
    result = run_in_deleted_folder(tmp_path, args)
    assert result.returncode == 2
    assert inert(result.stderr) == (
        "meetings: .: the current folder no longer exists: give the dataset folder's full path\n"
    )


def test_a_dataset_path_too_long_for_the_system_is_a_clear_error(tmp_path: Path) -> None:
    long = tmp_path / ("a" * 5000)
    result = run([meetings_script(), "--data", str(long), "list"], tmp_path)
    assert result.returncode == 2
    assert inert(result.stderr).endswith(": cannot be read: File name too long\n")


@pytest.mark.parametrize("escape", ["\\e]0;pwn\\a", "\\n", "\\x7f", "\\L"])
def test_a_control_character_written_as_an_escape_is_refused_in_a_name(
    tmp_path: Path, escape: str
) -> None:
    root = base_copy(tmp_path)
    people = root / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert "name: Amir Hatami" in text
    people.write_text(
        text.replace("name: Amir Hatami", f'name: "Amir {escape} Hatami"', 1), encoding="utf-8"
    )
    result = run([meetings_script(), "validate", str(root)], tmp_path)
    assert result.returncode == 2
    assert "is not allowed in a name" in inert(result.stderr)


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\u200b", "\u200e", "\ufeff", "\xad"])
def test_separators_and_invisible_marks_in_file_names_are_escaped(
    tmp_path: Path, character: str
) -> None:
    root = base_copy(tmp_path)
    (root / f"x{character}.yaml").write_text("bogus: 1\n", encoding="utf-8")
    result = run([meetings_script(), "--data", str(root), "list"], tmp_path)
    assert result.returncode == 2
    message = inert(result.stderr)
    assert character not in message
    assert f"x\\u{ord(character):04x}.yaml" in message or f"x\\x{ord(character):02x}" in message


def test_names_on_standard_input_that_are_not_text_are_refused_in_the_c_locale(
    tmp_path: Path,
) -> None:
    result = run(
        [meetings_script(), "who", "-"],
        tmp_path,
        env={"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
        stdin=b"Shoigu\xff\n",
    )
    assert result.returncode == 2
    assert b"cannot read names from standard input" in result.stderr
