"""The fast path (no Typer) must answer exactly as the full command line does."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, edit

from meetings_cli.cli import run_typer
from meetings_cli.fast import run_fast

ANSWERED = [
    ["list"],
    ["list", "--year", "2018", "--json"],
    ["list", "--year=2019", "--year", "2020", "--format", "jsonl"],
    ["list", "-y", "2018", "-f", "csv"],
    ["list", "--from", "2018-04-05", "--to", "2019"],
    ["list", "--from", "2019-04-26", "--to", "2019-04-26", "--json"],
    ["list", "--country", "russia", "--json"],
    ["list", "-c", "Serbia", "-c", "Belarus"],
    ["list", "--event", "VIII MCIS", "--json"],
    ["list", "-e", "army-2020", "--format", "csv"],
    ["list", "--kind", "conference address", "--json"],
    ["list", "--topic", "jcpoa", "-t", "border-cooperation", "--json"],
    ["list", "--person", "Schoigu", "--json"],
    ["list", "-p", "Шойгу", "--year", "2019"],
    ["list", "--person", "Hatemi", "--country", "Pakistan", "--format", "jsonl"],
    ["list", "--year", "2017", "--json"],
    ["list", "--year", "2017", "--format", "csv"],
    ["list", "--year", "2017"],
    ["list", "--person", "Mattis", "--json"],
    ["list", "--person", "Salami"],
    ["--color", "never", "list", "--year", "2018"],
    ["--color=always", "list", "--year", "2019"],
    ["who", "Hatami", "--json"],
    ["who", "Brigadier", "General", "Amir", "Hatami"],
    ["who", "Schoigu", "--explain"],
    ["who", "Khatami", "--explain", "--json"],
    ["who", "حاتمی", "--format", "json"],
    ["who", "Kazem", "Jalali"],
    ["who", "Mattis"],
    ["who", "Salami", "--json"],
    ["who", "Salami", "--explain"],
    ["--color", "always", "who", "Vulin"],
]

DEFERRED = [
    [],
    ["--help"],
    ["list", "--help"],
    ["list", "--year", "twenty"],
    ["list", "--year", "99999999999999999999"],
    ["list", "--country", "Rusia"],
    ["list", "--topic", "weather"],
    ["list", "--from", "2020", "--to", "2019"],
    ["list", "--json", "--format", "csv"],
    ["list", "--svg", "x.svg", "--json"],
    ["list", "--unknown"],
    ["list", "--year"],
    ["who"],
    ["who", "Hatami", "--format", "csv"],
    ["--no-cache", "list"],
    ["--color", "sometimes", "list"],
    ["timeline"],
    ["show", "mcis2018-russia"],
]


def both(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[tuple[int | None, str, str], ...]:
    code = run_fast(argv)
    fast = (code, *capsys.readouterr())
    slow = (run_typer(argv), *capsys.readouterr())
    return fast, slow


@pytest.mark.parametrize("argv", ANSWERED, ids=" ".join)
def test_fast_path_answers_like_the_full_cli(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    fast, slow = both(["--data", str(DATA), *argv], capsys)
    assert fast[0] is not None, "the fast path should have answered this"
    assert fast == slow


@pytest.mark.parametrize("argv", DEFERRED, ids=lambda a: " ".join(a) or "(nothing)")
def test_fast_path_defers_the_rest(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_fast(["--data", str(DATA), *argv]) is None
    assert capsys.readouterr() == ("", "")


def test_both_paths_agree_on_broken_data(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(data_copy / "meetings.yaml", "day: 2019-04-26", "day: 2019-04-31")
    fast, slow = both(["--data", str(data_copy), "list", "--json"], capsys)
    assert fast == slow
    assert fast[0] == 2 and "2019-04-31 is not a real date" in fast[2]


def test_both_paths_agree_on_a_bigger_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "make_dataset", Path(__file__).parent.parent / "benchmarks" / "make_dataset.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_dataset"] = module
    spec.loader.exec_module(module)
    root = module.write_dataset(tmp_path / "synthetic", meetings=300, seed=7)
    for argv in (
        ["list", "--year", "2016", "--json"],
        ["list", "--from", "2017-03", "--to", "2017-06-15", "--format", "csv"],
        [
            "list",
            "--country",
            module.COUNTRIES[3],
            "--kind",
            "bilateral-talks",
            "--format",
            "jsonl",
        ],
        ["list", "--topic", "counter-terrorism", "--year", "2018", "--year", "2019"],
        ["who", "Hatami", "--json"],
    ):
        fast, slow = both(["--data", str(root), *argv], capsys)
        assert fast[0] is not None and fast == slow, argv


def test_help_is_kept_for_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(tmp_path))
    assert run_fast(["--help"]) is None  # nothing kept yet
    assert run_typer(["--help"]) == 0
    full = capsys.readouterr().out
    assert "Commands:" in full and "timeline" in full
    assert run_fast(["--help"]) == 0
    assert capsys.readouterr().out == full
    assert run_fast(["--data", str(DATA), "-h"]) == 0
    assert capsys.readouterr().out == full
    assert run_fast(["list", "--help"]) is None


def test_fast_path_writes_to_a_text_only_stream(capsys: pytest.CaptureFixture[str]) -> None:
    import contextlib
    import io
    import json

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run_fast(["--data", str(DATA), "list", "--json"]) == 0
    assert len(json.loads(out.getvalue())) == 8
