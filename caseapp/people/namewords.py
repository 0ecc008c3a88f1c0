"""The name search's word index on PostgreSQL: which persons carry a name word that matches a search term.

Migration 0020 keeps, by statement triggers on person, two tables the models do not map:
`name_word` (the vocabulary: each distinct folded name word once, with its spelling-variant key, both
trigram-indexed) and `person_name_word` (each person's words with the person's names, indexed as
word, family name, given names, id). A term is matched against the vocabulary (small), and the persons
of the matching words are read from the index in name order without touching the person table: at a
million persons a common family name no longer means collecting and sorting 35,000 person rows.

Matching is the same as on the whole name (admin/people_list.py, the SQLite path): a search term holds
no space, so a substring of the folded names or of their key lies inside one word of them, and the key of
a whole name is the keys of its words joined by spaces (people/names.py's rules never cross a space).
"""
from __future__ import annotations

from sqlalchemy import column, false, func, literal_column, or_, select, table, text

from caseapp.people.names import name_key

# Not mapped (PostgreSQL only, kept by triggers): the vocabulary and each person's words.
VOCABULARY = table("name_word", column("word"), column("key"))
PERSON_WORDS = table("person_name_word", column("word"), column("family_name"), column("given_names"),
                     column("person_id"))


def like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def sql_literal(text: str) -> str:
    # The key holds only a-z, 0-9, spaces and the % added by the caller (names.KEY_RULES drops the rest).
    assert all(c.isalnum() or c in " %" for c in text), text
    return "'" + text + "'"


def words_for(session, term: str, fuzzy: bool = False) -> list[str]:
    """The vocabulary words a term finds: its folded text inside the word, or its key inside the word's
    key; with `fuzzy` (from five letters) also a word within about one typo of the key (trigram word
    similarity >= pg_trgm.word_similarity_threshold, 0.6).

    Read first and on their own: with the words as values the planner knows how many persons carry
    them; with a subquery it guessed, and walked the whole word index for a name nobody carries."""
    folded = VOCABULARY.c.word.like(func.caseapp_fold(like_pattern(term)))
    key = name_key(term)
    conditions = [folded]
    if key:
        # The key as a literal, so that the planner sees a constant pattern for the trigram index.
        conditions.append(VOCABULARY.c.key.like(literal_column(sql_literal("%" + key + "%"))))
        if fuzzy and len(key.replace(" ", "")) >= 5:
            conditions.append(VOCABULARY.c.key.op("%>")(literal_column(sql_literal(key))))
    return list(session.scalars(select(VOCABULARY.c.word).where(or_(*conditions))))


def carrying(words: list[str]):
    """The condition on person_name_word: one of these words (never true for none)."""
    return PERSON_WORDS.c.word.in_(words) if words else false()


def persons_with(words: list[str]):
    """The ids of the persons who carry one of the words (a select of person_id, possibly with repeats)."""
    return select(PERSON_WORDS.c.person_id).where(carrying(words))


def hits_in_name_order(word_lists: list[list[str]], descending: bool):
    """The persons who carry a word of every list (one list per search term), as (person_id,
    family_name, given_names) in name order, each once, read from the word index alone: a subquery with
    a fence, so that the caller's access test runs on its rows in this order and stops at the page's
    end."""
    first, *rest = word_lists
    order = [PERSON_WORDS.c.family_name, PERSON_WORDS.c.given_names, PERSON_WORDS.c.person_id]
    query = (select(*[PERSON_WORDS.c.person_id, PERSON_WORDS.c.family_name, PERSON_WORDS.c.given_names])
             .distinct()
             .where(carrying(first), *[PERSON_WORDS.c.person_id.in_(persons_with(w)) for w in rest])
             .order_by(*(c.desc() if descending else c for c in order))
             .offset(0))  # the fence: the access test must not be pushed below the sort
    return query.subquery("name_hits")


REPAIR = (
    # A word whose last carrier was renamed while another transaction gave it a new carrier can be left
    # out of the vocabulary (each saw the other's change too late); put such words back.
    ("INSERT INTO name_word (word, key) SELECT s.word, public.caseapp_name_key(s.word) FROM "
     "(SELECT DISTINCT word FROM person_name_word) s WHERE NOT EXISTS "
     "(SELECT 1 FROM name_word v WHERE v.word = s.word) ON CONFLICT (word) DO NOTHING"),
    # ... and the reverse: a word nobody carries any longer goes (an erased name leaves no trace).
    "DELETE FROM name_word v WHERE NOT EXISTS (SELECT 1 FROM person_name_word p WHERE p.word = v.word)",
)


def repair(session) -> int:
    """The nightly check of the vocabulary against the persons' words (run with retention); the triggers
    keep both in step, except for the race above. Returns how many words were put back or removed."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return sum(session.execute(text(sql)).rowcount for sql in REPAIR)
