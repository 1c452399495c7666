"""The compiled database: the same answers as an in-memory compile, kept up to date per file."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, generate

from meetings_cli import store
from meetings_cli.app import main_status

REPO = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["list", "--json"],
    ["list", "--year", "2018", "--country", "Russia", "--json"],
    ["list", "--from", "2020-08-20", "--json"],
    ["show", "mcis2018-kazakhstan", "--json"],
    ["who", "Shoygu", "--json"],
    ["who", "Hatami", "--explain", "--json"],
    ["people", "--json"],
    ["search", "terorism", "--json"],
    ["search", "Kazakhstan", "--json"],
    ["timeline", "--json"],
    ["graph", "--json"],
    ["stats", "--json"],
    ["audit", "--json"],
    ["events", "--json"],
    ["sources", "--json"],
    ["context", "--json"],
    ["validate", "--json"],
    ["list"],
    ["timeline"],
]

#: Queries whose answers on the bundled data were fixed before search used FTS5.
SEARCH_EXPECTED = {
    "terrorism": ["mcis2018-kazakhstan", "mcis2018-russia", "mcis2019-russia"],
    "terorism": ["mcis2018-kazakhstan", "mcis2018-russia", "mcis2019-russia"],
    "Shoygu": ["mcis2018-russia", "mcis2019-russia", "army2020-russia"],
    "Schoigu Syria": ["mcis2018-russia", "mcis2019-russia"],
    "jcpoa": ["mcis2018-address", "mcis2018-serbia"],  # Serbia: a curator note on the deal
    "Belarus": ["mcis2018-belarus"],
    "Шойгу": ["mcis2018-russia", "mcis2019-russia", "army2020-russia"],  # й is folded as и
    "Kazakhstan": ["mcis2018-kazakhstan"],  # a participant's country: new with FTS5
    "Army-2020": ["army2020-russia"],
    "nosuchword": [],
    "admiral": [],  # a title: it has no sound key, so it must not sound like every office
}


def answer(args: list[str], data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main_status(["--data", str(data), *args])
    out = capsys.readouterr().out
    return code, out.replace(str(data), "DATA")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_cached_and_in_memory_compiles_answer_the_same(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    cold = answer(args, DATA, capsys)
    warm = answer(args, DATA, capsys)
    memory = answer(["--no-cache", *args], DATA, capsys)
    assert cold == warm == memory
    assert cold[0] == 0 and cold[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bundled data and 300 synthetic meetings (past store.tables.MIN_SAMPLE): records
    packed, several files per collection."""
    return generate(tmp_path_factory.mktemp("generated") / "data", 300)


#: Text enough for a dictionary in tests that lower store.tables.MIN_SAMPLE to it: a quarter
#: of the real threshold, so that a dataset compiled a dozen times can be small and packed.
SMALL_SAMPLE = 2 * store.cache.DICTIONARY_BYTES


