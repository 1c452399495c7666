"""How the standards of each script write a name: romanisation tables, kept as data.

Russian romanisations come from iuliia (`names.RUSSIAN_SCHEMES`); this module holds the
tables iuliia does not: Belarusian, Kazakh, Serbian and Ukrainian Cyrillic in their national,
passport and BGN/PCGN forms, and how Persian, Arabic and Urdu writers spell a foreign
(Latin) name. Each table names its source. Pure data and pure functions: no I/O.
"""

from collections.abc import Iterator
from itertools import islice, product

# A table maps a lower-case Cyrillic letter to its Latin form; a letter it leaves out is
# one the table does not change. Word-initial forms (Belarusian е ю я) are under "^x", a
# form before certain letters under "x>letters" (French г before е и э is "gu").
Table = dict[str, str]

_BELARUSIAN_NATIONAL: Table = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "ie", "^е": "je",
    "ё": "io", "^ё": "jo", "ж": "ž", "з": "z", "і": "i", "й": "j", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ў": "ŭ", "ф": "f", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "^ю": "ju", "я": "ia", "^я": "ja", "'": "", "’": "",
}  # fmt: skip

_KAZAKH_2021: Table = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ç", "ш": "ş", "щ": "ş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip

# Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010), used in
# Ukrainian passports and by BGN/PCGN since 2019.
_UKRAINIAN_NATIONAL: Table = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "^є": "ye", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "^ї": "yi", "й": "i",
    "^й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "^ю": "yu", "я": "ia", "^я": "ya", "'": "", "’": "",
}  # fmt: skip

_SERBIAN_LATIN: Table = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip

_RUSSIAN_COMMON: Table = {
    "а": "a", "б": "b", "д": "d", "з": "z", "и": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "г": "g",
}  # fmt: skip

# The press conventions of German, French and Polish for Russian names, which iuliia's
# schemes do not cover (Schoigu, Choïgou, Szojgu): Duden's transcription, the French
# press's usual one (as in Le Monde: Poutine, Choïgou) and the Polish one (PWN).
_RUSSIAN_GERMAN: Table = {
    **_RUSSIAN_COMMON, "в": "w", "е": "e", "^е": "je", "ё": "jo", "ж": "sch", "з": "s",
    "й": "j", "с": "s", "у": "u", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ю": "ju", "я": "ja",
}  # fmt: skip
_RUSSIAN_FRENCH: Table = {
    **_RUSSIAN_COMMON, "в": "v", "е": "e", "^е": "ie", "ё": "io", "ж": "j", "й": "ï",
    "у": "ou", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ю": "iou",
    "я": "ia", "г>еиэ": "gu",
}  # fmt: skip
_RUSSIAN_POLISH: Table = {
    **_RUSSIAN_COMMON, "в": "w", "е": "ie", "^е": "je", "ё": "io", "^ё": "jo", "ж": "ż",
    "й": "j", "у": "u", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ю": "iu",
    "^ю": "ju", "я": "ia", "^я": "ja",
}  # fmt: skip
_RUSSIAN = (
    ("German (Duden)", _RUSSIAN_GERMAN),
    ("French press", _RUSSIAN_FRENCH),
    ("Polish (PWN)", _RUSSIAN_POLISH),
)

#: Romanisation tables by the script label of a native name (`Person.native_names`), each
#: with the standard it follows. Accented forms are folded by `names.plain_key`, so one
#: table stands for its accented and its unaccented (passport, keyboard) forms.
TABLES: dict[str, tuple[tuple[str, Table], ...]] = {
    "Cyrillic (Belarusian)": (
        # Instruction on transliteration of Belarusian geographical names (2007), adopted by
        # the UN (UNGEGN 2013); Belarusian passports write it without diacritics (Raukou).
        ("Belarusian national 2007", _BELARUSIAN_NATIONAL),
        # BGN/PCGN 1979: г h, ў w, х kh, ц ts, ч ch, ш sh, е ye.
        (
            "Belarusian BGN/PCGN",
            {
                **_BELARUSIAN_NATIONAL,
                "е": "ie",
                "^е": "ye",
                "ё": "io",
                "^ё": "yo",
                "ж": "zh",
                "й": "y",
                "ў": "w",
                "х": "kh",
                "ц": "ts",
                "ч": "ch",
                "ш": "sh",
                "ю": "iu",
                "^ю": "yu",
                "я": "ia",
                "^я": "ya",
            },
        ),
        # ICAO Doc 9303 (machine-readable passports), Belarusian letters: ў u, г h.
        (
            "Belarusian ICAO Doc 9303",
            {
                **_BELARUSIAN_NATIONAL,
                "е": "ie",
                "^е": "e",
                "ж": "zh",
                "й": "i",
                "ў": "u",
                "х": "kh",
                "ц": "ts",
                "ч": "ch",
                "ш": "sh",
            },
        ),
    ),
    "Cyrillic (Kazakh)": (
        # Kazakh Latin alphabet of 2021 (ä ğ q ñ ö ū ü ş ç ı).
        ("Kazakh Latin 2021", _KAZAKH_2021),
        # Decree 569 of February 2018 (acute accents; и й ı, і i, у ý, ш sh, ч ch).
        (
            "Kazakh Latin 2018",
            {
                **_KAZAKH_2021,
                "ә": "á",
                "ғ": "ǵ",
                "и": "ı",
                "й": "ı",
                "ң": "ń",
                "ө": "ó",
                "у": "ý",
                "ұ": "u",
                "ү": "ú",
                "ч": "ch",
                "ш": "sh",
                "щ": "sh",
                "і": "i",
            },
        ),
        # Decree 569 of October 2017 (apostrophes: a' g' n' o' u' s' c').
        (
            "Kazakh Latin 2017",
            {
                **_KAZAKH_2021,
                "ә": "a'",
                "ғ": "g'",
                "и": "i'",
                "й": "i'",
                "ң": "n'",
                "ө": "o'",
                "у": "y'",
                "ұ": "u",
                "ү": "u'",
                "ч": "c'",
                "ш": "s'",
                "щ": "s'",
                "і": "i",
            },
        ),
        # Kazakh passports (ICAO Doc 9303 with Kazakh letters as their nearest Latin).
        (
            "Kazakh ICAO Doc 9303",
            {
                **_KAZAKH_2021,
                "ә": "a",
                "ғ": "g",
                "ж": "zh",
                "й": "i",
                "қ": "k",
                "ң": "n",
                "ө": "o",
                "ұ": "u",
                "ү": "u",
                "х": "kh",
                "ч": "ch",
                "ш": "sh",
                "щ": "shch",
                "і": "i",
            },
        ),
    ),
    # Serbian Latin (gajica) is Serbia's second official script; BGN/PCGN and passports
    # use it, with or without its diacritics.
    "Serbian Cyrillic": (("Serbian Latin", _SERBIAN_LATIN),),
    "Cyrillic (Ukrainian)": (("Ukrainian national 2010", _UKRAINIAN_NATIONAL),),
    "Cyrillic": _RUSSIAN,
    "Cyrillic (Russian)": _RUSSIAN,
}


