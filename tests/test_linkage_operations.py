"""Merge, split and the data steward's decisions: nothing is lost, the old id points on, undo restores."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEvent
from caseapp.linkage import queries
from caseapp.linkage.models import Link, MergeRecord, ReviewPair
from caseapp.linkage.operations import LinkageError, MergeRefused, decide_pair, merge_persons, split_record
from caseapp.people.models import Person, PersonOffice
from caseapp.shelters.models import Stay
from caseapp.sources.models import FieldProvenance, SourceRecord


def delivered(factory, db, source: str, key: str, **fields):
    """A person as a source delivered it: its source record and office membership."""
    p = factory.person(office=None, **fields)
    db.session.add(SourceRecord(source_code=source, key=key, person_id=p.id, values_hash="x" * 32))
    db.session.add(PersonOffice(person_id=p.id, office_code=source, via="source"))
    db.session.flush()
    return p


def _pair(db, left, right, score=5.0):
    pair = ReviewPair(kind="model", left_source=left[0], left_key=left[1], right_source=right[0],
                      right_key=right[1], score=score, weights={"given_names": 2.1}, model_version="t")
    db.session.add(pair)
    db.session.flush()
    return pair


def test_merge_moves_everything_to_the_older_id_and_the_newer_id_points_to_it(db, factory):
    abh = delivered(
        factory, db, "abh", "A-1", family_name="Ahmadi", given_names="Ali Reza", azr_number="123456789012"
    )
    soz = delivered(factory, db, "soz", "S-9", family_name="Ahmadi", given_names="Alireza",
                    street="Hauptstr.", house_number="3", postcode="49074")
    shelter = factory.shelter()
    db.session.add(Stay(person_id=soz.id, room_id=shelter.rooms[0].id, start_date=date(2026, 1, 1),
                        end_date=date(2026, 2, 1)))
    db.session.add(FieldProvenance(person_id=soz.id, field="street", source_code="soz"))
    db.session.flush()
    user = factory.user(role="data_steward", offices=())
    abh_id, soz_id = abh.id, soz.id

    merge = merge_persons(soz_id, abh_id, by=user, score=14.2, reason="Test")

    assert merge.survivor_id == abh_id and merge.merged_id == soz_id
    assert db.session.get(Person, soz_id) is None
    assert queries.merged_into(soz_id) == abh_id
    assert sorted(queries.records_of(abh.id)) == [("abh", "A-1"), ("soz", "S-9")]
    assert db.session.scalar(select(func.count()).select_from(Stay).where(Stay.person_id == abh.id)) == 1
    assert db.session.get(FieldProvenance, (abh.id, "street")) is not None
    assert {o.office_code for o in db.session.get(Person, abh.id).offices} == {"abh", "soz"}
    # The survivor's empty address is filled from the merged person, its own values stay.
    survivor = db.session.get(Person, abh.id)
    assert survivor.street == "Hauptstr." and survivor.given_names == "Ali Reza"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).all()[-1]
    assert audit.user_id == user.id and "score=14.2" in audit.detail and f"merged={soz_id}" in audit.detail


def test_split_restores_the_merged_person_under_its_old_id_with_what_moved(db, factory):
    abh = delivered(factory, db, "abh", "A-1", family_name="Kovalenko", given_names="Olena")
    soz = delivered(
        factory, db, "soz", "S-1", family_name="Kowalenko", given_names="Olena", azr_number="111122223333"
    )
    shelter = factory.shelter()
    db.session.add(Stay(person_id=soz.id, room_id=shelter.rooms[0].id, start_date=date(2026, 3, 1),
                        end_date=date(2026, 3, 5)))
    db.session.flush()
    soz_id, abh_id = soz.id, abh.id
    merge_persons(abh_id, soz_id, actor="source:soz", rule="model", score=13.0)
    assert db.session.get(Person, abh_id).azr_number == "111122223333"

    new_id = split_record(abh_id, "soz", "S-1", actor="cli")

    assert new_id == soz_id
    restored = db.session.get(Person, soz_id)
    assert restored.family_name == "Kowalenko" and restored.azr_number == "111122223333"
    assert db.session.get(Person, abh_id).azr_number is None
    assert queries.records_of(soz_id) == [("soz", "S-1")]
    assert db.session.scalar(select(Stay.person_id).where(Stay.start_date == date(2026, 3, 1))) == soz_id
    assert {o.office_code for o in restored.offices} == {"soz"}
    assert queries.merged_into(soz_id) is None
    assert db.session.scalar(select(MergeRecord.undone_at).where(MergeRecord.merged_id == soz_id)) is not None
    assert db.session.scalar(select(Link.undone_at).where(Link.key == "S-1")) is not None
    # Remembered: the two records are a non-match now.
    assert queries.is_non_match(("soz", "S-1"), [("abh", "A-1")])


def test_merging_two_persons_with_overlapping_stays_is_refused(db, factory):
    a = delivered(factory, db, "abh", "A-2")
    b = delivered(factory, db, "soz", "S-2")
    shelter = factory.shelter(rooms=(("1.01", 2), ("1.02", 2)))
    db.session.add_all([Stay(person_id=a.id, room_id=shelter.rooms[0].id, start_date=date(2026, 1, 1)),
                        Stay(person_id=b.id, room_id=shelter.rooms[1].id, start_date=date(2026, 2, 1))])
    db.session.flush()
    with pytest.raises(MergeRefused, match="überschneiden"):
        merge_persons(a.id, b.id, actor="cli")
    assert db.session.get(Person, b.id) is not None


def test_decide_same_merges_different_is_remembered_and_a_decided_pair_cannot_be_decided_again(db, factory):
    a = delivered(factory, db, "abh", "A-3")
    b = delivered(factory, db, "jug", "J-3")
    c = delivered(factory, db, "sch", "C-3")
    a_id, b_id, c_id = a.id, b.id, c.id
    same = _pair(db, ("jug", "J-3"), ("abh", "A-3"))
    different = _pair(db, ("sch", "C-3"), ("abh", "A-3"))
    assert decide_pair(same, "same", actor="cli") == a_id
    assert queries.resolve("jug", "J-3") == a_id
    assert queries.merged_into(b_id) == a_id
    assert decide_pair(different, "different", actor="cli") is None
    assert queries.resolve("sch", "C-3") == c_id
    assert queries.is_non_match(("sch", "C-3"), queries.records_of(a_id))
    with pytest.raises(LinkageError):
        decide_pair(same, "different", actor="cli")


def test_split_of_a_persons_only_record_is_refused(db, factory):
    a = delivered(factory, db, "abh", "A-4")
    with pytest.raises(LinkageError, match="einzige"):
        split_record(a.id, "abh", "A-4", actor="cli")


def test_cli_persons_queue_decide_split(app, db, factory):
    a = delivered(factory, db, "abh", "A-5", family_name="Tesfay")
    b = delivered(factory, db, "jug", "JG-501", family_name="Tesfai")
    a_id, b_id = a.id, b.id
    pair = _pair(db, ("jug", "JG-501"), ("abh", "A-5"), score=7.25)
    steward = factory.user(role="data_steward", offices=())
    runner = app.test_cli_runner()

    lines = [json.loads(x) for x in runner.invoke(args=["linkage", "queue", "--json"]).output.splitlines()]
    assert {"pair_id": pair.id, "left": ["jug", "JG-501"], "right": ["abh", "A-5"], "score": 7.25} \
        .items() <= next(x for x in lines if x["pair_id"] == pair.id).items()

    done = runner.invoke(args=["linkage", "decide", str(pair.id), "same", "--by", steward.email])
    assert done.exit_code == 0, done.output
    persons = [
        json.loads(x) for x in runner.invoke(args=["linkage", "persons", "--json"]).output.splitlines()
    ]
    assert {"person_id": a_id, "sources": [["abh", "A-5"], ["jug", "JG-501"]]} in persons
    assert not any(x["person_id"] == b_id for x in persons)

    done = runner.invoke(args=["linkage", "split", str(a_id), "jug", "JG-501", "--by", steward.email])
    assert done.exit_code == 0, done.output
    persons = [
        json.loads(x) for x in runner.invoke(args=["linkage", "persons", "--json"]).output.splitlines()
    ]
    assert {"person_id": b_id, "sources": [["jug", "JG-501"]]} in persons

    bad = runner.invoke(args=["linkage", "decide", "999999", "same"])
    assert bad.exit_code == 1 and "gibt es nicht" in bad.output
