"""Writing records: JSON, JSON Lines, CSV, DOT and Mermaid, and text made safe to print.

Everything here works on JSON-shaped dicts and the standard library alone, so
the cache's fast path can use it without loading the dataset.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..match import Candidate, Resolution
    from .plain import Block
    from .tables import Screen


# C0/C1 control characters (but tab and newline) and the bidi overrides that
# can disguise text on a terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, one_line: bool = False) -> str:
    """Text safe to show on a terminal: control characters removed."""
    text = _UNSAFE.sub("", text)
    return " ".join(text.split()) if one_line else text


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def record_dates(record: dict[str, Any]) -> tuple[date, date, str, str]:
    """(first day, last day, precision, basis) of a record's date fields."""
    return (
        date.fromisoformat(record["date"]),
        date.fromisoformat(record["date_end"]),
        record["date_precision"],
        record["date_basis"],
    )


def format_dates(record: dict[str, Any]) -> str:
    """A short form for tables: 2018-04-03, 2019-12 or 2018-04-03/06, with ~ when inferred."""
    start, end, precision, basis = record_dates(record)
    if precision == "day":
        text = start.isoformat()
    elif precision == "month":
        text = start.strftime("%Y-%m")
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.isoformat()}/{end.day:02d}"
    elif start.year == end.year:
        text = f"{start.isoformat()}/{end.strftime('%m-%d')}"
    else:
        text = f"{start.isoformat()}/{end.isoformat()}"
    return ("~" if basis == "inferred" else "") + text


def human_dates(record: dict[str, Any], *, ascii_only: bool = False) -> str:
    """A date as a reader says it, with its precision: 3 Apr, 3-6 Apr, Dec 2019; ~ if inferred."""
    start, end, precision, basis = record_dates(record)
    dash = "-" if ascii_only else "–"
    if precision == "day":
        text = f"{start.day} {_MONTHS[start.month - 1]}"
    elif precision == "month":
        text = f"{_MONTHS[start.month - 1]} {start.year}"
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}{dash}{end.day} {_MONTHS[start.month - 1]}"
    elif start.year == end.year:
        text = f"{start.day} {_MONTHS[start.month - 1]}{dash}{end.day} {_MONTHS[end.month - 1]}"
    else:
        text = f"{start.isoformat()}{dash}{end.isoformat()}"
    return ("~" if basis == "inferred" else "") + text


