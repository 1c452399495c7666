"""Writing records for programs: JSON, JSON Lines, CSV, DOT and Mermaid.

Everything here works on JSON-shaped dicts and the standard library alone.
"""

from __future__ import annotations

import codecs
import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..contract import StoredRecords, compact
from .text import person_country, printable

if TYPE_CHECKING:
    from ..pairing import Person

# --------------------------------------------------------------------------- CSV, JSON, JSON Lines


MEETING_CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "date_end",
    "date_candidates",
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
    "date_candidates",
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
    "talks",
    "native_names",
    "spellings",
)


SEARCH_CSV_COLUMNS = (*MEETING_CSV_COLUMNS, "record", "score", "matched_fields")


def meeting_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a meeting_record; lists are joined with '; '."""
    event = record["event"]
    return _cells(
        {
            **{key: record[key] for key in ("id", "title", "date_precision", "date_basis")},
            **_csv_dates(record),
            "kind": record["kind"],
            "event_id": event["id"] if event else "",
            "event": event["name"] if event else "",
            "location": record["location"],
            "participant_ids": [p["id"] for p in record["participants"]],
            "participants": _seated(record["participants"]),
            "countries": record["countries"],
            "topics": record["topics"],
            "summary": record["summary"],
            "quotes": str(len(record["quotes"])),
            "source_ids": [s["id"] for s in record["sources"]],
            "disputed": "true" if record["disputed"] else "false",
            "notes": record["notes"],
        }
    )


def _csv_dates(record: dict[str, Any]) -> dict[str, Any]:
    """date, date_end and date_candidates: a one-of date is its candidates, not a range."""
    candidates = record["date_candidates"]
    return {
        "date": record["date"],
        "date_end": "" if candidates else record["date_end"],
        "date_candidates": candidates or "",
    }


def _seated(participants: list[dict[str, Any]]) -> list[str]:
    """Participants' names, the readings of one disputed seat as `A | B (alternatives)`."""
    seats: dict[str, list[str]] = {}
    for person in participants:
        seats.setdefault(person["seat"] or person["id"], []).append(person["name"])
    return [
        names[0] if len(names) == 1 else " | ".join(names) + " (alternatives)"
        for names in seats.values()
    ]


