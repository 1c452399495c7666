"""Passages of the articles in views: a quote or a claim's evidence in its sentence,
and a whole article with its quoted passages marked."""

import re
from collections.abc import Sequence
from typing import Any

from .blocks import (
    Block,
    Cell,
    FieldsBlock,
    RuleBlock,
    Span,
    TextBlock,
    _curator,
    _one_line,
    _text,
    heading,
    merged_spans,
)
from .text import printable

#: How a quoted passage is marked where there is no terminal to highlight it.
QUOTE_OPEN, QUOTE_CLOSE = ">>> ", " <<<"
QUOTE_STYLE = "bold reverse"


def _marked(text: str, spans: Sequence[tuple[int, int]], marks: bool) -> list[Span]:
    """text in runs, the spans (sorted, merged where they overlap) highlighted or marked."""
    merged = merged_spans(spans)
    runs, position = [], 0
    for start, end in merged:
        quoted = printable(text[start:end])
        runs += [
            Span(printable(text[position:start])),
            Span(QUOTE_OPEN + quoted + QUOTE_CLOSE) if marks else Span(quoted, QUOTE_STYLE),
        ]
        position = end
    runs.append(Span(printable(text[position:])))
    return [run for run in runs if run.text]


def source_view(
    record: dict[str, Any], quotes: Sequence[dict[str, Any]], *, highlight: bool, marks: bool
) -> list[Block]:
    """The `source` view: the article's metadata, then its text, quoted passages highlighted
    (or, with marks, set between >>> and <<<) if highlight."""
    published = record["published"] or "—"
    if record["published_basis"]:
        published += f" ({record['published_basis']})"
    fields: list[tuple[str, Cell]] = [
        ("Outlet", _one_line(record["outlet"] or "—")),
        ("Published", published),
        ("How dated", _one_line(record["published_how"] or "—")),
        ("File", _one_line(record["file"])),
        ("Cited by", ", ".join([*record["meetings"], *record["context"]]) or "—"),
    ]
    if record["notes"]:
        fields.append(("Notes", _one_line(record["notes"])))
    blocks: list[Block] = [
        heading(record["id"], _one_line(record["title"] or "")),
        FieldsBlock(fields),
    ]
    if highlight:
        # Worded without the marks themselves, so that counting them counts passages.
        places = sum(len(q["spans"]) for q in quotes)
        line = f"Quoted: {len(quotes)} quote{'s' if len(quotes) != 1 else ''}"
        line += f", at {places} place{'s' if places != 1 else ''} in the text"
        missing = [q for q in quotes if not q["spans"]]
        line += f"; {len(missing)} not found in it" if missing else ""
        blocks.append(_text(line, "dim"))
    spans = [(s["start"], s["end"]) for q in quotes for s in q["spans"]] if highlight else []
    blocks.append(RuleBlock("Article"))
    # Trailing white space only is cut: the offsets of the spans stay those of the text.
    blocks.append(TextBlock(tuple(_marked(record["text"].rstrip(), spans, marks))))
    return blocks


def quote_blocks(
    quotes: Sequence[dict[str, Any]],
    passages: Sequence[tuple[str, str, int, int] | None] | None,
    *,
    marks: bool,
) -> list[Block]:
    """A `Quotes` section: each quote, and under it the sentence of its article that holds
    it, the quote highlighted (or marked, with marks)."""
    blocks: list[Block] = [_text("Quotes", "bold")]
    for number, quote in enumerate(quotes):
        said = f"“{quote['text']}” — {quote['speaker']}{_curator(quote.get('speaker_basis'))}"
        said += f" [{quote['source']}]"
        if quote.get("speaker_how"):
            said += f" (speaker: {quote['speaker_how']})"
        blocks.append(_text(_one_line(said), indent=2))
        passage = passages[number] if passages else None
        if passages is None:
            continue
        if passage is None:
            blocks.append(_text("not found in the article's text", "dim", indent=4))
            continue
        _, text, start, end = passage
        spans = (Span("in the article: ", "dim"), *_marked(_flat(text), [(start, end)], marks))
        blocks.append(TextBlock(spans, indent=4))
    return blocks


def _flat(text: str) -> str:
    """Text on one line, each character kept (so offsets into it stay right)."""
    return re.sub(r"\s", " ", text)
