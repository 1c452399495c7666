"""Typed, immutable records of the dataset.

Nothing here reads files or prints: the loader builds these records and every
other layer only reads them. Records are NamedTuples: as immutable and typed as
frozen dataclasses, and several times cheaper to define at start-up.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string
# annotation into a ForwardRef at start-up, several milliseconds for this module.

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from types import MappingProxyType, UnionType
from typing import Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

DateBasis = Literal["stated", "inferred", "curator"]
DatePrecision = Literal["day", "month", "year", "range", "one-of"]

DATE_BASES: tuple[str, ...] = ("stated", "inferred")

#: Where a fact that is not a date comes from: an article, or the curators (public record).
FACT_BASES: tuple[str, ...] = ("stated", "curator")

#: What a date a source announces ahead of time is (it may fall after the source's publication).
ANNOUNCED: tuple[str, ...] = ("deadline", "expiry", "scheduled")

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

#: The kinds of meeting record that are talks (a meeting with someone); the others
#: (an address, press remarks, a visit) are engagements only.
TALK_KINDS: tuple[str, ...] = ("bilateral-talks", "multilateral-talks")

#: Short names of meeting kinds, for narrow table columns; --kind accepts them too.
KIND_LABELS = {
    "bilateral-talks": "talks",
    "multilateral-talks": "multilateral",
    "conference-address": "address",
    "press-remarks": "remarks",
    "visit": "visit",
}

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
    #: For a date announced ahead (a deadline, an expiry, a scheduled day): which.
    announced: str | None = None

    @property
    def precision(self) -> DatePrecision:
        """`day`, `month` or `year` (exactly one calendar month or year), `one-of`
        (candidate days), or `range`."""
        if self.candidates:
            return "one-of"
        if self.start == self.end:
            return "day"
        whole_year = (self.start.month, self.start.day, self.end.month, self.end.day)
        if whole_year == (1, 1, 12, 31) and self.start.year == self.end.year:
            return "year"
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


class Passage(NamedTuple):
    """Words of one article, verbatim: evidence for a claim."""

    source: str
    text: str


class Statement(NamedTuple):
    """One claim of a record's prose (its summary, a `how`, its notes) and its evidence.

    `field` is where the claim stands in its record (`summary`, `date.how`, `notes`);
    `basis` is `stated` or `inferred` (from `evidence`), `curator` (reasoning or the
    public record, in `how`), or None for prose written without evidence.
    """

    field: str
    text: str
    basis: str | None
    evidence: tuple[Passage, ...] = ()
    how: str | None = None


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
    claims: tuple[Statement, ...] = ()


class NativeName(NamedTuple):
    """A name of a person in some script or language, and where it comes from.

    `basis` is `curator` for names the articles do not print (they are in
    English): supplied by the curators from the public record.
    """

    script: str
    name: str
    basis: str = "curator"
    #: `curator` when the articles print the name but not its script (the label's basis).
    script_basis: str | None = None


class StatedAs(NamedTuple):
    """A verbatim description of a person in one source."""

    text: str
    source: str


class Homonym(NamedTuple):
    """Someone not in the dataset whose name a person's is often confused with (curated)."""

    name: str
    who: str  # who they are: "President of Iran 1997-2005"
    basis: str  # curator
    how: str  # where that comes from


class Person(NamedTuple):
    """Someone who takes part in a meeting or is quoted."""

    id: str
    name: str
    short_name: str
    #: None for an organisation's envoy: see `affiliation`.
    country: str | None
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
    #: People not in the dataset this one is confused with: never taken for them.
    homonyms: tuple[Homonym, ...] = ()
    claims: tuple[Statement, ...] = ()
    #: The organisation represented, when not a country.
    affiliation: str | None = None
    #: Fields the curators worked out from the articles' words (marked [inferred]).
    inferred_fields: tuple[str, ...] = ()


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
    #: When it was held (from the public record: `basis` curator), if recorded.
    dates: DateSpan | None = None
    #: `curator` when the articles do not say where it was held.
    location_basis: str = "stated"
    location_how: str | None = None
    claims: tuple[Statement, ...] = ()


class Topic(NamedTuple):
    """One term of the controlled topic vocabulary."""

    id: str
    description: str