def context_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a context_record."""
    return _cells(
        {
            **{key: record[key] for key in CONTEXT_CSV_COLUMNS if key in record},
            **_csv_dates(record),
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
    """One CSV row from a search_record: the record's columns, kind, score, matched fields.

    A context item fills the columns it shares with meetings (the people who took
    part under participants, participant_ids and countries); the others stay empty.
    """
    fields = dict.fromkeys(m["field"] for m in record["search"]["matches"])
    if record["search"]["record"] == "context":
        row = dict.fromkeys(MEETING_CSV_COLUMNS, "")
        context = context_csv_row(record)
        row.update({key: value for key, value in context.items() if key in row})
        took_part = record["people"]
        row["participants"] = context["people"]
        row["participant_ids"] = csv_text("; ".join(p["id"] for p in took_part))
        countries = dict.fromkeys(p["country"] for p in took_part if p.get("country"))
        row["countries"] = csv_text("; ".join(countries))
    else:
        row = meeting_csv_row(record)
    return {
        **row,
        "record": record["search"]["record"],
        "score": str(record["search"]["score"]),
        "matched_fields": "; ".join(fields),
    }


#: A spreadsheet takes a cell that begins with one of these for a formula
#: (CSV injection): such text gets a leading apostrophe, as OWASP recommends.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """Text from the data as a CSV cell: one line, inert on a terminal, never a formula."""
    if not isinstance(value, str):  # counts, years, scores: numbers stay numbers
        return "" if value is None else str(value)
    text = printable(value, one_line=True)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cells(row: dict[str, Any]) -> dict[str, str]:
    # A list is one cell, its items joined with "; "; an item could start a cell of
    # its own where ";" separates cells, so each item is made inert too.
    return {
        key: "; ".join(map(csv_text, value)) if isinstance(value, list) else csv_text(value)
        for key, value in row.items()
    }


def _plain_row(columns: Sequence[str]) -> Callable[[dict[str, Any]], dict[str, str]]:
    def to_row(record: dict[str, Any]) -> dict[str, str]:
        return _cells({key: record.get(key) for key in columns})

    return to_row


WHO_CSV_COLUMNS = ("query", "person_id", "person", *MEETING_CSV_COLUMNS)


def who_csv_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    """`who` as CSV rows: one per meeting of the person a name resolved to.

    A name that resolved to no one, or a person with no meetings, keeps its place
    in one row with the meeting columns (and the person's) empty.
    """
    person = report["person"] or {"id": "", "name": ""}
    first = _cells({"query": report["query"], "person_id": person["id"], "person": person["name"]})
    meetings = report["meetings"] if report["person"] else []
    return [{**first, **meeting_csv_row(meeting)} for meeting in meetings] or [first]


EVENT_CSV_COLUMNS = (
    "id", "name", "short_name", "year", "start", "end", "location", "meetings", "talks", "notes"
)  # fmt: skip


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


QUOTE_CSV_COLUMNS = (
    "record",
    "id",
    "title",
    "date",
    "date_end",
    "date_precision",
    "date_basis",
    "speaker",
    "speaker_id",
    "speaker_basis",
    "text",
    "source",
    "outlet",
    "source_title",
    "published",
)


SOURCE_SEARCH_CSV_COLUMNS = (*SOURCE_CSV_COLUMNS[:-2], "score", "matched")


def source_search_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a source_search_record: the source, score and the words matched."""
    matched = [m["matched"] for m in record["search"]["matches"]]
    row = {key: record[key] for key in SOURCE_SEARCH_CSV_COLUMNS[:-2]}
    return _cells({**row, "score": record["search"]["score"], "matched": matched})


#: A passage of an article that a quote is (`source ID --format csv`), one row each.
PASSAGE_CSV_COLUMNS = ("source", "record", "id", "speaker_id", "speaker", "text", "start", "end")


STATS_CSV_COLUMNS = ("dimension", "value", "count")


AUDIT_CSV_COLUMNS = ("record", "id", "issue", "detail", "sources")


PAIR_CSV_COLUMNS = (
    "person_a",
    "name_a",
    "country_a",
    "person_b",
    "name_b",
    "country_b",
    "count",
    "years",
    "meetings",
    "disputed",
)


def pair_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """One CSV row from a `pairs` record; years and meeting ids are joined with '; '."""
    return _cells({**record, "disputed": "true" if record["disputed"] else "false"})


#: CSV columns and row builder of each kind of record.
CSV_LAYOUTS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], dict[str, str]]]] = {
    "meetings": (MEETING_CSV_COLUMNS, meeting_csv_row),
    "timeline": (MEETING_CSV_COLUMNS, meeting_csv_row),
    "context": (CONTEXT_CSV_COLUMNS, context_csv_row),
    "people": (PEOPLE_CSV_COLUMNS, person_csv_row),
    "search": (SEARCH_CSV_COLUMNS, search_csv_row),
    "quotes": (QUOTE_CSV_COLUMNS, _plain_row(QUOTE_CSV_COLUMNS)),
    "events": (EVENT_CSV_COLUMNS, _plain_row(EVENT_CSV_COLUMNS)),
    "sources": (SOURCE_CSV_COLUMNS, _plain_row(SOURCE_CSV_COLUMNS)),
    "stats": (STATS_CSV_COLUMNS, _plain_row(STATS_CSV_COLUMNS)),
    "audit": (AUDIT_CSV_COLUMNS, _plain_row(AUDIT_CSV_COLUMNS)),
    "who": (WHO_CSV_COLUMNS, dict),
    "pairs": (PAIR_CSV_COLUMNS, pair_csv_row),
    "passages": (PASSAGE_CSV_COLUMNS, _plain_row(PASSAGE_CSV_COLUMNS)),
    "source_search": (SOURCE_SEARCH_CSV_COLUMNS, source_search_csv_row),
}


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def sort_fields(collection: str) -> tuple[str, ...]:
    """The fields a collection can be sorted by: its CSV columns."""
    return CSV_LAYOUTS[collection][0]


#: Collections listed in date order (an undated record last): reversed, newest first.
DATE_ORDERED = frozenset(("meetings", "context", "quotes"))


def sorted_records(
    records: Sequence[dict[str, Any]], collection: str, field: str | None, reverse: bool
) -> list[dict[str, Any]]:
    """Records ordered by one of their fields (sort_fields), or kept in their order; reverse
    turns the order round. Numbers sort as numbers, text ignoring case; records with the
    field empty come last either way, and ties keep their order. A list in date order
    reversed is newest first with ties as usual: `-r` is `--sort date -r`."""
    if field is None and reverse and collection in DATE_ORDERED:
        field = "date"
    if field is None:
        return list(reversed(records)) if reverse else list(records)
    to_row = CSV_LAYOUTS[collection][1]

    def value(record: dict[str, Any]) -> Any:
        raw = record.get(field)
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raw = to_row(record).get(field, "")
            if _NUMBER.fullmatch(raw):  # a count or score the row spells out
                raw = float(raw)
        return raw

    keyed = [(value(record), record) for record in records]
    empty = [record for key, record in keyed if key in ("", None)]
    full = [(key, record) for key, record in keyed if key not in ("", None)]
    full.sort(
        key=lambda kr: (1, kr[0].casefold(), kr[0]) if isinstance(kr[0], str) else (0, kr[0], ""),
        reverse=reverse,
    )
    return [record for _, record in full] + empty


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
        write_json(out, records[0] if single and records else list(records))
    elif fmt == "jsonl":
        for text in compact_texts(records):
            out.write(json_text(out, text) + "\n")
    elif fmt == "csv":
        import csv

        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(to_row(record) if to_row else record)
    else:
        raise ValueError(f"not a machine format: {fmt}")


