"""Resolving a name, however it is written, to a person of the dataset.

Pure functions and data: no I/O, no printing. The pipeline (documented in the
README) turns both the query and every known name into two keys:

* a *plain* key: Unicode-normalised, lower-cased, Cyrillic transliterated,
  accents removed, titles and initials and patronymics dropped;
* a *phonetic* key: the plain key with the spelling differences between
  transliteration systems folded away (Shoigu = Shoygu = Schoigu = Szojgu =
  Šojgu = Choïgou; Khatami = Hatami).

A query is looked up exactly by plain key, then by phonetic key, then word by
word, and only on a miss judged by typing slips against every name (rapidfuzz is
imported then and only then).
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import itertools
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from .errors import echo
from .model import Person
from .names import (
    GENERATED,
    GIVEN,
    HOMONYM_SURNAME,
    TITLE_WORDS,
    Alias,
    fold,
    person_aliases,
    phonetic_key,
    plain_key,
)

#: The kinds of a homonym's aliases begin so.
HOMONYMS = ("homonym:", "homonym's surname:")

#: Scores given to exact, phonetic and word-by-word look-ups (a near spelling's score is
#: rapidfuzz's ratio, shown only: it is accepted by slips, `_edits`).
EXACT_SCORE, PHONETIC_SCORE, WORDS_SCORE, PREFIX_SCORE = 100.0, 97.0, 95.0, 90.0
#: A query word this long that begins exactly one person's name resolves to them.
MIN_PREFIX = 5
#: Near misses at or above this score are offered as suggestions.
SUGGEST = 60.0


class Candidate(NamedTuple):
    """A person a query may mean, with the best-matching alias and its score."""

    person_id: str
    score: float
    alias: Alias
    method: str  # exact, phonetic or fuzzy


class Resolution(NamedTuple):
    """What a name query resolved to, and why."""

    query: str
    plain: str
    phonetic: str
    status: str  # found, ambiguous or none
    #: Best first. For `found`, the first is the answer and the second the runner-up.
    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        """The answer when status is `found`."""
        return self.candidates[0] if self.status == "found" else None

    @property
    def runner_up(self) -> Candidate | None:
        """The next-best other person, if any scored at all."""
        return self.candidates[1] if len(self.candidates) > 1 else None


class AliasSource(Protocol):
    """Where resolution looks names up: an in-memory index or the on-disk cache."""

    def with_plain(self, key: str) -> list[Alias]:
        """Aliases whose plain key is key."""

    def with_phonetic(self, key: str) -> list[Alias]:
        """Aliases whose phonetic key is key."""

    def every_alias(self) -> list[Alias]:
        """All aliases, for fuzzy scoring."""


class PersonIndex:
    """Every alias of every person in memory, with its keys precomputed."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.people: dict[str, Person] = {p.id: p for p in people}
        self.aliases: list[Alias] = []
        self.by_plain: dict[str, list[Alias]] = {}
        self.by_phonetic: dict[str, list[Alias]] = {}
        for person in self.people.values():
            for alias in person_aliases(person):
                self.aliases.append(alias)
                self.by_plain.setdefault(alias.plain, []).append(alias)
                self.by_phonetic.setdefault(alias.phonetic, []).append(alias)

    @classmethod
    def build(cls, people: Iterable[Person]) -> "PersonIndex":
        """Index every alias of every person."""
        return cls(people)

    def with_plain(self, key: str) -> list[Alias]:
        """Aliases whose plain key is key."""
        return self.by_plain.get(key, [])

    def with_phonetic(self, key: str) -> list[Alias]:
        """Aliases whose phonetic key is key."""
        return self.by_phonetic.get(key, [])

    def every_alias(self) -> list[Alias]:
        """All aliases."""
        return self.aliases

    def name_of(self, person_id: str) -> str:
        """A person's canonical name."""
        return self.people[person_id].name

    def resolve(self, query: str, *, runner_up: bool = False) -> Resolution:
        """Resolve a name against this index (see resolve_name)."""
        return resolve_name(self, query, runner_up=runner_up)


