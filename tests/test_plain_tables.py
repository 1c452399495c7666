"""Tables drawn without Rich (render/plain.py) must be exactly what Rich draws."""

from __future__ import annotations

import io
import unicodedata
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import warm_run_imports
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.text import Text

from meetings_cli.render import plain, tables
from meetings_cli.render.plain import (
    Block,
    Column,
    RuleBlock,
    SimpleTable,
    Span,
    TextBlock,
    draw_plain,
    draw_plain_view,
    draw_terminal_view,
)
from meetings_cli.render.tables import (
    Screen,
    make_console,
    plain_width,
    rich_block,
    rich_table,
    terminal_mode,
)

DATA = Path(__file__).resolve().parent.parent / "data"


def rich_text(spec: SimpleTable, width: int) -> str:
    """What the Rich route prints for spec, off a terminal, at width."""
    out = io.StringIO()
    console = make_console(out, Screen(color="never"))
    console.width = width
    tables._print(console, rich_table(spec))
    return out.getvalue()


def rich_view_text(blocks: list[Block], width: int) -> str:
    """What the Rich route prints for a view, off a terminal, at width."""
    from rich.console import Group

    out = io.StringIO()
    console = make_console(out, Screen(color="never"))
    console.width = width
    tables._print(console, Group(*(rich_block(block) for block in blocks)))
    return out.getvalue()


def rich_terminal_text(blocks: list[Block], width: int, *, colour: bool) -> str:
    """What Rich writes for a view to a terminal at width, in colour or not."""
    from rich.console import Group

    out = FakeOut(tty=True)
    console = make_console(out, Screen(color="always" if colour else "never"))
    console.width = width
    assert console.is_terminal
    tables._print(console, Group(*(rich_block(block) for block in blocks)))
    return out.getvalue()


def assert_drawn_as_rich(view: list[Block], width: int) -> None:
    """Wherever this copy draws the view (off a terminal, or on one in colour or not), as Rich."""
    plain_text = draw_plain_view(view, width)
    if plain_text is not None:
        assert plain_text == rich_view_text(view, width), width
    for colour in (False, True):
        terminal_text = draw_terminal_view(view, width, colour=colour)
        if terminal_text is not None:
            assert terminal_text == rich_terminal_text(view, width, colour=colour), (width, colour)


# --------------------------------------------------------------------------- characters


def test_every_one_cell_character_is_one_cell_for_rich() -> None:
    from rich.cells import cell_len

    accepted = [chr(c) for c in range(0x30000) if c != 10 and plain.is_one_cell_text(chr(c))]
    assert len(accepted) > 1000
    wrong = [
        f"U+{ord(c):04X}"
        for c in accepted
        if cell_len(c) != 1 or unicodedata.category(c) in ("Cc", "Cf", "Cn", "Mn", "Me", "Zl")
    ]
    assert not wrong


def test_wide_zero_width_and_control_characters_are_left_to_rich() -> None:
    for text in ("中", "e\u0301", "a\tb", "\u200b", "\x1b[31m", "😀"):
        spec = SimpleTable((Column("A"),), [(text,)])
        assert draw_plain(spec, 80) is None, repr(text)


# --------------------------------------------------------------------------- random tables

# One-cell text (what is not is left to Rich: see above), with spaces and
# newlines to wrap at and long words to fold.
_ALPHABET = st.sampled_from(
    [
        *"abcdefXYZ0123456789-·—()?~/ДжحЖéabcdefghij",
        *[" "] * 12,
        *["\n"] * 4,
        "  ",
        "\xa0",
        *["Zhasuzakov", "(Kazakhstan)?", "mcis2018-kazakhstan", "~2018-04-03/06"] * 3,
    ]
)
_CELL = st.lists(_ALPHABET, max_size=10).map("".join)
_COLUMN = st.builds(
    Column,
    header=_CELL,
    justify=st.sampled_from(["left", "right"]),
    no_wrap=st.booleans(),
    overflow=st.sampled_from(["fold", "ellipsis"]),
    ratio=st.sampled_from([None, 1]),
    min_width=st.sampled_from([None, None, 0, 3, 8]),
)


# Styled runs, as the views use them (bold labels, a dim legend, "disputed" in bold yellow).
_SPANS = st.lists(
    st.builds(Span, _CELL, st.sampled_from(["", "", "bold", "dim", "bold yellow", "italic"])),
    min_size=1,
    max_size=3,
).map(tuple)


