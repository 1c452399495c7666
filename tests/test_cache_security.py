"""The cache belongs to its user, and a damaged cache never answers.

The shared-folder attacks need two real user ids: they run when the tests run
as root, which acts as an attacker and a victim in turn (seteuid), and are
skipped otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, edit

from meetings_cli import store
from meetings_cli.app import main_status

ATTACKER, VICTIM = 40001, 40002
as_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="acting as two users (seteuid) needs the tests to run as root"
)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store.cache, "_warned", [])


def ask(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main_status(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def truth(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = ask("--no-cache", "--data", str(root), "list", "--json", capsys=capsys)
    assert code == 0
    return out


@pytest.fixture
def shared() -> Iterator[Path]:
    """A scratch folder like /tmp (pytest's own is root's alone), with the data."""
    folder = Path(tempfile.mkdtemp(prefix="meetings-shared-"))
    folder.chmod(0o1777)
    shutil.copytree(DATA, folder / "data")
    for path in (folder / "data").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def acting_as(uid: int) -> Iterator[None]:
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def plant_cache(folder: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """As the caller: a cache for root in folder whose first title says what the planter says."""
    code, _, _ = ask("--data", str(root), "list", capsys=capsys)
    assert code == 0
    planted = folder / store.cache_file(root).name
    with contextlib.closing(sqlite3.connect(planted)) as db:
        (record,) = db.execute("SELECT record FROM meetings ORDER BY rowid LIMIT 1").fetchone()
        forged = record.replace('"title": "', '"title": "\\u001b]0;PWNED\\u0007 ', 1)
        db.execute(
            "UPDATE meetings SET record = ?, checksum = ? WHERE rowid = 1",
            (forged, store.checksum(forged)),
        )
        db.commit()
    return planted


@pytest.fixture
def warm(shared: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The true answer, after one compile as root (so every lazy import is done: the
    victim cannot read root's interpreter files)."""
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(shared / "root-cache"))
    ask("--data", str(shared / "data"), "list", capsys=capsys)
    return truth(shared / "data", capsys)


