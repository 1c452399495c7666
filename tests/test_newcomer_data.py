"""Issue 14, a newcomer's afternoon: which dataset is read, names as tables show them, cache."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, REPO, edit

from meetings_cli import store
from meetings_cli.app import main_status
from meetings_cli.grammar import query_terms
from meetings_cli.query import QueryError


def ask(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main_status(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- which dataset


def test_the_curation_guide_works_after_a_plain_install(tmp_path: Path) -> None:
    """README: `pip install .`, then the guide's steps, run from the checkout, see the edit."""
    checkout = tmp_path / "checkout"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    installed = tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target"]
    subprocess.run([*pip, str(installed), "."], cwd=checkout, check=True, capture_output=True)
    assert (installed / "meetings_cli" / "_data" / "meetings.yaml").is_file()  # not editable

    def meetings(*argv: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(installed)}
        env.pop("MEETINGS_DATA", None)
        script = installed / "bin" / "meetings"  # not -c: that would import ./meetings_cli
        return subprocess.run(
            [sys.executable, str(script), *argv], cwd=checkout, env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip

    edit(checkout / "data" / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
    valid = meetings("--data", "data", "validate")
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("ok: data: 8 meetings")  # the folder it read
    listed = meetings("--data", "data", "list", "--json")
    assert "Talks with the Serbian counterpart Aleksandar Vulin" in listed.stdout
    bundled = meetings("list", "--json")
    assert "Talks with the Serbian" not in bundled.stdout
    assert bundled.stderr == (
        f"meetings: note: reading the bundled dataset {installed / 'meetings_cli' / '_data'},"
        " not ./data (which differs): give --data ./data to read it\n"
    )


def test_a_checkout_whose_data_is_the_bundled_data_gets_no_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from meetings_cli.paths import bundled_data_dir

    bundled = bundled_data_dir()  # the repository's data/, or the installed copy of it
    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    shutil.copytree(bundled, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert ask(capsys, "list", "--year", "2019", "--json")[2] == ""
    edit(tmp_path / "data" / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
    code, _, err = ask(capsys, "list", "--year", "2019", "--json")
    assert code == 0
    assert err.startswith(f"meetings: note: reading the bundled dataset {bundled}, not ./data")
    assert ask(capsys, "--data", "data", "list", "--year", "2019", "--json")[2] == ""


def test_a_repository_root_is_not_a_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "tests" / "bad").mkdir(parents=True)
    (tmp_path / "tests" / "bad" / "meetings.yaml").write_text("meetings: 1\n", encoding="utf-8")
    for argv in (["--data", str(tmp_path), "list"], ["validate", str(tmp_path)]):
        code, out, err = ask(capsys, *argv)
        assert (code, out) == (2, "")
        assert (
            err == f"meetings: {tmp_path}: not a dataset folder (did you mean {tmp_path}/data?)\n"
        )


def test_tests_projects_and_environments_below_a_dataset_are_not_part_of_it(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = "meetings: [1]\n"
    for folder in ("tests", "node_modules", "tool", "env", "synthetic"):
        (data_copy / folder).mkdir()
    (data_copy / "tests" / "case.yaml").write_text(broken, encoding="utf-8")
    (data_copy / "node_modules" / "x.yaml").write_text(broken, encoding="utf-8")
    (data_copy / "tool" / "pyproject.toml").write_text("", encoding="utf-8")
    (data_copy / "tool" / "x.yaml").write_text(broken, encoding="utf-8")
    (data_copy / "env" / "pyvenv.cfg").write_text("", encoding="utf-8")
    (data_copy / "env" / "x.yaml").write_text(broken, encoding="utf-8")
    code, _, err = ask(capsys, "validate", str(data_copy))
    assert (code, err) == (0, ""), err
    # Any other sub-folder is part of the dataset (benchmarks/make_dataset.py uses synthetic/).
    (data_copy / "synthetic" / "more.yaml").write_text(broken, encoding="utf-8")
    code, _, err = ask(capsys, "validate", str(data_copy))
    assert code == 2
    assert f"{data_copy.name}/synthetic/more.yaml:1:" in err.split("\n")[0]


def test_meetings_data_is_shown_escaped_with_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MEETINGS_DATA", f"{tmp_path}/\x1b[31mx\u202e")
    code, out, err = ask(capsys, "list")
    assert (code, out) == (2, "")
    assert err == f"meetings: {tmp_path}/\\x1b[31mx\\u202e: no such dataset folder\n"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("argv", "ids"),
    [
        (["--kind", "talks"], {"mcis2018-russia", "mcis2019-russia"}),
        (["--kind", "Bilateral Talks"], {"mcis2018-russia", "mcis2019-russia"}),
        (["--event", "army2020"], {"army2020-russia"}),
        (["--event", "Army 2020"], {"army2020-russia"}),
        (["--event", "ARMY-2020"], {"army2020-russia"}),
        (["--country", "SERBIA"], {"mcis2018-serbia"}),
    ],
)
def test_values_as_tables_print_them_are_accepted(
    argv: list[str], ids: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = ask(capsys, "--data", str(DATA), "list", "--json", *argv)
    assert code == 0, err
    assert ids <= {m["id"] for m in json.loads(out)}


def test_a_label_the_table_prints_is_accepted_for_every_kind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from meetings_cli.model import KIND_LABELS  # what tables print (render.views uses it)

    for kind, label in KIND_LABELS.items():
        code, out, _ = ask(capsys, "--data", str(DATA), "list", "--json", "--kind", label)
        assert code in (0, 1)
        assert all(m["kind"] == kind for m in json.loads(out or "[]"))


def test_ids_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ask(capsys, "--data", str(DATA), "show", "MCIS2018-RUSSIA", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == "mcis2018-russia"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["list", "--event", "mcis"],
            "meetings: no event 'mcis' (did you mean 'mcis-2018' or 'mcis-2019'?);"
            " events: mcis-2018, mcis-2019, army-2020",
        ),
        (
            ["show", "mcis2018"],
            "meetings: no meeting with id 'mcis2018' (did you mean 'mcis2018-russia',"
            " 'mcis2018-belarus', 'mcis2018-kazakhstan', 'mcis2018-pakistan',"
            " 'mcis2018-serbia' or 'mcis2018-address'?)",
        ),
        (["show", "mcis2018-rusia"], "(did you mean 'mcis2018-russia'?)"),
        (["list", "--country", "Rusia"], "no country 'Rusia' (did you mean 'Russia'?)"),
        (["list", "--country", "Serbja"], "no country 'Serbja' (did you mean 'Serbia'?)"),
    ],
)
def test_suggestions_name_every_close_candidate(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = ask(capsys, "--data", str(DATA), *argv)
    assert code in (1, 2)
    assert message in err


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["the", "The of AND", "!!"])
def test_a_query_with_nothing_to_search_for_is_a_usage_error(query: str) -> None:
    with pytest.raises(QueryError, match=r"common words|nothing to search"):
        query_terms(query)


def test_search_of_only_stop_words_exits_2_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ask(capsys, "--data", str(DATA), "search", "the")
    assert (code, out) == (2, "")
    assert err == (
        "meetings: 'the' has only common words (the), which are not searched for:"
        " add a name, place or topic\n"
    )


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(folder))
    return folder


def dataset(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(DATA, tmp_path / name))


def test_files_of_datasets_gone_or_long_unused_are_pruned_when_a_file_is_written(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept, gone, old = (dataset(tmp_path, n) for n in ("kept", "gone", "old"))
    for root in (kept, gone, old):
        assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    files = {root: store.cache_file(root) for root in (kept, gone, old)}
    shutil.rmtree(gone)
    long_ago = time.time() - (store.UNUSED_DAYS + 1) * 86_400
    os.utime(files[old], (long_ago, long_ago))
    foreign = cache / "notes.txt"
    foreign.write_text("not ours", encoding="utf-8")
    # Reading a cached dataset prunes nothing: only writing a new file does.
    assert ask(capsys, "--data", str(kept), "list", "--json")[0] == 0
    assert files[gone].exists()
    new = dataset(tmp_path, "new")
    assert ask(capsys, "--data", str(new), "list", "--json")[0] == 0
    kept_files = [files[kept], store.cache_file(new)]
    assert sorted(cache.iterdir()) == sorted([*kept_files, foreign])


def test_a_cache_file_in_use_is_marked_used(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = dataset(tmp_path, "d")
    assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    long_ago = time.time() - 10 * 86_400
    os.utime(store.cache_file(root), (long_ago, long_ago))
    assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    assert time.time() - store.cache_file(root).stat().st_mtime < 86_400


def test_cache_path_and_clear(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = dataset(tmp_path, "d")
    assert ask(capsys, "--data", str(root), "cache", "path") == (0, f"{cache}\n", "")
    assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    target = store.cache_file(root)
    assert ask(capsys, "--data", str(root), "cache", "path") == (0, f"{cache}\n{target}\n", "")
    foreign = cache / "notes.txt"
    foreign.write_text("not ours", encoding="utf-8")
    code, out, err = ask(capsys, "cache", "clear")
    assert (code, out, err) == (0, "", f"meetings: removed 1 cache file from {cache}\n")
    assert list(cache.iterdir()) == [foreign]


def test_cache_clear_removes_what_killed_compiles_left_but_not_a_compile_at_work(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = dataset(tmp_path, "d")
    assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    target = store.cache_file(root)
    journal = Path(f"{target}-journal")  # left by an update killed midway
    journal.write_bytes(b"")
    a_moment_ago = time.time() - 2 * store.cache.SETTLED_SECONDS
    left = [cache / ".build-k1ll3d_x.tmp", cache / ".build-k1ll3d_x.tmp-journal",
            cache / ".seal-abc123.tmp", Path(f"{target}.crc32")]  # fmt: skip
    at_work = cache / ".build-w0rking.tmp"  # a compile running now holds a lock on its file
    just_made = cache / ".build-ju5t_made.tmp"  # made a moment ago, not locked yet
    for path in (*left, at_work, just_made):
        path.write_bytes(b"x")
        if path != just_made:
            os.utime(path, (a_moment_ago, a_moment_ago))
    at_work.unlink()
    with contextlib.closing(sqlite3.connect(at_work, isolation_level=None)) as compiling:
        compiling.execute("BEGIN IMMEDIATE")
        compiling.execute("CREATE TABLE t (x)")
        os.utime(at_work, (a_moment_ago, a_moment_ago))
        code, out, err = ask(capsys, "cache", "clear")
        assert (code, out, err) == (0, "", f"meetings: removed 1 cache file from {cache}\n")
        assert sorted(cache.iterdir()) == sorted([at_work, Path(f"{at_work}-journal"), just_made])


def test_a_cache_folder_that_is_not_private_is_never_cleared(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = dataset(tmp_path, "d")
    assert ask(capsys, "--data", str(root), "list", "--json")[0] == 0
    cache.chmod(0o777)
    code, out, err = ask(capsys, "cache", "clear")
    assert (code, out) == (2, "")
    assert "not using the cache folder" in err
    assert err.endswith("meetings: the cache folder is not cleared: it is not this user's alone\n")
    assert store.cache_file(root).exists()


def test_the_note_is_given_anywhere_inside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from meetings_cli.paths import bundled_data_dir

    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    shutil.copytree(bundled_data_dir(), tmp_path / "data")
    edit(tmp_path / "data" / "meetings.yaml", "Talks with Serbian", "Talks with the Serbian")
    (tmp_path / "benchmarks").mkdir()
    for folder, shown in ((tmp_path / "data", "."), (tmp_path / "benchmarks", "../data")):
        monkeypatch.chdir(folder)
        code, _, err = ask(capsys, "list", "--year", "2019", "--json")
        assert code == 0
        assert err.endswith(f"not {shown} (which differs): give --data {shown} to read it\n")
