"""The SQL layout of the compiled database, and its rows made from plain values.

Every record is stored as its validated plain value (the mapping the loader
checked against `schema`), as compact JSON: `records.value` for every record,
`value` in `people`, `events` and `sources`. Meetings and context items are
also stored as the documented JSON object (`record`, built by `contract`) with
columns and link tables for what queries need. Records are rebuilt from plain
values by `model.from_plain`, field by field by name: no field is written out
here, so none can be left out.

In a large dataset, `records.value` and `meetings.record` are stored packed, each
with a dictionary sampled from its own kind of text (`dictionaries`: "values",
"records"), made once the database has enough of that text and kept as long as
the database; verified() reads them as text. The search indexes keep no copy of
the texts they index: those of meetings and context items are contentless FTS5
(`search_texts` makes a row's texts again from its record, for a hit or for the
row to take out), `article_search` has its texts in `articles`. Every index also
holds, after each text, the marker words of the search vocabulary's terms that the
text names (`terms.TermIndex.indexed`; an export's indexes hold the texts alone).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .cache import DICTIONARY_BYTES, VERIFIER, Packer, checksum, dictionary_id

if TYPE_CHECKING:
    from ..model import Dataset, Person, SearchTerm
    from ..terms import TermIndex

#: Bump when the layout of the database changes.
FORMAT = 20
#: Collections whose records other records' stored JSON depends on.
DIMENSIONS = ("sources", "people", "events", "topics", "terms")

#: The options of a search index that keeps no copy of its texts (they are made again from
#: the record: `search_texts`), and nothing ranks by column sizes.
CONTENTLESS = "content='', columnsize=0, "

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
  path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,
  digest INTEGER, is_data INTEGER NOT NULL, ordinal INTEGER, unreadable INTEGER NOT NULL DEFAULT 0);
CREATE TABLE records (
  rowid INTEGER PRIMARY KEY, file TEXT NOT NULL, collection TEXT NOT NULL, position INTEGER,
  id TEXT, line INTEGER, col INTEGER, id_line INTEGER, id_col INTEGER, value BLOB,
  checksum INTEGER, piece BLOB, piece_line INTEGER, refs TEXT, targets TEXT, dates TEXT);
CREATE INDEX records_file ON records (file);
CREATE INDEX records_id ON records (collection, id);
CREATE TABLE claims (record INTEGER, n INTEGER, line INTEGER, col INTEGER, path TEXT,
  words TEXT, sources TEXT, place TEXT, PRIMARY KEY (record, n)) WITHOUT ROWID;
CREATE TABLE problems (file TEXT, line INTEGER, col INTEGER, path TEXT, message TEXT,
  stage TEXT NOT NULL, rank INTEGER NOT NULL);
CREATE INDEX problems_file ON problems (file);

CREATE TABLE sources (id TEXT PRIMARY KEY, file TEXT, outlet TEXT, title TEXT, published TEXT,
  published_basis TEXT, published_how TEXT, notes TEXT, value BLOB, checksum INTEGER);
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, short_name TEXT, country TEXT, rank TEXT,
  role TEXT, notes TEXT, value BLOB, checksum INTEGER);
CREATE INDEX people_country ON people (country);
CREATE TABLE aliases (person TEXT, text TEXT, kind TEXT, plain TEXT, phonetic TEXT);
CREATE INDEX aliases_plain ON aliases (plain);
CREATE INDEX aliases_phonetic ON aliases (phonetic);
CREATE TABLE events (id TEXT PRIMARY KEY, name TEXT, short_name TEXT, year INTEGER,
  location TEXT, name_basis TEXT, name_how TEXT, notes TEXT, start TEXT, end TEXT,
  dates_basis TEXT, location_basis TEXT, value BLOB, checksum INTEGER);
CREATE TABLE topics (id TEXT PRIMARY KEY, description TEXT);
CREATE TABLE terms (id TEXT PRIMARY KEY, value TEXT, checksum INTEGER);
CREATE TABLE meetings (
  rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, file TEXT, start TEXT, end TEXT,
  date_precision TEXT, date_basis TEXT, date_how TEXT, location TEXT, event TEXT, kind TEXT,
  disputed INTEGER, record BLOB, checksum INTEGER, date_announced TEXT);
CREATE INDEX meetings_order ON meetings (start, end, id);
CREATE INDEX meetings_event ON meetings (event);
CREATE INDEX meetings_kind ON meetings (kind);
CREATE TABLE meeting_days (meeting INTEGER, day TEXT);
CREATE INDEX meeting_days_day ON meeting_days (day);
CREATE INDEX meeting_days_meeting ON meeting_days (meeting);
CREATE TABLE meeting_years (meeting INTEGER, year INTEGER);
CREATE INDEX meeting_years_year ON meeting_years (year, meeting);
CREATE INDEX meeting_years_meeting ON meeting_years (meeting);
CREATE TABLE participants (meeting INTEGER, position INTEGER, person TEXT, role TEXT,
  seat TEXT, disputed INTEGER, country TEXT);
CREATE INDEX participants_person ON participants (person, meeting);
CREATE INDEX participants_meeting ON participants (meeting);
CREATE INDEX participants_country ON participants (country, meeting);
CREATE TABLE meeting_topics (meeting INTEGER, topic TEXT);
CREATE INDEX meeting_topics_topic ON meeting_topics (topic, meeting);
CREATE INDEX meeting_topics_meeting ON meeting_topics (meeting);
CREATE TABLE meeting_sources (meeting INTEGER, source TEXT);
CREATE INDEX meeting_sources_source ON meeting_sources (source, meeting);
CREATE INDEX meeting_sources_meeting ON meeting_sources (meeting);
CREATE TABLE disagreements (meeting INTEGER, position INTEGER, about TEXT, claims TEXT,
  note TEXT);
CREATE INDEX disagreements_meeting ON disagreements (meeting);
CREATE TABLE quotes (meeting INTEGER, context TEXT, position INTEGER, speaker TEXT,
  speaker_as TEXT, text TEXT, source TEXT);
CREATE INDEX quotes_meeting ON quotes (meeting);
CREATE INDEX quotes_speaker ON quotes (speaker);
CREATE TABLE context (id TEXT PRIMARY KEY, file TEXT, title TEXT, kind TEXT, start TEXT,
  end TEXT, date_basis TEXT, date_how TEXT, location TEXT, summary TEXT, record TEXT,
  checksum INTEGER);
CREATE TABLE context_people (item TEXT, person TEXT, part TEXT);
CREATE INDEX context_people_person ON context_people (person);
CREATE TABLE context_sources (item TEXT, source TEXT);
CREATE INDEX context_sources_source ON context_sources (source);
CREATE TABLE context_topics (item TEXT, topic TEXT);
CREATE INDEX context_topics_topic ON context_topics (topic);
CREATE VIRTUAL TABLE search USING fts5 (
  title, summary, quotes, topics, participants, event, location, notes,
  {CONTENTLESS}tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE search_vocabulary USING fts5vocab (search, 'col');
CREATE VIRTUAL TABLE context_search USING fts5 (
  title, summary, quotes, topics, participants, event, location, notes,
  {CONTENTLESS}tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE context_search_vocabulary USING fts5vocab (context_search, 'col');
CREATE TABLE search_words (word TEXT PRIMARY KEY, folded TEXT, phonetic TEXT, stem TEXT);
CREATE INDEX search_words_stem ON search_words (stem);
CREATE TABLE articles (rowid INTEGER PRIMARY KEY, source TEXT UNIQUE, text TEXT,
  checksum INTEGER);
CREATE VIRTUAL TABLE article_search USING fts5 (
  text, content='articles', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE article_search_vocabulary USING fts5vocab (article_search, 'row');
CREATE TABLE article_words (word TEXT PRIMARY KEY, folded TEXT, stem TEXT);
CREATE TABLE dictionaries (name TEXT PRIMARY KEY, id INTEGER NOT NULL, zdict BLOB NOT NULL);
"""