@pytest.fixture(scope="module")
def generated_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Big enough that its records are packed past SMALL_SAMPLE, no bigger: a test that
    compiles it a dozen times stays quick."""
    return generate(tmp_path_factory.mktemp("generated_small") / "data", 100)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "--year", "2019", "--topic", "refugees", "--json"],
        ["search", "refugees", "Syria", "--limit", "0", "--json"],
        ["stats", "--json"],
        ["graph", "--json"],
        ["timeline", "--json"],
        ["audit", "--json"],
        ["people", "--json"],
    ],
    ids=" ".join,
)
def test_a_generated_dataset_answers_the_same_either_way(
    args: list[str], generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cached = answer(args, generated, capsys)
    assert cached == answer(["--no-cache", *args], generated, capsys)
    assert cached[0] == 0


@pytest.mark.parametrize(("query", "expected"), SEARCH_EXPECTED.items())
def test_search_finds_what_it_found_before(
    query: str, expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = answer(["search", *query.split(), "--json"], DATA, capsys)
    assert code == (0 if expected else 1)
    meetings = [hit["id"] for hit in json.loads(out) if hit["search"]["record"] == "meeting"]
    assert sorted(meetings) == sorted(expected)


def test_search_keeps_context_items_as_context_keeps_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = answer(["search", "Ankara", "--json"], DATA, capsys)
    assert code == 0
    found = {(hit["search"]["record"], hit["id"]) for hit in json.loads(out)}
    assert ("context", "2018-ankara-summit") in found and ("meeting", "mcis2018-russia") in found
    cases = [(["--year", "2018"], {"meeting", "context"}), (["--year", "2019"], set()),
             (["--event", "mcis-2018"], {"meeting"})]  # fmt: skip
    for kept, records in cases:
        code, out = answer(["search", "Ankara", *kept, "--json"], DATA, capsys)
        assert {hit["search"]["record"] for hit in json.loads(out)} == records


#: Tables whose row order is the dataset's order (people, events, ... are listed in it).
ORDERED = ("sources", "people", "aliases", "events", "topics", "context")


def tables(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every query table's rows, meetings named by id; sorted unless their order matters."""
    ids = dict(db.execute("SELECT rowid, id FROM meetings"))
    found: dict[str, list[tuple[object, ...]]] = {
        index: index_rows(db, index, dict(db.execute(f"SELECT rowid, id FROM {table}")))
        for index, table in (("search", "meetings"), ("context_search", "context"))
    }
    for table in store.DERIVED:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        rows = []
        for rowid, *row in db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid"):
            values = dict(zip(columns, row, strict=True))
            if table == "meetings":
                values["rowid"] = ids[rowid]
            if values.get("meeting") is not None:
                values["meeting"] = ids[values["meeting"]]
            values.pop("file", None)  # a renamed file is the one difference allowed
            if table == "meetings":  # as text: packed, it depends on the dictionary
                values["record"] = store.VERIFIER.text_of(values.pop("record"))
                values.pop("checksum")
            rows.append(tuple(sorted((k, repr(v)) for k, v in values.items())))
        found[table] = rows if table in ORDERED else sorted(rows)
    return found


def index_rows(db: sqlite3.Connection, index: str, ids: dict[int, str]) -> list[tuple[object, ...]]:
    """What a search index holds (it keeps no copy of its texts): every word, where, in which
    row (named by the id of its meeting or context item)."""
    db.execute("PRAGMA query_only = OFF")  # for a table in memory, of this connection's own
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_instances"
        f" USING fts5vocab(main, {index}, instance)"
    )
    db.execute("PRAGMA query_only = ON")
    rows = db.execute(f"SELECT doc, term, col, offset FROM temp.{index}_instances")
    return sorted((ids.get(doc, f"no row {doc}"), *rest) for doc, *rest in rows)


def full_compile(root: Path) -> dict[str, list[tuple[object, ...]]]:
    return tables(store.open_dataset(root, use_cache=False))


