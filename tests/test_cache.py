"""The cache: rebuilt when the YAML changes, never stale, never of invalid data."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, edit, warm_run_imports

from meetings_cli import store
from meetings_cli.app import main_status
from meetings_cli.errors import DataError


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    return folder


def ask(root: Path, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str, str]:
    code = main_status(["--data", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def titles(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, _ = ask(root, "list", "--json", capsys=capsys)
    assert code == 0
    return [m["title"] for m in json.loads(out)]


def test_first_run_writes_the_cache_and_later_runs_read_no_yaml(
    cache: Path,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = titles(data_copy, capsys)
    assert list(cache.glob("*.sqlite3")) == [store.cache_file(data_copy)]
    assert not list(cache.glob(".build-*"))  # written to a temporary file, renamed into place

    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was read although the cache is current")

    monkeypatch.setattr("meetings_cli.load.FileReader.records", no_yaml)
    assert titles(data_copy, capsys) == first


def test_an_edited_file_is_never_answered_from_the_cache(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "Talks with Serbian counterpart Aleksandar Vulin" in titles(data_copy, capsys)
    edit(
        data_copy / "meetings.yaml", "title: Talks with Serbian", "title: Edited talks with Serbian"
    )
    assert "Edited talks with Serbian counterpart Aleksandar Vulin" in titles(data_copy, capsys)


def test_same_size_same_timestamp_edit_is_caught_by_content(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_copy / "meetings.yaml"
    before = path.stat()
    titles(data_copy, capsys)
    edit(path, "title: Talks with Serbian", "title: Talks with SERBIAN")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # timestamp set back
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "Talks with SERBIAN counterpart Aleksandar Vulin" in titles(data_copy, capsys)


def test_edit_within_one_timestamp_tick_is_caught_by_content(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_copy / "meetings.yaml"
    edit(path, "title: Talks with Serbian", "title: Talks with serbian")  # just modified
    titles(data_copy, capsys)  # so the database also records its content hash
    with sqlite3.connect(store.cache_file(data_copy)) as db:
        (digest,) = db.execute("SELECT digest FROM files WHERE path = 'meetings.yaml'").fetchone()
    assert digest is not None


def test_new_and_removed_files_invalidate(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles(data_copy, capsys)
    extra = data_copy / "more.yaml"
    extra.write_text("topics:\n  - id: new-topic\n    description: New.\n", encoding="utf-8")
    assert ask(data_copy, "list", "--topic", "new-topic", capsys=capsys)[0] == 1  # known, unused
    extra.unlink()
    code, _, err = ask(data_copy, "list", "--topic", "new-topic", capsys=capsys)
    assert code == 2 and "no topic 'new-topic'" in err  # unknown again


def test_invalid_data_is_never_served(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles(data_copy, capsys)
    edit(data_copy / "people.yaml", "country: Serbia", "country: [Serbia]")
    code, out, err = ask(data_copy, "list", "--json", capsys=capsys)
    assert (code, out) == (2, "")
    assert "expected text, got a list" in err
    with sqlite3.connect(store.cache_file(data_copy)) as db:  # the query tables are emptied
        assert db.execute("SELECT count(*) FROM meetings").fetchone() == (0,)
    with pytest.raises(DataError):
        store.open_dataset(data_copy)
    edit(data_copy / "people.yaml", "country: [Serbia]", "country: Serbia")
    assert len(titles(data_copy, capsys)) == 8


def test_a_damaged_cache_is_rebuilt(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = titles(data_copy, capsys)
    store.cache_file(data_copy).write_bytes(b"this is not a database" * 100)
    assert titles(data_copy, capsys) == expected


def test_an_update_killed_midway_leaves_the_state_before_it_not_a_mix(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kill -9 in the middle of an update of the cache leaves a journal: the next run lets
    SQLite roll it back, and answers from the state before (never says it is damaged, never
    rolls that journal into a new file)."""
    expected = titles(data_copy, capsys)
    target = store.cache_file(data_copy)
    killed = f"""
import os, sqlite3
db = sqlite3.connect({str(target)!r}, isolation_level=None)
db.execute("PRAGMA cache_size = 1")  # changed pages reach the file before any commit
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE meetings SET date_how = 'half written', checksum = checksum + 1")
db.execute("UPDATE records SET line = line + 1000, value = NULL")
db.execute("DELETE FROM search_words")
os._exit(9)
"""
    assert subprocess.run([sys.executable, "-c", killed], check=False).returncode == 9
    assert Path(f"{target}-journal").exists()  # as the kill left it
    code, out, err = ask(data_copy, "list", "--json", capsys=capsys)
    assert (code, err) == (0, "")
    assert [m["title"] for m in json.loads(out)] == expected
    assert not Path(f"{target}-journal").exists()


