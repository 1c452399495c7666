"""Name keys: how a name, however written, becomes the keys it is matched by.

Pure functions: no I/O. The compiled database stores every alias with its keys
(the `aliases` table); `match` resolves a query against them.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from .model import Person

#: Ranks, titles and offices dropped from names before matching.
# fmt: off
TITLE_WORDS = frozenset((
    "brigadier", "general", "gen", "brig", "lieutenant", "lt", "major", "maj", "colonel",
    "col", "captain", "capt", "admiral", "adm", "marshal", "army", "commander", "minister",
    "defence", "defense", "mr", "mrs", "ms", "dr", "sir", "his", "excellency", "he", "hon",
    "honourable", "honorable", "ambassador", "president", "prime", "sardar", "amiral", "of",
    "the",
    "генерал", "министр", "господин", "سرتیپ", "سردار", "ژنرال", "وزیر", "دفاع", "جناب",
))
# fmt: on

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Serbian
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dzh",
    # Belarusian, Ukrainian
    "і": "i", "ў": "w", "ї": "yi", "є": "ye", "ґ": "g",
    # Kazakh
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
}  # fmt: skip

# Letters whose accent carries a sound that plain accent-stripping would lose.
_LATIN_SPECIAL = {
    "š": "sh", "ś": "sh", "ž": "zh", "ż": "zh", "ź": "zh", "č": "ch", "ć": "ch",
    "đ": "dj", "ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe",
    # Turkish and the Kazakh Latin alphabets (2018, 2021): dotless ı, ş, ç, ğ, ǵ, ń;
    # Belarusian Łacinka and BGN ŭ (Cyrillic ў, which transliterates as w).
    "ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ǵ": "g", "ń": "n", "ŭ": "w",
}  # fmt: skip

_ARABIC_SCRIPT = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ـ": "",  # tatweel
        "\u200c": "",  # zero-width non-joiner: written or not
        "\u200d": "",
        # Urdu letters and their Persian/Arabic equivalents: noon ghunna, bari ye,
        # gol he, do-chashmi he, te marbuta goal; hamza seats.
        "ں": "ن",
        "ے": "ی",
        "ۓ": "ی",
        "ہ": "ه",
        "ھ": "ه",
        "ۃ": "ه",
        "ؤ": "و",
        "ئ": "ی",
        "ء": "",
    }
)

_TRANSLITERATE = str.maketrans({**_CYRILLIC, **_LATIN_SPECIAL})
# English, German (-owitsch) and French (-ovitch) spellings; Kazakh, Azeri, Turkish.
_PATRONYMIC = (
    r"(ovich|evich|ovitch|evitch|owitsch|ewitsch|ovna|evna|owna|ewna|ich|uly|uli|kyzy|kizi"
    r"|ogly|ogli)$"
)
#: An apostrophe or soft-sign mark inside a word (BGN's and the Library of Congress's ь,
#: ʹ; an elision): part of the word, never a break in it. (Patterns used on some names
#: only are compiled when first used: `who` starts in a few milliseconds.)
_MARKS = "'’ʼʹʺ`´"
_INNER_MARK = r"(?<=\w)['’ʼʹʺ`´](?=\w)"

# Spelling differences between transliteration systems, folded in this order.
_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch", "s"),
        (r"tsch", "ch"),  # German ч
        (r"tch", "ch"),  # French ч
        (r"sch", "s"),  # German ш
        (r"dzh|dj|zh", "j"),  # Russian-English ж, Serbian ђ, French/English j
        (r"sz|sh", "s"),  # Polish, English ш
        (r"cz|ch", "s"),  # Polish ч; French ch = ш
        (r"kh", "h"),  # Russian х: Khatami = Hatami
        (r"gh", "g"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ck|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),  # German, Polish
        (r"ou", "u"),  # French
        (r"tz", "ts"),
        (r"[jy]", "i"),  # й as j (scholarly, Polish) or y (English)
        (r"z", "s"),
        (r"off$", "ov"),
        (r"(.)\1+", r"\1"),  # doubled letters
    )
)


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).split())


def compact_key(text: str) -> str:
    """An id or label with case, accents, script and punctuation folded away.

    "Army 2020", "army2020" and "ARMY-2020" share a key; Cyrillic is transliterated
    (Россия is "rossiya"), so another script's spelling is at least a near miss.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_SCRIPT)
    return fold(text.translate(_TRANSLITERATE)).replace(" ", "")


