"""The installed `meetings` command, run as a user would: a separate process, elsewhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def meetings_script() -> str:
    found = shutil.which("meetings", path=str(BIN)) or shutil.which("meetings")
    assert found, "the `meetings` script is not installed: pip install . first"
    return found


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MEETINGS_DATA", "FORCE_COLOR")}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def test_installed_script_lists_2018_from_any_directory(tmp_path: Path) -> None:
    result = run([meetings_script(), "list", "--year", "2018", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    meetings = json.loads(result.stdout)
    assert len(meetings) == 6
    assert {c for m in meetings for c in m["countries"]} == {
        "Iran",
        "Russia",
        "Belarus",
        "Kazakhstan",
        "Pakistan",
        "Serbia",
    }


def test_installed_script_table_has_no_colour_when_piped(tmp_path: Path) -> None:
    result = run([meetings_script(), "list", "--year", "2019"], tmp_path)
    assert result.returncode == 0
    assert "mcis2019-russia" in result.stdout and "\x1b[" not in result.stdout


def test_installed_script_validates_bundled_data(tmp_path: Path) -> None:
    result = run([meetings_script(), "validate"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_python_dash_m(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "meetings_cli", "--version"], tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("meetings ")


def test_user_errors_never_show_a_traceback(tmp_path: Path) -> None:
    for args in (["show", "nope"], ["list", "--from", "soon"], ["--data", "/nonexistent", "list"]):
        result = run([meetings_script(), *args], tmp_path)
        assert result.returncode in (1, 2)
        assert "Traceback" not in result.stderr
        assert (
            result.stderr.startswith("meetings: ")
            or "Usage" in result.stderr
            or ("/nonexistent" in result.stderr)
        )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    script = meetings_script()
    pipeline = f"'{script}' list --format jsonl | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(
        ["bash", "-c", pipeline], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    # Ended by SIGPIPE like cat or grep (128 + 13), with nothing said.
    assert result.stdout.strip() in ("0", "141")
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [meetings_script(), "list", "--json"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "cannot write the output" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("script", [True, False], ids=["meetings", "python -m"])
def test_a_name_typed_in_cyrillic_is_read_as_typed_under_an_ascii_locale(
    script: bool, tmp_path: Path
) -> None:
    """LC_ALL=C with Python's UTF-8 mode off: the argument's bytes would be kept as
    escapes and match no one; they are read as UTF-8."""
    command = [meetings_script()] if script else [sys.executable, "-m", "meetings_cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    env.pop("MEETINGS_DATA", None)
    result = subprocess.run(
        [*command, "who", "Шойгу", "--json"],
        cwd=tmp_path, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["query"], found["person"]["id"]) == ("Шойгу", "sergei-shoigu")


@pytest.mark.parametrize(
    ("closed", "args", "status", "said"),
    [
        (1, ["list", "--json"], 2, "meetings: cannot write the output: standard output is closed"),
        (2, ["list", "--json"], 0, ""),
        (0, ["who", "-", "--json"], 0, ""),
    ],
    ids=["stdout", "stderr", "stdin"],
)
def test_a_closed_standard_stream_is_never_an_internal_error(
    closed: int, args: list[str], status: int, said: str, tmp_path: Path
) -> None:
    """Started with a stream closed (`>&-`, `2>&-`, `<&-`): a message where one can be
    written and exit 2 for lost output, the usual status otherwise; never exit 3."""
    env = {k: v for k, v in os.environ.items() if k != "MEETINGS_DATA"}
    result = subprocess.run(
        [meetings_script(), *args],
        cwd=tmp_path, env=env, capture_output=True, timeout=60,
        preexec_fn=lambda: os.close(closed),
    )  # fmt: skip
    assert result.returncode == status
    assert result.stderr.decode().strip() == said


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_full_non_blocking_pipe_is_said_and_exit_2_never_lost_output(
    unbuffered: bool, tmp_path: Path
) -> None:
    """A reader that set its pipe non-blocking and reads nothing: the output does not fit,
    and the command says so (it was exit 3, or exit 0 with the output lost)."""
    import fcntl

    env = {k: v for k, v in os.environ.items() if k not in ("MEETINGS_DATA", "PYTHONUNBUFFERED")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ: a page, less than the output
        os.set_blocking(write_end, False)
        result = subprocess.run(
            [meetings_script(), "list", "--json"],
            cwd=tmp_path, env=env, stdout=write_end, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
        os.close(read_end)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("meetings: cannot write the output:")
    assert result.stderr.decode().count("\n") == 1
