"""The JSON of every dataset record: the documented output contract, in one place.

Meetings and context items are built from their plain values (as the loader
validated them): the compiled database stores each in this shape (the `record`
column), so every command prints the same object. A field the schema declares
and this module does not name is given as the data file gives it (null when
left out), at every level (a meeting, a participant, a quote, a disagreement, a
claim): a new field reaches the output without code here. People, events and sources are
built from their records. Pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from .model import (
    Dataset,
    DateSpan,
    Event,
    NativeName,
    Person,
    Source,
    Statement,
    from_plain,
    to_plain,
)

if TYPE_CHECKING:
    from . import schema

Plain = Mapping[str, Any]

#: JSON of one record on one line, as the database stores it and piped output writes it.
compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class StoredRecords(Sequence[dict[str, Any]]):
    """Records as the database keeps them: their compact JSON (the `record` column).

    A command that looks into a record reads its value (decoded once); the JSON
    writers write the text as it is, since `compact` of the value is that text.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._values: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> StoredRecords: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | StoredRecords:
        if isinstance(index, slice):
            return StoredRecords(self.texts[index])
        if self._values is None:
            self._values = [json.loads(text) for text in self.texts]
        return self._values[index]


def meeting_record(dataset: Dataset, meeting: Plain) -> dict[str, Any]:
    """A meeting as the documented JSON object, from its plain value."""
    sources: list[str] = meeting["sources"]
    disagreements = meeting.get("disagreements") or []
    event = dataset.event_by_id.get(meeting["event"]) if meeting.get("event") else None
    participants = [_participant(dataset, sources, p) for p in meeting["participants"]]
    record = {
        "id": meeting["id"],
        "title": meeting["title"],
        **span_fields(from_plain(DateSpan, meeting["date"])),
        "kind": meeting["kind"],
        "event": _event_brief(event) if event else None,
        "location": meeting["location"],
        "participants": participants,
        "countries": list(dict.fromkeys(p["country"] for p in participants)),
        "topics": list(meeting["topics"]),
        "summary": meeting["summary"],
        "quotes": [_quote(dataset, q) for q in meeting.get("quotes") or ()],
        "sources": [source_of(dataset, s) for s in sources],
        "disputed": bool(disagreements),
        "disagreements": [_disagreement(d) for d in disagreements],
        "notes": meeting.get("notes"),
        "claims": [claim_record(c) for c in meeting.get("claims") or ()],
    }
    return _with_rest(record, meeting, "MEETING")


_NO_DATE = dict.fromkeys(
    ("date", "date_end", "date_precision", "date_basis", "date_how", "date_candidates")
)


def context_record(dataset: Dataset, item: Plain) -> dict[str, Any]:
    """A context item as a JSON object, from its plain value."""
    date = item.get("date")
    disagreements = item.get("disagreements") or []

    def people(part: str) -> list[dict[str, Any]]:
        return [_person_brief(dataset.person_by_id[p]) for p in item.get(part) or ()]

    record = {
        "id": item["id"],
        "title": item["title"],
        "kind": item["kind"],
        **(span_fields(from_plain(DateSpan, date)) if date else _NO_DATE),
        "location": item.get("location"),
        "people": people("people"),
        "commented": people("commented"),
        "named": people("named"),
        "topics": list(item.get("topics") or ()),
        "summary": item["summary"],
        "quotes": [_quote(dataset, q) for q in item.get("quotes") or ()],
        "sources": [source_of(dataset, s) for s in item["sources"]],
        "disputed": bool(disagreements),
        "disagreements": [_disagreement(d) for d in disagreements],
        "notes": item.get("notes"),
        "claims": [claim_record(c) for c in item.get("claims") or ()],
    }
    return _with_rest(record, item, "CONTEXT_ITEM")


def span_fields(span: DateSpan) -> dict[str, Any]:
    """A date span as the fields of a meeting or context record."""
    return {
        "date": span.start.isoformat(),
        "date_end": span.end.isoformat(),
        "date_precision": span.precision,
        "date_basis": span.basis,
        "date_how": span.how,
        "date_candidates": [d.isoformat() for d in span.candidates] if span.candidates else None,
        "date_announced": span.announced,
    }


def claim_record(claim: Plain | Statement) -> dict[str, Any]:
    """A claim of a record's prose, with its evidence, as JSON (from its plain value or record)."""
    plain = to_plain(claim) if isinstance(claim, Statement) else claim
    return {
        "field": plain["field"],
        "text": plain["text"],
        "basis": plain.get("basis"),
        "how": plain.get("how"),
        "evidence": [
            {"source": e["source"], "text": e["text"]} for e in plain.get("evidence") or ()
        ],
    }


def _with_rest(record: dict[str, Any], plain: Plain, spec: schema.Record | str) -> dict[str, Any]:
    """record, then each other field spec (a schema record, or its name) declares, as plain
    has it (None if left out)."""
    spec = _spec(spec) if isinstance(spec, str) else spec
    for key in spec.fields:
        if key not in _NAMED:
            record[key] = plain.get(key)
    return record


#: Fields of data files this module writes out by name; any other is given as it is.
_NAMED = frozenset(
    ("id", "title", "date", "kind", "event", "location", "participants", "topics", "summary",
     "quotes", "sources", "disagreements", "notes", "people", "person", "role", "seat",
     "speaker", "speaker_as", "text", "source", "about", "claims", "note", "says", "commented",
     "named")
)  # fmt: skip