#: The tables derived from valid records, emptied before a full derivation.
DERIVED = (
    "sources", "people", "aliases", "events", "topics", "meetings", "meeting_days",
    "meeting_years", "participants", "meeting_topics", "meeting_sources", "disagreements",
    "quotes", "context", "context_people", "context_sources", "context_topics",
    "search_words", "articles", "article_words", "terms",
)  # fmt: skip

#: Columns of the search index, in order; a hit names the column it matched in.
SEARCH_COLUMNS = (
    "title", "summary", "quotes", "topics", "participants", "event", "location", "notes",
)  # fmt: skip


def dumps(value: Any) -> str:
    """A plain value as compact JSON (dates as ISO text): what the database stores."""
    return _encode(value)


def stored_value(value: Any) -> str:
    """A validated plain value as `records.value` keeps it: compact JSON, without the
    fields that are null (left out in the data file), which read back as None."""
    return _encode(_without_nulls(value))


def plain_value(value: Any) -> Any:
    """A validated plain value as `stored_value` writes it, not yet written: what reading
    that JSON gives."""
    return _without_nulls(value)


def _without_nulls(value: Any) -> Any:
    """value without null fields, its days as ISO text: done in the walk that drops the
    nulls, a value is stored in 30% less time than by the encoder's call back for days."""
    if type(value) is dict:
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if type(value) is list:
        return [_without_nulls(item) for item in value]
    if type(value) is date:
        return value.isoformat()
    return value


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a plain value")


