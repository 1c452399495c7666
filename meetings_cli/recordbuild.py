"""Validated plain values to typed records, and the checks within one record.

What reading one top-level record gives (`RecordRead`), and how it is kept for the
same text elsewhere in its file (`relocate`).

`RecordChecks` is mixed into the reader (`load.FileReader`): it words its
problems with the reader's `problem_at` and finds positions with `position`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from .errors import echo
from .model import (
    WEEKDAYS,
    Claim,
    ContextItem,
    DateBasis,
    DateSpan,
    Disagreement,
    Event,
    Homonym,
    Meeting,
    NativeName,
    Participant,
    Passage,
    Person,
    Quote,
    SearchTerm,
    Source,
    StatedAs,
    Statement,
    Topic,
    from_plain,
)
from .schema import DATA_FILE
from .terms import MARKER
from .wording import describe, did_you_mean, yaml11_hint

if TYPE_CHECKING:
    from .compose import Piece
    from .errors import Problem


_MERGE, _STR = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:str"


class Reference(NamedTuple):
    """A value that names a record of another collection, and where it stands."""

    line: int
    column: int
    path: str
    collection: str
    target: str


class TextClaim(NamedTuple):
    """Words that must appear verbatim in one of some sources (all sources when empty)."""

    line: int
    column: int
    path: str
    words: str
    sources: tuple[str, ...]
    where: str  # how a problem names the sources


class RecordRead(NamedTuple):
    """One top-level record of a file: the typed record if it read cleanly, and what to check."""

    collection: str
    position: int  # in its file's list of that collection
    line: int
    column: int
    id: str | None  # the id it declares, even when the record is invalid
    id_line: int
    id_column: int
    record: Any  # a model record, or None
    references: tuple[Reference, ...]
    claims: tuple[TextClaim, ...]
    problems: tuple[Problem, ...]  # of its structure and values
    check_problems: tuple[Problem, ...] = ()  # of the checks within the record
    value: Any = None  # the validated plain value (schema-shaped dict) when `record` is built


def reusable(piece: Piece, read: RecordRead) -> bool:
    """Whether read (of piece) may be kept for the same text elsewhere (see `relocate`).

    A plain piece reads the same wherever it stands, but for its line and its
    index; a record with problems is always read again (their wording may name
    lines: "first at line 12").
    """
    return piece.plain and not read.problems and not read.check_problems


def relocate(read: RecordRead, was: Piece, now: Piece) -> RecordRead:
    """read, of the piece `was`, as reading the same text at `now` gives it.

    For a `reusable` read and pieces of equal digest: every line moves by
    `now.line - was.line`, columns stay, and every path's leading
    `collection[was.position]` becomes `collection[now.position]`.
    """
    if was.digest != now.digest or not reusable(was, read):
        raise ValueError("only a reusable read of the same text can be relocated")
    delta = now.line - was.line
    old, new = f"{was.collection}[{was.position}]", f"{now.collection}[{now.position}]"

    def moved(path: str) -> str:
        return new + path[len(old) :]

    return read._replace(
        position=now.position,
        line=read.line + delta,
        id_line=read.id_line + delta,
        references=tuple(
            ref._replace(line=ref.line + delta, path=moved(ref.path)) for ref in read.references
        ),
        claims=tuple(
            claim._replace(line=claim.line + delta, path=moved(claim.path)) for claim in read.claims
        ),
    )


@dataclass(frozen=True)
class Entry:
    """One record as read from a file, before it becomes a typed record."""

    file: str
    path: str
    value: dict[str, Any]


class RecordChecks:
    """Checks within one record: repeated participants, seats, cited sources, speakers;
    and of the keys at the top of a file (`_top_level_key`)."""

    def _top_level_key(self: Any, key_node: Any, first_seen: dict[str, int]) -> str | None:
        """The collection a top-level key names, or None (with a problem) if it names none."""
        if key_node.tag == _MERGE:
            self.problem(key_node, "", "merge keys (<<) are not supported here")
            return None
        if self._refused_node(key_node, ""):
            return None
        if key_node.tag != _STR or isinstance(key_node.value, list):
            hint = yaml11_hint(key_node)
            self.problem(key_node, "", f"keys must be text, got {describe(key_node)}{hint}")
            return None
        key: str = key_node.value
        if key in first_seen:
            self.problem(
                key_node,
                key,
                f"duplicate key {echo(key)} (first at line {first_seen[key]}); "
                "YAML would silently keep only the last one",
            )
            return None
        first_seen[key] = key_node.start_mark.line + 1 + self._line_offset
        if key not in DATA_FILE.fields:
            hint = did_you_mean(key, DATA_FILE.fields)
            allowed = ", ".join(DATA_FILE.fields)
            self.problem(key_node, key, f"unknown field {echo(key)}{hint} (allowed: {allowed})")
            return None
        return key

    def _check(self: Any, collection: str, entry: Entry) -> None:
        self._check_claims(entry)
        if collection == "meetings":
            self._check_meeting(entry)
        elif collection == "context":
            cited = set(entry.value["sources"])
            for index, quote in enumerate(entry.value["quotes"] or ()):
                where = f"{entry.path}.quotes[{index}]"
                self._require_cited(f"{where}.source", [quote["source"]], cited)
                self._check_speaker(where, quote)
            seen: dict[str, str] = {}
            for part in ("people", "commented", "named"):
                for index, person in enumerate(entry.value[part] or ()):
                    if person in seen:
                        self.problem_at(
                            f"{entry.path}.{part}[{index}]",
                            f"{echo(person)} is already in `{seen[person]}`: list a person once",
                        )
                    seen.setdefault(person, part)

    def _check_claims(self: Any, entry: Entry) -> None:
        """Each claim has evidence or, from the curators, says how; passages are cited."""
        cited = entry.value.get("sources")
        for claim in entry.value["claims"]:
            where = f"{entry.path}.{claim['field']}"
            if claim["basis"] == "curator" and not claim["how"]:
                self.problem_at(where, "a `curator` claim needs `how`: the reasoning or reference")
            elif claim["basis"] == "inferred" and not claim["evidence"]:
                self.problem_at(where, "an `inferred` claim needs the `evidence` it follows from")
            elif claim["basis"] == "stated" and not claim["evidence"]:
                self.problem_at(where, "give `evidence` (passages), or `basis: curator` and `how`")
            if cited is not None:
                sources = [passage["source"] for passage in claim["evidence"]]
                self._require_cited(f"{where}.evidence[]", sources, set(cited))

    def _check_meeting(self: Any, entry: Entry) -> None:
        raw, at = entry.value, entry.path
        cited = set(raw["sources"])
        people: set[str] = set()
        for index, participant in enumerate(raw["participants"]):
            person = participant["person"]
            if person in people:
                self.problem_at(
                    f"{at}.participants[{index}].person", f"{echo(person)} is listed twice"
                )
            people.add(person)
        seats: dict[str, list[int]] = {}
        for index, participant in enumerate(raw["participants"]):
            self._require_cited(
                f"{at}.participants[{index}].sources[]", participant["sources"], cited
            )
            if participant["seat"] is not None:
                seats.setdefault(participant["seat"], []).append(index)
        for seat, indexes in seats.items():
            # A seat says sources disagree on who filled it: two readings or more,
            # each named by only some of the sources.
            if len(indexes) < 2:
                self.problem_at(
                    f"{at}.participants[{indexes[0]}].seat",
                    f"seat {echo(seat)} has one participant: alternatives need two or more",
                )
            for index in indexes:
                if not raw["participants"][index]["sources"]:
                    self.problem_at(
                        f"{at}.participants[{index}].seat",
                        "an alternative reading must list the sources that name it",
                    )
        for index, quote in enumerate(raw["quotes"] or ()):
            where = f"{at}.quotes[{index}]"
            self._require_cited(f"{where}.source", [quote["source"]], cited)
            self._check_speaker(where, quote)
            if quote["speaker"] is not None and quote["speaker"] not in people:
                self.problem_at(
                    f"{where}.speaker",
                    f"{echo(quote['speaker'])} is not a participant of this meeting",
                )
        for index, disagreement in enumerate(raw["disagreements"] or ()):
            for claim_index, claim in enumerate(disagreement["claims"]):
                self._require_cited(
                    f"{at}.disagreements[{index}].claims[{claim_index}].sources[]",
                    claim["sources"],
                    cited,
                )

    def _check_speaker(self: Any, where: str, quote: dict[str, Any]) -> None:
        if (quote["speaker"] is None) == (quote["speaker_as"] is None):
            self.problem_at(
                where,
                "give `speaker` (a person's id) or, for a speaker the source does not "
                "name, `speaker_as` (its words for them), not both",
            )
        elif quote["speaker_basis"] == "curator" and not quote["speaker_how"]:
            self.problem_at(
                f"{where}.speaker_basis",
                "a `curator` speaker needs `speaker_how`: why the words are theirs",
            )

    def _require_cited(self: Any, path: str, sources: list[str] | None, cited: set[str]) -> None:
        """Every one of sources must be among the record's own (cited) sources."""
        for position, source in enumerate(sources or ()):
            if source not in cited:
                # A path ending in [] names a list: point at the offending item.
                where = f"{path[:-2]}[{position}]" if path.endswith("[]") else path
                self.problem_at(where, f"source {echo(source)} is not in this record's `sources`")

    def _claims(self: Any, collection: str, entry: Entry) -> Iterator[TextClaim]:
        """What the record says is verbatim in its sources (checked against their texts)."""

        def claim(path: str, words: str, sources: tuple[str, ...], where: str) -> TextClaim:
            line, column = self.position(path)
            return TextClaim(line, column, path, words, sources, where)

        raw, at = entry.value, entry.path
        cited = tuple(raw.get("sources") or ())
        for statement in raw["claims"]:
            for index, passage in enumerate(statement["evidence"]):
                path = f"{at}.{statement['field']}.evidence[{index}].text"
                source = passage["source"]
                if not cited or source in cited:
                    yield claim(path, passage["text"], (source,), source)
        if collection in ("meetings", "context"):
            for index, quote in enumerate(raw["quotes"] or ()):
                source = quote["source"]
                yield claim(f"{at}.quotes[{index}].text", quote["text"], (source,), source)
                if quote["speaker_as"] is not None:
                    path = f"{at}.quotes[{index}].speaker_as"
                    yield claim(path, quote["speaker_as"], (source,), source)
        elif collection == "people":
            for index, stated in enumerate(raw["stated_as"] or ()):
                source = stated["source"]
                yield claim(f"{at}.stated_as[{index}].text", stated["text"], (source,), source)
            for field in ("native_names", "other_names"):
                for index, name in enumerate(raw[field] or ()):
                    if name["basis"] == "stated":
                        where = "any source (or mark it `basis: curator`)"
                        yield claim(f"{at}.{field}[{index}].name", name["name"], (), where)
            for index, spelling in enumerate(raw["spellings"]):
                yield claim(f"{at}.spellings[{index}]", spelling, (), "any source")

    # -- records

    def _date(self: Any, entry: Entry, raw: dict[str, Any] | None) -> DateSpan | None:
        if raw is None:
            return None
        path = f"{entry.path}.date"
        day, first, last, one_of = raw["day"], raw["from"], raw["to"], raw["one_of"]
        basis = cast(DateBasis, raw["basis"])
        given = [day is not None, first is not None or last is not None, one_of is not None]
        if sum(given) > 1:
            self.problem_at(path, "give one of `day`, `from`/`to` or `one_of`")
            return None
        announced = raw["announced"]
        if day is not None:
            span = DateSpan(day, day, basis, raw["how"], (), announced)
        elif one_of is not None:
            if list(one_of) != sorted(one_of):
                self.problem_at(f"{path}.one_of", "list the days in order")
                return None
            span = DateSpan(one_of[0], one_of[-1], basis, raw["how"], tuple(one_of), announced)
        elif first is None or last is None:
            self.problem_at(path, "needs `day`, both `from` and `to`, or `one_of`")
            return None
        elif first > last:
            self.problem_at(path, f"`from` ({first}) is after `to` ({last})")
            return None
        else:
            span = DateSpan(first, last, basis, raw["how"], (), announced)
        weekday = raw["weekday"]
        if weekday is not None:
            if span.precision not in ("day", "one-of"):
                self.problem_at(f"{path}.weekday", "a weekday needs a day or `one_of`")
                return None
            days = span.candidates or (span.start,)
            wrong = [d.isoformat() for d in days if WEEKDAYS[d.weekday()] != weekday]
            if wrong:
                self.problem_at(f"{path}.weekday", f"{', '.join(wrong)} is not a {weekday}")
                return None
        return span

    def _meeting(self: Any, entry: Entry) -> Meeting | None:
        raw = entry.value
        span = self._date(entry, raw["date"])
        if span is None:
            return None
        return Meeting(
            id=raw["id"],
            title=raw["title"],
            date=span,
            location=raw["location"],
            event=raw["event"],
            kind=raw["kind"],
            participants=tuple(
                Participant(
                    p["person"],
                    p["role"],
                    tuple(p["sources"] or ()),
                    p["seat"],
                    p["role_basis"] or "stated",
                )
                for p in raw["participants"]
            ),
            topics=tuple(raw["topics"]),
            summary=raw["summary"],
            quotes=_quotes(raw["quotes"]),
            sources=tuple(raw["sources"]),
            disagreements=_disagreements(raw["disagreements"]),
            notes=raw["notes"],
            claims=_statements(raw["claims"]),
        )

    def _context_item(self: Any, entry: Entry) -> ContextItem | None:
        raw = entry.value
        span = self._date(entry, raw["date"])
        if raw["date"] is not None and span is None:
            return None
        return ContextItem(
            id=raw["id"],
            title=raw["title"],
            kind=raw["kind"],
            date=span,
            location=raw["location"],
            people=tuple(raw["people"] or ()),
            topics=tuple(raw["topics"] or ()),
            summary=raw["summary"],
            quotes=_quotes(raw["quotes"]),
            sources=tuple(raw["sources"]),
            notes=raw["notes"],
            commented=tuple(raw["commented"] or ()),
            named=tuple(raw["named"] or ()),
            disagreements=_disagreements(raw["disagreements"]),
            claims=_statements(raw["claims"]),
        )


