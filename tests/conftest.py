"""Shared fixtures: the repository's dataset, scratch copies of it, a synthetic dataset, a CLI
runner, and random damage to a data file's text."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
import typer.testing
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from meetings_cli.app import app

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"

#: Typer's own builder of the Click group (for a test that changes what the group is built from).
BUILD_GROUP = typer.main.get_command
# Typer builds the Click group from the app on every call of the app or of CliRunner.invoke
# (5-12 ms, a third of an average in-process run): here it is built once per process, as the
# installed command does, and reused, as Click allows.
typer.main.get_command = typer.testing._get_command = functools.cache(BUILD_GROUP)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' caches out of the user's cache folder (subprocesses inherit it)."""
    os.environ["MEETINGS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's dataset."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def generate(root: Path, meetings: int) -> Path:
    """Write benchmarks/make_dataset.py's synthetic dataset of so many meetings to root."""
    script = REPO / "benchmarks" / "make_dataset.py"
    command = [sys.executable, str(script), str(root), "--meetings", str(meetings)]
    subprocess.run(command, check=True, capture_output=True)
    return root


def damage(
    draw: st.DrawFn, text: str, inserts: st.SearchStrategy[str], times: st.SearchStrategy[int]
) -> str:
    """text with random edits: an insert drawn from inserts, a cut, a doubled line, random text."""
    for _ in range(draw(times)):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate-line", "text"]))
        if action == "insert":
            text = text[:where] + draw(inserts) + text[where:]
        elif action == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 40)) :]
        elif action == "duplicate-line":
            start = text.rfind("\n", 0, where) + 1
            end = text.find("\n", where) + 1 or len(text)
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = text[:where] + draw(st.text(max_size=8)) + text[where:]
    return text


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


Invoke = Callable[..., Result]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the CLI in-process against the repository's dataset unless told otherwise."""
    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return runner.invoke(app, ["--data", str(DATA), *args], env=env, input=input)

    return invoke


@pytest.fixture
def cli_bare(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the CLI in-process with no --data option."""
    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env)

    return invoke


def warm_run_imports(
    args: list[str], cache: Path, env: dict[str, str | None] | None = None, *, warm: bool = False
) -> tuple[str, set[str]]:
    """Run `python -m meetings_cli ARGS` twice on one cache: the second run's output and imports
    (once, if the cache is warm already: a run before compiled the dataset into it).

    env adds variables (None: removes them). Runs from the cache's parent, not
    the repository, whose source tree would shadow the installed package (and
    have a cache of its own).
    """
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-X", "importtime", "-m", "meetings_cli", "--data", str(DATA), *args]
    run_env = {**os.environ, "MEETINGS_CACHE_DIR": str(cache)}
    for name, value in (env or {}).items():
        if value is None:
            run_env.pop(name, None)
        else:
            run_env[name] = value
    if not warm:
        subprocess.run(command, env=run_env, check=True, capture_output=True, cwd=cache.parent)
    answered = subprocess.run(
        command, env=run_env, check=True, capture_output=True, text=True, cwd=cache.parent
    )
    lines = answered.stderr.splitlines()
    imported = {line.rsplit("|", 1)[-1].strip() for line in lines if "|" in line}
    return answered.stdout, imported


#: How many of their examples the property tests try (MEETINGS_EXAMPLES=1 for all of them,
#: as written; the suite's default keeps it under a minute on two cores).
EXAMPLES_SCALE = float(os.environ.get("MEETINGS_EXAMPLES", "0.4"))


def examples(written: int) -> int:
    """A property test's number of examples: as written, scaled by MEETINGS_EXAMPLES."""
    return max(20, round(written * EXAMPLES_SCALE))
