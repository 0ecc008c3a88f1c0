"""Linkage inside the import (the hook): a second office's record joins its person, look-alikes are queued."""
from __future__ import annotations

from caseapp.linkage import queries
from caseapp.linkage.hooks import after_import
from caseapp.linkage.models import Link, ReviewPair
from caseapp.people.models import Person
from tests.test_linkage_operations import delivered


class Run:
    source_code = "jug"


def test_new_records_link_queue_or_stay_new(db, factory):
    ali = delivered(factory, db, "abh", "S-1", family_name="Ahmadi", given_names="Ali Reza",
                    birth="2012-03-15", nationalities=("AFG",), street="Hauptstraße", house_number="3",
                    postcode="49074")
    twin = delivered(factory, db, "abh", "S-2", family_name="Kovalenko", given_names="Olena",
                     birth="2015-06-02", sex="w", nationalities=("UKR",), street="Lotter Straße",
                     house_number="8", postcode="49078")
    ali_id, twin_id = ali.id, twin.id
    j1 = delivered(factory, db, "jug", "JG-502", family_name="Ahmadi", given_names="Alireza",
                   birth="2012-03-15", nationalities=("AFG",))
    j2 = delivered(factory, db, "jug", "JG-504", family_name="Kovalenko", given_names="Iryna",
                   birth="2015-06-02", sex="w", nationalities=("UKR",), street="Lotter Straße",
                   house_number="8", postcode="49078")
    j3 = delivered(factory, db, "jug", "JG-599", family_name="Bondarenko", given_names="Iryna",
                   birth="1980-01-01", sex="w", nationalities=("UKR",))
    j1_id, j2_id, j3_id = j1.id, j2.id, j3.id

    counts = after_import(Run(), [j1_id, j2_id, j3_id], by="source:jug")

    assert counts == {"linked": 1, "queued": 1, "new_persons": 2}
    assert queries.resolve("jug", "JG-502") == ali_id
    assert queries.merged_into(j1_id) == ali_id
    link = db.session.query(Link).filter_by(key="JG-502").one()
    assert link.rule == "model" and link.model_version and link.weights["given_names"] > 0
    pair = db.session.query(ReviewPair).filter_by(left_key="JG-504").one()
    assert pair.right == ("abh", "S-2") and pair.status == "open" and "Vornamen" in pair.reason
    assert db.session.get(Person, j2_id) is not None and db.session.get(Person, twin_id) is not None
    assert db.session.get(Person, j3_id) is not None


def test_scoring_in_chunks_finds_the_same_candidates(app, db, monkeypatch):
    """A large delivery is scored a chunk at a time (memory); the candidates are the same as in one go."""
    from datetime import date

    from caseapp.linkage import linker
    from caseapp.linkage.features import Identity

    def ident(i, family, given, born):
        return Identity(id=i, family_name=family, given_names=given, birth_date=date.fromisoformat(born),
                        birth_precision="day", sex="m", nationalities=["SYR"])

    known = {i: ident(i, f"Haddad{i % 7}", f"Omar{i % 5}", f"19{70 + i % 20}-0{1 + i % 9}-1{i % 9}")
             for i in range(1, 60)}
    incoming = {100 + i: ident(100 + i, f"Hadad{i % 7}", f"Omar{i % 5}",
                               f"19{70 + i % 20}-0{1 + i % 9}-1{i % 9}") for i in range(1, 25)}
    everyone = {**known, **incoming}
    whole = linker.score_against_known(incoming, everyone)
    monkeypatch.setitem(app.config, "CASEAPP_LINKAGE_CHUNK", 5)
    chunked = linker.score_against_known(incoming, everyone)
    assert whole and {p: sorted(c) for p, c in whole.items()} == {p: sorted(c) for p, c in chunked.items()}
    assert all(abs(whole[p][k].score - chunked[p][k].score) < 1e-9 for p in whole for k in whole[p])