#: One encoder for every value (json.dumps with options makes one for each call).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_iso).encode


# --------------------------------------------------------------------------- reading values

#: Valid records of some collections, in dataset order: files in name order, then place.
_RECORDS_IN_ORDER = """
SELECT r.file, r.collection, verified(r.value, r.checksum)
FROM records r JOIN files f ON f.path = r.file
WHERE r.collection IN ({collections}) AND r.value IS NOT NULL {more}
ORDER BY f.ordinal, r.position
"""


def stored_records(
    db: sqlite3.Connection, collections: Iterable[str], more: str = "", params: Iterable[Any] = ()
) -> Iterator[tuple[str, str, str]]:
    """(file, collection, plain value as JSON) of valid records, read as they are used."""
    from ..model import RECORD_TYPES

    VERIFIER.learn(db)  # values may be packed
    wanted = ", ".join(f"'{name}'" for name in collections if name in RECORD_TYPES)
    sql = _RECORDS_IN_ORDER.format(collections=wanted, more=more)
    return iter(db.execute(sql, tuple(params)))


def dimensions_of(values: Iterable[tuple[str, str]]) -> Dataset:
    """Sources, people, events and topics from (collection, stored value), as a Dataset."""
    from ..model import RECORD_TYPES, Dataset, from_plain

    found: dict[str, list[Any]] = {name: [] for name in DIMENSIONS}
    for collection, value in values:
        found[collection].append(from_plain(RECORD_TYPES[collection], json.loads(value)))
    return Dataset(
        sources=tuple(found["sources"]),
        people=tuple(found["people"]),
        events=tuple(found["events"]),
        topics=tuple(found["topics"]),
        meetings=(),
        context=(),
        terms=tuple(found["terms"]),
    )


