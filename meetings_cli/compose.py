"""YAML text to nodes: libyaml's parser, and a file split at its top-level records.

Two ways to compose a data file, with the same nodes and marks:

- the streaming composer: libyaml parses, PyYAML's Python composer builds the
  nodes of one top-level record at a time, counting how deep lists and mappings
  nest and marking tags written in the file. It reads any file, and cuts a
  mapping of more than MAX_KEYS keys short (no record has so many fields).
- the fast path: `plan_pieces` cuts the text of a plain file (a mapping of
  collections, each a block list, `split_records`, or a flow list, `split_flow`)
  at its top-level items, as they are asked for; `compose_piece` composes one
  such piece with libyaml's own composer (in C). A piece's marks count lines
  from the piece's first line: add `Piece.line`.

A piece the fast path cannot judge exactly as the streaming composer would
(a tag, an anchor or an alias in it, nesting it cannot bound cheaply, anything
libyaml refuses) is said so by `compose_piece` (None or an exception); the
reader then falls back to the streaming composer, which is always right.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

#: Deepest nesting of lists and mappings a data file may have, counting the
#: file's own mapping (the composer recurses; real data nests six deep).
MAX_DEPTH = 100

#: Most keys a mapping is composed with by the streaming composer (`composer_class`): a
#: record has a few fields, and every key past them is a problem, so a reader has stopped
#: (`load.MAX_FILE_PROBLEMS`) well before a mapping this large is cut.
MAX_KEYS = 20_000

#: A piece whose text holds more than this many `:`, `?` and `,` is composed by the
#: streaming composer, which cuts a mapping at MAX_KEYS keys instead of building all of
#: its nodes at once: a mapping needs one of them for each key past its first.
BIG_PIECE = MAX_KEYS

_YAML = "tag:yaml.org,2002:"
_STR, _NULL, _MAP, _SEQ = (f"{_YAML}{t}" for t in ("str", "null", "map", "seq"))


class TooDeep(Exception):
    """A list or mapping nested deeper than MAX_DEPTH, at its start mark."""

    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


@functools.cache
def _resolving() -> tuple[Any, Any, Any]:
    """PyYAML's resolver methods, remembering what plain scalars resolved to.

    The resolver is asked about every node (libyaml's composer calls it from C);
    a plain scalar's tag depends only on its text, and keys and many values recur.
    No path resolvers are added, so there is nothing to descend into or ascend from.
    """
    from yaml.nodes import ScalarNode, SequenceNode
    from yaml.resolver import Resolver

    seq, mapping, text = (f"{_YAML}{t}" for t in ("seq", "map", "str"))
    resolve_scalar: Any = Resolver.resolve  # untyped in PyYAML's stubs
    resolved: dict[str, str] = {}

    def resolve(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if not implicit[0]:  # quoted, or a block scalar: text
                return text
            tag = resolved.get(value)
            if tag is None:
                tag = resolve_scalar(self, kind, value, implicit)
                if len(resolved) > 50_000:  # bounded: most values are told once
                    resolved.clear()
                resolved[value] = tag
            return tag
        return seq if kind is SequenceNode else mapping

    def descend_resolver(self: Any, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self: Any) -> None:
        pass

    return resolve, descend_resolver, ascend_resolver


@functools.cache
def composer_class() -> Any:
    """libyaml's parser with PyYAML's composer on top, to compose one node at a time.

    It counts how deep lists and mappings nest (the composer recurses in Python),
    marks nodes whose tag is written in the file (`explicit`: that tag), since
    the resolved tag alone cannot tell `!!null x` from `~`, and cuts a mapping at
    MAX_KEYS keys: `cut` is then the mark of that mapping, every node holding it
    is left as composed so far, and the composer cannot go on.
    """
    import yaml
    from yaml.composer import Composer
    from yaml.events import MappingEndEvent, SequenceEndEvent
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import Resolver

    class StreamComposer(yaml._yaml.CParser, Composer, Resolver):
        resolve, descend_resolver, ascend_resolver = _resolving()

        def __init__(self, text: str) -> None:
            yaml._yaml.CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.depth = 0  # lists and mappings open around the next node
            self.cut: Any = None

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
            node = self._start(SequenceNode, anchor)
            compose: Any = self.compose_node  # untyped in PyYAML's stubs
            index = 0
            while not self.check_event(SequenceEndEvent):
                node.value.append(compose(node, index))
                if self.cut is not None:
                    return node
                index += 1
            return self._end(node)

        def compose_mapping_node(self, anchor: Any) -> Any:
            node = self._start(MappingNode, anchor)
            compose: Any = self.compose_node
            pairs = node.value
            while not self.check_event(MappingEndEvent):
                if len(pairs) == MAX_KEYS:
                    self.cut = node.start_mark
                    return node
                key = compose(node, None)
                if self.cut:  # (a mark: never false)
                    return node
                pairs.append((key, compose(node, key)))
                if self.cut:
                    return node
            return self._end(node)

        # As Composer.compose_sequence_node and compose_mapping_node begin and end.
        def _start(self, kind: Any, anchor: Any) -> Any:
            start: Any = self.get_event()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise TooDeep(start.start_mark)
            tag = start.tag
            if tag is None or tag == "!":
                resolve: Any = self.resolve
                tag = resolve(kind, None, start.implicit)
            node: Any = kind(tag, [], start.start_mark, None, flow_style=start.flow_style)
            if start.tag is not None:
                node.explicit = start.tag
            if anchor is not None:
                self.anchors[anchor] = node
            return node

        def _end(self, node: Any) -> Any:
            end: Any = self.get_event()
            node.end_mark = end.end_mark
            self.depth -= 1
            return node

    return StreamComposer


@functools.cache
def _fast_class() -> Any:
    """libyaml's parser and its own composer (in C), with PyYAML's resolver."""
    import yaml
    from yaml.resolver import Resolver

    class FastComposer(yaml._yaml.CParser, Resolver):
        resolve, descend_resolver, ascend_resolver = _resolving()

        def __init__(self, text: str) -> None:
            yaml._yaml.CParser.__init__(self, text)
            Resolver.__init__(self)

    return FastComposer


# --------------------------------------------------------------------------- pieces


class Piece(NamedTuple):
    """One top-level record's text: `text[start:end]`, an item of a collection's list.

    `line` is the number of lines above it in the file (its marks count from
    there); `digest` is a hash of its collection and its exact text (and, for an
    item of a flow list, the column it starts at), so a piece whose digest is
    unchanged reads the same wherever it now stands (see `load.relocate`).
    """

    collection: str
    position: int  # in the file's list of that collection
    line: int  # lines above the piece's first line
    start: int
    end: int
    digest: bytes
    plain: bool  # no tag, anchor or alias can be in it: its read depends on nothing else
    #: Of an item `{...}` or `[...]` of a flow list: where it begins on its line (the
    #: columns of its first line count from there). -1 for an item `- ...` of a block list.
    column: int = -1

    @property
    def flow(self) -> bool:
        """Whether the piece is an item of a flow list."""
        return self.column >= 0


class SplitFailed(Exception):
    """A file's split turned out wrong while its pieces were being produced (`plan_pieces`):
    the pieces already produced are right; the file is to be read whole for the rest."""


def plan_pieces(text: str) -> Iterator[Piece] | None:
    """The file's top-level records as pieces of its text, produced as they are asked for;
    None to read the file whole.

    A file of block lists (`split_records`) is judged before the first piece; a file of
    flow lists (`split_flow`) as it is cut, up to the piece being produced: the iterator
    raises SplitFailed where the rest of the file cannot be cut (each piece it gave is
    what the streaming composer reads there). Pieces come one at a time, so that reading
    a huge file of broken records can stop early at no cost for the rest.
    """
    if not text or "\ufeff" in text or any(brk in text for brk in _OTHER_BREAKS):
        return None
    regions = _block_regions(text)
    if regions is not None:
        return _block_pieces(text, regions)
    return _flow_pieces(text) if _FLOW_START.match(text) else None


#: Columns before an item of a flow list up to which its text is composed after as many
#: spaces; past them (an item far along a long line) its marks are moved (`placed`).
_PADDED = 200


def piece_text(text: str, piece: Piece, offset: int = 0) -> str:
    """What `compose_piece` composes for piece: its text (in text, counted from offset),
    after as many spaces as it has columns before it (an item of a flow list)."""
    chunk = text[piece.start - offset : piece.end - offset]
    return " " * piece.column + chunk if 0 < piece.column <= _PADDED else chunk


def placed(node: Any, piece: Piece, composer: Any = None) -> Any:
    """node, composed of `piece_text(..., piece)`, with the columns of its first line
    counted from the start of the line the piece begins on (and composer's `cut`)."""
    if piece.column <= _PADDED:
        return node
    moved: dict[int, Any] = {}  # libyaml's marks cannot be changed: each is made again

    def move(mark: Any) -> Any:
        if mark is None or mark.line != 0:
            return mark
        if id(mark) not in moved:
            moved[id(mark)] = type(mark)(
                mark.name, mark.index, 0, mark.column + piece.column, None, None
            )
        return moved[id(mark)]

    stack = [node]
    while stack:
        each = stack.pop()
        each.start_mark, each.end_mark = move(each.start_mark), move(each.end_mark)
        if isinstance(each.value, list):
            for child in each.value:
                stack.extend(child if isinstance(child, tuple) else (child,))
    if composer is not None:
        composer.cut = move(composer.cut)
    return node


def _piece(key: str, index: int, line: int, start: int, end: int, text: str, *, column: int = -1
           ) -> Piece:  # fmt: skip
    """The piece text[start:end]; column: where an item of a flow list starts on its line."""
    chunk = text[start:end]
    told = f"{key}\n{chunk}" if column < 0 else f"{key}\n{column}\n{chunk}"
    digest = hashlib.blake2b(told.encode(), digest_size=16).digest()
    plain = "!" not in chunk and "&" not in chunk and "*" not in chunk
    return Piece(key, index, line, start, end, digest, plain, column)


# What libyaml also takes for a line break (YAML 1.1): lines here are split at "\n" only.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
# A top-level key alone on its line (a comment may follow), in a file of collections.
_KEY_LINE = re.compile(r"([a-z_]+):(?: +(?:#[^\n]*)?)?\n?")
# A line at the left edge that is not indented (after a line break: the start is checked apart).
_LEFT_EDGE = re.compile(r"\n[^ \n][^\n]*")
# The first line that holds something (not blank, not only a comment).
_CONTENT = re.compile(r"^(?! *(?:#[^\n]*)?$)( *)([^\n]*)", re.MULTILINE)


def _left_edge_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that starts at the left edge with something other than a space."""
    size = len(text)
    lines = [(m.start() + 1, min(m.end() + 1, size)) for m in _LEFT_EDGE.finditer(text)]
    if text[:1] not in ("", " ", "\n"):
        first = text.find("\n")
        lines.insert(0, (0, size if first == -1 else first + 1))
    return lines


def _items_at(text: str, indent: int, start: int, end: int) -> Iterator[int]:
    """Where lines starting an item of a block list indented that far begin: `- ` or `-`."""
    marker = "\n" + " " * indent + "-"
    at = text.find(marker, start - 1, end)
    while at != -1:
        after = at + len(marker)
        if after == len(text) or text[after] in " \n":
            yield at + 1
        at = text.find(marker, after, end)


def split_records(text: str) -> tuple[Piece, ...] | None:
    """The file's top-level records as pieces of its text, or None to read it whole.

    Only a plain file splits: a mapping of known collections, each key alone on
    its line at the left edge, its value a block list whose items begin at one
    indentation; comments and blank lines anywhere. Anything else (flow style at
    the top, document markers, directives, tabs or carriage returns at the left
    edge, a byte-order mark, a line break other than \\n, unknown or repeated keys)
    is None: the streaming composer reads it and words its problems.
    """
    if not text or "\ufeff" in text or any(brk in text for brk in _OTHER_BREAKS):
        return None
    regions = _block_regions(text)
    return None if regions is None else tuple(_block_pieces(text, regions))


#: Of each key of a file of block lists: the key, the indentation of its list's items,
#: where the first item begins and where the list ends (None: nothing under the key).
_Region = tuple[str, int, int, int]


def _block_regions(text: str) -> list[_Region] | None:
    """The lists of a file of block lists, checked as `split_records` says (None if not)."""
    from . import schema

    keys: list[tuple[str, int, int]] = []  # (key, start of its line, end of its line)
    for line_start, line_end in _left_edge_lines(text):
        edge = text[line_start:line_end]
        if edge[0] == "#" or (edge[0] == "-" and (len(edge) == 1 or edge[1] in " \n")):
            continue  # a comment, or an item of a list at the left edge (judged below)
        found = _KEY_LINE.fullmatch(edge)
        if found is None:
            return None
        keys.append((found.group(1), line_start, line_end))
    if not keys or len({key for key, _, _ in keys}) < len(keys):
        return None
    if any(key not in schema.DATA_FILE.fields for key, _, _ in keys):
        return None
    if _CONTENT.search(text, 0, keys[0][1]) is not None:
        return None  # something before the first key
    regions: list[_Region] = []
    ends = [start for _, start, _ in keys[1:]] + [len(text)]
    for (key, _, body), end in zip(keys, ends, strict=True):
        first = _CONTENT.search(text, body, end)
        if first is None:
            regions.append((key, -1, end, end))  # nothing under the key: null, no records
            continue
        rest = first.group(2)
        if not rest.startswith("-") or rest[1:2] not in ("", " "):
            return None  # not a block list
        regions.append((key, len(first.group(1)), first.start(), end))
    # The pieces of a list run from its first item to the next key: the rest is the frame.
    frame = [text[: regions[0][2]]]
    frame += [text[end : following[2]] for (*_, end), following in itertools.pairwise(regions)]
    frame.append(text[regions[-1][3] :])
    if not _frame_is_plain("".join(frame), [key for key, *_ in keys]):
        return None
    return regions


def _block_pieces(text: str, regions: list[_Region]) -> Iterator[Piece]:
    line = 0
    at = 0  # where `line` counts to
    for key, indent, first, end in regions:
        if indent < 0:
            continue
        starts = itertools.chain(_items_at(text, indent, first, end), (end,))
        start = next(starts)
        for index, stop in enumerate(starts):
            line += text.count("\n", at, start)
            at = start
            yield _piece(key, index, line, start, stop, text)
            start = stop


def _frame_is_plain(frame: str, keys: list[str]) -> bool:
    """Whether the text around the pieces is a mapping of plain keys to nothing, for libyaml.

    The keys were found by lines; libyaml judges them (and the comments between
    them, which may hold characters YAML refuses) as it would in the whole file.
    """
    node = _outline(frame)
    if node is None or len(node.value) != len(keys):
        return False
    return all(
        k.tag == _STR and not k.style and k.value == key and v.tag == _NULL and v.value == ""
        for (k, v), key in zip(node.value, keys, strict=True)
    )


def _outline(text: str) -> Any:
    """The mapping node libyaml composes of text (in C), or None if it is not one."""
    import yaml

    composer = _fast_class()(text)
    try:
        node = composer.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        composer.dispose()
    return node if node is not None and node.tag == _MAP else None


# --------------------------------------------------------------------------- flow lists

# A file of flow lists: a mapping of collections, each a flow list, either a block mapping
# (`meetings: [` ... `]`, keys at the left edge) or a flow one (`{meetings: [...], ...}`).
# Each item of a list is a flow mapping or list, cut at its closing bracket by `_item_end`
# and composed on its own by libyaml: an item it composes whole, ending there, is the
# item libyaml reads in the file (inside a flow collection nothing depends on the lines
# around). Between items only spaces, line breaks, comments and one comma are allowed; the
# text outside the lists (its lists emptied) is composed by libyaml as the outline.
_FLOW_START = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[a-z_]+:[ \t]*\[|[ \t]*\{)")
# Blank lines and lines of comments only, up to the next line that holds something.
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[ \t]*(?:#[^\n]*)?\Z)?")
_BLOCK_KEY = re.compile(r"([a-z_]+):[ \t]*")
_FLOW_KEY = re.compile(r"[ \t\n]*([a-z_]+)[ \t\n]*:[ \t\n]*")
_FLOW_OPEN = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*\{")
# After a list in a flow mapping at the top: a comma, or the mapping's end.
_FLOW_NEXT = re.compile(r"[ \t\n]*[,}]")
# The rest of a line after a list or a key: spaces, and a comment after a space.
_LINE_END = re.compile(r"[ \t]*(?:(?<=[ \t])#[^\n]*)?(?:\n|\Z)")
# Spaces, line breaks and comments between the tokens of a flow collection.
_SEPARATION = re.compile(r"(?:[ \t\n]+|(?<=[ \t\n,\[{])#[^\n]*)*")
# A character libyaml's reader refuses, wherever it stands.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SIGNIFICANT = re.compile(r"[\[\]{}\"'#]")
_DOUBLE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_SINGLE = re.compile(r"'[^']*(?:''[^']*)*'")
# What may stand before a quote that opens a quoted scalar (spaces between), or a comment.
_BEFORE_QUOTED = frozenset("[{,:?")
_BEFORE_COMMENT = frozenset(" \t\n[{,")


def split_flow(text: str) -> tuple[Piece, ...] | None:
    """The pieces of a file of flow lists (see `_flow_pieces`), or None to read it whole."""
    if not text or "\ufeff" in text or any(brk in text for brk in _OTHER_BREAKS):
        return None
    try:
        return tuple(_flow_pieces(text))
    except SplitFailed:
        return None


def _flow_pieces(text: str) -> Iterator[Piece]:
    """The items of the flow lists of a file; raises SplitFailed where it cannot go on.

    Before the first item of each list, the outline up to it (that list closed) is
    composed: what stands before the items is a mapping of plain, known, new keys.
    """
    size = len(text)
    kept: list[str] = []  # the outline so far: the text but for what is inside the lists
    keys: list[tuple[str, bool]] = []  # each key, and whether it holds a list (else: null)
    flow_top = _FLOW_OPEN.match(text) is not None
    pos = _past(_FLOW_OPEN if flow_top else _BLANK_LINES, text, 0)
    mark = 0  # where the text not yet kept begins
    line = at = 0  # lines above `at`
    line_start = 0  # of the line of `at`
    while flow_top or pos < size:
        key = _next_key(text, pos, flow_top, keys)
        pos += len(key.group(0))
        if not text.startswith("[", pos):  # a key of nothing (null), in a block mapping
            if flow_top or _LINE_END.match(text, pos) is None:
                raise SplitFailed
            keys.append((key.group(1), False))
            pos = _past(_BLANK_LINES, text, _past(_LINE_END, text, pos))
            continue
        keys.append((key.group(1), True))
        kept.append(text[mark : pos + 1])
        _check_outline("".join(kept) + ("]}" if flow_top else "]"), keys)
        index = 0
        pos = _separation(text, pos + 1)
        while not text.startswith("]", pos):
            if pos >= size or text[pos] not in "{[":
                raise SplitFailed
            end = _item_end(text, pos)
            breaks = text.count("\n", at, pos)
            if breaks:
                line += breaks
                line_start = text.rfind("\n", at, pos) + 1
            at = pos
            yield _piece(key.group(1), index, line, pos, end, text, column=pos - line_start)
            index += 1
            pos = _separation(text, end)
            if text.startswith(",", pos):
                pos = _separation(text, pos + 1)
            elif not text.startswith("]", pos):
                raise SplitFailed
        mark = pos  # the list's `]`
        after = (_FLOW_NEXT if flow_top else _LINE_END).match(text, pos + 1)
        if after is None:
            raise SplitFailed
        pos = after.end()
        if flow_top and text[pos - 1] == "}":
            if _past(_BLANK_LINES, text, pos) != size:
                raise SplitFailed
            break
        if not flow_top:
            pos = _past(_BLANK_LINES, text, pos)
    kept.append(text[mark:])
    _check_outline("".join(kept), keys)


def _separation(text: str, pos: int) -> int:
    """Where the spaces, line breaks and comments at pos end; SplitFailed if a comment
    holds a character libyaml refuses anywhere (the file is then read whole)."""
    end = _past(_SEPARATION, text, pos)
    if text.find("#", pos, end) >= 0 and _UNREADABLE.search(text, pos, end):
        raise SplitFailed
    return end


def _past(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where what pattern matches at pos ends (pos if it matches nothing there)."""
    found = pattern.match(text, pos)
    return pos if found is None else found.end()


def _next_key(text: str, pos: int, flow_top: bool, keys: list[tuple[str, bool]]) -> re.Match[str]:
    """The match of the next top-level key at pos (`key:` and the spaces after it)."""
    from . import schema

    found = (_FLOW_KEY if flow_top else _BLOCK_KEY).match(text, pos)
    if found is None:
        raise SplitFailed
    key = found.group(1)
    if key not in schema.DATA_FILE.fields or any(key == k for k, _ in keys):
        raise SplitFailed  # the streaming composer words what is wrong
    return found


def _check_outline(outline: str, keys: list[tuple[str, bool]]) -> None:
    """Raise SplitFailed unless libyaml composes outline as a mapping of the keys, in order,
    each plain, to an empty list (if it holds one) or to nothing."""
    node = _outline(outline)
    if node is None or len(node.value) != len(keys):
        raise SplitFailed
    for (k, v), (key, listed) in zip(node.value, keys, strict=True):
        if k.tag != _STR or k.style or k.value != key:
            raise SplitFailed
        if (v.tag, v.value) != ((_SEQ, []) if listed else (_NULL, "")):
            raise SplitFailed


def _item_end(text: str, start: int) -> int:
    """Where the item of a flow list beginning at start (with `{` or `[`) ends: after its
    closing bracket. Brackets inside quoted scalars and comments are not counted."""
    simple = _simple_item().match(text, start)
    if simple is not None:
        return simple.end()
    depth = 0
    pos = start
    search = _SIGNIFICANT.search
    while True:
        found = search(text, pos)
        if found is None:
            raise SplitFailed
        at = found.start()
        char = text[at]
        pos = at + 1
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos
        elif char == "#":
            if text[at - 1] in _BEFORE_COMMENT:  # at > start: start holds a bracket
                pos = text.find("\n", at)
                if pos < 0:
                    raise SplitFailed
        elif (
            text[at - 1] in _BEFORE_QUOTED
            or (text[at - 1] == " " and text[at - 2] in _BEFORE_QUOTED)
            or (text[at - 1] in " \t\n" and _opens_quoted(text, at))
        ):
            quoted = (_DOUBLE if char == '"' else _SINGLE).match(text, at)
            if quoted is None:
                raise SplitFailed
            pos = quoted.end()


@functools.cache
def _simple_item() -> re.Pattern[str]:
    """An item of a flow list as most are, matched whole (in C, ten times faster than
    `_item_end` goes): nested at most four deep, no comment, no quote but those opening
    a quoted scalar just after an indicator (or one space after it)."""
    plain = r"""[^\[\]{}"'#]"""
    quoted = r"""(?:(?<=[\[{,:?])|(?<=[\[{,:?] ))(?:"[^"\\]*(?:\\.[^"\\]*)*"|'[^']*(?:''[^']*)*')"""
    run = rf"{plain}*(?:{quoted}{plain}*)*"  # one way to match any text: no backtracking
    inner = item = run
    for _ in range(4):
        item = rf"(?:\{{{inner}\}}|\[{inner}\])"
        inner = rf"{run}(?:{item}{run})*"
    return re.compile(item)


def _opens_quoted(text: str, at: int) -> bool:
    """Whether the quote at `at` (inside a flow collection) opens a quoted scalar: it does
    where a token begins, after an indicator; in a plain scalar (`it's`) it does not."""
    before = at - 1
    while text[before] in " \t":
        before -= 1
    if text[before] == "\n":
        while text[before] in " \t\n":
            before -= 1
        if "#" in text[text.rfind("\n", 0, before) + 1 : before + 1]:
            raise SplitFailed  # the line above may end in a comment: not told here
    return text[before] in _BEFORE_QUOTED


# --------------------------------------------------------------------------- composing


def compose_piece(text: str, flow: bool = False) -> Any:
    """The item node of a plain piece (`piece_text`), composed in C; None if the fast path
    cannot judge it.

    Raises what libyaml raises for text it refuses: the reader then reads the
    whole file with the streaming composer, which words the problem.
    """
    composer = _fast_class()(text)
    try:
        node = composer.get_single_node()
    finally:
        composer.dispose()
    if flow:  # the item itself, a flow collection
        item = node
        if item is None or item.tag not in (_SEQ, _MAP) or not item.flow_style:
            return None
        # Each level needs a bracket of its own, or two in a list (`[a: [b: c]]`).
        openers = text.count("{") + 2 * text.count("[")
    else:
        if node is None or node.tag != _SEQ or len(node.value) != 1:  # the split was wrong
            return None
        item = node.value[0]
        # Each list or mapping needs a character of its own to open it: few of them, few levels.
        openers = sum(text.count(c) for c in "-:?[{")
    if openers + 2 > MAX_DEPTH and _depth(item) + 2 > MAX_DEPTH:
        return None
    return item


def big_piece(text: str) -> bool:
    """Whether a piece may hold a mapping too large to compose whole (see BIG_PIECE)."""
    return text.count(":") + text.count("?") + text.count(",") > BIG_PIECE


def _depth(node: Any) -> int:
    """How many lists and mappings nest in node, counting node (walked without recursing)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        node, depth = stack.pop()
        value = node.value
        if isinstance(value, list):  # a list or a mapping (a list of pairs)
            deepest = max(deepest, depth)
            for child in value:
                if isinstance(child, tuple):
                    stack.append((child[0], depth + 1))
                    stack.append((child[1], depth + 1))
                else:
                    stack.append((child, depth + 1))
    return deepest


def compose_piece_streaming(text: str, flow: bool = False) -> tuple[Any, Any] | None:
    """A piece's item node by the streaming composer (tags, anchors), and the composer.

    None if the piece is not exactly one item. The composer is returned for its
    `anchors` and its `cut` (an item cut at MAX_KEYS keys: what follows it is not
    checked), and must be disposed of by the caller.
    """
    from yaml.events import (
        DocumentEndEvent,
        DocumentStartEvent,
        MappingStartEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

    composer = composer_class()(text)
    try:
        start = [composer.get_event() for _ in range(2)]
        kinds = (StreamStartEvent, DocumentStartEvent)
        if not all(isinstance(e, k) for e, k in zip(start, kinds, strict=True)):
            raise _NotOneItem
        if flow:  # the item is the document: a flow collection, neither tagged nor anchored
            first = composer.peek_event()
            collection = isinstance(first, (MappingStartEvent, SequenceStartEvent))
            if not collection or not first.flow_style or first.tag or first.anchor:
                raise _NotOneItem
            ends: tuple[Any, ...] = (DocumentEndEvent, StreamEndEvent)
        else:
            opened = composer.get_event()
            if not isinstance(opened, SequenceStartEvent) or opened.tag or opened.anchor:
                raise _NotOneItem
            ends = (SequenceEndEvent, DocumentEndEvent, StreamEndEvent)
        composer.depth = 2  # the file's mapping and its list
        node = composer.compose_node(None, 0)
        if composer.cut is None:
            for kind in ends:
                if not isinstance(composer.get_event(), kind):
                    raise _NotOneItem
    except _NotOneItem:
        composer.dispose()
        return None
    except BaseException:
        composer.dispose()
        raise
    return node, composer


class _NotOneItem(Exception):
    """A piece that is not one item of a list."""
