"""Answers as JSON-shaped dicts: search hits, the timeline, counts, findings, `who`.

The JSON of the dataset's own records (meetings, context items, people, events,
sources) is in `contract`; its builders are re-exported here for the commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..contract import (
    StoredRecords,
    event_record,
    person_record,
    source_fields,
    source_record,
)
from ..model import Source
from .text import snippet

__all__ = [
    "candidate_record", "counterparts_of", "event_record", "finding_record", "person_record",
    "search_record", "source_record", "source_search_record", "stats_record", "stats_rows",
    "timeline_record", "who_record",
]  # fmt: skip

if TYPE_CHECKING:
    from ..match import Candidate, Resolution
    from ..report import Finding, TimelineYear
    from ..search import FieldMatch, SearchHit, SourceHit


def search_record(hit: SearchHit) -> dict[str, Any]:
    """A meeting (or context item) record with a `search` object: which kind of record,
    its score and where each query word matched."""
    return {**json.loads(hit.record), "search": _search_fields(hit)}


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
    if match.who is not None:
        found["who"] = match.who
    if match.basis is not None:
        found["name_basis"] = match.basis
    if offsets:
        found.update(start=match.start, end=match.end)
    found["snippet"] = snippet(match.text, match.start, match.end)[0]
    if match.curator_names:
        found["curator_names"] = list(match.curator_names)
    return found


def source_search_record(source: Source, hit: SourceHit) -> dict[str, Any]:
    """A source with a `search` object, as search_record has it: where its article matched."""
    matches = [_match(m, offsets=True) for m in hit.matches]
    return {
        **source_fields(source),
        "search": {"record": "source", "score": hit.score, "matches": matches},
    }


def timeline_record(years: Iterable[TimelineYear]) -> list[dict[str, Any]]:
    """The timeline as JSON: years, each with events, each with meeting records (as stored:
    decoded only if read, written as they are to compact JSON)."""
    return [
        {
            "year": year.year,
            "events": [
                {"event": event, "meetings": StoredRecords(meetings)}
                for event, meetings in year.events
            ],
        }
        for year in years
    ]


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
