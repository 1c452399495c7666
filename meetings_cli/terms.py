"""The search vocabulary (`terms`): forms of one thing found as one search term.

A term's forms (U.S., US, United States) are whole words or phrases, matched in
any case except the forms listed in `exact_case` (US, not the pronoun us). The
search index holds, beside each text, a marker word for each term whose form the
text holds (`indexed`); a query's forms are replaced by that marker
(`TermIndex.in_query`), so that any form finds every other. An exact-case form is
replaced in the indexed text by its marker: "us" then never finds "US".
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from .model import SearchTerm

#: The start of every marker word: no text of the data holds it.
MARKER = "zzterm"


def stem(folded: str) -> str:
    """The Snowball (Porter 2) English stem of a folded word: "meetings" -> "meet"."""
    return str(_stemmer().stemWord(folded))


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer("english")


def marker(term_id: str) -> str:
    """The word the index holds for a term (unicode61 keeps letters and digits together)."""
    return MARKER + term_id.replace("-", "0")


class Found(NamedTuple):
    """A form of a term found in a text: where, and which term."""

    start: int
    end: int
    term: str


def _pattern(forms: Iterable[str]) -> str:
    # Longest first: "United States of America" before "United States".
    alternatives = []
    for form in sorted(set(forms), key=len, reverse=True):
        words = [re.escape(word) for word in form.split()]
        alternatives.append(r"[\s\-]+".join(words))
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


def _key(text: str) -> str:
    return " ".join(re.split(r"[\s\-]+", text.casefold()))


class TermIndex:
    """Every term's forms, compiled to find them in texts and queries."""

    def __init__(self, terms: Iterable[SearchTerm]) -> None:
        self.terms = {term.id: term for term in terms}
        self._exact: dict[str, str] = {}
        self._any_case: dict[str, str] = {}
        for term in self.terms.values():
            for form in term.forms:
                if form in term.exact_case:
                    self._exact.setdefault(" ".join(form.split()), term.id)
                else:
                    self._any_case.setdefault(_key(form), term.id)
        self._exact_re = re.compile(_pattern(self._exact)) if self._exact else None
        self._any_re = (
            re.compile(_pattern(self._any_case), re.IGNORECASE) if self._any_case else None
        )

    def find(self, text: str) -> list[Found]:
        """The forms in text, in order, none overlapping: the longest where two start at
        one place, the first where they overlap."""
        candidates: list[Found] = []
        for regex, table, key in (
            (self._exact_re, self._exact, lambda t: " ".join(t.split())),
            (self._any_re, self._any_case, _key),
        ):
            for match in regex.finditer(text) if regex is not None else ():
                term = table.get(key(match.group()))
                if term is not None:
                    candidates.append(Found(match.start(), match.end(), term))
        found: list[Found] = []
        for candidate in sorted(candidates, key=lambda f: (f.start, -f.end)):
            if not found or candidate.start >= found[-1].end:
                found.append(candidate)
        return found

    def is_exact(self, form: str) -> bool:
        """Whether form is written as one of the exact-case forms."""
        return " ".join(form.split()) in self._exact

    def nested(self, text: str, found: list[Found]) -> list[Found]:
        """The forms inside the forms found ("Astana" in "Astana process")."""
        inner: list[Found] = []
        for start, end, _ in found:
            piece = text[start:end]
            for part in (piece[: len(piece) - 1], " " + piece[1:]):  # each end shortened
                shift = start - (part[:1] == " ")
                inner += [Found(s + shift, e + shift, t) for s, e, t in self.find(part)]
        return inner + (self.nested(text, inner) if inner else [])

    def indexed(self, text: str) -> str:
        """text as the index holds it: exact-case forms replaced by their term's marker,
        and the markers of the other forms it holds (and of forms inside them) added at
        its end."""
        found = self.find(text)
        if not found:
            return text
        inside = {marker(term): None for _, _, term in self.nested(text, found)}
        parts: list[str] = []
        added: dict[str, None] = {}
        at = 0
        for start, end, term in found:
            if self.is_exact(text[start:end]):
                parts += [text[at:start], marker(term)]
                at = end
            else:
                added[marker(term)] = None
        parts.append(text[at:])
        added.update(inside)
        return "".join(parts) + ("\n" + " ".join(added) if added else "")

    def in_query(self, text: str) -> tuple[str, dict[str, str]]:
        """The query with each form replaced by its term's marker word (outside "quotes"),
        and the form each marker stands for, as typed."""
        typed: dict[str, str] = {}
        pieces = re.split(r'("[^"]*"?)', text)
        for number, piece in enumerate(pieces):
            out, at = [], 0
            for start, end, term in self.find(piece):
                if number % 2 and not self.is_exact(piece[start:end]):
                    continue  # a quoted phrase: as written, but as the index holds US
                word = marker(term)
                typed.setdefault(word, piece[start:end])
                # Kept after an operator (-US, country:US); a word apart from what follows
                # it ("U.S.-backed": the hyphen joins words, it excludes nothing).
                before = "" if start == 0 or piece[start - 1] in " \t\n-:" else " "
                out += [piece[at:start], before, word, " "]
                at = end + (piece[end : end + 1] == "-")
            pieces[number] = "".join(out) + piece[at:]
        return "".join(pieces), typed

    def forms_of(self, text: str, term_id: str) -> list[Found]:
        """The places in text where a form of one term stands."""
        return [found for found in self.find(text) if found.term == term_id]