def dimension_values(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(collection, stored value) of every source, person, event and topic, in order."""
    return [(collection, value) for _, collection, value in stored_records(db, DIMENSIONS)]


def read_dimensions(db: sqlite3.Connection) -> Dataset:
    """Sources, people, events and topics (no meetings or context) as a Dataset."""
    return dimensions_of(dimension_values(db))


def dataset_of(db: sqlite3.Connection) -> Dataset:
    """The whole dataset held by a compiled database, as records."""
    from ..model import ContextItem, Dataset, Meeting, from_plain

    dims = read_dimensions(db)
    kinds = {"meetings": Meeting, "context": ContextItem}
    items: dict[str, list[Any]] = {"meetings": [], "context": []}
    for _, collection, value in stored_records(db, items):
        items[collection].append(from_plain(kinds[collection], json.loads(value)))
    return Dataset(
        dims.sources,
        dims.people,
        dims.events,
        dims.topics,
        tuple(items["meetings"]),
        tuple(items["context"]),
        dims.terms,
    )


def read_terms(db: sqlite3.Connection) -> tuple[SearchTerm, ...]:
    """The search vocabulary's terms, in order."""
    from ..model import SearchTerm, from_plain

    rows = db.execute("SELECT verified(value, checksum) FROM terms ORDER BY rowid")
    return tuple(from_plain(SearchTerm, json.loads(value)) for (value,) in rows)


@functools.lru_cache(maxsize=8)
def term_index(terms: tuple[SearchTerm, ...], people: tuple[Person, ...]) -> TermIndex:
    """The terms, and each person's names as a term of its own, compiled (once per set of
    terms and people: each batch of records, in each worker, asks again)."""
    from ..terms import TermIndex, person_terms

    return TermIndex((*terms, *person_terms(people)))


def db_term_index(db: sqlite3.Connection) -> TermIndex:
    """The term index of a compiled database's terms and people."""
    return term_index(read_terms(db), tuple(iter_people(db)))


def decode_person(value: str | bytes) -> Person:
    """A person from its stored value (`people.value`)."""
    from ..model import Person, from_plain

    return from_plain(Person, json.loads(value))


def iter_people(db: sqlite3.Connection) -> Iterator[Person]:
    """Every person, in dataset order."""
    for (value,) in db.execute("SELECT verified(value, checksum) FROM people ORDER BY rowid"):
        yield decode_person(value)


# --------------------------------------------------------------------------- dictionaries

#: How much text of one kind a database holds before a dictionary is sampled from it: a
#: dictionary of less would mostly hold the very texts it packs, and a small dataset
#: (the bundled one, its claims' evidence included) stays plain text, readable in the file.
MIN_SAMPLE = 8 * DICTIONARY_BYTES
#: How many meetings the dictionary of their records is sampled from.
SAMPLE_MEETINGS = 256


def dictionary(
    db: sqlite3.Connection, name: str, texts: Callable[[], Sequence[str]]
) -> bytes | None:
    """The database's dictionary for one kind of text ("values", "records"); if there is
    none yet, made from texts (asked for only then) when they are enough.

    Made once: values packed with it stay readable as long as the database.
    """
    row = db.execute("SELECT zdict FROM dictionaries WHERE name = ?", (name,)).fetchone()
    zdict = bytes(row[0]) if row else sample_dictionary(texts())
    if zdict is not None:
        if row is None:
            db.execute(
                "INSERT INTO dictionaries VALUES (?, ?, ?)", (name, dictionary_id(zdict), zdict)
            )
        VERIFIER.learn(db)
    return zdict


def sample_dictionary(texts: Sequence[str]) -> bytes | None:
    """A dictionary for texts like these: an even sample of them, DICTIONARY_BYTES long;
    None if they are too few."""
    total = sum(len(text) for text in texts)
    if total < MIN_SAMPLE:
        return None
    sample = "".join(texts[:: total // DICTIONARY_BYTES]).encode("utf-8")
    return sample[-DICTIONARY_BYTES:]


def value_packer(db: sqlite3.Connection, values: Sequence[str]) -> Packer | None:
    """What records' values are packed with: the "values" dictionary, made if there is none
    yet from values (those of a data file about to be stored) and those stored so far (all
    text, and less than MIN_SAMPLE: else there would be a dictionary); None if none."""

    def texts() -> list[str]:
        rows = db.execute("SELECT value FROM records WHERE typeof(value) = 'text'")
        return [value for (value,) in rows] + list(values)

    zdict = dictionary(db, "values", texts)
    return None if zdict is None else Packer(zdict)


def record_dictionary(
    db: sqlite3.Connection, dimensions: list[tuple[str, str]], values: list[tuple[str, str, str]]
) -> bytes | None:
    """What meetings' records are packed with (for `prepare_items`): the "records"
    dictionary, sampled from the records of the meetings among values if there is none yet."""

    def records() -> list[str]:
        meetings = [value for value in values if value[1] == "meetings"]
        sample = meetings[:: max(1, len(meetings) // SAMPLE_MEETINGS)]
        return [row[-2] for row in prepare_items(dimensions, sample)["meetings"]]

    return dictionary(db, "records", records)


# --------------------------------------------------------------------------- rows from values


def insert_dimensions(db: sqlite3.Connection, values: list[tuple[str, str]]) -> None:
    """Insert the rows of sources, people (and their aliases), events and topics."""
    from ..model import RECORD_TYPES, from_plain
    from ..names import person_aliases

    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in (*DIMENSIONS, "aliases")}
    for collection, value in values:
        record: Any = from_plain(RECORD_TYPES[collection], json.loads(value))
        if collection == "sources":
            published = record.published.isoformat() if record.published else None
            rows[collection].append(
                (record.id, record.file, record.outlet, record.title, published,
                 record.published_basis, record.published_how, record.notes)
            )  # fmt: skip
        elif collection == "people":
            rows[collection].append(
                (record.id, record.name, record.short_name, record.country, record.rank,
                 record.role, record.notes)
            )  # fmt: skip
            rows["aliases"] += [tuple(alias) for alias in person_aliases(record)]
        elif collection == "events":
            dates = record.dates
            rows[collection].append(
                (record.id, record.name, record.short_name, record.year, record.location,
                 record.name_basis, record.name_how, record.notes,
                 dates.start.isoformat() if dates else None,
                 dates.end.isoformat() if dates else None, dates.basis if dates else None,
                 record.location_basis)
            )  # fmt: skip
        elif collection == "terms":
            rows[collection].append((record.id,))
        if collection != "topics":
            rows[collection][-1] += (value, checksum(value))
        else:
            rows[collection].append(tuple(record))
    for table, table_rows in rows.items():
        if table_rows:
            marks = ", ".join("?" * len(table_rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)


#: Where prepared rows go. Tables keyed by meeting get the meeting's row number first.
INSERTS = {
    "meetings": "INSERT INTO meetings (rowid, id, file, start, end, date_precision, date_basis,"
    " date_how, date_announced, location, event, kind, disputed, record, checksum)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "meeting_days": "INSERT INTO meeting_days VALUES (?, ?)",
    "meeting_years": "INSERT INTO meeting_years VALUES (?, ?)",
    "participants": "INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?)",
    "meeting_topics": "INSERT INTO meeting_topics VALUES (?, ?)",
    "meeting_sources": "INSERT INTO meeting_sources VALUES (?, ?)",
    "disagreements": "INSERT INTO disagreements VALUES (?, ?, ?, ?, ?)",
    "meeting_quotes": "INSERT INTO quotes VALUES (?, NULL, ?, ?, ?, ?, ?)",
    "search": "INSERT INTO search (rowid, title, summary, quotes, topics, participants, event,"
    " location, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context": "INSERT INTO context (rowid, id, file, title, kind, start, end, date_basis,"
    " date_how, location, summary, record, checksum)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context_search": "INSERT INTO context_search (rowid, title, summary, quotes, topics,"
    " participants, event, location, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "context_people": "INSERT INTO context_people VALUES (?, ?, ?)",
    "context_sources": "INSERT INTO context_sources VALUES (?, ?)",
    "context_topics": "INSERT INTO context_topics VALUES (?, ?)",
    "context_quotes": "INSERT INTO quotes VALUES (NULL, ?, ?, ?, ?, ?, ?)",
}
Rows = dict[str, list[tuple[Any, ...]]]


def prepare_items(
    dimensions: list[tuple[str, str]],
    values: list[tuple[str, str, str]],
    dictionary: bytes | None = None,
    first: tuple[int, int] = (0, 0),
) -> Rows:
    """The query rows of a batch of meetings and context items, by table.

    dimensions are (collection, stored value) of every source, person, event and
    topic; values (file, collection, stored value or `plain_value`) of the batch; dictionary what
    meetings' records are packed with (`record_dictionary`), if anything; first
    the row numbers of the batch's first meeting and first context item (rows
    are numbered here, in workers, not by the one process that inserts them all).
    Run in workers too.
    """
    dataset = dimensions_of(dimensions)
    terms = term_index(dataset.terms, dataset.people)
    pack = None if dictionary is None else Packer(dictionary)
    out: Rows = {table: [] for table in INSERTS}
    meetings, items = first
    for file, collection, value in values:
        plain = json.loads(value) if isinstance(value, str) else value  # or `plain_value`
        if collection == "context":
            _prepare_context(out, items, file, plain, (dataset, terms))
            items += 1
        else:
            _prepare_meeting(out, (meetings, file), plain, (dataset, terms), pack)
            meetings += 1
    return out


def _prepare_meeting(
    out: Rows,
    place: tuple[int, str],
    meeting: dict[str, Any],
    shared: tuple[Dataset, TermIndex],
    pack: Packer | None,
) -> None:
    dataset, terms = shared
    from ..contract import meeting_record
    from ..model import DateSpan, from_plain

    number, file = place
    record = meeting_record(dataset, meeting)
    text = dumps(record)
    stored = text if pack is None else pack(text)
    # The columns queries (and filters: see the README) filter and sort by; the long texts
    # are the record's alone (and the export's, which writes them out from it).
    out["meetings"].append(
        (number, record["id"], file, record["date"], record["date_end"], record["date_precision"],
         record["date_basis"], record["date_how"], record["date_announced"], record["location"],
         meeting.get("event"), record["kind"], int(record["disputed"]), stored, checksum(stored))
    )  # fmt: skip
    out["meeting_days"] += [(number, day) for day in record["date_candidates"] or ()]
    years = from_plain(DateSpan, meeting["date"]).years
    out["meeting_years"] += [(number, year) for year in years]
    shown = record["participants"]  # in the same order, with each person's country
    out["participants"] += [
        (number, n, p["person"], p["role"], p.get("seat"), int(bool(p.get("sources"))),
         shown[n]["country"])
        for n, p in enumerate(meeting["participants"])
    ]  # fmt: skip
    out["meeting_topics"] += [(number, topic) for topic in meeting["topics"]]
    out["meeting_sources"] += [(number, source) for source in meeting["sources"]]
    out["disagreements"] += [
        (number, n, d["about"], dumps([[c["says"], c["sources"]] for c in d["claims"]]),
         d.get("note"))
        for n, d in enumerate(meeting.get("disagreements") or ())
    ]  # fmt: skip
    out["meeting_quotes"] += [(number, *row) for row in _quote_rows(meeting)]
    out["search"].append((number, *search_texts("meeting", record, dataset.person_by_id, terms)))


def _quote_rows(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (n, q.get("speaker"), q.get("speaker_as"), q["text"], q["source"])
        for n, q in enumerate(record.get("quotes") or ())
    ]


def _prepare_context(
    out: Rows, number: int, file: str, item: dict[str, Any], shared: tuple[Dataset, TermIndex]
) -> None:
    dataset, terms = shared
    from ..contract import context_record

    record = context_record(dataset, item)
    text = dumps(record)
    out["context"].append(
        (number, record["id"], file, record["title"], record["kind"], record["date"],
         record["date_end"], record["date_basis"], record["date_how"], record["location"],
         record["summary"], text, checksum(text))
    )  # fmt: skip
    item_id = record["id"]
    out["context_people"] += [
        (item_id, person, part)
        for field, part in CONTEXT_PARTS.items()
        for person in item.get(field) or ()
    ]
    out["context_sources"] += [(item_id, source) for source in item["sources"]]
    out["context_topics"] += [(item_id, topic) for topic in item.get("topics") or ()]
    out["context_quotes"] += [(item_id, *row) for row in _quote_rows(item)]
    out["context_search"].append(
        (number, *search_texts("context", record, dataset.person_by_id, terms))
    )


#: How a context item's people took part in it, by field of its record.
CONTEXT_PARTS = {"people": "took part", "commented": "commented", "named": "named"}


def context_people(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A context item's people, each with `part` (took part, commented, named), in order."""
    return [
        {**person, "part": part}
        for field, part in CONTEXT_PARTS.items()
        for person in record.get(field) or ()
    ]


def search_texts(
    kind: str,
    record: Mapping[str, Any],
    people: Mapping[str, Person],
    terms: TermIndex | None = None,
) -> tuple[str, ...]:
    """The texts a meeting or context item (kind) is searched by, one per SEARCH_COLUMNS
    entry: from its record (as `contract` writes it) and the people it names (by id);
    with terms, as the index holds them (`TermIndex.indexed`).

    What its row of the search index was made from: the index keeps no copy of them,
    so a hit's texts are made again, as is the row to take out of the index. One line
    per participant (and per quote), so that a match shows whose it is.
    """
    names = []
    if kind == "meeting":
        for participant in record["participants"]:
            who = _names_of(people[participant["id"]])
            names.append(f"{who}; {participant['country']}, {participant['role']}")
    else:
        for person in context_people(record):
            names.append(f"{_names_of(people[person['id']])}; {person['country'] or ''}")
    event = record.get("event")
    texts = _texts(record, names, event)
    return texts if terms is None else terms.indexed_all(texts)


def _texts(
    record: Mapping[str, Any], names: list[str], event: Mapping[str, Any] | None
) -> tuple[str, ...]:
    return (
        record["title"],
        record["summary"],
        # One line per quote and per participant, whatever they hold: a match's line
        # says whose it is.
        "\n".join(" ".join(q["text"].splitlines()) for q in record["quotes"]),
        ", ".join(record["topics"]),
        "\n".join(" ".join(name.splitlines()) for name in names),
        f"{event['name']} ({event['short_name']})" if event else "",
        record["location"] or "",
        record["notes"] or "",
    )


@functools.lru_cache(maxsize=4096)  # a person takes part in many meetings
def _names_of(person: Person) -> str:
    from ..names import aliases_of

    return ", ".join(dict.fromkeys(text for text, _ in aliases_of(person)))
