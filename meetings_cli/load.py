"""Read data files into typed records, one top-level record at a time, or say what is wrong.

YAML is scanned and parsed by libyaml (PyYAML's CSafeLoader parser); PyYAML's
own composer builds the node tree of one top-level record at a time, so memory
does not grow with the size of a file. Nothing is ever constructed from tags,
so a file cannot make the loader build objects. Each record's nodes are checked
against the declarations in `schema`, which gives every problem a file, line
and column. Checks that span records (ids, references, quotes against their
sources) run over the compiled tables: see `checks`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, cast

from . import schema
from .errors import DataError, Problem
from .model import (
    WEEKDAYS,
    Claim,
    ContextItem,
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

__all__ = ["DataError", "FileReader", "Problem", "RecordRead", "normalise_for_quote_check"]

#: Longest text a field may hold, in characters.
MAX_TEXT = 100_000
#: Deepest nesting of lists and mappings a data file may have, counting the
#: file's own mapping (the composer recurses; real data nests six deep).
MAX_DEPTH = 100

_YAML = "tag:yaml.org,2002:"
_SEQ, _MAP, _STR, _NULL, _MERGE = (f"{_YAML}{t}" for t in ("seq", "map", "str", "null", "merge"))
_INT, _TIMESTAMP, _BOOL, _FLOAT = (f"{_YAML}{t}" for t in ("int", "timestamp", "bool", "float"))
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")


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


def normalise_for_quote_check(text: str) -> str:
    """Fold quote marks, dashes and white space so a quote can be found in its source."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTE_FOLD)
    return " ".join(text.split())


def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where a quote occurs in text, as normalise_for_quote_check finds it: (start, end) each.

    Offsets are of text itself (characters, end exclusive), so a reader can be
    shown the passage exactly as the article has it.
    """
    haystack, origin = _folded_with_origin(text)
    needle = normalise_for_quote_check(quote)
    spans: list[tuple[int, int]] = []
    at = haystack.find(needle) if needle else -1
    while at != -1:
        spans.append((origin[at], origin[at + len(needle) - 1] + 1))
        at = haystack.find(needle, at + len(needle))
    return spans


@functools.lru_cache(maxsize=4)  # one article's quotes are looked for one after another
def _folded_with_origin(text: str) -> tuple[str, tuple[int, ...]]:
    """text as normalise_for_quote_check has it, and where in text each character came from."""
    folded: list[str] = []
    origin: list[int] = []
    after_space = True  # white space is collapsed, and dropped at the start
    for index, char in enumerate(text):
        for each in unicodedata.normalize("NFKC", char).translate(_QUOTE_FOLD):
            if each.isspace():
                if after_space:
                    continue
                each, after_space = " ", True
            else:
                after_space = False
            folded.append(each)
            origin.append(index)
    return "".join(folded), tuple(origin)


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


def display_path(path: Path) -> str:
    """A data file as problems name it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # OSError: the current folder was deleted
        return str(path)


# --------------------------------------------------------------------------- reading


_INVALID = object()


@dataclass(frozen=True)
class _Entry:
    """One record as read from a file, before it becomes a typed record."""

    file: str
    path: str
    value: dict[str, Any]


# --------------------------------------------------------------------------- checks of one record


class _RecordChecks:
    """Checks within one record: repeated participants, seats, cited sources, speakers."""

    def _check(self: Any, collection: str, entry: _Entry) -> None:
        if collection == "meetings":
            self._check_meeting(entry)
        elif collection == "context":
            cited = set(entry.value["sources"])
            for index, quote in enumerate(entry.value["quotes"] or ()):
                where = f"{entry.path}.quotes[{index}]"
                self._require_cited(f"{where}.source", [quote["source"]], cited)
                self._check_speaker(where, quote)

    def _check_meeting(self: Any, entry: _Entry) -> None:
        raw, at = entry.value, entry.path
        cited = set(raw["sources"])
        people: set[str] = set()
        for index, participant in enumerate(raw["participants"]):
            person = participant["person"]
            if person in people:
                self.problem_at(f"{at}.participants[{index}].person", f"{person!r} is listed twice")
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
                    f"seat {seat!r} has one participant: alternatives need two or more",
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
                    f"{where}.speaker", f"{quote['speaker']!r} is not a participant of this meeting"
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

    def _require_cited(self: Any, path: str, sources: list[str] | None, cited: set[str]) -> None:
        """Every one of sources must be among the record's own (cited) sources."""
        for position, source in enumerate(sources or ()):
            if source not in cited:
                # A path ending in [] names a list: point at the offending item.
                where = f"{path[:-2]}[{position}]" if path.endswith("[]") else path
                self.problem_at(where, f"source {source!r} is not in this record's `sources`")

    def _claims(self: Any, collection: str, entry: _Entry) -> Iterator[TextClaim]:
        """What the record says is verbatim in its sources (checked against their texts)."""

        def claim(path: str, words: str, sources: tuple[str, ...], where: str) -> TextClaim:
            line, column = self.position(path)
            return TextClaim(line, column, path, words, sources, where)

        raw, at = entry.value, entry.path
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


