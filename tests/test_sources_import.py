"""The abh importer against real files: every valid shape accepted, every rule of the spec applied."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.people.models import Person
from caseapp.workflows.models import Transition
from tests.test_sources_support import abh_person, import_abh

# The contract's sample file (spec/samples in the shared folder), kept with the tests so that they run on
# any machine; where the shared folder is present the copy must still be the contract's file.
SAMPLE = Path(__file__).resolve().parent / "data" / "ABH_20260930.csv"
CONTRACT_SAMPLE = Path("/work/shared/spec/samples/ABH_20260930.csv")


def test_sample_file_is_imported_with_partial_dates_and_nationalities(db):
    with open(SAMPLE, "rb") as fh:
        summary = import_abh(fh.read())
    assert summary.as_json() | {"errors": []} == {
        "source": "abh", "as_of": "2026-09-30", "records": 12, "created": 12, "updated": 0,
        "unchanged": 0, "rejected": 0, "missing": 0, "linked": 0, "queued": 0, "new_persons": 12,
        "errors": []}
    zainab = abh_person(db, "S-000003")
    assert zainab.birth.german == "00.00.1988"
    assert abh_person(db, "S-000005").birth.german == "00.07.2001"
    samir = abh_person(db, "S-000007")
    assert samir.nationality_codes == ["UKR", "RUS"] and samir.nationality == "UKR"
    assert abh_person(db, "S-000001").family_name == "Wiśniewski"
    assert abh_person(db, "S-000011").given_names == "Hüseyin İbrahim"
    assert {o.office_code: o.via for o in samir.offices} == {"abh": "source"}
    # A private address: the person enters the lifecycle as housed, with the source as actor.
    assert samir.state == "housed"
    steps = db.session.scalars(select(Transition).where(Transition.entity_id == samir.id)
                               .order_by(Transition.id)).all()
    assert [(t.event, t.to_state, t.by_label) for t in steps] == [
        ("arrive", "arrived", "source:abh"), ("move_out", "housed", "source:abh")]
    assert steps[0].occurred_on == date(2020, 10, 1)


def test_same_file_twice_changes_nothing(db):
    with open(SAMPLE, "rb") as fh:
        data = fh.read()
    import_abh(data)
    before = db.session.scalar(select(func.count(Transition.id)))
    again = import_abh(data)
    assert (again.created, again.updated, again.unchanged, again.rejected, again.missing) == (0, 0, 12, 0, 0)
    assert db.session.scalar(select(func.count(Transition.id))) == before
    assert db.session.scalar(select(func.count(Person.id))) >= 12


def test_the_kept_sample_is_the_contracts_sample():
    if not CONTRACT_SAMPLE.exists():
        pytest.skip("the shared contract folder is not on this machine; the kept copy is used as it is")
    assert SAMPLE.read_bytes() == CONTRACT_SAMPLE.read_bytes()
