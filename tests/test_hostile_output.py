"""What reaches the terminal, a spreadsheet or an odd environment stays inert and exact.

Messages quote file names, arguments and data: a terminal must never obey what
they hold. CSV cells never start a formula. A deleted working folder or an ASCII
output encoding gives an answer or a clear error, never exit 3.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, edit, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings_cli.app import main_status
from meetings_cli.render.formats import csv_text

BASE = Path(__file__).parent / "bad_data" / "_base"

#: What a terminal may obey or reorder: C0 controls but tab and newline, DEL, C1, bidi.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Hostile pieces of text: OSC title and hyperlink, CSI, BEL, a C1 CSI, bidi override
#: and isolate, a newline (which must not start a forged line).
HOSTILE = "\x1b]0;pwned\x07\x1b]8;;http://evil\x07\x1b[2J\x9b31m\u202e\u2066\n"


def meetings_script() -> str:
    found = shutil.which("meetings", path=str(Path(sys.executable).parent))
    assert found, "the `meetings` script is not installed: pip install . first"
    return found


def run(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """The installed command, its output as bytes: what a terminal would receive."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MEETINGS_DATA", "FORCE_COLOR", "PYTHONIOENCODING", "LC_ALL", "LANG")
    }
    environment.update(env or {})
    return subprocess.run(
        args, cwd=cwd, env=environment, input=stdin, capture_output=True, timeout=60
    )


def inert(stream: bytes) -> str:
    """The stream as text, asserting it is UTF-8 holding nothing a terminal would obey."""
    text = stream.decode("utf-8")
    assert not UNSAFE.search(text), text
    assert "Traceback" not in text
    return text


def base_copy(tmp_path: Path, name: str = "data") -> Path:
    target = tmp_path / name
    shutil.copytree(BASE, target)
    return target


def invoke(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main_status(args)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- messages on stderr


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\x1b]0;pwned\x07x.yaml", "\\x1b]0;pwned\\x07x.yaml"),
        ("\u202eevil.yaml", "\\u202eevil.yaml"),
        ("c1\x9b31m\u2066.yaml", "c1\\x9b31m\\u2066.yaml"),
        ("forged\nmeetings.yaml", "forged\\x0ameetings.yaml"),
    ],
    ids=["osc", "bidi", "c1", "newline"],
)
def test_data_file_names_in_problems_are_escaped(tmp_path: Path, name: str, shown: str) -> None:
    root = base_copy(tmp_path)
    (root / name).write_text("bogus: 1\n", encoding="utf-8")
    result = run([meetings_script(), "validate", str(root)], tmp_path)
    assert result.returncode == 2
    # One problem, one line: the name neither acts on the terminal nor forges a line.
    assert inert(result.stderr).splitlines() == [
        f"data/{shown}:1:1: bogus: unknown field 'bogus' "
        "(allowed: sources, people, events, topics, meetings, context, terms)"
    ]


def test_dataset_folder_names_are_escaped_on_stdout_and_stderr(tmp_path: Path) -> None:
    root = base_copy(tmp_path, "d\x1b]0;pwned\x07\u202e")
    shown = f"{tmp_path}/d\\x1b]0;pwned\\x07\\u202e"
    valid = run([meetings_script(), "validate", str(root)], tmp_path)
    assert valid.returncode == 0
    assert inert(valid.stdout).startswith(f"ok: {shown}: 1 meetings")
    assert json.loads(
        inert(run([meetings_script(), "validate", "--json", str(root)], tmp_path).stdout)
    )["path"] == str(root)

    (root / "meetings.yaml").write_text("bogus: 1\n", encoding="utf-8")
    broken = run([meetings_script(), "--data", str(root), "list"], tmp_path)
    assert broken.returncode == 2
    assert inert(broken.stderr).startswith("d\\x1b]0;pwned\\x07\\u202e/meetings.yaml:")

    missing = run([meetings_script(), "list"], tmp_path, env={"MEETINGS_DATA": str(root) + "x"})
    assert missing.returncode == 2
    assert inert(missing.stderr) == f"meetings: {shown}x: no such dataset folder\n"


