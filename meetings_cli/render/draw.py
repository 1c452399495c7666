"""Views drawn by Rich: the only module that imports it.

One Console, configured here, decides terminal, width and colour (NO_COLOR,
FORCE_COLOR, TERM) as Rich does; `--color always|never` only overrides it.
Text reaches Rich as `Text` objects, never as markup, so `[bold]` in the data
is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..store import Progress
from .blocks import (
    Block,
    Cell,
    FieldsBlock,
    RuleBlock,
    Span,
    Surface,
    TableBlock,
    TextBlock,
    cell_text,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

#: A view, or a function making it for where it is drawn (a terminal or not; styled or not).
View = Sequence[Block] | Callable[[Surface], Sequence[Block]]

#: Wide enough for any table to be measured at its natural width.
_UNCONSTRAINED = 100_000
#: Stacked fields put their label on a line of its own when it would take more than this.
_MAX_LABEL_SHARE = 0.4


def make_console(
    out: TextIO, color: str = "auto", *, record: bool = False, width: int | None = None
) -> Console:
    """The Rich console for out: auto lets Rich decide; always and never override it."""
    from rich.console import Console

    overrides: dict[str, Any] = {}
    if color == "always":
        overrides = {"force_terminal": True, "no_color": False}
    elif color == "never":
        overrides = {"color_system": None}
    return Console(
        file=out,
        markup=False,
        highlight=False,
        emoji=False,
        record=record,
        width=width,
        **overrides,
    )


def draw(
    out: TextIO,
    view: View,
    *,
    color: str = "auto",
    svg: str | Path | None = None,
    html: str | Path | None = None,
    title: str = "meetings",
) -> None:
    """Draw a view's blocks one under the other; also save it as SVG or HTML if asked.

    The picture shows what a terminal shows (box lines, colour unless --color
    never), at the width of out, whatever out is: out gets the same text as
    without a picture.
    """
    console = make_console(out, color)
    if console.is_terminal and _is_tty(out):
        console.print(_group(console, view))
    else:
        # Off a terminal (--color always into a pipe too), drop the spaces Rich pads every
        # line with.
        with console.capture() as capture:
            console.print(_group(console, view))
        out.write("".join(_unpadded(line) + "\n" for line in capture.get().splitlines()))
    if svg or html:
        import io

        kind = "never" if color == "never" else "always"
        picture = make_console(io.StringIO(), kind, record=True, width=console.width)
        # Cropped to what the view takes: a wide terminal's empty right side is left out.
        needed = picture.measure(_group(picture, view)).maximum
        if needed < console.width:
            picture = make_console(io.StringIO(), kind, record=True, width=max(needed, 20))
        picture.print(_group(picture, view))
        if svg:
            picture.save_svg(str(svg), title=title, clear=False, code_format=_svg_format(title))
        if html:
            picture.save_html(str(html), clear=False, code_format=_html_format(title))


def _html_format(title: str) -> str:
    """Rich's HTML page with a <title>: the command, inert (escaped for HTML and for the
    template's own braces)."""
    from rich._export_format import CONSOLE_HTML_FORMAT

    shown = f"<title>{_inert(title)}</title>"
    return CONSOLE_HTML_FORMAT.replace("<head>\n", f"<head>\n{shown}\n", 1)


def _svg_format(title: str) -> str:
    """Rich's SVG picture with a <title> element (what screen readers and browsers show),
    besides the title Rich draws in the window's frame."""
    from rich._export_format import CONSOLE_SVG_FORMAT

    opening = 'xmlns="http://www.w3.org/2000/svg">\n'
    shown = f"    <title>{_inert(title)}</title>\n"
    return CONSOLE_SVG_FORMAT.replace(opening, opening + shown, 1)


def _inert(title: str) -> str:
    """title escaped for XML and HTML, and for the braces of Rich's templates."""
    import html

    return html.escape(title, quote=True).replace("{", "{{").replace("}", "}}")


def _group(console: Console, view: View) -> RenderableType:
    """The view's blocks as one renderable, drawn as for a terminal if console is one that
    shows styles."""
    from rich.console import Group

    styled = console.is_terminal and console.color_system is not None
    blocks = view(Surface(console.is_terminal, styled)) if callable(view) else view
    return Group(*(renderable for block in blocks for renderable in _renderables(console, block)))


def _renderables(console: Console, block: Block) -> list[RenderableType]:
    from rich.padding import Padding

    width = console.width - block.indent
    drawn: list[RenderableType]
    if isinstance(block, TextBlock):
        drawn = [_text(block.spans)]
    elif isinstance(block, RuleBlock):
        from rich.rule import Rule

        drawn = [Rule(_text((Span(block.title, "bold"),)), align="left")]
    elif isinstance(block, FieldsBlock):
        drawn = _fields(console, [block.fields], width)
    else:
        table = _table(block)
        drawn = [table] if _fits(console, table, block, width) else _stacked(console, block, width)
    if block.indent:
        return [Padding(item, (0, 0, 0, block.indent)) for item in drawn]
    return drawn


#: Spaces at the end of a line, before the codes that end its styles (--color always).
_PADDING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")


def _unpadded(line: str) -> str:
    """line without the spaces Rich pads it with, inside its last styles too."""
    return _PADDING.sub(r"\1", line.rstrip(" "))


def _is_tty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # no such method, or closed
        return False


def _text(cell: Cell) -> Text:
    """Rich Text for a cell: its runs of text with their styles, never markup."""
    from rich.text import Text

    if isinstance(cell, str):
        return Text(cell)
    return Text.assemble(*((span.text, span.style) for span in cell))


