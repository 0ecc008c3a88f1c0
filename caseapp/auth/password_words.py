"""Password warnings in German: zxcvbn (Flask-Security's complexity check) speaks English only.

Flask-Security hands zxcvbn's own warning through unchanged ("This is similar to a commonly used
password."); `GermanPasswordUtil` replaces each known warning with its German form and is given to
Flask-Security as `password_util_cls` (auth/setup.py), so the admin's user form and the password
change page both say it in German.
"""
from __future__ import annotations

from flask_security import PasswordUtil

WARNINGS_DE = {
    "Straight rows of keys are easy to guess.": "Tastenreihen wie „qwertz“ sind leicht zu erraten.",
    "Short keyboard patterns are easy to guess.": "Kurze Tastaturmuster sind leicht zu erraten.",
    'Repeats like "aaa" are easy to guess.': "Wiederholungen wie „aaa“ sind leicht zu erraten.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "Wiederholungen wie "
    "„abcabcabc“ sind kaum schwerer zu erraten als „abc“.",
    'Sequences like "abc" or "6543" are easy to guess.': "Folgen wie „abc“ oder „6543“ sind leicht zu "
    "erraten.",
    "Recent years are easy to guess.": "Jahreszahlen der letzten Jahre sind leicht zu erraten.",
    "Dates are often easy to guess.": "Daten sind oft leicht zu erraten.",
    "This is a top-10 common password.": "Dies ist eines der 10 häufigsten Passwörter.",
    "This is a top-100 common password.": "Dies ist eines der 100 häufigsten Passwörter.",
    "This is a very common password.": "Dies ist ein sehr häufiges Passwort.",
    "This is similar to a commonly used password.": "Dies ähnelt einem häufig verwendeten Passwort.",
    "A word by itself is easy to guess.": "Ein einzelnes Wort ist leicht zu erraten.",
    "Names and surnames by themselves are easy to guess.":
        "Vor- und Nachnamen allein sind leicht zu erraten.",
    "Common names and surnames are easy to guess.": "Häufige Vor- und Nachnamen sind leicht zu erraten.",
}


def german(message) -> str:
    text = str(message)
    return WARNINGS_DE.get(text, text)


class GermanPasswordUtil(PasswordUtil):
    def validate(self, password, is_register, **kwargs):
        problems, normalised = super().validate(password, is_register, **kwargs)
        return ([german(p) for p in problems] if problems else problems), normalised
