"""The per-shelter board: no preselected targets, a confirmation naming who goes where, the protection
rules (refused for caseworkers, overridable by shelter managers), who sleeps where, consistent counts."""
from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.shelters.queries import active_stay
from tests.test_admin_people import csrf_from


def _selected_values(html: str, form_class: str) -> list[str]:
    """The value each <select> of the given forms submits when nobody touches it."""
    values = []
    for form in re.findall(rf'<form[^>]*class="[^"]*{form_class}[^"]*".*?</form>', html, re.DOTALL):
        for select_html in re.findall(r"<select.*?</select>", form, re.DOTALL):
            chosen = re.search(r'<option value="([^"]*)" selected', select_html) or \
                re.search(r'<option value="([^"]*)"', select_html)
            values.append(chosen.group(1))
    return values


def test_no_target_is_preselected_and_nothing_moves_without_confirmation(login_as, factory, db):
    s = factory.shelter(name="GU Board", rooms=(("A", 2), ("B", 2)))
    resident = factory.person(family_name="Bewohner", state="accommodated")
    factory.stay(resident, s.rooms[0])
    factory.person(family_name="Wartend", state="arrived")
    c = login_as("shelter_manager", offices=())
    page = c.get(f"/admin/board/{s.id}/").get_data(as_text=True)
    grid = page.split('id="bed-grid"')[1]
    assert "allocate-form" in page and "relocate-form" in page and "<select" not in grid
    choose_person = c.get(f"/admin/board/choose/?room_id={s.rooms[1].id}").get_data(as_text=True)
    choose_room = c.get(f"/admin/board/choose/?person_id={resident.id}").get_data(as_text=True)
    assert "Wartend" in choose_person and _selected_values(choose_person, "card") == [""]
    assert "GU Board / 2" not in choose_room  # (room names are A and B)
    assert "GU Board / B" in choose_room and "GU Board / A<" not in choose_room
    assert _selected_values(choose_room, "card") == [""]
    # Submitting a form untouched moves nobody.
    untouched = c.post("/admin/board/allocate/", data={"csrf_token": csrf_from(page), "event": "relocate",
                                                       "person_id": str(resident.id), "room_id": "",
                                                       "shelter_id_back": str(s.id)})
    assert untouched.status_code == 302
    confirm = c.post("/admin/board/allocate/", data={"csrf_token": csrf_from(page), "event": "relocate",
                                                     "person_id": str(resident.id),
                                                     "room_id": str(s.rooms[1].id),
                                                     "shelter_id_back": str(s.id)}).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", confirm))
    assert (
        "Verlegen" in text
        and "Bewohner" in text
        and "GU Board / Zimmer A" in text
        and "GU Board / Zimmer B" in text
    )
    assert active_stay(resident.id).room_id == s.rooms[0].id


