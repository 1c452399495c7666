"""Typed, immutable records of the dataset.

Nothing here reads files or prints: the loader builds these records and every
other layer only reads them.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

DateBasis = Literal["stated", "inferred"]
DatePrecision = Literal["day", "month", "range"]

DATE_BASES: tuple[str, ...] = ("stated", "inferred")

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


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A day, or the range of days an event is known to fall within."""

    start: date
    end: date
    basis: DateBasis
    how: str

    @property
    def precision(self) -> DatePrecision:
        """`day` for a single day, `month` for exactly one calendar month, else `range`."""
        if self.start == self.end:
            return "day"
        last_day = calendar.monthrange(self.start.year, self.start.month)[1]
        if (
            self.start.day == 1
            and (self.end.year, self.end.month) == (self.start.year, self.start.month)
            and self.end.day == last_day
        ):
            return "month"
        return "range"

    def overlaps(self, first: date | None, last: date | None) -> bool:
        """True if any day of the span could fall within [first, last] (either end open)."""
        if first is not None and self.end < first:
            return False
        return not (last is not None and self.start > last)

    @property
    def years(self) -> range:
        """Every calendar year the span touches."""
        return range(self.start.year, self.end.year + 1)


@dataclass(frozen=True, slots=True)
class Source:
    """One article the dataset is curated from."""

    id: str
    file: str
    outlet: str | None
    title: str | None
    published: date | None
    published_basis: DateBasis | None
    published_how: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class NativeName:
    """A person's name in a script other than Latin."""

    script: str
    name: str


@dataclass(frozen=True, slots=True)
class StatedAs:
    """A verbatim description of a person in one source."""

    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Person:
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


@dataclass(frozen=True, slots=True)
class Event:
    """A conference or forum that meetings took place at."""

    id: str
    name: str
    short_name: str
    year: int
    location: str
    sources: tuple[str, ...]
    notes: str | None


@dataclass(frozen=True, slots=True)
class Topic:
    """One term of the controlled topic vocabulary."""

    id: str
    description: str


@dataclass(frozen=True, slots=True)
class Participant:
    """A person's part in one meeting.

    `sources` is empty when every source of the meeting names the person, and
    lists the sources that do otherwise (for disputed participants).
    """

    person: str
    role: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """Words a source puts in quotation marks, with who said them."""

    speaker: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Claim:
    """What some sources say on a point where sources disagree."""

    says: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A point on which the sources disagree, recorded without resolving it."""

    about: str
    claims: tuple[Claim, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class Meeting:
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


@dataclass(frozen=True, slots=True)
class ContextItem:
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
class Dataset:
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
