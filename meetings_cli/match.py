"""Finding people by name. Pure functions: no I/O, no printing."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from .model import Dataset, Person


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).split())


def names_of(person: Person) -> Iterator[str]:
    """Every name a person is known by in the dataset."""
    yield person.name
    yield person.short_name
    yield from person.spellings
    for native in person.native_names:
        yield native.name


def find_people(dataset: Dataset, query: str) -> list[Person]:
    """People any of whose names contains the query, ignoring case, accents and punctuation."""
    wanted = fold(query)
    if not wanted:
        return []
    return [
        person
        for person in dataset.people
        if any(wanted in fold(name) for name in names_of(person))
    ]
