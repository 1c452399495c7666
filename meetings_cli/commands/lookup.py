"""Commands that look one thing up: show, source, who (and `who -`)."""

# No `from __future__ import annotations` here: Typer evaluates string annotations of
# the functions it inspects on each run, which costs start-up time.

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..errors import EXIT_NOTHING, EXIT_OK, NotFound, UsageError, echo
from ..shell.options import (
    complete_any_ids,
    complete_meeting_ids,
    complete_people,
    complete_source_ids,
    request,
    takes,
)
from ..shell.output import Result
from ..shell.session import database

if TYPE_CHECKING:
    import sqlite3

    from ..match import Resolution
    from ..query import StoredAliases
    from ..render.blocks import Block, Surface

app = typer.Typer()


@app.command()
@takes("meetings", single=True)
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Id of a meeting, context item, event, source or person, as listed.",
            autocompletion=complete_any_ids,
        ),
    ],
) -> Result:
    """Show one record in full: a meeting, context item, event, source or person.

    A meeting shows its participants, summary, quotes, sources and
    disagreements; under each quote, the sentence of the article that holds it
    (the quote highlighted, or between >>> and <<< when piped). The JSON has a
    `record` key saying which kind it is. `meetings source ID` prints a whole article.
    """
    from ..query import find_any
    from ..render.evidence import show_view
    from ..report import quote_passages, with_evidence_spans

    request(ctx)
    db = database(ctx)
    kind, found = find_any(db, record_id)
    record, collection = any_record(db, kind, found)
    record = with_evidence_spans(db, record)
    passages = quote_passages(db, record) if kind in ("meeting", "context") else None
    return Result(
        collection,
        [record],
        value=record,
        view=lambda surface: show_view(kind, record, passages, marks=not surface.styled),
        title=f"meetings show {found}",
    )


def any_record(db: "sqlite3.Connection", kind: str, record_id: str) -> tuple[dict[str, Any], str]:
    """The `show` record of an id of this kind, `record` first; and its CSV collection."""
    from ..contract import event_record, person_record, source_record
    from ..query import context_item, find_meeting, people_with_counts
    from ..report import citing, meeting_ids_at, talks_at
    from ..store import read_dimensions

    if kind == "meeting":
        return {"record": kind, **find_meeting(db, record_id)}, "meetings"
    if kind == "context":
        return {"record": kind, **context_item(db, record_id)}, "context"
    if kind == "person":
        (count,) = people_with_counts(db, record_id)
        person = person_record(count.person, count.meetings, count.disputed, count.talks)
        return {"record": kind, **person}, "people"
    dims = read_dimensions(db)
    if kind == "event":
        at = meeting_ids_at(db, record_id)
        event = event_record(dims, dims.event_by_id[record_id], at, talks_at(db, record_id))
        return {"record": kind, **event}, "events"
    source = source_record(dims.source_by_id[record_id], *citing(db, record_id))
    return {"record": kind, **source}, "sources"


