"""Read a dataset folder of YAML files into typed records, or say exactly what is wrong.

YAML is parsed by libyaml (PyYAML's CSafeLoader) into a node tree; nothing is
ever constructed from tags, so a file cannot make the loader build objects.
The nodes are then checked against the declarations in `schema`, which gives
every problem a file, line and column. All problems are collected and raised
together as one `DataError`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from . import schema
from .errors import DataError, Problem
from .model import (
    WEEKDAYS,
    Claim,
    ContextItem,
    Dataset,
    DateBasis,
    DateSpan,
    Disagreement,
    Event,
    Meeting,
    NativeName,
    Participant,
    Person,
    Quote,
    Source,
    StatedAs,
    Topic,
)
from .paths import data_files

#: Longest text a field may hold, in characters.
MAX_TEXT = 100_000
#: Deepest nesting of lists and mappings a data file may have (libyaml's
#: composer recurses in C and crashes on tens of thousands of levels).
MAX_DEPTH = 100

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def load_dataset(root: Path, *, verify_text: bool = False) -> Dataset:
    """Load and validate every data file in root.

    With verify_text, also read the source articles and check that every quote,
    spelling and stated description appears in the source it cites.
    Raises DataError listing every problem found.
    """
    if not root.exists():
        raise DataError([Problem(str(root), 0, 0, "", "no such dataset folder")])
    if not root.is_dir():
        raise DataError([Problem(str(root), 0, 0, "", "not a folder")])
    files = data_files(root)
    if not files:
        raise DataError([Problem(str(root), 0, 0, "", "no data files (*.yaml) in this folder")])
    reader = _Reader()
    for path in files:
        reader.read_file(path, _display(path))
    dataset = reader.build()
    _Checker(reader, dataset, root).run(verify_text)
    if reader.problems:
        raise DataError(sorted(reader.problems, key=lambda p: (p.file, p.line, p.column)))
    return dataset


def normalise_for_quote_check(text: str) -> str:
    """Fold quote marks, dashes and white space so a quote can be found in its source."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTE_FOLD)
    return " ".join(text.split())


_QUOTE_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- reading


_INVALID = object()


@dataclass(frozen=True)
class _Entry:
    """One record as read from a file, before it becomes a typed record."""

    file: str
    path: str
    value: dict[str, Any]


@dataclass(frozen=True)
class _Reference:
    file: str
    path: str
    collection: str
    target: str


