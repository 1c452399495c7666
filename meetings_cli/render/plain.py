"""Simple tables and views drawn exactly as Rich draws them, without importing Rich.

Importing Rich takes longer than answering `meetings list` from the cache, so
views are drawn here when the result is certain: every character takes one
cell (see _ONE_CELL). draw_plain_view writes what Rich prints off a terminal
(no colour, no trailing spaces); draw_terminal_view what it writes to one
(padded lines, escape sequences or not). Anything else (a wide or zero-width
character, a tab, a style not listed below, a table too narrow for its
padding) makes them return None, and Rich draws the view.

What is copied is the part of Rich's layout that `tables.rich_block` asks
for: tables with box SIMPLE_HEAD without edges and cell padding (0, 1, 0, 0),
grids with padding (0, 2), column measurement, narrowing to fit
(Table._collapse_widths, ratio_reduce), minimum widths, word wrap and folding
(rich._wrap.divide_line, Text.wrap), left and right justification, captions,
indented text, cropping at the screen's edge, and the trailing spaces that
`tables._print` drops off a terminal. tests/test_plain_tables.py draws random
tables and views both ways with the installed Rich and requires the same text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

# Characters Rich counts as exactly one cell wide (a test checks every one of
# them against rich.cells): printable ASCII, Latin-1 and Latin Extended (not the
# soft hyphen), Greek and Cyrillic letters, the Arabic and Persian letters and
# digits, and the common dashes, quotes, bullets and ellipsis.
_ONE_CELL = (
    "\x20-\x7e\xa0-\xac\xae-\u02ff"
    "\u0370-\u0377\u037a-\u037f\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u03ff"
    "\u0400-\u0482\u048a-\u052f"
    "\u0621-\u064a\u0660-\u066f\u0671-\u06d3\u06d5\u06f0-\u06ff"
    "\u2010-\u2027\u2030-\u205e\u20ac\u2116\u2122"
)
_ONE_CELL_TEXT = re.compile(f"[{_ONE_CELL}\n]*")
#: What Rich's word wrapper (rich._wrap.words) counts as a word.
_WORD = re.compile(r"\s*\S+\s*")

_DIVIDER = " "  # SIMPLE_HEAD draws columns apart with a space
_RULE = "─"  # and the line under the header with this


class Column(NamedTuple):
    """A column of a SimpleTable, with the Rich column options it stands for."""

    header: str
    justify: str = "left"  # "left" or "right"
    no_wrap: bool = False
    overflow: str = "ellipsis"  # Rich's default; "fold" breaks long words
    ratio: int | None = None
    min_width: int | None = None


class Span(NamedTuple):
    """A run of text and the Rich style it has on a terminal."""

    text: str
    style: str = ""


#: A cell: plain text, or styled runs of text. Newlines start new lines.
Cell = str | tuple[Span, ...]


def cell_text(cell: Cell) -> str:
    """The characters of a cell, without styles."""
    return cell if isinstance(cell, str) else "".join(span.text for span in cell)


class SimpleTable(NamedTuple):
    """Header, rows of cells and a caption; drawn `indent` columns in."""

    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Cell]]
    caption: str | None = None
    indent: int = 0
    grid: bool = False  # Rich's Table.grid(padding=(0, 2)) rather than a table with a header


class RuleBlock(NamedTuple):
    """A horizontal rule with a title at the left (only Rich draws it)."""

    title: str
    indent: int = 0


class TextBlock(NamedTuple):
    """A paragraph of styled text, wrapped to the width; drawn `indent` columns in."""

    spans: tuple[Span, ...]
    indent: int = 0


#: A view is a list of blocks, drawn one under the other.
Block = SimpleTable | TextBlock | RuleBlock


def is_one_cell_text(text: str) -> bool:
    """True if every character of text takes exactly one cell (newlines excepted)."""
    return _ONE_CELL_TEXT.fullmatch(text) is not None


def draw_plain_view(blocks: Sequence[Block], width: int) -> str | None:
    """Blocks as Rich prints them one under the other at width; None when unsure."""
    drawn: list[str] = []
    for block in blocks:
        inner = width - block.indent
        if isinstance(block, RuleBlock):
            return None
        if isinstance(block, TextBlock):
            text = cell_text(block.spans)
            if inner < 1 or not is_one_cell_text(text):
                return None
            lines = _cell_lines(text, inner, Column("", overflow="fold"))
        else:
            table = draw_plain(block, inner)
            if table is None:
                return None
            lines = table.splitlines()
        margin = " " * block.indent
        drawn.extend((margin + line).rstrip() + "\n" for line in lines)
    return "".join(drawn)


class _Layout(NamedTuple):
    grid: list[Sequence[str]]  # the header (unless a grid) and the rows, as plain text
    widths: list[int]  # of each column, padding included
    pads: list[int]  # padding after each column
    divider: str
    table_width: int


def _layout(table: SimpleTable, width: int) -> _Layout | None:
    """Rich's column widths for table at width; None when this copy is unsure."""
    columns = table.columns
    count = len(columns)
    last = count - 1
    # A grid has no box: no header, no rule, no space between columns, but
    # padding of two after every column but the last (Table.grid(padding=(0, 2))).
    divider = "" if table.grid else _DIVIDER
    available = width - len(divider) * last
    if not count or available < 2 * count or (table.grid and not table.rows):
        return None  # too narrow (or empty) to be worth copying Rich's corner cases
    if any(c.justify not in ("left", "right") or c.overflow == "ignore" for c in columns):
        return None
    header: list[Sequence[str]] = [] if table.grid else [[c.header for c in columns]]
    grid: list[Sequence[str]] = [
        *header,
        *([cell_text(cell) for cell in row] for row in table.rows),
    ]
    if any(len(row) != count for row in grid):
        return None
    texts = ["\n".join(row[i] for row in grid) for i in range(count)]  # each column's text
    if not is_one_cell_text("\n".join(texts) + "\n" + (table.caption or "")):
        return None
    pad = 2 if table.grid else 1
    pads = [pad if i != last else 0 for i in range(count)]  # no padding at the edge

    # Rich: measure each column (longest line plus padding), then narrow to fit.
    longest = [max(map(len, text.split("\n"))) for text in texts]
    widths = [
        max(min(size + pad, available), -1 if c.min_width is None else c.min_width + pad) or 1
        for size, pad, c in zip(longest, pads, columns, strict=True)
    ]
    if sum(widths) > available:
        widths = _collapse(widths, [not c.no_wrap for c in columns], available)
        if sum(widths) > available:  # last resort: narrow every column evenly
            widths = _ratio_reduce(sum(widths) - available, [1] * count, widths, widths)
        # Rich measures again at the new widths, and a minimum width wins over
        # the narrowing: the table may come out wider than the screen (cropped below).
        widths = [
            max(min(size + pad, w), 0 if c.min_width is None else c.min_width + pad) if w > 0 else 0
            for size, pad, w, c in zip(longest, pads, widths, columns, strict=True)
        ]
    for size, pad, content in zip(widths, pads, longest, strict=True):
        # Too narrow for its padding, except an empty last column narrowed to nothing.
        if size - pad < 1 and not size == pad == content == 0:
            return None
    return _Layout(grid, widths, pads, divider, sum(widths) + len(divider) * last)