@st.composite
def simple_tables(draw: Any) -> SimpleTable:
    columns = tuple(draw(st.lists(_COLUMN, min_size=1, max_size=5)))
    any_cell = st.one_of(_CELL, _CELL, _SPANS)
    rows = draw(st.lists(st.tuples(*[any_cell for _ in columns]), max_size=5))
    empty = draw(st.sampled_from([None, None, 0, -1]))
    if empty is not None:  # a column with nothing in it, as the timeline's "disputed"
        empty %= len(columns)
        rows = [(*row[:empty], "", *row[empty + 1 :]) for row in rows]
        columns = tuple(c._replace(header="") if i == empty else c for i, c in enumerate(columns))
    words = st.lists(st.sampled_from(["a", "bb", "date", "·", "~", "somewhere", " "]), max_size=20)
    if draw(st.booleans()):  # a grid: no header, no caption, wider padding
        return SimpleTable(columns, rows, grid=True)
    caption = draw(st.one_of(st.none(), words.map(" ".join)))
    return SimpleTable(columns, rows, caption)


@settings(max_examples=500, deadline=None)
@given(text=_CELL.map(lambda t: t.replace("\n", " ")), width=st.integers(1, 30), fold=st.booleans())
def test_the_quick_word_wrap_breaks_where_the_word_by_word_one_does(
    text: str, width: int, fold: bool
) -> None:
    assert plain._divide_line(text, width, fold=fold) == plain._divide_words(text, width, fold=fold)
    words = plain._spaced_words(text, width)
    if words is not None:
        breaks = plain._divide_words(text, width, fold=fold)
        pieces = [text[a:b].rstrip() for a, b in pairwise([0, *breaks, len(text)])]
        assert plain._greedy_lines(words, width) == pieces


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=simple_tables(), width=st.integers(min_value=1, max_value=100))
def test_random_tables_match_rich(spec: SimpleTable, width: int) -> None:
    drawn = draw_plain(spec, width)
    event("drawn without Rich" if drawn is not None else "left to Rich")
    if drawn is not None:
        assert drawn == rich_text(spec, width)


_BLOCK = st.one_of(
    st.builds(TextBlock, _SPANS, st.sampled_from([0, 2, 4])),
    st.builds(RuleBlock, st.sampled_from(["2018", "2020", "VII-MCIS", "a b", ""])),
    st.builds(
        lambda spec, indent: spec._replace(indent=indent),
        simple_tables(),
        st.sampled_from([0, 2]),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(_BLOCK, min_size=1, max_size=4), width=st.integers(1, 100))
def test_random_views_match_rich(blocks: list[Block], width: int) -> None:
    drawn = draw_plain_view(blocks, width)
    event("drawn without Rich" if drawn is not None else "left to Rich")
    if drawn is not None:
        assert drawn == rich_view_text(blocks, width)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks=st.lists(_BLOCK, min_size=1, max_size=4),
    width=st.integers(1, 100),
    colour=st.booleans(),
)
def test_random_views_on_a_terminal_match_rich(
    blocks: list[Block], width: int, colour: bool
) -> None:
    drawn = draw_terminal_view(blocks, width, colour=colour)
    event("drawn without Rich" if drawn is not None else "left to Rich")
    if drawn is not None:
        assert drawn == rich_terminal_text(blocks, width, colour=colour)


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("list", lambda d: tables.meeting_table([tables.meeting_row(r) for r in d["list"]])),
        ("people", lambda d: tables.people_table(d["people"])),
        ("context", lambda d: tables.context_table(d["context"])),
        ("events", lambda d: tables.events_table(d["events"])),
        ("sources", lambda d: tables.sources_table(d["sources"])),
        ("audit", lambda d: tables.audit_table(d["audit"])),
    ],
)
def test_the_bundled_tables_are_drawn_without_rich_and_match(name: str, build: Any) -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.query import people_with_counts, sort_context
    from meetings_cli.render import records
    from meetings_cli.report import audit, citing, meetings_at

    dataset = load_dataset(DATA)
    data = {
        "list": [records.meeting_record(dataset, m) for m in dataset.meetings],
        "people": [records.person_record(p, n) for p, n in people_with_counts(dataset)],
        "context": [records.context_record(dataset, c) for c in sort_context(dataset.context)],
        "events": [
            records.event_record(dataset, e, meetings_at(dataset, e.id)) for e in dataset.events
        ],
        "sources": [records.source_record(s, *citing(dataset, s)) for s in dataset.sources],
        "audit": [records.finding_record(f) for f in audit(dataset)],
    }
    spec = build(data)
    wide = draw_plain(spec, 200)
    assert wide is not None, f"{name}: the bundled table should not need Rich at 200 columns"
    assert wide == rich_text(spec, 200)
    assert draw_terminal_view([spec], 200, colour=True) is not None, name
    for width in range(20, 130, 3):
        assert_drawn_as_rich([spec], width)