def read_rows(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """What reading the files stored: records (with their references), their claims, and the
    problems, each record named by its file and place (rowids differ between compiles)."""
    place = "r.file, r.collection, r.position"
    return {
        "records": db.execute(
            f"SELECT {place}, r.id, r.line, r.col, r.id_line, r.id_col,"
            " verified(r.value, r.checksum), r.piece, r.piece_line, r.refs, r.targets"
            " FROM records r ORDER BY 1, 2, 3"
        ).fetchall(),
        "claims": db.execute(
            f"SELECT {place}, t.* FROM claims t JOIN records r ON r.rowid = t.record"
            " ORDER BY 1, 2, 3, t.line, t.col, t.path"
        ).fetchall(),
        "problems": db.execute("SELECT * FROM problems ORDER BY 1, 2, 3, 4, 5").fetchall(),
    }


def without_record_ids(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[object]]:
    return {
        table: [row[:3] + row[4:] if table == "claims" else row for row in found]
        for table, found in rows.items()
    }


def test_an_incremental_compile_equals_a_full_one_after_random_edits(
    generated_small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.tables, "MIN_SAMPLE", SMALL_SAMPLE)
    root = tmp_path / "data"
    shutil.copytree(generated_small, root)
    rng = random.Random(7)
    years = sorted((root / "synthetic").glob("meetings-*.yaml"))
    with contextlib.closing(store.open_dataset(root)) as packed:  # the packed paths too
        assert packed.execute("SELECT count(*) FROM dictionaries").fetchone()[0] >= 1

    def check() -> None:
        with contextlib.closing(store.open_dataset(root)) as cached:
            fresh = store.open_dataset(root, use_cache=False)
            assert tables(cached) == tables(fresh)
            assert without_record_ids(read_rows(cached)) == without_record_ids(read_rows(fresh))

    check()
    first, second = years[0], years[1]
    # change a record
    text = first.read_text(encoding="utf-8")
    start = text.index("    summary: ")
    text = (
        text[:start]
        + "    summary: An edited summary about refugees.\n"
        + text[text.index("\n", start) + 1 :]
    )
    first.write_text(text, encoding="utf-8")
    check()
    # delete a record (the last of a file) and add one elsewhere
    text = first.read_text(encoding="utf-8")
    cut = text.rindex("  - id: syn-")
    moved, kept = text[cut:], text[:cut]
    first.write_text(kept, encoding="utf-8")
    check()
    # move it into another file
    second.write_text(second.read_text(encoding="utf-8") + moved, encoding="utf-8")
    check()
    # lines added above every record of a file, then its last record put first: the
    # records kept move (lines, and their index in every path)
    second.write_text("# a comment\n\n" + second.read_text(encoding="utf-8"), encoding="utf-8")
    check()
    text = second.read_text(encoding="utf-8")
    head, body = text.split("meetings:\n", 1)
    cut = body.rindex("  - id: syn-")
    second.write_text(f"{head}meetings:\n{body[cut:]}{body[:cut]}", encoding="utf-8")
    check()
    # rename a file
    renamed = second.with_name("renamed-" + second.name)
    second.rename(renamed)
    check()
    # change a person: every stored meeting record that names them changes, and
    # people keep the dataset's order although their file was read again last
    people = root / "synthetic" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("role: Minister of Defence", "role: Defence Minister", 1))
    check()
    bundled = root / "people.yaml"  # the first file of people: read again, still first
    bundled.write_text(bundled.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    check()
    # a context item changes: context items keep the dataset's order
    context = root / "context.yaml"
    text = context.read_text(encoding="utf-8")
    context.write_text(text.replace("    title: ", "    title: Edited ", 1), encoding="utf-8")
    check()
    # random edits to titles across files
    for path in rng.sample(sorted((root / "synthetic").glob("*meetings-*.yaml")), 3):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('title: "Talks', 'title: "Edited talks', 5), encoding="utf-8")
    check()


def test_export_opens_in_sqlite_and_the_readme_queries_run(tmp_path: Path) -> None:
    target = tmp_path / "meetings.db"
    assert main_status(["export", str(target)]) == 0
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    queries = readme.split("<!-- export-queries -->")[1].split("```sql")[1:4]
    assert len(queries) == 3
    with sqlite3.connect(target) as db:
        for block in queries:
            sql = block.split("```")[0]
            assert db.execute(sql).fetchall(), sql
    assert main_status(["export", str(target)]) == 2  # exists: not replaced without --force
    assert main_status(["export", "--force", str(target)]) == 0