def snippet(text: str, start: int, end: int, width: int = 90) -> tuple[str, int, int]:
    """A one-line excerpt of text around [start, end), and where that span is in it."""
    text = printable(text)
    context = max(0, (width - (end - start)) // 2)
    left = max(0, start - context)
    right = min(len(text), end + context)
    # Cut at spaces, not inside words.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    excerpt = text[left:right].replace("\n", " ").replace("\t", " ")
    return prefix + excerpt + suffix, len(prefix) + start - left, len(prefix) + end - left


# ------------------------------------------------------------------ records not needing the dataset


def candidate_record(candidate: Candidate, person: dict[str, Any]) -> dict[str, Any]:
    """A person a name query may mean (person: at least id, name, country)."""
    return {
        "id": person["id"],
        "name": person["name"],
        "country": person["country"],
        "score": candidate.score,
        "method": candidate.method,
        "alias": candidate.alias.text,
        "alias_kind": candidate.alias.kind,
    }


def counterparts_of(person_id: str, meetings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The people someone met, from their meeting records, most meetings first."""
    counts: dict[str, dict[str, Any]] = {}
    for meeting in meetings:
        for other in meeting["participants"]:
            if other["id"] != person_id:
                entry = counts.setdefault(
                    other["id"],
                    {
                        "id": other["id"],
                        "name": other["name"],
                        "country": other["country"],
                        "meetings": 0,
                    },
                )
                entry["meetings"] += 1
    return sorted(counts.values(), key=lambda e: (-e["meetings"], e["name"]))


def who_record(
    resolution: Resolution,
    person: dict[str, Any] | None,
    meetings: Sequence[dict[str, Any]],
    people: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """The `who --json` object: the person, how the name matched, meetings, counterparts.

    people(id) gives the person record of any candidate.
    """
    best = resolution.best
    runner = resolution.runner_up if best else None
    return {
        "query": resolution.query,
        "person": person,
        "score": best.score if best else None,
        "match": {
            "status": resolution.status,
            "normalised": resolution.plain,
            "phonetic": resolution.phonetic,
            "method": best.method if best else None,
            "alias": best.alias.text if best else None,
            "alias_kind": best.alias.kind if best else None,
            "runner_up": candidate_record(runner, people(runner.person_id)) if runner else None,
        },
        "meetings": list(meetings),
        "counterparts": counterparts_of(person["id"], meetings) if person else [],
        "candidates": [candidate_record(c, people(c.person_id)) for c in resolution.candidates],
    }


# --------------------------------------------------------------------------- CSV, JSON, JSON Lines


MEETING_CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "date_end",
    "date_precision",
    "date_basis",
    "kind",
    "event_id",
    "event",
    "location",
    "participant_ids",
    "participants",
    "countries",
    "topics",
    "summary",
    "quotes",
    "source_ids",
    "disputed",
    "notes",
)


CONTEXT_CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "date",
    "date_end",
    "date_precision",
    "date_basis",
    "location",
    "people",
    "topics",
    "summary",
    "source_ids",
    "notes",
)


#: CSV columns by collection name.
PEOPLE_CSV_COLUMNS = (
    "id",
    "name",
    "country",
    "rank",
    "role",
    "meetings",
    "native_names",
    "spellings",
)


SEARCH_CSV_COLUMNS = (*MEETING_CSV_COLUMNS, "score", "matched_fields")


def meeting_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a meeting_record; lists are joined with '; '."""
    event = record["event"]
    return _cells(
        {
            **{key: record[key] for key in ("id", "title", "date", "date_end", "date_precision")},
            "date_basis": record["date_basis"],
            "kind": record["kind"],
            "event_id": event["id"] if event else "",
            "event": event["name"] if event else "",
            "location": record["location"],
            "participant_ids": [p["id"] for p in record["participants"]],
            "participants": [p["name"] for p in record["participants"]],
            "countries": record["countries"],
            "topics": record["topics"],
            "summary": record["summary"],
            "quotes": str(len(record["quotes"])),
            "source_ids": [s["id"] for s in record["sources"]],
            "disputed": "true" if record["disputed"] else "false",
            "notes": record["notes"],
        }
    )


def context_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a context_record."""
    return _cells(
        {
            **{key: record[key] for key in CONTEXT_CSV_COLUMNS if key in record},
            "people": [p["name"] for p in record["people"]],
            "source_ids": [s["id"] for s in record["sources"]],
        }
    )


def person_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a person_record."""
    return _cells(
        {
            **{key: record.get(key) for key in PEOPLE_CSV_COLUMNS},
            "native_names": [n["name"] for n in record["native_names"]],
        }
    )


def search_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a search_record: the meeting's columns, score and matched fields."""
    fields = dict.fromkeys(m["field"] for m in record["search"]["matches"])
    return {
        **meeting_csv_row(record),
        "score": str(record["search"]["score"]),
        "matched_fields": "; ".join(fields),
    }


def _cells(row: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in row.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, list):
            out[key] = "; ".join(printable(str(v), one_line=True) for v in value)
        else:
            out[key] = printable(str(value), one_line=True)
    return out


def _plain_row(columns: Sequence[str]) -> Callable[[dict[str, Any]], dict[str, str]]:
    def to_row(record: dict[str, Any]) -> dict[str, str]:
        return _cells({key: record.get(key) for key in columns})

    return to_row


EVENT_CSV_COLUMNS = ("id", "name", "short_name", "year", "location", "meetings", "notes")


SOURCE_CSV_COLUMNS = (
    "id",
    "outlet",
    "title",
    "published",
    "published_basis",
    "file",
    "meetings",
    "context",
)


STATS_CSV_COLUMNS = ("dimension", "value", "count")


AUDIT_CSV_COLUMNS = ("record", "id", "issue", "detail", "sources")


#: CSV columns and row builder of each kind of record.
CSV_LAYOUTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], dict[str, str]]]] = {
    "meetings": (MEETING_CSV_COLUMNS, meeting_csv_row),
    "timeline": (MEETING_CSV_COLUMNS, meeting_csv_row),
    "context": (CONTEXT_CSV_COLUMNS, context_csv_row),
    "people": (PEOPLE_CSV_COLUMNS, person_csv_row),
    "search": (SEARCH_CSV_COLUMNS, search_csv_row),
    "events": (EVENT_CSV_COLUMNS, _plain_row(EVENT_CSV_COLUMNS)),
    "sources": (SOURCE_CSV_COLUMNS, _plain_row(SOURCE_CSV_COLUMNS)),
    "stats": (STATS_CSV_COLUMNS, _plain_row(STATS_CSV_COLUMNS)),
    "audit": (AUDIT_CSV_COLUMNS, _plain_row(AUDIT_CSV_COLUMNS)),
}