def romanise(text: str, table: Table) -> str:
    """Text written with a romanisation table (letters it lacks are kept)."""
    before = {key[0]: key[2:] for key in table if key[1:2] == ">"}
    out: list[str] = []
    for position, char in enumerate(text):
        lower = char.lower()
        initial = position == 0 or not text[position - 1].isalpha()
        latin = table.get(f"^{lower}") if initial else None
        following = text[position + 1 : position + 2].lower()
        if latin is None and following and following in before.get(lower, ""):
            latin = table[f"{lower}>{before[lower]}"]
        latin = table.get(lower, char) if latin is None else latin
        out.append(latin.capitalize() if char != lower and initial else latin)
    return "".join(out)


def romanisations(script: str, name: str) -> Iterator[tuple[str, str]]:
    """A native name as each table for its script writes it: (text, standard)."""
    for standard, table in TABLES.get(script, ()):
        yield romanise(name, table), standard


# How Persian, Arabic and Urdu writers spell the sounds of a foreign (Latin) name, by
# letter group, as the letter classes `names.arabic_skeleton` folds them to: the press
# conventions for foreign names (Persian پ گ چ ژ, Arabic ب غ/ج ف/ڤ, Urdu ٹ ڈ ں ے). A group
# with several letters is written either way (zh: Persian ژ, Arabic ج or ز).
# Longest groups first; vowels are "" (written or not: the skeleton drops them).
ARABIC_SCRIPT_LETTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shch", ("ش",)), ("tsch", ("چ",)), ("dzh", ("گ",)), ("sch", ("ش",)), ("tch", ("چ",)),
    ("kh", ("خ",)), ("zh", ("ز", "گ")), ("sh", ("ش",)), ("ch", ("چ", "تش", "ش")),
    ("gh", ("گ",)), ("ph", ("و",)), ("th", ("ت",)), ("ts", ("تس",)), ("tz", ("تس",)),
    ("dj", ("گ",)), ("ck", ("ک",)), ("qu", ("کو",)),
    ("b", ("ب",)), ("p", ("ب",)), ("t", ("ت",)), ("d", ("د",)), ("r", ("ر",)),
    ("z", ("ز",)), ("s", ("س",)), ("c", ("ک", "س", "گ")), ("k", ("ک",)),
    ("q", ("ک", "گ")), ("g", ("گ",)), ("j", ("گ", "ی")), ("f", ("و",)), ("v", ("و",)),
    ("w", ("و",)), ("h", ("ه",)), ("l", ("ل",)), ("m", ("م",)), ("n", ("ن",)),
    ("x", ("کس",)), ("y", ("ی",)),
    ("a", ("",)), ("e", ("",)), ("i", ("",)), ("o", ("",)), ("u", ("",)),
)  # fmt: skip
_LATIN_GROUPS = {group: letters for group, letters in ARABIC_SCRIPT_LETTERS}
_LONGEST = max(len(group) for group in _LATIN_GROUPS)
#: No more spellings of one word than this (the product of its groups' choices).
MAX_SPELLINGS = 16


def arabic_script_spellings(word: str) -> list[str]:
    """The ways Arabic-script writers may spell a folded Latin word, before vowels are
    dropped: a vowel is "V" (an alef at the start, a و at the end of a word in o/u)."""
    groups: list[tuple[str, ...]] = []
    position = 0
    while position < len(word):
        for size in range(_LONGEST, 0, -1):
            group = word[position : position + size]
            if group in _LATIN_GROUPS:
                break
        else:
            return []  # a letter outside the Latin alphabet: not a Latin word
        letters = _LATIN_GROUPS[group]
        if letters == ("",):
            first, last = position == 0, position + size == len(word)
            letters = ("ا",) if first else ("و",) if last and group in "ou" else ("",)
        groups.append(letters)
        position += size
    spellings = islice(product(*groups), MAX_SPELLINGS)
    return list(dict.fromkeys("".join(choice) for choice in spellings))