def write_collection(
    out: TextIO,
    fmt: str,
    records: Sequence[dict[str, Any]],
    collection: str,
    *,
    single: bool = False,
) -> None:
    """Records of a collection as json, jsonl or csv (with that collection's CSV columns)."""
    columns, to_row = CSV_LAYOUTS[collection]
    write_records(out, fmt, records, columns=columns, to_row=to_row, single=single)


def write_json(out: TextIO, value: Any, *, pretty: bool = True) -> None:
    """Any JSON value, indented if pretty, else on one line (non-ASCII kept as is where
    out's encoding has it). Records read from the database (`StoredRecords`) may be
    anywhere in it: on one line they are written as stored, without decoding them."""
    if pretty:
        text = json.dumps(value, ensure_ascii=False, indent=2, default=_decoded)
    else:
        text = _compact_with_stored(value)
    out.write(json_text(out, text) + "\n")


def _decoded(value: Any) -> Any:
    if isinstance(value, StoredRecords):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _compact_with_stored(value: Any) -> str:
    """value as compact JSON, each StoredRecords in it written as its stored texts.

    The C encoder writes a marker string for each (a NUL and a token no text of the
    data can hold by chance), which is then replaced by the array of texts.
    """
    # What secrets.token_hex does, without its 4 ms of imports (hmac, hashlib, random).
    token = os.urandom(8).hex()
    arrays: list[str] = []

    def default(each: Any) -> Any:
        if isinstance(each, StoredRecords):
            arrays.append("[" + ",".join(each.texts) + "]")
            return f"\x00{token}{len(arrays) - 1}"
        raise TypeError(f"{type(each).__name__} is not JSON")

    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default)
    text = encoder.encode(value)
    if not arrays:
        return text
    marker = re.compile(rf'"\\u0000{token}(\d+)"')
    return marker.sub(lambda found: arrays[int(found[1])], text)


def write_json_array(out: TextIO, records: Iterable[Any], *, pretty: bool = True) -> None:
    """A JSON array of records: indented if pretty, else one record per line.

    One line per record keeps grep and line tools useful on the output, and
    uses the C encoder (Python's own runs whenever indent is set); records read
    from the database are written as stored, without decoding them.
    """
    if pretty:
        write_json(out, list(records))
        return
    count = 0
    for text in compact_texts(records):
        out.write(("[\n" if count == 0 else ",\n") + json_text(out, text))
        count += 1
    out.write("\n]\n" if count else "[]\n")


def compact_texts(records: Iterable[Any]) -> Iterable[str]:
    """Each record as compact JSON: as stored, for records read from the database."""
    if isinstance(records, StoredRecords):
        return records.texts
    return map(compact, records)


# Characters JSON allows raw in a string that a terminal would obey or that no
# encoding can write: controls (json.dumps escapes them, a damaged cache might not),
# C1, bidi overrides, lone surrogates (undecodable file names). Not newline: outside
# strings it is layout, and inside them json.dumps has escaped it.
_JSON_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ASCII_UNSAFE = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
# For an output that cannot write every character: all but printable ASCII and newline.
_JSON_NOT_ASCII = re.compile("[^\n\x20-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(out: TextIO, text: str) -> str:
    """JSON text as written to out: the same value, inert on a terminal, and with
    \\u escapes for what out's encoding lacks (PYTHONIOENCODING=ascii)."""
    unsafe = _json_unsafe(getattr(out, "encoding", None) or "utf-8")
    if unsafe is _JSON_UNSAFE and text.isascii():
        # The usual case, five times faster than the pattern: in ASCII only controls can be unsafe.
        ascii_bytes = text.encode("ascii")
        if len(ascii_bytes.translate(None, _ASCII_UNSAFE)) == len(ascii_bytes):
            return text
    return unsafe.sub(_json_escape, text)


@functools.cache
def _json_unsafe(encoding: str) -> re.Pattern[str]:
    every_character = codecs.lookup(encoding).name.startswith(("utf-", "gb18030"))
    return _JSON_UNSAFE if every_character else _JSON_NOT_ASCII


#: JSON of an empty result where it is not an empty array.
EMPTY_JSON: dict[str, Any] = {
    "stats": {"year": {}, "country": {}, "kind": {}, "topic": {}},
    "graph": {"nodes": [], "edges": []},
}


def write_empty(out: TextIO, fmt: str, collection: str) -> None:
    """Keep pipelines valid when nothing matched: the empty value of the format.

    JSON: an empty array, or the collection's object with nothing in it; CSV: the
    header; JSON Lines: nothing; DOT and Mermaid: a graph with no nodes.
    """
    if fmt == "json":
        write_json(out, EMPTY_JSON.get(collection, []))
    elif fmt == "csv":
        write_records(out, "csv", [], columns=CSV_LAYOUTS[collection][0])
    elif fmt == "dot":
        out.write(graph_dot(EMPTY_JSON["graph"]))
    elif fmt == "mermaid":
        out.write(graph_mermaid(EMPTY_JSON["graph"]))


# --------------------------------------------------------------------------- graphs


def _dot_quote(text: str) -> str:
    return '"' + printable(text, one_line=True).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years))


