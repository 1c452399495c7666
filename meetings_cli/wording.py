"""How problems word values, and how quotes are found in articles: for the loader and checks."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from . import schema
from .errors import echo

YAML_TAG = "tag:yaml.org,2002:"
_YAML = YAML_TAG
_NULL, _MAP, _SEQ = (f"{_YAML}{t}" for t in ("null", "map", "seq"))
_INT, _TIMESTAMP, _BOOL, _FLOAT = (f"{_YAML}{t}" for t in ("int", "timestamp", "bool", "float"))
PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def normalise_for_quote_check(text: str) -> str:
    """Fold quote marks, dashes and white space so a quote can be found in its source."""
    if text.isascii():  # NFKC and the folds change no ASCII character (translate is slow)
        return " ".join(text.split())
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


def line_and_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


# C1 controls (terminal commands such as CSI, U+009B) and the bidi embeddings,
# overrides and isolates that display text in another order than it is stored
# (Trojan Source): refused in all text. Escaped C0 controls are rendered inert.
UNSAFE = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")
# Control and invisible characters that make two names look the same but differ,
# or break a name's line: refused in names. U+200C (zero-width non-joiner) is kept:
# Persian spelling needs it.
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f\u2028\u2029"
    "\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u180f\u200b\u200d-\u200f"
    "\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)


def unsafe_message(character: str, in_name: bool) -> str:
    code = f"U+{ord(character):04X}"
    if "\x80" <= character <= "\x9f":
        return f"{code} (a C1 control character) is not allowed in text"
    if character < " " or character == "\x7f":  # written as a YAML escape (\e, \a, \n)
        return f"{code} (a control character) is not allowed in a name: names are one line"
    what = f"{code} ({unicodedata.name(character, 'unnamed').lower()})"
    if UNSAFE.match(character):
        return (
            f"{what} is not allowed in text: it makes text display in another order than it reads"
        )
    return (
        f"{what} is not allowed in a name: it is invisible, so names that look alike would differ"
    )


def short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def describe(node: Any) -> str:
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
    kind = kinds.get(tag[len(_YAML) :], short_tag(tag))
    return f"{kind} {clip(node.value)!r}" if node.value else kind


def expected(spec: schema.Spec) -> str:
    if isinstance(spec, schema.Text):
        return "text"
    if isinstance(spec, schema.Day):
        return "a date YYYY-MM-DD"
    return "a whole number"


def yaml11_hint(node: Any) -> str:
    if node.tag == _BOOL:
        return f" (YAML 1.1 reads an unquoted {node.value} as true/false: put it in quotes)"
    if node.tag == _INT and not PLAIN_INT.fullmatch(node.value):
        return f" (YAML 1.1 reads {clip(node.value)} as {yaml11_int(node.value)}: put it in quotes)"
    if node.tag in (_INT, _FLOAT, _TIMESTAMP, _NULL):
        return " (put it in quotes)"
    return ""


def yaml11_int(value: str) -> str:
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
    return f" (did you mean {echo(close[0])}?)" if close else ""


def clip(text: str, limit: int = 60) -> str:
    """text cut to limit characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:- )?([A-Za-z_][\w-]*):(?=[^\s/])")


def syntax_message(text: str, line: int, error: Any) -> str:
    """A YAML syntax error (a yaml.MarkedYAMLError at line of text) as a problem's message:
    libyaml's reason, where the construct it was reading began, and a hint when one shows."""
    reason = (error.problem or error.context or "YAML syntax error").removeprefix("but ")
    start, mark = error.context_mark, error.problem_mark or error.context_mark
    if error.context and start is not None and start is not mark:
        reason += f" ({error.context} at line {start.line + 1}, column {start.column + 1})"
    first = start.line + 1 if start is not None else max(1, line - 30)
    return f"YAML syntax error: {reason}{syntax_hint(text, first, line, reason)}"


