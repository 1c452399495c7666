"""The fast path (each top-level record composed by libyaml on its own) reads exactly
as the streaming composer does: the same records, problems and positions, on every
bad-data case, on edge cases of splitting, and on randomly damaged files. And the
pieces a file splits into let an edit re-read only the records whose text changed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, damage, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_data import CASES, build

from meetings_cli.compose import MAX_DEPTH, split_records
from meetings_cli.load import FileReader, RecordRead, relocate, reusable

Outcome = tuple[list[RecordRead], list[Any], bool]


def outcome(path: Path, name: str, split: bool) -> Outcome:
    reader = FileReader(path, name, split=split)
    records = list(reader.records())
    # The records of a file that cannot be parsed are dropped (the fast path may have
    # yielded some before the piece that cannot be read).
    return ([] if reader.unreadable else records), reader.problems, reader.unreadable


def assert_same(path: Path, name: str = "x.yaml") -> Outcome:
    """Both ways of reading path give the same; the fast one's outcome."""
    fast = outcome(path, name, split=True)
    assert fast == outcome(path, name, split=False)
    return fast


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def same_on(tmp_path: Path, text: str) -> Outcome:
    return assert_same(write(tmp_path, text))


def splits(text: str) -> bool:
    return split_records(text) is not None


# --------------------------------------------------------------------------- every case


@pytest.mark.parametrize(
    "case", sorted(p.name for p in CASES.iterdir() if p.is_dir()), ids=lambda name: name
)
def test_every_bad_data_case_reads_the_same_both_ways(case: str, tmp_path: Path) -> None:
    root = tmp_path / "data"
    if case == "_base":
        shutil.copytree(CASES / case, root)
    else:
        build(CASES / case, root)
    for path in sorted(root.rglob("*.yaml")):
        if path.is_file() and not path.is_symlink():
            assert_same(path, str(path.relative_to(root)))


def test_the_bundled_data_takes_the_fast_path() -> None:
    for path in sorted(DATA.glob("*.yaml")):
        reader = FileReader(path, path.name)
        pieces = reader.pieces()
        assert pieces, path.name
        assert all(piece.plain for piece in pieces)
        assert len(list(reader.records())) == len(pieces)
        assert_same(path, path.name)


# --------------------------------------------------------------------------- splitting

TOPIC = "  - id: t{n}\n    description: d{n}\n"


def topics(*extra: str, count: int = 3) -> str:
    return "topics:\n" + "".join(TOPIC.format(n=n) for n in range(count)) + "".join(extra)


