"""Shared fixtures: the repository's dataset, scratch copies of it, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from meetings_cli.cli import app

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


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

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, ["--data", str(DATA), *args], env=env)

    return invoke


@pytest.fixture
def cli_bare(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the CLI in-process with no --data option."""
    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env)

    return invoke
