"""Broken and hostile datasets from tests/bad_data/, each with the exact outcome expected.

Each case folder holds the files that differ from tests/bad_data/_base (a small
valid dataset) and case.txt:

    what: one line saying what is wrong
    command: validate            (or another command, run with --data .)
    exit: 2
    generate: name               (optional: files too big or odd to commit)
    --- stderr                   (the exact lines on standard error)
    ...
    --- stdout contains          (optional: lines that must appear on stdout)
    --- stdout lacks             (optional: text that must not, with \\x escapes)

Every case runs as a separate process (forked from the test's), with its memory
capped, so that a crash or a runaway parse fails the one test and not the suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from meetings_cli.app import main_status

CASES = Path(__file__).parent / "bad_data"
BASE = CASES / "_base"
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for one run


def alias_bomb(root: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]")
    lines.append("meetings: [*i]")
    (root / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_nesting(root: Path) -> None:
    depth = 100_000
    (root / "deep.yaml").write_text("topics: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")


def huge_scalar(root: Path) -> None:
    text = (root / "meetings.yaml").read_text(encoding="utf-8")
    text = text.replace("summary: They talked.", "summary: " + "x" * (50 * 1024 * 1024))
    (root / "meetings.yaml").write_text(text, encoding="utf-8")


def symlink_loop(root: Path) -> None:
    (root / "nested").mkdir()
    (root / "nested" / "loop").symlink_to("..", target_is_directory=True)
    (root / "self.yaml").symlink_to("self.yaml")


GENERATORS = {f.__name__: f for f in (alias_bomb, deep_nesting, huge_scalar, symlink_loop)}


def read_case(folder: Path) -> dict[str, object]:
    head, *sections = (folder / "case.txt").read_text(encoding="utf-8").split("\n--- ")
    spec: dict[str, object] = dict(line.split(": ", 1) for line in head.splitlines() if line)
    for section in sections:
        title, _, body = section.partition("\n")
        spec[title] = body.rstrip("\n").split("\n") if body.strip() else []
    return spec


def build(folder: Path, target: Path) -> Path:
    shutil.copytree(BASE, target)
    for item in folder.iterdir():
        if item.name != "case.txt":
            shutil.copy(item, target / item.name)
    generate = read_case(folder).get("generate")
    if generate:
        GENERATORS[str(generate)](target)
    return target


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(root: Path, command: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """The case's command run in a process of its own (forked: the program is imported
    already), in root, with its memory capped and a hang guard; its exit status and output."""
    words = command.split()
    args = ["validate", "."] if words == ["validate"] else ["--data", ".", *words]
    out_file, err_file = cache.parent / "stdout.txt", cache.parent / "stderr.txt"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 3
        try:
            os.chdir(root)
            os.environ["MEETINGS_CACHE_DIR"] = str(cache)
            os.environ.pop("MEETINGS_DATA", None)
            limit_memory()
            signal.alarm(120)  # a hang guard, not a speed test (benchmarks/bench_bad_data.py)
            with (
                open(out_file, "w", encoding="utf-8", errors="backslashreplace") as out,
                open(err_file, "w", encoding="utf-8", errors="backslashreplace") as err,
            ):
                sys.stdout, sys.stderr = out, err
                try:
                    code = main_status(args)
                except Exception:  # noqa: BLE001  # a bug: its traceback, as the entry point shows it
                    traceback.print_exc(file=err)
                    code = 3
                out.flush()
                err.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    read = lambda path: path.read_text(encoding="utf-8") if path.exists() else ""  # noqa: E731
    return subprocess.CompletedProcess(args, code, read(out_file), read(err_file))


FOLDERS = sorted(p for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


@pytest.fixture(scope="module", autouse=True)
def warm_parent(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The cases' commands run once here, on the valid base, so that what they import on
    first use is imported before the forks: a case then costs 30 ms, not 70."""
    root = tmp_path_factory.mktemp("warm") / "data"
    shutil.copytree(BASE, root)
    quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
    with pytest.MonkeyPatch.context() as patch, quiet[0], quiet[1]:
        patch.setenv("MEETINGS_CACHE_DIR", str(root.parent / "cache"))
        for command in sorted({str(read_case(folder)["command"]) for folder in FOLDERS}):
            main_status(["--data", str(root), *command.split()])