@pytest.mark.parametrize("explain", [False, True])
def test_every_who_view_of_the_bundled_data_matches_rich(explain: bool) -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.match import PersonIndex
    from meetings_cli.query import meetings_with
    from meetings_cli.render import formats, records

    dataset = load_dataset(DATA)
    index = PersonIndex.build(dataset.people)
    for person in dataset.people:
        resolution = index.resolve(person.name, runner_up=explain)
        assert resolution.best is not None
        report = formats.who_record(
            resolution,
            records.person_record(person),
            [records.meeting_record(dataset, m) for m in meetings_with(dataset, person.id)],
            lambda pid: records.person_record(index.people[pid]),
        )
        view = tables.who_view(report, explain=explain)
        assert draw_plain_view(view, 80) is not None, person.id
        assert draw_terminal_view(view, 80, colour=True) is not None, person.id
        for width in range(30, 130, 7):
            assert_drawn_as_rich(view, width)


def test_every_show_view_of_the_bundled_data_matches_rich() -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.render import records

    dataset = load_dataset(DATA)
    for meeting in dataset.meetings:
        view = tables.meeting_view(records.meeting_record(dataset, meeting))
        assert draw_plain_view(view, 80) is not None, meeting.id
        assert draw_terminal_view(view, 80, colour=True) is not None, meeting.id
        for width in range(30, 130, 7):
            assert_drawn_as_rich(view, width)


@pytest.mark.parametrize(
    "query", ["terrorism", "shoigu syria", "terorism", "united nations embargo", "Moscow"]
)
def test_search_tables_of_the_bundled_data_match_rich(query: str) -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.render import records
    from meetings_cli.search import search_meetings

    dataset = load_dataset(DATA)
    hits = search_meetings(dataset, query, list(dataset.meetings), None)
    assert hits
    view: list[Block] = [tables.search_table([records.search_record(dataset, h) for h in hits])]
    assert draw_plain_view(view, 80) is not None
    assert draw_terminal_view(view, 80, colour=True) is not None
    for width in range(30, 130, 7):
        assert_drawn_as_rich(view, width)


@pytest.mark.parametrize("year", [None, 2018, 2019, 2020])
def test_the_timeline_of_the_bundled_data_matches_rich(year: int | None) -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.render import records
    from meetings_cli.report import principal_ids, timeline

    dataset = load_dataset(DATA)
    meetings = [m for m in dataset.meetings if year is None or m.date.start.year == year]
    years = records.timeline_record(dataset, timeline(dataset, meetings))
    view = tables.timeline_view(years, principal_ids(dataset), ascii_only=True)
    assert draw_plain_view(view, 80) is not None
    for width in range(30, 130, 7):
        assert_drawn_as_rich(view, width)
    # On a terminal, years are ruled lines.
    ruled = tables.timeline_view(years, principal_ids(dataset), ascii_only=False)
    assert draw_plain_view(ruled, 80) is None
    assert draw_terminal_view(ruled, 80, colour=True) is not None
    for width in range(30, 130, 7):
        assert_drawn_as_rich(ruled, width)


def test_the_list_table_of_2018_fits_80_columns_without_rich() -> None:
    from meetings_cli.load import load_dataset
    from meetings_cli.render import records

    dataset = load_dataset(DATA)
    rows = [records.meeting_record(dataset, m) for m in dataset.meetings]
    spec = tables.meeting_table([tables.meeting_row(r) for r in rows])
    drawn = draw_plain(spec, 80)
    assert drawn is not None and drawn == rich_text(spec, 80)
    assert drawn.splitlines()[-1].startswith("~ inferred date")


# --------------------------------------------------------------------------- when Rich is left out