class SearchTerm(NamedTuple):
    """One term of the search vocabulary (`terms` in data/terms.yaml): forms that stand for
    one thing, so that a search for any of them finds every one."""

    id: str
    forms: tuple[str, ...]
    exact_case: tuple[str, ...]  # forms matched only as written: US, not the pronoun us
    how: str


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
    #: `inferred` when the role is the curators' reading of the articles' words.
    role_basis: str = "stated"


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
    #: `curator` when the source does not say whose the words are (why: speaker_how).
    speaker_basis: str = "stated"
    speaker_how: str | None = None


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
    claims: tuple[Statement, ...] = ()

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
    #: People who spoke about it without taking part (`people` took part).
    commented: tuple[str, ...] = ()
    #: People it only names.
    named: tuple[str, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    claims: tuple[Statement, ...] = ()

    @property
    def disputed(self) -> bool:
        """True if the sources disagree about something in this record."""
        return bool(self.disagreements)


class Dataset:
    """Every record of one dataset, with look-ups by id (derived once, when it is made).

    A plain class with slots: a dataclass would cost a millisecond of start-up.
    """

    __slots__ = (
        "context",
        "event_by_id",
        "events",
        "meeting_by_id",
        "meetings",
        "people",
        "person_by_id",
        "source_by_id",
        "sources",
        "terms",
        "topics",
    )  # fmt: skip

    def __init__(
        self,
        sources: tuple[Source, ...],
        people: tuple[Person, ...],
        events: tuple[Event, ...],
        topics: tuple[Topic, ...],
        meetings: tuple[Meeting, ...],
        context: tuple[ContextItem, ...],
        terms: tuple[SearchTerm, ...] = (),
    ) -> None:
        self.sources, self.people, self.events, self.topics = sources, people, events, topics
        self.meetings, self.context, self.terms = meetings, context, terms
        self.source_by_id: Mapping[str, Source] = MappingProxyType({s.id: s for s in sources})
        self.person_by_id: Mapping[str, Person] = MappingProxyType({p.id: p for p in people})
        self.event_by_id: Mapping[str, Event] = MappingProxyType({e.id: e for e in events})
        self.meeting_by_id: Mapping[str, Meeting] = MappingProxyType({m.id: m for m in meetings})

    def _records(self) -> tuple[tuple[Any, ...], ...]:
        return (self.sources, self.people, self.events, self.topics, self.meetings,
                self.context, self.terms)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        """Equal when they hold the same records (the look-ups follow from them)."""
        return isinstance(other, Dataset) and self._records() == other._records()

    __hash__ = None  # type: ignore[assignment]  # holds mappings, like the dataclass did


#: The record type of each collection of a data file.
RECORD_TYPES: Mapping[str, type[tuple[Any, ...]]] = MappingProxyType(
    {
        "sources": Source,
        "people": Person,
        "events": Event,
        "topics": Topic,
        "meetings": Meeting,
        "context": ContextItem,
        "terms": SearchTerm,
    }
)

# --------------------------------------------------------------------------- plain values
# A record and its plain value (what the loader validates and the store keeps as
# JSON) convert field by field, by name, driven by the annotations above: a field
# added to a record type needs no code here. Dates are ISO text, tuples lists,
# nested records mappings; a date span has the shape data files give it.

R = TypeVar("R")


def from_plain(kind: type[R], value: Mapping[str, Any]) -> R:
    """The record of type kind whose plain value is value (dates as ISO text or dates).

    A key missing or null takes the field's default: () for a tuple, else None.
    Keys that are not fields of kind are left out.
    """
    build = _BUILDERS.get(kind) or _builder(kind)
    record: R = build(value)
    return record


def to_plain(value: Any) -> Any:
    """The plain value of a record (or of any value a record holds): from_plain's inverse."""
    if isinstance(value, DateSpan):
        return _span_to_plain(value)
    if isinstance(value, tuple):
        fields = getattr(value, "_fields", None)
        if fields is not None:
            return {name: to_plain(item) for name, item in zip(fields, value, strict=True)}
        return [to_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _span_from_plain(value: Mapping[str, Any]) -> DateSpan:
    """A date span from a date as data files give it: `day`, `from` and `to`, or `one_of`."""
    day, one_of = value.get("day"), value.get("one_of")
    candidates: tuple[date, ...] = ()
    if day is not None:
        start = end = _day(day)
    elif one_of:
        candidates = tuple(_day(d) for d in one_of)
        start, end = candidates[0], candidates[-1]
    else:
        start, end = _day(value["from"]), _day(value["to"])
    return DateSpan(start, end, value["basis"], value["how"], candidates, value.get("announced"))


def _span_to_plain(span: DateSpan) -> dict[str, Any]:
    single = span.start == span.end and not span.candidates
    ranged = not single and not span.candidates
    return {
        "day": span.start.isoformat() if single else None,
        "from": span.start.isoformat() if ranged else None,
        "to": span.end.isoformat() if ranged else None,
        "one_of": [d.isoformat() for d in span.candidates] if span.candidates else None,
        "weekday": None,
        "basis": span.basis,
        "how": span.how,
        "announced": span.announced,
    }


_Convert = Callable[[Any], Any]
_BUILDERS: dict[type[Any], _Convert] = {DateSpan: _span_from_plain}


def _builder(kind: type[Any]) -> _Convert:
    """How to build a record of type kind from its plain value, made once per type."""
    defaults: dict[str, Any] = kind._field_defaults
    fields: list[tuple[str, _Convert | None, Any]] = []
    for name, annotation in kind.__annotations__.items():
        convert = _converter(annotation)
        empty = defaults.get(name, () if _is_tuple(annotation) else None)
        fields.append((name, convert, empty))

    def build(value: Mapping[str, Any]) -> Any:
        args = []
        for name, convert, empty in fields:
            item = value.get(name)
            if item is None:
                args.append(empty)
            else:
                args.append(item if convert is None else convert(item))
        return kind(*args)

    _BUILDERS[kind] = build
    return build


def _is_tuple(annotation: Any) -> bool:
    return get_origin(annotation) is tuple


def _converter(annotation: Any) -> _Convert | None:
    """How a plain value becomes a field's value; None when it is used as it is."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        (inner,) = [a for a in get_args(annotation) if a is not type(None)]
        convert = _converter(inner)
        return None if convert is None else (lambda v: None if v is None else convert(v))
    if origin is tuple:
        item = _converter(get_args(annotation)[0])
        return tuple if item is None else (lambda v: tuple(item(x) for x in v))
    if annotation is date:
        return _day
    if isinstance(annotation, type) and issubclass(annotation, tuple):
        return lambda v: from_plain(annotation, v)
    return None  # text, numbers, Literal choices