ARGUMENTS = [
    (["who", f"Shoi{HOSTILE}gu"], 1),
    (["list", "--person", HOSTILE], 1),
    (["show", HOSTILE], 1),
    (["search", f"zzqq{HOSTILE}"], 1),
    (["list", "--year", HOSTILE], 2),
    (["list", "--from", HOSTILE], 2),
    (["list", "--format", HOSTILE], 2),
    (["list", f"--{HOSTILE}"], 2),
    (["list", HOSTILE], 2),
    ([f"li{HOSTILE}st"], 2),
    (["list", "--country", HOSTILE], 2),
    (["list", "--event", HOSTILE], 2),
    (["export", f"/nonexistent{HOSTILE}/x.db"], 2),
    (["list", "--svg", f"/nonexistent{HOSTILE}/x.svg"], 2),
    (["people", "--html", f"/nonexistent{HOSTILE}/x.html"], 2),
]


@pytest.mark.parametrize(("args", "code"), ARGUMENTS, ids=lambda a: str(a)[:20])
def test_arguments_quoted_in_messages_are_escaped(
    args: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = invoke(["--data", str(DATA), *args], capsys)
    assert status == code, err
    assert not UNSAFE.search(out + err), err
    # (A usage error may end with a hint for the slip: a line of its own.)
    lines = [line for line in err.strip().splitlines() if not line.startswith("Hint: ")]
    assert len(lines) == (4 if code == 2 and "Usage" in err else 1)


def test_near_misses_are_suggested_escaped_by_the_installed_command(tmp_path: Path) -> None:
    result = run([meetings_script(), "who", "Shoi\x1b]0;x\x07gu\u202e"], tmp_path)
    assert result.returncode == 1
    assert inert(result.stderr).startswith(
        "meetings: no person matches 'Shoi\\x1b]0;x\\x07gu\\u202e'; did you mean Sergei Shoigu ("
    )
    usage = run([meetings_script(), "list", "--year", "\u202e\x1b]0;x\x07"], tmp_path)
    assert usage.returncode == 2
    assert "'\\u202e\\x1b]0;x\\x07' is not a year" in inert(usage.stderr)


#: Arguments random command lines are made of: words of the CLI and hostile text.
WORDS = ["list", "who", "show", "search", "people", "--person", "--json", "-f", "csv", "--year"]


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    argv=st.lists(
        st.one_of(st.sampled_from(WORDS), st.text(HOSTILE + "ab-", max_size=6)), max_size=5
    )
)
def test_random_hostile_command_lines_print_only_inert_text(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke(["--data", str(DATA), *argv], capsys)
    assert code in (0, 1, 2)
    assert not UNSAFE.search(out + err), (out + err)[-500:]


# --------------------------------------------------------------------------- CSV for spreadsheets


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-", "'-"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'=1+1"),  # white space goes first, then the = would start the cell
        ("\r\n-1", "'-1"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (-5, "-5"),  # a number stays a number
        (2.5, "2.5"),
    ],
)
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert csv_text(value) == cell