@as_root
@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o755])
def test_a_cache_folder_of_another_user_is_not_used(
    shared: Path,
    warm: str,
    mode: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = shared / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    with acting_as(ATTACKER):
        folder.mkdir()
        plant_cache(folder, shared / "data", capsys)
        folder.chmod(mode)
    planted = (folder / store.cache_file(shared / "data").name).read_bytes()
    with acting_as(VICTIM):
        code, out, err = ask("--data", str(shared / "data"), "list", "--json", capsys=capsys)
        again, _, err_again = ask("--data", str(shared / "data"), "list", capsys=capsys)
    assert code == 0 and out == warm
    assert "PWNED" not in out
    assert err == (
        f"warning: not using the cache folder {folder}: it belongs to another user "
        f"(uid {ATTACKER}); running without a cache\n"
    )
    assert again == 0 and err_again == ""  # said once a run
    assert (folder / store.cache_file(shared / "data").name).read_bytes() == planted
    assert {p.stat().st_uid for p in folder.iterdir()} == {ATTACKER}  # the victim wrote nothing


@as_root
def test_a_cache_folder_inside_a_folder_others_can_write_is_not_used(
    shared: Path, warm: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another user could rename the victim's own folder away and put theirs in its place.
    open_to_all = shared / "open"
    open_to_all.mkdir(mode=0o777)
    open_to_all.chmod(0o777)  # not sticky
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(open_to_all / "cache"))
    with acting_as(VICTIM):
        code, out, err = ask("--data", str(shared / "data"), "list", "--json", capsys=capsys)
    assert code == 0 and out == warm
    assert f"other users can write in {open_to_all}" in err
    assert not list((open_to_all / "cache").iterdir())


@as_root
def test_the_victims_own_folder_in_a_sticky_tmp_is_used_and_private(
    shared: Path, warm: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sticky = shared / "tmp"
    sticky.mkdir()
    sticky.chmod(0o1777)
    folder = sticky / "victim-cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    with acting_as(VICTIM):
        code, out, err = ask("--data", str(shared / "data"), "list", "--json", capsys=capsys)
    assert (code, out, err) == (0, warm, "")
    info = folder.stat()
    assert (info.st_uid, info.st_mode & 0o777) == (VICTIM, 0o700)
    for made in folder.iterdir():  # the database
        assert (made.stat().st_uid, made.stat().st_mode & 0o777) == (VICTIM, 0o600)
    assert len(list(folder.iterdir())) == 1


@as_root
def test_a_link_planted_at_the_cache_name_is_replaced_not_written_through(
    shared: Path, warm: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = shared / "victim-cache"
    precious = shared / "precious.txt"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    with acting_as(VICTIM):
        folder.mkdir(mode=0o700)
        precious.write_text("the victim's own file\n")
        # However the link came there (an old backup, a tool): it is never followed.
        (folder / store.cache_file(shared / "data").name).symlink_to(precious)
        code, out, _ = ask("--data", str(shared / "data"), "list", "--json", capsys=capsys)
    assert code == 0 and out == warm
    assert precious.read_text() == "the victim's own file\n"
    assert not (folder / store.cache_file(shared / "data").name).is_symlink()


@as_root
def test_a_cache_file_of_another_user_in_the_victims_folder_is_not_served(
    shared: Path, warm: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = shared / "victim-cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    folder.mkdir()
    plant_cache(folder, shared / "data", capsys)  # root plays an attacker who got a file in
    os.chown(folder, VICTIM, VICTIM)
    folder.chmod(0o700)
    with acting_as(VICTIM):
        code, out, _ = ask("--data", str(shared / "data"), "list", "--json", capsys=capsys)
    assert code == 0 and out == warm and "PWNED" not in out


def test_a_cache_file_others_can_write_is_rebuilt(
    data_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_copy.parent / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    planted = plant_cache(folder, data_copy, capsys)
    planted.chmod(0o666)
    code, out, _ = ask("--data", str(data_copy), "list", "--json", capsys=capsys)
    assert code == 0 and "PWNED" not in out and out == truth(data_copy, capsys)
    assert planted.stat().st_mode & 0o777 == 0o600


def test_the_cache_folder_is_made_private(
    data_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_copy.parent / "new" / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    assert ask("--data", str(data_copy), "list", capsys=capsys)[0] == 0
    assert folder.stat().st_mode & 0o777 == 0o700
    assert [p.stat().st_mode & 0o777 for p in folder.iterdir()] == [0o600]


def test_a_world_writable_cache_folder_is_not_used(
    data_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_copy.parent / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    code, out, err = ask("--data", str(data_copy), "list", "--json", capsys=capsys)
    assert code == 0 and out == truth(data_copy, capsys)
    assert "other users can write in it (mode 0777); running without a cache" in err
    assert list(folder.iterdir()) == []


# --------------------------------------------------------------------------- damage


@pytest.fixture
def database(
    data_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The compiled cache of a copy of the dataset, in a private folder of the test's."""
    folder = data_copy.parent / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    assert ask("--data", str(data_copy), "list", capsys=capsys)[0] == 0
    return folder / store.cache_file(data_copy).name


def damage(database: Path, old: bytes, new: bytes) -> None:
    """Overwrite bytes of the database file in place, as a bad disk block would."""
    content = database.read_bytes()
    assert old in content and len(old) == len(new)
    database.write_bytes(content.replace(old, new))


def test_a_damaged_record_is_noticed_before_it_answers(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = truth(data_copy, capsys)
    damage(database, b'"title":"Talks with Serbian', b'"title":"Talks with Sxrbian')
    code, out, err = ask(
        "--data", str(data_copy), "show", "mcis2018-serbia", "--json", capsys=capsys
    )
    assert code == 0 and json.loads(out)["title"].startswith("Talks with Serbian")
    assert err.startswith("meetings: warning: the cache was damaged")
    assert ask("--data", str(data_copy), "list", "--json", capsys=capsys) == (0, expected, "")


def flip_last_byte_of(database: Path, index: str) -> None:
    """Damage one key of an index, as a bad disk block would, leaving its table sound."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        (page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,))
        (size,) = db.execute("PRAGMA page_size").fetchone()
    content = bytearray(database.read_bytes())
    content[page[0] * size - 1] ^= 0x01  # the end of the root page holds its cells
    database.write_bytes(bytes(content))


def test_damage_anywhere_is_found_by_validate(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A damaged index answers no question wrongly by itself (records are checked as they
    # are read), but validate runs SQLite's integrity check over every page and index.
    expected = truth(data_copy, capsys)
    flip_last_byte_of(database, "meetings_order")
    code, out, err = ask("validate", str(data_copy), capsys=capsys)
    assert code == 0 and out.startswith("ok: ")
    assert err.startswith(f"warning: the cache file {database} is damaged (")
    assert err.endswith("); compiling again\n")
    assert ask("validate", str(data_copy), capsys=capsys)[2] == ""  # compiled afresh
    assert ask("--data", str(data_copy), "list", "--json", capsys=capsys) == (0, expected, "")


def test_a_record_damaged_while_answering_is_noticed(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found half-way through a streamed answer: the answer is cut (not valid JSON) and fails.
    expected = truth(data_copy, capsys)
    damage(database, b'"title":"Talks with Serbian', b'"title":"Talks with Sxrbian')
    code, out, err = ask("--data", str(data_copy), "list", "--json", capsys=capsys)
    assert code == 2 and "Sxrbian" not in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    assert err == (
        "meetings: the cache was damaged (a stored record does not match its checksum); "
        "it is removed: run the command again\n"
    )
    assert not database.exists()
    assert ask("--data", str(data_copy), "list", "--json", capsys=capsys) == (0, expected, "")


def test_a_damaged_person_is_noticed(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE people SET checksum = checksum + 1")
        db.commit()
    code, out, err = ask("--data", str(data_copy), "who", "Shoigu", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["person"]["id"] == "sergei-shoigu"
    assert "the cache was damaged" in err


def test_a_database_that_is_not_one_any_more_is_compiled_again(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = truth(data_copy, capsys)
    database.write_bytes(b"\0" * database.stat().st_size)
    assert ask("--data", str(data_copy), "list", "--json", capsys=capsys)[:2] == (0, expected)


def test_a_damaged_record_read_by_an_update_makes_a_fresh_compile(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE records SET checksum = checksum + 1")
        db.commit()
    edit(data_copy / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
    code, out, _ = ask("--data", str(data_copy), "list", "--json", capsys=capsys)
    assert code == 0 and out == truth(data_copy, capsys)
    assert "Talks with the Serbian" in out
    with contextlib.closing(sqlite3.connect(database)) as db:  # the new database is sound
        rows = db.execute("SELECT value, checksum FROM records WHERE value IS NOT NULL")
        assert all(store.checksum(value) == expected for value, expected in rows)


def test_a_truncated_cache_is_compiled_again(
    data_copy: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = truth(data_copy, capsys)
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    code, out, err = ask("--data", str(data_copy), "list", "--json", capsys=capsys)
    assert (code, out) == (0, expected) and "damaged" in err
    assert ask("--data", str(data_copy), "list", "--json", capsys=capsys) == (0, expected, "")