class _TooDeep(Exception):
    """A list or mapping nested deeper than MAX_DEPTH, at its start mark."""

    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


@functools.cache
def _composer_class() -> Any:
    """libyaml's parser with PyYAML's composer on top, to compose one node at a time.

    It counts how deep lists and mappings nest (the composer recurses in Python)
    and marks nodes whose tag is written in the file (`explicit`: that tag), since
    the resolved tag alone cannot tell `!!null x` from `~`.
    """
    import yaml
    from yaml.composer import Composer
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    class StreamComposer(yaml._yaml.CParser, Composer, Resolver):
        def __init__(self, text: str) -> None:
            yaml._yaml.CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.depth = 0  # lists and mappings open around the next node

        # Copied from Composer.compose_scalar_node (scalars are most nodes: no extra call).
        def compose_scalar_node(self, anchor: Any) -> Any:
            event: Any = self.get_event()
            tag = event.tag
            resolved = tag  # the written tag, or the one the value's form implies
            if tag is None or tag == "!":
                resolve: Any = self.resolve  # untyped in PyYAML's stubs
                resolved = resolve(ScalarNode, event.value, event.implicit)
            node: Any = ScalarNode(
                resolved, event.value, event.start_mark, event.end_mark, style=event.style
            )
            if tag is not None:
                node.explicit = tag
            if anchor is not None:
                self.anchors[anchor] = node
            return node

        def compose_sequence_node(self, anchor: Any) -> Any:
            return self._nested(Composer.compose_sequence_node, anchor)

        def compose_mapping_node(self, anchor: Any) -> Any:
            return self._nested(Composer.compose_mapping_node, anchor)

        def _nested(self, compose: Any, anchor: Any) -> Any:
            start: Any = self.peek_event()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeep(start.start_mark)
            node = compose(self, anchor)
            self.depth -= 1
            if start.tag is not None:
                node.explicit = start.tag
            return node

    return StreamComposer


