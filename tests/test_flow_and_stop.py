"""Flow lists take the fast path, and huge broken files are read no further than needed.

A file of flow lists (`meetings: [{...}, {...}]`, or `{meetings: [...]}`) is cut at its
items as a file of block lists is: it reads as the streaming composer reads it (same
records, problems and positions) and as the same records written in block style. Past
MAX_FILE_PROBLEMS problems a file is read no further, however it is read, and a mapping
of more keys than any record has is cut short. A large file read in parts, in several
workers, gives what one reader gives. Structural checks only: nothing here is timed.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, damage, examples, generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fast_load import reread, write

from meetings_cli.compose import MAX_KEYS, SplitFailed, plan_pieces, split_flow, split_records
from meetings_cli.errors import MAX_PROBLEMS, STOPPED, DataError
from meetings_cli.load import MAX_FILE_PROBLEMS, FileReader, RecordRead
from meetings_cli.schema import COLLECTIONS

# --------------------------------------------------------------------------- helpers


def flow(value: Any) -> str:
    """value in flow style: mappings `{k: v}`, lists `[a, b]`, days plain, text as JSON."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, (datetime.date, int)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def as_flow(block: str, style: str) -> str:
    """A block-style data file's text written with flow lists, one of three ways."""
    data = yaml.load(block, Loader=yaml.CSafeLoader)
    if style == "lines":  # `key: [` then one item per line, `]` at the left edge
        parts = []
        for key, items in data.items():
            body = ",\n".join(f"  {flow(item)}" for item in items or ())
            parts.append(f"{key}: [\n{body}\n]\n" if items else f"{key}: []\n")
        return "# written in flow style\n" + "".join(parts)
    if style == "one-line":  # every list on the line of its key
        return "".join(
            f"{key}: [{', '.join(map(flow, items or ()))}]\n" for key, items in data.items()
        )
    # PyYAML's own flow style: a flow mapping at the top, lines wrapped anywhere.
    return yaml.dump(data, Dumper=yaml.CSafeDumper, default_flow_style=True, width=60,
                     allow_unicode=True)  # fmt: skip


Outcome = tuple[list[RecordRead], list[Any], bool, bool]


def outcome(path: Path, split: bool) -> Outcome:
    """What reading path gives: records (none if unreadable, but their problems if it
    stopped), file-level problems, whether unreadable, whether stopped."""
    reader = FileReader(path, "x.yaml", split=split)
    records = list(reader.records())
    if reader.stopped:
        kept = [p for r in records for p in (*r.problems, *r.check_problems)]
        return [], kept + reader.problems, True, True
    return ([] if reader.unreadable else records), reader.problems, reader.unreadable, False


def same_on(tmp_path: Path, text: str) -> Outcome:
    path = write(tmp_path, text)
    fast = outcome(path, split=True)
    assert fast == outcome(path, split=False)
    return fast


def values(records: list[RecordRead]) -> list[tuple[str, int, Any]]:
    return [(r.collection, r.position, r.value) for r in records]


# --------------------------------------------------------------------------- flow lists


@pytest.mark.parametrize("style", ["lines", "one-line", "pyyaml"])
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_flow_files_read_as_their_block_files(tmp_path: Path, name: str, style: str) -> None:
    block = (DATA / name).read_text(encoding="utf-8")
    text = as_flow(block, style)
    assert split_records(text) is None
    pieces = split_flow(text)
    assert pieces is not None and all(piece.flow for piece in pieces)
    records, problems, unreadable, _ = same_on(tmp_path, text)
    assert not problems and not unreadable
    assert len(records) == len(pieces)
    block_records = list(FileReader(write(tmp_path, block), "x.yaml").records())
    assert values(records) == values(block_records)


TOPIC = "{id: t%d, description: d%d}"


