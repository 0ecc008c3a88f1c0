"""From an old occupancy list to persons in rooms: a dry-run preview and the apply, by the same code.

`run(imp, by=..., apply=False)` maps every row inside the database transaction and rolls it back: the
preview shows exactly what the apply would do (persons matched by record linkage, new persons, rooms,
capacity, the protection rules). `apply=True` does the same and commits once: all rows or, on an
unexpected error, nothing. Per row a savepoint keeps one refused row from spoiling the others; the row
is then kept as `unmapped` with the reason, for review (LegacyRowRecord).

Rules (docs/legacy-import.md):
- a sheet belongs to the shelter chosen on the upload form, else to the open shelter whose name its
  sheet name or title names; a room is matched by its name ("Zi. 1.02" = "1.02" = "1.2");
- a person is matched as record linkage matches a delivery's record (linkage/decide.py, source
  `legacy`): a sure match to a person the shelter manager may see is that person; a doubtful one, or a
  match to a person outside the manager's view, is not applied and says only "bitte prüfen" (never who:
  the list would otherwise be an oracle for who else the city knows);
- otherwise a new person (registered for the office chosen on the form, residence status from the
  form, sex "keine Angabe" when the list has none) who arrives and moves into the room today; the list's
  move-in date is kept as the move-in date (steps cannot be backdated: workflows/dates.py);
- the list describes who already sleeps where, so a protection rule the room breaks does not refuse the
  row: the shelter manager's override is recorded ("Bestand laut Altliste") and the preview warns; a full
  room or a blocked bed refuses it (a bed is never given twice).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from caseapp.audit.operations import record
from caseapp.codelists import AuditAction, LegacyOutcome, PersonState, ShelterState
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.codes import nationality_names
from caseapp.people.models import Person
from caseapp.shelters.legacy.models import LegacyImport, LegacyRowRecord
from caseapp.shelters.legacy.sheet import LegacyRow, Skipped, WorkbookRejected, fold, read_workbook
from caseapp.shelters.models import Room, Shelter
from caseapp.workflows.errors import InvalidInput, TransitionRefused

SOURCE = "legacy"
# List rows are scored beside persons under ids no person has (linkage marks swapped-name rows negative).
ROW_ID = 10**12


@dataclass
class RowResult:
    row: LegacyRow
    outcome: str
    shelter: str | None = None
    room: str | None = None
    room_id: int | None = None
    person_id: int | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return LegacyOutcome.label_of(self.outcome)


@dataclass
class Result:
    rows: list[RowResult]
    skipped: list[Skipped]
    sheets: list[tuple[str, str | None, str | None]]  # sheet, shelter name, problem

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def summary(self) -> dict:
        return {**{o.value: self.count(o.value) for o in LegacyOutcome}, "skipped": len(self.skipped),
                "rows": len(self.rows)}


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def applied_before(digest: str) -> LegacyImport | None:
    return db.session.scalar(select(LegacyImport).where(LegacyImport.sha256 == digest,
                                                        LegacyImport.applied_at.is_not(None)).limit(1))


def _room_key(text: str) -> str:
    """'Zi. 1.02', '1.02', '1.2', '01.02' -> '1.2'; letters kept ('2a')."""
    parts = re.findall(r"[0-9]+|[a-z]+", fold(text))
    return ".".join(str(int(p)) if digits(p) else p for p in parts)


def _shelter_for(sheet: str, title: str | None, shelters: list[Shelter]) -> Shelter | None:
    wanted = [fold(t) for t in (sheet, title) if t]

    def strip(name: str) -> str:
        name = re.sub(r"\bstr\b", "strasse", fold(name))
        return re.sub(r"^(belegung(sliste)?\s+)?(gu|gemeinschaftsunterkunft|unterkunft)\s+", "", name)

    for text in wanted:
        hits = [s for s in shelters
                if strip(s.name) and (strip(s.name) in text or strip(text) == strip(s.name))]
        if len(hits) == 1:
            return hits[0]
    return None


def _nationality(text: str | None) -> tuple[str, str | None]:
    """(code, warning): 'SYR', 'Syrien', 'syrisch', 'syr.' -> SYR; unknown -> XXX (ungeklärt)."""
    if not text:
        return "XXX", "Staatsangehörigkeit fehlt: als „ungeklärt“ übernommen"
    names = nationality_names("de")
    if text.strip().upper() in names:
        return text.strip().upper(), None
    wanted = fold(text)
    by_name = {fold(n): c for c, n in names.items()}
    if wanted in by_name:
        return by_name[wanted], None
    # adjectives and abbreviations: "syrisch", "ukr.", "nigerianisch" (Nigeria, not Niger): the longest
    # common beginning wins, at least 4 letters (or the whole abbreviation), ties to the shortest name
    def common(a: str, b: str) -> int:
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return n

    need = min(4, len(wanted))
    scored = sorted(((common(wanted, n), -len(n), c) for n, c in by_name.items()), reverse=True)
    if len(wanted) >= 3 and scored and scored[0][0] >= need:
        best = [x for x in scored if x[0] == scored[0][0]]
        if len(best) == 1 or best[0][1] != best[1][1]:
            return best[0][2], None
    return "XXX", f"Staatsangehörigkeit „{text}“ nicht erkannt: als „ungeklärt“ übernommen"


def _identity(i: int, row: LegacyRow, nat: str):
    from caseapp.linkage.features import Identity

    return Identity(ROW_ID + i, row.family_name, row.given_names, row.birth.reference, row.birth.precision,
                    row.sex or "x", [nat])


def _matches(candidates: dict[int, tuple[LegacyRow, str]], by) -> dict[int, tuple[str, int | None]]:
    """Per row index: ('link', person id) for a sure match the user may see, ('doubt', None) for a
    doubtful one or one outside the user's view, ('new', None) otherwise."""
    from caseapp.linkage import decide, features
    from caseapp.linkage.linker import score_against_known, thresholds
    from caseapp.linkage.registration import _blocked
    from caseapp.people.access import visible_persons
    from caseapp.sources import bulk

    if not candidates:
        return {}
    incoming = {ROW_ID + i: _identity(i, row, nat) for i, (row, nat) in candidates.items()}
    # Everyone born within a year of a listed person, one range per listed year (portable SQL: the
    # embedded default runs on SQLite), read by the index on birth_date.
    years = sorted({row.birth.reference.year for row, _ in candidates.values()})
    ids: set[int] = set()
    for year in years:
        ids.update(r[0] for r in bulk.fetch_all(
            "SELECT id FROM person WHERE anonymised_at IS NULL AND birth_date BETWEEN :lo AND :hi",
            {"lo": date(year - 1, 1, 1), "hi": date(year + 1, 12, 31)}))
    nearby = {i.id: i for i in features.load_identities(sorted(ids))} if ids else {}
    known: dict[int, features.Identity] = {}
    for ident in incoming.values():
        known.update(_blocked(ident, nearby))
    out = {i: ("new", None) for i in candidates}
    if not known:
        return out
    upper, lower = thresholds()
    found = score_against_known(incoming, {**known, **incoming})
    found = {pid: {k: c for k, c in cands.items() if k in known} for pid, cands in found.items()}
    decisions = decide.decide(incoming, known, found, sources=features.load_sources(list(known)),
                              incoming_source=SOURCE, upper=upper, lower=lower)
    linked = {d.links_to for d in decisions if d.action == "link"}
    visible = set(db.session.scalars(visible_persons(by, select(Person.id)).where(Person.id.in_(linked)))) \
        if linked else set()
    for d in decisions:
        i = d.incoming - ROW_ID
        if d.action == "link" and d.links_to in visible:
            out[i] = ("link", d.links_to)
        elif d.action in ("link", "queue"):
            out[i] = ("doubt", None)
    return out