@pytest.mark.parametrize(
    "text",
    [
        topics(),
        "# a comment\n\n" + topics(),
        "topics:\n# under the key\n  # indented\n\n" + TOPIC.format(n=1),
        "topics:\n- id: a\n  description: b\n-\n- id: c\n  description: d\n",  # at the left edge
        "topics:\n  -\n    id: a\n    description: b\n  - id: c\n    description: d\n",
        topics("# trailing\n\n", count=2),
        topics(count=2) + "context:\n" + "meetings:\n  -\n",
        "topics:\n  - id: t\n    description: |\n      - a dash line\n      - another\n" + TOPIC,
        "topics:\n  - id: t\n    description: |+\n      kept\n\n\n" + TOPIC.format(n=2),
        "topics:\n  - id: t\n    description: >-\n      folded\n\n" + TOPIC.format(n=2),
        "topics:\n  - id: t\n    description: a\n      plain continued\n" + TOPIC.format(n=2),
        "topics:\n  - id: t\n    description: 'it''s\n      quoted'\n" + TOPIC.format(n=2),
        "topics:\n  - {id: a, description: b}\n  - {id: c,\n     description: d}\n",
        "topics:\n  - id: t\n    description: d\n" + "  - id: u\n    description: e",  # no \n
        "topics:   # comment after the key\n" + TOPIC.format(n=0),
    ],
    ids=[
        "plain", "comment-first", "comments-before-items", "left-edge-list", "dash-alone",
        "trailing-comment", "empty-keys", "literal-dash-lines", "keep-chomping", "folded",
        "plain-multiline", "single-quoted-multiline", "flow-items", "no-final-newline",
        "key-comment",
    ],
)  # fmt: skip
def test_plain_files_split_and_read_the_same(tmp_path: Path, text: str) -> None:
    assert splits(text)
    same_on(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "topics: [{id: a, description: b}]\n",
        "---\n" + topics(),
        topics() + "...\n",
        topics() + "---\n" + topics(),
        "%YAML 1.1\n---\n" + topics(),
        "\ufeff" + topics(),
        topics().replace("\n", "\r\n"),
        "\t" + topics(),
        topics() + "\ttopics:\n",
        topics() + "topics:\n  - {id: z, description: z}\n",  # duplicate key
        topics() + "topic:\n  - x\n",  # unknown key
        "topics: !!seq\n" + TOPIC,
        "topics: &a\n" + TOPIC,
        "topics:\n  id: t\n",  # not a list
        "  indented: first\ntopics:\n" + TOPIC,
        "'topics':\n" + TOPIC,
        topics().replace("\n", "\x85", 3),
        topics() + "\u2028" + TOPIC,
    ],
    ids=[
        "empty", "comment-only", "flow-at-top", "document-start", "document-end",
        "two-documents", "directive", "bom", "crlf", "tab-first", "tab-key", "duplicate-key",
        "unknown-key", "tagged-list", "anchored-list", "mapping", "indented-first", "quoted-key",
        "next-line", "line-separator",
    ],
)  # fmt: skip
def test_unusual_files_are_read_whole(tmp_path: Path, text: str) -> None:
    assert not splits(text)
    same_on(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        # A quoted scalar whose continuation looks like an item: the piece before fails alone.
        'topics:\n  - id: t\n    description: "a\n  - id: u\n    description: b"\n',
        "topics:\n  - id: t\n    description: [a,\n  - b]\n",
        # Anchors and aliases across records: an alias cannot be composed alone.
        "topics:\n  - id: &x t\n    description: d\n  - id: *x\n    description: e\n",
        # The same anchor in two records: PyYAML refuses it in one document.
        "topics:\n  - id: &x t\n    description: d\n  - id: &x u\n    description: e\n",
        # Within one record: composed by the streaming composer for that piece.
        "topics:\n  - id: &x t\n    description: *x\n" + TOPIC,
        "topics:\n  - id: t\n    notes: &n ~\n    description: d\n" + TOPIC,
        "topics:\n  - id: !!str t\n    description: !custom d\n" + TOPIC,
        "topics:\n  - id: t\n    description: Q&A! *starred*\n" + TOPIC,
        "topics:\n  - <<: {id: t}\n    description: d\n" + TOPIC,
        "topics:\n  - id: t\n    description: d\n  - id: t\n    id: u\n",
        "topics:\n  - id: t\n    description: \x01\n" + TOPIC,
        "topics:\n# a comment with \x01\n" + TOPIC,
        "topics:\n  - id: t\n    description: d\nx",
        "topics:\n  - id: t\n    description: d\n  -id: u\n",
        "topics:\n  - id: t\n    description: d\n  -\tx\n",
        "topics:\n  - a\n - b\n",
    ],
    ids=[
        "quoted-continuation", "flow-continuation", "alias-across", "duplicate-anchor",
        "alias-within", "anchored-null", "tags", "tag-like-text", "merge-key", "duplicate-field",
        "control-character", "control-in-comment", "stray-text", "dash-word", "dash-tab",
        "misindented",
    ],
)  # fmt: skip
def test_pieces_the_fast_path_cannot_judge_read_the_same(tmp_path: Path, text: str) -> None:
    same_on(tmp_path, text)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 4, MAX_DEPTH - 3, MAX_DEPTH - 2, MAX_DEPTH + 5])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_nesting_in_a_record_is_bounded_as_the_streaming_composer_bounds_it(
    tmp_path: Path, depth: int, style: str
) -> None:
    if style == "flow":
        nested = "[" * depth + "]" * depth
    else:
        nested = "".join("\n" + "  " * (i + 3) + "-" for i in range(depth))
    text = f"topics:\n  - id: t\n    description: {nested}\n" + TOPIC
    unreadable = same_on(tmp_path, text)[2]
    assert unreadable == (depth + 3 > MAX_DEPTH)


def test_a_record_with_many_openers_is_measured_not_refused(tmp_path: Path) -> None:
    spellings = ", ".join(f"a-{n}: b" for n in range(300))
    text = f"topics:\n  - id: t\n    description: {{{spellings}}}\n" + TOPIC
    records, _, unreadable = same_on(tmp_path, text)
    assert not unreadable and len(records) == 2


# --------------------------------------------------------------------------- random files