@pytest.mark.parametrize(
    "text",
    [
        "topics: [" + ", ".join(TOPIC % (n, n) for n in range(3)) + "]\n",
        "{topics: [" + ", ".join(TOPIC % (n, n) for n in range(3)) + "]}\n",
        "# first\n\ntopics: [  # the topics\n  " + TOPIC % (0, 0) + ",  # one\n\n  # two\n  "
        + TOPIC % (1, 1) + ",\n]  # trailing\n# end\n",
        "topics: []\nevents:\nmeetings: [\n]\n",
        "topics: [{id: a, description: \"braces } and ] in quotes, 'too'\"}, "
        + TOPIC % (1, 1) + "]\n",
        "topics: [{id: a, description: 'it''s [not] a list'}, {id: b, description: it's plain}]\n",
        "topics: [{id: a, description: a \"quoted\" word}, {id: b, description: C# a#b}]\n",
        "topics: [{id: a,\n    description: a plain\n      text on lines}, {\n  id: b, "
        "description: c}]\n",
        "topics: [{id: a, description:\n    \"quoted on the next line\"}, "
        "{id: b, description: c}]\n",
        "topics: [" + " " * 300 + TOPIC % (0, 0) + ", " + "x" * 0 + TOPIC % (1, 1) + "]\n",
        "topics: [" + ", ".join(TOPIC % (n, n) for n in range(40)) + "]\n",  # far along the line
        "topics: [{id: a, description: !!str d}, {id: !custom b, description: e}]\n",
        "topics: [{id: a, description: \"\\x01\"}, " + TOPIC % (1, 1) + "]\n",
        "topics: [{id: t, description: d, id: u}, {description: only}, {}]\n",
        "{topics: [" + TOPIC % (0, 0) + "], events: []}\n",
        "topics: [[a, b], {id: c}, [{x: 1}: 2]]\n",
        "topics: [{id: a, description: [b, {c: d}]}]\n",
    ],
    ids=[
        "plain", "flow-top", "comments", "empty-and-null", "brackets-in-quotes",
        "single-quotes", "quotes-in-plain", "multi-line", "quote-on-next-line", "far-column",
        "long-line", "tags", "escape", "problems", "flow-top-two", "lists-as-items",
        "nested",
    ],
)  # fmt: skip
def test_flow_lists_split_and_read_the_same(tmp_path: Path, text: str) -> None:
    assert split_flow(text) is not None
    same_on(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        "topics: [" + TOPIC % (0, 0) + ",, " + TOPIC % (1, 1) + "]\n",
        "topics: [" + TOPIC % (0, 0) + " " + TOPIC % (1, 1) + "]\n",
        "topics: [" + TOPIC % (0, 0) + "]\ntopics: []\n",
        "topic: [" + TOPIC % (0, 0) + "]\n",
        "topics: [" + TOPIC % (0, 0) + ", a plain item]\n",
        "topics: [" + TOPIC % (0, 0) + "]\nextra\n",
        "topics: [" + TOPIC % (0, 0) + "]\n---\ntopics: []\n",
        "topics: !!seq [" + TOPIC % (0, 0) + "]\n",
        "topics: &a [" + TOPIC % (0, 0) + "]\n",
        "topics: [&x {id: a, description: b}, *x]\n",
        "topics: [{id: &x a, description: b}, {id: *x, description: c}]\n",
        "topics: [{id: a, description: \"unclosed}, {id: b}]\n",
        "topics: [{id: a, description: b}\n",
        "{topics: [" + TOPIC % (0, 0) + "]\n",
        "topics: [{id: a, description: b}]: x\n",
        "topics: [{id: a, description: b}, {id: b, description: c}\n# a comment with \x01\n]\n",
        "topics: [" + TOPIC % (0, 0) + "]\nmeetings:\n  - x\n",
        "topics:\n  [" + TOPIC % (0, 0) + "]\n",
    ],
    ids=[
        "double-comma", "no-comma", "duplicate-key", "unknown-key", "scalar-item", "stray-text",
        "two-documents", "tagged-list", "anchored-list", "alias-item", "alias-across",
        "unclosed-quote", "unclosed-list", "unclosed-mapping", "list-as-key",
        "control-in-comment", "then-block", "list-on-next-line",
    ],
)  # fmt: skip
def test_flow_files_the_fast_path_cannot_judge_read_the_same(tmp_path: Path, text: str) -> None:
    same_on(tmp_path, text)


DAMAGE = st.sampled_from(
    [
        *":-[]{}&*!|>'\"#%@`?,\n\t \\",
        *("NO", "0123", "<<", "---", "~", "\n  - ", "\n#", "}, {", "], [", "'", '"', "\u0085"),
        *("\ntopics: [", "{", "[", "&a ", "*a ", " #", "\x01"),
    ]
)


