"""Generate the name-matching evaluation set, benchmarks/name_eval.json.

Run from the repository root (it needs pyyaml, iuliia and faker in the environment):

    python benchmarks/make_name_eval.py                 # writes benchmarks/name_eval.json
    python benchmarks/make_name_eval.py --data DIR --out FILE --seed 7

The set is built from data/people.yaml and from published standards only; it never looks at
the matcher. Each item is {query, expect, class, note}: `expect` is a person id (a positive),
null (a negative: a `found` is a false positive) or "ambiguous-or-none" (lone given names and
very common surnames: `ambiguous` and `none` both pass, `found` never does).

Positive classes
  scheme         romanisations of the Cyrillic native names: every iuliia schema, the national
                 Belarusian, Kazakh and Serbian tables below, and the German (Duden), French
                 and Polish conventions for Russian names.
  arabic-script  the Latin names as Persian, Arabic and Urdu writers spell foreign names
                 (rules below), and the dataset's own Arabic-script names with a zero-width
                 non-joiner for the space, the space removed, or Arabic-keyboard letters.
  typing         typing noise on the Latin name and surname: edits, vowels, transpositions,
                 case, spaces, word order, initials and titles.
Negative classes
  faker-<locale> full names and surnames from Faker (and `-latin`: Cyrillic ones romanised),
                 without any that genuinely are a dataset person.
  common-word    the 2,000 most frequent English words (pyspellchecker's frequency list).
  homonym        well-known other people who share a surname, a near surname or a given name.

Deterministic for a given seed and given versions of iuliia and faker.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import iuliia
import yaml
from faker import Faker

ROOT = Path(__file__).resolve().parent.parent
ZWNJ = "\u200c"
AMBIGUOUS_OR_NONE = "ambiguous-or-none"

# --------------------------------------------------------------------------------------------
# Cyrillic romanisation tables (data). A table maps a lower-case letter to its Latin form.
# `iotated` letters (е ё ю я ...) have two forms: word-initial / after a vowel, soft or hard
# sign (or, with `iot_initial_only`, word-initial only), and after a consonant.
# `soft` gives the form of a consonant followed by the soft sign ь.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    base: dict[str, str]
    iotated: dict[str, tuple[str, str]] = field(default_factory=dict)
    soft: dict[str, str] = field(default_factory=dict)
    iot_initial_only: bool = False
    # rewrites of the lower-case Cyrillic word before the letters are mapped (regex, replacement)
    pre: tuple[tuple[str, str], ...] = ()
    # rewrites of the Latin result, applied in order to each word (regex, replacement)
    post: tuple[tuple[str, str], ...] = ()


VOWELS_CYR = set("аеёиоуыэюяіїєўәөұүі")
VOWELS_RU = "аеёиоуыэюя"


def _letters(spec: str) -> dict[str, str]:
    """'а a, б b, ...' -> {'а': 'a', 'б': 'b'}; '-' stands for nothing."""
    out: dict[str, str] = {}
    for pair in spec.split(","):
        pair = pair.strip()
        if not pair:
            continue
        cyr, _, lat = pair.partition(" ")
        out[cyr] = "" if lat.strip() == "-" else lat.strip()
    return out


# Belarusian, national system: Instruction on the transliteration of Belarusian geographical
# names with letters of the Latin script (State Committee on Property, 2007; adopted by the
# UN Group of Experts on Geographical Names, 2007).
BE_NATIONAL_2007 = Table(
    "Belarusian national 2007",
    _letters(
        "а a, б b, в v, г h, ґ g, д d, ж ž, з z, і i, й j, к k, л l, м m, н n, о o, п p, р r,"
        " с s, т t, у u, ў ŭ, ф f, х ch, ц c, ч č, ш š, ы y, э e, ь -, ' -, ’ -"
    ),
    {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
    {"з": "ź", "л": "ĺ", "н": "ń", "с": "ś", "ц": "ć"},
)
# Belarusian Łacinka (classical Belarusian Latin alphabet, as in Taraškievič's grammar):
# hard л is ł, ў is ŭ.
BE_LACINKA = Table(
    "Belarusian Łacinka",
    _letters(
        "а a, б b, в v, г h, ґ g, д d, ж ž, з z, і i, й j, к k, л ł, м m, н n, о o, п p, р r,"
        " с s, т t, у u, ў ŭ, ф f, х ch, ц c, ч č, ш š, ы y, э e, ь -, ' -, ’ -"
    ),
    {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")},
    {"з": "ź", "л": "l", "н": "ń", "с": "ś", "ц": "ć"},
    post=(("łi(?=[aeou])", "l"), ("ł(?=i)", "l")),
)
# Belarusian, ICAO Doc 9303 (7th ed.), Part 3, table of Cyrillic transliteration as used in
# machine-readable passports: Г->H for Belarusian, Ў->U, Е and Ё->E, Ю->IU, Я->IA.
BE_ICAO_9303 = Table(
    "Belarusian ICAO Doc 9303 passport",
    _letters(
        "а a, б b, в v, г h, ґ g, д d, е e, ё e, ж zh, з z, і i, й i, к k, л l, м m, н n, о o,"
        " п p, р r, с s, т t, у u, ў u, ф f, х kh, ц ts, ч ch, ш sh, ы y, э e, ю iu, я ia,"
        " ь -, ' -, ’ -"
    ),
)
# Belarusian, BGN/PCGN 1979 romanisation: ў->w, й->y, х->kh.
BE_BGN_PCGN = Table(
    "Belarusian BGN/PCGN 1979",
    _letters(
        "а a, б b, в v, г h, ґ g, д d, ж zh, з z, і i, й y, к k, л l, м m, н n, о o, п p, р r,"
        " с s, т t, у u, ў w, ф f, х kh, ц ts, ч ch, ш sh, ы y, э e, ь -, ' -, ’ -, ю yu, я ya"
    ),
    {"е": ("ye", "e"), "ё": ("yo", "yo")},
)
# Kazakh Latin alphabet of Presidential Decree No. 569 (26 Oct 2017): apostrophes.
KZ_LATIN_2017 = Table(
    "Kazakh Latin 2017 (apostrophes)",
    _letters(
        "а a, ә a', б b, в v, г g, ғ g', д d, е e, ё io, ж j, з z, и i', й i', і i, к k, қ q,"
        " л l, м m, н n, ң n', о o, ө o', п p, р r, с s, т t, у y', ұ u, ү u', ф f, х h, һ h,"
        " ц c, ч c', ш s', щ s'', ъ -, ы y, ь -, э e, ю i'y', я i'a"
    ),
)
# Kazakh Latin alphabet as amended by Presidential Decree No. 637 (19 Feb 2018): acute accents,
# sh/ch digraphs, dotless ı for и and й.
KZ_LATIN_2018 = Table(
    "Kazakh Latin 2018 (acutes)",
    _letters(
        "а a, ә á, б b, в v, г g, ғ ǵ, д d, е e, ё ıo, ж j, з z, и ı, й ı, і i, к k, қ q, л l,"
        " м m, н n, ң ń, о o, ө ó, п p, р r, с s, т t, у ý, ұ u, ү ú, ф f, х h, һ h, ц ts,"
        " ч ch, ш sh, щ shch, ъ -, ы y, ь -, э e, ю ıý, я ıa"
    ),
)
# Kazakh Latin alphabet presented by the government in January 2021: umlauts, breves, cedillas;
# І is I ı, И and Й are İ i, Ұ is Ū ū, Ш is Ş ş, Ч is Ç ç.
KZ_LATIN_2021 = Table(
    "Kazakh Latin 2021",
    _letters(
        "а a, ә ä, б b, в v, г g, ғ ğ, д d, е e, ё io, ж j, з z, и i, й i, і ı, к k, қ q, л l,"
        " м m, н n, ң ñ, о o, ө ö, п p, р r, с s, т t, у u, ұ ū, ү ü, ф f, х h, һ h, ц ts,"
        " ч ç, ш ş, щ şş, ъ -, ы y, ь -, э e, ю iu, я ia"
    ),
)
# Kazakh, BGN/PCGN 1979 romanisation.
KZ_BGN_PCGN = Table(
    "Kazakh BGN/PCGN 1979",
    _letters(
        "а a, ә ä, б b, в v, г g, ғ gh, д d, е e, ё yo, ж zh, з z, и i, й y, і i, к k, қ q,"
        " л l, м m, н n, ң ng, о o, ө ö, п p, р r, с s, т t, у u, ұ ū, ү ü, ф f, х kh, һ h,"
        " ц ts, ч ch, ш sh, щ shch, ъ -, ы y, ь -, э e, ю yu, я ya"
    ),
)
# Kazakh, ICAO Doc 9303 as printed in Kazakh passports: Kazakh letters to their plain
# Latin base (ә->a, ғ->g, қ->k, ң->n, ө->o, ұ ү->u, һ->h, і->i).
KZ_ICAO_9303 = Table(
    "Kazakh ICAO Doc 9303 passport",
    _letters(
        "а a, ә a, б b, в v, г g, ғ g, д d, е e, ё e, ж zh, з z, и i, й i, і i, к k, қ k, л l,"
        " м m, н n, ң n, о o, ө o, п p, р r, с s, т t, у u, ұ u, ү u, ф f, х kh, һ h, ц ts,"
        " ч ch, ш sh, щ shch, ъ ie, ы y, ь -, э e, ю iu, я ia"
    ),
)
# Serbian official Latin script (Gaj's Latin alphabet; Constitution of Serbia art. 10 and the
# Law on the Official Use of Language and Script). BGN/PCGN (2013) is the same alphabet.
SR_LATIN = Table(
    "Serbian official Latin",
    _letters(
        "а a, б b, в v, г g, д d, ђ đ, е e, ж ž, з z, и i, ј j, к k, л l, љ lj, м m, н n, њ nj,"
        " о o, п p, р r, с s, т t, ћ ć, у u, ф f, х h, ц c, ч č, џ dž, ш š"
    ),
)
# Serbian, ICAO Doc 9303: Ђ->D, Ћ->C, Џ->DZ, Ж->ZH, Ш->SH, Ч->CH, Х->KH, Ц->TS.
SR_ICAO_9303 = Table(
    "Serbian ICAO Doc 9303",
    _letters(
        "а a, б b, в v, г g, д d, ђ d, е e, ж zh, з z, и i, ј j, к k, л l, љ lj, м m, н n,"
        " њ nj, о o, п p, р r, с s, т t, ћ c, у u, ф f, х kh, ц ts, ч ch, џ dz, ш sh"
    ),
)
# Russian names in German, Duden transcription: в->w, ж ш->sch, з->s, с->s (ss between
# vowels), х->ch, ц->z, ч->tsch, щ->schtsch, й->i, е->je initially, кс->x, -ович->-owitsch.
DE_DUDEN = Table(
    "German Duden",
    _letters(
        "а a, б b, в w, г g, д d, ж sch, з s, и i, й i, к k, л l, м m, н n, о o, п p, р r, с s,"
        " т t, у u, ф f, х ch, ц z, ч tsch, ш sch, щ schtsch, ъ -, ы y, ь -, э e, ю ju, я ja"
    ),
    {"е": ("je", "e"), "ё": ("jo", "jo")},
    pre=((f"(?<=[{VOWELS_RU}])с(?=[{VOWELS_RU}])", "§"),),
    post=(("§", "ss"), ("ks", "x"), ("ii$", "i"), ("yi$", "y")),
)
# Russian names in French (usage of the French press and Larousse): у->ou, ш->ch, ч->tch,
# ж->j, х->kh, й->ï after a vowel, г->gu before e/i, с->ss between vowels, final -ин->-ine.
FR_PRESS = Table(
    "French",
    _letters(
        "а a, б b, в v, г g, д d, ж j, з z, и i, й ï, к k, л l, м m, н n, о o, п p, р r, с s,"
        " т t, у ou, ф f, х kh, ц ts, ч tch, ш ch, щ chtch, ъ -, ы y, ь -, э e, ю iou, я ia"
    ),
    {"е": ("ie", "e"), "ё": ("io", "io")},
    pre=((f"(?<=[{VOWELS_RU}])с(?=[{VOWELS_RU}])", "§"),),
    post=(
        ("§", "ss"),
        ("g(?=[eiy])", "gu"),
        ("(?<=[^aeiou])ï", "i"),
        ("in$", "ine"),
    ),
)
# Russian names in Polish (PWN rules): ш->sz, ж->ż, ч->cz, щ->szcz, х->ch, ц->c, в->w,
# е->ie after a consonant, hard л->ł, -ович->-owicz.
PL_PWN = Table(
    "Polish",
    _letters(
        "а a, б b, в w, г g, д d, ж ż, з z, и i, й j, к k, л ł, м m, н n, о o, п p, р r, с s,"
        " т t, у u, ф f, х ch, ц c, ч cz, ш sz, щ szcz, ъ -, ы y, ь -, э e, ю ju, я ja"
    ),
    {"е": ("je", "ie"), "ё": ("jo", "io")},
    {"з": "ź", "л": "l", "н": "ń", "с": "ś", "ц": "ć"},
    pre=(("(?<=[жшц])и", "ы"), ("(?<=[жшц])е", "э"), ("(?<=[жшц])ё", "о")),
    post=(("łi(?=[aeou])", "l"), ("ł(?=i)", "l")),
)
# Ukrainian, national system (Cabinet of Ministers resolution No. 55, 27 Jan 2010): used to
# romanise uk_UA Faker names for the Latin negatives.
UK_NATIONAL_2010 = Table(
    "Ukrainian national 2010",
    _letters(
        "а a, б b, в v, г h, ґ g, д d, е e, ж zh, з z, и y, і i, к k, л l, м m, н n, о o, п p,"
        " р r, с s, т t, у u, ф f, х kh, ц ts, ч ch, ш sh, щ shch, ь -, ' -, ’ -"
    ),
    {"є": ("ye", "ie"), "ї": ("yi", "i"), "й": ("y", "i"), "ю": ("yu", "iu"), "я": ("ya", "ia")},
    iot_initial_only=True,
)

TABLES_BELARUSIAN = (BE_NATIONAL_2007, BE_LACINKA, BE_ICAO_9303, BE_BGN_PCGN)
TABLES_KAZAKH = (KZ_LATIN_2017, KZ_LATIN_2018, KZ_LATIN_2021, KZ_BGN_PCGN, KZ_ICAO_9303)
TABLES_SERBIAN = (SR_LATIN, SR_ICAO_9303)
TABLES_RUSSIAN_USAGE = (DE_DUDEN, FR_PRESS, PL_PWN)
RUSSIAN_LETTERS = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def romanise_word(word: str, table: Table) -> str:
    low = word.lower()
    for pattern, repl in table.pre:
        low = re.sub(pattern, repl, low)
    out: list[str] = []
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if ch in table.iotated:
            if table.iot_initial_only:
                initial = i == 0
            else:
                initial = not prev or prev in VOWELS_CYR or prev in "ьъ'’"
            out.append(table.iotated[ch][0 if initial else 1])
        elif nxt == "ь" and ch in table.soft:
            out.append(table.soft[ch])
        else:
            out.append(table.base.get(ch, ch))  # § (a pre-rule's mark) passes through
    latin = "".join(out)
    for pattern, repl in table.post:
        latin = re.sub(pattern, repl, latin)
    return latin[:1].upper() + latin[1:] if latin else latin


def romanise(text: str, table: Table) -> str:
    return " ".join(romanise_word(w, table) for w in text.split())


def fold_ascii(text: str) -> str:
    """Drop the diacritics a typist without the keyboard would drop (ı->i, ł->l, đ->d)."""
    text = text.replace("ı", "i").replace("ł", "l").replace("Ł", "L").replace("đ", "d")
    text = text.replace("'", "")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------------------------------------
# Latin -> Persian, Arabic and Urdu script, as the press of each writes foreign names (data).
# Each unit of the Latin spelling has options by position; the first is the usual one.
#   Persian: g گ, p پ, v و (final -ov as -وف), zh ژ, ch چ; short e mostly unwritten, i ی, o u و,
#            initial a آ, final -ei ئی/ی.
#   Arabic:  g غ/ج/ق, p ب, v ف/ڤ/و, zh ج/ز, ch تش/ش, k ك, final -ei يه/ي, hamza seats on
#            initial vowels (أ إ), ي for ی.
#   Urdu:    Persian letters, plus ٹ ڈ for English t d, ہ for h and final -a, ے for final -e/-ei,
#            ں for a final nasal n, ھ for aspiration (kh as کھ).
# --------------------------------------------------------------------------------------------

Opts = dict[str, list[str]]  # position ("initial", "medial", "final") -> options

UNITS = (
    "dzh", "sch", "kh", "sh", "zh", "ch", "gh", "ts", "th", "ph", "dj", "ei", "ey", "ai", "ay",
    "oi", "oy", "ou", "oo", "ee",
)  # fmt: skip


def _o(initial: list[str], medial: list[str] | None = None, final: list[str] | None = None) -> Opts:
    return {
        "initial": initial,
        "medial": medial if medial is not None else initial,
        "final": final if final is not None else (medial if medial is not None else initial),
    }


# fmt: off
ARABIC_SCRIPT_RULES: dict[str, dict[str, Opts]] = {
    "Persian": {
        "b": _o(["ب"]), "p": _o(["پ"]), "t": _o(["ت"]), "d": _o(["د"]), "k": _o(["ک"]),
        "g": _o(["گ"]), "q": _o(["ق"]), "kh": _o(["خ"]), "gh": _o(["غ", "ق"]),
        "h": _o(["ه", "ح"]), "s": _o(["س"]), "sh": _o(["ش"]), "sch": _o(["ش"]),
        "z": _o(["ز"]), "zh": _o(["ژ"]), "ch": _o(["چ"]), "j": _o(["ج"]), "dj": _o(["ج"]),
        "dzh": _o(["ج"]), "f": _o(["ف"]), "ph": _o(["ف"]), "v": _o(["و"], ["و"], ["ف"]),
        "w": _o(["و"]), "l": _o(["ل"]), "m": _o(["م"]), "n": _o(["ن"]), "r": _o(["ر"]),
        "y": _o(["ی"]), "ts": _o(["تس"]), "th": _o(["ت"]), "x": _o(["کس"]), "c": _o(["ک"]),
        "a": _o(["آ", "ا"], ["ا", ""], ["ا"]), "e": _o(["ا"], ["", "ی"], ["ه"]),
        "i": _o(["ای"], ["ی"], ["ی"]), "o": _o(["او"], ["و", ""], ["و"]),
        "u": _o(["او"], ["و"], ["و"]), "ei": _o(["ای"], ["ی", "ای"], ["ئی", "ی"]),
        "ey": _o(["ای"], ["ی"], ["ئی", "ی"]), "ai": _o(["آی"], ["ای"], ["ای"]),
        "ay": _o(["آی"], ["ای", "ی"], ["ای"]), "oi": _o(["اوی"], ["وی", "وئ"], ["وی"]),
        "oy": _o(["اوی"], ["وی"], ["وی"]), "ou": _o(["او"], ["و"], ["و"]),
        "oo": _o(["او"], ["و"], ["و"]), "ee": _o(["ای"], ["ی"], ["ی"]),
    },
    "Arabic": {
        "b": _o(["ب"]), "p": _o(["ب"]), "t": _o(["ت"]), "d": _o(["د"]), "k": _o(["ك"]),
        "g": _o(["غ", "ج", "گ"]), "q": _o(["ق"]), "kh": _o(["خ"]), "gh": _o(["غ"]),
        "h": _o(["ه", "ح"]), "s": _o(["س"]), "sh": _o(["ش"]), "sch": _o(["ش"]),
        "z": _o(["ز"]), "zh": _o(["ج", "ز"]), "ch": _o(["تش", "ش"]), "j": _o(["ج"]),
        "dj": _o(["ج"]), "dzh": _o(["ج"]), "f": _o(["ف"]), "ph": _o(["ف"]),
        "v": _o(["ف", "ڤ", "و"], ["ف", "ڤ", "و"], ["ف", "ڤ"]), "w": _o(["و"]),
        "l": _o(["ل"]), "m": _o(["م"]),
        "n": _o(["ن"]), "r": _o(["ر"]), "y": _o(["ي"]), "ts": _o(["تس"]), "th": _o(["ت", "ث"]),
        "x": _o(["كس"]), "c": _o(["ك"]), "a": _o(["أ", "ا"], ["ا", ""], ["ا"]),
        "e": _o(["إ", "ا"], ["ي", ""], ["ه", "ي"]), "i": _o(["إي", "اي"], ["ي"], ["ي"]),
        "o": _o(["أو", "او"], ["و"], ["و"]), "u": _o(["أو", "او"], ["و"], ["و"]),
        "ei": _o(["اي"], ["ي", "اي"], ["يه", "ي", "اي"]), "ey": _o(["اي"], ["ي"], ["يه", "ي"]),
        "ai": _o(["آي"], ["اي"], ["اي"]), "ay": _o(["آي"], ["اي"], ["اي"]),
        "oi": _o(["أوي"], ["وي"], ["وي"]), "oy": _o(["أوي"], ["وي"], ["وي"]),
        "ou": _o(["أو"], ["و"], ["و"]), "oo": _o(["أو"], ["و"], ["و"]),
        "ee": _o(["إي"], ["ي"], ["ي"]),
    },
    "Urdu": {
        "b": _o(["ب"]), "p": _o(["پ"]), "t": _o(["ت", "ٹ"]), "d": _o(["د", "ڈ"]),
        "k": _o(["ک"]), "g": _o(["گ"]), "q": _o(["ق"]), "kh": _o(["خ", "کھ"]),
        "gh": _o(["غ"]), "h": _o(["ہ", "ح"]), "s": _o(["س"]), "sh": _o(["ش"]),
        "sch": _o(["ش"]), "z": _o(["ز"]), "zh": _o(["ژ", "ز"]), "ch": _o(["چ"]),
        "j": _o(["ج"]), "dj": _o(["ج"]), "dzh": _o(["ج"]), "f": _o(["ف"]), "ph": _o(["ف"]),
        "v": _o(["و"], ["و"], ["ف"]), "w": _o(["و"]), "l": _o(["ل"]), "m": _o(["م"]),
        "n": _o(["ن"], ["ن"], ["ن", "ں"]), "r": _o(["ر"]), "y": _o(["ی"]), "ts": _o(["ٹس", "تس"]),
        "th": _o(["تھ", "ت"]), "x": _o(["کس"]), "c": _o(["ک"]),
        "a": _o(["آ", "ا"], ["ا", ""], ["ا", "ہ"]), "e": _o(["ا"], ["", "ی"], ["ے"]),
        "i": _o(["ای"], ["ی"], ["ی"]), "o": _o(["او"], ["و"], ["و"]),
        "u": _o(["او"], ["و"], ["و"]), "ei": _o(["ای"], ["ی", "ئ"], ["ئی", "ے", "ئے"]),
        "ey": _o(["ای"], ["ی"], ["ئی", "ے"]), "ai": _o(["آئ"], ["ائ"], ["ائی", "ے"]),
        "ay": _o(["آئ"], ["ائ"], ["ائی", "ے"]), "oi": _o(["اوئ"], ["وئ", "وی"], ["وئی"]),
        "oy": _o(["اوئ"], ["وئ"], ["وئی"]), "ou": _o(["او"], ["و"], ["و"]),
        "oo": _o(["او"], ["و"], ["و"]), "ee": _o(["ای"], ["ی"], ["ی"]),
    },
}
# fmt: on
# English vowels as heard: the u of Trump is the a of ترامپ (Persian, Urdu), ترامب (Arabic).
ENGLISH_OVERRIDES: dict[str, Opts] = {"u": _o(["ا"], ["ا", "و"], ["و"])}
VOWEL_UNITS = {"a", "e", "i", "o", "u", "ei", "ey", "ai", "ay", "oi", "oy", "ou", "oo", "ee"}


TURKISH_LETTERS = str.maketrans({"c": "j", "ç": "ch", "ş": "sh", "ğ": "gh", "ı": "i"})


def latin_units(word: str, turkish: bool = False) -> list[str]:
    w = word.lower().translate(TURKISH_LETTERS) if turkish else word
    w = fold_ascii(w).lower()
    w = re.sub(r"[^a-z]", "", w)
    w = re.sub(r"([bcdfghklmnpqrstvwxz])\1", r"\1", w)  # doubled consonants are written once
    w = re.sub(r"yy", "y", w)
    units: list[str] = []
    i = 0
    while i < len(w):
        for unit in UNITS:
            if w.startswith(unit, i):
                # a vowel + y/i before another vowel: the y is a consonant (Tayip -> ta-yi-p)
                if unit in {"ay", "ey", "oy"} and i + 2 < len(w) and w[i + 2] in "aeiou":
                    continue
                units.append(unit)
                i += len(unit)
                break
        else:
            units.append(w[i])
            i += 1
    return units


def arabic_script_variants(
    word: str, script: str, english: bool, rng: random.Random, cap: int, turkish: bool = False
) -> list[str]:
    """Spellings of one Latin word: the usual one, each single alternative, and random mixes
    of at most two alternatives with at most one vowel left unwritten."""
    rules = ARABIC_SCRIPT_RULES[script]
    units = latin_units(word, turkish)
    slots: list[list[str]] = []
    for index, unit in enumerate(units):
        position = "initial" if index == 0 else "final" if index == len(units) - 1 else "medial"
        opts = (ENGLISH_OVERRIDES.get(unit) if english else None) or rules.get(unit)
        if opts is None:
            slots.append([""])
            continue
        choices = list(opts[position])
        # an unwritten vowel only between consonants; next to another vowel it is written
        if "" in choices and (
            (index + 1 < len(units) and units[index + 1] in VOWEL_UNITS)
            or (index and units[index - 1] in VOWEL_UNITS)
        ):
            choices = [c for c in choices if c] or choices
        slots.append(choices)

    def spell(picks: list[int]) -> str | None:
        chosen = [slots[i][k] for i, k in enumerate(picks)]
        if sum(1 for i, c in enumerate(chosen) if c == "" and slots[i][0] != "") > 1:
            return None
        text = "".join(chosen)
        # Urdu ں (noon ghunna) only after a long vowel letter
        if re.search("[^اوی]ں", text):
            return None
        return text

    default = [0] * len(slots)
    picks_list = [default]
    for index, choices in enumerate(slots):
        for k in range(1, len(choices)):
            picks_list.append([k if i == index else 0 for i in range(len(slots))])
    varied = [i for i, c in enumerate(slots) if len(c) > 1]
    for _ in range(cap * 3):
        picks = list(default)
        for i in rng.sample(varied, min(2, len(varied))):
            picks[i] = rng.randrange(len(slots[i]))
        picks_list.append(picks)
    return unique(v for v in (spell(p) for p in picks_list) if v)[:cap]


ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})


# --------------------------------------------------------------------------------------------
# Typing noise.
# --------------------------------------------------------------------------------------------

QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def keyboard_neighbours(ch: str) -> str:
    low = ch.lower()
    for r, row in enumerate(QWERTY_ROWS):
        c = row.find(low)
        if c < 0:
            continue
        near = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
        for dr in (-1, 1):
            if 0 <= r + dr < len(QWERTY_ROWS):
                other = QWERTY_ROWS[r + dr]
                near += [other[k] for k in (c - 1, c, c + 1) if 0 <= k < len(other)]
        return "".join(n for n in near if n)
    return "aeiou"


def letter_positions(text: str, skip_first: bool = True) -> list[int]:
    """Positions of letters, not the first letter of a word (typos there are rare)."""
    out = []
    for i, ch in enumerate(text):
        if not ch.isalpha():
            continue
        if skip_first and (i == 0 or not text[i - 1].isalpha()):
            continue
        out.append(i)
    return out


def one_edit(text: str, rng: random.Random) -> tuple[str, str]:
    for _ in range(50):
        edited, kind = _one_edit(text, rng)
        if edited.casefold() != text.casefold():
            return edited, kind
    raise ValueError(f"no edit of {text!r} changes it")


def _one_edit(text: str, rng: random.Random) -> tuple[str, str]:
    positions = letter_positions(text)
    i = rng.choice(positions)
    kind = rng.choice(["substitute", "delete", "insert", "transpose"])
    ch = text[i]
    if kind == "substitute":
        new = rng.choice(keyboard_neighbours(ch))
        return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1 :], kind
    if kind == "delete":
        return text[:i] + text[i + 1 :], kind
    if kind == "insert":
        return text[:i] + rng.choice(keyboard_neighbours(ch)) + text[i:], kind
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :], kind
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :], kind


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# --------------------------------------------------------------------------------------------
# The dataset.
# --------------------------------------------------------------------------------------------

ARABIC_SCRIPTS = ("Persian", "Arabic", "Urdu")


def is_arabic_script(script: str) -> bool:
    return any(s in script for s in ARABIC_SCRIPTS)


@dataclass
class Person:
    id: str
    name: str
    short_name: str
    country: str
    rank: str | None
    role: str
    native: list[tuple[str, str]]
    other: list[tuple[str, str]]
    spellings: list[str]

    @property
    def given(self) -> str:
        return self.name.split()[0]

    @property
    def english(self) -> bool:
        return self.country in {"United States", "United Kingdom"}

    def cyrillic_names(self) -> list[tuple[str, str]]:
        return [(s, n) for s, n in self.native + self.other if "Cyrillic" in s]

    def native_is_cyrillic(self) -> bool:
        return any("Cyrillic" in s for s, _ in self.native)

    def native_is_arabic_script(self) -> bool:
        return any(is_arabic_script(s) for s, _ in self.native)


def load_people(data_dir: Path) -> list[Person]:
    raw = yaml.safe_load((data_dir / "people.yaml").read_text(encoding="utf-8"))
    people = []
    for p in raw["people"]:
        people.append(
            Person(
                id=p["id"],
                name=p["name"],
                short_name=p.get("short_name") or p["name"].split()[-1],
                country=p.get("country") or "",
                rank=p.get("rank"),
                role=p.get("role") or "",
                native=[(n["script"], n["name"]) for n in p.get("native_names") or []],
                other=[(n["script"], n["name"]) for n in p.get("other_names") or []],
                spellings=list(p.get("spellings") or []),
            )
        )
    return people


Item = dict[str, Any]


def item(query: str, expect: str | None, cls: str, note: str) -> Item:
    return {"query": query, "expect": expect, "class": cls, "note": note}


# --------------------------------------------------------------------------------------------
# Positives.
# --------------------------------------------------------------------------------------------


def name_forms(name: str) -> list[tuple[str, str]]:
    """The full name, given name + surname without a patronymic, and the surname."""
    words = name.split()
    forms = [("full", name)]
    if len(words) >= 3:
        forms.append(("given+surname", f"{words[0]} {words[-1]}"))
    if len(words) >= 2:
        forms.append(("surname", words[-1]))
    return forms


def scheme_items(people: list[Person]) -> list[Item]:
    out: list[Item] = []
    schemas = sorted(iuliia.schemas.names())
    for person in people:
        if not person.native_is_cyrillic():
            continue
        for script, cyr in person.cyrillic_names():
            for form, text in name_forms(cyr):
                letters = {c for c in text.lower() if c.isalpha()}
                tables: list[Table] = []
                if "Belarusian" in script:
                    tables += TABLES_BELARUSIAN
                if "Kazakh" in script:
                    tables += TABLES_KAZAKH
                if "Serbian" in script:
                    tables += TABLES_SERBIAN
                if letters <= RUSSIAN_LETTERS:
                    for name in schemas:
                        latin = iuliia.schemas.get(name).translate(text)
                        if re.search("[\u0400-\u04ff]", latin):
                            continue  # a schema for another language leaves letters untouched
                        out.append(item(latin, person.id, "scheme", f"iuliia {name}, {form}"))
                    tables += TABLES_RUSSIAN_USAGE
                for table in tables:
                    latin = romanise(text, table)
                    out.append(item(latin, person.id, "scheme", f"{table.name}, {form}"))
                    plain = fold_ascii(latin)
                    if plain != latin:
                        out.append(
                            item(plain, person.id, "scheme", f"{table.name} unaccented, {form}")
                        )
    return out


def arabic_script_items(people: list[Person], rng: random.Random) -> list[Item]:
    out: list[Item] = []
    for person in people:
        # the dataset's own names in Arabic script: ZWNJ for the space, no space, Arabic keys
        for script, text in person.native + person.other:
            if not is_arabic_script(script):
                continue
            words = text.split()
            if len(words) >= 2:
                out.append(item(ZWNJ.join(words), person.id, "arabic-script", f"{script}, ZWNJ"))
                out.append(item("".join(words), person.id, "arabic-script", f"{script}, no space"))
                out.append(
                    item(
                        f"{words[0]}{ZWNJ} {' '.join(words[1:])}",
                        person.id,
                        "arabic-script",
                        f"{script}, ZWNJ and space",
                    )
                )
            arabic_keys = text.translate(ARABIC_KEYBOARD)
            if arabic_keys != text:
                out.append(
                    item(arabic_keys, person.id, "arabic-script", f"{script}, Arabic keyboard")
                )
        if person.native_is_arabic_script():
            continue
        # the Latin name as Persian, Arabic and Urdu writers spell a foreign name
        # from the name in its own Latin spelling when it has one (Erdoğan: Turkish letters)
        latin_native = [n for s, n in person.native if s.startswith("Latin")]
        source = latin_native[0] if latin_native else person.name
        turkish = any("Turkish" in s for s, _ in person.native)
        words = source.split()
        surname_words = words[-len(person.short_name.split()) :]
        for script in ARABIC_SCRIPTS:
            per_word = [
                arabic_script_variants(w, script, person.english, rng, 8, turkish) for w in words
            ]
            surname = [
                arabic_script_variants(w, script, person.english, rng, 8, turkish)
                for w in surname_words
            ]
            for v in unique(" ".join(p) for p in _combos(surname, rng, 8)):
                out.append(item(v, person.id, "arabic-script", f"{script} rules, surname"))
            for joined in unique(" ".join(p) for p in _combos(per_word, rng, 10)):
                out.append(item(joined, person.id, "arabic-script", f"{script} rules, full"))
            for sep, label in ((ZWNJ, "ZWNJ"), ("", "no space")):
                for parts in _combos(per_word, rng, 3):
                    out.append(
                        item(
                            sep.join(parts),
                            person.id,
                            "arabic-script",
                            f"{script} rules, full, {label}",
                        )
                    )
    return out


def _combos(per_word: list[list[str]], rng: random.Random, count: int) -> list[list[str]]:
    combos = [[w[0] for w in per_word]]
    for _ in range(count * 4):
        combos.append([rng.choice(w) for w in per_word])
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for c in combos:
        if tuple(c) not in seen:
            seen.add(tuple(c))
            out.append(c)
    return out[:count]


def titles_for(person: Person) -> list[str]:
    role = person.role.lower()
    titles = ["Mr."]
    if "defense" in role or "defence" in role or "counterpart of iran's defence" in role:
        titles += ["Minister", "Defence Minister", "Defense Minister"]
    if "president" in role:
        titles += ["President"]
    if "ambassador" in role:
        titles += ["Ambassador"]
    if "envoy" in role:
        titles += ["UN envoy", "Envoy"]
    if person.rank:
        titles += [person.rank, "General", "Gen."]
    return titles


def typing_items(people: list[Person], rng: random.Random) -> list[Item]:
    out: list[Item] = []
    for person in people:
        name, surname = person.name, person.short_name
        words = name.split()
        given = words[0]
        found: list[tuple[str, str]] = []
        letters = sum(c.isalpha() for c in surname)
        if letters >= 5:
            for _ in range(4):
                found.append((one_edit(surname, rng)[0], "one edit, surname"))
        for _ in range(3):
            found.append((one_edit(name, rng)[0], "one edit, name"))
        longest = max(surname.split(), key=len)
        if len(longest) >= 8:
            for _ in range(3):
                first = one_edit(longest, rng)[0]
                twice = surname.replace(longest, one_edit(first, rng)[0])
                found.append((twice, "two edits, surname"))
        vowels = [i for i in letter_positions(surname) if surname[i].lower() in "aeiouy"]
        for i in rng.sample(vowels, min(2, len(vowels))):
            found.append((surname[:i] + surname[i] + surname[i:], "doubled vowel"))
            word_len = len(re.findall(r"[^\s]*$", surname[:i])[0] + surname[i:].split()[0])
            if word_len >= 5:
                found.append((surname[:i] + surname[i + 1 :], "dropped vowel"))
        positions = [i for i in letter_positions(surname) if i + 1 < len(surname)]
        positions = [i for i in positions if surname[i + 1].isalpha()]
        for i in rng.sample(positions, min(2, len(positions))):
            swapped = surname[:i] + surname[i + 1] + surname[i] + surname[i + 2 :]
            found.append((swapped, "transposition"))
        found += [
            (name.lower(), "lower case"),
            (name.upper(), "upper case"),
            (surname.lower(), "lower case, surname"),
            (surname.upper(), "upper case, surname"),
            (f"{' '.join(words[:-1])} {words[-1].upper()}", "surname in capitals"),
            (f"  {name} ", "extra spaces"),
            ("  ".join(words), "double spaces"),
            (f" {surname}  ", "extra spaces, surname"),
        ]
        if surname != name:
            rest = name[: len(name) - len(surname)].strip() if name.endswith(surname) else given
            found += [
                (f"{surname} {rest}", "surname first"),
                (f"{surname}, {rest}", "surname first, comma"),
                (f"{given[0]}. {surname}", "initial"),
                (f"{given[0]} {surname}", "initial, no dot"),
                (f"{given[0]}.{surname}", "initial, no space"),
            ]
            if rest != given:
                initials = " ".join(f"{w[0]}." for w in rest.split())
                found.append((f"{initials} {surname}", "initials"))
        for title in titles_for(person):
            found.append((f"{title} {surname}", f"title: {title}"))
            found.append((f"{title} {name}", f"title: {title}, full"))
        for query, note in found:
            out.append(item(query, person.id, "typing", note))
    return out


# --------------------------------------------------------------------------------------------
# Negatives.
# --------------------------------------------------------------------------------------------

ARABIC_NORMALISE = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ی"}
)
IULIIA_WIKI = iuliia.schemas.get("wikipedia")


def name_key(word: str) -> str:
    """A coarse key of one name word, the same for its usual spellings (this file's own)."""
    word = word.translate(ARABIC_NORMALISE).replace(ZWNJ, "")
    if any("\u0600" <= c <= "\u06ff" for c in word):
        word = re.sub("^ال", "", word)
        return re.sub(r"[\u064b-\u065f\u0640]", "", word)
    if any("\u0400" <= c <= "\u04ff" for c in word):
        word = (
            romanise_word(word, KZ_ICAO_9303)
            if set(word.lower()) - RUSSIAN_LETTERS
            else (IULIIA_WIKI.translate(word))
        )
    w = fold_ascii(word).lower()
    w = re.sub(r"^al-", "", w)
    w = re.sub(r"[^a-z]", "", w)
    for a, b in (
        ("sch", "s"), ("tsch", "c"), ("tch", "c"), ("dzh", "j"), ("kh", "h"), ("sh", "s"),
        ("zh", "j"), ("ch", "c"), ("dj", "j"), ("ou", "u"), ("w", "v"), ("y", "i"), ("z", "s"),
        ("ks", "x"),
    ):  # fmt: skip
        w = w.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", w)


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass
class Identity:
    person: str
    given: set[str]
    surnames: set[str]


def identities(people: list[Person]) -> list[Identity]:
    out = []
    for p in people:
        given: set[str] = set()
        surnames: set[str] = set()
        texts = [p.name, *p.spellings] + [n for _, n in p.native + p.other]
        for text in texts:
            words = text.replace("-", " ").split()
            if not words:
                continue
            if len(words) == 1:
                surnames.add(name_key(words[0]))
                continue
            given.add(name_key(words[0]))
            surnames.add(name_key(words[-1]))
        surnames.add(name_key(p.short_name.split()[-1]))
        out.append(Identity(p.id, given, surnames))
    return out


def genuinely_dataset_person(query: str, ids: list[Identity]) -> str | None:
    """The dataset person a name genuinely is: same surname, and a compatible given name."""
    words = query.replace("-", " ").split()
    if not words:
        return None
    surname = name_key(words[-1])
    given = name_key(words[0]) if len(words) >= 2 else None
    for ident in ids:
        if surname not in ident.surnames:
            continue
        if given is None:
            return ident.person
        for g in ident.given:
            if (
                given == g
                or edit_distance(given, g) <= 1
                or (min(len(given), len(g)) >= 3 and (given.startswith(g) or g.startswith(given)))
            ):
                return ident.person
    return None


# Faker locales of the same regions. Faker has no kk_KZ, ur_PK or sr_RS: uz_UZ stands in for
# Central Asia, en_PK for Pakistan, mk_MK (Cyrillic) and hr_HR (Latin) for Serbia.
FAKER_LOCALES = (
    "ru_RU", "uk_UA", "uz_UZ", "az_AZ", "fa_IR", "ar_AA", "ar_SA", "en_PK", "mk_MK", "hr_HR",
    "tr_TR", "en_US", "de_DE", "fr_FR",
)  # fmt: skip
FAKER_FULL_PER_LOCALE = 760
FAKER_SURNAMES_PER_LOCALE = 120
FAKER_LATIN_PER_LOCALE = 400  # romanised Cyrillic names, ru_RU and uk_UA


def faker_names(locale: str, seed: int) -> list[str]:
    fake = Faker(locale)
    fake.seed_instance(seed)
    gendered = hasattr(fake, "last_name_male") and hasattr(fake, "first_name_male")
    full: list[str] = []
    seen: set[str] = set()
    for attempt in range(FAKER_FULL_PER_LOCALE * 6):
        if len(full) >= FAKER_FULL_PER_LOCALE:
            break
        if gendered and attempt % 2:
            first, last = fake.first_name_female(), fake.last_name_female()
            middle = fake.middle_name_female() if hasattr(fake, "middle_name_female") else ""
        elif gendered:
            first, last = fake.first_name_male(), fake.last_name_male()
            middle = fake.middle_name_male() if hasattr(fake, "middle_name_male") else ""
        else:
            first, last, middle = fake.first_name(), fake.last_name(), ""
        name = f"{first} {middle} {last}" if middle and attempt % 5 == 0 else f"{first} {last}"
        name = " ".join(name.split())
        if name not in seen:
            seen.add(name)
            full.append(name)
    surnames: list[str] = []
    for _ in range(FAKER_SURNAMES_PER_LOCALE * 6):
        if len(surnames) >= FAKER_SURNAMES_PER_LOCALE:
            break
        last = " ".join(fake.last_name().split())
        if last not in seen:
            seen.add(last)
            surnames.append(last)
    return full + surnames


def faker_items(ids: list[Identity], seed: int) -> tuple[list[Item], list[str]]:
    out: list[Item] = []
    removed: list[str] = []
    for n, locale in enumerate(FAKER_LOCALES):
        names = faker_names(locale, seed + n)
        latin: list[str] = []
        if locale == "ru_RU":
            latin = [IULIIA_WIKI.translate(x) for x in names[:FAKER_LATIN_PER_LOCALE]]
        elif locale == "uk_UA":
            latin = [romanise(x, UK_NATIONAL_2010) for x in names[:FAKER_LATIN_PER_LOCALE]]
        for cls, batch in ((f"faker-{locale}", names), (f"faker-{locale}-latin", latin)):
            for name in batch:
                who = genuinely_dataset_person(name, ids)
                if who:
                    removed.append(f"{name} ({who})")
                    continue
                out.append(item(name, None, cls, "surname" if " " not in name else "full name"))
    return out, removed


def common_word_items(people: list[Person]) -> list[Item]:
    from spellchecker import SpellChecker

    name_words: set[str] = set()
    for p in people:
        for text in [p.name, p.short_name]:
            name_words.update(w.lower() for w in re.split(r"[\s-]+", text))
    words = Counter(SpellChecker().word_frequency.dictionary).most_common(2000)
    return [
        item(w, None, "common-word", f"rank {rank}")
        for rank, (w, _) in enumerate(words, 1)
        if w.lower() not in name_words  # a word that is a dataset name is not a negative
    ]


# Well-known other people (public record) who share a surname, a near surname or a given name
# with a dataset person; the dataset person each is close to is in the note.
HOMONYMS: tuple[tuple[str, str], ...] = (
    ("Mohammad Khatami", "Hatami: former president of Iran"),
    ("محمد خاتمی", "Hatami: Khatami in Persian"),
    ("Ahmad Khatami", "Hatami: Tehran Friday prayer leader"),
    ("Ali Hatami", "Hatami: film director"),
    ("علی حاتمی", "Hatami: Ali Hatami in Persian"),
    ("Leila Hatami", "Hatami: actress"),
    ("لیلا حاتمی", "Hatami: Leila Hatami in Persian"),
    ("Amir Khan", "Hatami's given name, Khan: boxer"),
    ("Aamir Khan", "Khan: actor"),
    ("Imran Khan", "Khan: former prime minister of Pakistan"),
    ("عمران خان", "Khan: Imran Khan in Urdu"),
    ("Sadiq Khan", "Khan: mayor of London"),
    ("Shah Rukh Khan", "Khan: actor"),
    ("Abdul Qadeer Khan", "Khan: nuclear scientist"),
    ("Ghulam Dastgir Khan", "Dastgir Khan: his father, politician"),
    ("Khawaja Asif", "Dastgir Khan's predecessor as Pakistan's defence minister"),
    ("Pervez Khattak", "Dastgir Khan: Pakistan's defence minister 2018-2022"),
    ("Larisa Shoigu", "Shoigu: his sister, Duma deputy"),
    ("Ksenia Shoigu", "Shoigu: his daughter"),
    ("Лариса Шойгу", "Shoigu: Larisa Shoigu in Russian"),
    ("Sergei Ivanov", "Shoigu's given name: Russian defence minister 2001-2007"),
    ("Сергей Иванов", "Shoigu's given name: Sergei Ivanov in Russian"),
    ("Sergei Lavrov", "Shoigu's given name: foreign minister of Russia"),
    ("Sergey Lavrov", "Shoigu's given name: foreign minister of Russia"),
    ("Andrei Belousov", "Ravkov's given name: Russian defence minister from 2024"),
    ("Андрей Белоусов", "Ravkov's given name: Andrei Belousov in Russian"),
    ("Andrei Rublev", "Ravkov's given name: tennis player"),
    ("Viktor Khrenin", "Ravkov: Belarus defence minister from 2021"),
    ("Almazbek Atambayev", "Atamkulov: former president of Kyrgyzstan"),
    ("Atambayev", "Atamkulov: near surname"),
    ("Nurlan Yermekbayev", "Zhasuzakov: Kazakhstan defence minister 2019-2021"),
    ("Ruslan Zhaksylykov", "Zhasuzakov: Kazakhstan defence minister 2022-"),
    ("Zhaksylykov", "Zhasuzakov: near surname"),
    ("Aleksandar Vucic", "Vulin's given name, near surname: president of Serbia"),
    ("Aleksandar Vučić", "Vulin's given name, near surname: president of Serbia"),
    ("Александар Вучић", "Vulin: Vučić in Serbian Cyrillic"),
    ("Vucic", "Vulin: near surname"),
    ("Nebojša Stefanović", "Vulin: Serbia's defence minister 2020-2022"),
    ("Saeed Jalili", "Jalali: near surname, nuclear negotiator"),
    ("سعید جلیلی", "Jalali: Saeed Jalili in Persian"),
    ("Jalili", "Jalali: near surname"),
    ("Ali Ahmad Jalali", "Jalali: Afghan interior minister"),
    ("Kazem Seddiqi", "Jalali's given name: Tehran Friday prayer leader"),
    ("Hassan Nasrallah", "Rouhani's given name: Hezbollah leader"),
    ("Hassan Khomeini", "Rouhani's given name: cleric"),
    ("Hossein Dehghan", "Hatami's predecessor as defence minister"),
    ("Mohammad Bagheri", "Iran's chief of staff"),
    ("Vladimir Lenin", "Putin's given name"),
    ("Vladimir Zhirinovsky", "Putin's given name"),
    ("Volodymyr Zelensky", "Putin's given name (Ukrainian form)"),
    ("Vladimir Potanin", "Putin: near surname"),
    ("Lyudmila Putina", "Putin: former wife"),
    ("Людмила Путина", "Putin: Lyudmila Putina in Russian"),
    ("Emine Erdoğan", "Erdogan: his wife"),
    ("Bilal Erdogan", "Erdogan: his son"),
    ("Wolfgang Petersen", "Pedersen: near surname, film director"),
    ("Charles Pedersen", "Pedersen: Nobel laureate in chemistry"),
    ("Jordan Peterson", "Pedersen: near surname"),
    ("Geir Haarde", "Pedersen's given name: former prime minister of Iceland"),
    ("Ivanka Trump", "Trump: his daughter"),
    ("Melania Trump", "Trump: his wife"),
    ("Trumpf", "Trump: near surname (German company)"),
    ("Donald Tusk", "Trump's given name: prime minister of Poland"),
    ("Donald Rumsfeld", "Trump's given name: US defence secretary"),
    ("James Mattis", "US defence secretary"),
    ("Hafez al-Assad", "Assad: his father, former president of Syria"),
    ("Maher al-Assad", "Assad: his brother"),
    ("Asma al-Assad", "Assad: his wife"),
    ("حافظ الأسد", "Assad: Hafez al-Assad in Arabic"),
    ("Assadi", "Assad: near surname (Asadollah Assadi, Iranian diplomat)"),
    ("Asadollah Assadi", "Assad: near surname"),
    ("Asad Umar", "Assad: Pakistani finance minister"),
    ("Bashar Jaafari", "Assad's given name: Syria's UN ambassador"),
)
# Lone given names of dataset people and very common surnames: ambiguous or none, never found.
LONE_AMBIGUOUS: tuple[tuple[str, str], ...] = (
    ("Amir", "given name"), ("امیر", "given name"), ("Sergei", "given name"),
    ("Sergey", "given name"), ("Сергей", "given name"), ("Andrei", "given name"),
    ("Andrey", "given name"), ("Андрей", "given name"), ("Beibut", "given name"),
    ("Saken", "given name"), ("Khurram", "given name"), ("Aleksandar", "given name"),
    ("Alexander", "given name"), ("Kazem", "given name"), ("Hassan", "given name"),
    ("حسن", "given name"), ("Vladimir", "given name"), ("Владимир", "given name"),
    ("Recep", "given name"), ("Tayyip", "given name"), ("Geir", "given name"),
    ("Donald", "given name"), ("Bashar", "given name"), ("Khan", "very common surname"),
    ("خان", "very common surname"), ("Хан", "very common surname"),
)  # fmt: skip


def homonym_items() -> list[Item]:
    out = [item(q, None, "homonym", note) for q, note in HOMONYMS]
    out += [item(q, AMBIGUOUS_OR_NONE, "homonym", note) for q, note in LONE_AMBIGUOUS]
    return out


# --------------------------------------------------------------------------------------------


def canon(query: str) -> str:
    return " ".join(query.casefold().split())


def build(data_dir: Path, seed: int) -> tuple[list[Item], list[str]]:
    rng = random.Random(seed)
    people = load_people(data_dir)
    positives = scheme_items(people) + arabic_script_items(people, rng) + typing_items(people, rng)
    positives = _dedupe(positives)
    clash = _clashes(positives)
    if clash:
        raise SystemExit(f"a query is expected to be two people: {clash}")
    ids = identities(people)
    faker, removed = faker_items(ids, seed)
    negatives = _dedupe(homonym_items() + common_word_items(people) + faker)
    taken = {canon(i["query"]) for i in positives}
    dropped = [i["query"] for i in negatives if canon(i["query"]) in taken]
    negatives = [i for i in negatives if canon(i["query"]) not in taken]
    removed += [f"{q} (also a positive)" for q in dropped]
    return positives + negatives, removed


def _dedupe(items: list[Item]) -> list[Item]:
    seen: set[str] = set()
    out = []
    for i in items:
        q = i["query"]
        if not q.strip() or "\n" in q or "\r" in q or q in seen:
            continue
        seen.add(q)
        out.append(i)
    return out


def _clashes(items: list[Item]) -> list[str]:
    by: dict[str, set[str]] = {}
    for i in items:
        by.setdefault(canon(i["query"]), set()).add(str(i["expect"]))
    return [q for q, e in by.items() if len(e) > 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="dataset folder")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "name_eval.json", help="output file"
    )
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args(argv)
    items, removed = build(args.data, args.seed)
    args.out.write_text(json.dumps(items, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for i in items:
        counts[i["class"]] = counts.get(i["class"], 0) + 1
    for cls, n in sorted(counts.items()):
        print(f"{cls:24} {n:6}")
    print(f"{'total':24} {len(items):6}  -> {args.out}")
    print(f"left out as genuinely a dataset person or also a positive: {len(removed)}")
    for r in removed[:40]:
        print(f"  {r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