@pytest.fixture(scope="module")
def formula_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset whose text, in every kind of record, begins like a formula."""
    root = base_copy(tmp_path_factory.mktemp("formulas"))
    edit(root / "meetings.yaml", "title: Talks", 'title: "=HYPERLINK(\\"http://evil\\")"')
    edit(root / "meetings.yaml", "location: Moscow", 'location: "@SUM(1+1)"')
    edit(
        root / "meetings.yaml", "summary: They talked.", 'summary: "+They talked."\n    notes: "-"'
    )
    edit(root / "meetings.yaml", "how: The source", 'how: "-The source')
    edit(root / "meetings.yaml", "began on 3 April.", 'began on 3 April."')
    edit(root / "events.yaml", "short_name: VII MCIS", 'short_name: "=VII"')
    edit(root / "events.yaml", "name: VII Moscow", 'name: "@VII Moscow')
    edit(root / "events.yaml", "International Security", 'International Security"')
    edit(root / "sources.yaml", "outlet: Example Wire", 'outlet: "=Example Wire"')
    edit(root / "sources.yaml", "title: A meeting", 'title: "+A meeting"')
    edit(root / "people.yaml", "role: Minister of Defense of Russia", 'role: "-Minister"')
    return root


CSV_COMMANDS = [
    ["list"],
    ["timeline"],
    ["search", "talked"],
    ["people"],
    ["events"],
    ["sources"],
    ["stats"],
    ["audit"],
]


@pytest.mark.parametrize("command", CSV_COMMANDS, ids=lambda c: c[0])
def test_every_csv_output_is_safe_for_spreadsheets(
    formula_data: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke(["--data", str(formula_data), *command, "--format", "csv"], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) > 1
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any(cell.startswith("'") for cell in cells) or command == ["stats"]


def test_csv_neutralises_and_json_keeps_the_exact_text(
    formula_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = invoke(["--data", str(formula_data), "list", "-f", "csv"], capsys)
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert (row["location"], row["summary"], row["notes"]) == ("'@SUM(1+1)", "'+They talked.", "'-")
    assert row["event"] == "'@VII Moscow Conference on International Security"
    _, out, _ = invoke(["--data", str(formula_data), "list", "--json"], capsys)
    (meeting,) = json.loads(out)
    assert meeting["title"] == '=HYPERLINK("http://evil")'
    assert (meeting["location"], meeting["notes"]) == ("@SUM(1+1)", "-")
    _, out, _ = invoke(["--data", str(formula_data), "people", "-f", "csv"], capsys)
    assert {r["role"] for r in csv.DictReader(io.StringIO(out))} == {
        "Minister of Defense of Iran",
        "'-Minister",
    }


# --------------------------------------------------------------------------- output encodings


#: Every command and output format, on the bundled data (Persian and Cyrillic names).
EVERY_OUTPUT = [
    ["list"],
    ["list", "--json"],
    ["list", "-f", "jsonl"],
    ["list", "-f", "csv"],
    ["show", "mcis2019-russia"],
    ["show", "mcis2019-russia", "--json"],
    ["context"],
    ["context", "--json"],
    ["context", "-f", "csv"],
    ["who", "حاتمی"],
    ["who", "Шойгу", "--explain"],
    ["who", "Шойгу", "--json"],
    ["people"],
    ["people", "--json"],
    ["people", "-f", "csv"],
    ["search", "terrorism"],
    ["search", "terrorism", "--json"],
    ["search", "terrorism", "-f", "csv"],
    ["timeline"],
    ["timeline", "--json"],
    ["graph"],
    ["graph", "-f", "mermaid"],
    ["graph", "--json"],
    ["events"],
    ["sources", "--json"],
    ["stats"],
    ["audit"],
    ["audit", "--json"],
    ["validate"],
    ["validate", "--json"],
    ["schema"],
]


RunEncoded = Callable[[list[str], str], tuple[int, bytes, bytes]]


@pytest.fixture
def run_encoded(monkeypatch: pytest.MonkeyPatch) -> RunEncoded:
    """Run on the bundled data, standard output and error encoded as run() sets them up."""

    def run_with(args: list[str], encoding: str) -> tuple[int, bytes, bytes]:
        buffers = io.BytesIO(), io.BytesIO()
        streams = [
            io.TextIOWrapper(b, encoding=encoding, errors="backslashreplace", newline="\n")
            for b in buffers
        ]
        monkeypatch.setattr(sys, "stdout", streams[0])
        monkeypatch.setattr(sys, "stderr", streams[1])
        code = main_status(["--data", str(DATA), *args])
        for stream in streams:
            stream.flush()
        return code, buffers[0].getvalue(), buffers[1].getvalue()

    return run_with


def json_values(text: str, lines: bool) -> object:
    return [json.loads(line) for line in text.splitlines()] if lines else json.loads(text)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", EVERY_OUTPUT, ids=" ".join)
def test_every_output_fits_a_narrow_encoding(
    args: list[str], encoding: str, run_encoded: RunEncoded
) -> None:
    code, out, err = run_encoded(args, encoding)
    assert code == 0, err
    text = out.decode(encoding)
    if "--json" in args or "jsonl" in args or args == ["schema"]:
        # The same JSON values: what the encoding lacks is written as JSON's own escapes.
        _, utf8, _ = run_encoded(args, "utf-8")
        jsonl = "jsonl" in args
        assert json_values(text, jsonl) == json_values(utf8.decode("utf-8"), jsonl)


def test_ascii_output_from_the_installed_command(tmp_path: Path) -> None:
    ascii_env = {"PYTHONIOENCODING": "ascii"}
    who = run([meetings_script(), "who", "حاتمی"], tmp_path, env=ascii_env)
    assert who.returncode == 0, who.stderr
    assert "\\u062d\\u0627\\u062a\\u0645\\u06cc" in who.stdout.decode("ascii")
    listed = run([meetings_script(), "list", "--json"], tmp_path, env=ascii_env)
    plain = run([meetings_script(), "list", "--json"], tmp_path)
    assert json.loads(listed.stdout.decode("ascii")) == json.loads(plain.stdout)
    csv_out = run([meetings_script(), "people", "-f", "csv"], tmp_path, env=ascii_env)
    assert csv_out.returncode == 0 and csv_out.stdout.isascii()
    missing = run([meetings_script(), "who", "zzzщщщ"], tmp_path, env=ascii_env)
    assert missing.returncode == 1
    assert (
        missing.stderr.decode("ascii") == "meetings: no person matches 'zzz\\u0449\\u0449\\u0449'\n"
    )
    batch = run([meetings_script(), "who", "-"], tmp_path, env=ascii_env, stdin="حاتمی\n".encode())
    assert batch.returncode == 2
    assert batch.stderr.decode("ascii").startswith(
        "meetings: cannot read names from standard input: it is not ascii text"
    )


@pytest.mark.parametrize(
    "locale", [{"LANG": "C"}, {"LC_ALL": "C"}, {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"}]
)
def test_c_locale_gives_output(tmp_path: Path, locale: dict[str, str]) -> None:
    for args in (["who", "Шойгу"], ["people", "-f", "csv"], ["list", "--json"]):
        result = run([meetings_script(), *args], tmp_path, env=locale)
        assert result.returncode == 0, result.stderr
        assert b"internal error" not in result.stderr


# --------------------------------------------------------------------------- a deleted folder


def run_in_deleted_folder(
    tmp_path: Path, args: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The installed command, run from a folder removed just before it starts."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    return run(["sh", "-c", script, "sh", str(gone), meetings_script(), *args], tmp_path, env)


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_deleted_working_folder_with_absolute_data(tmp_path: Path, cache: list[str]) -> None:
    root = base_copy(tmp_path)
    result = run_in_deleted_folder(tmp_path, [*cache, "--data", str(root), "list", "--json"])
    assert result.returncode == 0, result.stderr
    assert [m["id"] for m in json.loads(result.stdout)] == ["talks"]


def test_deleted_working_folder_with_bundled_data_and_default_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "MEETINGS_CACHE_DIR": "", "XDG_CACHE_HOME": ""}
    result = run_in_deleted_folder(tmp_path, ["who", "Shoigu", "--json"], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["person"]["id"] == "sergei-shoigu"
    assert list((home / ".cache" / "meetings").iterdir())


def test_deleted_working_folder_relative_data_is_a_clear_error(tmp_path: Path) -> None:
    result = run_in_deleted_folder(tmp_path, ["--data", "data", "list"])
    assert result.returncode == 2
    assert inert(result.stderr) == (
        "meetings: data: the current folder no longer exists: give the dataset folder's full path\n"
    )


def test_deleted_working_folder_reports_problems_with_absolute_names(tmp_path: Path) -> None:
    root = base_copy(tmp_path)
    (root / "extra.yaml").write_text("bogus: 1\n", encoding="utf-8")
    result = run_in_deleted_folder(tmp_path, ["--data", str(root), "list"])
    assert result.returncode == 2
    assert inert(result.stderr).startswith(f"{root}/extra.yaml:1:1: bogus: unknown field")