class _Reader:
    """Turns YAML files into validated plain values, remembering where each stands."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.entries: dict[str, list[_Entry]] = {name: [] for name in schema.COLLECTIONS}
        self.references: list[_Reference] = []
        # A file that could not be parsed at all: references into it cannot be judged.
        self.unreadable_files = False
        # Ids of records that failed to read: references to them are not also reported.
        self.unreadable_ids: dict[str, set[str]] = {name: set() for name in schema.COLLECTIONS}
        # (file, path) -> (line, column) for records and tracked values.
        self.marks: dict[tuple[str, str], tuple[int, int]] = {}
        self._file = ""
        self._seen_nodes: set[int] = set()

    # -- problems and positions

    def problem(self, node: Any, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self._file, mark.line + 1, mark.column + 1, path, message))

    def problem_at(self, file: str, path: str, message: str) -> None:
        """A problem found after parsing, placed at the nearest remembered position."""
        probe = path
        while probe:
            if (file, probe) in self.marks:
                line, column = self.marks[(file, probe)]
                self.problems.append(Problem(file, line, column, path, message))
                return
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
        self.problems.append(Problem(file, 1, 1, path, message))

    def remember(self, node: Any, path: str) -> None:
        self.marks[(self._file, path)] = (node.start_mark.line + 1, node.start_mark.column + 1)

    # -- files

    def read_file(self, path: Path, shown_as: str) -> None:
        import yaml

        self._file = shown_as
        self._seen_nodes = set()

        def whole_file(line: int, column: int, message: str) -> None:
            self.problems.append(Problem(shown_as, line, column, "(file)", message))
            self.unreadable_files = True

        try:
            raw = path.read_bytes()
        except OSError as error:
            whole_file(1, 1, f"cannot read: {error.strerror}")
            return
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            whole_file(line, column, "not valid UTF-8 (save the file as UTF-8)")
            return
        too_deep = _nesting_problem(text)
        if too_deep:
            whole_file(*too_deep)
            return
        loader = getattr(yaml, "CSafeLoader", None)
        if loader is None:
            raise RuntimeError("PyYAML was installed without libyaml; reinstall PyYAML")
        try:
            document = yaml.compose(text, Loader=loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            reason = (error.problem or error.context or "YAML syntax error").removeprefix("but ")
            start = error.context_mark
            if error.context and start is not None and start is not mark:
                reason += f" ({error.context} at line {start.line + 1}, column {start.column + 1})"
            whole_file(line, column, f"YAML syntax error: {reason}")
            return
        except yaml.reader.ReaderError as error:
            line, column = _line_and_column(text, error.position)
            code = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
            whole_file(line, column, f"{code} is not allowed in YAML (write it as an escape)")
            return
        except yaml.YAMLError as error:
            whole_file(1, 1, f"YAML error: {' '.join(str(error).split())}")
            return
        if document is None:
            whole_file(1, 1, "the file is empty")
            return
        values = self.read(document, schema.DATA_FILE, "")
        if values is _INVALID:
            return
        for collection, items in values.items():
            for index, item in enumerate(items or ()):
                if item is not _INVALID:
                    self.entries[collection].append(
                        _Entry(shown_as, f"{collection}[{index}]", item)
                    )

    # -- nodes

    def read(self, node: Any, spec: schema.Spec, path: str) -> Any:
        """The plain value of node if it fits spec, else _INVALID (with problems noted)."""
        if id(node) in self._seen_nodes:
            self.problem(
                node,
                path,
                "YAML aliases are not supported: this repeats the value anchored here; "
                "write it out in full",
            )
            return _INVALID
        self._seen_nodes.add(id(node))
        tag = node.tag
        if tag not in _SCALAR_TAGS and tag not in (f"{_YAML}seq", f"{_YAML}map"):
            self.problem(node, path, f"the YAML tag {_short_tag(tag)} is not allowed")
            return _INVALID
        if isinstance(spec, schema.Record):
            return self._read_record(node, spec, path)
        if isinstance(spec, schema.ListOf):
            return self._read_list(node, spec, path)
        if not hasattr(node, "style") or isinstance(node.value, list):
            self.problem(node, path, f"expected {_expected(spec)}, got {_describe(node)}")
            return _INVALID
        if isinstance(spec, schema.Text):
            return self._read_text(node, spec, path)
        if isinstance(spec, schema.Day):
            return self._read_day(node, path)
        return self._read_whole(node, spec, path)

    def _read_record(self, node: Any, spec: schema.Record, path: str) -> Any:
        if node.tag != f"{_YAML}map":
            self.problem(
                node, path or "(document)", f"expected a {spec.name}, got {_describe(node)}"
            )
            return _INVALID
        self.remember(node, path)
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        broken = False
        for key_node, value_node in node.value:
            if key_node.tag == f"{_YAML}merge":
                self.problem(key_node, path, "merge keys (<<) are not supported here")
                broken = True
                continue
            if key_node.tag != f"{_YAML}str" or isinstance(key_node.value, list):
                self.problem(
                    key_node,
                    path,
                    f"keys must be text, got {_describe(key_node)}{_yaml11_hint(key_node)}",
                )
                broken = True
                continue
            key = key_node.value
            where = f"{path}.{key}" if path else key
            if key in first_seen:
                self.problem(
                    key_node,
                    where,
                    f"duplicate key {key!r} (first at line {first_seen[key]}); "
                    "YAML would silently keep only the last one",
                )
                broken = True
                continue
            first_seen[key] = key_node.start_mark.line + 1
            field = spec.fields.get(key)
            if field is None:
                hint = _did_you_mean(key, spec.fields)
                allowed = ", ".join(spec.fields)
                self.problem(key_node, where, f"unknown field {key!r}{hint} (allowed: {allowed})")
                broken = True
                continue
            if value_node.tag == f"{_YAML}null":
                if field.required:
                    self.problem(value_node, where, "must not be empty (null)")
                result[key] = None
                continue
            result[key] = self.read(value_node, field.spec, where)
        for key, field in spec.fields.items():
            if field.required and key not in first_seen:
                self.problem(node, f"{path}.{key}" if path else key, "missing required field")
                broken = True
            result.setdefault(key, None)
        if broken or any(value is _INVALID for value in result.values()):
            return _INVALID
        return result

    def _read_list(self, node: Any, spec: schema.ListOf, path: str) -> Any:
        if node.tag != f"{_YAML}seq":
            self.problem(node, path, f"expected a list, got {_describe(node)}")
            return _INVALID
        items = [self.read(item, spec.item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        if len(items) < spec.min_items:
            self.problem(node, path, f"needs at least {spec.min_items} item(s), has {len(items)}")
        if spec.unique:
            seen: set[Any] = set()
            for item_node, item in zip(node.value, items, strict=True):
                if isinstance(item, str) and item in seen:
                    self.problem(item_node, path, f"{item!r} is listed twice")
                seen.add(item)
        if path in schema.COLLECTIONS:
            for item_node, item in zip(node.value, items, strict=True):
                if item is _INVALID:
                    self.unreadable_ids[path].update(_id_of(item_node))
            return items  # a bad top-level record is dropped; the others still get checked
        return _INVALID if any(item is _INVALID for item in items) else items

    def _read_text(self, node: Any, spec: schema.Text, path: str) -> Any:
        if node.tag != f"{_YAML}str":
            self.problem(node, path, f"expected text, got {_describe(node)}{_yaml11_hint(node)}")
            return _INVALID
        value: str = node.value
        if not value.strip():
            self.problem(node, path, "must not be empty")
            return _INVALID
        if len(value) > MAX_TEXT:
            self.problem(node, path, f"text of {len(value):,} characters: at most {MAX_TEXT:,}")
            return _INVALID
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            self.problem(
                node, path, f"{value!r} is not a valid id (use lower-case letters, digits, hyphens)"
            )
            return _INVALID
        if spec.choices and value not in spec.choices:
            hint = _did_you_mean(value, spec.choices)
            self.problem(node, path, f"{value!r} is not one of: {', '.join(spec.choices)}{hint}")
            return _INVALID
        if spec.track:
            self.remember(node, path)
        if spec.ref:
            self.references.append(_Reference(self._file, path, spec.ref, value))
        return value

    def _read_day(self, node: Any, path: str) -> Any:
        value = node.value
        if node.tag not in (f"{_YAML}timestamp", f"{_YAML}str") or not _DATE_TEXT.fullmatch(value):
            self.problem(node, path, f"expected a date YYYY-MM-DD, got {_describe(node)}")
            return _INVALID
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(node, path, f"{value} is not a real date")
            return _INVALID

    def _read_whole(self, node: Any, spec: schema.Whole, path: str) -> Any:
        value = node.value
        if node.tag != f"{_YAML}int":
            self.problem(node, path, f"expected a whole number, got {_describe(node)}")
            return _INVALID
        if not _PLAIN_INT.fullmatch(value):
            self.problem(
                node,
                path,
                f"write the number plainly: YAML 1.1 reads {value!r} as {_yaml11_int(value)}",
            )
            return _INVALID
        number = int(value)
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            self.problem(node, path, f"{number} is outside {spec.minimum}..{spec.maximum}")
            return _INVALID
        return number

    # -- records

    def build(self) -> Dataset:
        """Typed records from every entry that read cleanly."""
        return Dataset(
            sources=tuple(self._each("sources", _source)),
            people=tuple(self._each("people", _person)),
            events=tuple(self._each("events", _event)),
            topics=tuple(self._each("topics", _topic)),
            meetings=tuple(self._each("meetings", self._meeting)),
            context=tuple(self._each("context", self._context_item)),
        )

    def _each(self, collection: str, make: Callable[[_Entry], Any]) -> Iterator[Any]:
        for entry in self.entries[collection]:
            record = make(entry)
            if record is not None:
                yield record

    def _date(self, entry: _Entry, raw: dict[str, Any] | None) -> DateSpan | None:
        if raw is None:
            return None
        path = f"{entry.path}.date"
        day, first, last, one_of = raw["day"], raw["from"], raw["to"], raw["one_of"]
        basis = cast(DateBasis, raw["basis"])
        given = [day is not None, first is not None or last is not None, one_of is not None]
        if sum(given) > 1:
            self.problem_at(entry.file, path, "give one of `day`, `from`/`to` or `one_of`")
            return None
        if day is not None:
            span = DateSpan(day, day, basis, raw["how"])
        elif one_of is not None:
            if list(one_of) != sorted(one_of):
                self.problem_at(entry.file, f"{path}.one_of", "list the days in order")
                return None
            span = DateSpan(one_of[0], one_of[-1], basis, raw["how"], tuple(one_of))
        elif first is None or last is None:
            self.problem_at(entry.file, path, "needs `day`, both `from` and `to`, or `one_of`")
            return None
        elif first > last:
            self.problem_at(entry.file, path, f"`from` ({first}) is after `to` ({last})")
            return None
        else:
            span = DateSpan(first, last, basis, raw["how"])
        weekday = raw["weekday"]
        if weekday is not None:
            if span.precision not in ("day", "one-of"):
                self.problem_at(entry.file, f"{path}.weekday", "a weekday needs a day or `one_of`")
                return None
            days = span.candidates or (span.start,)
            wrong = [d.isoformat() for d in days if WEEKDAYS[d.weekday()] != weekday]
            if wrong:
                self.problem_at(
                    entry.file, f"{path}.weekday", f"{', '.join(wrong)} is not a {weekday}"
                )
                return None
        return span

    def _meeting(self, entry: _Entry) -> Meeting | None:
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
                Participant(p["person"], p["role"], tuple(p["sources"] or ()), p["seat"])
                for p in raw["participants"]
            ),
            topics=tuple(raw["topics"]),
            summary=raw["summary"],
            quotes=_quotes(raw["quotes"]),
            sources=tuple(raw["sources"]),
            disagreements=tuple(
                Disagreement(
                    d["about"],
                    tuple(Claim(c["says"], tuple(c["sources"])) for c in d["claims"]),
                    d["note"],
                )
                for d in raw["disagreements"] or ()
            ),
            notes=raw["notes"],
        )

    def _context_item(self, entry: _Entry) -> ContextItem | None:
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
        )


def _quotes(raw: list[dict[str, Any]] | None) -> tuple[Quote, ...]:
    return tuple(Quote(q["speaker"], q["text"], q["source"], q["speaker_as"]) for q in raw or ())


def _source(entry: _Entry) -> Source:
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
    )


def _person(entry: _Entry) -> Person:
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
    )


def _names(raw: list[dict[str, Any]] | None) -> tuple[NativeName, ...]:
    return tuple(NativeName(n["script"], n["name"], n["basis"]) for n in raw or ())


def _event(entry: _Entry) -> Event:
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
    )


def _topic(entry: _Entry) -> Topic:
    return Topic(entry.value["id"], entry.value["description"])


# --------------------------------------------------------------------------- checks


class _Checker:
    """Checks that span records: unique ids, references, and the source texts."""

    def __init__(self, reader: _Reader, dataset: Dataset, root: Path) -> None:
        self.reader = reader
        self.dataset = dataset
        self.root = root
        self.ids: dict[str, set[str]] = {name: set() for name in schema.COLLECTIONS}

    def run(self, verify_text: bool) -> None:
        self.check_unique_ids()
        self.check_references()
        self.check_meetings()
        self.check_context()
        if verify_text:
            self.check_source_texts()

    def check_unique_ids(self) -> None:
        for collection, entries in self.reader.entries.items():
            first: dict[str, _Entry] = {}
            for entry in entries:
                record_id = entry.value["id"]
                if record_id in first:
                    earlier = first[record_id]
                    line = self.reader.marks.get((earlier.file, f"{earlier.path}.id"), (0, 0))[0]
                    self.reader.problem_at(
                        entry.file,
                        f"{entry.path}.id",
                        f"duplicate id {record_id!r} (first used at {earlier.file}:{line})",
                    )
                else:
                    first[record_id] = entry
            self.ids[collection] = set(first)

    def check_references(self) -> None:
        if self.reader.unreadable_files:
            return  # every reference into the unparsed file would be reported as missing
        for ref in self.reader.references:
            known = self.ids[ref.collection]
            if (
                ref.target not in known
                and ref.target not in self.reader.unreadable_ids[ref.collection]
            ):
                singular = schema.COLLECTIONS[ref.collection].name
                self.reader.problem_at(
                    ref.file,
                    ref.path,
                    f"no {singular} with id {ref.target!r}{_did_you_mean(ref.target, known)}",
                )

    def check_meetings(self) -> None:
        for entry in self.reader.entries["meetings"]:
            raw, at = entry.value, entry.path
            cited = set(raw["sources"])
            people = [p["person"] for p in raw["participants"]]
            for index, person in enumerate(people):
                if person in people[:index]:
                    self._problem(
                        entry, f"{at}.participants[{index}].person", f"{person!r} is listed twice"
                    )
            seats: dict[str, list[int]] = {}
            for index, participant in enumerate(raw["participants"]):
                self._require_cited(
                    entry, f"{at}.participants[{index}].sources[]", participant["sources"], cited
                )
                if participant["seat"] is not None:
                    seats.setdefault(participant["seat"], []).append(index)
            for seat, indexes in seats.items():
                # A seat says sources disagree on who filled it: two readings or more,
                # each named by only some of the sources.
                if len(indexes) < 2:
                    self._problem(
                        entry,
                        f"{at}.participants[{indexes[0]}].seat",
                        f"seat {seat!r} has one participant: alternatives need two or more",
                    )
                for index in indexes:
                    if not raw["participants"][index]["sources"]:
                        self._problem(
                            entry,
                            f"{at}.participants[{index}].seat",
                            "an alternative reading must list the sources that name it",
                        )
            for index, quote in enumerate(raw["quotes"] or ()):
                where = f"{at}.quotes[{index}]"
                self._require_cited(entry, f"{where}.source", [quote["source"]], cited)
                self._check_speaker(entry, where, quote)
                if quote["speaker"] is not None and quote["speaker"] not in people:
                    self._problem(
                        entry,
                        f"{where}.speaker",
                        f"{quote['speaker']!r} is not a participant of this meeting",
                    )
            for index, disagreement in enumerate(raw["disagreements"] or ()):
                for claim_index, claim in enumerate(disagreement["claims"]):
                    self._require_cited(
                        entry,
                        f"{at}.disagreements[{index}].claims[{claim_index}].sources[]",
                        claim["sources"],
                        cited,
                    )

    def check_context(self) -> None:
        for entry in self.reader.entries["context"]:
            cited = set(entry.value["sources"])
            for index, quote in enumerate(entry.value["quotes"] or ()):
                where = f"{entry.path}.quotes[{index}]"
                self._require_cited(entry, f"{where}.source", [quote["source"]], cited)
                self._check_speaker(entry, where, quote)

    def _check_speaker(self, entry: _Entry, where: str, quote: dict[str, Any]) -> None:
        if (quote["speaker"] is None) == (quote["speaker_as"] is None):
            self._problem(
                entry,
                where,
                "give `speaker` (a person's id) or, for a speaker the source does not "
                "name, `speaker_as` (its words for them), not both",
            )

    def _require_cited(
        self, entry: _Entry, path: str, sources: list[str] | None, cited: set[str]
    ) -> None:
        """Every one of sources must be among the record's own (cited) sources."""
        for position, source in enumerate(sources or ()):
            if source not in cited:
                # A path ending in [] names a list: point at the offending item.
                where = f"{path[:-2]}[{position}]" if path.endswith("[]") else path
                self._problem(entry, where, f"source {source!r} is not in this record's `sources`")

    def _problem(self, entry: _Entry, path: str, message: str) -> None:
        self.reader.problem_at(entry.file, path, message)

    def check_source_texts(self) -> None:
        texts: dict[str, str] = {}
        for entry in self.reader.entries["sources"]:
            relative = entry.value["file"]
            path = self.root / relative
            try:
                texts[entry.value["id"]] = normalise_for_quote_check(
                    path.read_text(encoding="utf-8-sig")
                )
            except FileNotFoundError:
                self._problem(entry, f"{entry.path}.file", f"no such file: {relative}")
            except (OSError, UnicodeDecodeError) as error:
                self._problem(entry, f"{entry.path}.file", f"cannot read {relative}: {error}")
        for collection in ("meetings", "context"):
            for entry in self.reader.entries[collection]:
                for index, quote in enumerate(entry.value["quotes"] or ()):
                    self._require_in_text(
                        entry,
                        f"{entry.path}.quotes[{index}].text",
                        quote["text"],
                        [quote["source"]],
                        texts,
                    )
                    if quote["speaker_as"] is not None:
                        self._require_in_text(
                            entry,
                            f"{entry.path}.quotes[{index}].speaker_as",
                            quote["speaker_as"],
                            [quote["source"]],
                            texts,
                        )
        for entry in self.reader.entries["people"]:
            for index, stated in enumerate(entry.value["stated_as"] or ()):
                self._require_in_text(
                    entry,
                    f"{entry.path}.stated_as[{index}].text",
                    stated["text"],
                    [stated["source"]],
                    texts,
                )
            for field in ("native_names", "other_names"):
                for index, name in enumerate(entry.value[field] or ()):
                    if name["basis"] == "stated":
                        self._require_in_text(
                            entry,
                            f"{entry.path}.{field}[{index}].name",
                            name["name"],
                            list(texts),
                            texts,
                            "any source (or mark it `basis: curator`)",
                        )
            for index, spelling in enumerate(entry.value["spellings"]):
                self._require_in_text(
                    entry,
                    f"{entry.path}.spellings[{index}]",
                    spelling,
                    list(texts),
                    texts,
                    "any source",
                )

    def _require_in_text(
        self,
        entry: _Entry,
        path: str,
        words: str,
        sources: list[str],
        texts: dict[str, str],
        where: str = "",
    ) -> None:
        available = [texts[s] for s in sources if s in texts]
        if not available:
            return  # the missing source is reported already
        needle = normalise_for_quote_check(words)
        if not any(needle in text for text in available):
            where = where or sources[0]
            self._problem(entry, path, f"not found verbatim in {where}: {_clip(words)!r}")


