"""Summaries over the compiled database: timeline, statistics, audit (who met whom: `pairing`).

Queries and plain values: no printing.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any, NamedTuple

from .query import MEETING_ORDER, Selection


def principal_ids(db: sqlite3.Connection) -> frozenset[str]:
    """People who take part in every meeting (the minister the dataset follows).

    They are left out where a line names a meeting's counterparts.
    """
    (count,) = db.execute("SELECT count(*) FROM meetings").fetchone()
    if count < 2:
        return frozenset()
    rows = db.execute(
        "SELECT person FROM participants GROUP BY person HAVING count(DISTINCT meeting) = ?",
        (count,),
    )
    return frozenset(person for (person,) in rows)


class TimelineYear(NamedTuple):
    """One year of the timeline: its events in order of first meeting, each with meetings.

    An event is {id, name, short_name} or None; meetings are their stored JSON.
    """

    year: int
    events: list[tuple[dict[str, Any] | None, list[str]]]


def timeline(db: sqlite3.Connection, selection: Selection) -> Iterator[TimelineYear]:
    """The selected meetings by the year they start in, then by event, read a year at a time."""
    where, params = selection
    rows = db.execute(
        f"""
        SELECT CAST(substr(m.start, 1, 4) AS INTEGER), m.event, e.name, e.short_name,
          e.name_basis, e.start, e.end, e.dates_basis, verified(m.record, m.checksum)
        FROM meetings m LEFT JOIN events e ON e.id = m.event
        WHERE {where} ORDER BY {MEETING_ORDER}
        """,
        params,
    )
    year: TimelineYear | None = None
    groups: dict[str | None, list[str]] = {}
    for number, event_id, *event_fields, record in rows:
        if year is None or year.year != number:
            if year is not None:
                yield year
            groups = {}
            year = TimelineYear(number, [])
        if event_id not in groups:
            groups[event_id] = []
            keys = ("name", "short_name", "name_basis", "start", "end", "dates_basis")
            event = {"id": event_id, **dict(zip(keys, event_fields, strict=True))}
            year.events.append((event if event_id else None, groups[event_id]))
        groups[event_id].append(record)
    if year is not None:
        yield year


def statistics(db: sqlite3.Connection, selection: Selection) -> dict[str, list[tuple[str, int]]]:
    """Meeting counts by year, country, kind and topic, most first (years in order).

    A meeting counts once under each year its date range touches, each country
    among its participants, and each of its topics.
    """
    where, params = selection
    # Without a filter, count the tables whole: listing every meeting first costs more.
    chosen = "" if where == "1" else f"IN (SELECT m.rowid FROM meetings m WHERE {where})"
    meeting = f"WHERE meeting {chosen}" if chosen else ""
    queries = {
        "year": f"SELECT CAST(year AS TEXT), count(*) FROM meeting_years {meeting}"
        " GROUP BY year ORDER BY year",
        "country": f"SELECT country, count(DISTINCT meeting) FROM participants {meeting}"
        " GROUP BY country ORDER BY 2 DESC, 1",
        "kind": f"SELECT kind, count(*) FROM meetings {'WHERE rowid ' + chosen if chosen else ''}"
        " GROUP BY kind ORDER BY 2 DESC, 1",
        "topic": f"SELECT topic, count(*) FROM meeting_topics {meeting}"
        " GROUP BY topic ORDER BY 2 DESC, 1",
    }
    return {name: [tuple(row) for row in db.execute(sql, params)] for name, sql in queries.items()}


class Finding(NamedTuple):
    """A place where the record is uncertain: sources disagree, or a date is worked out."""

    record: str  # meeting, context, person, event, source
    id: str
    issue: str  # disagreement, inferred-date, curator-supplied, inferred-publication-date
    detail: str
    sources: tuple[str, ...]


def audit(db: sqlite3.Connection) -> list[Finding]:
    """Every disagreement, inferred date and curator-supplied fact, meetings first."""
    from .store import read_dimensions

    findings: list[Finding] = []
    rows = db.execute(
        f"""
        SELECT m.id, m.date_basis, m.date_how,
          (SELECT json_group_array(json_array(about, claims)) FROM
            (SELECT about, claims FROM disagreements WHERE meeting = m.rowid ORDER BY position)),
          (SELECT json_group_array(source) FROM
            (SELECT source FROM meeting_sources WHERE meeting = m.rowid ORDER BY rowid))
        FROM meetings m WHERE m.disputed OR m.date_basis = 'inferred' ORDER BY {MEETING_ORDER}
        """
    )
    for meeting_id, basis, how, disagreements, sources in rows:
        for about, claims_text in json.loads(disagreements):
            claims = json.loads(claims_text)
            said = "; ".join(f"{', '.join(cited)}: {says}" for says, cited in claims)
            cited_all = tuple(dict.fromkeys(s for _, cited in claims for s in cited))
            findings.append(
                Finding("meeting", meeting_id, "disagreement", f"{about}. {said}", cited_all)
            )
        if basis == "inferred":
            findings.append(
                Finding("meeting", meeting_id, "inferred-date", how, tuple(json.loads(sources)))
            )
    context = db.execute(
        "SELECT c.id, c.date_how, (SELECT json_group_array(source) FROM context_sources"
        " WHERE item = c.id) FROM context c WHERE c.date_basis = 'inferred' ORDER BY c.rowid"
    )
    for item_id, how, sources in context:
        findings.append(
            Finding("context", item_id, "inferred-date", how, tuple(json.loads(sources)))
        )
    dims = read_dimensions(db)
    for person in dims.people:
        for field, names in (
            ("native name", person.native_names),
            ("other name", person.other_names),
        ):
            for name in names:
                if name.basis == "curator":
                    detail = f"{field} ({name.script}): {name.name}"
                    findings.append(Finding("person", person.id, "curator-supplied", detail, ()))
        for field in person.curator_fields:
            detail = f"{field}: {getattr(person, field)}"
            findings.append(Finding("person", person.id, "curator-supplied", detail, ()))
    for event in dims.events:
        if event.name_basis == "curator":
            detail = f"name {event.name!r}: {event.name_how or ''}".rstrip(": ")
            findings.append(Finding("event", event.id, "curator-supplied", detail, event.sources))
    for source in dims.sources:
        if source.published_basis == "inferred":
            detail = source.published_how or ""
            findings.append(
                Finding("source", source.id, "inferred-publication-date", detail, (source.id,))
            )
    for event in dims.events:
        if event.location_basis == "curator":
            detail = f"location {event.location!r}: {event.location_how or ''}".rstrip(": ")
            findings.append(Finding("event", event.id, "curator-supplied", detail, ()))
        if event.dates is not None and event.dates.basis == "curator":
            detail = f"dates {event.dates.start} to {event.dates.end}: {event.dates.how}"
            findings.append(Finding("event", event.id, "curator-supplied", detail, ()))
    findings += _claim_findings(db)
    return findings


#: What `audit` reports, in the order it reports them.
ISSUES = (
    "disagreement",
    "inferred-date",
    "curator-supplied",
    "inferred-publication-date",
    "curator-speaker",
    "curator-claim",
    "no-evidence",
)


def _claim_findings(db: sqlite3.Connection) -> list[Finding]:
    """Quotes given to a speaker by the curators; claims from the curators; prose without
    evidence: of meetings, context items, people, events and sources (as their files
    give them)."""
    from . import schema

    kinds = {"meetings": "meeting", "context": "context", "people": "person",
             "events": "event", "sources": "source"}  # fmt: skip
    rows = db.execute(
        "SELECT collection, id, verified(value, checksum) FROM records"
        " WHERE value NOTNULL AND collection IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json.dumps(list(kinds)),),
    )
    findings = []
    for collection, record_id, text in rows:
        kind, value = kinds[collection], json.loads(text)
        for quote in value.get("quotes") or ():
            if quote.get("speaker_basis") == "curator":
                said = f"“{quote['text']}” given to {quote['speaker']}: {quote['speaker_how']}"
                findings.append(
                    Finding(kind, record_id, "curator-speaker", said, (quote["source"],))
                )
        claims = value.get("claims") or []
        for claim in claims:
            if claim.get("basis") == "curator":
                detail = f"{claim['field']}: {claim['text']} ({claim['how']})"
                findings.append(Finding(kind, record_id, "curator-claim", detail, ()))
        # A claim of a list is named `summary[1]`: its prose field is `summary`.
        evidenced = {
            re.sub(r"\[\d+\]$", "", claim["field"])
            for claim in claims
            if claim.get("evidence") or claim.get("how")
        }
        for path, prose in schema.prose_of(schema.COLLECTIONS[collection], value):
            if path not in evidenced:
                findings.append(Finding(kind, record_id, "no-evidence", f"{path}: {prose}", ()))
    return findings


def meeting_ids_at(db: sqlite3.Connection, event_id: str) -> list[str]:
    """The ids of the meetings held at an event, in date order."""
    sql = f"SELECT m.id FROM meetings m WHERE m.event = ? ORDER BY {MEETING_ORDER}"
    return [row[0] for row in db.execute(sql, (event_id,))]


def talks_at(db: sqlite3.Connection, event_id: str) -> int:
    """How many of the meetings held at an event are talks (not an address, say)."""
    from .model import TALK_KINDS

    marks = ", ".join("?" * len(TALK_KINDS))
    sql = f"SELECT count(*) FROM meetings WHERE event = ? AND kind IN ({marks})"
    return int(db.execute(sql, (event_id, *TALK_KINDS)).fetchone()[0])


def citing(db: sqlite3.Connection, source_id: str) -> tuple[list[str], list[str]]:
    """The ids of the meetings that cite a source, and of the context items that do."""
    sql = (
        "SELECT m.id FROM meetings m WHERE m.rowid IN"
        f" (SELECT meeting FROM meeting_sources WHERE source = ?) ORDER BY {MEETING_ORDER}"
    )
    meetings = [row[0] for row in db.execute(sql, (source_id,))]
    context = [
        row[0]
        for row in db.execute(
            "SELECT c.id FROM context c WHERE c.id IN"
            " (SELECT item FROM context_sources WHERE source = ?) ORDER BY c.rowid",
            (source_id,),
        )
    ]
    return meetings, context


#: The fields of a quote's record a `quotes` row repeats (where and when it was said).
_QUOTED_IN = ("id", "title", "date", "date_end", "date_precision", "date_basis", "date_candidates")


def quotes(
    db: sqlite3.Connection,
    meetings: Selection,
    context: Selection,
    *,
    speakers: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Every quote of the selected meetings and context items, by date (undated last).

    One flat row per quote, with the speaker's id (speakers: only theirs), the
    meeting or context item it is in, and its source's outlet, title and date.
    """
    from .query import context_records, meeting_texts

    def said(table: str, alias: str) -> tuple[str, tuple[Any, ...]]:
        sql = f" AND {alias} IN (SELECT {table} FROM quotes WHERE {table} IS NOT NULL"
        if speakers:
            sql += f" AND speaker IN ({', '.join('?' * len(speakers))})"
        return sql + ")", speakers

    where, params = said("meeting", "m.rowid")
    texts = meeting_texts(db, Selection(meetings.where + where, (*meetings.params, *params)))
    quoted = [("meeting", json.loads(text)) for text in texts]
    where, params = said("context", "c.id")
    chosen = Selection(context.where + where, (*context.params, *params))
    quoted += [("context", item) for item in context_records(db, selection=chosen)]
    # Dated first, by date, as each list is ordered (sorted is stable).
    quoted.sort(key=lambda kr: (kr[1]["date"] is None, kr[1]["date"] or "", kr[1]["date_end"]))
    rows = []
    for kind, record in quoted:
        sources = {s["id"]: s for s in record["sources"]}
        for quote in record["quotes"]:
            if speakers and quote["speaker_id"] not in speakers:
                continue
            source = sources.get(quote["source"], {})
            rows.append(
                {
                    "record": kind,
                    **{key: record.get(key) for key in _QUOTED_IN},
                    "speaker": quote["speaker"],
                    "speaker_id": quote["speaker_id"],
                    "speaker_basis": quote.get("speaker_basis") or "stated",
                    "text": quote["text"],
                    "source": quote["source"],
                    "outlet": source.get("outlet"),
                    "source_title": source.get("title"),
                    "published": source.get("published"),
                }
            )
    return rows


