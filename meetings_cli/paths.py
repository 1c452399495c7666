"""Where datasets are: the bundled one, --data, $MEETINGS_DATA, and their files.

Standard library only, so it costs nothing at start-up.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

#: Environment variable that selects a dataset folder when --data is not given.
DATA_ENV = "MEETINGS_DATA"
#: Largest data file read, in bytes: far above a real one (a year of 10,000
#: meetings is about 8 MB), far below what would exhaust memory.
MAX_DATA_FILE = 256 * 1024**2
#: Largest article text read, in bytes.
MAX_ARTICLE = 16 * 1024**2


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (installed copy, or the repo's data/)."""
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    return installed if installed.is_dir() else package.parent / "data"


def locate_dataset(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The dataset folder: the one given, else $MEETINGS_DATA, else the bundled one.

    A path to a file inside a dataset selects the folder the file is in.
    """
    from .errors import UsageError, echo, refuse_option_as_value

    if explicit == "":
        raise UsageError(
            "--data '' names no folder: give a dataset folder, or leave --data out to read"
            " the bundled dataset"
        )
    if explicit is not None:
        refuse_option_as_value("--data", str(explicit))
    chosen = explicit if explicit is not None else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return bundled_data_dir()
    path = Path(chosen)
    try:
        is_file = path.is_file()
    except OSError:  # a name too long, say: dataset_problem says what is wrong with it
        return path
    if is_file and path.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(
            f"{echo(str(chosen))} is a file, not a dataset: give the folder holding the data"
            " files (*.yaml)"
        )
    return path.parent if is_file else path


#: A sub-folder holding one of these is a project or a Python environment of its own,
#: never part of a dataset.
NOT_DATA_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "pyvenv.cfg")
#: Sub-folders of these names hold tests, tooling or caches, never data.
NOT_DATA_NAMES = frozenset(("tests", "test", "node_modules", "__pycache__"))


def dataset_files(root: Path) -> list[Path]:
    """Every file of the dataset in root (data files and the articles), in a stable order.

    The dataset is root and its sub-folders, except hidden ones, those named in
    NOT_DATA_NAMES and those holding a NOT_DATA_MARKERS file; linked folders are
    not followed. A folder that cannot be listed, or a link to a folder, is itself
    in the list, so that it is reported rather than skipped (see `checks`).
    """
    found: list[Path] = []

    def unlisted(error: OSError) -> None:
        found.append(Path(error.filename))

    for folder, subfolders, files in os.walk(root, onerror=unlisted, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if _part_of_dataset(Path(folder, d)))
        found.extend(Path(folder, d) for d in subfolders if os.path.islink(Path(folder, d)))
        found.extend(Path(folder, name) for name in sorted(files) if not name.startswith("."))
    return found


def _part_of_dataset(folder: Path) -> bool:
    name = folder.name
    return not (name.startswith(".") or name in NOT_DATA_NAMES or _is_project(folder))


def _is_project(folder: Path) -> bool:
    return any(os.path.lexists(folder / marker) for marker in NOT_DATA_MARKERS)


def dataset_problem(root: Path) -> str | None:
    """Why root cannot be read as a dataset folder, or None.

    A folder with no data file of its own (or a project folder, with a
    pyproject.toml) whose data/ holds data files gets "did you mean root/data?".
    """
    try:
        os.fsencode(os.path.abspath(root)).decode("utf-8")
        if not root.exists():
            return "no such dataset folder"
        if not root.is_dir():
            return "not a folder"
    except FileNotFoundError:  # abspath of a relative path needs the working folder
        return "the current folder no longer exists: give the dataset folder's full path"
    except UnicodeDecodeError:
        return "the folder's name is not valid UTF-8: rename it"
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    data = root / "data"
    if _holds_data(data) and (_is_project(root) or not _holds_data(root)):
        return f"not a dataset folder (did you mean {data}?)"
    return None


def _holds_data(folder: Path) -> bool:
    """Whether folder itself (not its sub-folders) holds a data file."""
    try:
        with os.scandir(folder) as entries:
            return any(is_data_file(Path(e.name)) and not e.name.startswith(".") for e in entries)
    except OSError:
        return False


def checkout_data(root: Path) -> Path | None:
    """The checkout's data/, if the working folder is in a checkout whose data/ is not root.

    The checkout is the working folder or the nearest folder above it with a
    data/ (up to the project's root). Same means the same folder or the same
    data files, byte for byte: a curator editing data/ must know when the tool
    reads another copy (an installed one).
    """
    import filecmp

    try:
        here = Path.cwd()
        data = next((f / "data" for f in (here, *here.parents) if _holds_data(f / "data")), None)
        if data is None or os.path.samefile(data, root):
            return None
        if not (_is_project(data.parent) or data.parent == here):
            return None  # a data/ far above, not of this checkout
        ours = [p.relative_to(data) for p in dataset_files(data)]
        theirs = [p.relative_to(root) for p in dataset_files(root)]
        if ours == theirs and all(
            filecmp.cmp(data / p, root / p, shallow=False) for p in ours if is_data_file(p)
        ):
            return None
    except OSError:
        return None
    return data


def is_data_file(path: Path) -> bool:
    """True for the YAML files that hold records."""
    return path.name.endswith((".yaml", ".yml"))


class Refused(Exception):
    """A dataset file that is not read; the message says why ("is a socket, not a regular file")."""


def is_inside(root: Path, path: Path) -> bool:
    """Whether path, its links followed, is a regular file inside root (nothing is opened)."""
    try:
        _regular_inside(root, path)
    except (Refused, OSError):
        return False
    return True


def read_inside(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file at relative (a path from data) inside root.

    Raises Refused for a path that is absolute, climbs out of root, holds a NUL
    or leads out of root through a link; for anything but a regular file (a
    FIFO, device, socket or folder), which is never opened in a way that could
    block; and for a file over limit bytes, before reading it. Raises OSError
    when the file cannot be read (missing, a link loop, no permission).
    """
    if "\0" in relative:
        raise Refused("contains a NUL character")
    if os.path.isabs(relative) or relative.startswith("/"):
        raise Refused("is an absolute path: give it relative to the dataset folder")
    if posixpath.normpath(relative).split("/")[0] == "..":
        raise Refused("climbs out of the dataset folder")
    real = _regular_inside(root, root / relative)
    # Non-blocking, so that a FIFO put in its place since the check cannot hang the
    # open; not through a link, so that a link put there cannot lead elsewhere.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(real, flags | getattr(os, "O_CLOEXEC", 0)), "rb") as handle:
        info = os.fstat(handle.fileno())
        _refuse_unless_regular(info)
        if info.st_size > limit:
            raise Refused(f"is {info.st_size:,} bytes: at most {limit:,}")
        return handle.read(info.st_size)


def _regular_inside(root: Path, path: Path) -> str:
    """path's real path if it is a regular file inside root, else Refused or OSError."""
    real = os.path.realpath(path, strict=True)
    folder = os.path.realpath(root)
    if os.path.commonpath([folder, real]) != folder:
        raise Refused("is a link that leads out of the dataset folder")
    _refuse_unless_regular(os.stat(real))
    return real


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _refuse_unless_regular(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "something else")
        raise Refused(f"is {kind}, not a regular file")