class FileReader(_RecordChecks):
    """Reads one data file record by record, remembering where each value stands.

    Iterate `records()`; afterwards `problems` holds the problems that concern
    the file as a whole or its top level, and `unreadable` says whether the file
    could not be parsed (its records, if any were yielded, must be dropped).
    """

    def __init__(self, path: Path, shown_as: str) -> None:
        self.path = path
        self.file = shown_as
        self.problems: list[Problem] = []
        self.unreadable = False
        # path -> (line, column) of records and tracked values of the current record.
        self.marks: dict[str, tuple[int, int]] = {}
        self._references: list[Reference] = []
        self._seen_anchored: set[int] = set()
        self._anchored: set[int] = set()

    # -- problems and positions

    def problem(self, node: Any, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path, message))

    def position(self, path: str) -> tuple[int, int]:
        """The remembered position nearest to path (the value, or the record holding it)."""
        probe = path
        while probe:
            if probe in self.marks:
                return self.marks[probe]
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            if shorter == probe:
                break
            probe = shorter
        return (1, 1)

    def problem_at(self, path: str, message: str) -> None:
        """A problem found after parsing, placed at the nearest remembered position."""
        self.problems.append(Problem(self.file, *self.position(path), path, message))

    def remember(self, node: Any, path: str) -> None:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)

    def _whole_file(self, line: int, column: int, message: str) -> None:
        # A file that cannot be parsed is reported alone: nothing else in it is judged.
        self.problems = [Problem(self.file, line, column, "(file)", message)]
        self.unreadable = True

    # -- files

    def records(self, text: str | None = None) -> Iterator[RecordRead]:
        """Every top-level record of the file, in order (text: the file's content, if read)."""
        import yaml

        if text is None:
            text = self._text()
            if text is None:
                return
        if not getattr(yaml, "__with_libyaml__", False):
            raise RuntimeError("PyYAML was installed without libyaml; reinstall PyYAML")
        composer = _composer_class()(text)
        try:
            yield from self._stream(composer)
        except _TooDeep as error:
            self._whole_file(error.mark.line + 1, error.mark.column + 1, _TOO_DEEP)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if error.problem == "exceeded maximum nesting depth":  # libyaml's own limit
                self._whole_file(line, column, _TOO_DEEP)
                return
            reason = (error.problem or error.context or "YAML syntax error").removeprefix("but ")
            start = error.context_mark
            if error.context and start is not None and start is not mark:
                reason += f" ({error.context} at line {start.line + 1}, column {start.column + 1})"
            self._whole_file(line, column, f"YAML syntax error: {reason}")
        except yaml.reader.ReaderError as error:
            line, column = _line_and_column(text, error.position)
            code = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
            self._whole_file(line, column, f"{code} is not allowed in YAML (write it as an escape)")
        except yaml.YAMLError as error:
            self._whole_file(1, 1, f"YAML error: {' '.join(str(error).split())}")
        finally:
            composer.dispose()

    def _text(self) -> str | None:
        from .paths import MAX_DATA_FILE, Refused, read_inside

        try:
            raw = read_inside(*self._root_and_relative(), MAX_DATA_FILE)
        except Refused as refused:
            self._whole_file(1, 1, str(refused))
            return None
        except OSError as error:
            self._whole_file(1, 1, f"cannot read: {error.strerror}")
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            self._whole_file(line, column, "not valid UTF-8 (save the file as UTF-8)")
            return None

    def _root_and_relative(self) -> tuple[Path, str]:
        """The dataset folder and the file's path in it (the reader is given both joined)."""
        parts = Path(self.file).parts
        if parts and not Path(self.file).is_absolute() and self.path.parts[-len(parts) :] == parts:
            return Path(*self.path.parts[: -len(parts)]), self.file
        return self.path.parent, self.path.name

    def _stream(self, composer: Any) -> Iterator[RecordRead]:
        from yaml.events import (
            MappingEndEvent,
            MappingStartEvent,
            SequenceEndEvent,
            SequenceStartEvent,
            StreamEndEvent,
        )

        composer.get_event()  # stream start
        if composer.check_event(StreamEndEvent):
            self._whole_file(1, 1, "the file is empty")
            return
        document = composer.get_event()
        event = composer.peek_event()
        if not (isinstance(event, MappingStartEvent) and event.tag is None):
            # Not a mapping of collections: judge the whole (small, or wrong) document at once.
            self.read(composer.compose_node(None, None), schema.DATA_FILE, "")
        else:
            composer.get_event()
            composer.depth = 1
            first_seen: dict[str, int] = {}
            while not composer.check_event(MappingEndEvent):
                key_node = composer.compose_node(None, None)
                self._note_anchors(composer)
                key = self._top_level_key(key_node, first_seen)
                value = composer.peek_event()
                plain_list = isinstance(value, SequenceStartEvent) and value.tag is None
                if key is not None and plain_list and value.anchor is None:
                    composer.get_event()
                    composer.depth = 2
                    index = 0
                    while not composer.check_event(SequenceEndEvent):
                        node = composer.compose_node(None, index)
                        self._note_anchors(composer)
                        yield self._record(key, index, node)
                        index += 1
                    composer.get_event()
                    composer.depth = 1
                    continue
                node = composer.compose_node(None, None)
                self._note_anchors(composer)
                if key is None or (node.tag == _NULL and not _explicit(node)):
                    continue
                if node.tag != _SEQ or _explicit(node) or id(node) in self._seen_anchored:
                    self.read(node, schema.DATA_FILE.fields[key].spec, key)  # says what is wrong
                    continue
                self._seen_anchored.add(id(node))
                for index, item in enumerate(node.value):
                    yield self._record(key, index, item)
            composer.get_event()
        composer.get_event()  # document end
        if not composer.check_event(StreamEndEvent):
            extra = composer.get_event()
            mark = document.start_mark
            self._whole_file(
                extra.start_mark.line + 1,
                extra.start_mark.column + 1,
                "YAML syntax error: found another document (expected a single document "
                f"in the stream at line {mark.line + 1}, column {mark.column + 1})",
            )

    def _note_anchors(self, composer: Any) -> None:
        # Anchored nodes stay alive in the composer, so their ids stay theirs.
        if len(composer.anchors) != len(self._anchored):
            self._anchored = {id(node) for node in composer.anchors.values()}

    def _top_level_key(self, key_node: Any, first_seen: dict[str, int]) -> str | None:
        """The collection a top-level key names, or None (with a problem) if it names none."""
        if key_node.tag == _MERGE:
            self.problem(key_node, "", "merge keys (<<) are not supported here")
            return None
        if self._refused_node(key_node, ""):
            return None
        if key_node.tag != _STR or isinstance(key_node.value, list):
            hint = _yaml11_hint(key_node)
            self.problem(key_node, "", f"keys must be text, got {_describe(key_node)}{hint}")
            return None
        key: str = key_node.value
        if key in first_seen:
            self.problem(
                key_node,
                key,
                f"duplicate key {key!r} (first at line {first_seen[key]}); "
                "YAML would silently keep only the last one",
            )
            return None
        first_seen[key] = key_node.start_mark.line + 1
        if key not in schema.DATA_FILE.fields:
            hint = did_you_mean(key, schema.DATA_FILE.fields)
            allowed = ", ".join(schema.DATA_FILE.fields)
            self.problem(key_node, key, f"unknown field {key!r}{hint} (allowed: {allowed})")
            return None
        return key

    def _record(self, collection: str, index: int, node: Any) -> RecordRead:
        """Read one top-level record node: validate it, build it, check it on its own."""
        self.marks = {}
        self._references = []
        before = len(self.problems)
        path = f"{collection}[{index}]"
        spec = schema.COLLECTIONS[collection]
        value = self.read(node, spec, path)
        declared = _id_of(node)
        record: Any = None
        claims: tuple[TextClaim, ...] = ()
        checked_from = len(self.problems)
        if value is not _INVALID:
            entry = _Entry(self.file, path, value)
            if collection == "sources":  # the article's file: read when quotes are checked
                where = f"{path}.file"
                self._references.append(
                    Reference(*self.position(where), where, "file", value["file"])
                )
            record = _BUILDERS[collection](self, entry)
            checked_from = len(self.problems)
            self._check(collection, entry)
            claims = tuple(self._claims(collection, entry)) if record is not None else ()
        problems = tuple(self.problems[before:])
        del self.problems[before:]
        checked_from = min(checked_from, len(problems) + before) - before
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        return RecordRead(
            collection,
            index,
            line,
            column,
            declared[0] if declared else None,
            *self.position(f"{path}.id"),
            record,
            tuple(self._references),
            claims,
            problems[:checked_from],
            problems[checked_from:],
        )

    # -- nodes

    def read(self, node: Any, spec: schema.Spec, path: str) -> Any:
        """The plain value of node if it fits spec, else _INVALID (with problems noted)."""
        if self._refused_node(node, path or "(document)"):
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

    def _refused_node(self, node: Any, path: str) -> bool:
        """Whether node repeats an anchored node or bears a tag, noting the problem if so."""
        # Only an anchored node can be met twice (through an alias): track just those.
        if self._anchored and id(node) in self._anchored:
            if id(node) in self._seen_anchored:
                self.problem(
                    node,
                    path,
                    "YAML aliases are not supported: this repeats the value anchored here; "
                    "write it out in full",
                )
                return True
            self._seen_anchored.add(id(node))
        written = getattr(node, "explicit", None)  # see _explicit
        tag = written or node.tag
        if written or (tag not in _SCALAR_TAGS and tag not in (_SEQ, _MAP)):
            # Data never needs a tag; one written in the file changes what the value is.
            self.problem(node, path, f"the YAML tag {_short_tag(tag)} is not allowed")
            return True
        return False

    def _read_record(self, node: Any, spec: schema.Record, path: str) -> Any:
        if node.tag != _MAP:
            self.problem(
                node, path or "(document)", f"expected a {spec.name}, got {_describe(node)}"
            )
            return _INVALID
        self.remember(node, path)
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        broken = False
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.problem(key_node, path, "merge keys (<<) are not supported here")
                broken = True
                continue
            if self._refused_node(key_node, path):
                broken = True
                continue
            if key_node.tag != _STR or isinstance(key_node.value, list):
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
                hint = did_you_mean(key, spec.fields)
                allowed = ", ".join(spec.fields)
                self.problem(key_node, where, f"unknown field {key!r}{hint} (allowed: {allowed})")
                broken = True
                continue
            if value_node.tag == _NULL and not _explicit(value_node):
                if field.required:
                    self.problem(value_node, where, "must not be empty (null)")
                    broken = True
                result[key] = None
                continue
            result[key] = self.read(value_node, field.spec, where)
        missing = [k for k, f in spec.fields.items() if f.required and k not in first_seen]
        if len(missing) == 1:
            self.problem(
                node, f"{path}.{missing[0]}" if path else missing[0], "missing required field"
            )
        elif missing:  # one line, not one per field: a file of empty records would flood
            self.problem(
                node, path or "(document)", f"missing required fields: {', '.join(missing)}"
            )
        broken = broken or bool(missing)
        for key in spec.fields:
            result.setdefault(key, None)
        if broken or any(value is _INVALID for value in result.values()):
            return _INVALID
        return result

    def _read_list(self, node: Any, spec: schema.ListOf, path: str) -> Any:
        if node.tag != _SEQ:
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
        return _INVALID if any(item is _INVALID for item in items) else items

    def _read_text(self, node: Any, spec: schema.Text, path: str) -> Any:
        if node.tag != _STR:
            self.problem(node, path, f"expected text, got {_describe(node)}{_yaml11_hint(node)}")
            return _INVALID
        value: str = node.value
        if not value.strip():
            self.problem(node, path, "must not be empty")
            return _INVALID
        if len(value) > MAX_TEXT:
            self.problem(node, path, f"text of {len(value):,} characters: at most {MAX_TEXT:,}")
            return _INVALID
        unsafe = _UNSAFE.search(value) or (spec.is_name and _INVISIBLE.search(value))
        if unsafe:
            self.problem(node, path, _unsafe_message(unsafe.group(), spec.is_name))
            return _INVALID
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            self.problem(
                node, path, f"{value!r} is not a valid id (use lower-case letters, digits, hyphens)"
            )
            return _INVALID
        if spec.choices and value not in spec.choices:
            hint = did_you_mean(value, spec.choices)
            self.problem(node, path, f"{value!r} is not one of: {', '.join(spec.choices)}{hint}")
            return _INVALID
        if spec.track:
            self.remember(node, path)
        if spec.ref:
            mark = node.start_mark
            self._references.append(
                Reference(mark.line + 1, mark.column + 1, path, spec.ref, value)
            )
        return value

    def _read_day(self, node: Any, path: str) -> Any:
        value = node.value
        if node.tag not in (_TIMESTAMP, _STR) or not _DATE_TEXT.fullmatch(value):
            self.problem(node, path, f"expected a date YYYY-MM-DD, got {_describe(node)}")
            return _INVALID
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(node, path, f"{value} is not a real date")
            return _INVALID

    def _read_whole(self, node: Any, spec: schema.Whole, path: str) -> Any:
        value = node.value
        if node.tag != _INT:
            self.problem(node, path, f"expected a whole number, got {_describe(node)}")
            return _INVALID
        if not _PLAIN_INT.fullmatch(value):
            self.problem(
                node,
                path,
                f"write the number plainly: YAML 1.1 reads {clip(value)!r} as {_yaml11_int(value)}",
            )
            return _INVALID
        if len(value) > 20:  # no field needs more, and int() refuses past 4,300 digits
            self.problem(node, path, f"{clip(value)} is outside {spec.minimum}..{spec.maximum}")
            return _INVALID
        number = int(value)
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            self.problem(node, path, f"{number} is outside {spec.minimum}..{spec.maximum}")
            return _INVALID
        return number

    # -- records

    def _date(self, entry: _Entry, raw: dict[str, Any] | None) -> DateSpan | None:
        if raw is None:
            return None
        path = f"{entry.path}.date"
        day, first, last, one_of = raw["day"], raw["from"], raw["to"], raw["one_of"]
        basis = cast(DateBasis, raw["basis"])
        given = [day is not None, first is not None or last is not None, one_of is not None]
        if sum(given) > 1:
            self.problem_at(path, "give one of `day`, `from`/`to` or `one_of`")
            return None
        if day is not None:
            span = DateSpan(day, day, basis, raw["how"])
        elif one_of is not None:
            if list(one_of) != sorted(one_of):
                self.problem_at(f"{path}.one_of", "list the days in order")
                return None
            span = DateSpan(one_of[0], one_of[-1], basis, raw["how"], tuple(one_of))
        elif first is None or last is None:
            self.problem_at(path, "needs `day`, both `from` and `to`, or `one_of`")
            return None
        elif first > last:
            self.problem_at(path, f"`from` ({first}) is after `to` ({last})")
            return None
        else:
            span = DateSpan(first, last, basis, raw["how"])
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


