"""Resolving a name, however it is written, to a person of the dataset.

Pure functions and data: no I/O, no printing. The pipeline (documented in the
README) turns both the query and every known name into two keys:

* a *plain* key: Unicode-normalised, lower-cased, Cyrillic transliterated,
  accents removed, titles and initials and patronymics dropped;
* a *phonetic* key: the plain key with the spelling differences between
  transliteration systems folded away (Shoigu = Shoygu = Schoigu = Szojgu =
  Šojgu = Choïgou; Khatami = Hatami).

A query is looked up exactly by plain key, then by phonetic key, and only on a
miss scored with rapidfuzz against every phonetic key (rapidfuzz is imported
then and only then).
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from .errors import echo
from .model import Person
from .names import (
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

#: A fuzzy score (0-100) at or above which a name counts as a match.
ACCEPT = 80.0
#: Two people closer than this (in fuzzy score) are reported as ambiguous.
AMBIGUITY_MARGIN = 5.0
#: Scores given to exact and phonetic look-ups (fuzzy scores are rapidfuzz's own).
EXACT_SCORE, PHONETIC_SCORE, PREFIX_SCORE = 100.0, 97.0, 90.0
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
    """Resolve a name: exact key, then phonetic key, then fuzzy scoring.

    Fuzzy scoring (and the rapidfuzz import) happens only on a miss, or when
    runner_up asks who came second after an exact or phonetic hit.
    """
    plain = plain_key(query)
    phonetic = phonetic_key(plain)
    if not plain:
        return Resolution(query, plain, phonetic, "none")
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
                told = _homonyms(query, plain, phonetic, hits, others, score)
                if told is not None:
                    return told
                hits = [a for a in hits if a not in others]
            found = _best_per_person(Candidate(a.person_id, score, a, method) for a in hits)
            if all(c.alias.kind.startswith(GIVEN) for c in found):
                # A given name alone could mean anyone so called: never an answer.
                return Resolution(query, plain, phonetic, "ambiguous", tuple(found))
            if len(found) == 1:
                runner = (
                    _fuzzy(source, phonetic, exclude=found[0].person_id)[:1] if runner_up else []
                )
                return Resolution(query, plain, phonetic, "found", (found[0], *runner))
            return Resolution(query, plain, phonetic, "ambiguous", tuple(found))
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
        # often another name altogether (خاتمی is not حاتمی), so no fuzzy guess.
        return Resolution(query, plain, phonetic, "none")
    judged = _judge(query, plain, phonetic, _fuzzy(source, phonetic))
    if judged.status != "none" and _is_word(plain):
        # A word of English ("putting") is not a misspelt name: its near names are
        # offered, never taken for it. (Asked last: the word list takes 0.14 s to read.)
        return judged._replace(status="none", candidates=judged.candidates[:3])
    return judged


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
    if (
        resolution.status == "none"
        and names
        and all(c.method == "homonym" for c in resolution.candidates)
    ):
        return f"{echo(resolution.query)} names {' or '.join(names)}"
    if resolution.status == "ambiguous" and given and names:
        return (
            f"{echo(resolution.query)} is a given name only: it could mean"
            f" {' or '.join(names)}, or anyone else so named; give the surname"
        )
    if resolution.status == "ambiguous":
        return f"{echo(resolution.query)} could mean {' or '.join(names)}: give more of the name"
    hint = f"; did you mean {' or '.join(names)}?" if names else ""
    return f"no person matches {echo(resolution.query)}{hint}"


def _fuzzy(source: AliasSource, phonetic: str, exclude: str | None = None) -> list[Candidate]:
    """Best fuzzy candidate per person, best first."""
    from rapidfuzz import fuzz, process

    aliases = source.every_alias()
    keys = [a.phonetic for a in aliases]
    scored: list[Candidate] = []
    scorers = [fuzz.ratio] + ([fuzz.token_sort_ratio] if " " in phonetic else [])
    for scorer in scorers:
        for _, score, position in process.extract(
            phonetic, keys, scorer=scorer, limit=20, score_cutoff=50
        ):
            alias = aliases[position]
            if alias.person_id != exclude:
                scored.append(Candidate(alias.person_id, round(score, 1), alias, "fuzzy"))
    return _best_per_person(scored)


def _every_word_near(query: str, alias: str) -> bool:
    """True if each word of the query is close to some word of the alias.

    Without this, a shared first name carries a whole name over the line
    ("Vladimir Padrino" is not Vladimir Putin).
    """
    from rapidfuzz.fuzz import ratio

    words = alias.split()
    return all(any(ratio(w, a) >= ACCEPT for a in words) for w in query.split())


def _judge(query: str, plain: str, phonetic: str, scored: list[Candidate]) -> Resolution:
    if (
        not scored
        or scored[0].score < ACCEPT
        # A typo is only a typo in a word long enough to be a name: "Atam" is as
        # near "Hatami" as it is to the start of "Atamkulov".
        or len(phonetic.replace(" ", "")) < MIN_PREFIX
        or not _every_word_near(phonetic, scored[0].alias.phonetic)
        or _name_and_more(phonetic, scored[0].alias.phonetic)
        or not _near_beyond_given_name(phonetic, scored[0].alias)
    ):
        near = tuple(c for c in scored[:3] if c.score >= SUGGEST)
        return Resolution(query, plain, phonetic, "none", near)
    top = scored[0].score
    close = tuple(c for c in scored if c.score >= ACCEPT and top - c.score < AMBIGUITY_MARGIN)
    if len(close) > 1:
        return Resolution(query, plain, phonetic, "ambiguous", close)
    return Resolution(query, plain, phonetic, "found", tuple(scored[:2]))


def _homonyms(
    query: str, plain: str, phonetic: str, hits: list[Alias], others: list[Alias], score: float
) -> Resolution | None:
    """A name that is also (or only) a homonym's: another person's whole name is theirs,
    and ambiguous if it is also part of ours ("Khan"); a surname that is ours and theirs is
    ambiguous, with both readings, if the query says more of theirs, else ours (None:
    resolve on without them)."""
    ours = [a for a in hits if not a.kind.startswith(HOMONYMS)]
    theirs = [Candidate(a.person_id, score, a, "homonym") for a in others]
    whole = any(not a.kind.startswith(HOMONYM_SURNAME) for a in others)
    mine = _best_per_person(Candidate(a.person_id, score, a, "exact") for a in ours)
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


def _near_beyond_given_name(query: str, alias: Alias) -> bool:
    """False if a one-word query is near only a given name ("Andrijević" is near Andrei,
    not Andrei Ravkov): a given name alone is never an answer."""
    from rapidfuzz.fuzz import ratio

    words = alias.phonetic.split()
    if " " in query or alias.kind.startswith(GIVEN):
        return not alias.kind.startswith(GIVEN)
    return len(words) == 1 or any(ratio(query, word) >= ACCEPT for word in words[1:])


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