def draw_plain(table: SimpleTable, width: int) -> str | None:
    """The table as Rich prints it at width, without colour; None when unsure."""
    layout = _layout(table, width)
    lines = None if layout is None else _table_lines(table, layout, colour=False)
    if lines is None:
        return None
    # Rich crops what does not fit the screen; off a terminal, tables._print drops the padding.
    return "".join(line[:width].rstrip() + "\n" for line in lines)


def _table_lines(table: SimpleTable, layout: _Layout, *, colour: bool) -> list[str] | None:
    """A table's lines, padded to its width, with escape sequences if colour; None if unsure."""
    grid, widths, pads, divider, table_width = layout
    columns = table.columns
    header = not table.grid
    cells: list[Sequence[Cell]] = [[c.header for c in columns]] if header else []
    cells.extend(table.rows)
    # Padding and blank lines take the row's style: bold in the header (its header_style).
    header_pads = [_sgr(" " * pad, ("bold",), colour=colour) or "" for pad in pads]
    body_pads = [" " * pad for pad in pads]
    out: list[str] = []
    for number, (row, texts) in enumerate(zip(cells, grid, strict=True)):
        is_header = header and number == 0
        style = "bold" if is_header else ""
        padding = header_pads if is_header else body_pads
        drawn: list[list[str]] = []
        for i, cell in enumerate(row):
            column, text, inner = columns[i], texts[i], widths[i] - pads[i]
            if not widths[i]:
                drawn.append([])  # Rich renders nothing into a column narrowed to nothing
                continue
            if colour and not isinstance(cell, str):
                styled = _StyledText.of(cell)
                rendered = [
                    line.render(style, colour=colour)
                    for line in _wrap_styled(styled, inner, column, justify=column.justify)
                ]
                if None in rendered:
                    return None  # a style this copy does not know
                lines = [line for line in rendered if line is not None]
            elif "\n" not in text and len(text) <= inner and column.justify == "left":
                lines = [text.ljust(inner)]  # fits on one line: the common case
            else:
                lines = _cell_lines(text, inner, column)
            if style and colour:  # one run of text: the whole line in the row's style
                lines = [_sgr(line, (style,), colour=colour) or line for line in lines]
            drawn.append([line + padding[i] for line in lines])
        height = max(1, *map(len, drawn))
        if height == 1 and all(drawn):
            out.append(divider.join(lines[0] for lines in drawn))
        else:
            for i, lines in enumerate(drawn):
                if len(lines) < height:
                    blank = _sgr(" " * widths[i], (style,), colour=colour) or ""
                    filler = [blank] * (height - len(lines))
                    # Rich aligns header cells to the bottom, body cells to the top.
                    drawn[i] = filler + lines if is_header else lines + filler
            out.extend(divider.join(parts) for parts in zip(*drawn, strict=True))
        if is_header:
            out.append(_RULE * table_width)
    if table.caption:
        for line in _cell_lines(table.caption, table_width, Column("", overflow="fold")):
            out.append(_sgr(line, (_CAPTION_STYLE,), colour=colour) or "")
    return out


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """Narrow the widest wrapable columns first (rich.table.Table._collapse_widths)."""
    total = sum(widths)
    excess = total - max_width
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, can in zip(widths, wrapable, strict=True) if can)
            second = max(
                w if can and w != widest else 0 for w, can in zip(widths, wrapable, strict=True)
            )
            difference = widest - second
            ratios = [
                1 if (w == widest and can) else 0 for w, can in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not difference:
                break
            widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - max_width
    return widths


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """rich._ratio.ratio_reduce: take total away from values in proportion to ratios."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            # round() as Rich: to the even number on a tie
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _cell_lines(text: str, width: int, column: Column) -> list[str]:
    """A cell's lines at width, as rich.text.Text.wrap lays them out."""
    lines = []
    for paragraph in text.split("\n"):
        if len(paragraph) <= width and column.justify == "left":
            # Fits: Rich breaks nothing and pads it to the width (the common case).
            lines.append(paragraph + " " * (width - len(paragraph)))
            continue
        if column.no_wrap:
            pieces = [paragraph]
        elif (words := _spaced_words(paragraph, width)) is not None:
            # Words one space apart, none too long: each line is its words, justified.
            for line in _greedy_lines(words, width):
                lines.append(line.ljust(width) if column.justify == "left" else line.rjust(width))
            continue
        else:
            breaks = _divide_line(paragraph, width, fold=column.overflow == "fold")
            edges = [0, *breaks, len(paragraph)]
            pieces = [_rstrip_end(paragraph[a:b], width) for a, b in pairwise(edges)]
        for piece in pieces:
            if column.justify == "right":
                piece = _truncate(piece.rstrip(), width, column.overflow)
                piece = " " * (width - len(piece)) + piece
            else:
                piece = _truncate(piece, width, column.overflow, pad=True)
            lines.append(_truncate(piece, width, column.overflow))
    return lines


def _spaced_words(text: str, width: int) -> list[str] | None:
    """text's words if they are one space apart and none is wider than width, else None."""
    words = text.split()
    if words and " ".join(words) == text and max(map(len, words)) <= width:
        return words
    return None


def _greedy_lines(words: list[str], width: int) -> list[str]:
    """Words one space apart, wrapped where _divide_line breaks them, without the break spaces."""
    lines: list[str] = []
    line: list[str] = []
    offset = 0
    for word in words:
        if width - offset < len(word):
            lines.append(" ".join(line))
            line, offset = [], 0
        line.append(word)
        offset += len(word) + 1
    lines.append(" ".join(line))
    return lines


def _divide_line(text: str, width: int, *, fold: bool) -> list[int]:
    """Where rich._wrap.divide_line breaks text to fit width (one-cell characters)."""
    words = _spaced_words(text, width)
    if words is not None:
        # Words one space apart, none too long (most text): the same greedy breaks, faster.
        breaks: list[int] = []
        offset = start = 0
        for word in words:
            if width - offset >= len(word):
                offset += len(word) + 1
            elif offset and start:
                breaks.append(start)
                offset = len(word) + 1
            start += len(word) + 1
        return breaks
    return _divide_words(text, width, fold=fold)


def _divide_words(text: str, width: int, *, fold: bool) -> list[int]:
    """rich._wrap.divide_line, word by word as Rich matches them."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        needed = len(word.rstrip())
        if width - offset >= needed:
            offset += len(word)
        elif needed > width:
            if fold:
                chunks = [word[i : i + width] for i in range(0, len(word), width)]
                for number, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if number == len(chunks) - 1:
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _rstrip_end(text: str, size: int) -> str:
    """Drop whitespace that runs past size (rich.text.Text.rstrip_end)."""
    excess = len(text) - size
    if excess > 0:
        trailing = len(text) - len(text.rstrip())
        return text[: len(text) - min(trailing, excess)]
    return text


def _truncate(text: str, width: int, overflow: str, *, pad: bool = False) -> str:
    """Cut text to width as rich.text.Text.truncate does: '…' for ellipsis, else a cut."""
    length = len(text)
    if length > width:
        text = text[: width - 1] + "…" if overflow == "ellipsis" else text[:width]
    if pad and length < width:
        text += " " * (width - length)
    return text


# --------------------------------------------------------------------------- on a terminal
#
# On a terminal Rich keeps the spaces that pad lines and wraps each styled run
# of text in its own escape sequence. The layout is the same as above; the
# text of each cell goes through _StyledText, a copy of the parts of
# rich.text.Text it needs, so runs split and end where Rich's do.

#: SGR codes of the attributes, in the order Rich writes them (Style._make_ansi_codes).
_ATTRIBUTES = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "blink": "5",
    "reverse": "7",
    "strike": "9",
}
_COLOUR_NAMES = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
_COLOURS = {
    **{name: str(30 + number) for number, name in enumerate(_COLOUR_NAMES)},
    **{f"bright_{name}": str(90 + number) for number, name in enumerate(_COLOUR_NAMES)},
}
#: Rich's theme styles used by the views.
_CAPTION_STYLE = "italic dim"  # table.caption
_RULE_STYLE = "bright_green"  # rule.line


def _sgr(text: str, styles: Sequence[str], *, colour: bool) -> str | None:
    """text in the escape sequence of the styles combined (later ones win), as Rich writes it.

    Without colour (a terminal with NO_COLOR, or --color never) Rich writes no
    escape sequences at all.
    """
    if not colour:
        return text
    attributes: set[str] = set()
    colour_code = None
    for style in styles:
        for word in style.split():
            if word in _ATTRIBUTES:
                attributes.add(word)
            elif word in _COLOURS:
                colour_code = _COLOURS[word]
            else:
                return None  # a style this copy does not know
    codes = [code for name, code in _ATTRIBUTES.items() if name in attributes]
    if colour_code:
        codes.append(colour_code)
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes and text else text


class _StyledText:
    """Plain text with spans [start, end, style]: the parts of rich.text.Text used here."""

    __slots__ = ("plain", "spans")

    def __init__(self, plain: str, spans: list[tuple[int, int, str]]) -> None:
        self.plain = plain
        self.spans = spans

    @classmethod
    def of(cls, cell: Cell) -> _StyledText:
        """As Text.assemble builds it: a span for every styled, non-empty run."""
        if isinstance(cell, str):
            return cls(cell, [])
        spans, offset = [], 0
        for span in cell:
            if span.text and span.style:
                spans.append((offset, offset + len(span.text), span.style))
            offset += len(span.text)
        return cls(cell_text(cell), spans)

    def divide(self, offsets: Sequence[int]) -> list[_StyledText]:
        edges = [0, *offsets, len(self.plain)]
        lines = []
        for start, end in pairwise(edges):
            spans = [
                (max(0, s - start), min(e - start, end - start), style)
                for s, e, style in self.spans
            ]
            lines.append(_StyledText(self.plain[start:end], [x for x in spans if x[1] > x[0]]))
        return lines

    def _set_plain(self, plain: str) -> None:
        shorter = len(plain) < len(self.plain)
        self.plain = plain
        if shorter:  # Text._trim_spans
            limit = len(plain)
            self.spans = [(s, min(e, limit), st) for s, e, st in self.spans if s < limit]

    def right_crop(self, amount: int) -> None:
        limit = len(self.plain) - amount
        self.spans = [(s, min(e, limit), st) for s, e, st in self.spans if s < limit]
        self.plain = self.plain[:-amount]

    def rstrip_end(self, size: int) -> None:
        excess = len(self.plain) - size
        if excess > 0:
            trailing = len(self.plain) - len(self.plain.rstrip())
            if trailing:
                self.right_crop(min(trailing, excess))

    def truncate(self, width: int, overflow: str, *, pad: bool = False) -> None:
        length = len(self.plain)
        if length > width:
            cut = self.plain[: width - 1] + "…" if overflow == "ellipsis" else self.plain[:width]
            self._set_plain(cut)
        if pad and length < width:
            self.plain += " " * (width - length)

    def pad_left(self, count: int) -> None:
        if count:
            self.plain = " " * count + self.plain
            self.spans = [(s + count, e + count, st) for s, e, st in self.spans]

    def render(self, base: str, *, colour: bool) -> str | None:
        """Runs between span edges, each in its own escape sequence (as Text.render)."""
        if not self.spans:
            return _sgr(self.plain, (base,), colour=colour)
        edges = sorted(
            {0, len(self.plain), *(s for s, _, _ in self.spans)} | {e for _, e, _ in self.spans}
        )
        out = []
        for start, end in pairwise(edges):
            if end > start:
                styles = [base, *(st for s, e, st in self.spans if s <= start and e >= end)]
                run = _sgr(self.plain[start:end], styles, colour=colour)
                if run is None:
                    return None
                out.append(run)
        return "".join(out)


def _wrap_styled(
    cell: _StyledText, width: int, column: Column, *, justify: str
) -> list[_StyledText]:
    """rich.text.Text.wrap for one-cell text: split at newlines, wrap, justify, truncate."""
    offsets = [i for i, char in enumerate(cell.plain) if char == "\n"]
    pieces = cell.divide([x for offset in offsets for x in (offset, offset + 1)])
    paragraphs = [p for p in pieces if p.plain != "\n"]
    lines: list[_StyledText] = []
    for paragraph in paragraphs:
        if column.no_wrap:
            new_lines = [paragraph]
        else:
            breaks = _divide_line(paragraph.plain, width, fold=column.overflow == "fold")
            new_lines = paragraph.divide(breaks) if breaks else [paragraph]
            for line in new_lines:
                line.rstrip_end(width)
        for line in new_lines:
            if justify == "left":
                line.truncate(width, column.overflow, pad=True)
            elif justify == "right":
                line._set_plain(line.plain.rstrip())
                line.truncate(width, column.overflow)
                line.pad_left(width - len(line.plain))
            line.truncate(width, column.overflow)
        lines.extend(new_lines)
    return lines


def draw_terminal_view(blocks: Sequence[Block], width: int, *, colour: bool) -> str | None:
    """Blocks as Rich writes them to a terminal at width, colour or not; None when unsure."""
    drawn: list[str] = []
    for block in blocks:
        inner = width - block.indent
        if inner < 1:
            return None
        if isinstance(block, RuleBlock):
            # Rule(Text(title, style="bold"), align="left"): the title, a space, the line.
            title = block.title
            if block.indent or not is_one_cell_text(title) or " " in title or "\n" in title:
                return None
            if not title or len(title) + 2 > inner:
                return None
            heading = _sgr(title, ("bold",), colour=colour)
            rule = _sgr(_RULE * (inner - len(title) - 1), (_RULE_STYLE,), colour=colour)
            if heading is None or rule is None:
                return None
            drawn.append(f"{heading} {rule}\n")
            continue
        if isinstance(block, TextBlock):
            styled = _StyledText.of(block.spans)
            if not is_one_cell_text(styled.plain):
                return None
            lines: list[tuple[str, int]] = []
            # Text in a view is not justified: no padding unless indented (below).
            for line in _wrap_styled(styled, inner, Column("", overflow="fold"), justify="default"):
                text = line.render("", colour=colour)
                if text is None:
                    return None
                lines.append((text, len(line.plain)))
        else:
            layout = _layout(block, inner)
            if layout is None or layout.table_width > inner:
                return None  # Rich would crop lines in the middle of escape sequences
            table = _table_lines(block, layout, colour=colour)
            if table is None:
                return None
            lines = [(line, layout.table_width) for line in table]
        for text, visible in lines:
            if block.indent:
                # Padding(..., (0, 0, 0, indent)) pads every line to the width.
                drawn.append(" " * block.indent + text + " " * (inner - visible) + "\n")
            else:
                drawn.append(text + "\n")
    return "".join(drawn)
