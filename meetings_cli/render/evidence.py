"""The `show` view of any record: its fields, then each claim of its prose with the
article passages it rests on, highlighted in their sentences (as quotes are)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .blocks import Block, Span, TextBlock, _one_line, _text
from .passages import _flat, _marked
from .views import (
    CURATOR_MARK,
    INFERRED_MARK,
    _has_curator_mark,
    context_view,
    meeting_view,
    record_view,
)

#: How a claim's basis reads in the view.
_BASIS = {
    "stated": "",
    "inferred": " [inferred]",
    "curator": " [curator]",
    None: " [no evidence recorded]",
}


def show_view(
    kind: str,
    record: dict[str, Any],
    passages: Sequence[tuple[str, str, int, int] | None] | None,
    *,
    marks: bool,
) -> list[Block]:
    """A record in full (record: with evidence spans, see report.with_evidence_spans)."""
    claims = record.get("claims") or []
    if kind == "meeting":
        blocks = meeting_view(record, passages, marks=marks)
    elif kind == "context":
        blocks = context_view(record, passages, marks=marks)
    else:
        shown = {key: value for key, value in record.items() if key != "claims"}
        blocks = record_view(shown, passages, marks=marks)
    legends = (CURATOR_MARK, INFERRED_MARK)
    while blocks and isinstance(blocks[-1], TextBlock) and blocks[-1].spans[0].text in legends:
        blocks.pop()  # said again below, once the claims are shown too
    blocks += claim_blocks(claims, marks=marks)
    for legend in legends:
        if _has_curator_mark(blocks, legend[: legend.index("]") + 1]):
            blocks.append(_text(legend, "dim"))
    return blocks


def claim_blocks(claims: Sequence[dict[str, Any]], *, marks: bool) -> list[Block]:
    """An `Evidence` section: each claim (where it stands, its words, its basis), then
    each passage it rests on in its article's sentence, the passage highlighted."""
    if not claims:
        return []
    blocks: list[Block] = [_text("Evidence", "bold")]
    for claim in claims:
        basis = _BASIS.get(claim["basis"], f" [{claim['basis']}]")
        said = f"{claim['field']}: {claim['text']}{basis}"
        blocks.append(_text(_one_line(said), indent=2))
        for passage in claim["evidence"]:
            sentence, at = passage.get("sentence"), passage.get("at")
            label = Span(f"{passage['source']}: ", "dim")
            if sentence is None or at is None:
                quoted = f"“{_one_line(passage['text'])}” (not found in the article's text)"
                blocks.append(TextBlock((label, Span(quoted)), 4))
                continue
            runs = _marked(_flat(sentence), [(at["start"], at["end"])], marks)
            blocks.append(TextBlock((label, *runs), 4))
        if claim.get("how"):
            blocks.append(TextBlock((Span("how: ", "dim"), Span(_one_line(claim["how"]))), 4))
    return blocks
