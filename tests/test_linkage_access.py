"""Who may use the review queue, and that the data steward reads no person records or office facts."""
from __future__ import annotations

import pytest

from caseapp.linkage.models import ReviewPair
from tests.test_linkage_operations import delivered


@pytest.mark.parametrize("role", ["caseworker", "admin", "analyst", "auditor", "shelter_manager"])
def test_only_the_data_steward_opens_the_review_queue(db, factory, login_as, role):
    client = login_as(role, offices=("abh",) if role == "caseworker" else ())
    assert client.get("/admin/linkage/").status_code == 403


def test_data_steward_sees_the_core_of_a_pair_but_no_person_pages(db, factory, login_as):
    a = delivered(factory, db, "abh", "A-1", family_name="Yilmaz", legal_basis="§ 25 Abs. 2 AufenthG")
    delivered(factory, db, "jug", "JG-505", family_name="Yılmaz")
    pair = ReviewPair(kind="model", left_source="jug", left_key="JG-505", right_source="abh", right_key="A-1",
                      score=3.0, weights={})
    db.session.add(pair)
    db.session.flush()
    client = login_as("data_steward", offices=())
    page = client.get(f"/admin/linkage/pair/{pair.id}").get_data(as_text=True)
    assert "Yılmaz" in page and "Yilmaz" in page
    assert "AufenthG" not in page and "GESTATTUNG" not in page  # legal basis, residence status: not the core
    assert client.get(f"/admin/person/details/?id={a.id}").status_code == 403
    assert (
        client.get(f"/api/v1/persons/{a.id}", headers={"Authentication-Token": client.auth_token}).status_code
        == 403
    )
