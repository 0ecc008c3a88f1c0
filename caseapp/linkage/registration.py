"""The duplicate warning at registration (issue 14 item 6, issue 13 item 7).

A person registered by hand is scored against everyone the model would link it to (the persons born
within a year of it, or with its AZR number). Nothing is merged automatically; every likely pair goes
to the review queue (kind `registration`). The registering user hears:
- of a likely duplicate known to one of their own offices: its number, to check it themselves;
- of one known only to other offices: "möglicher Doppeleintrag, zur Prüfung weitergegeben", never
  who or what;
- of an AZR number that belongs to a person known only to other offices: nothing. The number is not
  stored on the new person, the conflict is queued (kind `azr`) naming the office that holds the number,
  whose caseworkers see it as a notice. Any answer would tell the user that the city holds that foreign
  national (an existence oracle), so the registration looks exactly like one with an unknown number.
"""
from __future__ import annotations

from datetime import date

from caseapp.extensions import db
from caseapp.linkage import decide, features, model, queries
from caseapp.linkage.linker import score_against_known, thresholds
from caseapp.linkage.models import ReviewPair
from caseapp.people.models import Person

NEUTRAL = "möglicher Doppeleintrag, zur Prüfung weitergegeben"


def _nearby(person: Person) -> dict[int, features.Identity]:
    from caseapp.sources import bulk

    year = person.birth_date.year
    rows = bulk.fetch_all("SELECT id FROM person WHERE anonymised_at IS NULL AND id <> :me AND "
                          "birth_date BETWEEN :a AND :b", {"me": person.id, "a": date(year - 1, 1, 1),
                                                          "b": date(year + 1, 12, 31)})
    ids = [r[0] for r in rows]
    return {i.id: i for i in features.load_identities(ids)} if ids else {}


def _blocked(me: features.Identity, known: dict[int, features.Identity]) -> dict[int, features.Identity]:
    """The persons that share a blocking key of the model with the new one (model.blocking_rules)."""
    col = {c: i for i, c in enumerate(features.COLUMNS)}
    mine = [features.row(me), features.row(me, swap=True)]

    def keys(r):
        return {("fy", r[col["fam_ph"]], r[col["dob_year"]]), ("gy", r[col["giv_ph"]], r[col["dob_year"]]),
                ("d", r[col["dob"]]), ("fg", r[col["fam_ph"]], r[col["giv_ph"]]), ("a", r[col["azr"]])}

    wanted = {k for r in mine for k in keys(r) if None not in k}
    return {pid: i for pid, i in known.items() if keys(features.row(i)) & wanted}


def _offices_of(person_id: int) -> set[str]:
    from caseapp.people.models import PersonOffice

    return set(
        db.session.scalars(db.select(PersonOffice.office_code).where(PersonOffice.person_id == person_id))
    )


def check_new_person(
    person: Person, *, by=None, actor: str | None = None, azr_holder: int | None = None
) -> str | None:
    """Queue the likely duplicates of a freshly registered person; the warning for the registrant, or None."""
    db.session.flush()
    mine = set(getattr(by, "office_codes", ()) or ()) if by is not None else None
    me = (person.registered_by_office or "int", queries.manual_key(person.id))
    if azr_holder is not None:
        holder_offices = _offices_of(azr_holder)
        other = queries.records_of(azr_holder)
        right = other[0] if other else ("int", queries.manual_key(azr_holder))
        db.session.add(ReviewPair(kind="azr", left_source=me[0], left_key=me[1], right_source=right[0],
                                  right_key=right[1], score=99.0, weights={},
                                  reason="Bei der Neuerfassung wurde die AZR-Nummer dieser Person angegeben",
                                  model_version=model.MODEL_VERSION,
                                  notify_office=min(holder_offices) if holder_offices else None))
    known = _nearby(person)
    if not known:
        db.session.flush()
        return None
    incoming = {i.id: i for i in features.load_identities([person.id])}
    known = _blocked(incoming[person.id], known) if person.id in incoming else {}
    if not known:  # nobody shares a blocking key: no Splink run at all (most registrations)
        db.session.flush()
        return None
    _upper, lower = thresholds()
    found = score_against_known(incoming, {**known, **incoming}).get(person.id, {})
    ranked = sorted((c for c in found.values() if c.person_id in known and c.score >= lower and
                     c.person_id != azr_holder), key=lambda c: -c.score)[:decide.QUEUE_PER_RECORD]
    own = []
    for c in ranked:
        other = queries.records_of(c.person_id)
        right = other[0] if other else ("int", queries.manual_key(c.person_id))
        db.session.add(ReviewPair(kind="registration", left_source=me[0], left_key=me[1],
                                  right_source=right[0], right_key=right[1], score=round(c.score, 2),
                                  probability=c.probability, weights=c.weights,
                                  reason=decide.guard(incoming[person.id],
                                                                         known[c.person_id], c.weights),
                                  model_version=model.MODEL_VERSION))
        if mine is None or _offices_of(c.person_id) & mine:
            own.append(c.person_id)
    db.session.flush()
    if own:
        return f"möglicher Doppeleintrag von Person Nr. {', '.join(map(str, own))}, zur Prüfung weitergegeben"
    return NEUTRAL if ranked else None