def resolve_name(source: AliasSource, query: str, *, runner_up: bool = False) -> Resolution:
    """Resolve a name: exact key, then phonetic key, then word by word, then near spellings.

    Near spellings (and the rapidfuzz import) are tried only on a miss, or when runner_up
    asks who came second after a hit.
    """
    plain = plain_key(query)
    phonetic = phonetic_key(plain)
    if not plain:
        return Resolution(query, plain, phonetic, "none")
    found = _looked_up(source, query, plain, phonetic) or _by_words(source, query, plain)
    if found is None and not plain.isascii() and " " not in plain:
        found = _unglued(source, query, plain)
    if found is not None and _generated(found) and _is_word(plain):
        # A standard's spelling that is also a word of English ("Tramp", ICAO's Трамп) is
        # more likely the word: the name is offered, not taken for it.
        return found._replace(status="none")
    if found is not None:
        if runner_up and found.status == "found":
            best = found.candidates[0]
            runner = _near(source, plain, exclude=best.person_id)[:1]
            return found._replace(candidates=(best, *runner))
        return found
    starts: list[Candidate] = []
    if len(plain) >= 3 and " " not in plain:
        starts = _best_per_person(
            Candidate(a.person_id, PREFIX_SCORE, a, "prefix")
            for a in source.every_alias()
            if any(word.startswith(plain) for word in a.plain.split())
        )
        if len(plain) >= MIN_PREFIX and len(starts) == 1:
            return Resolution(query, plain, phonetic, "found", (starts[0],))
        if len(plain) >= MIN_PREFIX and starts:
            return Resolution(query, plain, phonetic, "ambiguous", tuple(starts))
    if starts:
        # Too short to name anyone: offer the names it begins as the near misses.
        return Resolution(query, plain, phonetic, "none", tuple(starts[:3]))
    if not plain.isascii():
        # Persian or Urdu letters that match no name exactly: one letter apart is
        # often another name altogether (خاتمی is not حاتمی), so no guess.
        return Resolution(query, plain, phonetic, "none")
    judged = _judge(query, plain, phonetic, _near(source, plain))
    if judged.status != "none" and _is_word(plain):
        # A word of English ("putting") is not a misspelt name: its near names are
        # offered, never taken for it. (Asked last: the word list takes 0.14 s to read.)
        return judged._replace(status="none", candidates=judged.candidates[:3])
    return judged


def _looked_up(source: AliasSource, query: str, plain: str, phonetic: str) -> Resolution | None:
    """The answer of the exact and phonetic look-ups, None if neither finds a name."""
    # Persian and Urdu writers may join a name's words (a zero-width non-joiner, no space):
    # such a name is also known written together (`names.person_aliases`).
    together = plain.replace(" ", "") if " " in plain and not plain.isascii() else ""
    for hits, score, method in (
        (source.with_plain(plain), EXACT_SCORE, "exact"),
        (source.with_plain(together) if together else [], EXACT_SCORE, "exact"),
        (source.with_phonetic(phonetic), PHONETIC_SCORE, "phonetic"),
    ):
        if hits:
            others = [a for a in hits if a.kind.startswith(HOMONYMS)]
            if others:
                told = _homonyms(query, plain, phonetic, hits, others, score, method)
                if told is not None:
                    return told
                hits = [a for a in hits if a not in others]
            found = _best_per_person(Candidate(a.person_id, score, a, method) for a in hits)
            if all(c.alias.kind.startswith(GIVEN) for c in found):
                # A given name alone could mean anyone so called: never an answer.
                return Resolution(query, plain, phonetic, "ambiguous", tuple(found))
            status = "found" if len(found) == 1 else "ambiguous"
            return Resolution(query, plain, phonetic, status, tuple(found))
    return None


