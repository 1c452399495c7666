"""Tables of the dataset's other records: events, sources, stats, pairs, audit findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import KIND_LABELS
from .blocks import Block, _curator, _text
from .text import date_and_seat_legend
from .views import CURATOR_MARK, _plain_table, event_dates


def events_table(records: Sequence[dict[str, Any]]) -> list[Block]:
    """The `events` table."""
    # The name over the place, as the date over the speaker in `quotes`: the prose wraps in
    # one column, and the table fits 80 columns.
    rows = [
        (
            event_dates(r).replace(" [", "\n["),
            r["id"],
            f"{r['name']}{_curator(r['name_basis'])}\n{r['location']}{_curator(r['location_basis'])}",
            str(r["talks"]),
            str(len(r["meetings"])),
        )
        for r in records
    ]
    headers = ("Dates", "ID", "Name / location", "Talks", "Engagements")
    curated = any("[curator]" in cell for row in rows for cell in row)
    legend = "\n".join((EVENT_COUNTS, CURATOR_MARK) if curated else (EVENT_COUNTS,))
    return _plain_table(headers, rows, wide=2, right=(3, 4), caption=legend, narrowest=24)


#: What the counts of `events` count.
EVENT_COUNTS = (
    "Talks: meetings with counterparts at the event · Engagements: all its records (talks,"
    " an address), whatever the filters"
)


def sources_table(records: Sequence[dict[str, Any]]) -> list[Block]:
    """The `sources` table: outlet, date and what cites each source."""
    rows = []
    for r in records:
        published = r["published"] or "—"
        if r["published_basis"] == "inferred":
            published = "~" + published
        cited = "\n".join(r["meetings"]) or "—"
        rows.append((r["id"], r["outlet"] or "—", published, cited))
    dates = [row[2] for row in rows]
    given = date_and_seat_legend(dates, ())
    legend = " · ".join(filter(None, (given, "— no date given" * ("—" in dates)))) or None
    return _plain_table(("ID", "Outlet", "Published", "Meetings"), rows, wide=1, caption=legend)


def stats_tables(stats: dict[str, dict[str, int]]) -> list[Block]:
    """The `stats` view: a titled table per dimension, a blank line apart, counts at the right."""
    blocks: list[Block] = []
    for number, (dimension, counts) in enumerate(stats.items()):
        blocks += [_text("")] if number else []
        blocks.append(_text(f"Engagements by {dimension}", "bold"))
        # Kinds in the words `list` and `timeline` use (--kind takes either).
        named = KIND_LABELS if dimension == "kind" else {}
        rows = [(named.get(value, value), str(count)) for value, count in counts.items()]
        blocks += _plain_table((dimension.capitalize(), "Engagements"), rows, wide=0, right=(1,))
    return blocks


def pairs_table(pairs: Sequence[dict[str, Any]]) -> list[Block]:
    """The `pairs` table: who met whom, how often and in which years; in each row the person
    with more meetings in all first (as `graph` puts the most connected at the left)."""
    meetings: dict[str, int] = {}
    for p in pairs:
        for side in ("a", "b"):
            meetings[p[f"person_{side}"]] = meetings.get(p[f"person_{side}"], 0) + p["count"]
    rows = []
    for p in pairs:
        first, second = ("a", "b")
        if meetings[p["person_b"]] > meetings[p["person_a"]]:
            first, second = second, first
        rows.append(
            (
                f"{p[f'name_{first}']} ({p[f'country_{first}']})",
                f"{p[f'name_{second}']} ({p[f'country_{second}']})",
                str(p["count"]) + ("?" if p["disputed"] else ""),
                ", ".join(map(str, p["years"])),
            )
        )
    disputed = any(p["disputed"] for p in pairs)
    legend = "? with a participant named by only some sources" if disputed else None
    headers = ("Person", "Met", "Meetings", "Years")
    return _plain_table(headers, rows, wide=1, right=(2,), caption=legend)


def audit_table(findings: Sequence[dict[str, Any]]) -> list[Block]:
    """The `audit` table: every disagreement and inferred date."""
    rows = [(f"{f['record']} {f['id']}\n{f['issue']}", f["detail"]) for f in findings]
    return _plain_table(("Where", "What"), rows, wide=1)
