"""The search command: meetings, context items and the articles' texts, best match first."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..shell.options import request, takes
from ..shell.output import Result, in_order
from ..shell.session import database
from ..shell.typer_adapter import whole_number

if TYPE_CHECKING:
    import sqlite3

    from ..filters import Given

app = typer.Typer()


class SearchIn(str, Enum):
    """What `search` looks in."""

    meetings = "meetings"
    sources = "sources"


@app.command()
@takes("search", "meetings", sort=True)
def search(
    ctx: typer.Context,
    text: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help='Words to look for, "exact phrases", OR, -word, field:word, word* (see below).',
        ),
    ],
    exclude: Annotated[
        Optional[list[str]],
        typer.Option(
            "--not",
            metavar="WORD",
            help="Leave out what holds this word (repeatable); the same as -WORD.",
            show_default=False,
        ),
    ] = None,
    where: Annotated[
        SearchIn,
        typer.Option(
            "--in",
            help="meetings (and context items), or sources: the articles' own texts.",
            case_sensitive=False,
        ),
    ] = SearchIn.meetings,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            click_type=whole_number(0, 2**31, "a number of results", "20"),
            help="At most this many results (0: all).",
        ),
    ] = 20,
) -> Result:
    """Search summaries, titles, topics, quotes, events, places and names, best match first.

    Every word must be found, as written or in another form of it (meeting finds
    meetings; U.S., US and United States are one term, as data/terms.yaml lists;
    names in any spelling). A misspelt word that is not an English word is
    corrected, and the correction said ("terorism"); a real word that no record
    holds finds nothing, with the nearest words as a hint. More than 8 words (a
    pasted passage) are ranked by how many of them a record holds.

    Operators: "exact phrase" (quote it for the shell too: '"fight against
    terrorism"'); a OR b; -word or --not word to leave out what holds it (put
    -word after --, as in `search -- syria -terrorism`: every word after -- is
    query text, and an option there is refused); word* for any word it begins;
    field:word to look in one field only: person:, country:, topic:, quote:,
    summary:, title:, event:, location:, notes:.

    --in sources searches the source articles' texts instead (field prefixes do
    not apply). Takes the filters of `list`: they keep meetings as `list` does
    and context items as `context` does (--event and --kind keep none); with
    --in sources, the articles cited by the meetings they select.
    """
    from ..errors import echo
    from ..filters import resolve, selection
    from ..render import records, views
    from ..search import search_meetings, search_sources

    asked = request(ctx)
    db = database(ctx)
    resolved = resolve(db, asked.given)
    chosen = selection(resolved, "meetings")
    query = " ".join(text)
    in_meetings = where is SearchIn.meetings
    collection = "search" if in_meetings else "source_search"
    # In another order, the first N of every hit, not the best N put in that order.
    best = limit or None if asked.sorting is None else None
    if in_meetings:
        # Context items are kept by the filters as `context` keeps them (--event, --kind: none).
        items = selection(resolved, "context")
        searched = search_meetings(db, query, chosen, best, context=items, excluded=exclude or ())
        rows = [records.search_record(hit) for hit in searched.hits]
    else:
        from ..store import read_dimensions

        searched = search_sources(
            db, query, chosen if asked.filtered else None, best, excluded=exclude or ()
        )
        dims = read_dimensions(db)
        rows = [
            records.source_search_record(dims.source_by_id[hit.source], hit)
            for hit in searched.hits
        ]
    rows = in_order(rows, collection, asked.sorting)[: limit or None]
    either = " (for either of two words, write OR in capitals)" if " or " in query else ""
    if not rows and asked.filtered and not searched.missing:
        either += _left_out_by_filters(db, asked.given, query, in_meetings, exclude or ())
    elif not rows and in_meetings and not searched.missing:
        either += _words_apart(db, query, exclude or ())
    return Result(
        collection,
        rows,
        view=lambda _terminal: (
            views.search_table(rows) if in_meetings else views.source_search_table(rows)
        ),
        empty=searched.missing
        or f"no {'records' if in_meetings else 'articles'} match {echo(query)}{either}",
        notes=searched.notes,
        title=f"meetings search {query}",
    )


def _left_out_by_filters(
    db: "sqlite3.Connection",
    given: "Given",
    query: str,
    in_meetings: bool,
    excluded: Sequence[str],
) -> str:
    """When a search that filters found nothing: how many records (or articles) the
    query finds without the filters, and why the filters keep none of them."""
    from ..errors import echo
    from ..filters import given_text, resolve, why_no_meetings
    from ..query import Selection
    from ..search import search_meetings, search_sources

    everything = Selection("1", ())
    if in_meetings:
        found, noun = (
            len(
                search_meetings(
                    db, query, everything, None, context=everything, excluded=excluded
                ).hits
            ),
            "record",
        )
    else:
        found, noun = len(search_sources(db, query, None, None, excluded=excluded).hits), "article"
    if not found:
        return ""
    why = why_no_meetings(db, given, resolve(db, given))
    return (
        f": {echo(query)} is in {found} {noun}{'s' if found != 1 else ''}, none of them kept by"
        f" {given_text(given)}" + (f" ({why})" if why else "")
    )


def _words_apart(db: "sqlite3.Connection", query: str, excluded: Sequence[str]) -> str:
    """When every word of a plain query is in some record and none holds them all: how many
    hold each; when the words left out (-word, --not) are what left nothing: how many."""
    from ..errors import echo
    from ..grammar import parse_query
    from ..query import QueryError, Selection
    from ..search import search_meetings

    parsed = parse_query(query, excluded)
    # A clause a word typed (a hyphened word is a phrase or one word: a clause still).
    plain = '"' not in query and not any(
        term.column or term.prefix for clause in parsed.clauses for term in clause
    )
    words = query.split()
    wanted = [w for w in words if not w.startswith("-")]
    left_out = [w[1:] for w in words if w.startswith("-") and len(w) > 1] + list(excluded)
    if not plain or len(wanted) != len(parsed.clauses):
        return ""  # phrases, OR, fields, common words: their own rules

    def found(text: str) -> int:
        every = Selection("1", ())
        try:
            return len(search_meetings(db, text, every, None, context=every).hits)
        except QueryError:  # a common word alone, say: not searched for
            return 0

    if left_out:
        held = found(" ".join(wanted))
        plural = "s" if held != 1 else ""
        shown = " ".join(f"-{w}" for w in left_out)
        return (
            f": {shown} left out the {held} record{plural} holding {echo(' '.join(wanted))}"
            if held
            else ""
        )
    if len(wanted) < 2:
        return ""
    counts = [found(word) for word in wanted]
    if not all(counts):
        return ""
    each = [
        f"{echo(word)} is in {count} record{'s' if count != 1 else ''}"
        for word, count in zip(wanted, counts, strict=True)
    ]
    together = "both" if len(wanted) == 2 else "all of them"
    return f": {', '.join(each[:-1])} and {each[-1]}, but no record holds {together}"
