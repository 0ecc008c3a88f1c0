"""The person list's own parts: the name search and the cells of a row (used by admin/people.py)."""
from __future__ import annotations

from markupsafe import Markup, escape
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.sql.util import ClauseAdapter

from caseapp.admin import people_detail as detail
from caseapp.admin.i18n import code_label
from caseapp.extensions import db
from caseapp.people.models import Person

# Written out as literals (not bound parameters) so PostgreSQL recognises the index expression.
NAME_EXPRESSION = (func.coalesce(Person.family_name, literal_column("''")).op("||")(literal_column("' '"))
                   .op("||")(func.coalesce(Person.given_names, literal_column("''"))))


# The generated column of migration 0009 (PostgreSQL only, so not in the model): caseapp_fold(names).
FOLDED_NAMES = literal_column("person.name_folded")


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_search_condition(search: str, first_by_name: int | None = None, descending: bool = False,
                          visible=None):
    """Every term must occur in 'family given' (case- and, on PostgreSQL, accent-insensitive), answered from
    ix_person_name_trgm.

    On PostgreSQL the matches are computed first, behind a fence: left alone, the planner walks the
    name index in sort order and tests every row, which took up to a second at 200,000 persons for a
    rare name (docs/benchmarks.md). Terms shorter than three characters have no trigram, match
    densely, and are best served by that walk, so they stay a plain filter.

    With `first_by_name` (a list sorted by name, no other filter) the condition keeps only the first
    that many matches the user may see: the matches are sorted by name inside the fence and the
    access rule `visible` (a where clause on person) is tested on them in that order until enough
    are found. A family name carried by thousands of persons then costs one sort of the matches
    instead of an access check and a row fetch for each (90 -> 20 ms at 7,000 matches).
    """
    terms = [t for t in search.split() if t]
    if not terms:
        return None
    if db.session.get_bind().dialect.name != "postgresql":
        return and_(*[NAME_EXPRESSION.ilike(_like_pattern(t)) for t in terms])
    # Accents folded on both sides (migration 0009): "zielinski" finds Zieliński, "celik" Çelik.
    conditions = [FOLDED_NAMES.ilike(func.caseapp_fold(_like_pattern(t))) for t in terms]
    if any(len(t) < 3 for t in terms):
        return and_(*conditions)
    if first_by_name is None or visible is None:
        hits = select(Person.id).where(*conditions).cte("name_hits").prefix_with("MATERIALIZED")
        return Person.id.in_(select(hits.c.id))
    order = [Person.family_name, Person.given_names, Person.id]
    hits = (select(Person.id, Person.family_name, Person.given_names, Person.state).where(*conditions)
            .order_by(*(c.desc() if descending else c for c in order))
            .offset(0)  # the fence: the access test must not be pushed below the sort
            .subquery("name_hits"))
    hit_order = [hits.c.family_name, hits.c.given_names, hits.c.id]
    firsts = (select(hits.c.id).where(ClauseAdapter(hits).traverse(visible))
              .order_by(*(c.desc() if descending else c for c in hit_order)).limit(first_by_name))
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