@app.command()
@takes("sources", single=True)
def source(
    ctx: typer.Context,
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Id of a source, as `meetings sources` lists them.",
            autocompletion=complete_source_ids,
        ),
    ],
    quoted: Annotated[
        bool,
        typer.Option("--quote", "-q", help="Highlight every passage the dataset quotes from it."),
    ] = False,
    meeting: Annotated[
        Optional[str],
        typer.Option(
            "--meeting",
            "-m",
            metavar="ID",
            help="Highlight only the passages this meeting (or context item) quotes from it.",
            show_default=False,
            autocompletion=complete_meeting_ids,
        ),
    ] = None,
) -> Result:
    """Read a source article: its metadata and its text, as the dataset keeps it.

    With --quote, every passage the dataset quotes from it is highlighted (on a
    terminal) or set between >>> and <<< (piped); --meeting ID highlights only
    that meeting's quotes. --json gives the record, its `text`, and `quotes`
    with the character offsets of each highlighted passage (`spans`: start,
    end exclusive, in Unicode characters, as jq's string slices count them).
    --format csv gives one row per highlighted passage.
    """
    from ..contract import source_record
    from ..query import find_id
    from ..render import passages as passages_view
    from ..report import article_text, citing, source_quotes
    from ..store import read_dimensions

    asked = request(ctx)
    db = database(ctx)
    try:
        found = find_id(db, "sources", source_id, "source")
    except NotFound as error:
        raise NotFound(str(error) + _sources_of_record(db, source_id)) from None
    within = None if meeting is None else _quoting_record(db, meeting)
    cited_by = citing(db, found)
    if within is not None and within not in cited_by[0] + cited_by[1]:
        listed = ", ".join(cited_by[0] + cited_by[1]) or "nothing"
        raise NotFound(f"{within} does not cite source {found} (cited by: {listed})")
    text = article_text(db, found) or ""
    highlight = quoted or within is not None
    passages = source_quotes(db, found, text, within) if highlight else []
    metadata = source_record(read_dimensions(db).source_by_id[found], *cited_by)
    record = {"record": "source", **metadata, "text": text, "quotes": passages}
    notes: tuple[str, ...] = ()
    if within is not None and not passages:
        notes = (f"meetings: {within} cites source {found} but quotes nothing from it",)
    if asked.output.format == "csv":
        if not highlight:
            notes = (
                "meetings: no passages chosen: add --quote (all) or --meeting ID (one record's)",
            )
        rows = [
            {"source": found, **{k: q[k] for k in q if k != "spans"}, **span}
            for q in passages
            for span in q["spans"]
        ]
        return Result("passages", rows, notes=notes)
    return Result(
        "sources",
        [record],
        value=record,
        view=lambda surface: passages_view.source_view(
            record, passages, highlight=highlight, marks=not surface.styled
        ),
        notes=notes,
        title=f"meetings source {found}",
    )


def _sources_of_record(db: "sqlite3.Connection", text: str) -> str:
    """ "; it is a meeting, whose sources are a, b" when text is another kind of record's id."""
    from ..query import find_any

    try:
        kind, record_id = find_any(db, text)
    except NotFound:
        return ""
    record, _ = any_record(db, kind, record_id)
    cited = [s["id"] if isinstance(s, dict) else s for s in record.get("sources") or []]
    label = {"context": "context item"}.get(kind, kind)
    if not cited:
        return f"; {record_id} is a {label}"
    return f"; {record_id} is a {label}, whose sources are {', '.join(cited)}"


def _quoting_record(db: "sqlite3.Connection", text: str) -> str:
    """The id of the meeting, or else context item, that text names; NotFound otherwise."""
    from ..query import find_id, ids, suggestion

    for table, what in (("meetings", "meeting"), ("context", "context item")):
        try:
            return find_id(db, table, text, what)
        except NotFound:
            pass
    hint = suggestion(text, [*ids(db, "meetings"), *ids(db, "context")])
    raise NotFound(f"no meeting or context item with id {echo(text)}{hint}")


@app.command()
@takes("who", single=True)
def who(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME",
            help=(
                "A name in any spelling or script, e.g. Shoygu, Шойгу, حاتمی; "
                "- reads names from standard input, one per line."
            ),
            autocompletion=complete_people,
        ),
    ],
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show how the name was normalised and matched."),
    ] = False,
) -> Result:
    """Find a person however the name is written: profile, meetings and counterparts.

    With --explain (also in --json), say how the name was normalised, which
    alias matched, the score, and the runner-up. Exits 1 when no one in the
    dataset matches, or when two people match about equally well (the
    candidates are listed).

    `meetings who -` resolves the names on standard input, one per line, and
    prints one line per name in input order: tab-separated query, status, id
    and name, or with --json or --format jsonl one `who --json` object per line
    (JSON Lines). It exits 1 if any line did not resolve.

    --format csv prints one row per meeting of the person found: the query,
    the person's id and name, then the columns of `list --format csv`.
    """
    from ..match import describe_failure
    from ..query import person_index

    asked = request(ctx)
    fmt = asked.output.format
    if not " ".join(name).strip():  # an unset variable, say
        raise UsageError("who '' names no one: give a name in any spelling or script")
    db = database(ctx)
    index = person_index(db)
    if name == ["-"]:
        if asked.output.svg is not None or asked.output.html is not None:
            raise UsageError("--svg and --html save one person's view: leave them out with `who -`")
        return _who_batch(db, index, fmt, explain)
    resolution, report = _who_report(db, index, " ".join(name), explain)
    if report["person"] is not None:
        return _who_found(report, fmt, explain, f"meetings who {' '.join(name)}")
    notes: tuple[str, ...] = ()
    if explain and fmt == "table":
        from ..render.views import explain_lines

        notes = tuple(explain_lines(report))
    notes += (f"meetings: {describe_failure(resolution, index.name_of)}",)
    if fmt == "table":
        return Result("who", notes=notes, status=EXIT_NOTHING)
    return _who_found(report, fmt, explain, "")._replace(notes=notes, status=EXIT_NOTHING)


