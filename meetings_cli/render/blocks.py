"""The pieces a view is made of: spans of styled text, cells, tables, fields, rules.

Plain data: `draw` turns them into Rich renderables.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections.abc import Sequence
from typing import Literal, NamedTuple

from .text import printable


class Surface(NamedTuple):
    """Where a view is drawn: a terminal (rules and dashes fit), and whether it shows styles
    (else a highlight is written as marks: a pipe, a dumb terminal, --color never)."""

    terminal: bool
    styled: bool


class Span(NamedTuple):
    """A run of text and the Rich style it has on a terminal."""

    text: str
    style: str = ""


#: A cell: plain text, or styled runs of text. Newlines start new lines.
Cell = str | tuple[Span, ...]


def cell_text(cell: Cell) -> str:
    """The characters of a cell, without styles."""
    return cell if isinstance(cell, str) else "".join(span.text for span in cell)


class Column(NamedTuple):
    """A table column. At most one column of a table wraps; the others never do."""

    header: str
    justify: Literal["left", "right"] = "left"
    wrap: bool = False  # takes the spare width, and wraps (folding words longer than it)
    min_width: int | None = None


class TableBlock(NamedTuple):
    """Header, rows of cells and a caption; drawn `indent` columns in.

    Where the terminal is too narrow for it, it is drawn stacked: one block of
    `header: value` lines per row.
    """

    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Cell]]
    caption: str | None = None
    indent: int = 0
    grid: bool = False  # no header and no rule: columns set apart by two spaces


class FieldsBlock(NamedTuple):
    """`label: value` lines whose values wrap under themselves (a hanging indent)."""

    fields: Sequence[tuple[str, Cell]]
    indent: int = 0


class RuleBlock(NamedTuple):
    """A horizontal rule with a title at the left."""

    title: str
    indent: int = 0


class TextBlock(NamedTuple):
    """A paragraph of styled text, wrapped to the width; drawn `indent` columns in."""

    spans: tuple[Span, ...]
    indent: int = 0


#: A view is a list of blocks, drawn one under the other.
Block = TableBlock | FieldsBlock | TextBlock | RuleBlock


def heading(key: str, title: str) -> TableBlock:
    """A record's first line: its key in bold, and its title beside it, wrapping under
    itself (not back under the key)."""
    return TableBlock(
        (Column(""), Column("", wrap=True)), [((Span(key, "bold"),), title)], grid=True
    )


def _text(text: str, style: str = "", indent: int = 0) -> TextBlock:
    return TextBlock((Span(text, style),), indent)


def _one_line(text: str) -> str:
    return printable(text, one_line=True)


def _curator(basis: str | None) -> str:
    """The mark on a fact the curators supplied rather than the articles."""
    return " [curator]" if basis == "curator" else ""


def merged_spans(spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """[start, end) spans sorted, those that overlap or touch merged into one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