def article_text(db: sqlite3.Connection, source_id: str) -> str | None:
    """The text of a source's article as the dataset keeps it (None for an unknown source)."""
    sql = "SELECT verified(text, checksum) FROM articles WHERE source = ?"
    row = db.execute(sql, (source_id,)).fetchone()
    return None if row is None else str(row[0])


def source_quotes(
    db: sqlite3.Connection, source_id: str, text: str, within: str | None = None
) -> list[dict[str, Any]]:
    """The quotes taken from a source (only those of one meeting or context item, if within),
    each with where it occurs in the article text: `spans` of character offsets.

    In order of their first place in the text; a quote the text holds twice (a
    repost that repeats itself) has two spans.
    """
    from .load import quote_spans

    rows = db.execute(
        "SELECT CASE WHEN q.meeting IS NULL THEN 'context' ELSE 'meeting' END,"
        " coalesce(m.id, q.context), q.speaker, coalesce(p.name, q.speaker_as), q.text"
        " FROM quotes q"
        " LEFT JOIN meetings m ON m.rowid = q.meeting LEFT JOIN people p ON p.id = q.speaker"
        " WHERE q.source = ? ORDER BY m.start, m.id, q.context, q.position",
        (source_id,),
    ).fetchall()
    found = []
    for kind, record_id, speaker_id, speaker, quote in rows:
        if within is not None and record_id != within:
            continue
        spans = [{"start": start, "end": end} for start, end in quote_spans(text, quote)]
        found.append(
            {
                "record": kind,
                "id": record_id,
                "speaker_id": speaker_id,
                "speaker": speaker,
                "text": quote,
                "spans": spans,
            }
        )
    found.sort(key=lambda q: q["spans"][0]["start"] if q["spans"] else len(text))
    return found


