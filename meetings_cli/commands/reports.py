"""Commands that report on many meetings at once: timeline, graph, stats, audit."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError, echo
from ..shell.options import GRAPH_FORMATS, request, takes
from ..shell.output import Result, in_order
from ..shell.session import database
from .lists import sorted_table

app = typer.Typer()


@app.command()
@takes("timeline", "meetings")
def timeline(
    ctx: typer.Context,
    ascii_only: Annotated[
        bool,
        typer.Option("--ascii", help="Plain ASCII, no rules or dashes (the default when piped)."),
    ] = False,
    ids: Annotated[
        bool,
        typer.Option("--ids", help="Each meeting's id at the end of its line (for `show ID`)."),
    ] = False,
) -> Result:
    """Meetings by year and event, one line each: date, counterpart, country, kind.

    Takes the filters of `list`. Dates show their precision (3 Apr, 3–6 Apr)
    and ~ marks an inferred date; records where sources disagree are marked.
    """
    from ..contract import StoredRecords
    from ..filters import meeting_selection, why_empty
    from ..render import records, views
    from ..report import principal_ids
    from ..report import timeline as group_by_year

    asked = request(ctx)
    db = database(ctx)
    years = records.timeline_record(group_by_year(db, meeting_selection(db, asked.given)))
    principals = principal_ids(db) if asked.output.format == "table" else frozenset()
    return Result(
        "timeline",
        StoredRecords([m for y in years for e in y["events"] for m in e["meetings"].texts]),
        value=years if asked.output.format == "json" and years else None,
        # ASCII off a terminal (a pipe, a file); on one, --color never drops only colour.
        view=lambda surface: views.timeline_view(
            years, principals, ascii_only=ascii_only or not surface.terminal, ids=ids
        ),
        empty=why_empty(db, asked.given, "meetings") if not years else "",
        title="meetings timeline",
    )


@app.command()
@takes("graph", "meetings", formats=GRAPH_FORMATS, pictures=False)
def graph(ctx: typer.Context) -> Result:
    """Who met whom: people as nodes, an edge per pair weighted by meetings, with years.

    Takes the filters of `list`. Edges through a participant only some sources
    name are marked disputed (dashed in dot and mermaid). A node's `meetings` in
    JSON counts all of the person's meetings, whatever the filters (as `people`).
    """
    from ..filters import resolve, selection, why_no_meetings
    from ..pairing import meeting_graph
    from ..render.streamed import GraphStream

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    found = meeting_graph(db, selection(resolved, "meetings"))
    why = why_no_meetings(db, asked.given, resolved) if asked.filtered else ""
    empty = f"no meetings match: {why}" if why else "no meetings match"
    if asked.filtered and not why:  # meetings, but nobody met anybody
        empty = "no two people met in the meetings that match"
    return Result("graph", stream=GraphStream(found), empty=empty)


@app.command()
@takes("stats", "meetings", sort=True)
def stats(ctx: typer.Context) -> Result:
    """Count engagements (meeting records of any kind) by year, country, kind and topic.

    Takes the filters of `list`. A meeting counts under every country among its
    participants and every topic it has, so those columns add up to more than the
    number of meetings.
    """
    from ..filters import meeting_selection, why_empty
    from ..render import listings, records
    from ..report import statistics

    asked = request(ctx)
    db = database(ctx)
    counts = statistics(db, meeting_selection(db, asked.given))
    for dimension, pairs in counts.items():
        rows: list[dict[str, Any]] = [
            {"dimension": dimension, "value": v, "count": n} for v, n in pairs
        ]
        counts[dimension] = [
            (r["value"], r["count"]) for r in in_order(rows, "stats", asked.sorting)
        ]
    if not counts["kind"]:
        return Result("stats", empty=why_empty(db, asked.given, "meetings"))
    by_dimension = records.stats_record(counts)
    return Result(
        "stats",
        records.stats_rows(counts),
        value=by_dimension if asked.output.format == "json" else None,
        view=lambda _terminal: listings.stats_tables(by_dimension),
        title="meetings stats",
    )


def _issues_from(incomplete: str) -> list[str]:
    from ..report import ISSUES

    return [issue for issue in ISSUES if issue.startswith(incomplete)]


@app.command()
@takes("audit", "meetings", sort=True)
def audit(
    ctx: typer.Context,
    issue: Annotated[
        Optional[list[str]],
        typer.Option(
            "--issue",
            "-i",
            metavar="ISSUE",
            help="Only findings of this kind (repeatable): disagreement, inferred-date,"
            " curator-supplied, inferred-publication-date, curator-speaker, curator-claim,"
            " no-evidence.",
            autocompletion=lambda incomplete: _issues_from(incomplete),
        ),
    ] = None,
) -> Result:
    """List every place where sources disagree, a date is inferred, or a fact is the
    curators' rather than the articles', and every claim without evidence.

    Filters keep the findings about the records they keep elsewhere: the
    meetings of `list`, the items of `context`, and the people, events and
    sources of those meetings.
    """
    from ..filters import linked_ids, resolve, why_no_meetings
    from ..render import listings, records
    from ..report import ISSUES
    from ..report import audit as find_uncertainties

    asked = request(ctx)
    wanted = {kind.lower() for kind in issue or ()}
    unknown = sorted(wanted.difference(ISSUES))
    if unknown:
        raise UsageError(
            f"invalid value for --issue: {echo(unknown[0])} (choose from {', '.join(ISSUES)})"
        )
    db = database(ctx)
    resolved = resolve(db, asked.given)
    findings = [f for f in find_uncertainties(db) if not wanted or f.issue in wanted]
    kept = {kind: linked_ids(db, resolved, kind) for kind in {f.record for f in findings}}
    rows = [
        records.finding_record(f)
        for f in findings
        if kept[f.record] is None or f.id in (kept[f.record] or ())
    ]
    if not rows and not asked.filtered and not wanted:
        note = "meetings: nothing to report: every date is stated and no sources disagree"
        return Result("audit", notes=(note,))
    kinds = " or ".join(sorted(wanted))
    empty = f"no findings of kind {kinds}" if wanted else "no findings"
    if asked.filtered and not rows:
        why = why_no_meetings(db, asked.given, resolved)
        empty += " about the records that match" + (f": {why}" if why else "")
    return sorted_table("audit", rows, asked, listings.audit_table, empty)