DAMAGE = st.sampled_from(
    [
        *":-[]{}&*!|>'\"#%@`?,\n\t \\",
        *("NO", "0123", "<<", "---", "~", "\n  - ", "\n- ", "\n#", "\n  - id: x\n", "|+\n"),
        *("\ntopics:\n", "\u0085", "\ufeff", "\r\n", "\u2028", "&a ", "*a "),
    ]
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(p.name for p in DATA.glob("*.yaml"))))
    return damage(draw, (DATA / name).read_text(encoding="utf-8"), DAMAGE, st.integers(0, 4))


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=damaged())
def test_damaged_files_read_the_same_both_ways(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        same_on(Path(folder), text)


# --------------------------------------------------------------------------- re-reading


def read_all(path: Path) -> list[RecordRead]:
    return list(FileReader(path, "x.yaml").records())


def reread(old_text: str, new_text: str, tmp_path: Path) -> tuple[list[RecordRead], int]:
    """new_text read as a store would after an edit from old_text: (records, pieces read)."""
    old_path = write(tmp_path, old_text)
    old_reader = FileReader(old_path, "x.yaml")
    old_pieces = old_reader.pieces()
    assert old_pieces is not None
    old_reads = list(old_reader.records())
    held = {
        piece.digest: (piece, read)
        for piece, read in zip(old_pieces, old_reads, strict=True)
        if reusable(piece, read)
    }
    new_path = write(tmp_path, new_text)
    reader = FileReader(new_path, "x.yaml")
    pieces = reader.pieces()
    assert pieces is not None
    kept = {(p.collection, p.position): p for p in pieces if p.digest in held}
    fresh = {(r.collection, r.position): r for r in reader.records(skip=kept.keys())}
    result = []
    for piece in pieces:
        where = (piece.collection, piece.position)
        if where in kept:
            was, read = held[piece.digest]
            result.append(relocate(read, was, piece))
        else:
            result.append(fresh[where])
    return result, len(fresh)


MEETINGS = (DATA / "meetings.yaml").read_text(encoding="utf-8")


def test_an_unchanged_file_reads_nothing_again(tmp_path: Path) -> None:
    records, read = reread(MEETINGS, MEETINGS, tmp_path)
    assert read == 0
    assert records == read_all(write(tmp_path, MEETINGS))


def test_lines_added_above_move_the_records_below(tmp_path: Path) -> None:
    first = MEETINGS.index("\n  - ") + 1
    second = MEETINGS.index("\n  - ", first) + 1
    edited = MEETINGS[:second] + "    # a new comment\n\n" + MEETINGS[second:]
    records, read = reread(MEETINGS, edited, tmp_path)
    assert read == 1  # the first record, whose text gained the comment
    assert records == read_all(write(tmp_path, edited))


def test_a_record_added_above_renumbers_the_records_below(tmp_path: Path) -> None:
    first = MEETINGS.index("\n  - ") + 1
    second = MEETINGS.index("\n  - ", first) + 1
    copy = MEETINGS[first:second].replace("id: ", "id: x-", 1)
    edited = MEETINGS[:first] + copy + MEETINGS[first:]
    records, read = reread(MEETINGS, edited, tmp_path)
    assert read == 1
    assert records == read_all(write(tmp_path, edited))
    assert [r.position for r in records] == list(range(len(records)))


def test_a_changed_record_and_records_with_problems_are_read_again(tmp_path: Path) -> None:
    broken = MEETINGS.replace("kind: bilateral-talks", "kind: bilateral", 1)
    records, read = reread(MEETINGS, broken, tmp_path)
    assert read == 1
    assert records == read_all(write(tmp_path, broken))
    moved = "# one more line\n" + broken
    records, read = reread(broken, moved, tmp_path)
    assert read == 1  # the record with a problem: its wording may name lines
    assert records == read_all(write(tmp_path, moved))


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["line", "record"]))))
def test_any_edit_re_reads_to_what_a_full_read_gives(edits: list[tuple[int, str]]) -> None:
    text = MEETINGS
    for where, what in edits:
        starts = [i + 1 for i in range(len(text) - 1) if text.startswith("\n  - ", i)]
        at = starts[where % len(starts)]
        if what == "line":
            text = text[:at] + "    # note\n" + text[at:]
        else:
            end = text.find("\n  - ", at)
            text = text[:at] + text[at : end + 1 if end != -1 else len(text)] + text[at:]
    with tempfile.TemporaryDirectory() as folder:
        records, _ = reread(MEETINGS, text, Path(folder))
        assert records == read_all(write(Path(folder), text))


def test_only_plain_pieces_may_be_skipped(tmp_path: Path) -> None:
    text = "topics:\n  - id: &a t\n    description: d\n" + TOPIC
    reader = FileReader(write(tmp_path, text), "x.yaml")
    pieces = reader.pieces()
    assert pieces is not None and [p.plain for p in pieces] == [False, True]
    with pytest.raises(ValueError):
        list(reader.records(skip=[("topics", 0)]))
    assert [r.position for r in reader.records(skip=[("topics", 1)])] == [0]


def test_relocating_needs_the_same_text() -> None:
    text = topics()
    pieces = split_records(text)
    assert pieces is not None
    with tempfile.TemporaryDirectory() as folder:
        reads = read_all(write(Path(folder), text))
    with pytest.raises(ValueError):
        relocate(reads[0], pieces[0], pieces[1])
