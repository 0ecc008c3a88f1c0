"""The contract's samples through the real importer: who links, who is queued, and no office's facts leak."""
from __future__ import annotations

from pathlib import Path

from caseapp.linkage import queries
from caseapp.linkage.models import ReviewPair
from caseapp.sources.operations import import_file

DATA = Path(__file__).resolve().parent / "data"
FILES = (("abh", "ABH_20260930.csv"), ("soz", "SOZ_20261130.csv"), ("jug", "JUG_20261130.csv"),
         ("sch", "SCH_20261130.xlsx"))


def _import_samples():
    return {code: import_file(code, (DATA / name).read_bytes(), file_name=name).as_json()
            for code, name in FILES}


def test_samples_link_the_same_humans_and_keep_the_lookalikes_apart(db):
    summaries = _import_samples()
    assert summaries["sch"]["linked"] == 3 and summaries["sch"]["new_persons"] == 2
    same = [("jug", "JG-502", "sch", "SC-9002"), ("jug", "JG-501", "sch", "SC-9005"),
            ("jug", "JG-505", "sch", "SC-9004"), ("soz", "SZ-1001", "abh", "S-000000")]
    for a, ak, b, bk in same:
        assert queries.resolve(a, ak) == queries.resolve(b, bk), (ak, bk)
    apart = [("jug", "JG-504", "sch", "SC-9003"), ("soz", "SZ-1002", "soz", "SZ-1003"),
             ("jug", "JG-503", "sch", "SC-9001"), ("abh", "S-000004", "soz", "SZ-1002"),
             ("soz", "SZ-1004", "abh", "S-000010"), ("soz", "SZ-1005", "abh", "S-000001")]
    for a, ak, b, bk in apart:
        assert queries.resolve(a, ak) != queries.resolve(b, bk), (ak, bk)
    # SZ-1005 carries S-000001's AZR number but another sex: a pair for the data steward.
    pair = db.session.query(ReviewPair).filter_by(left_key="SZ-1005", status="open").one()
    assert pair.right == ("abh", "S-000001")


def test_neither_the_data_steward_nor_another_office_sees_an_offices_facts(db, login_as):
    _import_samples()
    person_id = queries.resolve("abh", "S-000000")  # pooled with soz SZ-1001 (benefit ASYLBLG2, WOHNUNG)
    pair = db.session.query(ReviewPair).filter_by(left_key="SZ-1005").one()
    facts = ("ASYLBLG2", "Analogleistungen", "Leistung seit", "WOHNUNG")
    abh = login_as("caseworker", offices=("abh",))
    page = abh.get(f"/admin/person/details/?id={person_id}").get_data(as_text=True)
    assert "Kidane" in page and [f for f in facts if f in page] == []
    api = abh.get(f"/api/v1/persons/{person_id}", headers={"Authentication-Token": abh.auth_token})
    assert api.status_code == 200 and not any(f in api.get_data(as_text=True) for f in facts)
    steward = login_as("data_steward", offices=())
    page = steward.get(f"/admin/linkage/pair/{pair.id}").get_data(as_text=True)
    assert "S-000001" in page and not any(f in page for f in ("ASYLBLG", "Analogleistungen", "BG-"))
    assert steward.get(f"/admin/person/details/?id={person_id}").status_code == 403
