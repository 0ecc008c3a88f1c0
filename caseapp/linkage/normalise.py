"""Name and date forms the model compares: folded to ASCII, transliteration variants unified, phonetic keys.

Names reach the city in each office's own spelling: diacritics kept or dropped (`Şahin`, `Sahin`),
Arabic, Persian, Tigrinya, Cyrillic and Turkish names in several transliterations (`Mohammed`,
`Muhammad`, `Mohamad`; `Oleksandr`, `Aleksandr`), compound names written apart or together
(`Abdul Rahman`, `Abdulrahman`). `fold` turns any script into lower-case ASCII letters (anyascii, so
`Олександр` and `Yılmaz` fold too), `canonical` collapses the common transliteration variants
(doubled letters, ou/u, ph/f, w/v, a trailing h) and `phonetic` is the Kölner Phonetik of the folded
form (cologne-phonetics), which maps `Mohammed`/`Muhammad` and `Tesfay`/`Tesfai` to one code.
"""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii
from cologne_phonetics import encode as _cologne

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Applied in order to a folded name token; each maps spellings of one sound to one form.
_VARIANTS = (
    (re.compile(r"(.)\1+"), r"\1"),  # Mohammed -> Mohamed, Hassan -> Hasan
    (re.compile(r"ou"), "u"),  # Youssef -> Yusef
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),  # Schewtschenko -> Schevtschenko
    (re.compile(r"tsch|tch|ch|sh|sch"), "s"),  # Shevchenko/Schewtschenko/Sevcenko
    (re.compile(r"[yj]"), "i"),  # Yusuf -> Iusuf, Tesfay -> Tesfai
    (re.compile(r"kh|q|ck|c"), "k"),  # Khaled/Chaled, Qasim/Kasim
    (re.compile(r"dh|th"), "d"),
    (re.compile(r"(?<=[aeiou])h(?=[^aeiou]|$)"), ""),  # Ahmad/Amad is rare, but Fatimah/Fatima is common
    (re.compile(r"e"), "a"),  # Mohammed/Muhammad vowels: only as the last step
    (re.compile(r"o"), "u"),
)
# Common prefixes/particles written joined or apart: al-Hassan, Al Hassan, Alhassan.
_PARTICLES = {"al", "el", "ul", "bin", "ben", "abu", "abd", "abdul", "von", "van", "de", "der"}


@lru_cache(maxsize=200_000)
def fold(value: str | None) -> str:
    """Lower-case ASCII letters and single spaces; hyphens and apostrophes become spaces."""
    if not value:
        return ""
    text = anyascii(value).lower().replace("-", " ").replace("'", "").replace("`", "")
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", text)).strip()


def joined(value: str | None) -> str:
    """The folded name without spaces (`Abdul Rahman` = `Abdulrahman`, `Ali Reza` = `Alireza`)."""
    return fold(value).replace(" ", "")


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    for pattern, repl in _VARIANTS:
        token = pattern.sub(repl, token)
    return token


def canonical(value: str | None) -> str:
    """Transliteration variants collapsed, tokens joined: equal for Mohammed/Muhammad/Mohamad."""
    return "".join(canonical_token(t) for t in fold(value).split())


def sorted_tokens(value: str | None) -> str:
    """Canonical tokens sorted, so reordered given names compare equal (`Ali Reza` / `Reza Ali`)."""
    return " ".join(sorted(canonical_token(t) for t in fold(value).split() if t not in _PARTICLES))


def first_token(value: str | None) -> str:
    tokens = [t for t in fold(value).split() if t not in _PARTICLES] or fold(value).split()
    return canonical_token(tokens[0]) if tokens else ""


@lru_cache(maxsize=200_000)
def phonetic(value: str | None) -> str:
    """Kölner Phonetik of the joined folded name (one code; empty for an empty name)."""
    name = joined(value)
    if not name:
        return ""
    return "".join(code for _, code in _cologne(name))


def birth_parts(birth_date, precision: str) -> tuple[int, int | None, int | None]:
    """(year, month or None, day or None) of a stored partial birth date (people/birthdate.py)."""
    if isinstance(birth_date, str):
        y, m, d = (int(x) for x in birth_date[:10].split("-"))
    else:
        y, m, d = birth_date.year, birth_date.month, birth_date.day
    if precision == "year":
        return y, None, None
    if precision == "month":
        return y, m, None
    return y, m, d
