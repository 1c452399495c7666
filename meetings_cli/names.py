"""Name keys: how a name, however written, becomes the keys it is matched by.

Pure functions: no I/O. The compiled database stores every alias with its keys
(the `aliases` table); `match` resolves a query against them.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import functools
import itertools
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
    "the", "un", "envoy", "special", "first", "deputy", "to", "secretary", "foreign",
    "hojatoleslam", "hojjatoleslam",
    # The dataset's countries and their adjectives, as roles name them ("Syrian President
    # Bashar al-Assad", "Ambassador to Russia Kazem Jalali").
    "iran", "iranian", "russia", "russian", "belarus", "belarusian", "kazakhstan", "kazakh",
    "pakistan", "pakistani", "serbia", "serbian", "turkey", "turkish", "syria", "syrian",
    "us", "american", "norway", "norwegian",
    # Russian (as transliterated before this list is consulted).
    "ministr", "prezident", "oborony", "posol", "gospodin",
    # Persian, Arabic and Urdu (as folded: ي is ی, ك is ک, أ is ا).
    "سرتیپ", "سردار", "ژنرال", "جنرال", "وزیر", "دفاع", "الدفاع", "جناب", "رئیس", "جمهور",
    "جمهوری", "الرئیس", "صدر", "سفیر", "السفیر", "حجت", "الاسلام", "والمسلمین", "نخست",
    "ایران", "ایرانی", "الایرانی", "روسیه", "روسی", "الروسی", "پاکستان", "پاکستانی",
    "سوریه", "السوری", "ترکیه", "الترکی", "امریکا", "امریکایی",
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
        # A zero-width non-joiner between a name's words is a space written narrow (a
        # name written with no space at all is tried split: `match`).
        "\u200c": " ",
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
# English, German (-owitsch), French (-ovitch), Polish (-owicz) and Ukrainian-style (-ovych)
# spellings; Kazakh, Azeri, Turkish.
_PATRONYMIC = (
    r"(ovich|evich|ovitch|evitch|owitsch|ewitsch|owicz|ewicz|ovych|evych|ovna|evna|owna|ewna"
    r"|ich|uly|uli|kyzy|kizi|ogly|ogli"
    # As Arabic (فيتش) and Persian (ویچ) write -ovich.
    r"|فیتش|ویچ)$"
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


@functools.lru_cache(maxsize=1 << 16)  # the same words, names and keys come again and again
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
    for word in _join_articles(plain.split(), ARTICLE):
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
# Arabic letters for sounds foreign names lack (ص ث for s, ط for t, ح for h, ذ ض ظ ژ for
# z, ق for g or k) fold the same way; ع, which foreign names lack, is kept.
_ARABIC_SOUNDS = str.maketrans(
    {
        "پ": "ب", "غ": "گ", "ج": "گ", "ق": "گ", "ف": "و", "ڤ": "و", "ٹ": "ت", "ط": "ت",
        "ڈ": "د", "ڑ": "ر", "ص": "س", "ث": "س", "ح": "ه", "ذ": "ز", "ض": "ز", "ظ": "ز",
        "ژ": "ز",
    }
)  # fmt: skip
#: The Arabic article written as a word of its own (ال الأسد) joins the next word.
ARTICLE = "ال"


def _arabic_phonetic(word: str) -> str:
    """A word's consonant skeleton: letters folded to one per sound, vowel letters dropped
    inside the word (written or not) and at its end (-ei is -یه in Arabic, -ی in Persian),
    doubled letters single."""
    skeleton = word.translate(_ARABIC_SOUNDS)
    skeleton = skeleton[0] + skeleton[1:].rstrip("اهی")
    inner = "".join(c for c in skeleton[1:-1] if c not in "اوی")
    skeleton = skeleton[0] + inner + skeleton[1:][-1:]
    skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
    if skeleton.startswith(ARTICLE) and len(skeleton) < len(ARTICLE) + 3:
        return word  # too little beside the article to tell a name by (الأسد, السادة)
    return skeleton


def _join_articles(words: list[str], article: str) -> list[str]:
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] == article:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def arabic_skeletons(plain: str) -> list[str]:
    """The skeletons (see `_arabic_phonetic`) of a Latin plain key as Persian, Arabic and
    Urdu writers may spell it (`scripts.ARABIC_SCRIPT_LETTERS`), with its article "al"
    written or left out (بشار الأسد, بشار اسد). Empty for a key that is not Latin."""
    from .scripts import MAX_SPELLINGS, arabic_script_spellings

    words = plain.split()
    found: dict[str, None] = {}
    for shape in dict.fromkeys(
        (tuple(_join_articles(words, "al")), tuple(w for w in words if w != "al"))
    ):
        per_word = [arabic_script_spellings(word) for word in shape]
        if not shape or not all(per_word):
            continue
        for choice in itertools.islice(itertools.product(*per_word), MAX_SPELLINGS):
            found[" ".join(_arabic_phonetic(w) for w in choice if w)] = None
    return [key for key in found if key]


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
    """A person's Cyrillic names as each romanisation standard writes them: Russian by
    iuliia's schemes, Belarusian, Kazakh and Serbian by `scripts.TABLES` (the standard is
    named in the kind: "romanisation (ICAO_DOC_9303)")."""
    from .scripts import romanisations as by_table

    named = (*person.native_names, *person.other_names)
    for native in named:
        if native.script == "Latin (Turkish)" and "ğ" in native.name.casefold():
            # Turkish ğ lengthens the vowel before it and is not heard: Erdoğan is also
            # written as said (Persian and Urdu اردوان).
            yield native.name.replace("ğ", "").replace("Ğ", ""), "romanisation (ğ unwritten)"
        for text, standard in by_table(native.script, native.name):
            yield text, f"romanisation ({standard})"
    russian = [n.name for n in named if n.script in _RUSSIAN_SCRIPTS]
    if not russian:
        return
    import iuliia  # type: ignore[import-untyped]

    for name in russian:
        for scheme in RUSSIAN_SCHEMES:
            yield getattr(iuliia, scheme).translate(name), f"romanisation ({scheme})"


# A process compiling many datasets (the tests) makes each person's aliases once.
@functools.lru_cache(maxsize=1024)
def person_aliases(person: Person) -> tuple[Alias, ...]:
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
    # Every word but a name's last is a given name (Sergei, Tayyip), unless it is one of
    # the short name's or some name's last: alone it names anyone so called, so it is
    # never an answer (`match.resolve_name`).
    surnames = {plain.split()[-1] for _, _, plain in known if plain}
    surnames.update(plain_key(person.short_name).split())
    # ... in any script: خرم دستگیر خان's دستگیر sounds as the short name's Dastgir.
    sounds = {phonetic_key(w) for w in surnames} | {
        k for w in surnames if w.isascii() for k in arabic_skeletons(w)
    }

    def given(word: str) -> bool:
        return word not in surnames and phonetic_key(word) not in sounds

    for text, kind, plain in known:
        words = plain.split()
        for word in words if len(words) > 1 else ():
            if len(word) >= 3:
                add(text, f"{GIVEN if given(word) else 'part of'} {kind}", word)
    # As Persian, Arabic and Urdu writers spell a Latin name: its consonant skeletons,
    # whole and word by word (a word's skeleton is its part if the word is).
    latin = [(text, f"{kind}, as Arabic script writes it", plain) for text, kind, plain in known]
    latin = [(text, kind, plain) for text, kind, plain in latin if plain.isascii()]
    for text, kind, plain in latin:
        for skeleton in arabic_skeletons(plain):
            add(text, kind, skeleton)
    for text, kind, plain in latin:
        for word in plain.split() if " " in plain else ():
            part = GIVEN if given(word) else "part of"
            for skeleton in arabic_skeletons(word) if len(word) >= 3 else ():
                if len(skeleton) >= 3:
                    add(text, f"{part} {kind}", skeleton)
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
    return tuple(found)


#: The kinds of the aliases of a person's homonym: their whole name, their surname.
HOMONYM, HOMONYM_SURNAME = "homonym:", "homonym's surname:"


#: Every alias a standard generates (a romanisation; an Arabic-script skeleton) has
#: this in its kind, as against the names and spellings curators wrote.
GENERATED = "romanisation ("


#: The kind of an alias that is a given name alone ("given name in name").
GIVEN = "given name in"
