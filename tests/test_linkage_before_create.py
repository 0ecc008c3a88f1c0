"""A delivery's records are linked before they are written: a record of a known human is attached to that
person (no second person is created and merged), the why is kept, and a split gives it a person of its
own again, as the import would have created it."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from caseapp.audit.models import AuditEvent
from caseapp.linkage import queries
from caseapp.linkage.models import Link, MergeRecord, ReviewPair
from caseapp.people.models import Person
from caseapp.sources.models import SourceRecord
from caseapp.sources.operations import import_file
from caseapp.sources.soz import SozFact
from caseapp.workflows.models import Transition

DATA = Path(__file__).resolve().parent / "data"
HEADER = ("soz_id;azr_nr;familienname;vornamen;geburtsdatum;geschlecht;staatsangehoerigkeit;strasse;"
          "hausnummer;plz;ort;stadtteil;bedarfsgemeinschaft;leistungsart;leistung_seit;leistung_bis;unterbringung")
# S-000001 of the abh sample is Małgorzata Wiśniewski, 31.10.2001, Sutthauser Straße 100.
WISNIEWSKI = ("SZ-7001;;Wisniewski;Malgorzata;31.10.2001;m;POL;Sutthauser Str.;100;49080;Osnabrück;11;BG-1;"
              "ASYLBLG2;01.10.2026;;WOHNUNG")


def soz(*lines: str) -> bytes:
    return ("\n".join((HEADER, *lines)) + "\n").encode("utf-8")


def person_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_a_record_of_a_known_person_is_attached_without_a_second_person(app, db, factory):
    import_file("abh", (DATA / "ABH_20260930.csv").read_bytes(), file_name="ABH_20260930.csv")
    abh_id = db.session.scalar(select(SourceRecord.person_id).where(SourceRecord.key == "S-000001"))
    before = person_count(db)
    next_id = db.session.scalar(select(func.max(Person.id)))

    s = import_file("soz", soz(WISNIEWSKI), file_name="SOZ_20261130.csv")

    assert (s.created, s.updated, s.linked, s.queued, s.new_persons) == (1, 0, 1, 0, 0)
    assert person_count(db) == before
    assert queries.resolve("soz", "SZ-7001") == abh_id
    # Never created, so nothing was merged; the why of the link is kept with the model's version.
    assert db.session.scalar(select(func.count()).select_from(MergeRecord)) == 0
    link = db.session.scalars(select(Link).where(Link.key == "SZ-7001")).one()
    assert (link.person_id, link.rule, link.merge_id) == (abh_id, "model", None)
    assert link.model_version and link.weights["birth_date"] > 0 and link.score > 4
    assert queries.merged_into(next_id + 1) is None
    person = db.session.get(Person, abh_id)
    # The foreigners authority's spelling stays shown (precedence); the office joins the person.
    assert (person.family_name, person.given_names) == ("Wiśniewski", "Małgorzata")
    assert {o.office_code for o in person.offices} == {"abh", "soz"}
    fact = db.session.scalar(select(SozFact).join(SourceRecord).where(SourceRecord.key == "SZ-7001"))
    assert fact.benefit == "ASYLBLG2"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "link")).all()[-1]
    assert "linked=1" in audit.detail and audit.actor == "source:soz"

    again = import_file("soz", soz(WISNIEWSKI), file_name="SOZ_20261201.csv")
    assert (again.unchanged, again.linked, again.created) == (1, 0, 0)


def test_split_gives_the_attached_record_a_person_of_its_own_as_the_import_would_have(app, db, factory):
    import_file("abh", (DATA / "ABH_20260930.csv").read_bytes(), file_name="ABH_20260930.csv")
    abh_id = db.session.scalar(select(SourceRecord.person_id).where(SourceRecord.key == "S-000001"))
    import_file("soz", soz(WISNIEWSKI), file_name="SOZ_20261130.csv")
    steward = factory.user(role="data_steward", offices=())
    db.session.commit()

    done = app.test_cli_runner().invoke(
        args=["linkage", "split", str(abh_id), "soz", "SZ-7001", "--by", steward.email])
    assert done.exit_code == 0, done.output

    db.session.expire_all()
    new_id = queries.resolve("soz", "SZ-7001")
    assert new_id not in (None, abh_id)
    mine = db.session.get(Person, new_id)
    # The record's own identity, not a copy of the person it was attached to.
    assert (mine.family_name, mine.given_names, mine.azr_number) == ("Wisniewski", "Malgorzata", None)
    assert mine.street == "Sutthauser Str." and mine.state == "housed"  # a private address: in a flat
    assert {o.office_code for o in mine.offices} == {"soz"}
    assert {o.office_code for o in db.session.get(Person, abh_id).offices} == {"abh"}
    step = db.session.scalars(select(Transition).where(Transition.entity_id == new_id,
                                                      Transition.entity == "person")).one()
    assert step.event == "split" and step.to_state == "housed" and step.by_user_id == steward.id
    assert f"Person Nr. {abh_id}" in step.reason
    owner = db.session.scalar(
        select(SourceRecord.person_id).join(SozFact).where(SourceRecord.key == "SZ-7001"))
    assert owner == new_id  # the office's facts follow the record
    assert db.session.scalar(select(Link.undone_at).where(Link.key == "SZ-7001")) is not None
    assert queries.is_non_match(("soz", "SZ-7001"), queries.records_of(abh_id))


def test_two_keys_of_one_office_in_one_delivery_are_reported_not_linked(app, db):
    twice = ("SZ-8001;;Al-Hassan;Mohamad;12.07.1988;m;SYR;Hasestraße;12;49074;Osnabrück;01;BG-8;ASYLBLG3;"
             "15.03.2026;;GU")
    s = import_file("soz", soz(twice, twice.replace("SZ-8001", "SZ-8002").replace("Mohamad", "Mohammad")),
                    file_name="SOZ_20261130.csv")
    assert (s.created, s.linked, s.new_persons) == (2, 0, 2)
    assert queries.resolve("soz", "SZ-8001") != queries.resolve("soz", "SZ-8002")
    pair = db.session.scalars(select(ReviewPair).where(ReviewPair.left_key == "SZ-8002")).first() or \
        db.session.scalars(select(ReviewPair).where(ReviewPair.left_key == "SZ-8001")).first()
    assert pair is not None and pair.kind == "source_duplicate"
    assert {pair.left, pair.right} == {("soz", "SZ-8001"), ("soz", "SZ-8002")}


def test_data_steward_reviews_an_automatic_link_side_by_side_and_splits_it_off(app, db, factory, login_as):
    from caseapp.audit.models import AuditEvent
    from tests.test_admin_people import csrf_from

    import_file("abh", (DATA / "ABH_20260930.csv").read_bytes(), file_name="ABH_20260930.csv")
    abh_id = db.session.scalar(select(SourceRecord.person_id).where(SourceRecord.key == "S-000001"))
    import_file("soz", soz(WISNIEWSKI), file_name="SOZ_20261130.csv")
    link_id = db.session.scalar(select(Link.id).where(Link.key == "SZ-7001"))
    db.session.commit()
    steward = login_as("data_steward", offices=())

    listing = steward.get("/admin/linkage-links/?order=weak").get_data(as_text=True)
    assert "Automatische Verknüpfungen" in listing and "SZ-7001" in listing
    page = steward.get(f"/admin/linkage-links/{link_id}").get_data(as_text=True)
    # The record as delivered beside the person as shown, the identifying core only.
    assert "Wisniewski" in page and "Wiśniewski" in page and "31.10.2001" in page
    assert "ASYLBLG2" not in page and "AufenthG" not in page  # a benefit, a legal basis: not the core
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read",
                                                       AuditEvent.object_id == str(abh_id))).all()
    assert any(f"link={link_id}" in (r.detail or "") for r in read)

    done = steward.post(f"/admin/linkage-links/{link_id}/split", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302
    db.session.expire_all()
    assert queries.resolve("soz", "SZ-7001") not in (None, abh_id)
    split = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "split")).all()[-1]
    assert split.user_id == steward.user.id and f"link={link_id}" in split.detail
    after = steward.get("/admin/linkage-links/").get_data(as_text=True)
    assert "ist wieder Person Nr." in after and "soz SZ-7001</td>" not in after  # undone: off the list


def test_only_the_data_steward_sees_or_splits_automatic_links(app, db, login_as):
    for role in ("caseworker", "admin", "analyst", "auditor", "shelter_manager"):
        client = login_as(role, offices=("soz",) if role == "caseworker" else ())
        assert client.get("/admin/linkage-links/").status_code == 403
        assert client.post("/admin/linkage-links/1/split").status_code in (400, 403)
