"""The dataset as JSON-shaped dicts: the documented output contract."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..contract import source_fields, source_of
from ..model import Dataset, Event, NativeName, Person, Source
from .text import snippet

if TYPE_CHECKING:
    from ..match import Candidate, Resolution
    from ..report import Finding, TimelineYear
    from ..search import FieldMatch, SearchHit, SourceHit


def person_record(
    person: Person, meetings: int | None = None, disputed: int | None = None
) -> dict[str, Any]:
    """A person as a JSON object (with their number of meetings, when given).

    `disputed` counts the meetings where the person is one of several readings
    of a seat (the sources disagree on who it was).
    """
    record: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "short_name": person.short_name,
        "country": person.country,
        "rank": person.rank,
        "role": person.role,
        "native_names": [_name(n) for n in person.native_names],
        "other_names": [_name(n) for n in person.other_names],
        "spellings": list(person.spellings),
        "stated_as": [{"text": s.text, "source": s.source} for s in person.stated_as],
        "curator_fields": list(person.curator_fields),
        "notes": person.notes,
    }
    if meetings is not None:
        record["meetings"] = meetings
        record["disputed"] = disputed or 0
    return record


def _name(name: NativeName) -> dict[str, str]:
    return {"script": name.script, "name": name.name, "basis": name.basis}


def search_record(hit: SearchHit) -> dict[str, Any]:
    """A meeting (or context item) record with a `search` object: which kind of record,
    its score and where each query word matched."""
    return {**json.loads(hit.record), "search": _search_fields(hit)}


def search_text(hit: SearchHit) -> str:
    """search_record as indented JSON, made from the stored meeting without parsing it.

    The stored record is indented JSON ending in a line "}": the `search` object
    goes in as its last key, as json.dumps(search_record(hit), indent=2) has it.
    """
    search = json.dumps(_search_fields(hit), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return f'{hit.record[:-2]},\n  "search": {search}\n}}'


def _search_fields(hit: SearchHit) -> dict[str, Any]:
    return {
        "record": hit.kind,
        "score": hit.score,
        "matches": [_match(m) for m in hit.matches],
    }


def _match(match: FieldMatch, *, offsets: bool = False) -> dict[str, Any]:
    """Where a query word matched, as JSON; with offsets, its place in the field's text."""
    found: dict[str, Any] = {
        "field": match.field,
        "term": match.term,
        "matched": match.matched,
        "score": match.score,
    }
    if offsets:
        found.update(start=match.start, end=match.end)
    found["snippet"] = snippet(match.text, match.start, match.end)[0]
    return found


def source_search_record(source: Source, hit: SourceHit) -> dict[str, Any]:
    """A source with a `search` object, as search_record has it: where its article matched."""
    matches = [_match(m, offsets=True) for m in hit.matches]
    return {
        **source_fields(source),
        "search": {"record": "source", "score": hit.score, "matches": matches},
    }


def timeline_record(years: Iterable[TimelineYear]) -> list[dict[str, Any]]:
    """The timeline as JSON: years, each with events, each with meeting records."""
    return [
        {
            "year": year.year,
            "events": [
                {"event": event, "meetings": [json.loads(text) for text in meetings]}
                for event, meetings in year.events
            ],
        }
        for year in years
    ]


def event_record(dataset: Dataset, event: Event, meetings: Sequence[str]) -> dict[str, Any]:
    """An event as JSON, with the ids of the meetings held at it."""
    return {
        "id": event.id,
        "name": event.name,
        "short_name": event.short_name,
        "year": event.year,
        "location": event.location,
        "name_basis": event.name_basis,
        "name_how": event.name_how,
        "meetings": list(meetings),
        "sources": [source_of(dataset, s) for s in event.sources],
        "notes": event.notes,
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
    }


def stats_record(stats: dict[str, list[tuple[str, int]]]) -> dict[str, dict[str, int]]:
    """Counts as JSON: {dimension: {value: count}}."""
    return {dimension: dict(pairs) for dimension, pairs in stats.items()}


def stats_rows(stats: dict[str, list[tuple[str, int]]]) -> list[dict[str, Any]]:
    """Counts as rows {dimension, value, count}, for JSON Lines and CSV."""
    return [
        {"dimension": dimension, "value": value, "count": count}
        for dimension, pairs in stats.items()
        for value, count in pairs
    ]


def finding_record(finding: Finding) -> dict[str, Any]:
    """An audit finding as JSON."""
    return {
        "record": finding.record,
        "id": finding.id,
        "issue": finding.issue,
        "detail": finding.detail,
        "sources": list(finding.sources),
    }


# --------------------------------------------------------------------------- who


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
    """The people someone met, from their meeting records, most meetings first.

    Alternative readings of one seat are not each other's counterparts. A meeting
    where either side is such a reading also counts as `disputed`.
    """
    counts: dict[str, dict[str, Any]] = {}
    for meeting in meetings:
        own = [p for p in meeting["participants"] if p["id"] == person_id]
        seats = {p["seat"] for p in own if p["seat"]}
        for other in meeting["participants"]:
            if other["id"] == person_id or (other["seat"] and other["seat"] in seats):
                continue
            entry = counts.setdefault(
                other["id"],
                {
                    "id": other["id"],
                    "name": other["name"],
                    "country": other["country"],
                    "meetings": 0,
                    "disputed": 0,
                },
            )
            entry["meetings"] += 1
            entry["disputed"] += bool(seats or other["seat"])
    return sorted(counts.values(), key=lambda e: (-e["meetings"], e["name"]))


def who_record(
    resolution: Resolution,
    person: dict[str, Any] | None,
    meetings: Sequence[dict[str, Any]],
    people: Callable[[str], dict[str, Any]],
    context: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The `who --json` object: the person, how the name matched, meetings, counterparts.

    people(id) gives the person record of any candidate; context holds the
    context items that mention or quote the person.
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
        "context": list(context),
        "candidates": [candidate_record(c, people(c.person_id)) for c in resolution.candidates],
    }