def _who_found(report: dict[str, Any], fmt: str, explain: bool, title: str) -> Result:
    """One `who` report as a result: the person's view, or the report as JSON or CSV rows."""
    if fmt == "csv":
        from ..render.formats import who_csv_rows

        return Result("who", who_csv_rows(report))

    def view(_surface: "Surface") -> "list[Block]":
        from ..render import views  # only for a table: JSON never imports the views

        return views.who_view(report, explain=explain)

    return Result("who", [report], value=report if fmt == "json" else None, view=view, title=title)


def _who_report(
    db: "sqlite3.Connection",
    index: "StoredAliases",
    name: str,
    explain: bool,
    meetings_of: "Callable[[str], list[dict[str, Any]]] | None" = None,
) -> "tuple[Resolution, dict[str, Any]]":
    """How a name resolved, and its `who --json` object (meetings_of: a person's meetings)."""
    from ..contract import person_record
    from ..query import context_records, meetings_with
    from ..render import records

    resolution = index.resolve(name, runner_up=explain)
    best = resolution.best
    return resolution, records.who_record(
        resolution,
        person_record(index.person(best.person_id)) if best else None,
        (meetings_of or (lambda pid: meetings_with(db, pid)))(best.person_id) if best else [],
        lambda pid: person_record(index.person(pid)),
        context_records(db, best.person_id) if best else [],
    )


def _who_batch(db: "sqlite3.Connection", index: "StoredAliases", fmt: str, explain: bool) -> Result:
    """Every line of standard input resolved in order; exit 1 unless every one resolved."""
    import functools

    from ..query import meetings_with
    from ..render.text import printable

    @functools.cache
    def meetings_of(person_id: str) -> list[dict[str, Any]]:
        return meetings_with(db, person_id)

    @functools.cache  # a list of names often repeats some: each is resolved once
    def report_of(name: str) -> dict[str, Any]:
        return _who_report(db, index, name, explain, meetings_of)[1]

    reports = [report_of(line.rstrip("\r\n")) for line in _stdin_lines()]
    status = EXIT_OK if all(r["person"] is not None for r in reports) else EXIT_NOTHING
    if fmt == "csv":
        from ..render.formats import who_csv_rows

        rows = [row for report in reports for row in who_csv_rows(report)]
        return Result("who", rows, status=status)
    if fmt != "table":  # json in a batch is JSON Lines
        return Result("who", reports, format="jsonl", status=status)
    lines = []
    for report in reports:
        person = report["person"]
        cells = (report["query"], report["match"]["status"])
        cells += (person["id"], person["name"]) if person else ("", "")
        lines.append("\t".join(printable(c, one_line=True) for c in cells) + "\n")
    return Result("who", text="".join(lines), status=status)


def _stdin_lines() -> list[str]:
    """Standard input's lines; UsageError if it cannot be read as text."""
    try:
        lines = sys.stdin.readlines()
        # In the C locale Python keeps undecodable bytes as lone surrogates instead.
        "".join(lines).encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise UsageError(
            f"cannot read names from standard input: it is not {sys.stdin.encoding} text "
            "(the locale or PYTHONIOENCODING says which encoding to expect)"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot read names from standard input: {error}") from None
    return lines
