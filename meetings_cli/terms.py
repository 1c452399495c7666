"""The search vocabulary (`terms`): forms of one thing found as one search term.

A term's forms (U.S., US, United States) are whole words or phrases, matched in
any case except the forms listed in `exact_case` (US, not the pronoun us). A
query's forms are replaced by the term's marker word (`TermIndex.in_query`),
which search expands to every form of the term as the index holds it
(`TermIndex.phrases`), so that any form finds every other. The index holds the
texts as written except that an exact-case form is replaced by its marker
(`TermIndex.indexed_all`): "us" then never finds "US".
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .model import SearchTerm

if TYPE_CHECKING:
    from .model import Person

#: The start of every marker word: no text of the data holds it.
MARKER = "zzterm"


def stem(folded: str) -> str:
    """The Snowball (Porter 2) English stem of a folded word: "meetings" -> "meet"."""
    return str(_stemmer().stemWord(folded))


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer("english")


def person_terms(people: Iterable["Person"]) -> list[SearchTerm]:
    """Each person's names (name, short name, spellings, names in other scripts, and the
    last word of each) as a term:
    a search for one finds every record that writes another ("Хатами": "Hatami"). A name
    two people share is left out of both: it would stand for either."""
    from .names import aliases_of

    names: dict[str, set[str]] = {}
    for person in people:
        whole = [" ".join(text.split()) for text, _ in aliases_of(person)]
        # and the last word of each (the family name: "Хатами" of "Амир Хатами")
        forms = {*whole, *(text.split()[-1] for text in whole if " " in text)}
        names[person.id] = {form for form in forms if len(form) >= 4}
    owners: dict[str, set[str]] = {}
    for person_id, forms in names.items():
        for form in forms:
            owners.setdefault(form.casefold(), set()).add(person_id)
    return [
        SearchTerm(
            f"person-{person_id}",
            tuple(sorted(f for f in forms if len(owners[f.casefold()]) == 1)),
            (),
            "people.yaml",
        )
        for person_id, forms in names.items()
    ]


def marker(term_id: str) -> str:
    """The word the index holds for a term (unicode61 keeps letters and digits together)."""
    return MARKER + term_id.replace("-", "0")


class Found(NamedTuple):
    """A form of a term found in a text: where, and which term."""

    start: int
    end: int
    term: str


def _pattern(forms: Iterable[str]) -> str:
    """One regular expression for all the forms, whole words only, factored as a trie (the
    forms that share a start share its test: a few hundred names cost little more than
    one); words apart by spaces or hyphens; a final dot optional (U.S and U.S.)."""
    trie: dict[str, Any] = {}
    for form in set(forms):
        node = trie
        for part in re.split(r"(\s+)", form.rstrip(".")):
            for char in [" "] if part.isspace() else part:
                node = node.setdefault(char, {})
        node.setdefault("", {})["." if form.endswith(".") else ""] = {}
    return r"(?<!\w)" + _trie_regex(trie) + r"(?!\w)"


def _trie_regex(node: dict[str, Any]) -> str:
    """The regular expression of a trie's node: each branch after its character, the
    longest first (the end of a form, "", after the others: greedy, so the longest form
    is taken)."""
    branches = []
    for char in sorted(node, key=lambda c: c == ""):
        if char == "":
            ends = node[""]
            branches.append(r"\.?" if "." in ends else "")
        else:
            head = r"[\s\-]+" if char == " " else re.escape(char)
            branches.append(head + _trie_regex(node[char]))
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


#: A word of letters joined to another by one hyphen ("de-escalation", not "a-b-c").
HYPHENATED = re.compile(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])")


def _key(text: str) -> str:
    return " ".join(re.split(r"[\s\-]+", text.casefold())).rstrip(".")


def _exact_key(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


class TermIndex:
    """Every term's forms, compiled to find them in texts and queries."""

    def __init__(self, terms: Iterable[SearchTerm]) -> None:
        self.terms = {term.id: term for term in terms}
        self._exact: dict[str, str] = {}
        self._any_case: dict[str, str] = {}
        for term in self.terms.values():
            for form in term.forms:
                if form in term.exact_case:
                    self._exact.setdefault(_exact_key(form), term.id)
                else:
                    self._any_case.setdefault(_key(form), term.id)
        exact = [f for t in self.terms.values() for f in t.forms if f in t.exact_case]
        anycase = [
            f.casefold() for t in self.terms.values() for f in t.forms if f not in t.exact_case
        ]
        self._exact_re = re.compile(_pattern(exact)) if exact else None
        self._anycase_forms = anycase
        self._any: re.Pattern[str] | None = None
        self._by_marker = {marker(term_id): term_id for term_id in self.terms}
        self._exact_forms = sorted({form.rstrip(".") for form in exact})

    def find(self, text: str) -> list[Found]:
        """The forms in text, in order, none overlapping: the longest where two start at
        one place, the first where they overlap."""
        candidates: list[Found] = []
        for regex, table, key in (
            (self._exact_re, self._exact, _exact_key),
            (self._any_re(), self._any_case, _key),
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

    def _any_re(self) -> "re.Pattern[str] | None":
        """The any-case forms' pattern, made when first needed: indexing never needs it."""
        if self._any is None and self._anycase_forms:
            self._any = re.compile(_pattern(self._anycase_forms), re.IGNORECASE)
        return self._any

    def is_exact(self, form: str) -> bool:
        """Whether form is written as one of the exact-case forms."""
        return _exact_key(form) in self._exact

    def nested(self, text: str, found: list[Found]) -> list[Found]:
        """The forms inside the forms found ("Astana" in "Astana process")."""
        inner: list[Found] = []
        for start, end, _ in found:
            piece = text[start:end]
            for part in (piece[: len(piece) - 1], " " + piece[1:]):  # each end shortened
                shift = start  # the second part keeps the places: its first letter is a space
                inner += [Found(s + shift, e + shift, t) for s, e, t in self.find(part)]
        return inner + (self.nested(text, inner) if inner else [])

    def indexed(self, text: str) -> str:
        """text as the index holds it (see `indexed_all`)."""
        return self.indexed_all((text,))[0]

    def indexed_all(self, texts: Sequence[str]) -> tuple[str, ...]:
        """The texts of one record as the index holds them: each exact-case form replaced by
        its term's marker (US, never the pronoun us), and each hyphenated word also held
        joined, at the end ("de-escalation" is found as "deescalation"). Other forms are
        found in the index as they are written (`phrases`). Once per record: cheap."""
        added: list[dict[str, None]] = [{} for _ in texts]
        # Looked for in the words with a hyphen: a search of the whole text costs 4x.
        for into, text in zip(added, texts, strict=True):
            for word in text.split() if "-" in text else ():
                if "-" in word:
                    into.update(dict.fromkeys(a + b for a, b in HYPHENATED.findall(word)))
        # Most records hold no exact-case form at all: a substring test says so at once.
        whole = "\x00".join(texts)
        if self._exact_re is not None and any(form in whole for form in self._exact_forms):
            texts = self._exact_replaced(whole).split("\x00")  # \x00: in no form
        return tuple(
            text + ("\n" + " ".join(more) if more else "")
            for text, more in zip(texts, added, strict=True)
        )

    def _exact_replaced(self, text: str) -> str:
        """text with each exact-case form replaced by its term's marker."""
        if self._exact_re is None:
            return text
        parts: list[str] = []
        at = 0
        for match in self._exact_re.finditer(text):
            term = self._exact.get(_exact_key(match.group()))
            if term is not None:
                parts += [text[at : match.start()], marker(term)]
                at = match.end()
        parts.append(text[at:])
        return "".join(parts)

    def term_of(self, word: str) -> str | None:
        """The id of the term a marker word stands for."""
        return self._by_marker.get(word)

    def phrases(self, term_id: str) -> list[str]:
        """The phrases the index holds a term by: its marker (for its exact-case forms), and
        each other form as the index holds it (with any exact-case form inside it
        replaced: "UN Security Council" is held as "zztermun Security Council")."""
        term = self.terms[term_id]
        found = [marker(term_id)] if term.exact_case else []
        found += [self._exact_replaced(f) for f in term.forms if f not in term.exact_case]
        return list(dict.fromkeys(found))

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
                inside = start >= 2 and piece[start - 1] == "-" and not piece[start - 2].isspace()
                if inside:  # anti-Iran: a hyphen inside a word
                    out += [piece[at : start - 1], " ", word, " "]
                    at = end + (piece[end : end + 1] == "-")
                    continue
                out += [piece[at:start], before, word, " "]
                at = end + (piece[end : end + 1] == "-")
            pieces[number] = "".join(out) + piece[at:]
        return "".join(pieces), typed
