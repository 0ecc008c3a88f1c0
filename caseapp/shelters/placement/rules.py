"""The protection rules of every placement (interfaces.md): what a room must offer the person placed in it.

1. barrierefrei: a person with a mobility need (e.g. 'rollstuhl') gets a barrier-free bed;
2. Frauenzimmer: a women-only room takes only women and their children (a minor with an adult woman
   of their household);
3. Geschlechtertrennung: nobody is placed in a room where an adult of another sex sleeps who is not of
   their household, unless the shelter manager marked the room as mixed (gemischt). Sleeping there
   means holding a bed in the room on the placement day or later (a stay that starts later counts too).
   The rule works both ways: an adult is not placed with an unrelated minor of another sex either.
   Sexes 'd' and 'x' count as different from every other value (the cautious reading).

The automatic choice and the ranking offer only rooms that break no rule; a room chosen by hand that
breaks one is refused naming it, unless a shelter manager overrides it with a reason (choice.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Stay

MOBILITY_NEEDS = {"rollstuhl", "rollator", "gehbehindert", "barrierefrei", "mobilitaet", "mobilität"}
ADULT_AGE = 18

# Rule code -> its German name, as refusals and the audit trail name it.
RULE_NAMES = {
    "barrierefrei": "barrierefreies Bett",
    "frauen": "Frauenzimmer",
    "geschlecht": "Geschlechtertrennung",
}


def needs_of(person) -> set[str]:
    return {n.strip().lower() for n in (person.needs or "").split(",") if n.strip()}


def needs_accessible(person) -> bool:
    return bool(needs_of(person) & MOBILITY_NEEDS)


def is_adult(birth_date: date | None, on: date) -> bool:
    """Adult on the day; an unknown birth date counts as adult (the cautious side for the rules)."""
    if birth_date is None:
        return True
    try:
        eighteenth = birth_date.replace(year=birth_date.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        eighteenth = date(birth_date.year + ADULT_AGE, 3, 1)
    return eighteenth <= on


@dataclass(frozen=True)
class Sleeper:
    """Who holds a bed in a room: only what the rules need."""

    person_id: int
    sex: str
    adult: bool
    household_id: int | None


@dataclass(frozen=True)
class Mover:
    """The person to place, as the rules see them."""

    person_id: int | None
    sex: str
    adult: bool
    household_id: int | None
    accessible: bool  # needs a barrier-free bed
    with_woman: bool  # a minor with an adult woman in their household

    @classmethod
    def of(cls, person, on: date, household_sexes: list[tuple[str, bool]] | None = None) -> Mover:
        """household_sexes: (sex, adult) of the other members; read from the database when not given."""
        if household_sexes is None:
            household_sexes = _household_sexes(person, on)
        return cls(person_id=person.id, sex=person.sex, adult=is_adult(person.birth_date, on),
                   household_id=person.household_id, accessible=needs_accessible(person),
                   with_woman=any(sex == "w" and adult for sex, adult in household_sexes))


def _household_sexes(person, on: date) -> list[tuple[str, bool]]:
    if person.household_id is None:
        return []
    from caseapp.people.models import Person

    rows = db.session.execute(select(Person.sex, Person.birth_date).where(
        Person.household_id == person.household_id, Person.id != person.id,
        Person.state.not_in((PersonState.departed,)))).all()
    return [(sex, is_adult(born, on)) for sex, born in rows]


def sleepers_by_room(room_ids, on: date, *, exclude_person_ids=()) -> dict[int, list[Sleeper]]:
    """room id -> the persons holding a bed in it on `on` or later, without the excluded ones."""
    from caseapp.people.models import Person

    ids = list(room_ids)
    out: dict[int, list[Sleeper]] = {i: [] for i in ids}
    if not ids:
        return out
    stmt = (select(Stay.room_id, Person.id, Person.sex, Person.birth_date, Person.household_id)
            .join(Person, Person.id == Stay.person_id)
            .where(Stay.room_id.in_(ids), or_(Stay.end_date.is_(None), Stay.end_date > on)))
    excluded = [i for i in exclude_person_ids if i is not None]
    if excluded:
        stmt = stmt.where(Stay.person_id.not_in(excluded))
    for room_id, pid, sex, born, household_id in db.session.execute(stmt):
        out[room_id].append(Sleeper(pid, sex, is_adult(born, on), household_id))
    return out


def breaches(mover: Mover, room: Room, sleepers: list[Sleeper]) -> list[str]:
    """The codes of the rules a placement of `mover` into `room` would break (empty: it keeps all)."""
    broken = []
    if mover.accessible and not room.accessible:
        broken.append("barrierefrei")
    if room.women_only and not (mover.sex == "w" or (not mover.adult and mover.with_woman)):
        broken.append("frauen")
    if not room.mixed and any(_apart(mover, s) for s in sleepers):
        broken.append("geschlecht")
    return broken


def _apart(mover: Mover, sleeper: Sleeper) -> bool:
    """True when the rule keeps these two out of one room: one of them an adult of another sex than the
    other, and not one household."""
    if sleeper.person_id == mover.person_id or sleeper.sex == mover.sex:
        return False
    if mover.household_id is not None and sleeper.household_id == mover.household_id:
        return False
    return sleeper.adult or mover.adult


def refusal(codes: list[str], room: Room) -> str:
    """The German refusal naming each broken rule."""
    texts = {
        "barrierefrei": f"die Person braucht ein barrierefreies Bett, Zimmer {room.name} ist nicht "
                        "barrierefrei",
        "frauen": f"Zimmer {room.name} ist nur für Frauen und ihre Kinder",
        "geschlecht": f"im Zimmer {room.name} schläft ein Erwachsener anderen Geschlechts, der nicht zum "
                      "Haushalt gehört, und das Zimmer ist nicht als gemischt markiert",
    }
    return "; ".join(f"Schutzregel „{RULE_NAMES[c]}“: {texts[c]}" for c in codes)
