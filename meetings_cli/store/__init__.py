"""The compiled database: a validated dataset in SQLite, built per file and kept up to date.

One database per dataset folder, under $MEETINGS_CACHE_DIR (default:
$XDG_CACHE_HOME/meetings or ~/.cache/meetings); `--no-cache` builds the same
database in memory. It holds values, never output. Two layers of tables:

* what each data file holds, as parsed: `files` (fingerprint of every file of
  the dataset), `records` (each top-level record: its file, place, id and
  validated plain value as JSON, and the references it makes), `claims` (what
  cross-record checks look at), `problems`. A run re-parses only the data files that changed.
* the dataset for queries, derived from valid records when the whole dataset
  validates: `meetings`, `participants`, `people`, `aliases`, `events`,
  `sources`, `topics`, `quotes`, `context` and their link tables, and the
  FTS5 index `search`. The README documents them (`meetings export`).

Modules: `cache` (where compiled files live, whose they are, checksums),
`opening` (the database of a dataset, current or compiled), `compile`
(fingerprints, parsing changed files, checks), `derive` (the query tables),
`tables` (the SQL layout, rows from plain values), `export`.
"""

from __future__ import annotations

from .cache import (
    CACHE_ENV,
    UNUSED_DAYS,
    VERIFIER,
    CacheDamaged,
    cache_dir,
    cache_file,
    cache_files,
    checksum,
    clear_cache,
    damage_of,
    discard_damaged_cache,
    prune_cache,
)
from .compile import compile_into, fingerprint
from .derive import BATCH
from .export import EXPORTED, export
from .opening import load_dataset, open_dataset
from .reading import PARALLEL_BYTES, ParsedFile, Progress, parse_file
from .tables import (
    DERIVED,
    DIMENSIONS,
    FORMAT,
    SCHEMA,
    SEARCH_COLUMNS,
    dataset_of,
    decode_person,
    dumps,
    iter_people,
    read_dimensions,
    stored_value,
)

__all__ = [
    "BATCH", "CACHE_ENV", "DERIVED", "DIMENSIONS", "EXPORTED", "FORMAT", "PARALLEL_BYTES",
    "SCHEMA", "SEARCH_COLUMNS", "UNUSED_DAYS", "VERIFIER", "CacheDamaged",
    "ParsedFile", "Progress", "cache_dir", "cache_file", "cache_files", "checksum",
    "clear_cache", "compile_into", "damage_of", "dataset_of", "decode_person",
    "discard_damaged_cache", "dumps", "export", "fingerprint", "iter_people", "load_dataset",
    "open_dataset", "parse_file", "prune_cache", "read_dimensions",
    "stored_value",
]  # fmt: skip
