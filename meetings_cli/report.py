"""Summaries over the dataset: timeline groups, who-met-whom, statistics, audit.

Pure functions over records: no I/O, no printing.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from .model import Dataset, Event, Meeting, Person, Source
from .query import meeting_countries, sort_meetings


def principal_ids(dataset: Dataset) -> frozenset[str]:
    """People who take part in every meeting (the minister the dataset follows).

    They are left out where a line names a meeting's counterparts.
    """
    if len(dataset.meetings) < 2:
        return frozenset()
    common = set.intersection(*({p.person for p in m.participants} for m in dataset.meetings))
    return frozenset(common)


class EventGroup(NamedTuple):
    """Meetings of one event (or of none) within a year, in date order."""

    event: Event | None
    meetings: tuple[Meeting, ...]


class YearGroup(NamedTuple):
    """One year of the timeline."""

    year: int
    events: tuple[EventGroup, ...]


def timeline(dataset: Dataset, meetings: Sequence[Meeting]) -> list[YearGroup]:
    """Meetings by the year they start in, then by event in order of first meeting."""
    years: dict[int, dict[str | None, list[Meeting]]] = {}
    for meeting in sort_meetings(meetings):
        years.setdefault(meeting.date.start.year, {}).setdefault(meeting.event, []).append(meeting)
    return [
        YearGroup(
            year,
            tuple(
                EventGroup(dataset.event_by_id.get(event_id) if event_id else None, tuple(group))
                for event_id, group in events.items()
            ),
        )
        for year, events in sorted(years.items())
    ]


class Edge(NamedTuple):
    """Two people who met, how often, in which years and meetings."""

    source: str
    target: str
    weight: int
    years: tuple[int, ...]
    meetings: tuple[str, ...]
    #: True if one of the two is named by only some sources of a meeting counted.
    disputed: bool


class Graph(NamedTuple):
    """Who met whom."""

    people: tuple[Person, ...]
    edges: tuple[Edge, ...]


def meeting_graph(dataset: Dataset, meetings: Sequence[Meeting]) -> Graph:
    """People as nodes, an edge for every pair that shared a meeting, weighted by count."""
    pairs: dict[tuple[str, str], list[tuple[Meeting, bool]]] = {}
    for meeting in sort_meetings(meetings):
        people = meeting.participants
        for i, first in enumerate(people):
            # Alternative readings of one seat (one Kazakh minister or the other)
            # did not meet each other.
            others = set(meeting.counterparts(first.person))
            for second in people[i + 1 :]:
                if second not in others:
                    continue
                key = tuple(sorted((first.person, second.person)))
                disputed = bool(first.sources or second.sources)
                pairs.setdefault((key[0], key[1]), []).append((meeting, disputed))
    edges = tuple(
        Edge(
            source=a,
            target=b,
            weight=len(shared),
            years=tuple(sorted({y for m, _ in shared for y in m.date.years})),
            meetings=tuple(m.id for m, _ in shared),
            disputed=any(d for _, d in shared),
        )
        for (a, b), shared in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    ids = {pid for edge in edges for pid in (edge.source, edge.target)}
    ids.update(p.person for m in meetings for p in m.participants)
    return Graph(tuple(p for p in dataset.people if p.id in ids), edges)


def statistics(dataset: Dataset, meetings: Sequence[Meeting]) -> dict[str, list[tuple[str, int]]]:
    """Meeting counts by year, country, kind and topic, most first (years in order).

    A meeting counts once under each year its date range touches, each country
    among its participants, and each of its topics.
    """
    by_year: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    for meeting in meetings:
        by_year.update(str(year) for year in meeting.date.years)
        by_country.update(meeting_countries(dataset, meeting))
        by_kind[meeting.kind] += 1
        by_topic.update(meeting.topics)

    def ranked(counter: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))

    return {
        "year": sorted(by_year.items()),
        "country": ranked(by_country),
        "kind": ranked(by_kind),
        "topic": ranked(by_topic),
    }


class Finding(NamedTuple):
    """A place where the record is uncertain: sources disagree, or a date is worked out."""

    record: str  # meeting, context, person, event, source
    id: str
    issue: str  # disagreement, inferred-date, curator-supplied, inferred-publication-date
    detail: str
    sources: tuple[str, ...]


def audit(dataset: Dataset) -> list[Finding]:
    """Every disagreement, inferred date and curator-supplied fact, meetings first."""
    findings: list[Finding] = []
    for meeting in sort_meetings(dataset.meetings):
        for disagreement in meeting.disagreements:
            claims = "; ".join(f"{', '.join(c.sources)}: {c.says}" for c in disagreement.claims)
            findings.append(
                Finding(
                    "meeting",
                    meeting.id,
                    "disagreement",
                    f"{disagreement.about}. {claims}",
                    tuple(dict.fromkeys(s for c in disagreement.claims for s in c.sources)),
                )
            )
        if meeting.date.basis == "inferred":
            findings.append(
                Finding("meeting", meeting.id, "inferred-date", meeting.date.how, meeting.sources)
            )
    for item in dataset.context:
        if item.date and item.date.basis == "inferred":
            findings.append(
                Finding("context", item.id, "inferred-date", item.date.how, item.sources)
            )
    for person in dataset.people:
        for field, names in (
            ("native name", person.native_names),
            ("other name", person.other_names),
        ):
            for name in names:
                if name.basis == "curator":
                    findings.append(
                        Finding(
                            "person",
                            person.id,
                            "curator-supplied",
                            f"{field} ({name.script}): {name.name}",
                            (),
                        )
                    )
        for field in person.curator_fields:
            value = getattr(person, field)
            findings.append(
                Finding("person", person.id, "curator-supplied", f"{field}: {value}", ())
            )
    for event in dataset.events:
        if event.name_basis == "curator":
            findings.append(
                Finding(
                    "event",
                    event.id,
                    "curator-supplied",
                    f"name {event.name!r}: {event.name_how or ''}".rstrip(": "),
                    event.sources,
                )
            )
    for source in dataset.sources:
        if source.published_basis == "inferred":
            findings.append(
                Finding(
                    "source",
                    source.id,
                    "inferred-publication-date",
                    source.published_how or "",
                    (source.id,),
                )
            )
    return findings


def meetings_at(dataset: Dataset, event_id: str) -> list[Meeting]:
    """The meetings held at an event, in date order."""
    return sort_meetings(m for m in dataset.meetings if m.event == event_id)


def citing(dataset: Dataset, source: Source) -> tuple[list[Meeting], list[str]]:
    """The meetings that cite a source, and the ids of the context items that do."""
    meetings = sort_meetings(m for m in dataset.meetings if source.id in m.sources)
    context = [c.id for c in dataset.context if source.id in c.sources]
    return meetings, context
