"""person name words: each person's folded name words in name order, and the city's vocabulary of them

At a million persons the name search answered a common family name by collecting every hit from the
trigram index on person.name_folded (35,000 for "haddad", 134 ms) before the page's 50 were sorted, and
a one-letter typo by comparing the word similarity of every candidate row (239 ms). The search now looks
a term up in the vocabulary of distinct name words (name_word: a few thousand to a few hundred thousand
rows, with trigram indexes on the folded word and its spelling-variant key), and finds the persons of the
matching words in person_name_word, whose index holds them in name order (index-only: no person row is
read until the page's rows are known). Both tables are kept by statement triggers on person, like the
statistics cube (0005); a word no person carries any longer leaves the vocabulary in the same statement,
so an erased person's rare name does not survive there. PostgreSQL only, like 0009 and 0013.

Revision ID: 0020_person_name_words
Revises: 0019_district_places
"""
from alembic import op

revision = "0020_person_name_words"
down_revision = "0019_district_places"
branch_labels = None
depends_on = None

# The words of a person's folded names (generated column person.name_folded of 0009), one row each.
WORDS_OF = "regexp_split_to_table({t}.name_folded, '\\s+') AS w(word)"

FUNCTION = f"""
CREATE FUNCTION person_name_words_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed integer[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Only persons whose names changed: most updates of person are state changes.
        changed := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                         WHERE (n.family_name, n.given_names)
                               IS DISTINCT FROM (o.family_name, o.given_names));
        IF cardinality(changed) = 0 THEN
            RETURN NULL;
        END IF;
        DELETE FROM person_name_word p USING unnest(changed) AS c(id) WHERE p.person_id = c.id;
        INSERT INTO person_name_word (word, family_name, given_names, person_id)
            SELECT DISTINCT w.word, n.family_name, n.given_names, n.id
            FROM new_rows n JOIN unnest(changed) AS c(id) ON c.id = n.id, {WORDS_OF.format(t="n")}
            WHERE w.word <> '';
        INSERT INTO name_word (word, key)
            SELECT s.word, public.caseapp_name_key(s.word) FROM (
                SELECT DISTINCT w.word FROM new_rows n JOIN unnest(changed) AS c(id) ON c.id = n.id,
                {WORDS_OF.format(t="n")} WHERE w.word <> '') s
            ON CONFLICT (word) DO NOTHING;
        DELETE FROM name_word v USING (
                SELECT DISTINCT w.word FROM old_rows o JOIN unnest(changed) AS c(id) ON c.id = o.id,
                {WORDS_OF.format(t="o")}) gone
            WHERE v.word = gone.word AND NOT EXISTS (SELECT 1 FROM person_name_word p WHERE p.word = v.word);
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO person_name_word (word, family_name, given_names, person_id)
            SELECT DISTINCT w.word, n.family_name, n.given_names, n.id
            FROM new_rows n, {WORDS_OF.format(t="n")} WHERE w.word <> '';
        INSERT INTO name_word (word, key)
            SELECT s.word, public.caseapp_name_key(s.word) FROM (
                SELECT DISTINCT w.word FROM new_rows n, {WORDS_OF.format(t="n")} WHERE w.word <> '') s
            ON CONFLICT (word) DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM person_name_word p USING old_rows o WHERE p.person_id = o.id;
        DELETE FROM name_word v USING (SELECT DISTINCT w.word FROM old_rows o, {WORDS_OF.format(t="o")}) gone
            WHERE v.word = gone.word AND NOT EXISTS (SELECT 1 FROM person_name_word p WHERE p.word = v.word);
    END IF;
    RETURN NULL;
END $$;
"""

RESET = """
CREATE FUNCTION person_name_words_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM person_name_word;
    DELETE FROM name_word;
    RETURN NULL;
END $$;
"""

TRIGGERS = [
    ("person_name_words_ins", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("person_name_words_upd", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("person_name_words_del", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The names sort as on person (German ICU collation where the server has it, migration 0008).
    collation = op.get_bind().exec_driver_sql(
        "SELECT collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'person' "
        "AND column_name = 'family_name'").scalar()
    name_type = f'varchar(200) COLLATE "{collation}"' if collation else "varchar(200)"
    op.execute(f"""
        CREATE TABLE person_name_word (
            word text NOT NULL,
            family_name {name_type},
            given_names {name_type},
            person_id integer NOT NULL,
            CONSTRAINT pk_person_name_word PRIMARY KEY (person_id, word)
        )
    """)
    op.execute("""
        CREATE TABLE name_word (
            word text NOT NULL,
            key text NOT NULL,
            CONSTRAINT pk_name_word PRIMARY KEY (word)
        )
    """)
    op.execute(FUNCTION)
    op.execute(RESET)
    # Filled before the triggers and indexes exist: one pass over person, indexes built once.
    op.execute(f"""
        INSERT INTO person_name_word (word, family_name, given_names, person_id)
        SELECT DISTINCT w.word, p.family_name, p.given_names, p.id FROM person p, {WORDS_OF.format(t="p")}
        WHERE w.word <> ''
    """)
    op.execute("INSERT INTO name_word (word, key) SELECT word, public.caseapp_name_key(word) "
               "FROM (SELECT DISTINCT word FROM person_name_word) s")
    op.execute("CREATE INDEX ix_person_name_word_order ON person_name_word "
               "(word, family_name, given_names, person_id)")
    op.execute("CREATE INDEX ix_name_word_word_trgm ON name_word USING gin (word gin_trgm_ops)")
    op.execute("CREATE INDEX ix_name_word_key_trgm ON name_word USING gin (key gin_trgm_ops)")
    op.execute("CREATE TRIGGER person_name_words_truncate AFTER TRUNCATE ON person "
               "FOR EACH STATEMENT EXECUTE FUNCTION person_name_words_reset()")
    for name, event, referencing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON person {referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION person_name_words_apply()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _event, _referencing in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON person")
    op.execute("DROP TRIGGER IF EXISTS person_name_words_truncate ON person")
    op.execute("DROP FUNCTION IF EXISTS person_name_words_reset()")
    op.execute("DROP FUNCTION IF EXISTS person_name_words_apply()")
    op.execute("DROP TABLE IF EXISTS name_word")
    op.execute("DROP TABLE IF EXISTS person_name_word")
