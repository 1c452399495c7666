"""The cache: rebuilt when the YAML changes, never stale, never of invalid data."""

from __future__ import annotations

import contextlib
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


def test_an_edit_that_stat_cannot_see_is_caught_by_content(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Within one timestamp tick, or through a shared memory map, an edit can leave size,
    # times and inode as they were: the database is told so here, and must still see it.
    path = data_copy / "meetings.yaml"
    titles(data_copy, capsys)
    edit(path, "title: Talks with Serbian", "title: Talks with SERBIAN")  # same size
    info = path.stat()
    with contextlib.closing(sqlite3.connect(store.cache_file(data_copy))) as db:
        db.execute(
            "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ? WHERE path = ?",
            (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, "meetings.yaml"),
        )
        db.commit()
    assert "Talks with SERBIAN counterpart Aleksandar Vulin" in titles(data_copy, capsys)


def test_an_edit_through_a_shared_memory_map_is_seen(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import mmap

    path = data_copy / "meetings.yaml"
    offset = path.read_bytes().index(b"Talks with Serbian")
    with open(path, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as mapped:
        mapped[offset : offset + 5] = b"TALKS"  # the page is now mapped for writing
        assert "TALKS with Serbian counterpart Aleksandar Vulin" in titles(data_copy, capsys)
        mapped[offset : offset + 5] = b"Talks"  # no fault, so perhaps no new time
        assert "Talks with Serbian counterpart Aleksandar Vulin" in titles(data_copy, capsys)


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


def test_a_journal_whose_file_was_removed_is_never_rolled_into_a_new_one(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = titles(data_copy, capsys)
    target = store.cache_file(data_copy)
    killed = f"""
import os, sqlite3
db = sqlite3.connect({str(target)!r}, isolation_level=None)
db.execute("PRAGMA cache_size = 1")
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE records SET line = line + 1000, value = NULL")
os._exit(9)
"""
    assert subprocess.run([sys.executable, "-c", killed], check=False).returncode == 9
    os.unlink(target)  # removed by hand, or by a clear between the kill and the next run
    assert Path(f"{target}-journal").exists()
    edit(data_copy / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
    edited = [title.replace("with Serbian", "with the Serbian") for title in expected]
    for _ in ("built afresh", "read back"):
        code, out, err = ask(data_copy, "list", "--json", capsys=capsys)
        assert (code, err) == (0, "")
        assert [m["title"] for m in json.loads(out)] == edited


def test_a_new_file_takes_its_place_without_a_journal_of_another(cache: Path) -> None:
    cache.mkdir()
    target = cache / "0123456789abcdef.sqlite3"
    journal = Path(f"{target}-journal")  # of a file removed since: it would roll into the new
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504))
    new = cache / ".build-n3w.tmp"
    with contextlib.closing(sqlite3.connect(new)) as db:
        db.execute("CREATE TABLE t (x)")
    assert store.cache.replace_file(target, str(new)) is True
    assert target.exists() and not new.exists() and not journal.exists()


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
    for _ in ("compiled, and cached", "read back"):
        with contextlib.closing(store.open_dataset(DATA)) as db:
            assert dataset_of(db) == original


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder the bundled dataset was compiled into, by a run of its own."""
    folder = tmp_path_factory.mktemp("warm") / "cache"
    warm_run_imports(["list", "--json"], folder, warm=True)
    return folder


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
def test_machine_formats_import_neither_rich_nor_rapidfuzz(
    warm_cache: Path, args: list[str]
) -> None:
    output, imported = warm_run_imports(args, warm_cache, warm=True)
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
    with contextlib.closing(store.open_dataset(data_copy)) as db:
        assert len(store.dataset_of(db).meetings) == 8


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


def test_a_question_is_answered_from_one_state_of_the_cache(cache: Path, data_copy: Path) -> None:
    """The connection a question gets is in a read transaction: another process cannot
    commit an update between the statements that answer it."""
    with contextlib.closing(store.open_dataset(data_copy)) as db:
        assert db.in_transaction
        edit(data_copy / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
        other = sqlite3.connect(store.cache_file(data_copy), timeout=0.1, isolation_level=None)
        with contextlib.closing(other):
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE meta SET value = value WHERE key = 'root'")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("COMMIT")


def test_a_cache_another_process_holds_too_long_still_answers_from_memory(
    cache: Path,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = titles(data_copy, capsys)
    monkeypatch.setattr(store.opening, "READ_WAIT", 0.05)
    monkeypatch.setattr(store.opening, "UPDATE_WAIT", 0.05)
    monkeypatch.setattr(store.cache, "LOCK_WAIT", 0.05)
    holder = sqlite3.connect(store.cache_file(data_copy), isolation_level=None)
    with contextlib.closing(holder):
        holder.execute("BEGIN EXCLUSIVE")
        code, out, err = ask(data_copy, "list", "--json", capsys=capsys)
        assert (code, err) == (0, "")
        assert [m["title"] for m in json.loads(out)] == expected
        assert not list(cache.glob(".build-*"))


def test_a_new_file_never_replaces_one_a_writer_is_updating(
    cache: Path,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    titles(data_copy, capsys)
    target = store.cache_file(data_copy)
    monkeypatch.setattr(store.cache, "LOCK_WAIT", 0.05)
    new = cache / ".build-n3w.tmp"
    new.write_bytes(b"")
    with contextlib.closing(sqlite3.connect(target, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # an update at work: its journal is the old file's
        assert store.cache.replace_file(target, str(new)) is False
    assert store.cache.replace_file(target, str(new)) is True
    assert target.stat().st_size == 0 and not new.exists()


def test_an_update_held_up_by_a_reader_builds_a_new_file(
    cache: Path,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reader that does not finish (`meetings list | less`, left open) makes an update
    wait UPDATE_WAIT, once, and then take its place as a new file."""
    titles(data_copy, capsys)
    monkeypatch.setattr(store.opening, "UPDATE_WAIT", 0.2)
    target = store.cache_file(data_copy)
    with contextlib.closing(sqlite3.connect(target, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM records").fetchone()
        edit(data_copy / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
        assert "Talks with the Serbian counterpart Aleksandar Vulin" in titles(data_copy, capsys)
        (count,) = reader.execute("SELECT count(*) FROM records").fetchone()  # reads on
    assert count > 0


def test_ctrl_c_while_waiting_for_a_lock_ends_the_run_at_once(
    cache: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import signal
    import time

    titles(data_copy, capsys)
    holder = sqlite3.connect(store.cache_file(data_copy), isolation_level=None)
    with contextlib.closing(holder):
        holder.execute("BEGIN EXCLUSIVE")  # SQLite waits in C, where Python sees no Ctrl-C
        waiting = subprocess.Popen(
            [sys.executable, "-m", "meetings_cli", "--data", str(data_copy), "list"],
            env={**os.environ, "MEETINGS_CACHE_DIR": str(cache)},
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        # Waiting for the lock: the run has the cache file open (then a moment in SQLite).
        target, deadline = str(store.cache_file(data_copy)), time.monotonic() + 10
        while time.monotonic() < deadline and not _has_open(waiting.pid, target):
            time.sleep(0.02)
        time.sleep(0.2)
        assert waiting.poll() is None
        interrupted = time.monotonic()
        waiting.send_signal(signal.SIGINT)
        _, err = waiting.communicate(timeout=20)
    assert waiting.returncode == 130 and b"Traceback" not in err
    assert time.monotonic() - interrupted < 3


def _has_open(pid: int, path: str) -> bool:
    """Whether process pid has path open."""
    try:
        return any(
            os.readlink(f"/proc/{pid}/fd/{fd}") == path for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:  # gone, or a descriptor closed while looked at
        return False
