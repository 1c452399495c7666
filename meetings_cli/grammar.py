"""The query language of `search`: words, "phrases", OR, -word, field:word, word*; and
the grammar after `--`, where every word is query text. No printing."""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from .errors import echo
from .expansion import LONG_QUERY, MAX_QUERY_WORDS, STOPWORDS
from .names import fold
from .query import QueryError

if TYPE_CHECKING:
    from .terms import TermIndex

_WORD = re.compile(r"\w+")


#: Field prefixes (`person:shoigu`) and the index column each searches.
FIELDS = {
    "person": "participants",
    "country": "participants",
    "topic": "topics",
    "quote": "quotes",
    "summary": "summary",
    "title": "title",
    "event": "event",
    "location": "location",
    "notes": "notes",
}

_TOKEN = re.compile(
    r'(?P<exclude>-)?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)


class Term(NamedTuple):
    """A word to find (with its forms and typos), or with several words an exact phrase;
    in one column of the index, or in any; with prefix, any word it begins (`word*`); with
    exact, that word alone (a word in quotes)."""

    words: tuple[str, ...]  # folded
    column: str | None = None
    prefix: bool = False
    typed: str = ""  # the term as typed, where its words are not (a marker, a phrase)
    exact: bool = False
    phrase: str = ""  # a phrase as FTS5 is to read it (tokenised as the index was)

    @property
    def text(self) -> str:
        """The term as a reader would write it."""
        return self.typed or " ".join(self.words) + ("*" if self.prefix else "")


class ParsedQuery(NamedTuple):
    """A search: every clause must hold, a clause if any of its terms does; no excluded
    term may."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]


class _Reading(NamedTuple):
    """What parsing a query knows besides its tokens."""

    original: str  # as typed: what messages quote
    typed: dict[str, str]  # a marker word: the form it stands for, as typed
    long: bool  # a pasted passage: an unknown `word:` is words, not a field


def parse_query(
    text: str, excluded: Sequence[str] = (), terms: "TermIndex | None" = None
) -> ParsedQuery:
    """The operators of a query: "exact phrase", OR between terms, -word (excluded),
    field:word (see FIELDS) and word* (any word it begins); excluded adds words given
    apart (--not); terms, the search vocabulary, makes each form of a term one word.

    Raises QueryError (a usage error) for an unknown field, a stray OR, an option
    after `--`, a query too long, or one with nothing to search for.
    """
    _refuse_options(text)
    reading = _Reading(text, {}, len(set(text.split())) > LONG_QUERY)
    if terms is not None:
        text, typed = terms.in_query(text)
        reading = reading._replace(typed=typed)
        excluded = [terms.in_query(word)[0] for word in excluded]
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) > MAX_QUERY_WORDS:
        raise QueryError(
            f"a query of {len(tokens):,} words: at most {MAX_QUERY_WORDS} are searched for;"
            " keep the passage's distinctive words"
        )
    clauses: list[list[Term]] = []
    left_out = [Term(tuple(_WORD.findall(fold(w)))) for w in excluded]
    dropped: list[str] = []
    joining = False
    for number, token in enumerate(tokens):
        if token["word"] == "OR" and not token["field"] and not token["exclude"]:
            if not clauses or joining:
                raise QueryError(f"OR in {echo(reading.original)} needs a word on each side")
            joining = True
            continue
        followed_by_or = number + 1 < len(tokens) and tokens[number + 1]["word"] == "OR"
        groups, common = _token_terms(token, reading, joining or followed_by_or)
        dropped += common
        if token["exclude"]:
            left_out += [term for group in groups for term in group]
            continue
        if groups and joining:
            clauses[-1].extend(groups.pop(0))
            joining = False
        clauses += groups
    if joining:
        raise QueryError(f"OR in {echo(reading.original)} needs a word on each side")
    left_out = [term for term in left_out if term.words]
    if not clauses:
        _nothing_to_search(reading.original, dropped, bool(left_out))
    return ParsedQuery(tuple(map(tuple, clauses)), tuple(left_out))


def _token_terms(
    token: "re.Match[str]", reading: _Reading, joined: bool
) -> tuple[list[list[Term]], list[str]]:
    """The clauses one token of a query makes (each a list of alternatives), and the common
    words it held (not searched for)."""
    field, phrase, word = token["field"], token["phrase"], token["word"]
    address = bool(field) and token.group().lstrip("-")[len(field) + 1 :].startswith("//")
    column = _column(field, reading) if field and not address else None
    if field and column is None:  # an address's `https:`, a long query's `Note:`: words
        phrase, word = None, token.group().lstrip("-")
    if phrase is None and word.endswith(":") and word[:-1].casefold() in FIELDS:
        raise QueryError(f"give a word after {echo(word)}, as in {word}Shoigu")
    if phrase is not None:
        words = tuple(_WORD.findall(fold(phrase)))
        shown = " ".join(reading.typed.get(w, w) for w in phrase.split())
        if len(words) == 1:
            return [[Term(words, column, typed=reading.typed.get(words[0], ""), exact=True)]], []
        return ([[Term(words, column, typed=shown, phrase=phrase)]] if words else []), []
    prefix = word.endswith("*")
    words = tuple(_WORD.findall(fold(word)))
    if len(words) > 1 and joined:
        return [[Term(words, column, phrase=" ".join(words))]], []
    if len(words) > 1 and "-" in word:  # counter-terrorism: as a phrase, or one word
        both = [Term(words, column, phrase=" ".join(words)), Term(("".join(words),), column)]
        return [both], []
    # A stop word is searched for where asked for: as a prefix (for*) or a phrase.
    kept = [w for w in words if w not in STOPWORDS or (prefix and w == words[-1])]
    # One word is said as typed ("Daesh"); a marker word as the form it stands for.
    alone = word.rstrip("*") if len(words) == 1 and not prefix else ""
    groups = [
        [Term((w,), column, prefix and w == words[-1], reading.typed.get(w, alone))] for w in kept
    ]
    return groups, [w for w in words if w not in kept]


def _refuse_options(text: str) -> None:
    """After `--` every word is query text: one that looks like an option (--not, -n) is
    refused, never read as a word to leave out or find (`search -- syria --not terrorism`)."""
    for word in text.split():
        if (word.startswith("--") and len(word) > 2) or re.fullmatch(r"-[A-Za-z]", word):
            raise QueryError(
                f"{echo(word)} is in the query: after -- every word is searched for. Put"
                f" options before -- (search {word} ... -- WORDS), or leave a word out"
                " with -WORD"
            )


def _nothing_to_search(text: str, dropped: list[str], excluding: bool) -> None:
    if dropped:
        raise QueryError(
            f"{echo(text)} has only common words ({', '.join(dict.fromkeys(dropped))}),"
            " which are not searched for: add a name, place or topic"
        )
    if excluding:
        raise QueryError(
            f"nothing to search for in {echo(text)} but words to leave out: give a word"
        )
    raise QueryError(f"nothing to search for in {echo(text)}: give a word")


def _column(field: str, reading: _Reading) -> str | None:
    """The index column of a field prefix; None for an unknown one in a long query (a
    pasted passage's `https:`), else a usage error."""
    column = FIELDS.get(field.casefold())
    if column is None and not reading.long:
        from .query import suggestion

        fields = ", ".join(f"{name}:" for name in FIELDS)
        hint = suggestion(field, FIELDS)
        raise QueryError(
            f"no field {echo(field + ':')} in {echo(reading.original)}{hint}; fields: {fields}"
        )
    return column


def query_terms(text: str) -> list[str]:
    """The words and phrases of a query that are searched for (folded, without stopwords).

    Raises QueryError (a usage error) for a query with nothing to search for.
    """
    return [term.text for clause in parse_query(text).clauses for term in clause]