def run(imp: LegacyImport, *, by, apply: bool) -> Result:
    """Map every row; roll back (preview) or commit (apply). WorkbookRejected for an unreadable file."""
    if imp.data is None:
        raise WorkbookRejected("Diese Liste wurde schon eingespielt; die Datei ist nicht mehr gespeichert")
    sheets = read_workbook(imp.data)
    shelters = list(db.session.scalars(
        select(Shelter).where(Shelter.state == ShelterState.open).order_by(Shelter.name)))
    chosen = db.session.get(Shelter, imp.shelter_id) if imp.shelter_id else None
    results: list[RowResult] = []
    skipped: list[Skipped] = []
    sheet_info = []
    for sheet in sheets:
        skipped.extend(sheet.skipped)
        if not sheet.rows:
            if sheet.problem:
                sheet_info.append((sheet.name, None, sheet.problem))
            continue
        shelter = chosen or _shelter_for(sheet.name, sheet.title, shelters)
        problem = None
        if shelter is None:
            problem = (f"keine geöffnete Unterkunft zum Blatt „{sheet.name}“ gefunden; bitte beim Hochladen "
                       "die "
                       "Unterkunft wählen")
        elif shelter.state != ShelterState.open:
            problem, shelter = f"die Unterkunft „{shelter.name}“ ist nicht geöffnet", None
        sheet_info.append((sheet.name, shelter.name if shelter else None, problem))
        rooms = {_room_key(r.name): r for r in shelter.rooms} if shelter else {}
        for row in sheet.rows:
            results.append(_prepare(row, shelter, rooms, problem))
    _check_duplicates(results)
    todo = {i: (r.row, _nationality(r.row.nationality)[0]) for i, r in enumerate(results, start=1)
            if r.outcome == "pending"}
    matches = _matches(todo, by)
    households = _families(imp, results, matches)
    for i, r in enumerate(results, start=1):
        if r.outcome == "pending":
            _apply_row(imp, r, matches[i], by=by, household=households.get(i))
    for household in set(households.values()):
        if not any(r.person_id for i, r in enumerate(results, start=1) if households.get(i) is household):
            db.session.delete(household)  # every member refused: no empty household stays behind
    result = Result(results, skipped, sheet_info)
    if not apply:
        db.session.rollback()
        return result
    imp.applied_at = datetime.now(UTC).replace(tzinfo=None)
    imp.applied_by_id = by.id
    imp.summary = result.summary()
    imp.data = None  # the rows below keep what the review needs; the file with every name goes
    for r in results:
        db.session.add(LegacyRowRecord(
            import_id=imp.id, sheet=r.row.sheet[:100], line=r.row.line, outcome=r.outcome,
            reason="; ".join(x for x in (r.reason, *r.warnings) if x) or None, raw=r.row.raw(),
            person_id=r.person_id, room_id=r.room_id))
    detail = ",".join(f"{k}={v}" for k, v in imp.summary.items())
    record(AuditAction.legacy_import, "legacy_import", imp.id, by=by, channel="admin", detail=detail)
    db.session.commit()
    return result


