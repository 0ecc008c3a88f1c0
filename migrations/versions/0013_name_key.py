"""name search finds spelling variants: person.name_key, the names under caseapp/people/names.py's key

"Hadad" finds "Haddad", "Mueller" "Müller", "Jussuf" "Yusuf": caseapp_name_key(text) folds accents
(caseapp_fold of 0009) and applies the rules of caseapp.people.names.KEY_RULES, copied here as they
were when this migration was written (tests/test_people_search.py checks the database and Python agree).
The key of 'family given' is a generated column with a trigram index; the person search matches the
key of each term in it (and word similarity for one-letter typos). PostgreSQL only, like 0009.

Revision ID: 0013_name_key
Revises: 0012_placement_rules
"""
import flask_security  # noqa: F401
from alembic import op

revision = "0013_name_key"
down_revision = "0012_placement_rules"
branch_labels = None
depends_on = None

NAMES = "coalesce(family_name, '') || ' ' || coalesce(given_names, '')"
RULES = (
    ("[^a-z0-9 ]", ""),
    ("ae", "a"), ("oe", "o"), ("ue", "u"),
    ("dsch", "j"), ("dzh", "j"), ("dj", "j"),
    ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"),
    ("ph", "f"), ("th", "t"), ("kh", "h"), ("gh", "g"), ("ck", "k"), ("q", "k"),
    ("w", "v"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"),
    ("(.)\\1+", "\\1"),
)


def _key_expression() -> str:
    # Schema-qualified: pg_restore runs with an empty search_path (the restore drill failed without it).
    expr = "public.caseapp_fold(value)"
    for pattern, replacement in RULES:
        expr = f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"
    return f"btrim(regexp_replace({expr}, ' +', ' ', 'g'))"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION caseapp_name_key(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT {_key_expression()} $$
    """)
    op.execute(f"ALTER TABLE person ADD COLUMN name_key text "
               f"GENERATED ALWAYS AS (caseapp_name_key({NAMES})) STORED")
    op.execute("CREATE INDEX ix_person_name_key_trgm ON person USING gin (name_key gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_person_name_key_trgm")
    op.execute("ALTER TABLE person DROP COLUMN IF EXISTS name_key")
    op.execute("DROP FUNCTION IF EXISTS caseapp_name_key(text)")
