"""The person list's own parts: the search and the cells of a row (used by admin/people.py)."""
from __future__ import annotations

from flask import g
from markupsafe import Markup, escape
from sqlalchemy import and_, false, func, literal_column, or_, select

from caseapp.admin import people_detail as detail
from caseapp.admin.i18n import code_label
from caseapp.extensions import db
from caseapp.people import namewords
from caseapp.people.models import Person
from caseapp.people.names import name_key
from caseapp.people.search import parse

# Written out as literals (not bound parameters) so PostgreSQL recognises the index expression.
NAME_EXPRESSION = (func.coalesce(Person.family_name, literal_column("''")).op("||")(literal_column("' '"))
                   .op("||")(func.coalesce(Person.given_names, literal_column("''"))))


# The generated column of migration 0009 (PostgreSQL only, so not in the model): caseapp_fold(names).
FOLDED_NAMES = literal_column("person.name_folded")
# The spelling-variant key of migration 0013 (caseapp/people/names.py), PostgreSQL only as well.
NAME_KEY = literal_column("person.name_key")


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _birth_condition(birth):
    """A typed day also finds persons recorded with only its month or year ('00.05.1990', '00.00.1990')."""
    from caseapp.people.birthdate import BirthDate

    year, month = birth.reference.year, birth.reference.month
    same = [(birth.reference, birth.precision)]
    if birth.precision == "day":
        same.append((BirthDate.from_parts(year, month, 0).reference, "month"))
    if birth.precision in ("day", "month"):
        same.append((BirthDate.from_parts(year, 0, 0).reference, "year"))
    return or_(*[and_(Person.birth_date == d, Person.birth_precision == p) for d, p in same])


def _name_term_condition(term: str, postgres: bool, fuzzy: bool = False):
    """One name part: a substring of the folded names or of their spelling-variant key (people/names.py:
    'hadad' finds Haddad). `fuzzy`: instead a word within about one typo of it (trigram word similarity
    >= 0.6 on the key, from five letters: 'haddat' finds Haddad)."""
    if not postgres:
        return NAME_EXPRESSION.ilike(_like_pattern(term))
    key = name_key(term)
    folded = FOLDED_NAMES.ilike(func.caseapp_fold(_like_pattern(term)))
    if not key:
        return folded
    exact = or_(folded, NAME_KEY.like(literal_column(_sql_literal("%" + key + "%"))))
    if fuzzy and len(key.replace(" ", "")) >= 5:
        return or_(exact, NAME_KEY.op("%>")(literal_column(_sql_literal(key))))
    return exact


def _fuzzy_needed(terms, visible, word_lists: list[list[str]] | None = None) -> bool:
    """Typo tolerance only when the names as typed find nobody the user may see: near spellings of a
    common name would bury the exact matches, and the similarity search costs more (docs/benchmarks.md).
    `word_lists`: the vocabulary words each term finds as typed, when the caller has them already."""
    if not any(len(name_key(t).replace(" ", "")) >= 5 for t in terms):
        return False
    if word_lists is None:
        word_lists = [namewords.words_for(db.session, t) for t in terms]
    found = False
    if all(word_lists):
        first, *rest = word_lists
        words = namewords.PERSON_WORDS
        exact = (select(Person.id).join(words, words.c.person_id == Person.id)
                 .where(namewords.carrying(first), *[Person.id.in_(namewords.persons_with(w)) for w in rest]))
        if visible is not None:
            exact = exact.where(visible)
        found = db.session.scalar(exact.limit(1)) is not None
    g.caseapp_search_fuzzy = not found
    return not found


def _sql_literal(text: str) -> str:
    # The key holds only a-z, 0-9, spaces and the % added above (names.KEY_RULES drops everything else).
    assert all(c.isalnum() or c in " %" for c in text), text
    return "'" + text + "'"