def plain_key(text: str) -> str:
    """The plain matching key of a name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    if any(mark in text for mark in _MARKS):
        text = re.sub(_INNER_MARK, "", text)
    text = text.casefold().translate(_ARABIC_SCRIPT)
    text = text.translate(_TRANSLITERATE)
    tokens = [t for t in fold(text).split() if t not in TITLE_WORDS]
    # Initials ("A. Hatami") carry too little to match on.
    tokens = [t for t in tokens if len(t) > 1 or len(tokens) == 1]
    if len(tokens) >= 3:
        tokens = [t for t in tokens if not re.search(_PATRONYMIC, t)] or tokens
    return " ".join(tokens)


def phonetic_key(plain: str) -> str:
    """Fold transliteration differences out of a plain key, word by word."""
    words = []
    for word in plain.split():
        if not word.isascii() and any("\u0600" <= char <= "\u06ff" for char in word):
            words.append(_arabic_phonetic(word))
            continue
        for pattern, replacement in _PHONETIC_RULES:
            word = pattern.sub(replacement, word)
        words.append(word)
    return " ".join(words)


# How Persian, Arabic and Urdu writers differ on a foreign name's consonants: p as پ or
# ب, g as گ, غ or ج, v as و, ف or ڤ, t as ت or ٹ (Urdu), d as د or ڈ; the vowels are
# written or not (ا و ی inside a word).
_ARABIC_SOUNDS = str.maketrans(
    {"پ": "ب", "غ": "گ", "ج": "گ", "ف": "و", "ڤ": "و", "ٹ": "ت", "ڈ": "د", "ڑ": "ر"}
)
_INNER_VOWELS = "(?<=.)[اوی](?=.)"


def _arabic_phonetic(word: str) -> str:
    # A final -ei written -یه in Arabic (سيرغيه), -ی in Persian (سرگئی).
    word = word[:-1] if word.endswith("یه") else word
    word = re.sub(_INNER_VOWELS, "", word.translate(_ARABIC_SOUNDS))
    return re.sub(r"(.)\1+", r"\1", word)


class Alias(NamedTuple):
    """One name a person is known by, with its matching keys."""

    person_id: str
    text: str
    kind: str  # name, short name, spelling, native name, or part of one of them
    plain: str
    phonetic: str


def aliases_of(person: Person) -> Iterator[tuple[str, str]]:
    """Every (text, kind) a person is known by: names, spellings, native names."""
    yield person.name, "name"
    yield person.short_name, "short name"
    for spelling in person.spellings:
        yield spelling, "spelling"
    for native in person.native_names:
        yield native.name, f"native name ({native.script})"
    for other in person.other_names:
        yield other.name, f"other name ({other.script})"


#: The romanisation schemes of Russian that iuliia implements (its names): each gives a
#: person's Russian name as that standard writes it (ICAO Doc 9303 for passports, BGN/PCGN,
#: GOST 7.79 and 16876, ISO 9, ALA-LC, BS 2979, UNGEGN, the scholarly system, Wikipedia's,
#: the MVD's French and English ones, Telegram's, ...).
RUSSIAN_SCHEMES = (
    "ALA_LC", "BGN_PCGN", "BS_2979", "GOST_16876", "GOST_52290", "GOST_7034", "GOST_779",
    "ICAO_DOC_9303", "ISO_9_1954", "ISO_9_1968", "MOSMETRO", "MVD_310", "MVD_310_FR",
    "MVD_782", "SCIENTIFIC", "TELEGRAM", "UNGEGN_1987", "WIKIPEDIA", "YANDEX_MAPS",
    "YANDEX_MONEY",
)  # fmt: skip
_RUSSIAN_SCRIPTS = ("Cyrillic", "Cyrillic (Russian)")


def romanisations(person: Person) -> Iterator[tuple[str, str]]:
    """A person's Russian names (native or other) as each romanisation standard of Russian
    writes them (iuliia's schemes, named in the kind: "romanisation (ICAO_DOC_9303)")."""
    russian = [
        n.name for n in (*person.native_names, *person.other_names) if n.script in _RUSSIAN_SCRIPTS
    ]
    if not russian:
        return
    import iuliia  # type: ignore[import-untyped]

    for name in russian:
        for scheme in RUSSIAN_SCHEMES:
            yield getattr(iuliia, scheme).translate(name), f"romanisation ({scheme})"


def person_aliases(person: Person) -> list[Alias]:
    """The aliases of one person: each name, and each word of a multi-word name."""
    found: list[Alias] = []
    seen: set[str] = set()

    def add(text: str, kind: str, plain: str) -> None:
        if plain and plain not in seen:
            seen.add(plain)
            found.append(Alias(person.id, text, kind, plain, phonetic_key(plain)))

    named = [*aliases_of(person), *romanisations(person)]
    known = [(text, kind, plain_key(text)) for text, kind in named]
    # Whole names first, so a word that is also a whole alias is listed as that.
    for text, kind, plain in known:
        add(text, kind, plain)
    for text, kind, plain in known:
        # Written together: a zero-width non-joiner, or no space, between its words.
        if " " in plain and not plain.isascii():
            add(text, f"{kind}, written together", plain.replace(" ", ""))
    # A name's first word is a given name (Sergei, Amir), unless it is the short name's:
    # alone it names anyone so called, so it is never an answer (`match.resolve_name`).
    later = {word for _, _, plain in known for word in plain.split()[1:]}
    later.update(plain_key(person.short_name).split())
    for text, kind, plain in known:
        words = plain.split()
        for number, word in enumerate(words if len(words) > 1 else ()):
            if len(word) >= 3:
                given = number == 0 and word not in later
                add(text, f"{GIVEN if given else 'part of'} {kind}", word)
    # Whom this person is confused with: their name and surname answer for them, not us
    # (a key this person also has is then two readings: `match.resolve_name`).
    for homonym in person.homonyms:
        whole = plain_key(homonym.name)
        for plain in dict.fromkeys((whole, whole.split()[-1] if whole else "")):
            kind = (
                f"{HOMONYM} {homonym.who}" if plain == whole else f"{HOMONYM_SURNAME} {homonym.who}"
            )
            if plain:
                found.append(Alias(person.id, homonym.name, kind, plain, phonetic_key(plain)))
    return found


#: The kinds of the aliases of a person's homonym: their whole name, their surname.
HOMONYM, HOMONYM_SURNAME = "homonym:", "homonym's surname:"


#: The kind of an alias that is a given name alone ("given name in name").
GIVEN = "given name in"
