"""Name normalisation shared by the person search, the legacy import and record linkage.

A name reaches the city in many spellings: "Haddad" and "Hadad", "Müller" and "Mueller", "Youssef" and
"Yusuf", "Schewtschenko" and "Shevchenko". `name_key` maps such variants of one name onto one key:
folded accents, German umlaut spellings, common transliteration pairs and doubled letters collapsed.
Two names with the same key are spelling variants worth showing together; the key is for finding, never
for display.

PostgreSQL computes the same key as `caseapp_name_key(text)` (migration 0013, the generated column
person.name_key with its trigram index) from the rules in `KEY_RULES`; a test checks both agree. A change
of the rules needs a new migration that replaces the function and rewrites the column.

Record linkage compares names with `caseapp.linkage.normalise` (anyascii for every script, vowel merging,
Kölner Phonetik): right for scoring pairs, but not computable inside PostgreSQL, and its vowel merging
(e = a, o = u) would make a substring search match far too much. This key is the part of those rules a
generated column can hold (doubled letters, ou/u, ph/f, w/v, sch/sh, kh/h, y/i ...).
"""
from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose, folded as PostgreSQL's unaccent folds them.
_SPECIAL = str.maketrans({"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i",
                          "ð": "d", "þ": "th", "ħ": "h", "ŀ": "l", "ŧ": "t"})

# Applied in order to the folded, lower-case name (regular expressions valid in Python and PostgreSQL).
KEY_RULES: tuple[tuple[str, str], ...] = (
    ("[^a-z0-9 ]", ""),          # hyphens, apostrophes, commas: "Al-Hassan" = "Alhassan"
    ("ae", "a"), ("oe", "o"), ("ue", "u"),   # Mueller = Müller = Muller
    ("dsch", "j"), ("dzh", "j"), ("dj", "j"),
    ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"),
    ("ph", "f"), ("th", "t"), ("kh", "h"), ("gh", "g"), ("ck", "k"), ("q", "k"),
    ("w", "v"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"),
    ("(.)\\1+", "\\1"),          # doubled letters: Haddad = Hadad
)
_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in KEY_RULES)


def fold(text: str | None) -> str:
    """Lower case without accents, as PostgreSQL's caseapp_fold (lower(unaccent(text)))."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(text: str | None) -> str:
    """The search key of a name: spelling variants of one name share it ("Haddad" and "Hadad": "hadad")."""
    key = fold(text)
    for pattern, replacement in _COMPILED:
        key = pattern.sub(replacement, key)
    return " ".join(key.split())


def person_name_key(family_name: str | None, given_names: str | None) -> str:
    """The key of a whole person name as the person table stores it ('family given')."""
    return name_key(f"{family_name or ''} {given_names or ''}")


def split_list_name(text: str) -> tuple[str, str]:
    """'Nachname, Vorname' (the lists' own format) or 'Vorname Nachname' -> (family, given)."""
    text = " ".join((text or "").split())
    if "," in text:
        family, _, given = text.partition(",")
        return family.strip(), given.strip()
    if " " in text:
        given, _, family = text.rpartition(" ")
        return family.strip(), given.strip()
    return text, ""