def _by_words(source: AliasSource, query: str, plain: str) -> Resolution | None:
    """Found if each word of a name of several words is exactly (or by sound) a different
    word of one and the same person's names, not all of them given names ("Shoigu
    Sergei", "رجب اردوغان"); in a name of three words or more, one word between the first
    and the last may be unknown (a middle or father's name: "بشار حافظ الأسد"). None
    otherwise."""
    words = list(dict.fromkeys(plain.split()))
    if len(words) < 2:
        return None
    hits = [[a for a in _word_hits(source, w) if _is_word_alias(a)] for w in words]
    unknown = [n for n, found in enumerate(hits) if not found]
    if unknown and (len(words) < 3 or unknown not in ([n] for n in range(1, len(words) - 1))):
        return None
    chosen: list[Candidate] = []
    for person in sorted({a.person_id for a in hits[0]}):
        mine = [[a for a in found if a.person_id == person] for found in hits if found]
        for pick in itertools.product(*mine):
            distinct = len({a.phonetic for a in pick}) == len(pick)
            if distinct and not all(a.kind.startswith(GIVEN) for a in pick):
                surname = next(a for a in pick if not a.kind.startswith(GIVEN))
                chosen.append(Candidate(person, WORDS_SCORE, surname, "words"))
                break
    if len(chosen) != 1:
        return None
    return Resolution(query, plain, phonetic_key(plain), "found", (chosen[0],))


def _word_hits(source: AliasSource, word: str) -> list[Alias]:
    return source.with_plain(word) or source.with_phonetic(phonetic_key(word))


def _is_word_alias(alias: Alias) -> bool:
    return " " not in alias.plain and not alias.kind.startswith(HOMONYMS)


def _unglued(source: AliasSource, query: str, plain: str) -> Resolution | None:
    """A name in Arabic script written with no space between its words, read as two or
    three words ("سيرغيهشويغو" is "سيرغيه شويغو"): found if the readings that name anyone
    all name one person, ambiguous if they name several."""
    if len(plain) < 6:
        return None
    cuts: list[tuple[int, ...]] = [(i,) for i in range(2, len(plain) - 1)]
    cuts += [(i, j) for i in range(2, len(plain) - 3) for j in range(i + 2, len(plain) - 1)]
    readings: dict[str, Candidate] = {}
    for cut in cuts:
        bounds = (0, *cut, len(plain))
        words = " ".join(plain[a:b] for a, b in itertools.pairwise(bounds))
        found = _looked_up(source, query, words, phonetic_key(words))
        if found is not None and found.status == "found":
            readings.setdefault(found.candidates[0].person_id, found.candidates[0])
    if not readings:
        return None
    status = "found" if len(readings) == 1 else "ambiguous"
    return Resolution(query, plain, phonetic_key(plain), status, tuple(readings.values()))


def _generated(found: Resolution) -> bool:
    """True if a name was found only by a spelling a standard makes of it, not one curated."""
    alias = found.candidates[0].alias if found.status == "found" else None
    # A Cyrillic name's key is transliterated: a generated spelling too.
    return alias is not None and (GENERATED in alias.kind or not alias.text.isascii())


def _is_word(plain: str) -> bool:
    from .expansion import is_english

    return " " not in plain and is_english(plain)


def describe_failure(resolution: Resolution, name_of: Callable[[str], str]) -> str:
    """Why a name did not resolve, naming the near misses or the tied candidates."""
    names = [
        f"{c.alias.text}, {c.alias.kind.split(':', 1)[1].strip()}, who is not in the dataset"
        if c.method == "homonym"
        else f"{name_of(c.person_id)} ({c.score:g})"
        for c in resolution.candidates
    ]
    given = all(c.alias.kind.startswith(GIVEN) for c in resolution.candidates)
    # Names described with commas are kept apart by semicolons.
    either = "; or " if any("," in name for name in names) else " or "
    if (
        resolution.status == "none"
        and names
        and all(c.method == "homonym" for c in resolution.candidates)
    ):
        return f"{echo(resolution.query)} names {either.join(names)}"
    if resolution.status == "ambiguous" and given and names:
        return (
            f"{echo(resolution.query)} is a given name only: it could mean"
            f" {either.join(names)}, or anyone else so named; give the surname"
        )
    if resolution.status == "ambiguous":
        return f"{echo(resolution.query)} could mean {either.join(names)}: give more of the name"
    hint = f"; did you mean {either.join(names)}?" if names else ""
    return f"no person matches {echo(resolution.query)}{hint}"


