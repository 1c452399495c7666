"""The shape of the data files, declared once.

The loader validates YAML against these declarations and `meetings schema`
turns the same declarations into a JSON Schema, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Union

from .model import ANNOUNCED, CONTEXT_KINDS, DATE_BASES, FACT_BASES, MEETING_KINDS, WEEKDAYS

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Text(NamedTuple):
    """A string. `ref` names the collection whose ids it must be one of."""

    description: str = ""
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    ref: str | None = None
    #: Remember where this value stands in its file, for checks made after parsing.
    track: bool = False
    #: A name people look up and compare: invisible characters are refused.
    is_name: bool = False


class Day(NamedTuple):
    """A calendar date written YYYY-MM-DD."""

    description: str = ""


class Whole(NamedTuple):
    """An integer."""

    description: str = ""
    minimum: int | None = None
    maximum: int | None = None


class ListOf(NamedTuple):
    """A list of items of one shape."""

    item: Spec
    description: str = ""
    min_items: int = 0
    unique: bool = False


class Field(NamedTuple):
    """One key of a mapping. An optional key may be left out or set to null."""

    spec: Spec
    required: bool = True


class Record(NamedTuple):
    """A mapping with a fixed set of keys."""

    name: str
    fields: dict[str, Field]
    description: str = ""


class Prose(NamedTuple):
    """Prose that states facts: text, or a list of claims each carrying its evidence.

    Either way the record reads it as text (a list's claims joined by spaces);
    each claim is kept with the record, under `claims`. Plain text counts as one
    claim without evidence, which `meetings audit` lists.
    """

    description: str = ""


Spec = Union[Text, Day, Whole, ListOf, Record, Prose]


def _id(what: str) -> Field:
    return Field(
        Text(
            f"Unique id of this {what}: lower-case letters, digits and hyphens.",
            pattern=ID_PATTERN,
            track=True,
        )
    )


def _ref(collection: str, description: str) -> Text:
    return Text(description, pattern=ID_PATTERN, ref=collection, track=True)


def _refs(collection: str, description: str, min_items: int = 0) -> ListOf:
    return ListOf(_ref(collection, description), min_items=min_items, unique=True)


def _optional_text(description: str) -> Field:
    return Field(Text(description), required=False)


def _optional_prose(description: str) -> Field:
    return Field(Prose(description), required=False)


#: Where a claim comes from: passages of the articles (`stated`: they say it;
#: `inferred`: it follows from them), or the curators (`curator`: reasoning or
#: the public record, named in `how`).
CLAIM_BASES: tuple[str, ...] = ("stated", "inferred", "curator")

PASSAGE = Record(
    "passage",
    {
        "source": Field(_ref("sources", "Id of the article the passage is in.")),
        "text": Field(Text("The passage exactly as the article prints it.", track=True)),
    },
)

CLAIM = Record(
    "claim with evidence",
    {
        "text": Field(Text("One statement: a sentence or two in the curators' words.")),
        "basis": Field(
            Text(
                "`stated` (the passages say it), `inferred` (it follows from them; say how) "
                "or `curator` (not from the articles; `how` names the reasoning or reference). "
                "Left out: `stated` when passages are given.",
                choices=CLAIM_BASES,
            ),
            required=False,
        ),
        "evidence": Field(
            ListOf(PASSAGE, "Passages of the articles the claim rests on."), required=False
        ),
        "how": _optional_text("How the claim follows from its passages, or where it comes from."),
    },
    "A statement and its evidence.",
)


DATE_SPAN = Record(
    "date",
    {
        "day": Field(Day("The day, when it is known."), required=False),
        "from": Field(Day("First possible day, when only a range is known."), required=False),
        "to": Field(Day("Last possible day, when only a range is known."), required=False),
        "one_of": Field(
            ListOf(
                Day("A day the date may be."),
                "When the date is one of a few days (16 or 23 August): each, in order.",
                min_items=2,
                unique=True,
            ),
            required=False,
        ),
        "weekday": Field(
            Text(
                "The weekday a source gives; every possible day must fall on it.", choices=WEEKDAYS
            ),
            required=False,
        ),
        "basis": Field(
            Text(
                "`stated` if a source gives the date, `inferred` if it was worked out.",
                choices=DATE_BASES,
            )
        ),
        "how": Field(Prose("Which source says what, and how the date follows from it.")),
        "announced": Field(
            Text(
                "For a date a source announces ahead (a deadline, an expiry, a scheduled day): "
                "which; such a date may fall after the sources' publication.",
                choices=ANNOUNCED,
            ),
            required=False,
        ),
    },
    "Either `day`, or both `from` and `to`, or `one_of`.",
)

QUOTE = Record(
    "quote",
    {
        "speaker": Field(_ref("people", "Id of the person quoted."), required=False),
        "speaker_as": Field(
            Text(
                "For a speaker the source does not name: its description of them, verbatim.",
                track=True,
            ),
            required=False,
        ),
        "speaker_basis": Field(
            Text(
                "`curator` when the source puts the words in quotation marks without saying "
                "whose they are and `speaker` is the curators' reading (say why in "
                "`speaker_how`); `stated` (the default) when the source names the speaker.",
                choices=FACT_BASES,
            ),
            required=False,
        ),
        "speaker_how": _optional_text("Why the curators give the words to this speaker."),
        "source": Field(_ref("sources", "Id of the source the words appear in.")),
        "text": Field(
            Text(
                "The words exactly as the source prints them, without outer quote marks.",
                track=True,
            )
        ),
    },
)

SOURCE = Record(
    "source",
    {
        "id": _id("source"),
        "file": Field(Text("Path of the article text, relative to the dataset folder.")),
        "outlet": _optional_text("The outlet, if the copy names it."),
        "title": _optional_text("The headline, if the copy has one."),
        "published": Field(Day("Publication date, if known."), required=False),
        "published_basis": Field(
            Text("`stated` or `inferred`.", choices=DATE_BASES), required=False
        ),
        "published_how": _optional_prose("Where the publication date comes from."),
        "notes": _optional_prose("Anything a reader should know about the copy."),
    },
)

NAME_IN_SCRIPT = Record(
    "name in script",
    {
        "script": Field(Text("Script or language, e.g. Persian, Cyrillic (Russian).")),
        "name": Field(Text("The name as written there.", track=True, is_name=True)),
        "basis": Field(
            Text(
                "`curator` for names the articles do not print (public record); "
                "`stated` for names an article prints.",
                choices=FACT_BASES,
            )
        ),
        "script_basis": Field(
            Text(
                "`curator` when the articles print the name but not its script or language"
                " (the label is the curators'); defaults to `basis`.",
                choices=FACT_BASES,
            ),
            required=False,
        ),
    },
)

PERSON = Record(
    "person",
    {
        "id": _id("person"),
        "name": Field(Text("Canonical name in Latin script.", is_name=True)),
        "short_name": Field(Text("The name used in tables, usually the surname.", is_name=True)),
        "country": Field(
            Text("Country the person represented (left out for an organisation's envoy)."),
            required=False,
        ),
        "affiliation": _optional_text(
            "The organisation the person represented, when it is not a country (the UN)."
        ),
        "rank": _optional_text("Military rank as stated by the sources."),
        "role": Field(Text("Office at the time, as the sources describe it.")),
        "native_names": Field(
            ListOf(NAME_IN_SCRIPT, "The name in the person's own script or language."),
            required=False,
        ),
        "other_names": Field(
            ListOf(
                NAME_IN_SCRIPT,
                "How the press of other languages writes the name (Persian, Russian).",
            ),
            required=False,
        ),
        "spellings": Field(
            ListOf(
                Text("A spelling of the name as a source prints it.", track=True, is_name=True),
                min_items=1,
                unique=True,
            )
        ),
        "stated_as": Field(
            ListOf(
                Record(
                    "stated as",
                    {
                        "text": Field(Text("Verbatim description from the source.", track=True)),
                        "source": Field(_ref("sources", "Id of that source.")),
                    },
                )
            ),
            required=False,
        ),
        "curator_fields": Field(
            ListOf(
                Text(
                    "A field the articles do not state, supplied by the curators.",
                    choices=("name", "short_name", "country", "rank", "role"),
                ),
                unique=True,
            ),
            required=False,
        ),
        "inferred_fields": Field(
            ListOf(
                Text(
                    "A field the curators worked out from the articles' words (his office from"
                    " 'his Serbian counterpart'): say how in `notes`.",
                    choices=("country", "rank", "role"),
                ),
                unique=True,
            ),
            required=False,
        ),
        "homonyms": Field(
            ListOf(
                Record(
                    "homonym",
                    {
                        "name": Field(Text("Their name.", is_name=True)),
                        "who": Field(Text("Who they are, for a reader to tell them apart.")),
                        "basis": Field(
                            Text("`curator`: from the public record.", choices=FACT_BASES)
                        ),
                        "how": Field(Text("Where that comes from, and why they are confused.")),
                    },
                ),
                "People not in the dataset this person is confused with (a name that is theirs"
                " is answered as theirs or as ambiguous, never as this person).",
            ),
            required=False,
        ),
        "notes": _optional_prose("Free notes."),
    },
)

EVENT_DATES = Record(
    "event dates",
    {
        "from": Field(Day("First day of the event.")),
        "to": Field(Day("Last day of the event.")),
        "basis": Field(
            Text(
                "`curator` (from the public record, named in `how`) or `stated`.",
                choices=FACT_BASES,
            )
        ),
        "how": Field(Prose("Where the dates come from.")),
    },
)

EVENT = Record(
    "event",
    {
        "id": _id("event"),
        "name": Field(Text("Full name of the event.", is_name=True)),
        "short_name": Field(Text("Short name for tables.", is_name=True)),
        "year": Field(Whole("Year the event was held.", minimum=1900, maximum=2100)),
        "location": Field(Text("Where it was held.")),
        "location_basis": Field(
            Text(
                "`curator` when the articles do not say where it was held; `stated` (the "
                "default) when they do.",
                choices=FACT_BASES,
            ),
            required=False,
        ),
        "location_how": _optional_prose("Where the location comes from."),
        "dates": Field(EVENT_DATES, required=False),
        "sources": Field(_refs("sources", "Sources that mention the event.", min_items=1)),
        "name_basis": Field(
            Text(
                "`curator` when the name (its numbering, say) is not what the articles print.",
                choices=FACT_BASES,
            ),
            required=False,
        ),
        "name_how": _optional_prose("What the articles print, and where the name comes from."),
        "notes": _optional_prose("Free notes."),
    },
)

TOPIC = Record(
    "topic",
    {"id": _id("topic"), "description": Field(Text("What the topic covers."))},
)

TERM = Record(
    "term",
    {
        "id": _id("term"),
        "forms": Field(
            ListOf(
                Text("A way of writing the term: a word, an abbreviation or a phrase."),
                "Every form searches for all of them: whole words, any case unless in exact_case.",
                min_items=1,
                unique=True,
            )
        ),
        "exact_case": Field(
            ListOf(
                Text("A form matched only as written (US the country, not us)."),
                "Forms, among `forms`, whose case carries meaning.",
                unique=True,
            ),
            required=False,
        ),
        "how": Field(Text("Where the forms come from: the articles that print them, or usage.")),
    },
)

PARTICIPANT = Record(
    "participant",
    {
        "person": Field(_ref("people", "Id of the person.")),
        "role": Field(Text("Their role in this meeting, as the sources describe it.")),
        "role_basis": Field(
            Text(
                "`inferred` when the role is the curators' reading of the articles' words (say"
                " how in the meeting's notes); `stated` (the default) when an article gives it.",
                choices=("stated", "inferred"),
            ),
            required=False,
        ),
        "sources": Field(
            _refs("sources", "Only when some of the meeting's sources name this person."),
            required=False,
        ),
        "seat": Field(
            Text(
                "Shared by participants who are alternative readings of one place "
                "(sources disagree on who filled it).",
                pattern=ID_PATTERN,
            ),
            required=False,
        ),
    },
)

DISAGREEMENT = Record(
    "disagreement",
    {
        "about": Field(Text("The point the sources disagree on.")),
        "claims": Field(
            ListOf(
                Record(
                    "claim",
                    {
                        "says": Field(Text("What these sources say.")),
                        "sources": Field(_refs("sources", "Sources saying it.", min_items=1)),
                    },
                ),
                min_items=2,
            )
        ),
        "note": _optional_prose("How the dataset records the disagreement."),
    },
)

MEETING = Record(
    "meeting",
    {
        "id": _id("meeting"),
        "title": Field(Text("One-line title.")),
        "date": Field(DATE_SPAN),
        "location": Field(Text("Where it took place.")),
        "event": Field(_ref("events", "Id of the event it took place at."), required=False),
        "kind": Field(Text("What kind of engagement it was.", choices=MEETING_KINDS)),
        "participants": Field(ListOf(PARTICIPANT, min_items=1)),
        "topics": Field(_refs("topics", "Topics from topics.yaml.")),
        "summary": Field(Prose("A neutral summary in the curator's own words.")),
        "quotes": Field(ListOf(QUOTE), required=False),
        "sources": Field(_refs("sources", "Every source that reports it.", min_items=1)),
        "disagreements": Field(ListOf(DISAGREEMENT), required=False),
        "notes": _optional_prose("Free notes."),
    },
)

CONTEXT_ITEM = Record(
    "context item",
    {
        "id": _id("context item"),
        "title": Field(Text("One-line title.")),
        "kind": Field(Text("What kind of thing it was.", choices=CONTEXT_KINDS)),
        "date": Field(DATE_SPAN, required=False),
        "location": _optional_text("Where, if known."),
        "people": Field(_refs("people", "People who took part in it."), required=False),
        "commented": Field(
            _refs("people", "People who spoke about it without taking part."), required=False
        ),
        "named": Field(
            _refs("people", "People it only names (neither took part nor spoke about it)."),
            required=False,
        ),
        "topics": Field(_refs("topics", "Topics from topics.yaml."), required=False),
        "summary": Field(Prose("A neutral summary in the curator's own words.")),
        "quotes": Field(ListOf(QUOTE), required=False),
        "sources": Field(_refs("sources", "Sources that mention it.", min_items=1)),
        "disagreements": Field(ListOf(DISAGREEMENT), required=False),
        "notes": _optional_prose("Free notes."),
    },
)

#: Top-level keys a data file may have, and the records each one lists.
COLLECTIONS: dict[str, Record] = {
    "sources": SOURCE,
    "people": PERSON,
    "events": EVENT,
    "topics": TOPIC,
    "meetings": MEETING,
    "context": CONTEXT_ITEM,
    "terms": TERM,
}


def prose_of(spec: Record, value: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, text) of every prose field a record's plain value gives (path as claims name
    it: `summary`, `date.how`, `disagreements[0].note`)."""
    found: list[tuple[str, str]] = []
    for name, field in spec.fields.items():
        item, where = value.get(name), f"{path}.{name}" if path else name
        if item is None:
            continue
        if isinstance(field.spec, Prose):
            found.append((where, item))
        elif isinstance(field.spec, Record):
            found += prose_of(field.spec, item, where)
        elif isinstance(field.spec, ListOf) and isinstance(field.spec.item, Record):
            for index, each in enumerate(item):
                found += prose_of(field.spec.item, each, f"{where}[{index}]")
    return found


def referenced(spec: Spec) -> set[str]:
    """The collections whose ids a value of spec may name (its `ref`s, at any depth)."""
    if isinstance(spec, Text):
        return {spec.ref} if spec.ref else set()
    if isinstance(spec, ListOf):
        return referenced(spec.item)
    if isinstance(spec, Record):
        return set().union(*(referenced(field.spec) for field in spec.fields.values()))
    if isinstance(spec, Prose):
        return referenced(CLAIM)
    return set()


DATA_FILE = Record(
    "data file",
    {name: Field(ListOf(record), required=False) for name, record in COLLECTIONS.items()},
    "A data file of the meetings dataset. Each top-level key lists records of one kind.",
)


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) that every data file must satisfy."""
    definitions: dict[str, Any] = {}
    root = _to_json_schema(DATA_FILE, definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://meetings-cli.invalid/schema/data-file.json",
        "title": "meetings data file",
        **root,
        "$defs": definitions,
    }


def _to_json_schema(spec: Spec, definitions: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, Text):
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if spec.pattern:
            out["pattern"] = spec.pattern
        if spec.choices:
            out["enum"] = list(spec.choices)
        if spec.description:
            out["description"] = spec.description
        return out
    if isinstance(spec, Day):
        return {"type": "string", "format": "date", "description": spec.description}
    if isinstance(spec, Whole):
        out = {"type": "integer", "description": spec.description}
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
        return out
    if isinstance(spec, ListOf):
        out = {"type": "array", "items": _to_json_schema(spec.item, definitions)}
        if spec.min_items:
            out["minItems"] = spec.min_items
        if spec.unique:
            out["uniqueItems"] = True
        return out
    if isinstance(spec, Prose):
        claims = {"type": "array", "items": _to_json_schema(CLAIM, definitions), "minItems": 1}
        text = {"type": "string", "minLength": 1}
        return {"anyOf": [text, claims], "description": spec.description}
    if spec is DATA_FILE:
        return _record_schema(spec, definitions)
    key = spec.name.replace(" ", "_")
    if key not in definitions:
        definitions[key] = {}  # reserve the name before recursing
        definitions[key] = _record_schema(spec, definitions)
    return {"$ref": f"#/$defs/{key}"}


def _record_schema(record: Record, definitions: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, fld in record.fields.items():
        schema = _to_json_schema(fld.spec, definitions)
        properties[name] = schema if fld.required else {"anyOf": [schema, {"type": "null"}]}
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [name for name, fld in record.fields.items() if fld.required],
        "additionalProperties": False,
    }
    if record.description:
        out["description"] = record.description
    if record is DATE_SPAN:
        out["oneOf"] = [
            {"required": ["day"]},
            {"required": ["from", "to"]},
            {"required": ["one_of"]},
        ]
    return out