@st.composite
def damaged_flow(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(p.name for p in DATA.glob("*.yaml"))))
    style = draw(st.sampled_from(["lines", "one-line", "pyyaml"]))
    text = as_flow((DATA / name).read_text(encoding="utf-8"), style)
    return damage(draw, text, DAMAGE, st.integers(0, 4))


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=damaged_flow())
def test_damaged_flow_files_read_the_same_both_ways(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        same_on(Path(folder), text)


def test_an_edit_of_a_flow_file_re_reads_only_what_changed(tmp_path: Path) -> None:
    text = as_flow((DATA / "meetings.yaml").read_text(encoding="utf-8"), "lines")
    first = text.index("\n  {") + 1
    second = text.index("\n  {", first) + 1
    edited = text[:second] + "  # a new comment\n\n" + text[second:]
    records, read = reread(text, edited, tmp_path)
    assert read == 0  # items keep their text and their column: all moved, none read
    assert records == list(FileReader(write(tmp_path, edited), "x.yaml").records())
    shifted = text[:first] + " " + text[first:]  # the first item one column further
    records, read = reread(text, shifted, tmp_path)
    assert read == 1
    assert records == list(FileReader(write(tmp_path, shifted), "x.yaml").records())


def test_pieces_are_cut_as_they_are_read() -> None:
    planned = plan_pieces("topics: [" + ", ".join(["{}"] * 10) + ", oops]\n")
    assert planned is not None
    assert [next(planned).position for _ in range(10)] == list(range(10))
    with pytest.raises(SplitFailed):
        next(planned)


# --------------------------------------------------------------------------- stopping


def test_the_limits_hold_together() -> None:
    fields = max(len(spec.fields) for spec in COLLECTIONS.values())
    assert MAX_FILE_PROBLEMS >= MAX_PROBLEMS
    assert MAX_FILE_PROBLEMS + fields < MAX_KEYS  # a mapping cut short always stops reading


@pytest.mark.parametrize(
    "text",
    [
        "topics:\n" + "  - {}\n" * (MAX_FILE_PROBLEMS + 500),
        "topics: [" + ",".join(["{}"] * (MAX_FILE_PROBLEMS + 500)) + "]\n",
        "topics:\n" + "  - {}\n" * (MAX_FILE_PROBLEMS + 500) + "---\n",  # read whole
        "topics:\n  - " + "\n    ".join(f"k{i}: 1" for i in range(MAX_KEYS * 3)) + "\n",
        "topics: [{" + ", ".join(f"k{i}: 1" for i in range(MAX_KEYS * 3)) + "}]\n",
        "{topics: [{" + ", ".join(f"k{i}" for i in range(MAX_KEYS * 3)) + "}]}\n",
        "topics:\n  - id: t\n    description: d\n" + "    x: 1\n" * (MAX_FILE_PROBLEMS + 1),
    ],
    ids=[
        "empty-items",
        "empty-flow-items",
        "streamed",
        "unknown-keys",
        "unknown-flow-keys",
        "keys-alone",
        "duplicate-keys",
    ],
)
def test_a_file_stops_after_its_first_problems(tmp_path: Path, text: str) -> None:
    records, problems, unreadable, stopped = same_on(tmp_path, text)
    assert unreadable and stopped and not records
    assert len(problems) == MAX_FILE_PROBLEMS + 1
    assert problems[-1].message == STOPPED and problems[-1].line == 0
    assert all(p.message != STOPPED for p in problems[:-1])


def test_a_file_just_under_the_limit_is_read_whole(tmp_path: Path) -> None:
    text = "topics:\n" + "  - {}\n" * (MAX_FILE_PROBLEMS - 1) + "  - {id: a, description: b}\n"
    records, problems, unreadable, stopped = same_on(tmp_path, text)
    assert not unreadable and not stopped and not problems
    assert len(records) == MAX_FILE_PROBLEMS
    assert sum(len(r.problems) for r in records) == MAX_FILE_PROBLEMS - 1


def test_a_huge_mapping_where_no_record_is_is_refused(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: 1" for i in range(MAX_KEYS + 10))
    text = f"topics: [{{id: t, description: {{{keys}}}}}]\n"
    _, problems, unreadable, stopped = same_on(tmp_path, text)
    assert unreadable and not stopped
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            1,
            text.index("{k0") + 1,
            f"a mapping of more than {MAX_KEYS:,} keys (no record has that many fields)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("topics: [" + ",\n".join(["{}"] * 200_000) + "]\n", "1:10", "999:1"),
        ("topics:\n" + "  - {}\n" * 3_000, "2:5", "1000:5"),
    ],
    ids=["flow", "block"],
)
def test_validate_says_where_it_stopped(tmp_path: Path, text: str, first: str, last: str) -> None:
    (tmp_path / "topics.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "meetings_cli", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    lines = result.stderr.splitlines()
    assert result.returncode == 2
    # Reading stopped at the thousandth problem, and says so first (a whole-file problem).
    assert lines[0] == f"topics.yaml: {STOPPED}"
    assert lines[1] == f"topics.yaml:{first}: topics[0]: missing required fields: id, description"
    assert (
        lines[999] == f"topics.yaml:{last}: topics[998]: missing required fields: id, description"
    )
    unlisted = MAX_FILE_PROBLEMS + 1 - MAX_PROBLEMS
    assert lines[1000:] == [f"... and at least {unlisted:,} more problems"]


# --------------------------------------------------------------------------- in parts


@pytest.fixture(scope="module")
def flow_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset of 300 meetings, all in one flow-style file (read in parts of
    20 records: fifteen parts)."""
    root = generate(tmp_path_factory.mktemp("flow") / "data", 300)
    items = []
    for year in sorted((root / "synthetic").glob("meetings-*.yaml")):
        items += yaml.load(year.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["meetings"]
        year.unlink()
    body = ",\n".join(f"  {flow(item)}" for item in items)
    (root / "synthetic" / "meetings.yaml").write_text(f"meetings: [\n{body}\n]\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def one_file_dataset(flow_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same dataset, every collection in one flow-style file (read first, in parts)."""
    import shutil

    root = tmp_path_factory.mktemp("one") / "data"
    shutil.copytree(flow_dataset / "sources", root / "sources")
    merged: dict[str, list[Any]] = {}
    for path in sorted(flow_dataset.rglob("*.yaml")):
        for key, items in (yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)).items():
            merged.setdefault(key, []).extend(items or ())
    lists = [f"{key}: [\n" + ",\n".join(f"  {flow(item)}" for item in items) + "\n]\n"
             for key, items in merged.items()]  # fmt: skip
    (root / "all.yaml").write_text("".join(lists), encoding="utf-8")
    return root


