"""YAML text to nodes: libyaml's parser, and a file split at its top-level records.

Two ways to compose a data file, with the same nodes and marks:

- the streaming composer: libyaml parses, PyYAML's Python composer builds the
  nodes of one top-level record at a time, counting how deep lists and mappings
  nest and marking tags written in the file. It reads any file.
- the fast path: `split_records` cuts the text of a plain file (a mapping of
  collections, each a block list) at its top-level items; `compose_piece`
  composes one such piece with libyaml's own composer (in C). A piece's marks
  count lines from the piece's first line: add `Piece.line`.

A piece the fast path cannot judge exactly as the streaming composer would
(a tag, an anchor or an alias in it, nesting it cannot bound cheaply, anything
libyaml refuses) is said so by `compose_piece` (None or an exception); the
reader then falls back to the streaming composer, which is always right.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any, NamedTuple

#: Deepest nesting of lists and mappings a data file may have, counting the
#: file's own mapping (the composer recurses; real data nests six deep).
MAX_DEPTH = 100

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

    It counts how deep lists and mappings nest (the composer recurses in Python)
    and marks nodes whose tag is written in the file (`explicit`: that tag), since
    the resolved tag alone cannot tell `!!null x` from `~`.
    """
    import yaml
    from yaml.composer import Composer
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    class StreamComposer(yaml._yaml.CParser, Composer, Resolver):
        resolve, descend_resolver, ascend_resolver = _resolving()

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
                raise TooDeep(start.start_mark)
            node = compose(self, anchor)
            self.depth -= 1
            if start.tag is not None:
                node.explicit = start.tag
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
    """One top-level record's text: `text[start:end]`, the item `- ...` of a collection's list.

    `line` is the number of lines above it in the file (its marks count from
    there); `digest` is a hash of its collection and its exact text, so a piece
    whose digest is unchanged reads the same wherever it now stands (see
    `load.relocate`).
    """

    collection: str
    position: int  # in the file's list of that collection
    line: int  # lines above the piece's first line
    start: int
    end: int
    digest: bytes
    plain: bool  # no tag, anchor or alias can be in it: its read depends on nothing else


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


def _items_at(text: str, indent: int, start: int, end: int) -> list[int]:
    """Where lines starting an item of a block list indented that far begin: `- ` or `-`."""
    marker = "\n" + " " * indent + "-"
    found = []
    at = text.find(marker, start - 1, end)
    while at != -1:
        after = at + len(marker)
        if after == len(text) or text[after] in " \n":
            found.append(at + 1)
        at = text.find(marker, after, end)
    return found


def split_records(text: str) -> tuple[Piece, ...] | None:
    """The file's top-level records as pieces of its text, or None to read it whole.

    Only a plain file splits: a mapping of known collections, each key alone on
    its line at the left edge, its value a block list whose items begin at one
    indentation; comments and blank lines anywhere. Anything else (flow style at
    the top, document markers, directives, tabs or carriage returns at the left
    edge, a byte-order mark, a line break other than \\n, unknown or repeated keys)
    is None: the streaming composer reads it and words its problems.
    """
    from . import schema

    if not text or "\ufeff" in text or any(brk in text for brk in _OTHER_BREAKS):
        return None
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
    pieces: list[Piece] = []
    line = 0
    at = 0  # where `line` counts to
    ends = [start for _, start, _ in keys[1:]] + [len(text)]
    for (key, _, body), end in zip(keys, ends, strict=True):
        first = _CONTENT.search(text, body, end)
        if first is None:
            continue  # nothing under the key: null, no records
        indent = len(first.group(1))
        rest = first.group(2)
        if not rest.startswith("-") or rest[1:2] not in ("", " "):
            return None  # not a block list
        starts = _items_at(text, indent, first.start(), end)
        if not starts or starts[0] != first.start():
            return None
        for index, (start, stop) in enumerate(zip(starts, [*starts[1:], end], strict=True)):
            line += text.count("\n", at, start)
            at = start
            chunk = text[start:stop]
            digest = hashlib.blake2b(f"{key}\n{chunk}".encode(), digest_size=16).digest()
            plain = "!" not in chunk and "&" not in chunk and "*" not in chunk
            pieces.append(Piece(key, index, line, start, stop, digest, plain))
    if not _frame_is_plain(text, keys, pieces):
        return None
    return tuple(pieces)


def _frame_is_plain(text: str, keys: list[tuple[str, int, int]], pieces: list[Piece]) -> bool:
    """Whether the text around the pieces is a mapping of plain keys to nothing, for libyaml.

    The keys were found by lines; libyaml judges them (and the comments between
    them, which may hold characters YAML refuses) as it would in the whole file.
    """
    import yaml

    frame: list[str] = []
    at = 0
    for piece in pieces:
        frame.append(text[at : piece.start])
        at = piece.end
    frame.append(text[at:])
    composer = _fast_class()("".join(frame))
    try:
        node = composer.get_single_node()
    except yaml.YAMLError:
        return False
    finally:
        composer.dispose()
    if node is None or node.tag != _MAP or len(node.value) != len(keys):
        return False
    return all(
        k.tag == _STR and not k.style and k.value == key and v.tag == _NULL and v.value == ""
        for (k, v), (key, _, _) in zip(node.value, keys, strict=True)
    )


def compose_piece(text: str) -> Any:
    """The item node of a plain piece, composed in C; None if the fast path cannot judge it.

    Raises what libyaml raises for text it refuses: the reader then reads the
    whole file with the streaming composer, which words the problem.
    """
    composer = _fast_class()(text)
    try:
        node = composer.get_single_node()
    finally:
        composer.dispose()
    if node is None or node.tag != _SEQ or len(node.value) != 1:  # the split was wrong
        return None
    item = node.value[0]
    # Each list or mapping needs a character of its own to open it: few of them, few levels.
    openers = sum(text.count(c) for c in "-:?[{")
    if openers + 2 > MAX_DEPTH and _depth(item) + 2 > MAX_DEPTH:
        return None
    return item


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


def compose_piece_streaming(text: str) -> tuple[Any, Any] | None:
    """A piece's item node by the streaming composer (tags, anchors), and the composer.

    None if the piece is not exactly one item. The composer is returned for its
    `anchors`, and must be disposed of by the caller.
    """
    from yaml.events import (
        DocumentEndEvent,
        DocumentStartEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

    composer = composer_class()(text)
    try:
        start = [composer.get_event() for _ in range(3)]
        kinds = (StreamStartEvent, DocumentStartEvent, SequenceStartEvent)
        if not all(isinstance(e, k) for e, k in zip(start, kinds, strict=True)):
            raise _NotOneItem
        if start[2].tag is not None or start[2].anchor is not None:
            raise _NotOneItem
        composer.depth = 2  # the file's mapping and its list
        node = composer.compose_node(None, 0)
        for kind in (SequenceEndEvent, DocumentEndEvent, StreamEndEvent):
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
    """A piece that is not one item of a block list."""
