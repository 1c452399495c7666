"""timeline, graph, events, sources, stats, audit; --color, --svg/--html, completion."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Invoke
from typer.testing import CliRunner

from meetings_cli.app import app


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- timeline


def test_timeline_piped_at_80_columns_is_plain_text(cli: Invoke) -> None:
    result = cli("timeline", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    # The exact text is the golden view tests/golden/timeline.80.txt (test_views.py).
    assert result.stdout.startswith("== 2018 ==\n")
    assert all(ord(ch) < 128 for ch in result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_timeline_on_a_terminal_has_rules_and_dashes(cli: Invoke) -> None:
    result = cli("--color", "always", "timeline", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert "2018" in lines[0] and "─" in lines[0]
    assert any("~3–6 Apr" in line for line in lines)
    assert "\x1b[" in result.stdout


def test_timeline_ascii_flag_wins_on_a_terminal(cli: Invoke) -> None:
    result = cli("--color", "always", "timeline", "--ascii", env={"COLUMNS": "80"})
    assert "─" not in result.stdout and "–" not in result.stdout
    assert "== 2019 ==" in result.stdout


def test_timeline_narrow_terminal_still_fits(cli: Invoke) -> None:
    result = cli("timeline", env={"COLUMNS": "60"})
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "Sergei Shoigu" in result.stdout


def test_timeline_filters(cli: Invoke) -> None:
    out = cli("timeline", "--person", "Shoygu").stdout
    assert out.count("Sergei Shoigu") == 3 and "Vulin" not in out
    assert "== 2018 ==" not in cli("timeline", "--year", "2019").stdout
    result = cli("timeline", "--year", "2017")
    assert result.exit_code == 1 and "no meetings match" in result.stderr


def test_timeline_json_groups_years_and_events(cli: Invoke) -> None:
    groups = as_json(cli, "timeline", "--json")
    assert [g["year"] for g in groups] == [2018, 2019, 2020]
    assert groups[0]["events"][0]["event"]["id"] == "mcis-2018"
    assert len(groups[0]["events"][0]["meetings"]) == 6
    army = groups[2]["events"][0]["meetings"][0]
    assert army["date_precision"] == "one-of"
    assert army["date_candidates"] == ["2020-08-16", "2020-08-23"]


@pytest.mark.parametrize(("fmt", "lines"), [("jsonl", 8), ("csv", 9)])
def test_timeline_rows(cli: Invoke, fmt: str, lines: int) -> None:
    assert len(cli("timeline", "--format", fmt).stdout.splitlines()) == lines


# ----------------------------------------------------------------------------- exports


def test_svg_and_html_save_what_is_shown(cli: Invoke, tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = cli("timeline", "--svg", str(svg), "--html", str(html))
    assert result.exit_code == 0 and "Sergei Shoigu" in result.stdout
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert "Shoigu" in svg.read_text(encoding="utf-8")
    page = html.read_text(encoding="utf-8")
    assert "<html" in page.lower() and "Zhasuzakov" in page


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["show", "mcis2019-russia"],
        ["who", "Vulin"],
        ["people"],
        ["search", "Ankara"],
        ["events"],
        ["sources"],
        ["stats"],
        ["audit"],
        ["context"],
    ],
)
def test_every_table_can_be_saved(cli: Invoke, tmp_path: Path, command: list[str]) -> None:
    svg = tmp_path / "out.svg"
    result = cli(*command, "--svg", str(svg))
    assert result.exit_code == 0, result.stderr
    assert svg.stat().st_size > 500


def test_export_needs_a_table(cli: Invoke, tmp_path: Path) -> None:
    result = cli("list", "--json", "--svg", str(tmp_path / "x.svg"))
    assert result.exit_code == 2 and "--svg and --html save table output" in result.stderr
    assert not (tmp_path / "x.svg").exists()


# ----------------------------------------------------------------------------- colour


def test_color_modes(cli: Invoke) -> None:
    assert "\x1b[" in cli("--color", "always", "show", "mcis2019-russia").stdout
    forced = {"FORCE_COLOR": "1", "TERM": "xterm"}
    assert "\x1b[" not in cli("--color", "never", "show", "mcis2019-russia", env=forced).stdout
    assert "\x1b[" not in cli("show", "mcis2019-russia").stdout  # auto, not a terminal
    assert (
        "\x1b[" in cli("--color", "always", "show", "mcis2019-russia", env={"NO_COLOR": "1"}).stdout
    )
    assert cli("--color", "sometimes", "list").exit_code == 2


# ----------------------------------------------------------------------------- graph


def test_graph_json(cli: Invoke) -> None:
    graph = as_json(cli, "graph", "--json")
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    shoigu = edges[("amir-hatami", "sergei-shoigu")]
    assert (shoigu["weight"], shoigu["years"]) == (3, [2018, 2019, 2020])
    assert edges[("amir-hatami", "beibut-atamkulov")]["disputed"] is True
    # The two Kazakh ministers are alternatives from different sources, not a meeting.
    assert ("beibut-atamkulov", "saken-zhasuzakov") not in edges
    assert len(graph["nodes"]) == 7  # the ambassador took part in no meeting
    assert as_json(cli, "graph", "--format", "json") == graph


def test_graph_dot_and_mermaid(cli: Invoke) -> None:
    dot = cli("graph").stdout
    assert dot.startswith("graph meetings {") and dot.rstrip().endswith("}")
    assert '"amir-hatami" -- "sergei-shoigu" [label="3 (2018, 2019, 2020)", weight=3' in dot
    assert '[label="Amir Hatami\\nIran"]' in dot
    mermaid = cli("graph", "--format", "mermaid").stdout
    assert mermaid.startswith("graph LR\n")
    assert 'amir_hatami ---|"3: 2018, 2019, 2020"| sergei_shoigu' in mermaid
    assert 'amir_hatami -.-|"1: 2018"| beibut_atamkulov' in mermaid


def test_graph_filters(cli: Invoke) -> None:
    graph = as_json(cli, "graph", "--year", "2019", "--json")
    assert [(e["source"], e["target"]) for e in graph["edges"]] == [
        ("amir-hatami", "sergei-shoigu")
    ]


@pytest.mark.skipif(
    not any(
        os.access(os.path.join(d, "dot"), os.X_OK)
        for d in os.environ.get("PATH", "").split(os.pathsep)
    ),
    reason="Graphviz not installed",
)
def test_graph_dot_is_valid_graphviz(cli: Invoke) -> None:
    done = subprocess.run(
        ["dot", "-Tsvg"], input=cli("graph").stdout, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# ----------------------------------------------------------------------------- other listings


def test_events(cli: Invoke) -> None:
    events = as_json(cli, "events", "--json")
    assert [e["id"] for e in events] == ["mcis-2018", "mcis-2019", "army-2020"]
    assert len(events[0]["meetings"]) == 6
    assert "VIII Moscow Conference" in cli("events").stdout


def test_sources(cli: Invoke) -> None:
    sources = {s["id"]: s for s in as_json(cli, "sources", "--json")}
    assert sources["unnamed-2018-04-06"]["published"] == "2018-04-06"
    assert sources["unnamed-2018-04-06"]["outlet"] is None
    assert sources["iranproject-2018-04-07"]["published_basis"] == "inferred"
    assert sources["presstv-mcis2019"]["meetings"] == ["mcis2019-russia"]
    assert "2020-unsc-vote" in sources["army2020-repost"]["context"]
    table = cli("sources").stdout
    assert "~2018-04-07" in table and "unnamed-2018-04-06      —" in table  # outlet not given


def test_stats(cli: Invoke) -> None:
    stats = as_json(cli, "stats", "--json")
    assert stats["year"] == {"2018": 6, "2019": 1, "2020": 1}
    assert stats["country"]["Russia"] == 3 and stats["country"]["Iran"] == 8
    assert stats["kind"] == {"bilateral-talks": 7, "conference-address": 1}
    assert stats["topic"]["defence-cooperation"] == 5
    assert as_json(cli, "stats", "--country", "Russia", "--json")["year"] == {
        "2018": 1,
        "2019": 1,
        "2020": 1,
    }
    rows = list(csv.DictReader(io.StringIO(cli("stats", "-f", "csv").stdout)))
    assert {"dimension": "year", "value": "2018", "count": "6"} in rows


def test_audit(cli: Invoke) -> None:
    findings = as_json(cli, "audit", "--json")
    by_issue: dict[str, set[str]] = {}
    for finding in findings:
        by_issue.setdefault(finding["issue"], set()).add(finding["id"])
    assert by_issue["disagreement"] == {"mcis2018-kazakhstan"}
    assert "mcis2019-russia" not in by_issue["inferred-date"]  # the one stated date
    assert {"mcis2018-russia", "army2020-russia"} <= by_issue["inferred-date"]
    # The " date 2018-04-06 " of article 001 is an archive's stamp, not its text.
    assert by_issue["inferred-publication-date"] == {"iranproject-2018-04-07", "unnamed-2018-04-06"}
    assert by_issue["curator-speaker"] == {"2018-us-jcpoa-deadline"}
    assert {"mcis-2019", "army-2020"} <= by_issue["curator-supplied"]  # VIII; Kubinka
    assert "no-evidence" not in by_issue  # every claim of the bundled data has its evidence
    assert "Atamkulov" in cli("audit").stdout
    kinds = {f["issue"] for f in as_json(cli, "audit", "-i", "curator-speaker", "--json")}
    assert kinds == {"curator-speaker"}
    assert cli("audit", "--issue", "bogus").exit_code == 2


@pytest.mark.parametrize("command", ["events", "sources", "audit"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_listing_formats(cli: Invoke, command: str, fmt: str) -> None:
    result = cli(command, "--format", fmt)
    assert result.exit_code == 0
    if fmt == "jsonl":
        assert all(json.loads(line)["id"] for line in result.stdout.splitlines())
    else:
        assert all(row["id"] for row in csv.DictReader(io.StringIO(result.stdout)))


# ----------------------------------------------------------------------------- completion


def complete(
    words: str, shell: str = "bash", *, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """What Tab offers after words, as the shell's completion script asks for it: in this
    process (as Click answers it), or with process, from `python -X importtime -m
    meetings_cli` (its standard error lists what it imported)."""
    env = {k: v for k, v in os.environ.items() if k != "MEETINGS_DATA"}
    env["_MEETINGS_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    if not process:
        asked = {name: env.get(name) for name in (*COMPLETION_VARIABLES, "MEETINGS_DATA")}
        done = CliRunner().invoke(app, ["--data", str(DATA)], env=asked, prog_name="meetings")
        return subprocess.CompletedProcess([], done.exit_code, done.stdout, done.stderr)
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "meetings_cli", "--data", str(DATA)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if "|" in line}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("meetings show mcis2018-p", ["mcis2018-pakistan"]),
        ("meetings list --event army", ["army-2020"]),
        ("meetings who Sh", ["Shoigu"]),
        ("meetings list --person Dast", ["'Dastgir Khan'"]),  # quoted: one word for the shell
        ("meetings list --topic astana", ["astana-process"]),
        ("meetings who Шой", ["'Шойгу'"]),  # the names in other scripts too (quoted)
        ("meetings who شوی", ["'شویگو'"]),
        ("meetings list --person Шой", ["'Шойгу'"]),  # a filter's names as who's
    ],
)
def test_completion_from_the_dataset(words: str, expected: list[str]) -> None:
    done = complete(words)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split("\n")[: len(expected)] == expected


#: The environment a shell's completion script sets for the program.
COMPLETION_VARIABLES = ("_MEETINGS_COMPLETE", "COMP_WORDS", "COMP_CWORD", "_TYPER_COMPLETE_ARGS")


def test_bash_completion_makes_no_heavy_imports() -> None:
    complete("meetings show mcis", "bash", process=True)  # compiles the cache if it is cold
    done = complete("meetings show mcis", "bash", process=True)
    assert done.stdout.strip()
    assert not imported(done.stderr) & {"yaml", "rich", "rapidfuzz", "pydantic"}


def test_zsh_completion_offers_options_with_their_help() -> None:
    # Typer's own zsh completion (it imports Rich to strip markup from the help texts).
    done = complete("meetings list --", "zsh")
    assert done.returncode == 0, done.stderr[-500:]
    assert '"--year":"Only this year (repeatable)."' in done.stdout


def test_closed_pipe_after_a_table_is_quiet(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "meetings"
    done = subprocess.run(
        ["bash", "-c", f"'{script}' timeline | head -1; '{script}' list | head -1"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.stdout.splitlines()[0] == "== 2018 =="
    assert done.stderr == ""