def test_an_unwritable_cache_folder_still_answers(
    tmp_path: Path,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(blocker / "cache"))
    assert len(titles(data_copy, capsys)) == 8


def test_no_cache_option_neither_reads_nor_writes(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_status(["--no-cache", "--data", str(DATA), "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 8
    assert not cache.exists() or not list(cache.iterdir())


def test_the_full_dataset_round_trips_through_the_cache(cache: Path) -> None:
    from meetings_cli.store import dataset_of, load_dataset

    original = load_dataset(DATA)
    assert dataset_of(store.open_dataset(DATA)) == original  # compiled, and cached
    assert dataset_of(store.open_dataset(DATA)) == original  # read back


def test_warm_who_json_imports_neither_rich_nor_yaml_nor_numpy(cache: Path) -> None:
    output, imported = warm_run_imports(["who", "Hatami", "--json"], cache)
    assert json.loads(output)["person"]["id"] == "amir-hatami"
    assert "meetings_cli.store" in imported  # answered from the cache...
    assert not imported & {"rich", "yaml", "numpy", "rapidfuzz", "meetings_cli.load"}


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--year", "2018", "--json"],
        ["list", "--format", "csv"],
        ["show", "mcis2019-russia", "--json"],
        ["timeline", "--json"],
        ["people", "--format", "jsonl"],
        ["stats", "--json"],
        ["audit", "--json"],
        ["graph"],
    ],
)
def test_machine_formats_import_neither_rich_nor_rapidfuzz(cache: Path, args: list[str]) -> None:
    output, imported = warm_run_imports(args, cache)
    assert output.strip()
    assert not imported & {"rich", "rapidfuzz", "yaml", "meetings_cli.render.draw"}


def test_a_table_is_drawn_by_rich(cache: Path) -> None:
    output, imported = warm_run_imports(["list", "--year", "2018"], cache)
    assert "mcis2018-russia" in output
    assert {"rich.console", "rich.table", "meetings_cli.render.draw"} <= imported


def test_cache_build_is_atomic_for_concurrent_readers(cache: Path, data_copy: Path) -> None:
    # Builders at once must each leave a complete, valid file behind.
    script = (
        "import sys; from pathlib import Path; from meetings_cli import store; "
        "db = store.open_dataset(Path(sys.argv[1])); "
        "assert db.execute('SELECT count(*) FROM meetings').fetchone() == (8,)"
    )
    env = {**os.environ, "MEETINGS_CACHE_DIR": str(cache)}
    # cwd elsewhere: from the repository, `python -c` would import its source tree
    # instead of the installed package this test uses, and their caches differ.
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(data_copy)], env=env, cwd=data_copy.parent
        )
        for _ in range(3)
    ]
    assert all(run.wait(timeout=60) == 0 for run in runs)
    assert len(store.dataset_of(store.open_dataset(data_copy)).meetings) == 8


@pytest.mark.parametrize("home", ["relative/home", "~", None])
def test_the_cache_folder_is_absolute_whatever_home_says(
    home: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOME unset (for a uid without a passwd entry too) or relative: never a folder
    relative to the working one, as `~/.cache/meetings` taken literally was."""
    import pwd

    monkeypatch.chdir(tmp_path)
    for name in ("MEETINGS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    if home is not None:
        monkeypatch.setenv("HOME", home)
    assert store.cache_dir().is_absolute()

    def no_entry(uid: int) -> object:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    folder = store.cache_dir()
    assert folder.is_absolute() and str(os.getuid()) in folder.name
    assert not (tmp_path / "~").exists() and not (tmp_path / "relative").exists()


def test_a_relative_cache_folder_setting_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEETINGS_CACHE_DIR", "here")
    assert store.cache_dir() == tmp_path / "here"