def test_a_caseworker_sees_the_rule_and_cannot_confirm_a_shelter_manager_overrides(login_as, factory, db):
    s = factory.shelter(rooms=(("1", 2),))
    man = factory.person(state="accommodated", sex="m")
    factory.stay(man, s.rooms[0])
    woman = factory.person(family_name="Sicher", state="arrived", sex="w")
    form = {"event": "allocate", "person_id": str(woman.id), "room_id": str(s.rooms[0].id),
            "shelter_id_back": str(s.id)}
    cw = login_as("caseworker")
    token = csrf_from(cw.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    page = cw.post("/admin/board/allocate/", data={**form, "csrf_token": token}).get_data(as_text=True)
    assert "Geschlechtertrennung" in page and "confirm-form" not in page
    cw.post("/admin/board/allocate/", data={**form, "csrf_token": token, "confirmed": "1",
                                            "override_reason": "bitte"})
    assert active_stay(woman.id) is None
    sm = login_as("shelter_manager", offices=())
    token = csrf_from(sm.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    page = sm.post("/admin/board/allocate/", data={**form, "csrf_token": token}).get_data(as_text=True)
    assert "Geschlechtertrennung" in page and 'name="override_reason"' in page
    sm.post("/admin/board/allocate/", data={**form, "csrf_token": token, "confirmed": "1",
                                            "override_reason": "Ehepaar, Heirat noch nicht erfasst"})
    assert active_stay(woman.id).room_id == s.rooms[0].id


def test_the_board_shows_who_sleeps_where_and_counts_agree(login_as, factory):
    # 3 rooms x 4 beds, one blocked, 3 residents, fire-safety maximum 7: 4 free, 4 not usable.
    s = factory.shelter(rooms=(("1", 4, {"family": True, "accessible": True}), ("2", 4, {"blocked_beds": 1}),
                               ("3", 4, {"women_only": True})), fire_safety_max=7)
    family = factory.household()
    for sex, birth in (("w", "1990-01-01"), ("m", "2023-06-00")):
        factory.stay(factory.person(state="accommodated", sex=sex, birth=birth, household=family), s.rooms[0])
    factory.stay(factory.person(state="accommodated", sex="w", office="soz"), s.rooms[2])
    page = login_as("admin").get(f"/admin/board/{s.id}/").get_data(as_text=True)
    assert page.count("bed-free") == 4 and page.count("bed-capped") == 4 and page.count("bed-blocked") == 1
    assert page.count("bed-occupied") == 3
    figures = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="board-figures"')[1].split("</p>")[0])
    )
    assert "Frei: 4" in figures and "Belegt: 3" in figures
    assert "badge badge-info mr-1 feature-familie" in page and "feature-frauen" in page
    assert page.count(">H1<") == 2  # mother and child share the household marker
    assert "6–17" not in page and "0–5" in page and "18–64" in page and "weiblich" in page


def test_room_features_are_marked_by_the_shelter_manager_and_audited(login_as, factory, db):
    from caseapp.audit.models import AuditEvent

    s = factory.shelter(rooms=(("1", 2),))
    c = login_as("shelter_manager", offices=())
    token = csrf_from(c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True))
    c.post(f"/admin/shelter/features/{s.rooms[0].id}/", data={"csrf_token": token,
                                                              "features": ["gemischt", "barrierefrei"]})
    db.session.refresh(s.rooms[0])
    assert s.rooms[0].mixed and s.rooms[0].accessible and not s.rooms[0].women_only
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "room_features")) == \
        "features=-->barrierefrei+gemischt"
    assert login_as("caseworker").post(f"/admin/shelter/features/{s.rooms[0].id}/",
                                       data={"features": ["frauen"]}).status_code == 403


def test_the_free_bed_finder_keeps_the_rules_across_shelters(login_as, factory):
    mixed_men = factory.shelter(name="GU Nur Männer", rooms=(("1", 4),))
    factory.stay(factory.person(state="accommodated", sex="m"), mixed_men.rooms[0])
    women = factory.shelter(name="GU Frauenhaus", rooms=(("W", 3, {"women_only": True}),))
    ramp = factory.shelter(name="GU Rampe", rooms=(("B", 4, {"accessible": True, "family": True}),))
    c = login_as("shelter_manager", offices=())

    def found(query):
        page = c.get(f"/admin/board/?{query}").get_data(as_text=True)
        return re.findall(r'<tr><td><a href="[^"]*">([^<]+)</a>', page.split('id="finder-results"')[1])

    single_woman = found("size=1&composition=frau")
    assert "GU Frauenhaus" in single_woman and "GU Nur Männer" not in single_woman
    assert found("size=4&composition=familie&accessible=1") == ["GU Rampe"]
    assert "GU Frauenhaus" not in found("size=2&composition=mann")
    assert women.id and ramp.id


def test_the_board_of_a_full_shelter_answers_and_its_read_is_audited(login_as, factory, db):
    from caseapp.audit.models import AuditEvent

    s = factory.shelter(rooms=tuple((f"{i:03d}", 2) for i in range(30)))
    for room in s.rooms:
        for sex in ("w", "w"):
            factory.stay(factory.person(state="accommodated", sex=sex), room)
    page = login_as("shelter_manager", offices=()).get(f"/admin/board/{s.id}/")
    assert page.status_code == 200 and page.get_data(as_text=True).count("bed-occupied") == 60
    detail = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "read")
                                .order_by(AuditEvent.id.desc())).first()
    assert "n=60" in detail