def test_compiling_in_worker_processes_gives_the_same_tables(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = full_compile(generated)
    monkeypatch.setattr(store.reading, "PARALLEL_BYTES", 0)  # read and derive in workers
    monkeypatch.setattr(store.derive, "BATCH", 150)  # prepare query rows in workers, many batches
    assert full_compile(generated) == serial


def derived_from_records(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times meetings' rows are derived from `records`, after reading."""
    calls: list[int] = []
    derive_items = store.derive._derive_items

    def counted(*args: Any) -> None:
        calls.append(1)
        derive_items(*args)

    monkeypatch.setattr(store.derive, "_derive_items", counted)
    return calls


@pytest.mark.parametrize("cached", [False, True], ids=["in memory", "cache file"])
def test_a_first_build_in_workers_derives_as_it_reads_and_gives_the_same_tables(
    cached: bool, generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = full_compile(generated)
    monkeypatch.setattr(store.reading, "PARALLEL_BYTES", 0)
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(tmp_path / "cache"))  # a first build
    derived = derived_from_records(monkeypatch)
    with contextlib.closing(store.open_dataset(generated, use_cache=cached)) as db:
        assert tables(db) == serial
    assert not derived  # every row was made as its file was read
    # Built where it is kept, not again in memory after a failure there.
    assert len(list((tmp_path / "cache").glob("*.sqlite3"))) == int(cached)


def test_a_file_holding_records_others_refer_to_found_late_is_derived_the_usual_way(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    shutil.copytree(generated, root)
    # Flow style at the top: no `topics:` line for the first look to see, so it is read
    # with the meetings' files, after their rows were made without its topic.
    (root / "synthetic" / "more-topics.yaml").write_text(
        '{"topics": [{"id": "extra-topic", "description": "A topic read late."}]}\n',
        encoding="utf-8",
    )
    serial = full_compile(root)
    monkeypatch.setattr(store.reading, "PARALLEL_BYTES", 0)
    derived = derived_from_records(monkeypatch)
    assert full_compile(root) == serial
    assert derived


@pytest.mark.parametrize("cached", [False, True], ids=["in memory", "cache file"])
def test_a_first_build_in_workers_finds_the_problems_a_serial_one_finds(
    cached: bool, generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meetings_cli.errors import DataError

    root = tmp_path / "data"
    shutil.copytree(generated, root)
    for path in (root / "synthetic").glob("meetings-*.yaml"):  # so the sample meets one too
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("person: syn-person-00", "person: syn-persn-00"), "utf-8")

    def problems(cached: bool) -> list[str]:
        with pytest.raises(DataError) as caught:
            store.open_dataset(root, use_cache=cached)
        return [str(p) for p in caught.value.problems]

    serial = problems(cached=False)
    monkeypatch.setattr(store.reading, "PARALLEL_BYTES", 0)
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(tmp_path / "cache"))  # a first build
    beside: list[int] = []  # checks run on a connection of their own as indexes are made
    problems_in = store.compile._problems_in
    monkeypatch.setattr(
        store.compile, "_problems_in", lambda *args: beside.append(1) or problems_in(*args)
    )
    assert problems(cached) == serial
    assert len(beside) == int(cached)
    assert any("no person with id 'syn-persn-0" in line for line in serial)


def test_problems_after_one_edit_are_those_a_full_compile_finds(
    generated: Path, tmp_path: Path
) -> None:
    from meetings_cli.errors import DataError

    root = tmp_path / "data"
    shutil.copytree(generated, root)
    store.open_dataset(root).close()  # valid: the next compile checks only the edited file
    first, second = sorted((root / "synthetic").glob("meetings-*.yaml"))[:2]
    taken = second.read_text(encoding="utf-8").split("  - id: ", 2)[1].split("\n")[0]
    text = first.read_text(encoding="utf-8")
    text = text.replace("person: syn-person-0", "person: syn-persn-0", 1)  # a dangling reference
    text = text.replace('text: "', 'text: "not in the article: ', 1)  # a quote not verbatim
    text = text.replace("  - id: syn-", f"  - id: {taken}\n    notes: was syn-", 1)  # a taken id
    first.write_text(text, encoding="utf-8")

    def problems(use_cache: bool) -> list[str]:
        with pytest.raises(DataError) as caught:
            store.open_dataset(root, use_cache=use_cache)
        return [str(p) for p in caught.value.problems]

    found = problems(use_cache=True)
    assert found == problems(use_cache=False)
    assert any("no person with id 'syn-persn-0" in line for line in found)
    assert any("not found verbatim" in line for line in found)
    assert any(f"duplicate id {taken!r}" in line for line in found)


def test_the_progress_bar_waits_its_delay_then_shows_every_count_so_far() -> None:
    from meetings_cli.render.draw import CompileProgress

    bar = CompileProgress(delay=60)
    bar.start(3)
    bar.file_read("a.yaml", 5)
    assert bar.bar is None  # a quick compile draws nothing
    bar.shown_after = 0  # the second has passed
    bar.file_read("b\x1b]0;pwned\x07.yaml", 7)
    task = bar.bar.tasks[0]
    assert (task.completed, task.total, task.fields["records"]) == (2, 3, 12)
    assert "\x1b" not in task.description and "\x07" not in task.description
    bar.stage("indexing")
    assert bar.bar.tasks[0].description == "indexing"
    bar.finish()


def process_running(pid: int) -> bool:
    """Whether process pid is alive (a zombie, waiting to be reaped, has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_ends_soon_after_the_process_that_started_it_is_killed() -> None:
    """kill -9 of a compile (as the out-of-memory killer does) leaves no worker running on."""
    import signal
    import subprocess
    import sys
    import time

    started = """
import time
from meetings_cli.store import reading
with reading._pool() as pool:
    pool.submit(time.sleep, 60)  # a worker busy for a minute
    while not pool._processes:
        time.sleep(0.05)
    time.sleep(1)
    print(*pool._processes, flush=True)
    time.sleep(60)
"""
    compile_ = subprocess.Popen([sys.executable, "-c", started], stdout=subprocess.PIPE, text=True)
    assert compile_.stdout is not None
    workers = [int(pid) for pid in compile_.stdout.readline().split()]
    assert workers
    compile_.send_signal(signal.SIGKILL)
    compile_.wait()

    deadline = time.monotonic() + 10
    while any(map(process_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(process_running, workers))


def test_a_worker_started_after_its_parent_was_killed_ends_too() -> None:
    """A worker whose parent is killed before it starts watching (it sees the reaper as its
    parent by then) is told its parent's pid by the parent, and ends."""
    import subprocess
    import sys

    late = (
        "import time; from meetings_cli.store import reading; "
        "reading._worker_start(1); time.sleep(30)"  # not its parent: gone already
    )
    ended = subprocess.run([sys.executable, "-c", late], timeout=10, check=False)
    assert ended.returncode == 1


def test_ctrl_c_during_a_compile_in_workers_ends_it_promptly_without_a_traceback(
    tmp_path: Path,
) -> None:
    """SIGINT to the terminal's process group (the compile and its workers): exit 130 at
    once, nothing on standard error but what the command says, no worker left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = generate(tmp_path / "data", 6000)  # megabytes: read in worker processes
    cache = tmp_path / "cache"
    env = {**os.environ, "MEETINGS_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "meetings_cli", "--data", str(root), "validate"]
    running = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while not list(cache.glob(".build-*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # the workers are reading
    assert running.poll() is None, "the compile ended before it could be interrupted"
    interrupted = time.monotonic()
    os.killpg(running.pid, signal.SIGINT)
    _, err = running.communicate(timeout=30)
    assert running.returncode == 130
    assert time.monotonic() - interrupted < 5
    assert b"Traceback" not in err and b"Warning" not in err, err.decode()

    def left() -> list[int]:
        group = subprocess.run(["pgrep", "-g", str(running.pid)], capture_output=True, text=True)
        return [pid for pid in map(int, group.stdout.split()) if process_running(pid)]

    deadline = time.monotonic() + 1.5  # a worker looks for its parent every 0.5 s
    while left() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left() == []


def test_a_first_build_into_a_cache_in_use_never_commits_midway(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache made for a folder without records is updated in place when the data come:
    its checks and indexes are made in its one transaction, never committed halfway
    (a reader, or a kill, would meet half-made tables)."""
    root = tmp_path / "data"
    root.mkdir()
    (root / "empty.yaml").write_text("meetings: []\n", encoding="utf-8")  # valid, no records
    monkeypatch.setenv("MEETINGS_CACHE_DIR", str(tmp_path / "cache"))
    expected = full_compile(generated)
    store.open_dataset(root).close()
    shutil.copytree(generated, root, dirs_exist_ok=True)
    monkeypatch.setattr(store.reading, "PARALLEL_BYTES", 0)  # in workers, as a first build
    beside: list[int] = []
    monkeypatch.setattr(store.compile, "_checked_beside", lambda *a, **k: beside.append(1))
    with contextlib.closing(store.open_dataset(root)) as db:
        assert tables(db) == expected
    assert beside == []
