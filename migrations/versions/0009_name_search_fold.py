"""name search ignores accents: the trigram index over the names is built on a folded form

A caseworker types "Zielinski", "Celik" or "Ibrahim" for Zieliński, Çelik and İbrahim: names reach
the city in many transliterations, and a search that needs the exact diacritics misses people.
caseapp_fold(text) = lower(unaccent(text)). The folded names are kept in a generated column,
person.name_folded, with the trigram index on it: the person list searches name_folded ILIKE
caseapp_fold(term). Folding in the query instead (an index on the expression) cost an unaccent call
per candidate row on every search, +11 ms for a family name with 7,000 matches at 200,000 persons.
unaccent is only STABLE (its dictionary could be changed); the wrapper is declared IMMUTABLE so it can
be stored and indexed, the usual way: after a change of the unaccent rules, rewrite the column
(UPDATE person SET family_name = family_name). PostgreSQL only (the models do not know the column,
tests/test_migrations.py lists it as migration-only); SQLite (the demo) keeps its plain
case-insensitive search.

Revision ID: 0009
Revises: 0008
"""
import flask_security  # noqa: F401
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAMES = "coalesce(family_name, '') || ' ' || coalesce(given_names, '')"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("""
        CREATE OR REPLACE FUNCTION caseapp_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$
    """)
    op.execute("DROP INDEX IF EXISTS ix_person_name_trgm")
    op.execute(f"ALTER TABLE person ADD COLUMN name_folded text GENERATED ALWAYS AS (caseapp_fold({NAMES})) "
               "STORED")
    op.execute("CREATE INDEX ix_person_name_trgm ON person USING gin (name_folded gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_person_name_trgm")
    op.execute("ALTER TABLE person DROP COLUMN IF EXISTS name_folded")
    op.execute(f"CREATE INDEX ix_person_name_trgm ON person USING gin (({NAMES}) gin_trgm_ops)")
    op.execute("DROP FUNCTION IF EXISTS caseapp_fold(text)")
