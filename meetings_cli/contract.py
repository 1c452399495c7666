"""The JSON contract of meetings and context items, built once when a dataset is compiled.

The compiled database stores each meeting and context item in this shape (the
`record` column), so every command prints the same object and `list --json`
streams stored text instead of rebuilding it. Pure functions over records.
"""

from __future__ import annotations

from typing import Any

from .model import ContextItem, Dataset, DateSpan, Meeting, Participant, Quote, Source


def meeting_countries(dataset: Dataset, meeting: Meeting) -> list[str]:
    """Countries of the participants, in participant order, without repeats."""
    seen: dict[str, None] = {}
    for participant in meeting.participants:
        seen.setdefault(dataset.person_by_id[participant.person].country, None)
    return list(seen)


def meeting_record(dataset: Dataset, meeting: Meeting) -> dict[str, Any]:
    """A meeting as the documented JSON object."""
    event = dataset.event_by_id.get(meeting.event) if meeting.event else None
    return {
        "id": meeting.id,
        "title": meeting.title,
        **span_fields(meeting.date),
        "kind": meeting.kind,
        "event": (
            {
                "id": event.id,
                "name": event.name,
                "short_name": event.short_name,
                "year": event.year,
                "name_basis": event.name_basis,
            }
            if event
            else None
        ),
        "location": meeting.location,
        "participants": [_participant(dataset, meeting, p) for p in meeting.participants],
        "countries": meeting_countries(dataset, meeting),
        "topics": list(meeting.topics),
        "summary": meeting.summary,
        "quotes": [_quote(dataset, q) for q in meeting.quotes],
        "sources": [source_of(dataset, s) for s in meeting.sources],
        "disputed": meeting.disputed,
        "disagreements": [
            {
                "about": d.about,
                "claims": [{"says": c.says, "sources": list(c.sources)} for c in d.claims],
                "note": d.note,
            }
            for d in meeting.disagreements
        ],
        "notes": meeting.notes,
    }


def context_record(dataset: Dataset, item: ContextItem) -> dict[str, Any]:
    """A context item as a JSON object."""
    span: dict[str, Any] = (
        span_fields(item.date)
        if item.date
        else dict.fromkeys(
            ("date", "date_end", "date_precision", "date_basis", "date_how", "date_candidates")
        )
    )
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        **span,
        "location": item.location,
        "people": [
            {
                "id": pid,
                "name": dataset.person_by_id[pid].name,
                "country": dataset.person_by_id[pid].country,
            }
            for pid in item.people
        ],
        "topics": list(item.topics),
        "summary": item.summary,
        "quotes": [_quote(dataset, q) for q in item.quotes],
        "sources": [source_of(dataset, s) for s in item.sources],
        "notes": item.notes,
    }


def span_fields(span: DateSpan) -> dict[str, Any]:
    return {
        "date": span.start.isoformat(),
        "date_end": span.end.isoformat(),
        "date_precision": span.precision,
        "date_basis": span.basis,
        "date_how": span.how,
        "date_candidates": [d.isoformat() for d in span.candidates] if span.candidates else None,
    }


def _participant(dataset: Dataset, meeting: Meeting, participant: Participant) -> dict[str, Any]:
    person = dataset.person_by_id[participant.person]
    return {
        "id": person.id,
        "name": person.name,
        "short_name": person.short_name,
        "country": person.country,
        "role": participant.role,
        "attested_by": list(meeting.attested_by(participant)),
        "disputed": bool(participant.sources),
        "seat": participant.seat,
    }


def _quote(dataset: Dataset, quote: Quote) -> dict[str, Any]:
    return {
        # A speaker the source does not name is given as the source describes them.
        "speaker": dataset.person_by_id[quote.speaker].name if quote.speaker else quote.speaker_as,
        "speaker_id": quote.speaker,
        "text": quote.text,
        "source": quote.source,
    }


def source_of(dataset: Dataset, source_id: str) -> dict[str, Any]:
    return source_fields(dataset.source_by_id[source_id])


def source_fields(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "outlet": source.outlet,
        "title": source.title,
        "published": source.published.isoformat() if source.published else None,
        "published_basis": source.published_basis,
        "file": source.file,
    }