_BUILDERS: dict[str, Any] = {
    "sources": lambda _reader, entry: _source(entry),
    "people": lambda _reader, entry: _person(entry),
    "events": lambda _reader, entry: _event(entry),
    "topics": lambda _reader, entry: _topic(entry),
    "meetings": lambda reader, entry: reader._meeting(entry),
    "context": lambda reader, entry: reader._context_item(entry),
}


# --------------------------------------------------------------------------- wording


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"

# C1 controls (terminal commands such as CSI, U+009B) and the bidi embeddings,
# overrides and isolates that display text in another order than it is stored
# (Trojan Source): refused in all text. Escaped C0 controls are rendered inert.
_UNSAFE = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")
# Control and invisible characters that make two names look the same but differ,
# or break a name's line: refused in names. U+200C (zero-width non-joiner) is kept:
# Persian spelling needs it.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f\u2028\u2029"
    "\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u180f\u200b\u200d-\u200f"
    "\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)


def _unsafe_message(character: str, in_name: bool) -> str:
    code = f"U+{ord(character):04X}"
    if "\x80" <= character <= "\x9f":
        return f"{code} (a C1 control character) is not allowed in text"
    if character < " " or character == "\x7f":  # written as a YAML escape (\e, \a, \n)
        return f"{code} (a control character) is not allowed in a name: names are one line"
    what = f"{code} ({unicodedata.name(character, 'unnamed').lower()})"
    if _UNSAFE.match(character):
        return (
            f"{what} is not allowed in text: it makes text display in another order than it reads"
        )
    return (
        f"{what} is not allowed in a name: it is invisible, so names that look alike would differ"
    )