class FakeOut(io.StringIO):
    def __init__(self, *, tty: bool = False, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


AS_RICH = -1  # whatever width Rich finds (the terminal of stdin or stderr, or 80)


@pytest.mark.parametrize(
    ("environ", "screen", "out", "expected"),
    [
        ({"COLUMNS": "100"}, Screen(), FakeOut(), 100),
        ({"COLUMNS": "33"}, Screen(color="never"), FakeOut(), 33),
        ({"COLUMNS": "abc"}, Screen(), FakeOut(), AS_RICH),
        ({}, Screen(), FakeOut(), AS_RICH),
        ({"NO_COLOR": "1", "COLUMNS": "70"}, Screen(), FakeOut(), 70),
        ({"COLUMNS": "0"}, Screen(), FakeOut(), None),
        ({"COLUMNS": "90"}, Screen(), FakeOut(tty=True), None),
        ({"COLUMNS": "90"}, Screen(color="never"), FakeOut(tty=True), None),
        ({"COLUMNS": "90"}, Screen(color="always"), FakeOut(), None),
        ({"COLUMNS": "90"}, Screen(svg=Path("x.svg")), FakeOut(), None),
        ({"COLUMNS": "90"}, Screen(html=Path("x.html")), FakeOut(), None),
        ({"COLUMNS": "90", "FORCE_COLOR": "1"}, Screen(), FakeOut(), None),
        ({"COLUMNS": "90", "TTY_COMPATIBLE": "1"}, Screen(), FakeOut(), None),
        ({"COLUMNS": "90"}, Screen(), FakeOut(encoding="latin-1"), None),
    ],
)
def test_plain_width_agrees_with_rich(
    environ: dict[str, str],
    screen: Screen,
    out: FakeOut,
    expected: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    width = plain_width(out, screen)
    console = make_console(out, screen)
    if expected is None:
        assert width is None
        return
    assert width == (console.width if expected == AS_RICH else expected)
    # Whenever the table is drawn without Rich, Rich would have drawn plain text at that width.
    assert not console.is_terminal
    assert console.color_system is None
    assert not console.record
    assert not console.options.ascii_only
    assert console.width == width


@pytest.mark.parametrize(
    ("environ", "screen", "out", "expected"),
    [
        ({"COLUMNS": "100"}, Screen(), FakeOut(tty=True), (100, True)),
        ({"COLUMNS": "90"}, Screen(color="never"), FakeOut(tty=True), (90, False)),
        ({"COLUMNS": "90", "NO_COLOR": "1"}, Screen(), FakeOut(tty=True), (90, False)),
        ({"COLUMNS": "90"}, Screen(color="always"), FakeOut(), (90, True)),
        ({"COLUMNS": "90", "TERM": "xterm-256color"}, Screen(), FakeOut(tty=True), (90, True)),
        ({"COLUMNS": "90", "COLORTERM": "truecolor"}, Screen(), FakeOut(tty=True), (90, True)),
        ({"COLUMNS": "90"}, Screen(), FakeOut(), None),
        ({"COLUMNS": "90", "NO_COLOR": "1"}, Screen(color="always"), FakeOut(), None),
        ({"COLUMNS": "90", "TERM": "dumb"}, Screen(), FakeOut(tty=True), None),
        ({"COLUMNS": "90"}, Screen(svg=Path("x.svg")), FakeOut(tty=True), None),
        ({"COLUMNS": "90", "FORCE_COLOR": "1"}, Screen(), FakeOut(tty=True), None),
        ({"COLUMNS": "90"}, Screen(), FakeOut(tty=True, encoding="latin-1"), None),
    ],
)
def test_terminal_mode_agrees_with_rich(
    environ: dict[str, str],
    screen: Screen,
    out: FakeOut,
    expected: tuple[int, bool] | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "TERM", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    found = terminal_mode(out, screen)
    assert found == expected
    if found is not None:
        console = make_console(out, screen)
        assert console.is_terminal
        assert (console.color_system is not None) == found[1]
        assert not console.record
        assert not console.options.ascii_only
        assert console.width == found[0]
        # Colour means the same escape sequences for the styles the views use, whatever
        # colour system Rich found (standard, 256 or truecolor).
        console.print(Text("x", style="bold yellow"), Text("y", style="italic dim"))
        if found[1]:
            assert out.getvalue() == "\x1b[1;33mx\x1b[0m \x1b[2;3my\x1b[0m\n"


def test_a_piped_list_table_does_not_import_rich(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env: dict[str, str | None] = {"COLUMNS": "80", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}
    output, imported = warm_run_imports(["list", "--year", "2018"], cache, env)
    assert "mcis2018-russia" in output
    assert "meetings_cli.render.plain" in imported
    unwanted = {"rich", "rich.console", "yaml", "typer"}
    assert not imported & unwanted, sorted(imported & unwanted)
    # ...and the same text as Rich draws it (Rich keeps the spaces when it records).
    by_rich, imported = warm_run_imports(
        ["--color", "never", "list", "--year", "2018", "--svg", str(tmp_path / "t.svg")], cache, env
    )
    assert "rich.console" in imported
    assert [line.rstrip() for line in by_rich.splitlines()] == output.splitlines()