#: A sentence ends at one of these followed by white space, or at a line break.
#: Not after an initial or an abbreviation of initials (U.S., U.N.) or a title (Mr.).
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?][\"'”’»)\]]*(?=\s)|\n"
)
#: A passage longer than this is cut around the quote.
PASSAGE_LIMIT = 600


def sentence_around(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence (or sentences) of text holding [start, end), and where that span is in it.

    A passage longer than PASSAGE_LIMIT characters is cut around the span, with …
    where it is cut.
    """
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    after = _SENTENCE_END.search(text, max(end - 1, start))
    if after is None:
        right = len(text)
    elif after.group() == "\n":  # a line break ends the sentence before it
        right = after.start()
    else:
        right = after.end()
    right = max(right, end)
    while left < start and text[left].isspace():
        left += 1
    cut_left = cut_right = False
    if right - left > PASSAGE_LIMIT:
        spare = max(0, PASSAGE_LIMIT - (end - start)) // 2
        cut_left, cut_right = start - spare > left, end + spare < right
        left, right = max(left, start - spare), min(right, end + spare)
    prefix = "…" if cut_left else ""
    passage = prefix + text[left:right].strip() + ("…" if cut_right else "")
    return passage, len(prefix) + start - left, len(prefix) + end - left


def quote_passages(
    db: sqlite3.Connection, record: dict[str, Any]
) -> list[tuple[str, str, int, int] | None]:
    """For each quote of a meeting or context record: its source, the sentence around it
    in the article, and where the quote is in it (None where the text does not hold it)."""
    from .load import quote_spans

    texts: dict[str, str | None] = {}
    passages: list[tuple[str, str, int, int] | None] = []
    for quote in record.get("quotes") or []:
        source = quote["source"]
        if source not in texts:
            texts[source] = article_text(db, source)
        text = texts[source]
        spans = quote_spans(text, quote["text"]) if text else []
        passages.append((source, *sentence_around(text, *spans[0])) if text and spans else None)
    return passages


def with_evidence_spans(db: sqlite3.Connection, record: dict[str, Any]) -> dict[str, Any]:
    """record with, in each claim's evidence, `spans` (where the passage is in its article:
    character offsets) and `sentence` (the article's sentence around the first, with
    `at`: where the passage is in it; null when the text does not hold it)."""
    from .load import quote_spans

    if not record.get("claims"):
        return record
    texts: dict[str, str | None] = {}
    claims = []
    for claim in record["claims"]:
        evidence = []
        for passage in claim["evidence"]:
            source = passage["source"]
            if source not in texts:
                texts[source] = article_text(db, source)
            text = texts[source]
            spans = quote_spans(text, passage["text"]) if text else []
            sentence, start, end = (
                sentence_around(text, *spans[0]) if text and spans else ("", 0, 0)
            )
            evidence.append(
                {
                    **passage,
                    "spans": [{"start": a, "end": b} for a, b in spans],
                    "sentence": sentence or None,
                    "at": {"start": start, "end": end} if sentence else None,
                }
            )
        claims.append({**claim, "evidence": evidence})
    return {**record, "claims": claims}