def _explicit(node: Any) -> str | None:
    """The tag written in the file for node, if any (see _composer_class)."""
    return getattr(node, "explicit", None)


def _id_of(node: Any) -> list[str]:
    """The id a record node declares, if it declares one plainly."""
    if node.tag != _MAP:
        return []
    return [
        value.value
        for key, value in node.value
        if key.value == "id" and value.tag == _STR and isinstance(value.value, str)
    ]


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _describe(node: Any) -> str:
    tag = node.tag
    if tag == _MAP:
        return "a mapping"
    if tag == _SEQ:
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
    return f"{kind} {clip(node.value)!r}" if node.value else kind


def _expected(spec: schema.Spec) -> str:
    if isinstance(spec, schema.Text):
        return "text"
    if isinstance(spec, schema.Day):
        return "a date YYYY-MM-DD"
    return "a whole number"


def _yaml11_hint(node: Any) -> str:
    if node.tag == _BOOL:
        return f" (YAML 1.1 reads an unquoted {node.value} as true/false: put it in quotes)"
    if node.tag == _INT and not _PLAIN_INT.fullmatch(node.value):
        return (
            f" (YAML 1.1 reads {clip(node.value)} as {_yaml11_int(node.value)}: put it in quotes)"
        )
    if node.tag in (_INT, _FLOAT, _TIMESTAMP, _NULL):
        return " (put it in quotes)"
    return ""


def _yaml11_int(value: str) -> str:
    import yaml

    if len(value) > 40:  # int() refuses long numbers, and 1:2:3... in base 60 takes long
        return "a number"
    try:
        return repr(yaml.load(value, Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, ValueError):
        return "a number"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean ...?)' naming the closest choice, or ''."""
    # Imported here: start-up time matters, and hints are needed only for broken data.
    from rapidfuzz import fuzz, process

    pool = choices if isinstance(choices, (list, tuple)) else list(choices)
    close = process.extractOne(word, pool, scorer=fuzz.ratio, processor=None, score_cutoff=60)
    return f" (did you mean {close[0]!r}?)" if close else ""


def clip(text: str, limit: int = 60) -> str:
    """text cut to limit characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