def search_condition(search: str, first_by_name: int | None = None, descending: bool = False,
                     visible=None, azr: bool = True):
    """The persons a search finds (caseapp/people/search.py: name parts, birth date, AZR number, id);
    None for an empty search. Every part must hold. `azr=False` for a user who may not read the AZR
    number: a 12-digit search then finds nobody instead of revealing whose number it is.

    On PostgreSQL the name parts are looked up in the word index of migration 0020
    (caseapp/people/namewords.py): each term in the vocabulary of name words, then the persons of the
    matching words in name order, without reading a person row. Terms shorter than three characters
    have no trigram, match densely, and are best served by the walk of the name index in sort order,
    so they stay a plain filter on person (as do searches with a birth date, AZR number or id).

    With `first_by_name` (a list sorted by name, no other filter) the condition keeps only the first
    that many matches the user may see: the matches come sorted by name from the word index behind a
    fence, and the access rule `visible` (a where clause on person) is tested on them in that order
    until enough are found. A family name carried by 35,000 persons of a million then costs a sort of
    index entries instead of collecting and sorting 35,000 person rows (docs/benchmarks.md).
    """
    terms = parse(search)
    if terms.empty:
        return None
    others = []
    if terms.impossible or (terms.azr_number and not azr):
        others.append(false())
    if terms.birth is not None:
        others.append(_birth_condition(terms.birth))
    if terms.azr_number and azr:
        others.append(Person.azr_number == terms.azr_number)
    if terms.person_id is not None:
        others.append(Person.id == terms.person_id)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres or others or any(len(name_key(t)) < 3 for t in terms.names):
        # Terms shorter than three characters have no trigram and match densely: the walk of the name
        # index in sort order serves them best, as it serves birth date, AZR number and id.
        fuzzy = postgres and bool(terms.names) and _fuzzy_needed(terms.names, visible)
        return and_(*[_name_term_condition(t, postgres, fuzzy) for t in terms.names], *others)
    word_lists = [namewords.words_for(db.session, t) for t in terms.names]
    if _fuzzy_needed(terms.names, visible, word_lists):
        word_lists = [namewords.words_for(db.session, t, fuzzy=True) for t in terms.names]
    hits = namewords.hits_in_name_order(word_lists, descending)
    if first_by_name is None:
        return Person.id.in_(select(hits.c.person_id))
    order = [hits.c.family_name, hits.c.given_names, hits.c.person_id]
    firsts = (select(Person.id).join(hits, hits.c.person_id == Person.id)
              .order_by(*(c.desc() if descending else c for c in order)).limit(first_by_name))
    if visible is not None:
        firsts = firsts.where(visible)
    return Person.id.in_(firsts)


def _code_cell(kind: str):
    return lambda person, lang: code_label(kind, getattr(person, kind), lang)


# Every column a person list may show: (person, language) -> text. The shelter column comes from the
# list query itself (Person.current_room, see PersonBaseView.get_query).
LIST_CELLS = {
    "name": lambda p, lang: p.display_name,
    "birth": lambda p, lang: p.birth.german,
    "shelter": lambda p, lang: p.current_room,
    "district": lambda p, lang: detail.format_field(p, "district_number", "district"),
    "household": lambda p, lang: str(p.household) if p.household_id else "",
    "needs": lambda p, lang: p.needs,
    **{kind: _code_cell(kind) for kind in ("sex", "state", "nationality", "residence_status")},
}


def row_html(person, columns, details_url: str, lang: str) -> Markup:
    """The cells of one list row as HTML, the name linking to the detail page.

    One Python call per row: the stock row renders macros per cell, and at 50 rows Jinja's per-cell
    work, url_for and the locale lookups were most of the page time (docs/benchmarks.md).
    """
    cells = []
    for column, _label in columns:
        value = LIST_CELLS[column](person, lang)
        cells.append("" if value is None else escape(value))
    first = f'<td><a href="{details_url}{person.id}">{cells[0]}</a></td>'
    return Markup(first + "".join(f"<td>{cell}</td>" for cell in cells[1:]))