def test_there_are_enough_cases() -> None:
    assert len(FOLDERS) >= 25


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_bad_data_case(folder: Path, tmp_path: Path) -> None:
    spec = read_case(folder)
    root = build(folder, tmp_path / "data")
    result = run_case(root, str(spec["command"]), tmp_path / "cache")
    assert "Traceback" not in result.stderr
    assert result.returncode == int(str(spec["exit"])), result.stderr[-2000:]
    assert result.stderr.splitlines() == spec.get("stderr", [])
    for line in spec.get("stdout contains", []):  # type: ignore[union-attr]
        assert line in result.stdout
    for text in spec.get("stdout lacks", []):  # type: ignore[union-attr]
        assert text.encode().decode("unicode_escape") not in result.stdout
    assert not (root / "pwned.txt").exists()
    # Nothing broken is ever served: a broken dataset's database holds no query rows.
    cached = list((tmp_path / "cache").glob("*.sqlite3")) if (tmp_path / "cache").exists() else []
    for database in cached if result.returncode else ():
        with contextlib.closing(sqlite3.connect(database)) as db:
            assert db.execute("SELECT count(*) FROM meetings").fetchone() == (0,)


# Files that are not plain files inside the dataset: named pipes, devices, sockets,
# links out of it, files too big to read; and problems at scale.


def fifo_article(root: Path) -> None:
    os.mkfifo(root / "sources" / "pipe.txt")


def fifo_data_file(root: Path) -> None:
    os.mkfifo(root / "extra.yaml")


def dev_zero_links(root: Path) -> None:
    (root / "zero.yaml").symlink_to("/dev/zero")
    (root / "sources" / "zero.txt").symlink_to("/dev/zero")


def sockets(root: Path) -> None:
    import socket

    for name in ("socket.yaml", "sources/socket.txt"):
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(root / name))  # the socket file stays when it is closed


def links_out(root: Path) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_text("topics:\n  - id: from-outside\n    description: Not ours.\n")
    (root / "outside.yaml").symlink_to(outside)
    (root / "sources" / "passwd.txt").symlink_to("/etc/passwd")


def links_inside(root: Path) -> None:
    (root / "sources" / "b.txt").symlink_to("a.txt")
    (root / "shared").mkdir()
    (root / "events.yaml").rename(root / "shared" / "events.data")  # not *.yaml: read once
    (root / "events.yaml").symlink_to(Path("shared", "events.data"))


def oversized_files(root: Path) -> None:
    from meetings_cli.paths import MAX_ARTICLE, MAX_DATA_FILE

    # Sparse: the sizes cost no disk and no time to make.
    with open(root / "sources" / "a.txt", "r+b") as article:
        article.truncate(MAX_ARTICLE + 1)
    with open(root / "huge.yaml", "wb") as data:
        data.truncate(MAX_DATA_FILE + 1)


def misspelt_people(root: Path) -> None:
    """3,000 meetings, each naming one of 3,000 people by a misspelt id."""
    count = 3_000
    people = [
        f"  - {{id: person-{i:05d}-x, name: Person {i}, short_name: P{i}, country: Iran,"
        f" role: Minister, spellings: [Amir Hatami]}}"
        for i in range(count)
    ]
    (root / "more-people.yaml").write_text("people:\n" + "\n".join(people) + "\n")
    meetings = [
        f"  - {{id: m-{i:05d}, title: T, date: {{day: 2018-04-03, basis: stated, how: Said.}},"
        f" location: Moscow, kind: bilateral-talks, topics: [defence-cooperation],"
        f" participants: [{{person: persom-{i:05d}-x, role: Minister}}], summary: S,"
        f" sources: [src-a]}}"
        for i in range(count)
    ]
    (root / "more-meetings.yaml").write_text("meetings:\n" + "\n".join(meetings) + "\n")


def unknown_participants(root: Path) -> None:
    """One meeting with 40,000 participants, none of them in people.yaml."""
    participants = [f"      - {{person: nobody-{i:05d}, role: R}}" for i in range(40_000)]
    (root / "more-meetings.yaml").write_text(
        "meetings:\n  - id: crowd\n    title: A crowd\n"
        "    date: {day: 2018-04-03, basis: stated, how: Said.}\n"
        "    location: Moscow\n    kind: bilateral-talks\n    topics: [defence-cooperation]\n"
        "    summary: S\n    sources: [src-a]\n    participants:\n" + "\n".join(participants) + "\n"
    )


GENERATORS.update(
    {
        f.__name__: f
        for f in (
            fifo_article,
            fifo_data_file,
            dev_zero_links,
            sockets,
            links_out,
            links_inside,
            oversized_files,
            misspelt_people,
            unknown_participants,
        )
    }
)
