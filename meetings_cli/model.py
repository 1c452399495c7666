"""Typed, immutable records of the dataset.

Nothing here reads files or prints: the loader builds these records and every
other layer only reads them. Records are NamedTuples: as immutable and typed as
frozen dataclasses, and several times cheaper to define at start-up.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string
# annotation into a ForwardRef at start-up, several milliseconds for this module.

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal, NamedTuple

DateBasis = Literal["stated", "inferred"]
DatePrecision = Literal["day", "month", "range", "one-of"]

DATE_BASES: tuple[str, ...] = ("stated", "inferred")

#: Where a fact that is not a date comes from: an article, or the curators (public record).
FACT_BASES: tuple[str, ...] = ("stated", "curator")

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

#: What kind of engagement a meeting record is.
MEETING_KINDS: tuple[str, ...] = (
    "bilateral-talks",
    "multilateral-talks",
    "conference-address",
    "press-remarks",
    "visit",
)

#: What kind of thing a context record is.
CONTEXT_KINDS: tuple[str, ...] = ("statement", "summit", "talks", "vote", "exercise", "other")


class DateSpan(NamedTuple):
    """A day, a range of days, or one of a few candidate days.

    For candidate days ("16 or 23 August") `start` and `end` are the earliest and
    latest candidate and `candidates` lists them all; otherwise it is empty.
    """

    start: date
    end: date
    basis: DateBasis
    how: str
    candidates: tuple[date, ...] = ()

    @property
    def precision(self) -> DatePrecision:
        """`day`, `month` (exactly one calendar month), `one-of` (candidate days), or `range`."""
        if self.candidates:
            return "one-of"
        if self.start == self.end:
            return "day"
        whole_month = (
            self.start.day == 1
            and (self.end.year, self.end.month) == (self.start.year, self.start.month)
            and (self.end + timedelta(days=1)).day == 1
        )
        if whole_month:
            return "month"
        return "range"

    def overlaps(self, first: date | None, last: date | None) -> bool:
        """True if any day the span may be could fall within [first, last] (either end open)."""
        if self.candidates:
            return any(
                (first is None or first <= day) and (last is None or day <= last)
                for day in self.candidates
            )
        if first is not None and self.end < first:
            return False
        return not (last is not None and self.start > last)

    @property
    def years(self) -> tuple[int, ...]:
        """Every calendar year the date may fall in."""
        if self.candidates:
            return tuple(sorted({day.year for day in self.candidates}))
        return tuple(range(self.start.year, self.end.year + 1))


class Source(NamedTuple):
    """One article the dataset is curated from."""

    id: str
    file: str
    outlet: str | None
    title: str | None
    published: date | None
    published_basis: DateBasis | None
    published_how: str | None
    notes: str | None


class NativeName(NamedTuple):
    """A name of a person in some script or language, and where it comes from.

    `basis` is `curator` for names the articles do not print (they are in
    English): supplied by the curators from the public record.
    """

    script: str
    name: str
    basis: str = "curator"


class StatedAs(NamedTuple):
    """A verbatim description of a person in one source."""

    text: str
    source: str


class Person(NamedTuple):
    """Someone who takes part in a meeting or is quoted."""

    id: str
    name: str
    short_name: str
    country: str
    rank: str | None
    role: str
    native_names: tuple[NativeName, ...]
    spellings: tuple[str, ...]
    stated_as: tuple[StatedAs, ...]
    notes: str | None
    #: How the press of other languages writes the name (Persian, Russian): curator-supplied.
    other_names: tuple[NativeName, ...] = ()
    #: Fields whose value the curators supplied from the public record (e.g. country).
    curator_fields: tuple[str, ...] = ()


class Event(NamedTuple):
    """A conference or forum that meetings took place at."""

    id: str
    name: str
    short_name: str
    year: int
    location: str
    sources: tuple[str, ...]
    notes: str | None
    #: `curator` when the name (its numbering, say) is not what the articles print.
    name_basis: str = "stated"
    name_how: str | None = None


class Topic(NamedTuple):
    """One term of the controlled topic vocabulary."""

    id: str
    description: str


class Participant(NamedTuple):
    """A person's part in one meeting.

    `sources` is empty when every source of the meeting names the person, and
    lists the sources that do otherwise (for disputed participants). Participants
    with the same `seat` are alternative readings of one place at the table
    (sources disagree on who filled it): they did not meet each other.
    """

    person: str
    role: str
    sources: tuple[str, ...] = ()
    seat: str | None = None


class Quote(NamedTuple):
    """Words a source puts in quotation marks, with who said them.

    `speaker` is a person's id; for a speaker the source does not name it is
    None and `speaker_as` is the source's own description ("The top Russian
    negotiator").
    """

    speaker: str | None
    text: str
    source: str
    speaker_as: str | None = None


class Claim(NamedTuple):
    """What some sources say on a point where sources disagree."""

    says: str
    sources: tuple[str, ...]


class Disagreement(NamedTuple):
    """A point on which the sources disagree, recorded without resolving it."""

    about: str
    claims: tuple[Claim, ...]
    note: str | None


class Meeting(NamedTuple):
    """One engagement of the minister in Moscow."""

    id: str
    title: str
    date: DateSpan
    location: str
    event: str | None
    kind: str
    participants: tuple[Participant, ...]
    topics: tuple[str, ...]
    summary: str
    quotes: tuple[Quote, ...]
    sources: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()
    notes: str | None = None

    @property
    def disputed(self) -> bool:
        """True if the sources disagree about something in this record."""
        return bool(self.disagreements)

    def attested_by(self, participant: Participant) -> tuple[str, ...]:
        """The sources that name this participant."""
        return participant.sources or self.sources

    def counterparts(self, person_id: str) -> tuple[Participant, ...]:
        """The other participants a person met: everyone but them and their alternatives."""
        own = {p.seat for p in self.participants if p.person == person_id and p.seat}
        return tuple(
            p
            for p in self.participants
            if p.person != person_id and not (p.seat is not None and p.seat in own)
        )


class ContextItem(NamedTuple):
    """Something the sources mention that is not a meeting in Moscow."""

    id: str
    title: str
    kind: str
    date: DateSpan | None
    location: str | None
    people: tuple[str, ...]
    topics: tuple[str, ...]
    summary: str
    quotes: tuple[Quote, ...]
    sources: tuple[str, ...]
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Dataset:  # a dataclass: its look-ups by id are derived once
    """Every record of one dataset, with look-ups by id."""

    sources: tuple[Source, ...]
    people: tuple[Person, ...]
    events: tuple[Event, ...]
    topics: tuple[Topic, ...]
    meetings: tuple[Meeting, ...]
    context: tuple[ContextItem, ...]
    source_by_id: Mapping[str, Source] = field(init=False, repr=False, compare=False)
    person_by_id: Mapping[str, Person] = field(init=False, repr=False, compare=False)
    event_by_id: Mapping[str, Event] = field(init=False, repr=False, compare=False)
    meeting_by_id: Mapping[str, Meeting] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the indexes are derived once here and never change after.
        object.__setattr__(self, "source_by_id", MappingProxyType({s.id: s for s in self.sources}))
        object.__setattr__(self, "person_by_id", MappingProxyType({p.id: p for p in self.people}))
        object.__setattr__(self, "event_by_id", MappingProxyType({e.id: e for e in self.events}))
        object.__setattr__(
            self, "meeting_by_id", MappingProxyType({m.id: m for m in self.meetings})
        )