# --------------------------------------------------------------------------- wording


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


# Each pattern starts with a literal character, so the regex engine can skip
# ahead to it instead of trying every position of a large file.
_DEEP_INDENT = re.compile(rf"\n[ ]{{{4 * MAX_DEPTH},}}\S")
_DEEP_DASHES = re.compile(rf"-[ \t]+(?:-[ \t]+){{{MAX_DEPTH - 1},}}")
_FLOW = re.compile(r"[\[\]{}]")


def _nesting_problem(text: str) -> tuple[int, int, str] | None:
    """Where a file nests deeper than MAX_DEPTH, checked before the YAML parser sees it."""
    message = f"nested more than {MAX_DEPTH} levels deep"
    # "\n" + text lets the indentation pattern see the first line too; a match
    # at index i of that string is the line starting at index i of text.
    for found in (_DEEP_INDENT.search("\n" + text), _DEEP_DASHES.search(text)):
        if found:
            return (*_line_and_column(text, found.start()), message)
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for bracket in _FLOW.finditer(text):
        depth = depth + 1 if bracket.group() in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            return (*_line_and_column(text, bracket.start()), message)
    return None


def _id_of(node: Any) -> list[str]:
    """The id a record node declares, if it declares one plainly."""
    if node.tag != f"{_YAML}map":
        return []
    return [
        value.value
        for key, value in node.value
        if key.value == "id" and value.tag == f"{_YAML}str" and isinstance(value.value, str)
    ]


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _describe(node: Any) -> str:
    tag = node.tag
    if tag == f"{_YAML}map":
        return "a mapping"
    if tag == f"{_YAML}seq":
        return "a list"
    kinds = {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
        "null": "nothing (null)",
        "timestamp": "a date",
    }
    kind = kinds.get(tag[len(_YAML) :], _short_tag(tag))
    return f"{kind} {_clip(node.value)!r}" if node.value else kind


def _expected(spec: schema.Spec) -> str:
    if isinstance(spec, schema.Text):
        return "text"
    if isinstance(spec, schema.Day):
        return "a date YYYY-MM-DD"
    return "a whole number"


def _yaml11_hint(node: Any) -> str:
    if node.tag == f"{_YAML}bool":
        return f" (YAML 1.1 reads an unquoted {node.value} as true/false: put it in quotes)"
    if node.tag == f"{_YAML}int" and not _PLAIN_INT.fullmatch(node.value):
        return f" (YAML 1.1 reads {node.value} as {_yaml11_int(node.value)}: put it in quotes)"
    if node.tag in (f"{_YAML}int", f"{_YAML}float", f"{_YAML}timestamp", f"{_YAML}null"):
        return " (put it in quotes)"
    return ""


def _yaml11_int(value: str) -> str:
    import yaml

    try:
        return repr(yaml.load(value, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return "a number"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