def write_records(
    out: TextIO,
    fmt: str,
    records: Sequence[dict[str, Any]],
    *,
    columns: Sequence[str] = (),
    to_row: Callable[[dict[str, Any]], dict[str, str]] | None = None,
    single: bool = False,
) -> None:
    """Write records as json (an array, or one object if single), jsonl or csv."""
    if fmt == "json":
        value: Any = records[0] if single and records else list(records)
        out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(to_row(record) if to_row else record)
    else:
        raise ValueError(f"not a machine format: {fmt}")


def write_json(out: TextIO, value: Any) -> None:
    """Any JSON value, readable (non-ASCII kept as is)."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def write_empty(out: TextIO, fmt: str, collection: str) -> None:
    """Keep pipelines valid when nothing matched: an empty array for JSON, a header for CSV."""
    if fmt == "json":
        write_json(out, [])
    elif fmt == "csv":
        write_records(out, "csv", [], columns=CSV_LAYOUTS[collection][0])


def emit(
    out: TextIO,
    fmt: str,
    *,
    records: Callable[[], list[dict[str, Any]]],
    collection: str,
    blocks: Callable[[bool], Sequence[Block]] | None = None,
    single: bool = False,
    screen: Screen | None = None,
) -> None:
    """Draw the view, or write the records in a machine format (json, jsonl, csv).

    `blocks` describes the view as tables and text, given whether the output
    is a terminal; see tables.draw_view.
    """
    if fmt == "table":
        if blocks is None:
            raise TypeError("a table needs blocks")
        from .tables import Screen, draw_view

        draw_view(out, screen or Screen(), blocks, f"meetings {collection}")
        return
    columns, to_row = CSV_LAYOUTS[collection]
    write_records(out, fmt, records(), columns=columns, to_row=to_row, single=single)


# --------------------------------------------------------------------------- graphs


def graph_dot(graph: dict[str, Any]) -> str:
    """Who met whom in Graphviz DOT: edge label = number of meetings and years."""

    def quote(text: str) -> str:
        return '"' + printable(text, one_line=True).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "graph meetings {",
        "  // who met whom; edge label: number of meetings (years); dashed: disputed",
        "  node [shape=box];",
    ]
    for person in graph["nodes"]:
        # Two quoted halves joined by DOT's own line break escape.
        label = quote(person["name"])[:-1] + "\\n" + quote(person["country"])[1:]
        lines.append(f"  {quote(person['id'])} [label={label}];")
    for edge in graph["edges"]:
        weight = edge["weight"]
        label = f"{weight} ({', '.join(map(str, edge['years']))})"
        style = ", style=dashed" if edge["disputed"] else ""
        lines.append(
            f"  {quote(edge['source'])} -- {quote(edge['target'])} "
            f"[label={quote(label)}, weight={weight}, penwidth={weight}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_mermaid(graph: dict[str, Any]) -> str:
    """Who met whom as a Mermaid flowchart."""

    def node(pid: str) -> str:
        return re.sub(r"\W", "_", pid)

    def label(text: str) -> str:
        return printable(text, one_line=True).replace('"', "#quot;")

    lines = ["graph LR"]
    for person in graph["nodes"]:
        name, country = label(person["name"]), label(person["country"])
        lines.append(f'  {node(person["id"])}["{name} ({country})"]')
    for edge in graph["edges"]:
        link = "-.-" if edge["disputed"] else "---"
        text = f"{edge['weight']}: {', '.join(map(str, edge['years']))}"
        lines.append(f'  {node(edge["source"])} {link}|"{text}"| {node(edge["target"])}')
    return "\n".join(lines) + "\n"