def _disagreements(raw: list[dict[str, Any]] | None) -> tuple[Disagreement, ...]:
    return tuple(
        Disagreement(
            d["about"],
            tuple(Claim(c["says"], tuple(c["sources"])) for c in d["claims"]),
            d["note"],
        )
        for d in raw or ()
    )


def prose_claims(
    record_path: str, spec: Any, read: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The claims of a record's prose as its plain value keeps them: in the order of the
    fields they are in (spec's), not that of the keys in the file."""
    order = {name: number for number, name in enumerate(spec.fields)}

    def field(each: tuple[str, Any]) -> int:
        return order[re.split(r"[.\[]", each[0][len(record_path) + 1 :], maxsplit=1)[0]]

    return [prose_claim(record_path, *each) for each in sorted(read, key=field)]


def prose_claim(record_path: str, path: str, claim: dict[str, Any]) -> dict[str, Any]:
    """A claim's plain value, with where it stands in its record (`summary[1]`, `date.how`)."""
    evidence = claim["evidence"] or []
    basis = claim.get("basis") or ("stated" if evidence else None)
    field = path[len(record_path) + 1 :]
    return {
        "field": field,
        "text": claim["text"],
        "basis": basis,
        "evidence": evidence,
        "how": claim.get("how"),
    }


def _statements(raw: list[dict[str, Any]]) -> tuple[Statement, ...]:
    return tuple(
        Statement(
            c["field"],
            c["text"],
            c["basis"],
            tuple(Passage(e["source"], e["text"]) for e in c["evidence"]),
            c["how"],
        )
        for c in raw
    )


def _quotes(raw: list[dict[str, Any]] | None) -> tuple[Quote, ...]:
    return tuple(
        Quote(
            q["speaker"],
            q["text"],
            q["source"],
            q["speaker_as"],
            q["speaker_basis"] or "stated",
            q["speaker_how"],
        )
        for q in raw or ()
    )


def _source(entry: Entry) -> Source:
    raw = entry.value
    return Source(
        id=raw["id"],
        file=raw["file"],
        outlet=raw["outlet"],
        title=raw["title"],
        published=raw["published"],
        published_basis=raw["published_basis"],
        published_how=raw["published_how"],
        notes=raw["notes"],
        claims=_statements(raw["claims"]),
    )


def _person(entry: Entry) -> Person:
    raw = entry.value
    return Person(
        id=raw["id"],
        name=raw["name"],
        short_name=raw["short_name"],
        country=raw["country"],
        rank=raw["rank"],
        role=raw["role"],
        native_names=_names(raw["native_names"]),
        spellings=tuple(raw["spellings"]),
        stated_as=tuple(StatedAs(s["text"], s["source"]) for s in raw["stated_as"] or ()),
        notes=raw["notes"],
        other_names=_names(raw["other_names"]),
        curator_fields=tuple(raw["curator_fields"] or ()),
        homonyms=tuple(
            Homonym(h["name"], h["who"], h["basis"], h["how"]) for h in raw["homonyms"] or ()
        ),
        claims=_statements(raw["claims"]),
        affiliation=raw["affiliation"],
        inferred_fields=tuple(raw["inferred_fields"] or ()),
    )


def _names(raw: list[dict[str, Any]] | None) -> tuple[NativeName, ...]:
    return tuple(
        NativeName(n["script"], n["name"], n["basis"], n["script_basis"]) for n in raw or ()
    )


def _event(entry: Entry) -> Event:
    raw = entry.value
    return Event(
        id=raw["id"],
        name=raw["name"],
        short_name=raw["short_name"],
        year=raw["year"],
        location=raw["location"],
        sources=tuple(raw["sources"]),
        notes=raw["notes"],
        name_basis=raw["name_basis"] or "stated",
        name_how=raw["name_how"],
        dates=from_plain(DateSpan, raw["dates"]) if raw["dates"] else None,
        location_basis=raw["location_basis"] or "stated",
        location_how=raw["location_how"],
        claims=_statements(raw["claims"]),
    )


def _topic(entry: Entry) -> Topic:
    return Topic(entry.value["id"], entry.value["description"])


def _term(reader: Any, entry: Entry) -> SearchTerm:
    raw = entry.value
    for index, form in enumerate(raw["forms"]):
        if not any(char.isalnum() for char in form) or form.casefold().startswith(MARKER):
            where = f"{entry.path}.forms[{index}]"
            reader.problem_at(where, f"{echo(form)} is not a word: give letters or digits")
    exact = tuple(raw["exact_case"] or ())
    for index, form in enumerate(exact):
        if form not in raw["forms"]:
            where = f"{entry.path}.exact_case[{index}]"
            reader.problem_at(where, f"{echo(form)} is not one of the term's forms")
    return SearchTerm(raw["id"], tuple(raw["forms"]), exact, raw["how"])


BUILDERS: dict[str, Any] = {
    "sources": lambda _reader, entry: _source(entry),
    "people": lambda _reader, entry: _person(entry),
    "events": lambda _reader, entry: _event(entry),
    "topics": lambda _reader, entry: _topic(entry),
    "meetings": lambda reader, entry: reader._meeting(entry),
    "context": lambda reader, entry: reader._context_item(entry),
    "terms": _term,
}
