"""Read data files into typed records, one top-level record at a time, or say what is wrong.

YAML is scanned and parsed by libyaml. A plain file (a mapping of collections,
each a block list or a flow list) is cut at its top-level records as they are
read, and each record is composed by libyaml's own composer (`compose`: the fast
path); any other file, or any record the fast path cannot judge exactly, is read
by PyYAML's composer on libyaml's events, one top-level record at a time (the
streaming composer). Both give the same nodes and positions, and memory does not
grow with the size of a file. Nothing is ever constructed from tags, so a file
cannot make the loader build objects. Each record's nodes are checked against
the declarations in `schema`, which gives every problem a file, line and column;
past MAX_FILE_PROBLEMS problems a file is read no further (`FileReader.stopped`).
Checks that span records (ids, references, quotes against their sources) run
over the compiled tables: see `checks`.

An edit re-reads only the records whose text changed: `FileReader.pieces` gives
each top-level record's piece of text with a digest, `records(skip=...)` leaves
out the pieces the caller already holds, and `relocate` moves a held record to
where its unchanged text now stands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Generator, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

from . import schema
from .compose import (
    MAX_DEPTH,
    MAX_KEYS,
    Piece,
    SplitFailed,
    TooDeep,
    big_piece,
    compose_piece,
    compose_piece_streaming,
    composer_class,
    piece_text,
    placed,
    plan_pieces,
    split_records,
)
from .errors import MAX_PROBLEMS, STOPPED, DataError, Problem, echo
from .recordbuild import (
    BUILDERS,
    Entry,
    RecordChecks,
    RecordRead,
    Reference,
    TextClaim,
    prose_claims,
    relocate,
    reusable,
)
from .wording import (
    INVISIBLE,
    PLAIN_INT,
    UNSAFE,
    clip,
    describe,
    did_you_mean,
    display_path,
    expected,
    line_and_column,
    normalise_for_quote_check,
    quote_spans,
    short_tag,
    syntax_message,
    unsafe_message,
    yaml11_hint,
    yaml11_int,
)

__all__ = [
    "MAX_DEPTH",
    "DataError",
    "FileReader",
    "Piece",
    "Problem",
    "RecordRead",
    "Reference",
    "TextClaim",
    "clip",
    "did_you_mean",
    "display_path",
    "normalise_for_quote_check",
    "quote_spans",
    "relocate",
    "reusable",
    "split_records",
]

#: Longest text a field may hold, in characters.
MAX_TEXT = 100_000

#: Most problems kept of one file: at the next, reading stops (`FileReader.stopped`), so
#: that a file of a million broken records costs no more than its first thousand.
MAX_FILE_PROBLEMS = MAX_PROBLEMS

_YAML = "tag:yaml.org,2002:"
_SEQ, _MAP, _STR, _NULL, _MERGE = (f"{_YAML}{t}" for t in ("seq", "map", "str", "null", "merge"))
_INT, _TIMESTAMP = f"{_YAML}int", f"{_YAML}timestamp"
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_INVALID = object()
_CLAIMS, _PROSE_TEXT = schema.ListOf(schema.CLAIM, min_items=1), schema.Text()
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
# Tags a node may have when none is written in the file (others: `<<` merge, `=` value).
_PLAIN_TAGS = frozenset((*_SCALAR_TAGS, _SEQ, _MAP))
_compiled = functools.cache(re.compile)
_REQUIRED: dict[int, tuple[str, ...]] = {}


def _required(spec: schema.Record) -> tuple[str, ...]:
    """The required fields of spec (looked up once per declaration)."""
    found = _REQUIRED.get(id(spec))
    if found is None:
        found = _REQUIRED[id(spec)] = tuple(k for k, f in spec.fields.items() if f.required)
    return found


class _Stopped(Exception):
    """Raised where a file's problems pass MAX_FILE_PROBLEMS: it is read no further."""


