"""Selecting and ordering records. Pure functions: no I/O, no printing."""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from .model import MEETING_KINDS, ContextItem, Dataset, Event, Meeting, Person

if TYPE_CHECKING:
    from .match import PersonIndex


class QueryError(ValueError):
    """A filter value that cannot be right for this dataset (a usage error)."""


class NotFound(LookupError):
    """Nothing in the dataset answers the question."""


class MeetingFilter(NamedTuple):
    """What `list` and friends were asked for. Each option is OR within, AND across."""

    years: tuple[int, ...] = ()
    first: date | None = None
    last: date | None = None
    countries: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


class ResolvedFilter(NamedTuple):
    """A MeetingFilter with its names turned into dataset ids."""

    years: frozenset[int]
    first: date | None
    last: date | None
    countries: frozenset[str]
    events: frozenset[str]
    kinds: frozenset[str]
    topics: frozenset[str]
    people: frozenset[str]


def resolve_filter(dataset: Dataset, wanted: MeetingFilter) -> ResolvedFilter:
    """Check every filter value against the dataset and map it to ids.

    Raises QueryError for a value that names nothing the dataset knows (a
    usage error) and NotFound for a person no name matches.
    """
    if wanted.first and wanted.last and wanted.first > wanted.last:
        raise QueryError(f"--from {wanted.first} is after --to {wanted.last}")
    people: frozenset[str] = frozenset()
    if wanted.people:
        from .match import PersonIndex  # only here: name matching costs start-up time

        index = PersonIndex.build(dataset.people)
        people = frozenset(resolve_person(index, name).id for name in wanted.people)
    countries = sorted({person.country for person in dataset.people})
    return ResolvedFilter(
        years=frozenset(wanted.years),
        first=wanted.first,
        last=wanted.last,
        countries=frozenset(_pick("country", c, countries) for c in wanted.countries),
        events=frozenset(resolve_event(dataset, e).id for e in wanted.events),
        kinds=frozenset(_pick("kind", k.replace(" ", "-"), MEETING_KINDS) for k in wanted.kinds),
        topics=frozenset(
            _pick("topic", t, [topic.id for topic in dataset.topics]) for t in wanted.topics
        ),
        people=people,
    )


def select_meetings(dataset: Dataset, wanted: MeetingFilter) -> list[Meeting]:
    """The meetings that pass every filter, in date order."""
    resolved = resolve_filter(dataset, wanted)
    return sort_meetings(m for m in dataset.meetings if _passes(dataset, m, resolved))


def sort_meetings(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Earliest possible day first, then latest possible day, then id."""
    return sorted(meetings, key=lambda m: (m.date.start, m.date.end, m.id))


def find_meeting(dataset: Dataset, meeting_id: str) -> Meeting:
    """The meeting with this id; NotFound (with suggestions) if there is none."""
    meeting = dataset.meeting_by_id.get(meeting_id.strip())
    if meeting is None:
        raise NotFound(
            f"no meeting with id {meeting_id!r}{_suggest(meeting_id, dataset.meeting_by_id)}"
        )
    return meeting


def resolve_event(dataset: Dataset, text: str) -> Event:
    """An event named by id, short name or full name (ignoring case)."""
    from .match import fold

    wanted = fold(text)
    for event in dataset.events:
        if wanted in (fold(event.id), fold(event.short_name), fold(event.name)):
            return event
    ids = [event.id for event in dataset.events]
    raise QueryError(f"no event {text!r}{_suggest(text, ids)}; events: {', '.join(ids)}")


def resolve_person(index: "PersonIndex", name: str) -> Person:
    """The one person a name means; NotFound (with suggestions or candidates) otherwise."""
    from .match import describe_failure

    resolution = index.resolve(name)
    if resolution.best is None:
        raise NotFound(describe_failure(resolution, index.name_of))
    return index.people[resolution.best.person_id]


def meetings_with(dataset: Dataset, person_id: str) -> list[Meeting]:
    """Every meeting the person took part in, in date order."""
    return sort_meetings(
        m for m in dataset.meetings if any(p.person == person_id for p in m.participants)
    )


class PersonCount(NamedTuple):
    """A person, their number of meetings, and how many of those are disputed."""

    person: Person
    meetings: int
    disputed: int  # meetings where they are one of several readings of a seat


def people_with_counts(dataset: Dataset) -> list[PersonCount]:
    """Everyone in the dataset with their number of meetings, most first, then by name."""
    counts = {person.id: [0, 0] for person in dataset.people}
    for meeting in dataset.meetings:
        for participant in meeting.participants:
            counts[participant.person][0] += 1
            counts[participant.person][1] += participant.seat is not None
    people = [PersonCount(dataset.person_by_id[pid], n, d) for pid, (n, d) in counts.items()]
    return sorted(people, key=lambda c: (-c.meetings, c.person.name))


def context_about(dataset: Dataset, person_id: str) -> list[ContextItem]:
    """The context items that mention or quote a person, in date order."""
    return sort_context(
        c
        for c in dataset.context
        if person_id in c.people or any(q.speaker == person_id for q in c.quotes)
    )


def meeting_countries(dataset: Dataset, meeting: Meeting) -> list[str]:
    """Countries of the participants, in participant order, without repeats."""
    seen: dict[str, None] = {}
    for participant in meeting.participants:
        seen.setdefault(dataset.person_by_id[participant.person].country, None)
    return list(seen)


def sort_context(items: Iterable[ContextItem]) -> list[ContextItem]:
    """Dated items first in date order, then undated ones by id."""
    return sorted(
        items,
        key=lambda c: (c.date is None, c.date.start if c.date else date.min, c.id),
    )


def _passes(dataset: Dataset, meeting: Meeting, wanted: ResolvedFilter) -> bool:
    span = meeting.date
    if wanted.years and not wanted.years.intersection(span.years):
        return False
    if not span.overlaps(wanted.first, wanted.last):
        return False
    if wanted.events and meeting.event not in wanted.events:
        return False
    if wanted.kinds and meeting.kind not in wanted.kinds:
        return False
    if wanted.topics and wanted.topics.isdisjoint(meeting.topics):
        return False
    if wanted.countries and wanted.countries.isdisjoint(meeting_countries(dataset, meeting)):
        return False
    return not (wanted.people and wanted.people.isdisjoint(p.person for p in meeting.participants))


def _pick(what: str, text: str, choices: Sequence[str]) -> str:
    from .match import fold

    for choice in choices:
        if fold(choice) == fold(text):
            return choice
    raise QueryError(
        f"no {what} {text!r}{_suggest(text, choices)}; {what} values: {', '.join(choices)}"
    )


def _suggest(text: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