def _prepare(row: LegacyRow, shelter: Shelter | None, rooms: dict[str, Room],
             problem: str | None) -> RowResult:
    r = RowResult(row, "pending", shelter=shelter.name if shelter else None, room=row.room)
    missing = [p for p in row.problems if p.startswith(("Nachname", "Vorname", "Geburtsdatum"))]
    if problem:
        r.outcome, r.reason = LegacyOutcome.unmapped, problem
    elif not row.family_name or not row.given_names or row.birth is None:
        r.outcome, r.reason = LegacyOutcome.unmapped, "; ".join(missing) or "Name oder Geburtsdatum fehlt"
    elif not row.room:
        r.outcome, r.reason = LegacyOutcome.unmapped, "Zimmer fehlt"
    elif _room_key(row.room) not in rooms:
        r.outcome = LegacyOutcome.unmapped
        r.reason = f"Zimmer „{row.room}“ gibt es in „{shelter.name}“ nicht"
    else:
        room = rooms[_room_key(row.room)]
        r.room, r.room_id = room.name, room.id
        r.warnings = [p for p in row.problems if p not in missing]
    return r


def _families(imp: LegacyImport, results: list[RowResult], matches) -> dict[int, object]:
    """New persons listed in one room under one family name are one household ("Familie Hussein"): lists
    write a family together, and the protection rules then treat them as one (no warning between a father
    and his daughter). Row index -> the household to join."""
    from caseapp.people.models import Household

    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(results, start=1):
        if r.outcome == "pending" and matches[i][0] == "new":
            groups.setdefault((r.room_id, fold(r.row.family_name)), []).append(i)
    out = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        name = results[members[0] - 1].row.family_name
        household = Household(label=f"Familie {name}"[:100], office_code=imp.office_code)
        db.session.add(household)
        db.session.flush()
        record(AuditAction.create, "household", household.id, actor=f"Altlisten-Import Nr. {imp.id}",
               office=imp.office_code, channel="admin")
        out.update({i: household for i in members})
    return out


