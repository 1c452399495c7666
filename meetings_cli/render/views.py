"""What a person reads, described as data: tables, labelled fields, text and rules.

Views are built from JSON-shaped records and never import Rich: `draw` turns
them into Rich renderables, so tests can check a view's content without a
console. Every piece of text from the data passes through `printable`.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from ..model import KIND_LABELS, TALK_KINDS
from .blocks import (
    Block,
    Cell,
    Column,
    FieldsBlock,
    RuleBlock,
    Span,
    TableBlock,
    TextBlock,
    _curator,
    _one_line,
    _text,
    cell_text,
    heading,
    merged_spans,
)
from .passages import quote_blocks
from .text import (
    SEAT_MARK,
    date_and_seat_legend,
    format_dates,
    human_dates,
    participant_labels,
    person_country,
    printable,
)


def _count(meetings: int, disputed: int) -> str:
    """A number of meetings, with ? when some are disputed readings."""
    return f"{meetings}?" if disputed else str(meetings)


def _names(names: list[dict[str, Any]]) -> str:
    """Names in scripts: `name (script)`, [curator] after what the curators supplied (the
    name, or only its script's label)."""
    return "; ".join(
        f"{n['name']} ({n['script']}{_curator(n.get('script_basis'))})" + _curator(n["basis"])
        if n["basis"] != "curator"
        else f"{n['name']} ({n['script']}) [curator]"
        for n in names
    )


# --------------------------------------------------------------------------- meetings


MEETING_COLUMNS = (
    Column("Date"),
    Column("ID"),
    Column("Event"),
    Column("Kind"),
    Column("Participants", wrap=True),
)


def meeting_table(meetings: Iterable[dict[str, Any]]) -> list[Block]:
    """The `list` table, one row a meeting."""
    rows = [
        (
            format_dates(meeting),
            meeting["id"],
            # The mark on a line of its own: the column stays as narrow as the names.
            _one_line(meeting["event"]["short_name"])
            + _curator(meeting["event"]["name_basis"]).replace(" ", "\n")
            if meeting["event"]
            else "—",
            KIND_LABELS.get(meeting["kind"], meeting["kind"]),
            "\n".join(participant_labels(meeting["participants"])),
        )
        for meeting in meetings
    ]
    dates = [cell_text(row[0]) for row in rows]
    labels = [label for row in rows for label in cell_text(row[4]).split("\n")]
    legend = date_and_seat_legend(dates, labels)
    if any("[curator]" in cell_text(row[2]) for row in rows):
        legend = " · ".join(filter(None, (legend, CURATOR_MARK)))
    return [TableBlock(MEETING_COLUMNS, rows, legend)]


def meeting_view(
    meeting: dict[str, Any],
    passages: Sequence[tuple[str, str, int, int] | None] | None = None,
    *,
    marks: bool = True,
) -> list[Block]:
    """The `show` view: every field of one meeting; with passages (report.quote_passages),
    each quote in its article's sentence."""
    event = meeting["event"]
    dates = format_dates(meeting).lstrip("~")
    blocks: list[Block] = [
        heading(meeting["id"], _one_line(meeting["title"])),
        FieldsBlock(
            (
                ("Date", f"{dates} ({_precision(meeting)}, {meeting['date_basis']})"),
                ("How dated", _one_line(meeting["date_how"])),
                (
                    "Event",
                    _one_line(event["name"] + _curator(event["name_basis"])) if event else "—",
                ),
                ("Kind", meeting["kind"].replace("-", " ")),
                ("Location", _one_line(meeting["location"])),
                ("Topics", ", ".join(meeting["topics"]) or "—"),
            )
        ),
    ]

    def section(label: str, lines: Iterable[str | tuple[str, int]]) -> None:
        blocks.append(_text(label, "bold"))
        for line in lines:
            text, indent = line if isinstance(line, tuple) else (line, 2)
            blocks.append(_text(_one_line(text), indent=indent))

    participants = []
    for person in meeting["participants"]:
        line = f"{person['name']} ({person_country(person)}): {person['role']}"
        line += " [inferred]" if person.get("role_basis") == "inferred" else ""
        if person["disputed"]:
            reading = "one reading of a disputed seat, " if person["seat"] else ""
            line += f" [{reading}named only by {', '.join(person['attested_by'])}]"
        participants.append(line)
    section("Participants", participants)
    section("Summary", [meeting["summary"]])
    if meeting["quotes"]:
        blocks += quote_blocks(meeting["quotes"], passages, marks=marks)
    if meeting["disagreements"]:
        lines: list[str | tuple[str, int]] = []
        for disagreement in meeting["disagreements"]:
            lines.append(disagreement["about"] + ":")
            lines += [
                (f"{', '.join(c['sources'])}: {c['says']}", 4) for c in disagreement["claims"]
            ]
            if disagreement["note"]:
                lines.append((disagreement["note"], 4))
        section("Sources disagree", lines)
    section("Sources", [_source_line(source) for source in meeting["sources"]])
    if meeting["notes"]:
        section("Notes", [meeting["notes"]])
    if _has_curator_mark(blocks):
        blocks.append(_text(CURATOR_MARK, "dim"))
    if _has_curator_mark(blocks, INFERRED_MARK[:10]):
        blocks.append(_text(INFERRED_MARK, "dim"))
    return blocks


def context_view(
    item: dict[str, Any],
    passages: Sequence[tuple[str, str, int, int] | None] | None = None,
    *,
    marks: bool = True,
) -> list[Block]:
    """The `show` view of a context item, laid out as a meeting's: its date with its basis,
    who took part, commented or is named, the summary, quotes in their sentences, sources."""
    if item["date"]:
        dates = f"{format_dates(item).lstrip('~')} ({item['date_precision']}, {item['date_basis']})"
        if item.get("date_announced"):
            dates += f", announced: {item['date_announced']}"
    else:
        dates = "— (no date given)"
    blocks: list[Block] = [
        heading(item["id"], _one_line(item["title"])),
        FieldsBlock(
            (
                ("Date", dates),
                ("How dated", _one_line(item["date_how"] or "—")),
                ("Kind", item["kind"].replace("-", " ")),
                ("Location", _one_line(item["location"] or "—")),
                ("Topics", ", ".join(item["topics"]) or "—"),
            )
        ),
    ]
    for label, key in (("Took part", "people"), ("Commented", "commented"), ("Named", "named")):
        if item.get(key):
            blocks.append(_text(label, "bold"))
            blocks += [_text(_one_line(f"{p['name']} ({person_country(p)})"), indent=2)
                       for p in item[key]]  # fmt: skip
    blocks += [_text("Summary", "bold"), _text(_one_line(item["summary"]), indent=2)]
    if item["quotes"]:
        blocks += quote_blocks(item["quotes"], passages, marks=marks)
    blocks.append(_text("Sources", "bold"))
    blocks += [_text(_one_line(_source_line(s)), indent=2) for s in item["sources"]]
    if item["notes"]:
        blocks += [_text("Notes", "bold"), _text(_one_line(item["notes"]), indent=2)]
    return blocks


def _source_line(source: dict[str, Any]) -> str:
    published = source["published"] or "—"
    if source["published_basis"] == "inferred":
        published += " (inferred)"
    title = f"“{source['title']}”" if source["title"] else "—"
    return f"{source['id']}: {source['outlet'] or '—'}, {title}, {published}"


def context_table(items: Iterable[dict[str, Any]]) -> list[Block]:
    """The `context` table: things the sources mention that are not meetings."""
    columns = (Column("Date"), Column("ID"), Column("Kind"), Column("Title", wrap=True))
    rows = [
        (
            format_dates(item) if item["date"] else "—",
            item["id"],
            item["kind"],
            _one_line(item["title"]),
        )
        for item in items
    ]
    dates = [cell_text(row[0]) for row in rows]
    legend = [date_and_seat_legend(dates, ()), "— no date given" if "—" in dates else ""]
    return [TableBlock(columns, rows, " · ".join(filter(None, legend)) or None)]


def quotes_table(quotes: Iterable[dict[str, Any]]) -> list[Block]:
    """The `quotes` table: each quote with its date, speaker, record and source."""
    # Date over speaker, as record over source: the quote gets the width (80 columns too).
    columns = (
        Column("Date / speaker"),
        Column("Quote", wrap=True, min_width=28),
        Column("In / source"),
    )
    rows = [
        (
            f"{format_dates(q) if q['date'] else '—'}\n"
            + textwrap.fill(
                _one_line(q["speaker"]) + _curator(q["speaker_basis"]),
                16,
                break_long_words=False,
                break_on_hyphens=False,
            ),
            f"“{_one_line(q['text'])}”",
            f"{q['id']}\n{q['source']}",
        )
        for q in quotes
    ]
    dates = [cell_text(row[0]).split("\n")[0] for row in rows]
    legend = [
        date_and_seat_legend(dates, ()),
        "— no date given" if "—" in dates else "",
        f"{CURATOR_MARK} (see `show`)"
        if any("[curator]" in cell_text(row[0]) for row in rows)
        else "",
    ]
    return [TableBlock(columns, rows, " · ".join(filter(None, legend)) or None)]


def record_view(
    record: dict[str, Any],
    passages: Sequence[tuple[str, str, int, int] | None] | None = None,
    *,
    marks: bool = True,
) -> list[Block]:
    """The `show` view of a context item, event, source or person: a line per field; with
    passages (report.quote_passages), each quote in its article's sentence."""
    title_key = "title" if "title" in record else "name"
    quoted = passages is not None and bool(record.get("quotes"))
    if record.get("date_candidates"):  # one of some days: never shown as a range
        shown = {key: value for key, value in record.items() if key != "date_end"}
        record = {**shown, "date": " or ".join(record["date_candidates"])}
    fields = [
        (_field_label(key, value), _field_text(value) + _field_mark(record, key))
        for key, value in record.items()
        if key not in _SHOWN_AS_MARKS
        and key not in ("id", "record", title_key)
        and not (quoted and key == "quotes")
    ]
    title = _one_line(record[title_key] or "") + _field_mark(record, title_key)
    blocks: list[Block] = [
        heading(record["id"], title),
        FieldsBlock(fields),
    ]
    if quoted:
        blocks += quote_blocks(record["quotes"], passages, marks=marks)
    return blocks


#: Fields `show` says with a mark ([curator], [inferred]) on the fields they qualify.
_SHOWN_AS_MARKS = frozenset(("date_candidates", "name_basis", "location_basis", "dates_basis",
                             "curator_fields", "inferred_fields"))  # fmt: skip


def _field_mark(record: dict[str, Any], key: str) -> str:
    """[curator] or [inferred] after a person's field the curators supplied or worked out,
    an event's name, place or dates from the public record; as `who` and `events` mark them."""
    if key in (record.get("curator_fields") or ()):
        return " [curator]"
    if key in (record.get("inferred_fields") or ()):
        return " [inferred]"
    basis = {"name": "name_basis", "location": "location_basis", "start": "dates_basis"}
    return _curator(record.get(basis.get(key, ""))) if "year" in record else ""


def _field_label(key: str, value: Any) -> str:
    """A field's label in `show`: its name, but a person's count of meetings of any kind is
    called what `who`, `people` and `events` call it."""
    if key == "meetings" and isinstance(value, int):
        return "Engagements"
    return _LABELS.get(key) or key.replace("_", " ").capitalize()


#: A date's precision in words (the data's `one-of` is a|b in the tables' legends).
_PRECISION = {"one-of": "one of these days"}


def _precision(record: dict[str, Any]) -> str:
    precision = str(record["date_precision"])
    return _PRECISION.get(precision, precision)


#: Labels `show` gives fields whose names are the data's, as the other views word them.
_LABELS = {
    "published_how": "How dated",
    "published_basis": "Date basis",
    "dates_how": "How dated",
    "name_how": "How named",
    "location_how": "How placed",
    "date_how": "How dated",
}


def _field_text(value: Any) -> str:
    """A field of a record on one line: lists joined by '; ', linked records by name."""
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(_field_text(item) for item in value)
    if isinstance(value, dict):
        if "outlet" in value:
            return _one_line(_source_line(value))
        if "text" in value:  # a quote, or how a source describes someone
            said = f"“{value['text']}”"
            said += f" — {value['speaker']}" if value.get("speaker") else ""
            return _one_line(said + (f" [{value['source']}]" if value.get("source") else ""))
        if "name" in value and "script" in value:  # a name in a script: as `who` marks it
            return _one_line(_names([value]))
        if "name" in value:
            return _one_line(str(value["name"]))
        return _one_line(", ".join(f"{k}: {_field_text(v)}" for k, v in value.items()))
    return _one_line(str(value))


# --------------------------------------------------------------------------- people


def people_table(people: Sequence[dict[str, Any]]) -> list[Block]:
    """The `people` table: everyone, with country, role and number of meetings."""
    columns = (
        Column("Name"),
        Column("Country"),
        Column("Role", wrap=True, min_width=20),
        Column("Talks", justify="right"),
        Column("Engagements", justify="right"),
    )
    rows = [
        (
            # Marks on a line of their own: the columns stay as narrow as the names.
            _one_line(person["name"]) + _curator_field(person, "name").replace(" ", "\n", 1),
            _one_line(person_country(person))
            + _curator_field(person, "country").replace(" ", "\n", 1),
            _one_line(person["role"]) + _curator_field(person, "role"),
            _count(person["talks"], person["disputed"]),
            _count(person["meetings"], person["disputed"]),
        )
        for person in people
    ]
    legends = [
        ENGAGEMENTS,
        INFERRED_MARK if any(person.get("inferred_fields") for person in people) else "",
        DISPUTED_COUNT if any(person["disputed"] for person in people) else "",
        CURATOR_MARK if any(person["curator_fields"] for person in people) else "",
    ]
    return [TableBlock(columns, rows, "\n".join(filter(None, legends)) or None)]


DISPUTED_COUNT = "? counts a meeting where the sources name someone else in the same seat"
ENGAGEMENTS = (
    "Talks: meetings with counterparts · Engagements: all they took part in (talks, a"
    " conference address) · both in all years, whatever the filters"
)
CURATOR_MARK = "[curator] the curators' own (public record or reasoning), not the articles'"


def _curator_field(person: dict[str, Any], field: str) -> str:
    """[curator] on a field the curators supplied; [inferred] on one they worked out."""
    if field in person.get("inferred_fields", ()):
        return " [inferred]"
    return _curator("curator" if field in person["curator_fields"] else "stated")


#: The legend of [inferred] on a person's or participant's field.
INFERRED_MARK = "[inferred] worked out by the curators from the articles' words (see notes)"


def who_view(report: dict[str, Any], *, explain: bool) -> list[Block]:
    """The `who` view from a who record: profile, meetings, counterparts, how it matched."""
    person = report["person"]
    meetings = report["meetings"]

    def value(field: str) -> str:
        return _one_line(person[field]) + _curator_field(person, field)

    fields: list[tuple[str, Cell]] = (
        [("Country", value("country"))]
        if person["country"]
        else [("Represents", _one_line(person.get("affiliation") or "—"))]
    )
    if person["rank"]:
        fields.append(("Rank", value("rank")))
    fields.append(("Role", value("role")))
    if person["native_names"]:
        fields.append(("Native names", _one_line(_names(person["native_names"]))))
    if person["other_names"]:
        fields.append(("Other names", _one_line(_names(person["other_names"]))))
    fields.append(("Spellings", _one_line("; ".join(person["spellings"]))))
    if person["notes"]:
        fields.append(("Notes", _one_line(person["notes"])))
    blocks: list[Block] = [
        heading(value("name"), person["id"]),
        FieldsBlock(fields),
    ]
    if explain:
        blocks.append(_text("How the name matched", "bold"))
        blocks.append(FieldsBlock(explain_fields(report), indent=2))
    talks = sum(1 for m in meetings if m["kind"] in TALK_KINDS)
    engagements = f"Engagements ({len(meetings)}"
    other = len(meetings) - talks
    engagements += f": {talks} talks, {other} other)" if other else ")"
    blocks.append(_text(engagements, "bold"))
    if meetings:
        rows = []
        labels: list[str] = []
        for meeting in meetings:
            event = meeting["event"]
            seats = {p["seat"] for p in meeting["participants"] if p["id"] == person["id"]}
            others = [
                p
                for p in meeting["participants"]
                if p["id"] != person["id"] and not (p["seat"] and p["seat"] in seats)
            ]
            cell = (
                Span(meeting["id"], "bold"),
                Span(
                    f"  {_one_line(event['short_name'])}{_curator(event['name_basis'])}"
                    if event
                    else ""
                ),
                Span("\nwith: " + (", ".join(participant_labels(others)) or "—")),
                Span("\ntopics: " + (", ".join(meeting["topics"]) or "—")),
            )
            rows.append((format_dates(meeting), cell))
            labels += participant_labels(others)
        columns = (Column("Date"), Column("Meeting", wrap=True))
        legend = date_and_seat_legend([cell_text(row[0]) for row in rows], labels)
        blocks.append(TableBlock(columns, rows, legend, indent=2))
    else:
        blocks.append(_text("none recorded", indent=2))
    if report["counterparts"]:
        blocks.append(_text("Counterparts", "bold"))
        for other in report["counterparts"]:
            count = other["meetings"]
            label = (
                f"{other['name']} ({person_country(other)}): "
                f"{_count(count, other['disputed'])} meeting{'s' if count != 1 else ''}"
            )
            blocks.append(_text(_one_line(label), indent=2))
        if any(other["disputed"] for other in report["counterparts"]):
            blocks.append(_text(DISPUTED_COUNT, "dim", indent=2))
    if report["context"]:
        blocks.append(_text(f"In context ({len(report['context'])})", "bold"))
        mentions = [
            (
                format_dates(item) if item["date"] else "—",
                item["id"],
                _part(item, person["id"]),
                _one_line(item["title"]),
            )
            for item in report["context"]
        ]
        headers = (Column("Date"), Column("ID"), Column("Part"), Column("Title", wrap=True))
        dates = [row[0] for row in mentions]
        legend = " · ".join(
            filter(None, (date_and_seat_legend(dates, ()), "— no date given" * ("—" in dates)))
        )
        blocks.append(TableBlock(headers, mentions, legend, indent=2))
    if _has_curator_mark(blocks):
        blocks.append(_text(CURATOR_MARK, "dim"))
    if _has_curator_mark(blocks, INFERRED_MARK[:10]):
        blocks.append(_text(INFERRED_MARK, "dim"))
    return blocks


def _part(item: dict[str, Any], person_id: str) -> str:
    """How a person figures in a context item: took part, commented, named, or quoted."""
    for field, part in (("people", "took part"), ("commented", "commented"), ("named", "named")):
        if any(p["id"] == person_id for p in item.get(field) or ()):
            return part
    return "quoted"


def _has_curator_mark(blocks: Sequence[Block], mark: str = "[curator]") -> bool:
    """True if a view shows a [curator] mark (or another), and so needs its legend."""
    for block in blocks:
        cells: list[Cell] = []
        if isinstance(block, TextBlock):
            cells.append(block.spans)
        elif isinstance(block, FieldsBlock):
            cells += [value for _, value in block.fields]
        if any(mark in cell_text(cell) for cell in cells):
            return True
    return False


def explain_fields(report: dict[str, Any]) -> list[tuple[str, str]]:
    """How a name query was normalised and matched, from a who record (for --explain)."""
    match = report["match"]
    fields = [
        ("query", repr(report["query"])),
        ("normalised", repr(match["normalised"])),
        ("phonetic", repr(match["phonetic"])),
    ]
    if match["status"] != "found":
        return fields
    fields.append(
        (
            "matched",
            f"{match['alias']!r} ({match['alias_kind']}) by {match['method']} match, "
            f"score {report['score']:g}",
        )
    )
    runner = match["runner_up"]
    if runner:
        fields.append(
            (
                "runner-up",
                f"{runner['name']} via {runner['alias']!r} ({runner['alias_kind']}), "
                f"score {runner['score']:g}",
            )
        )
    else:
        fields.append(("runner-up", "none scored"))
    return [(label, printable(value, one_line=True)) for label, value in fields]


def explain_lines(report: dict[str, Any]) -> list[str]:
    """explain_fields as lines of text, for standard error."""
    return [f"{label + ':':<12}{value}" for label, value in explain_fields(report)]


# --------------------------------------------------------------------------- search


def search_table(hits: Iterable[dict[str, Any]]) -> list[Block]:
    """The `search` table: score, date, id, and a highlighted snippet per matched field."""
    columns = (
        Column("Score", justify="right"),
        Column("Date"),
        Column("ID"),
        Column("Matched", wrap=True),
    )
    rows = []
    for hit in hits:
        by_field: dict[str, list[dict[str, Any]]] = {}
        for match in hit["search"]["matches"]:
            # A participant's or a quote's line says whose it is; a curators' name says so.
            label = match["field"] + (f" ({match['who']})" if match.get("who") else "")
            label += " [curator]" if match.get("name_basis") == "curator" else ""
            by_field.setdefault(label, []).append(match)
        score = f"{hit['search']['score']:g}"
        dates = format_dates(hit) if hit["date"] else "—"  # context items may be undated
        rows.append((score, dates, hit["id"], _snippets(by_field, labelled=True)))
    legend = date_and_seat_legend([row[1] for row in rows], ())
    if any("[curator]" in cell_text(row[3]) for row in rows):
        legend = "\n".join(filter(None, (legend, CURATOR_MARK)))
    return [TableBlock(columns, rows, legend)]


def source_search_table(hits: Iterable[dict[str, Any]]) -> list[Block]:
    """The `search --in sources` table: score, source, and a highlighted snippet per word."""
    columns = (
        Column("Score", justify="right"),
        Column("Source"),
        Column("Outlet"),
        Column("Matched", wrap=True),
    )
    rows = []
    for hit in hits:
        # One text: a snippet per word matched, each around its own place in it.
        lines = {str(n): [match] for n, match in enumerate(hit["search"]["matches"])}
        outlet = _one_line(hit["outlet"] or "—")
        rows.append((f"{hit['search']['score']:g}", hit["id"], outlet, _snippets(lines)))
    return [TableBlock(columns, rows)]


def _snippets(lines: dict[str, list[dict[str, Any]]], *, labelled: bool = False) -> Cell:
    """A line per key (labelled with it, if labelled): the first match's snippet, every
    match's words highlighted in it."""
    cell: list[Span] = []
    for number, (label, matches) in enumerate(lines.items()):
        if number:
            cell.append(Span("\n"))
        if labelled:
            cell.append(Span(f"{label}: ", "dim"))
        snippet = _marked_names(_one_line(matches[0]["snippet"]), matches[0])
        words = [rf"(?<!\w){re.escape(match['matched'])}(?!\w)" for match in matches]
        cell.extend(_highlighted(snippet, words, "bold reverse"))
    return tuple(cell)


def _marked_names(snippet: str, match: dict[str, Any]) -> str:
    """A person's line of names, each the curators supplied marked [curator]."""
    supplied = set(match.get("curator_names") or ())
    if not supplied:
        return snippet
    # Names are set apart by ", ", and the last from the country, role ... by "; ".
    return "; ".join(
        ", ".join(_curator_name(name, supplied) for name in part.split(", "))
        for part in snippet.split("; ")
    )


def _curator_name(name: str, supplied: set[str]) -> str:
    bare = name.rstrip("…").rstrip(",;")
    return name.replace(bare, f"{bare} [curator]", 1) if bare in supplied else name


def _highlighted(text: str, patterns: Sequence[str], style: str) -> list[Span]:
    """text in runs, those matching any pattern (merged where they touch) in style."""
    marks = sorted(
        m.span() for pattern in patterns for m in re.finditer(pattern, text) if m.end() > m.start()
    )
    merged = merged_spans(marks)
    runs, position = [], 0
    for start, end in merged:
        runs += [Span(text[position:start]), Span(text[start:end], style)]
        position = end
    runs.append(Span(text[position:]))
    return [run for run in runs if run.text]


# --------------------------------------------------------------------------- timeline


def timeline_view(
    years: Sequence[dict[str, Any]],
    principals: frozenset[str],
    *,
    ascii_only: bool,
    ids: bool = False,
) -> list[Block]:
    """Years as sections, events as headings, one line per meeting (from timeline records);
    with ids, each meeting's id at the end of its line (`meetings show ID` has its evidence)."""
    rows = {
        meeting["id"]: _timeline_row(meeting, principals, ascii_only) + ((meeting["id"],) * ids)
        for year in years
        for group in year["events"]
        for meeting in group["meetings"]
    }
    # The same widths for the columns before the ids in every group, so lines align down the
    # page.
    # (Characters here are one cell wide: dates, names in Latin script, country names.)
    widths = [
        max(
            (len(line) for row in rows.values() for line in cell_text(row[i]).split("\n")),
            default=0,
        )
        for i in range(4)
    ]
    headers = ("Date", "With", "Country", "Kind", "ID")[: 5 if ids else 4]
    columns = tuple(
        Column(header, wrap=number == 3, min_width=widths[number] if number < 4 else None)
        for number, header in enumerate(headers)
    )
    blocks: list[Block] = []
    for number, year in enumerate(years):
        if number:
            blocks.append(_text(""))
        if ascii_only:
            blocks.append(_text(f"== {year['year']} ==", "bold"))
        else:
            blocks.append(RuleBlock(str(year["year"])))
        for group in year["events"]:
            event = group["event"]
            title = (
                f"{event['name']}{_curator(event['name_basis'])} ({event['short_name']}),"
                f" {event_dates(event, ascii_only=ascii_only)}"
                if event
                else "Not at a listed event"
            )
            blocks.append(_text(_one_line(title), "bold"))
            group_rows = [rows[meeting["id"]] for meeting in group["meetings"]]
            blocks.append(TableBlock(columns, group_rows, indent=2, grid=True))
    # A legend for the marks this timeline shows, and only those.
    shown = [cell_text(cell) for row in rows.values() for cell in row]
    none = "-" if ascii_only else "—"
    n = len(headers)
    marks = (
        ("~ inferred date", any(cell.startswith("~") for cell in shown[0::n])),
        (SEAT_MARK, any(" or\n" in cell and "?" in cell for cell in shown[1::n])),
        ("? named by only some sources", any(_one_source(cell) for cell in shown[1::n])),
        ("disputed: sources disagree (meetings audit)", any("disputed" in c for c in shown[3::n])),
        (f"{none} no counterpart (an address)", none in shown[1::n]),
        (CURATOR_MARK, any(e["event"] and "curator" in (e["event"]["name_basis"],
                                                         e["event"]["dates_basis"])
                           for y in years for e in y["events"])),
    )  # fmt: skip
    legend = ("; " if ascii_only else " · ").join(text for text, used in marks if used)
    if legend:
        blocks += [_text(""), _text(legend, "dim")]
    return blocks


def _one_source(cell: str) -> bool:
    """Whether a cell of names marks one named by only some sources (not a seat's readings)."""
    lines = cell.split("\n")
    return any(line.endswith("?") and not lines[n - 1].endswith(" or") if n else line.endswith("?")
               for n, line in enumerate(lines))  # fmt: skip


def _timeline_row(
    meeting: dict[str, Any], principals: frozenset[str], ascii_only: bool
) -> tuple[Cell, ...]:
    others = [p for p in meeting["participants"] if p["id"] not in principals]
    names = participant_labels(others, country=False)
    countries = dict.fromkeys(person_country(p) for p in others)
    none = "-" if ascii_only else "—"
    # The kind in list's words; disputed under it, not in a column of its own: with --ids,
    # a line still fits 80 columns.
    kind = KIND_LABELS.get(meeting["kind"], meeting["kind"])
    return (
        human_dates(meeting, ascii_only=ascii_only),
        "\n".join(names) or none,
        _one_line(", ".join(countries)) or none,
        (Span(kind, ""), Span("\ndisputed", "bold yellow")) if meeting["disputed"] else kind,
    )


# --------------------------------------------------------------------------- other listings


def _plain_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    wide: int,
    right: tuple[int, ...] = (),
    caption: str | None = None,
    narrowest: int | None = None,
) -> list[Block]:
    """A table of plain text whose column `wide` takes the spare width (stacked rather than
    narrower than `narrowest`), the columns `right` (counts) right-aligned."""
    columns = tuple(
        Column(
            header,
            "right" if number in right else "left",
            wrap=number == wide,
            min_width=narrowest if number == wide else None,
        )
        for number, header in enumerate(headers)
    )
    cells = [tuple(printable(cell) for cell in row) for row in rows]
    return [TableBlock(columns, cells, caption)]


def event_dates(event: dict[str, Any], *, ascii_only: bool = False) -> str:
    """When an event was held (marked [curator] if from the public record), or its year."""
    if not event.get("start"):
        return str(event.get("year") or "dates not recorded")
    span = {"date": event["start"], "date_end": event["end"], "date_basis": "stated",
            "date_precision": "range", "date_candidates": None}  # fmt: skip
    days = human_dates(span, ascii_only=ascii_only)
    return f"{days} {event['start'][:4]}" + _curator(event.get("dates_basis"))
