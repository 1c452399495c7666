"""Commands that list records: list, context, people, events, sources, pairs, quotes."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..shell.options import Request, complete_people, request, takes
from ..shell.output import Result, in_order
from ..shell.session import database

if TYPE_CHECKING:
    from ..render.blocks import Block

app = typer.Typer()


def sorted_table(
    collection: str,
    rows: Sequence[dict[str, Any]],
    asked: Request,
    table: "Callable[[Sequence[dict[str, Any]]], list[Block]]",
    empty: str,
    title: str = "",
    notes: tuple[str, ...] = (),
) -> Result:
    """The rows in the order asked for (--sort, --reverse), with table(rows) as their view.

    One collection names both the sort fields and the output columns, so the two
    cannot drift apart; the title (of pictures) is `meetings COLLECTION` unless given.
    """
    rows = in_order(rows, collection, asked.sorting)
    return Result(
        collection,
        rows,
        view=lambda _terminal: table(rows),
        empty=empty,
        title=title or f"meetings {collection}",
        notes=notes,
    )


@app.command("list")
@takes("meetings", "meetings", sort=True)
def list_meetings(ctx: typer.Context) -> Result:
    """List meetings in date order (or --sort FIELD), optionally filtered.

    Values of one option are alternatives (--year 2018 --year 2019); different
    options must all hold. A meeting known only to a range of days matches a
    date filter if any day of the range does.
    """
    from ..filters import resolve, seat_notes, selection, why_no_meetings
    from ..query import meeting_records
    from ..render import views

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    rows = meeting_records(db, selection(resolved, "meetings"))
    why = why_no_meetings(db, asked.given, resolved) if not rows else ""
    empty, notes = f"no meetings match{': ' + why if why else ''}", seat_notes(db, resolved)
    return sorted_table("meetings", rows, asked, views.meeting_table, empty, "meetings list", notes)


@app.command()
# An event or a kind of meeting matches no context item: not offered here.
@takes("context", "context", without=("event", "kind"), sort=True)
def context(ctx: typer.Context) -> Result:
    """List what the sources mention that is not a meeting in Moscow (summits, votes, remarks).

    Filters as `list` has them: a date filter keeps items whose dates overlap
    it (undated items only when none is given); --person keeps those that name
    or quote the person; --country, those naming someone from it.
    """
    from ..filters import resolve, selection, undated_left_out, why_empty
    from ..query import context_records
    from ..render import views

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    rows = context_records(db, selection=selection(resolved, "context"))
    empty = "the dataset has no context items"
    if asked.filtered and not rows:
        empty = why_empty(db, asked.given, "context items")
    notes = undated_left_out(db, resolved, "context item")
    return sorted_table("context", rows, asked, views.context_table, empty, notes=notes)


@app.command()
# Its --country is the person's own (nationality), not a participant's.
@takes("people", "people", without=("country", "person"), sort=True)
def people(ctx: typer.Context) -> Result:
    """List everyone in the dataset with country, role and number of meetings.

    --country is the person's own country. The other filters, as `list` has
    them, keep the people who took part in a meeting they select (--with
    Shoigu: everyone who met with Shoigu); the counts stay those of all meetings.
    """
    from ..contract import person_record
    from ..filters import people_selection, resolve, why_empty
    from ..query import people_with_counts
    from ..render import views

    asked = request(ctx)
    db = database(ctx)
    everyone = people_with_counts(db, selection=people_selection(resolve(db, asked.given)))
    rows = [person_record(c.person, c.meetings, c.disputed, c.talks) for c in everyone]
    empty = why_empty(db, asked.given, "people") if asked.filtered else "the dataset has no people"
    return sorted_table("people", rows, asked, views.people_table, empty)


@app.command()
@takes("events", "meetings", without=("event",), sort=True)
def events(ctx: typer.Context) -> Result:
    """List the events (conferences, forums) with the meetings held at each.

    Filters as `list` has them keep the events of the meetings they select
    (each event is still listed with all its meetings).
    """
    from ..contract import event_record
    from ..filters import linked_ids, resolve, why_empty
    from ..render import listings
    from ..report import meeting_ids_at, talks_at
    from ..store import read_dimensions

    asked = request(ctx)
    db = database(ctx)
    kept = linked_ids(db, resolve(db, asked.given), "event")
    dims = read_dimensions(db)
    rows = [
        event_record(dims, e, meeting_ids_at(db, e.id), talks_at(db, e.id))
        for e in sorted(dims.events, key=lambda e: (e.year, e.id))
        if kept is None or e.id in kept
    ]
    empty = (
        why_empty(db, asked.given, "events") if kept is not None else "the dataset has no events"
    )
    return sorted_table("events", rows, asked, listings.events_table, empty)


@app.command()
@takes("sources", "meetings", sort=True)
def sources(ctx: typer.Context) -> Result:
    """List the source articles: outlet, date, and the meetings that cite each.

    Filters as `list` has them keep the sources cited by the meetings they
    select (each still listed with everything that cites it). `meetings source
    ID` prints one article's text.
    """
    from ..contract import source_record
    from ..filters import linked_ids, resolve, why_empty
    from ..render import listings
    from ..report import citing
    from ..store import read_dimensions

    asked = request(ctx)
    db = database(ctx)
    kept = linked_ids(db, resolve(db, asked.given), "source")
    rows = [
        source_record(s, *citing(db, s.id))
        for s in read_dimensions(db).sources
        if kept is None or s.id in kept
    ]
    none = "the dataset has no sources"
    empty = why_empty(db, asked.given, "sources") if kept is not None else none
    return sorted_table("sources", rows, asked, listings.sources_table, empty)


@app.command()
@takes("pairs", "meetings", sort=True)
def pairs(ctx: typer.Context) -> Result:
    """Every pair of people who met: how many meetings, in which years, most first.

    Takes the filters of `list` (they choose the meetings; every pair at them
    is listed). Alternative readings of one seat did not meet each other; a
    pair is disputed (? in the table) when either is named by only some sources.
    JSON, JSON Lines and CSV are written as the pairs are made, however many; a
    table shows at most 10,000 pairs, and --sort and --reverse take at most 100,000
    (exit 2 above those).
    """
    from ..filters import count_kept, resolve, selection, why_no_meetings
    from ..pairing import meeting_pairs
    from ..render import listings
    from ..render.streamed import PairStream, pair_records

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    found = meeting_pairs(db, selection(resolved, "meetings"))
    why = why_no_meetings(db, asked.given, resolved) if asked.filtered else ""
    if asked.filtered and not why:  # meetings kept, each with one person (an address)
        kept = count_kept(db, resolved, "meetings")
        why = f"the {kept} meeting{'s' if kept != 1 else ''} kept had one participant each"
    empty = "no pairs of people met in the meetings that match" + (f": {why}" if why else "")
    if asked.output.format != "table" and asked.sorting is None:
        return Result("pairs", stream=PairStream(found), empty=empty)
    rows = pair_records(found, table=asked.output.format == "table")
    return sorted_table("pairs", rows, asked, listings.pairs_table, empty)


@app.command()
@takes("quotes", "meetings", sort=True)
def quotes(
    ctx: typer.Context,
    speaker: Annotated[
        Optional[list[str]],
        typer.Option(
            "--speaker",
            "-s",
            metavar="NAME",
            help="Only this speaker's quotes: a name in any spelling or script (repeatable).",
            show_default=False,
            autocompletion=complete_people,
        ),
    ] = None,
) -> Result:
    """List every quote: its words, speaker, date, meeting or context item, and source.

    Takes the filters of `list`; they keep context items' quotes as `context`
    keeps the items (an event or a kind keeps none). An undated item's quotes
    are left out by a date filter, and a note says how many. --format csv and
    jsonl give one row per quote.
    """
    from ..errors import UsageError, refuse_option_as_value
    from ..filters import resolve, selection, undated_left_out, why_no_meetings, why_unquoted
    from ..query import person_index, resolve_person
    from ..render import views
    from ..report import quotes as quotes_of

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    index = person_index(db)
    for name in speaker or ():
        refuse_option_as_value("--speaker", name)
        if not name:
            raise UsageError("--speaker '' names no one: give a name")
    speakers = tuple(dict.fromkeys(resolve_person(index, s).id for s in speaker or ()))
    chosen = (selection(resolved, "meetings"), selection(resolved, "context"))
    rows = quotes_of(db, *chosen, speakers=speakers)
    notes = undated_left_out(db, resolved, "context item", quoting=speakers or True)
    empty = ""
    if not rows:
        why = why_no_meetings(db, asked.given, resolved, "quotes") if asked.given else ""
        if speakers and not why:  # the filters do not say why: the speakers
            why = why_unquoted(db, speakers, asked.given)
        empty = "no quotes match" + (f": {why}" if why else "")
    return sorted_table("quotes", rows, asked, views.quotes_table, empty, notes=notes)