class DotEdge:
    """A graph edge as a DOT line (see `pairing.PairFormat`): label = meetings (years)."""

    rest_first = False

    def left(self, person: Person) -> str:
        return f"  {_dot_quote(person.id)} -- "

    def right(self, person: Person) -> str:
        return _dot_quote(person.id) + " "

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        label = _dot_quote(f"{count} ({_years_text(years)})")
        style = ", style=dashed" if disputed else ""
        return f"[label={label}, weight={count}, penwidth={count}{style}];"


def _mermaid_node(pid: str) -> str:
    return re.sub(r"\W", "_", pid)


def _mermaid_label(text: str) -> str:
    return printable(text, one_line=True).replace('"', "#quot;")


class MermaidEdge:
    """A graph edge as a Mermaid link (see `pairing.PairFormat`): label = meetings: years."""

    rest_first = True

    def left(self, person: Person) -> str:
        return f"  {_mermaid_node(person.id)} "

    def right(self, person: Person) -> str:
        return _mermaid_node(person.id)

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        return f'{"-.-" if disputed else "---"}|"{count}: {_years_text(years)}"| '


def dot_head(nodes: Iterable[dict[str, Any]]) -> str:
    """A DOT graph up to its edges: its settings and a line per node."""
    lines = [
        "graph meetings {",
        "  // who met whom; edge label: number of meetings (years); dashed: disputed",
        "  // the most connected person first, at the left; thicker: more meetings",
        "  rankdir=LR;",
        "  node [shape=box];",
    ]
    for person in nodes:
        # Two quoted halves joined by DOT's own line break escape.
        label = _dot_quote(person["name"])[:-1] + "\\n" + _dot_quote(person_country(person))[1:]
        lines.append(f"  {_dot_quote(person['id'])} [label={label}];")
    return "\n".join(lines) + "\n"


def mermaid_head(nodes: Iterable[dict[str, Any]]) -> str:
    """A Mermaid flowchart up to its links: a line per node."""
    lines = ["graph LR"]
    for person in nodes:
        name, country = (
            _mermaid_label(person["name"]),
            _mermaid_label(person_country(person)),
        )
        lines.append(f'  {_mermaid_node(person["id"])}["{name} ({country})"]')
    return "\n".join(lines) + "\n"


def mermaid_widths(weights: Iterable[tuple[int, int]]) -> Iterable[str]:
    """The lines that make each link as wide as its weight (as penwidth does in DOT), from
    runs of (weight, how many links in a row have it)."""
    number = 0
    for weight, run in weights:
        for _ in range(run):
            yield f"  linkStyle {number} stroke-width:{weight}px\n"
            number += 1


def edge_texts(edges: Iterable[dict[str, Any]], fmt: DotEdge | MermaidEdge) -> list[str]:
    """Graph edges ({source, target, weight, years, ...}) as fmt writes them."""
    from ..pairing import Person

    texts = []
    for edge in edges:
        left, right = (
            fmt.left(Person(edge["source"], "", "")),
            fmt.right(Person(edge["target"], "", "")),
        )
        rest = fmt.rest(edge["weight"], edge["years"], edge["meetings"], edge["disputed"])
        texts.append(left + rest + right if fmt.rest_first else left + right + rest)
    return texts


def graph_dot(graph: dict[str, Any]) -> str:
    """Who met whom in Graphviz DOT: edge label = number of meetings and years."""
    edges = edge_texts(graph["edges"], DotEdge())
    return dot_head(graph["nodes"]) + "".join(f"{edge}\n" for edge in edges) + "}\n"


def graph_mermaid(graph: dict[str, Any]) -> str:
    """Who met whom as a Mermaid flowchart."""
    edges = edge_texts(graph["edges"], MermaidEdge())
    widths = mermaid_widths((edge["weight"], 1) for edge in graph["edges"])
    return mermaid_head(graph["nodes"]) + "".join(f"{edge}\n" for edge in edges) + "".join(widths)