def compiled(root: Path, monkeypatch: pytest.MonkeyPatch, parts: bool) -> Any:
    """The compiled records, problems and meetings of root (in memory; workers always),
    its meetings file read in parts of 20 records or whole."""
    from meetings_cli.store import compile as compiling
    from meetings_cli.store import open_dataset, reading

    monkeypatch.setattr(compiling, "worth_workers", lambda sizes: True)
    monkeypatch.setattr(reading, "_workers", lambda: 2)
    monkeypatch.setattr(reading, "PART_BYTES", 1_000 if parts else 10**12)
    monkeypatch.setattr(reading, "PART_PIECES", 20)
    cut = reading._parts
    counted: list[int] = []

    def counting(reader: FileReader) -> Any:
        found = cut(reader)
        if found is None:
            return None
        parts = list(found)
        counted.append(len(parts))
        return iter(parts)

    monkeypatch.setattr(reading, "_parts", counting)
    try:
        db = open_dataset(root, use_cache=False)
    except DataError as error:
        return [str(p) for p in error.problems], error.more
    finally:  # the meetings file, in at least 15 parts of at most 100 records, or whole
        assert counted and counted[0] >= 15 if parts else not counted
    assert isinstance(db, sqlite3.Connection)
    records = db.execute(
        "SELECT file, collection, position, id, line, col, verified(value, checksum), piece,"
        " piece_line FROM records ORDER BY rowid"
    ).fetchall()
    meetings = db.execute("SELECT * FROM meetings ORDER BY 1").fetchall()
    return records, meetings


def edited(root: Path, tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(root, copy)
    path = copy / "synthetic" / "meetings.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return copy


@pytest.mark.parametrize("dataset", ["flow_dataset", "one_file_dataset"])
def test_a_file_read_in_parts_gives_what_one_reader_gives(
    dataset: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    root = request.getfixturevalue(dataset)
    records, meetings = compiled(root, monkeypatch, parts=True)
    assert len(meetings) > 300
    assert (records, meetings) == compiled(root, monkeypatch, parts=False)


@pytest.mark.parametrize(
    ("old", "new", "count"),
    [
        ('{id: "syn-000267"', '{id: "syn-000267", oops: 1', 1),  # one problem, in a late part
        ('basis: "stated"', 'basis: "said"', 10**6),  # hundreds of problems in every part
        # A late part that cannot be read alone: the parts before it are stored, then undone.
        ('{id: "syn-000267", title: "', '{id: "syn-000267", title: "\x01', 1),
    ],
    ids=["one-problem", "many-problems", "whole"],
)
def test_a_broken_file_read_in_parts_gives_what_one_reader_gives(
    flow_dataset: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, old: str, new: str,
    count: int
) -> None:  # fmt: skip
    root = edited(flow_dataset, tmp_path, old, new, count)
    in_parts = compiled(root, monkeypatch, parts=True)
    assert in_parts == compiled(root, monkeypatch, parts=False)
    if "\x01" in new:  # read whole: the one problem of a file libyaml cannot read
        assert [line.split(": ", 1)[1] for line in in_parts[0]] == [
            "(file): U+0001 is not allowed in YAML (write it as an escape)"
        ]


def test_a_file_stopped_in_a_later_part_gives_what_one_reader_gives(
    flow_dataset: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = edited(flow_dataset, tmp_path, "{id: ", "{}, {}, {}, {}, {}, {}, {}, {id: ", 10**6)
    problems, more = compiled(root, monkeypatch, parts=True)
    assert problems[0].endswith(STOPPED)
    assert (problems, more) == compiled(root, monkeypatch, parts=False)