def allowed_edits(word: str) -> int:
    """How many typing slips a word of a name may carry and still be that word."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


# QWERTY rows, for which letters are neighbours (a slip of the finger).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {
    key: (row, col + row / 2) for row, keys in enumerate(_ROWS) for col, key in enumerate(keys)
}


def _neighbours(one: str, other: str) -> bool:
    if one not in _KEY_AT or other not in _KEY_AT:
        return False
    (row, x), (row2, x2) = _KEY_AT[one], _KEY_AT[other]
    return abs(row - row2) <= 1 and abs(x - x2) <= 1


def _a_slip(word: str, name: str) -> bool:
    """In a short word (five letters or fewer) a slip keeps the first letter, and a changed
    letter is a keyboard neighbour of the right one ("Asswd"): "Saad" is not Asad, nor
    "Trapp" Trump."""
    if len(name) > 5 or word == name:
        return True
    if word[0] != name[0]:
        return False
    if len(word) != len(name):
        return True
    changed = [(a, b) for a, b in zip(word, name, strict=True) if a != b]
    return len(changed) != 1 or _neighbours(*changed[0])


def _edits(query: list[str], alias: list[str], *, least: int = 0) -> int | None:
    """The fewest slips (optimal string alignment: a letter added, dropped, changed, two
    swapped) that turn each query word into a different word of the alias, each within
    `allowed_edits` of its word (none for alias words shorter than least), the alias's
    last word (a surname) among them; None if no such pairing exists."""
    from rapidfuzz.distance import OSA

    best: int | None = None
    for chosen in itertools.permutations(range(len(alias)), len(query)):
        if len(alias) > 1 and len(alias) - 1 not in chosen:
            continue
        total = 0
        for word, position in zip(query, chosen, strict=True):
            allowed = allowed_edits(alias[position]) if len(alias[position]) >= least else 0
            slips = OSA.distance(word, alias[position], score_cutoff=allowed)
            if slips > allowed or not _a_slip(word, alias[position]):
                break
            total += slips
        else:
            best = total if best is None else min(best, total)
    return best


def _near(source: AliasSource, plain: str, exclude: str | None = None) -> list[Candidate]:
    """Each person's nearest name, best first: those within the acceptance rule (`_edits`;
    method "fuzzy", fewest slips first), then the others by similarity (method "near")."""
    from rapidfuzz.fuzz import ratio

    within: list[tuple[int, Candidate]] = []
    others: list[Candidate] = []
    sounded = phonetic_key(plain)
    for alias in source.every_alias():
        if alias.person_id == exclude or not alias.plain.isascii():
            continue
        score = round(ratio(plain, alias.plain), 1)
        slips = _slips(plain, alias, sounded)
        if slips is not None:
            within.append((slips, Candidate(alias.person_id, score, alias, "fuzzy")))
        elif score >= SUGGEST and not alias.kind.startswith(HOMONYMS):
            others.append(Candidate(alias.person_id, score, alias, "near"))
    within.sort(key=lambda pair: (pair[0], -pair[1].score, pair[1].person_id))
    # One candidate a person, and one for each of whom they are confused with (`_judge`).
    seen: set[tuple[str, str]] = set()
    ranked: list[Candidate] = []
    for candidate in [c for _, c in within] + sorted(others, key=lambda c: -c.score):
        kind = candidate.alias.kind
        key = (candidate.person_id, kind if kind.startswith(HOMONYMS) else "")
        if key not in seen:
            seen.add(key)
            ranked.append(candidate)
    return ranked


def _judge(query: str, plain: str, phonetic: str, ranked: list[Candidate]) -> Resolution:
    near = tuple(c for c in ranked if not c.alias.kind.startswith(HOMONYMS))[:3]
    accepted = [c for c in ranked if c.method == "fuzzy"]
    if not accepted or _name_and_more(plain, accepted[0].alias.plain):
        return Resolution(query, plain, phonetic, "none", near)
    slips = _slips(plain, accepted[0].alias)
    tied = tuple(c for c in accepted if _slips(plain, c.alias) == slips)
    theirs = [c.alias for c in tied if c.alias.kind.startswith(HOMONYMS)]
    if theirs:
        # As near a homonym's name as ours: judged as an exact hit on both would be.
        told = _homonyms(
            query, plain, phonetic, [c.alias for c in tied], theirs, tied[0].score, "fuzzy"
        )
        if told is not None:
            return told
        tied = tuple(c for c in tied if c.alias not in theirs)
        accepted = [c for c in accepted if c.alias not in theirs]
    if len(tied) > 1:
        return Resolution(query, plain, phonetic, "ambiguous", tied)
    runner = [c for c in ranked[1:2] if not c.alias.kind.startswith(HOMONYMS)]
    return Resolution(query, plain, phonetic, "found", (accepted[0], *runner))


def _slips(plain: str, alias: Alias, sounded: str | None = None) -> int | None:
    """The fewest slips between a query and an alias (`_edits`), as written or as sounded
    (their phonetic keys: "Alexander" is "Aleksandar" with one slip); None if the alias is
    not one to judge the query against: a one-word query is judged against one-word names
    that are not given names alone, a longer one against longer names."""
    found: list[int] = []
    # A sounded key has lost doubled letters and vowel spellings: a short word's slips are
    # judged as written only ("Trapp" sounds one slip from "Tramp").
    sounded = phonetic_key(plain) if sounded is None else sounded
    for query, name, least in ((plain, alias.plain, 0), (sounded, alias.phonetic, 6)):
        parts = name.split()
        words = _judged_words(query, parts)
        single = len(words) == 1
        if single == (len(parts) == 1) and not (single and alias.kind.startswith(GIVEN)):
            slips = _edits(words, parts, least=least)
            found += [slips] if slips is not None else []
    return min(found, default=None)


def _judged_words(plain: str, parts: list[str]) -> list[str]:
    """The query's words a slip is judged in: a name with a particle (al, el, bin) may have
    it mistyped ("Bashar ai-Assad"), so the query's one- and two-letter words are left out;
    anywhere else such a word is part of what was asked ("Trump Jr")."""
    words = plain.split()
    if any(len(part) <= 2 for part in parts):
        return [w for w in words if len(w) > 2] or words
    return words


def _homonyms(
    query: str,
    plain: str,
    phonetic: str,
    hits: list[Alias],
    others: list[Alias],
    score: float,
    method: str = "exact",
) -> Resolution | None:
    """A name that is also (or only) a homonym's: another person's whole name is theirs,
    and ambiguous if it is also part of ours ("Khan"); a surname that is ours and theirs is
    ambiguous, with both readings, if the query says more of theirs, else ours (None:
    resolve on without them)."""
    ours = [a for a in hits if not a.kind.startswith(HOMONYMS)]
    theirs = [Candidate(a.person_id, score, a, "homonym") for a in others]
    whole = any(not a.kind.startswith(HOMONYM_SURNAME) for a in others)
    mine = _best_per_person(Candidate(a.person_id, score, a, method) for a in ours)
    if ours and whole:  # a name that is theirs whole and ours in part ("Khan")
        return Resolution(query, plain, phonetic, "ambiguous", (*mine, *theirs))
    if ours:
        # A surname both share is ours, unless the query says more of theirs: a title of
        # theirs ("President Khatami": the defence minister was never president).
        asked = set(fold(query).split()) & TITLE_WORDS
        titled = [c for c in theirs if asked & set(fold(c.alias.kind).split())]
        if not titled:
            return None
        return Resolution(query, plain, phonetic, "ambiguous", (*mine, *titled))
    return Resolution(query, plain, phonetic, "none", tuple(theirs))


def _name_and_more(query: str, alias: str) -> bool:
    """True if the query is one of the alias's words with a letter or two more at its end:
    another name ("Assadi" is not al-Assad, "Trumpf" not Trump), not a typo of it."""
    return " " not in query and any(
        query.startswith(word) and 1 <= len(query) - len(word) <= 2 for word in alias.split()
    )


def _best_per_person(candidates: Iterable[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        current = best.get(candidate.person_id)
        # Prefer higher scores; among equals, the fuller alias (a name over a part of one).
        if current is None or (candidate.score, -_is_part(candidate)) > (
            current.score,
            -_is_part(current),
        ):
            best[candidate.person_id] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.person_id))


def _is_part(candidate: Candidate) -> int:
    return int(candidate.alias.kind.startswith("part of"))