class FileReader(RecordChecks):
    """Reads one data file record by record, remembering where each value stands.

    Iterate `records()`; afterwards `problems` holds the problems that concern
    the file as a whole or its top level, and `unreadable` says whether the file
    could not be parsed (its records, if any were yielded, must be dropped).
    `stopped` says that it was not read to its end, past MAX_FILE_PROBLEMS problems
    (it is `unreadable` too, but the problems of the records yielded still count).
    """

    def __init__(self, path: Path, shown_as: str, *, split: bool = True) -> None:
        """split=False reads every file whole with the streaming composer (to compare)."""
        self.path = path
        self._split = split
        self.file = shown_as
        self.problems: list[Problem] = []
        self.unreadable = False
        self.stopped = False
        self.piece: Piece | None = None  # of the record last yielded, if read on its own
        # path -> (line, column) of records and tracked values of the current record.
        self.marks: dict[str, tuple[int, int]] = {}
        self._references: list[Reference] = []
        # (path, claim) of each prose claim of the current record, in reading order.
        self._prose: list[tuple[str, dict[str, Any]]] = []
        self._seen_anchored: set[int] = set()
        self._anchored: set[int] = set()
        self._line_offset = 0  # lines above the text being composed (a piece of the file)
        self._tags_possible = True  # False for nodes from libyaml's composer: no tag, no anchor
        self._text: str | None = None
        self._pieces: tuple[Piece, ...] | None = None
        self._counted = 0  # problems of the records read before the current one
        self._offset = 0  # where the text read begins in the file (see `part_records`)

    # -- problems and positions

    def problem(self, node: Any, path: str, message: str) -> None:
        mark = node.start_mark
        self._note(
            Problem(self.file, mark.line + 1 + self._line_offset, mark.column + 1, path, message)
        )

    def _note(self, problem: Problem) -> None:
        if self._counted + len(self.problems) >= MAX_FILE_PROBLEMS:
            raise _Stopped
        self.problems.append(problem)

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
        self._note(Problem(self.file, *self.position(path), path, message))

    def _line(self, node: Any) -> int:
        """The line of the file where node starts."""
        return int(node.start_mark.line) + 1 + self._line_offset

    def remember(self, node: Any, path: str) -> None:
        mark = node.start_mark
        self.marks[path] = (mark.line + 1 + self._line_offset, mark.column + 1)

    def _whole_file(self, line: int, column: int, message: str) -> None:
        # A file that cannot be parsed is reported alone: nothing else in it is judged.
        self.problems = [Problem(self.file, line, column, "(file)", message)]
        self.unreadable = True

    def _cut_short(self, composer: Any) -> bool:
        """Whether composer cut a mapping at MAX_KEYS keys; if so the reading did not stop
        in it (`_Stopped`), and the file is refused whole."""
        mark = composer.cut
        if mark is None:
            return False
        self._whole_file(
            mark.line + 1 + self._line_offset,
            mark.column + 1,
            f"a mapping of more than {MAX_KEYS:,} keys (no record has that many fields)",
        )
        return True

    # -- files

    def pieces(self, text: str | None = None) -> tuple[Piece, ...] | None:
        """The file's top-level records as pieces of its text, each with a digest.

        None when the file is not plain enough to split (`records` then reads it
        whole) or cannot be read (`unreadable`). text: the file's content, if
        read; otherwise the file is read here and kept for `records`.
        """
        text = self._content(text)
        if text is None:
            return None
        if self._pieces is None and self._split:
            planned = plan_pieces(text)
            try:
                self._pieces = None if planned is None else tuple(planned)
            except SplitFailed:
                self._pieces = None
        return self._pieces

    @property
    def text(self) -> str | None:
        """The file's text, once read (by `pieces` or `records`)."""
        return self._text

    def _content(self, text: str | None) -> str | None:
        """The file's text (text, if given): kept, with its pieces if it is the same."""
        if text is None:
            if self._text is not None:
                return self._text
            text = self._read_file()
            if text is None:
                return None
        if text is not self._text:
            self._text, self._pieces = text, None
        return text

    def records(
        self, text: str | None = None, skip: Collection[tuple[str, int]] = ()
    ) -> Iterator[RecordRead]:
        """Every top-level record of the file, in order (text: the file's content, if read).

        skip: (collection, index) of `reusable` pieces (from `pieces()`) whose records
        the caller already holds: they are neither read nor yielded. The pieces of a
        file are otherwise cut as they are read (see `compose.plan_pieces`).
        """
        text = self._content(text)
        if text is None:
            return
        pieces: Iterable[Piece] | None = self._pieces
        if skip:
            pieces = self.pieces(text)
            plain = {(p.collection, p.position) for p in pieces or () if p.plain}
            if not plain.issuperset(skip):
                raise ValueError("only plain pieces of the file can be skipped")
        elif pieces is None and self._split:
            pieces = plan_pieces(text)
        yield from self._reading(text, pieces, skip)

    def part_records(self, text: str, pieces: Iterable[Piece], offset: int) -> Iterator[RecordRead]:
        """The records of some pieces of the file (none with an anchor or an alias), text
        being the file's text from offset on.

        `unreadable` (and not `stopped`) if one of them cannot be read on its own: the
        file is then to be read whole.
        """
        self._offset = offset
        yield from self._reading(text, pieces, (), whole=False)

    def _reading(
        self,
        text: str,
        pieces: Iterable[Piece] | None,
        skip: Collection[tuple[str, int]],
        whole: bool = True,
    ) -> Iterator[RecordRead]:
        import gc

        import yaml

        if not getattr(yaml, "__with_libyaml__", False):
            raise RuntimeError("PyYAML was installed without libyaml; reinstall PyYAML")
        # Reading makes no reference cycles, but many objects that stay alive (a file's
        # records, one large record's nodes): each collection would walk them all again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            done: set[tuple[str, int]] = set()
            if pieces is not None:
                finished = yield from self._read_pieces(text, pieces, skip, done)
                if finished:
                    return
                if not whole:
                    self.unreadable = True
                    return
                # A piece the fast path cannot judge: read the file whole, yielding the rest.
                self.problems, self._anchored, self._seen_anchored = [], set(), set()
                self._line_offset = self._counted = 0
            self.piece = None
            yield from self._read_streaming(text, skip, done)
        except _Stopped:
            self.stopped = self.unreadable = True
            self.problems.append(Problem(self.file, 0, 0, "", STOPPED))
        finally:
            if collecting:
                gc.enable()

    def _read_pieces(
        self,
        text: str,
        pieces: Iterable[Piece],
        skip: Collection[tuple[str, int]],
        done: set[tuple[str, int]],
    ) -> Generator[RecordRead, None, bool]:
        """The records of a split file, piece by piece; False if one needs the whole file."""
        import yaml

        anchors: set[str] = set()  # names anchored so far: PyYAML refuses one used twice
        try:
            for piece in pieces:
                key = (piece.collection, piece.position)
                if key in skip:
                    continue
                read = self._read_piece(text, piece, anchors)
                if read is None:
                    return False
                done.add(key)
                self._counted += len(read.problems) + len(read.check_problems)
                self.piece = piece
                yield read
                if self.unreadable:  # a mapping cut short
                    return True
        except (yaml.YAMLError, TooDeep, SplitFailed):
            return False
        return True

    def _read_piece(self, text: str, piece: Piece, anchors: set[str]) -> RecordRead | None:
        """The record of one piece, or None if the fast path cannot judge it."""
        chunk = piece_text(text, piece, self._offset)
        composer = None
        if piece.plain and not big_piece(chunk):
            node = compose_piece(chunk, piece.flow)
        else:
            composed = compose_piece_streaming(chunk, piece.flow)
            node, composer = composed if composed is not None else (None, None)
        if node is None:
            return None
        placed(node, piece, composer)
        try:
            if composer is not None:
                names = set(composer.anchors)
                if names & anchors:
                    return None
                anchors |= names
                self._anchored = {id(each) for each in composer.anchors.values()}
                self._seen_anchored = set()
            self._line_offset = piece.line
            self._tags_possible = not piece.plain
            read = self._record(piece.collection, piece.position, node)
            if composer is not None:
                self._cut_short(composer)  # the reading did not stop in the mapping cut short
        finally:
            self._line_offset = 0
            self._tags_possible = True
            self._anchored = set()
            if composer is not None:
                composer.dispose()
        return read

    def _read_streaming(
        self, text: str, skip: Collection[tuple[str, int]], done: set[tuple[str, int]]
    ) -> Iterator[RecordRead]:
        """The records of the file by the streaming composer, but those in skip or done."""
        import yaml

        composer = composer_class()(text)
        try:
            for read in self._stream(composer, skip):
                self._counted += len(read.problems) + len(read.check_problems)
                if (read.collection, read.position) not in done:
                    yield read
        except TooDeep as error:
            self._whole_file(error.mark.line + 1, error.mark.column + 1, _TOO_DEEP)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if error.problem == "exceeded maximum nesting depth":  # libyaml's own limit
                self._whole_file(line, column, _TOO_DEEP)
                return
            self._whole_file(line, column, syntax_message(text, line, error))
        except yaml.reader.ReaderError as error:
            line, column = line_and_column(text, error.position)
            code = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
            self._whole_file(line, column, f"{code} is not allowed in YAML (write it as an escape)")
        except yaml.YAMLError as error:
            self._whole_file(1, 1, f"YAML error: {' '.join(str(error).split())}")
        finally:
            composer.dispose()

    def _read_file(self) -> str | None:
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

    def _stream(self, composer: Any, skip: Collection[tuple[str, int]]) -> Iterator[RecordRead]:
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
            if self._cut_short(composer):
                return
        else:
            composer.get_event()
            composer.depth = 1
            first_seen: dict[str, int] = {}
            while not composer.check_event(MappingEndEvent):
                key_node = composer.compose_node(None, None)
                self._note_anchors(composer)
                key = self._top_level_key(key_node, first_seen)
                if self._cut_short(composer):
                    return
                value = composer.peek_event()
                plain_list = isinstance(value, SequenceStartEvent) and value.tag is None
                if key is not None and plain_list and value.anchor is None:
                    composer.get_event()
                    composer.depth = 2
                    index = 0
                    while not composer.check_event(SequenceEndEvent):
                        node = composer.compose_node(None, index)
                        self._note_anchors(composer)
                        if (key, index) not in skip:  # a plain piece: nothing else needs it
                            yield self._record(key, index, node)
                        if self._cut_short(composer):
                            return
                        index += 1
                    composer.get_event()
                    composer.depth = 1
                    continue
                node = composer.compose_node(None, None)
                self._note_anchors(composer)
                if key is None or (node.tag == _NULL and not _explicit(node)):
                    pass
                elif node.tag != _SEQ or _explicit(node) or id(node) in self._seen_anchored:
                    self.read(node, schema.DATA_FILE.fields[key].spec, key)  # says what is wrong
                else:
                    self._seen_anchored.add(id(node))
                    for index, item in enumerate(node.value):
                        if (key, index) not in skip:
                            yield self._record(key, index, item)
                if self._cut_short(composer):
                    return
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

    def _record(self, collection: str, index: int, node: Any) -> RecordRead:
        """Read one top-level record node: validate it, build it, check it on its own."""
        self.marks = {}
        self._references = []
        self._prose = []
        before = len(self.problems)
        path = f"{collection}[{index}]"
        spec = schema.COLLECTIONS[collection]
        value = self.read(node, spec, path)
        if value is not _INVALID:
            value["claims"] = prose_claims(path, spec, self._prose)
        declared = _id_of(node)
        record: Any = None
        claims: tuple[TextClaim, ...] = ()
        checked_from = len(self.problems)
        if value is not _INVALID:
            entry = Entry(self.file, path, value)
            if collection == "sources":  # the article's file: read when quotes are checked
                where = f"{path}.file"
                self._references.append(
                    Reference(*self.position(where), where, "file", value["file"])
                )
            record = BUILDERS[collection](self, entry)
            checked_from = len(self.problems)
            self._check(collection, entry)
            claims = tuple(self._claims(collection, entry)) if record is not None else ()
        problems = tuple(self.problems[before:])
        del self.problems[before:]
        checked_from = min(checked_from, len(problems) + before) - before
        line, column = node.start_mark.line + 1 + self._line_offset, node.start_mark.column + 1
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
            value if record is not None else None,
        )

    # -- nodes

    def read(self, node: Any, spec: schema.Spec, path: str) -> Any:
        """The plain value of node if it fits spec, else _INVALID (with problems noted)."""
        if (self._tags_possible or node.tag not in _PLAIN_TAGS) and self._refused_node(
            node, path or "(document)"
        ):
            return _INVALID
        kind = type(spec)
        if kind is schema.Record:
            return self._read_record(node, cast(schema.Record, spec), path)
        if kind is schema.ListOf:
            return self._read_list(node, cast(schema.ListOf, spec), path)
        if kind is schema.Prose:
            return self._read_prose(node, path)
        if type(node.value) is list:  # a list or a mapping (of pairs)
            self.problem(node, path, f"expected {expected(spec)}, got {describe(node)}")
            return _INVALID
        if kind is schema.Text:
            return self._read_text(node, cast(schema.Text, spec), path)
        if kind is schema.Day:
            return self._read_day(node, path)
        return self._read_whole(node, cast(schema.Whole, spec), path)

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
            self.problem(node, path, f"the YAML tag {short_tag(tag)} is not allowed")
            return True
        return False

    def _read_record(self, node: Any, spec: schema.Record, path: str) -> Any:
        if node.tag != _MAP:
            self.problem(
                node, path or "(document)", f"expected a {spec.name}, got {describe(node)}"
            )
            return _INVALID
        self.remember(node, path)
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}  # key -> its node
        broken = False
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.problem(key_node, path, "merge keys (<<) are not supported here")
                broken = True
                continue
            if (self._tags_possible or key_node.tag not in _PLAIN_TAGS) and self._refused_node(
                key_node, path
            ):
                broken = True
                continue
            if key_node.tag != _STR or isinstance(key_node.value, list):
                self.problem(
                    key_node,
                    path,
                    f"keys must be text, got {describe(key_node)}{yaml11_hint(key_node)}",
                )
                broken = True
                continue
            key = key_node.value
            where = f"{path}.{key}" if path else key
            if key in first_seen:
                self.problem(
                    key_node,
                    where,
                    f"duplicate key {echo(key)} (first at line {self._line(first_seen[key])}); "
                    "YAML would silently keep only the last one",
                )
                broken = True
                continue
            first_seen[key] = key_node
            field = spec.fields.get(key)
            if field is None:
                hint = did_you_mean(key, spec.fields)
                allowed = ", ".join(spec.fields)
                self.problem(
                    key_node, where, f"unknown field {echo(key)}{hint} (allowed: {allowed})"
                )
                broken = True
                continue
            if value_node.tag == _NULL and not (self._tags_possible and _explicit(value_node)):
                if field.required:
                    self.problem(value_node, where, "must not be empty (null)")
                    broken = True
                result[key] = None
                continue
            value = result[key] = self.read(value_node, field.spec, where)
            if value is _INVALID:
                broken = True
        missing = [k for k in _required(spec) if k not in first_seen]
        if len(missing) == 1:
            self.problem(
                node, f"{path}.{missing[0]}" if path else missing[0], "missing required field"
            )
        elif missing:  # one line, not one per field: a file of empty records would flood
            self.problem(
                node, path or "(document)", f"missing required fields: {', '.join(missing)}"
            )
        if len(result) < len(spec.fields):
            for key in spec.fields:
                result.setdefault(key, None)
        if broken or missing:
            return _INVALID
        return result

    def _read_prose(self, node: Any, path: str) -> Any:
        """Prose as text (a list's claims joined), its claims kept for the record."""
        if node.tag == _MAP:
            self.problem(node, path, f"expected text or a list of claims, got {describe(node)}")
            return _INVALID
        if node.tag != _SEQ:  # text: no claim, and so no evidence (`meetings audit` says so)
            return self._read_text(node, _PROSE_TEXT, path)
        if (claims := self._read_list(node, _CLAIMS, path)) is _INVALID:
            return _INVALID
        self._prose += [(f"{path}[{i}]", claim) for i, claim in enumerate(claims)]
        return " ".join(claim["text"].strip() for claim in claims)

    def _read_list(self, node: Any, spec: schema.ListOf, path: str) -> Any:
        if node.tag != _SEQ:
            self.problem(node, path, f"expected a list, got {describe(node)}")
            return _INVALID
        items = [self.read(item, spec.item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        if len(items) < spec.min_items:
            self.problem(node, path, f"needs at least {spec.min_items} item(s), has {len(items)}")
        if spec.unique:
            seen: set[Any] = set()
            for item_node, item in zip(node.value, items, strict=True):
                if isinstance(item, str) and item in seen:
                    self.problem(item_node, path, f"{echo(item)} is listed twice")
                seen.add(item)
        return _INVALID if _INVALID in items else items

    def _read_text(self, node: Any, spec: schema.Text, path: str) -> Any:
        if node.tag != _STR:
            self.problem(node, path, f"expected text, got {describe(node)}{yaml11_hint(node)}")
            return _INVALID
        value: str = node.value
        if not value or value.isspace():
            self.problem(node, path, "must not be empty")
            return _INVALID
        if len(value) > MAX_TEXT:
            self.problem(node, path, f"text of {len(value):,} characters: at most {MAX_TEXT:,}")
            return _INVALID
        unsafe = UNSAFE.search(value) or (spec.is_name and INVISIBLE.search(value))
        if unsafe:
            self.problem(node, path, unsafe_message(unsafe.group(), spec.is_name))
            return _INVALID
        if spec.pattern and not _compiled(spec.pattern).fullmatch(value):
            self.problem(
                node,
                path,
                f"{echo(value)} is not a valid id (use lower-case letters, digits, hyphens)",
            )
            return _INVALID
        if spec.choices and value not in spec.choices:
            hint = did_you_mean(value, spec.choices)
            self.problem(
                node, path, f"{echo(value)} is not one of: {', '.join(spec.choices)}{hint}"
            )
            return _INVALID
        if spec.track:
            self.remember(node, path)
        if spec.ref:
            mark = node.start_mark
            self._references.append(
                Reference(mark.line + 1 + self._line_offset, mark.column + 1, path, spec.ref, value)
            )
        return value

    def _read_day(self, node: Any, path: str) -> Any:
        value = node.value
        if node.tag not in (_TIMESTAMP, _STR) or not _DATE_TEXT.fullmatch(value):
            self.problem(node, path, f"expected a date YYYY-MM-DD, got {describe(node)}")
            return _INVALID
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(node, path, f"{value} is not a real date")
            return _INVALID

    def _read_whole(self, node: Any, spec: schema.Whole, path: str) -> Any:
        value = node.value
        if node.tag != _INT:
            self.problem(node, path, f"expected a whole number, got {describe(node)}")
            return _INVALID
        if not PLAIN_INT.fullmatch(value):
            self.problem(
                node,
                path,
                f"write the number plainly: YAML 1.1 reads {clip(value)!r} as {yaml11_int(value)}",
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


def _explicit(node: Any) -> str | None:
    """The tag written in the file for node, if any (see compose.composer_class)."""
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
