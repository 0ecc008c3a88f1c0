"""Who reads an office's own facts (Fachdaten), and the read side for the person page, Art. 15 and figures.

Social data (§ 35 SGB I) and youth welfare data (§ 65 SGB VIII) belong to the office that delivered
them: only caseworkers who are members of that office see them on a person's page. Other offices,
admins, shelter managers, analysts, auditors and data stewards never do (an auditor's Art. 15 report
is the data subject's own copy and gets all of them: `facts_for_person(..., offices=None)`). Analysts
get facts only as counts (`fact_counts`), which the statistics door protects before publishing.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.auth.roles import CASEWORKER, has_any
from caseapp.extensions import db
from caseapp.sources.facts import fact_columns
from caseapp.sources.models import SourceRecord
from caseapp.sources.registry import get_adapter, known_sources

OFFICE_LABELS_DE = {"soz": "Sozialamt", "jug": "Jugendamt", "sch": "Schulamt", "jc": "Jobcenter"}
# German column labels; code values are shown with the adapter's code list where it has one.
COLUMN_LABELS_DE = {
    "benefit": "Leistung", "benefit_from": "Leistung seit", "benefit_to": "Leistung bis",
    "housing": "Unterbringung", "measure": "Maßnahme", "measure_from": "Maßnahme seit",
    "measure_to": "Maßnahme bis", "guardianship": "Vormundschaft", "kita": "Kita", "kita_since": "Kita seit",
    "kita_district": "Stadtteil der Kita", "school_number": "Schulnummer", "school_type": "Schulform",
    "grade": "Jahrgang", "language_support": "Sprachförderung", "school_district": "Stadtteil der Schule",
    "job_status": "Erwerbsstatus", "course": "Integrationskurs", "language_level": "Sprachniveau",
}


def fact_models() -> dict[str, type]:
    """Office code -> its facts model, for every adapter that has one."""
    out = {}
    for code in known_sources():
        model = getattr(get_adapter(code), "facts_model", None)
        if model is not None:
            out[code] = model
    return out


def readable_offices(user) -> set[str]:
    """The offices whose facts this user may read on a person's page: a caseworker's own, nobody else's."""
    if user is None or not has_any(user, {CASEWORKER}):
        return set()
    return set(user.office_codes) & set(fact_models())


def _code_labels(code: str) -> dict[str, dict]:
    module = __import__(f"caseapp.sources.{code}", fromlist=["x"])
    lists = {name: value for name, value in vars(module).items()
             if isinstance(value, dict) and name.isupper()}
    adapter = get_adapter(code)
    out = {}
    for col in adapter.columns_spec:
        if col.fact and col.kind == "code":
            out[col.fact] = next((v for v in lists.values() if set(v) == set(col.codes)), {})
    return out


def _shown(value, labels: dict) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":  # SQLite date text
        value = date.fromisoformat(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return labels.get(value, str(value))


def facts_for_person(person_id: int, offices: set[str] | None) -> list[dict]:
    """Per office (of `offices`; None = all) the facts with their history, newest first:
    [{"office", "label", "columns": [German labels],
      "rows": [{"values", "valid_from", "valid_to", "key"}]}]."""
    out = []
    for code, model in fact_models().items():
        if offices is not None and code not in offices:
            continue
        columns = fact_columns(model)
        labels = _code_labels(code)
        rows = db.session.execute(
            select(model, SourceRecord.key).join(SourceRecord, SourceRecord.id == model.source_record_id)
            .where(SourceRecord.person_id == person_id)
            .order_by(model.valid_from.desc(), model.id.desc())).all()
        if not rows:
            continue
        out.append({"office": code, "label": OFFICE_LABELS_DE.get(code, code),
                    "columns": [COLUMN_LABELS_DE.get(c, c) for c in columns],
                    "rows": [{"key": key, "valid_from": _shown(row.valid_from, {}),
                              "valid_to": _shown(row.valid_to, {}) or "aktuell",
                              "values": [_shown(getattr(row, c), labels.get(c, {})) for c in columns]}
                             for row, key in rows]})
    return out


def fact_counts(office: str, column: str, *, as_of: date | None = None,
                by_district: bool = False) -> list[tuple]:
    """Raw counts of persons per value of one fact column (the figures engineer's door protects them):
    facts valid on `as_of` (default: current), one count per (value[, district of the person])."""
    from caseapp.people.models import Person

    model = fact_models()[office]
    if column not in fact_columns(model):
        raise ValueError(f"{office} has no fact column {column}")
    value = getattr(model, column)
    valid = model.valid_to.is_(None) if as_of is None else (
        (model.valid_from <= as_of) & (model.valid_to.is_(None) | (model.valid_to > as_of)))
    keys = [value, Person.district_number] if by_district else [value]
    stmt = (select(*keys, func.count(func.distinct(SourceRecord.person_id)))
            .join(SourceRecord, SourceRecord.id == model.source_record_id)
            .join(Person, Person.id == SourceRecord.person_id)
            .where(valid, Person.anonymised_at.is_(None)).group_by(*keys).order_by(*keys))
    return [tuple(r) for r in db.session.execute(stmt)]
