"""Dataset files that are not plain, readable files: what tests/bad_data/ cannot build.

A named pipe must not hang a run (timed here, as a hang guard); a device node
needs privileges to make; unreadable files and folders need a process that
permissions apply to, which root is not: as root, the run drops the
capabilities that let it read anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from meetings_cli import paths

BASE = Path(__file__).parent / "bad_data" / "_base"
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(BASE, tmp_path / "data"))


def cite(root: Path, relative: str) -> None:
    """Make the one source's article the file at relative."""
    sources = root / "sources.yaml"
    sources.write_text(sources.read_text().replace("sources/a.txt", relative))


def drop_read_anything() -> None:
    """In the child, before exec: lose the capabilities that bypass file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def can_drop_capabilities() -> bool:
    probe = subprocess.run([sys.executable, "-c", ""], preexec_fn=drop_read_anything, check=False)
    return probe.returncode == 0


def validate(
    root: Path, cache: Path, *, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """`meetings validate root`, run from root's parent."""
    env = {**os.environ, "MEETINGS_CACHE_DIR": str(cache)}
    env.pop("MEETINGS_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "meetings_cli", "validate", root.name],
        cwd=root.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=drop_read_anything if unprivileged and os.geteuid() == 0 else None,
    )


def as_unprivileged(root: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0 and not can_drop_capabilities():
        pytest.skip("running as root without CAP_SETPCAP: permissions cannot be made to apply")
    return validate(root, cache, unprivileged=True)


@pytest.mark.parametrize("cached", [True, False], ids=["cache", "no-cache"])
def test_a_fifo_data_file_does_not_hang(root: Path, tmp_path: Path, cached: bool) -> None:
    os.mkfifo(root / "extra.yaml")
    os.mkfifo(root / "sources" / "pipe.txt")
    cite(root, "sources/pipe.txt")
    command = ["validate", "."] if cached else ["--no-cache", "validate", "."]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "meetings_cli", *command],
        cwd=root,
        env={**os.environ, "MEETINGS_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert time.monotonic() - started < 2  # a hang guard, as the issue asks
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "extra.yaml:1:1: (file): is a named pipe (FIFO), not a regular file",
        "sources.yaml:2:5: sources[0].file: 'sources/pipe.txt' is a named pipe (FIFO),"
        " not a regular file",
    ]


def test_a_device_inside_the_dataset_is_refused(root: Path, tmp_path: Path) -> None:
    try:
        os.mknod(root / "null.yaml", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.mknod(root / "sources" / "zero.txt", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device node needs CAP_MKNOD")
    cite(root, "sources/zero.txt")
    result = validate(root, tmp_path / "cache")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "data/null.yaml:1:1: (file): is a device, not a regular file",
        "data/sources.yaml:2:5: sources[0].file: 'sources/zero.txt' is a device,"
        " not a regular file",
    ]


def test_a_fifo_swapped_in_after_the_check_is_not_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check saw a regular file; by the time of the open, a FIFO is there.
    os.mkfifo(root / "sources" / "pipe.txt")
    monkeypatch.setattr(paths, "_regular_inside", lambda root, path: str(path))

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("opening or reading the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)  # a hang guard: a blocking open would never return
    try:
        with pytest.raises(paths.Refused, match="named pipe"):
            paths.read_inside(root, "sources/pipe.txt", paths.MAX_ARTICLE)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_link_swapped_in_after_the_check_is_not_followed(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "sources" / "link.txt").symlink_to("a.txt")
    monkeypatch.setattr(paths, "_regular_inside", lambda root, path: str(path))
    with pytest.raises(OSError):
        paths.read_inside(root, "sources/link.txt", paths.MAX_ARTICLE)


def test_unreadable_files_and_folders_are_reported(root: Path, tmp_path: Path) -> None:
    (root / "more").mkdir()
    (root / "more" / "topics.yaml").write_text("topics:\n  - id: more\n    description: More.\n")
    (root / "more").chmod(0)
    (root / "people.yaml").chmod(0)
    (root / "sources" / "a.txt").chmod(0)
    try:
        result = as_unprivileged(root, tmp_path / "cache")
    finally:
        (root / "more").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "data/more: (folder): cannot read: Permission denied",
        "data/people.yaml:1:1: (file): cannot read: Permission denied",
        "data/sources.yaml:2:5: sources[0].file: cannot read sources/a.txt: Permission denied",
    ]


@pytest.mark.parametrize("target", ["outside", "inside"])
def test_a_linked_folder_is_reported_not_skipped(root: Path, tmp_path: Path, target: str) -> None:
    """Links are not followed; a linked folder said nothing, and a topic in it was missing
    from a dataset `validate` called valid."""
    from meetings_cli.errors import DataError
    from meetings_cli.store import open_dataset

    folder = tmp_path / "elsewhere" if target == "outside" else root / "topics-here"
    folder.mkdir()
    (folder / "topics.yaml").write_text("topics:\n  - id: more\n    description: More.\n")
    (root / "more").symlink_to(folder)
    with pytest.raises(DataError) as caught:
        open_dataset(root, use_cache=False)
    said = "more: (folder): a linked folder is not read: copy its files in, or remove the link"
    assert [str(p) for p in caught.value.problems if str(p).endswith(said)] != []


def test_a_folder_made_readable_again_is_read(root: Path, tmp_path: Path) -> None:
    # The cache must not keep the problem: the folder's mode is part of its fingerprint.
    (root / "more").mkdir()
    (root / "more" / "topics.yaml").write_text("topics:\n  - id: more\n    description: More.\n")
    (root / "more").chmod(0)
    try:
        first = as_unprivileged(root, tmp_path / "cache")
    finally:
        (root / "more").chmod(0o755)
    assert first.stderr.splitlines() == ["data/more: (folder): cannot read: Permission denied"]
    again = as_unprivileged(root, tmp_path / "cache")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""


def test_an_unreadable_dataset_folder_is_reported_alone(root: Path, tmp_path: Path) -> None:
    root.chmod(0)
    try:
        result = as_unprivileged(root, tmp_path / "cache")
    finally:
        root.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["data: (folder): cannot read: Permission denied"]