def _table(spec: TableBlock) -> Table:
    from rich import box
    from rich.table import Table

    if spec.grid:
        table = Table.grid(padding=(0, 2))
    else:
        table = Table(
            box=box.SIMPLE_HEAD,
            header_style="bold",
            pad_edge=False,
            show_edge=False,
            padding=(0, 1, 0, 0),
            caption=spec.caption,
            caption_justify="left",
        )
    for column in spec.columns:
        table.add_column(
            column.header,
            justify=column.justify,
            # Only the wrapping column gives way when space is short, so Rich never
            # squeezes an id or a date; _fits decides whether it can give enough.
            no_wrap=not column.wrap,
            overflow="fold",
            min_width=column.min_width,
        )
    for row in spec.rows:
        table.add_row(*(_text(cell) for cell in row))
    return table


def _fits(console: Console, table: Table, spec: TableBlock, width: int) -> bool:
    """True if the table fits width without breaking a word of its wrapping column.

    That is the table's natural width (Rich's measure, unconstrained) less what
    the wrapping column can give up by wrapping at spaces: its widest line less
    its longest word (or its min_width, if wider: prose narrower reads worse than
    stacked).
    """
    from rich.measure import Measurement

    if width < 1:
        return False
    unconstrained = console.options.update_width(_UNCONSTRAINED)
    natural = Measurement.get(console, unconstrained, table).maximum
    for column, drawn in zip(spec.columns, table.columns, strict=True):
        if column.wrap:
            cells = [*drawn.cells, *((drawn.header,) if table.show_header else ())]
            sizes = [Measurement.get(console, unconstrained, cell) for cell in cells]
            narrowest = max(max(m.minimum for m in sizes), column.min_width or 0)
            natural -= max(0, max(m.maximum for m in sizes) - narrowest)
    return natural <= width


def _stacked(console: Console, spec: TableBlock, width: int) -> list[RenderableType]:
    """The table for a narrow terminal: each row a block of `header: value` lines."""
    records = [
        [
            (column.header, cell)
            for column, cell in zip(spec.columns, row, strict=True)
            if cell_text(cell)
        ]
        for row in spec.rows
    ]
    drawn = _fields(console, records, width)
    if spec.caption:
        drawn += [_text(""), _text(spec.caption)]
    return drawn


def _fields(
    console: Console, records: Sequence[Sequence[tuple[str, Cell]]], width: int
) -> list[RenderableType]:
    """Records of `label: value` lines, a blank line apart; values wrap under themselves.

    Where a value's longest word would not fit beside the labels, or the labels
    would take too much of the line, each label goes on a line of its own.
    """
    from rich.measure import Measurement
    from rich.padding import Padding
    from rich.table import Table

    lines = [[(f"{label}:" if label else "", _text(cell)) for label, cell in r] for r in records]
    label_width = max((len(label) for line in lines for label, _ in line), default=0)
    if not label_width:  # values alone (a record's heading): one under the other
        return [value for line in lines for _, value in line]
    options = console.options.update_width(_UNCONSTRAINED)
    longest_word = max(
        (Measurement.get(console, options, value).minimum for line in lines for _, value in line),
        default=0,
    )
    if label_width + 1 + longest_word > width or label_width + 1 > width * _MAX_LABEL_SHARE:
        drawn: list[RenderableType] = []
        for number, line in enumerate(lines):
            drawn += [_text("")] if number else []
            for label, value in line:
                drawn += [_text((Span(label, "bold"),))] if label else []
                drawn.append(Padding(value, (0, 0, 0, 2 if label else 0)))
        return drawn
    # One grid for every record: Rich lays out its columns once.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=label_width)
    grid.add_column(overflow="fold")
    for number, line in enumerate(lines):
        if number:
            grid.add_row()
        for label, value in line:
            grid.add_row(_text((Span(label, "bold"),)), value)
    return [grid]


class CompileProgress(Progress):
    """Rich's progress bar on standard error (files, records, stage), shown only once a
    compile has taken a second: quick ones draw nothing."""

    def __init__(self, delay: float = 1.0) -> None:
        import time

        self.clock = time.monotonic
        self.shown_after = self.clock() + delay
        self.bar: Any = None
        self.task: Any = None
        self.files, self.files_read, self.records, self.what = 0, 0, 0, "compiling"

    def start(self, files: int) -> None:
        """A compile that reads this many changed data files begins."""
        self.files = files

    def file_read(self, name: str, records: int) -> None:
        """One more data file was read."""
        self.files_read += 1
        self.records += records
        self._show(f"read {name}")

    def stage(self, what: str) -> None:
        """A stage other than reading began."""
        self._show(what)

    def finish(self) -> None:
        """The compile is over: remove the bar."""
        if self.bar is not None:
            self.bar.stop()

    def _show(self, what: str) -> None:
        from .text import printable

        self.what = printable(what, one_line=True)
        if self.bar is None and self.clock() >= self.shown_after:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            files = "{task.completed}/{task.total} files, {task.fields[records]:,} records"
            self.bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn(files),
                TimeElapsedColumn(),
                console=Console(stderr=True, markup=False, highlight=False),
                transient=True,
            )
            self.task = self.bar.add_task(self.what, total=self.files, records=0)
            self.bar.start()
        if self.bar is not None:
            self.bar.update(
                self.task, completed=self.files_read, records=self.records, description=self.what
            )