def syntax_hint(text: str, first: int, line: int, reason: str) -> str:
    """A plain hint for a YAML syntax error at line (1-based) of text, in what libyaml was
    reading from line first, for its common causes (a tab, an unclosed quote or bracket,
    an apostrophe in single quotes, no space after a key's colon, a colon in a value);
    empty when none shows."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in reason or here[: len(here) - len(here.lstrip())].count("\t"):
        return "; hint: YAML indents with spaces, never tabs"
    for number, current in _lines_outside_block_text(lines, max(1, first), line):
        quoted = _quote_problem(current, number)
        if quoted:
            return quoted
        key = _KEY_WITHOUT_SPACE.match(current)
        if key:
            return f"; hint: put a space after the colon of '{key.group(1)}:' (line {number})"
    if "while parsing a flow node" in reason:  # `a,, b` or `a, ]`
        return "; hint: a value is missing between two ',' (or before a closing bracket)"
    bracket = _FLOW_START.search(reason)
    if bracket:  # libyaml names where the [ or { it was reading opened
        kind, at_line, at_column = bracket.groups()
        pair = "[]" if kind == "sequence" else "{}"
        opened = lines[int(at_line) - 1][int(at_column) - 1 :] if int(at_line) <= len(lines) else ""
        if opened.count(pair[0]) == opened.count(pair[1]):  # closed on its line: inside, then
            return (f"; hint: inside the '{pair[0]}' at {at_line}:{at_column}, values are"
                    " set apart by ', ' and a key's ':' is followed by a space")  # fmt: skip
        return f"; hint: a '{pair[0]}' opened at {at_line}:{at_column} may lack its '{pair[1]}'"
    if "mapping values are not allowed" in reason:
        return "; hint: a value holding ': ' needs quotes"
    return ""


#: libyaml's context for an error inside [ ] or { }: "while parsing a flow sequence at
#: line 76, column 13" (as syntax_message writes it).
_FLOW_START = re.compile(r"while parsing a flow (sequence|mapping) at line (\d+), column (\d+)")
#: A quote that opens a value: at the start of a line or an item, after a key's colon, or
#: after [ { or , in a flow collection.
_OPENING_QUOTE = re.compile(r"(?:^\s*(?:-\s+)*|:\s+|[\[{,]\s*)(['\"])")


def _quote_problem(text: str, number: int) -> str:
    """A hint for the first quoted value of a line that is left open, or (in '…') ended by
    an apostrophe; empty if none."""
    position = 0
    while (found := _OPENING_QUOTE.search(text, position)) is not None:
        quote, at = found.group(1), found.start(1)
        end = at + 1
        while True:  # the closing quote: '' in '…' and \" in "…" are not one
            end = text.find(quote, end)
            if end < 0:
                return f"; hint: a quote opened at {number}:{at + 1} may be unclosed"
            if quote == "'" and text.startswith("''", end):
                end += 2
            elif quote == '"' and text[end - 1] == "\\":
                end += 1
            else:
                break
        if quote == "'" and text[end + 1 : end + 2].isalpha():  # 'Iran's …': the apostrophe
            return (f"; hint: in '…' an apostrophe is written twice ('Iran''s'), or the"
                    f" text is put in double quotes (the quote at {number}:{at + 1})")  # fmt: skip
        position = end + 1
    return ""


#: A key or item that a block of text follows (>, >-, |, |+ ...).
_BLOCK_TEXT = re.compile(r"(?:^|:|-)\s*[>|][-+0-9]*\s*(?:#.*)?$")


def _lines_outside_block_text(lines: list[str], first: int, last: int) -> Iterator[tuple[int, str]]:
    """Lines first to last (1-based) with their numbers, leaving out the text of `>` and `|`
    blocks, where quotes and colons are only text."""
    block_indent = -1
    for number in range(first, min(last, len(lines)) + 1):
        current = lines[number - 1]
        indent = len(current) - len(current.lstrip(" "))
        if block_indent >= 0 and (not current.strip() or indent > block_indent):
            continue
        block_indent = indent if _BLOCK_TEXT.search(current) else -1
        yield number, current
