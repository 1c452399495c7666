"""Where datasets are: the bundled one, --data, $MEETINGS_DATA, and their files.

Standard library only: the fast path and shell completion import this without
the loader.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Environment variable that selects a dataset folder when --data is not given.
DATA_ENV = "MEETINGS_DATA"

#: The top-level keys of data files (the loader's schema declares each one).
COLLECTION_NAMES = ("sources", "people", "events", "topics", "meetings", "context")


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


def data_files(root: Path) -> list[Path]:
    """Every *.yaml / *.yml file below root, in a stable order; linked folders are not followed."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(
            Path(folder, name)
            for name in sorted(files)
            if name.endswith((".yaml", ".yml")) and not name.startswith(".")
        )
    return found


_TOP_KEY = re.compile(r"^([a-z_]+):")
_RECORD_FIELD = re.compile(r"^\s*(?:- )?(id|name|short_name):\s*(.+?)\s*$")


def quick_scan(root: Path) -> dict[str, list[dict[str, str]]]:
    """Ids and names of records, read line by line without a YAML parser.

    For shell completion, which must answer fast: it does not validate and may
    miss records written in an unusual layout. Never use it for answers.
    """
    found: dict[str, list[dict[str, str]]] = {name: [] for name in COLLECTION_NAMES}
    for path in data_files(root):
        collection = None
        try:
            lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            top = _TOP_KEY.match(line)
            if top:
                collection = top.group(1) if top.group(1) in found else None
                continue
            field = _RECORD_FIELD.match(line)
            if collection is None or field is None:
                continue
            key, value = field.group(1), field.group(2).strip("'\"")
            if key == "id" and line.lstrip().startswith("- "):
                found[collection].append({"id": value})
            elif found[collection] and key not in found[collection][-1]:
                found[collection][-1][key] = value
    return found