def _check_duplicates(results: list[RowResult]) -> None:
    seen: dict[tuple, RowResult] = {}
    for r in results:
        if r.outcome != "pending":
            continue
        key = (fold(r.row.family_name), fold(r.row.given_names), r.row.birth)
        if key in seen:
            first = seen[key].row
            r.outcome = LegacyOutcome.unmapped
            r.reason = f"dieselbe Person steht schon in Zeile {first.line} (Blatt „{first.sheet}“)"
        else:
            seen[key] = r


def _apply_row(imp: LegacyImport, r: RowResult, match: tuple[str, int | None], *, by, household=None) -> None:
    from caseapp.people.operations import register_person, run_transition
    from caseapp.shelters.queries import active_stay

    kind, person_id = match
    if kind == "doubt":
        r.outcome = LegacyOutcome.unmapped
        r.reason = ("möglicherweise schon erfasst: nicht übernommen, bitte "
                                                       "prüfen (Suche nach Name und Geburtsdatum)")
        return
    note = f"Übernahme aus Altliste (Import Nr. {imp.id}, {r.row.sheet} Zeile {r.row.line})"
    override = f"Bestand laut Altliste (Import Nr. {imp.id})"
    code, warning = _nationality(r.row.nationality)
    try:
        with db.session.begin_nested():
            if kind == "link":
                person = db.session.get(Person, person_id)
                stay = active_stay(person.id)
                if stay is not None and stay.room_id == r.room_id:
                    r.outcome, r.person_id = LegacyOutcome.already, person.id
                    return
                if stay is not None:
                    raise TransitionRefused(f"laut caseapp schon in „{stay.room}“ untergebracht; bitte dort "
                                            "umziehen lassen")
                if person.state not in (PersonState.announced, PersonState.arrived):
                    raise TransitionRefused("laut caseapp nicht (mehr) in der Stadt oder in einer Wohnung; "
                                            "bitte prüfen")
                r.outcome = LegacyOutcome.existing
            else:
                if warning:
                    r.warnings.append(warning)
                person = register_person(
                    by=None, actor=f"Altlisten-Import Nr. {imp.id}", office=imp.office_code,
                    family_name=r.row.family_name, given_names=r.row.given_names, birth=r.row.birth,
                    sex=r.row.sex or "x", nationalities=[code], residence_status=imp.residence_status,
                    channel="admin", household_id=household.id if household is not None else None)
                if r.row.move_in:
                    person.move_in_date = r.row.move_in
                r.outcome = LegacyOutcome.new
            if person.state == PersonState.announced:
                run_transition(person, "arrive", by=by, reason=note, channel="admin")
            room = db.session.get(Room, r.room_id)
            broken = _breaches(person, room)
            run_transition(person, "allocate", by=by, shelter_id=room.shelter_id, room_id=room.id,
                           reason=note,
                           override_reason=override if broken else None, channel="admin")
            if broken:
                r.warnings.append("Schutzregel verletzt (" + ", ".join(broken)
                                  + "): so laut Liste übernommen, "
                                  "bitte prüfen")
            r.person_id = person.id
    except (TransitionRefused, InvalidInput) as exc:
        r.outcome, r.person_id = LegacyOutcome.unmapped, None
        r.reason = getattr(exc, "message", None) or str(exc)


def _breaches(person: Person, room: Room) -> list[str]:
    """The names of the protection rules this room breaks for the person (for the preview's warning)."""
    from caseapp.shelters.placement.rules import RULE_NAMES, Mover, breaches, sleepers_by_room

    today = date.today()
    sleepers = sleepers_by_room([room.id], today, exclude_person_ids=[person.id])[room.id]
    return [RULE_NAMES[c] for c in breaches(Mover.of(person, today), room, sleepers)]
