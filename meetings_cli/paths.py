"""Where datasets are: the bundled one, --data, $MEETINGS_DATA, and their files.

Standard library only, so it costs nothing at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that selects a dataset folder when --data is not given.
DATA_ENV = "MEETINGS_DATA"


def bundled_data_dir() -> Path:
    """The dataset shipped with the package (installed copy, or the repo's data/)."""
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    return installed if installed.is_dir() else package.parent / "data"


def locate_dataset(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The dataset folder: the one given, else $MEETINGS_DATA, else the bundled one.

    A path to a file inside a dataset selects the folder the file is in.
    """
    chosen = explicit if explicit not in (None, "") else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return bundled_data_dir()
    path = Path(chosen)
    return path.parent if path.is_file() else path


def dataset_files(root: Path) -> list[Path]:
    """Every file below root (data files and the articles), in a stable order.

    Hidden files and folders are left out; linked folders are not followed.
    """
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(Path(folder, name) for name in sorted(files) if not name.startswith("."))
    return found


def is_data_file(path: Path) -> bool:
    """True for the YAML files that hold records."""
    return path.name.endswith((".yaml", ".yml"))


def data_files(root: Path) -> list[Path]:
    """Every *.yaml / *.yml file below root, in a stable order; linked folders are not followed."""
    return [path for path in dataset_files(root) if is_data_file(path)]