def _event_brief(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "name": event.name,
        "short_name": event.short_name,
        "year": event.year,
        "name_basis": event.name_basis,
        "start": event.dates.start.isoformat() if event.dates else None,
        "end": event.dates.end.isoformat() if event.dates else None,
    }


def _person_brief(person: Person) -> dict[str, Any]:
    brief = {"id": person.id, "name": person.name, "country": person.country}
    return {**brief, "affiliation": person.affiliation} if person.affiliation else brief


def _participant(dataset: Dataset, sources: Sequence[str], participant: Plain) -> dict[str, Any]:
    person = dataset.person_by_id[participant["person"]]
    own = participant.get("sources") or []
    record = {
        "id": person.id,
        "name": person.name,
        "short_name": person.short_name,
        "country": person.country,
        "role": participant["role"],
        "attested_by": list(own or sources),
        "disputed": bool(own),
        "seat": participant.get("seat"),
    }
    return _with_rest(record, participant, "PARTICIPANT")


def _quote(dataset: Dataset, quote: Plain) -> dict[str, Any]:
    speaker = quote.get("speaker")
    record = {
        # A speaker the source does not name is given as the source describes them.
        "speaker": dataset.person_by_id[speaker].name if speaker else quote.get("speaker_as"),
        "speaker_id": speaker,
        "text": quote["text"],
        "source": quote["source"],
    }
    return _with_rest(record, quote, "QUOTE")


def _spec(name: str) -> schema.Record:
    """A record declaration of the schema (imported only when records are made: the
    commands that read stored records need none of it)."""
    from . import schema

    spec: schema.Record = getattr(schema, name)
    return spec


def _item_spec(spec: schema.Record, key: str) -> schema.Record:
    """The spec of the records listed in spec's field key."""
    listed = spec.fields[key].spec
    from . import schema

    if not isinstance(listed, schema.ListOf) or not isinstance(listed.item, schema.Record):
        raise TypeError(f"{spec.name}.{key} does not list records")
    return listed.item


def _disagreement(disagreement: Plain) -> dict[str, Any]:
    claim = _item_spec(_spec("DISAGREEMENT"), "claims")
    claims = [
        _with_rest({"says": c["says"], "sources": list(c["sources"])}, c, claim)
        for c in disagreement["claims"]
    ]
    record = {"about": disagreement["about"], "claims": claims, "note": disagreement.get("note")}
    return _with_rest(record, disagreement, "DISAGREEMENT")


# --------------------------------------------------------------------------- dimensions


def source_of(dataset: Dataset, source_id: str) -> dict[str, Any]:
    return source_fields(dataset.source_by_id[source_id])


def source_fields(source: Source) -> dict[str, Any]:
    """A source as meeting records cite it."""
    return {
        "id": source.id,
        "outlet": source.outlet,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "published_basis": source.published_basis,
        "file": source.file,
    }


def source_record(
    source: Source, meetings: Sequence[str], context: Sequence[str]
) -> dict[str, Any]:
    """A source as JSON, with the ids of the meetings and context items that cite it."""
    return {
        **source_fields(source),
        "published_how": source.published_how,
        "meetings": list(meetings),
        "context": list(context),
        "notes": source.notes,
        "claims": [claim_record(c) for c in source.claims],
    }


def person_record(
    person: Person,
    meetings: int | None = None,
    disputed: int | None = None,
    talks: int | None = None,
) -> dict[str, Any]:
    """A person as a JSON object (with their number of meetings, when given).

    `meetings` counts every meeting record they are in (engagements: talks, an
    address); `talks`, those that are talks; `disputed`, the meetings where the
    person is one of several readings of a seat (the sources disagree on who it was).
    """
    record: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "short_name": person.short_name,
        "country": person.country,
        "affiliation": person.affiliation,
        "rank": person.rank,
        "role": person.role,
        "native_names": [_name(n) for n in person.native_names],
        "other_names": [_name(n) for n in person.other_names],
        "spellings": list(person.spellings),
        "stated_as": [{"text": s.text, "source": s.source} for s in person.stated_as],
        "curator_fields": list(person.curator_fields),
        "inferred_fields": list(person.inferred_fields),
        "notes": person.notes,
        "claims": [claim_record(c) for c in person.claims],
    }
    if meetings is not None:
        record["meetings"] = meetings
        record["talks"] = talks or 0
        record["disputed"] = disputed or 0
    return record


def _name(name: NativeName) -> dict[str, str | None]:
    script_basis = name.script_basis or name.basis
    return {"script": name.script, "name": name.name, "basis": name.basis,
            "script_basis": script_basis}  # fmt: skip


def event_record(
    dataset: Dataset, event: Event, meetings: Sequence[str], talks: int | None = None
) -> dict[str, Any]:
    """An event as JSON, with the ids of the meetings held at it (and how many are talks)."""
    return {
        "id": event.id,
        "name": event.name,
        "short_name": event.short_name,
        "year": event.year,
        **event_dates(event),
        "location": event.location,
        "location_basis": event.location_basis,
        "location_how": event.location_how,
        "name_basis": event.name_basis,
        "name_how": event.name_how,
        "meetings": list(meetings),
        "talks": talks,
        "sources": [source_of(dataset, s) for s in event.sources],
        "notes": event.notes,
        "claims": [claim_record(c) for c in event.claims],
    }


def event_dates(event: Event) -> dict[str, Any]:
    """When an event was held, as fields of its JSON (null when not recorded)."""
    dates = event.dates
    return {
        "start": dates.start.isoformat() if dates else None,
        "end": dates.end.isoformat() if dates else None,
        "dates_basis": dates.basis if dates else None,
        "dates_how": dates.how if dates else None,
    }
